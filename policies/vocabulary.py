"""The words policies and validation requirements are written in: kinds of constraint, facts
about a proposal, and the topics a policy governs. Councils' files and the admin use only these,
so a rule written by one council means the same as another's, and triage can test it.

Plain data, no database: triage, the admin and the file loaders all import it.
"""

# A kind of constraint -> (label, the constraint datasets that show it, the document claim code
# that states it). A document's claim counts like a layer's hit (DESIGN.md: both are evidence;
# a claim that contradicts the map is flagged separately).
CONSTRAINT_KINDS: dict[str, tuple[str, tuple[str, ...], str]] = {
    "conservation-area": (
        "Conservation area",
        ("conservation-area",),
        "constraint.conservation_area",
    ),
    "listed-building": (
        "Listed building on the site",
        ("listed-building", "listed-building-outline"),
        "constraint.listed_building",
    ),
    # A listed building near the site: development within its setting.
    "listed-building-setting": (
        "Listed building near the site (its setting)",
        ("listed-building", "listed-building-outline"),
        "",
    ),
    "flood-zone": ("Flood zone 2 or 3", ("flood-risk-zone",), "constraint.flood_zone"),
    "protected-trees": (
        "Protected trees (tree preservation order)",
        ("tree-preservation-zone", "tree"),
        "constraint.tree_preservation_order",
    ),
    "green-belt": ("Green Belt", ("green-belt",), "constraint.green_belt"),
    "article-4": ("Article 4 direction", ("article-4-direction-area",), "constraint.article_4"),
    "scheduled-monument": ("Scheduled monument", ("scheduled-monument",), ""),
    "ecology": (
        "A designated nature site (SSSI, local nature reserve, ancient woodland, SAC, SPA, Ramsar)",
        (
            "site-of-special-scientific-interest",
            "local-nature-reserve",
            "ancient-woodland",
            "special-area-of-conservation",
            "special-protection-area",
            "ramsar",
        ),
        "",
    ),
    "national-landscape": (
        "National landscape or national park",
        ("area-of-outstanding-natural-beauty", "national-park"),
        "",
    ),
}

# A kind of constraint -> its label, as a file or the admin offers the kinds.
CONSTRAINT_LABELS: dict[str, str] = {
    kind: label for kind, (label, _, _) in CONSTRAINT_KINDS.items()
}

# Facts about the proposal, from the documents (triage.vocabulary's proposal codes) or from the
# description of development.
PROPOSAL_FACTS: dict[str, str] = {
    "new-dwellings": "New dwellings (one or more)",
    "new-building": "A new building",
    "extension": "An extension",
    "demolition": "Demolition",
    "change-of-use": "A change of use",
    "tree-works": "Works to trees",
    "basement": "A basement",
}

# Exemptions a validation requirement may name, in our own words, with where the law sets them.
# Triage decides from the case whether each holds (triage.validation); a document that states
# one meets the requirement, as the applicant must say which exemption they rely on.
EXEMPTIONS: dict[str, str] = {
    "householder": "A householder application (Biodiversity Gain Requirements (Exemptions) "
    "Regulations 2024)",
    "de-minimis": "De minimis: no priority habitat is affected, and less than 25 m² of habitat "
    "and 5 m of hedgerow or watercourse (Exemptions Regulations 2024)",
    "self-build": "Self-build or custom housebuilding of no more than 9 dwellings on a site of "
    "no more than 0.5 ha (Exemptions Regulations 2024)",
    "biodiversity-gain-site": "Development solely or mainly to create habitat for another "
    "development's biodiversity gain (Exemptions Regulations 2024)",
    "high-speed-railway": "Development of, or ancillary to, the high speed railway network "
    "(Exemptions Regulations 2024)",
    "development-order": "Permission granted by a development order, such as permitted "
    "development (Town and Country Planning Act 1990, Schedule 7A paragraph 17)",
}

# The statutory categories (planning.statutory) a requirement may be limited to.
CATEGORIES: dict[str, str] = {
    "major": "Major development",
    "minor": "Minor development",
    "other": "Other (householder, change of use, adverts, listed building consent ...)",
    "prior-approval": "Prior approval",
}

# What a policy governs. A conflict rule selects a council's local policies by these.
TOPICS: dict[str, str] = {
    "heritage": "The historic environment in general",
    "conservation-area": "Conservation areas",
    "listed-building": "Listed buildings and their setting",
    "archaeology": "Archaeology",
    "green-belt": "Green Belt and protected open land",
    "flood-risk": "Flood risk",
    "trees": "Trees and woodland",
    "ecology": "Biodiversity and nature sites",
    "article-4": "Article 4 directions (permitted development rights removed)",
    "design": "Design of new development",
    "amenity": "Neighbours' amenity",
    "housing": "Housing supply and mix",
    "tall-buildings": "Tall buildings",
    "basement": "Basements",
    "town-centre": "Town centres and shops",
    "climate": "Climate change and energy",
    "transport": "Transport and parking",
}

# What an Article 4 direction may remove (a policy file's [policy.article_4] `removes`).
ARTICLE_4_RIGHTS: dict[str, str] = {
    "change-of-use": "Changes of use",
    "demolition": "Demolition",
    "alteration": "External alterations",
}
