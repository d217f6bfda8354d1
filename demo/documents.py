"""The documents of a demo application, written as text: statements, plans described in words,
surveys. Sentences are drawn from small banks with a seeded `random.Random` and filled in
from the application and what the layers really say about its site.

A document says what an applicant's agent would say. Where the seeding asks for it, it
denies a constraint the map shows (`Facts.deny`): the contradiction officers must catch.

Two traps, because triage reads these with care:
- triage recognises a required document by its name, its type, or its title and headings
  anywhere in its text; so other documents never name a location plan, a heritage statement
  or a tree survey in a title or heading, or a missing document would be "found" in them;
- a sentence that places the site in a designation ("lies within", "is covered by") is a
  claim; statements about plain sites only ever deny designations, and neighbours'
  designations are described with a neighbour word ("nearby", "opposite").
"""

import random
from dataclasses import dataclass, field

from demo.places import Address, Site
from demo.proposals import Proposal
from geo.services import ConstraintHit

CONSERVATION_AREA = "conservation-area"
LISTED = "listed-building"
TREES = "tree-preservation-zone"
ARTICLE_4 = "article-4-direction-area"


@dataclass(frozen=True)
class Doc:
    filename: str
    document_type: str
    text: str

    @property
    def content_type(self) -> str:
        return "text/markdown" if self.filename.endswith(".md") else "text/plain"


@dataclass
class Facts:
    """An application as its documents see it."""

    source: str  # "southwark" | "trafford"
    address: Address
    proposal: Proposal
    site: Site
    applicant: str
    agent: str
    # Designations the documents wrongly deny: "conservation-area", "listed-building", ...
    deny: set[str] = field(default_factory=set)

    def hit(self, dataset: str) -> ConstraintHit | None:
        hits = self.site.affecting(dataset)
        return hits[0] if hits else None

    @property
    def conservation_area(self) -> ConstraintHit | None:
        return self.hit(CONSERVATION_AREA)

    @property
    def listed(self) -> ConstraintHit | None:
        return self.hit(LISTED)

    @property
    def listed_nearby(self) -> ConstraintHit | None:
        near = sorted(self.site.nearby(LISTED), key=lambda hit: hit.distance_m)
        return near[0] if near else None

    @property
    def trees(self) -> ConstraintHit | None:
        return self.hit(TREES)

    @property
    def article_4(self) -> ConstraintHit | None:
        return self.hit(ARTICLE_4)

    @property
    def green(self) -> list[ConstraintHit]:
        """Woodland, parks and nature sites touching the plot (Trafford's local layers)."""
        return [
            hit
            for hit in self.site.affecting()
            if hit.dataset not in (CONSERVATION_AREA, LISTED, TREES, ARTICLE_4)
        ]

    @property
    def flood_zone(self) -> str:
        """Most of north Southwark is in flood zone 3, behind the Thames defences; the demo
        treats everywhere else as zone 1."""
        if self.source == "southwark" and self.site.geometry.centroid.y > 177_500:
            return "3"
        return "1"

    @property
    def street(self) -> str:
        return self.address.street

    @property
    def short_address(self) -> str:
        return self.address.line.split(",")[0]


TREE_SPECIES = [
    "Sycamore", "Lime", "Oak", "Ash", "Silver birch", "Horse chestnut", "London plane",
    "Norway maple", "Cherry", "Holly", "Beech", "Hawthorn",
]  # fmt: skip

# Works that add to a building, whose neighbours' light and outlook a statement addresses.
EXTENSIONS = (
    "rear extension",
    "loft conversion",
    "side extension",
    "outbuilding",
    "porch",
    "basement",
    "new homes",
    "commercial",
)


def area_name(hit: ConstraintHit) -> str:
    """A conservation area's name as documents write it."""
    name = hit.name.strip()
    if name.lower().endswith("conservation area"):
        return name
    return f"{name} Conservation Area"


def grade(hit: ConstraintHit) -> str:
    return str(hit.attributes.get("grade") or "II")


def building_name(hit: ConstraintHit) -> str:
    if hit.name:
        return " ".join(hit.name.split())
    number, street = hit.attributes.get("street_number"), hit.attributes.get("street")
    return f"{number} {street}" if number and street else "the building"


def article_4_words(hit: ConstraintHit) -> str:
    direction = str(hit.attributes.get("direction") or "").rstrip(".")
    if direction:
        return direction[0].lower() + direction[1:]
    return "some permitted development rights are withdrawn"


def _paragraphs(*parts: str) -> str:
    return "\n\n".join(part.strip() for part in parts if part and part.strip()) + "\n"


class Writer:
    """Writes one application's documents."""

    def __init__(self, facts: Facts, rng: random.Random):
        self.f = facts
        self.rng = rng
        self.p = facts.proposal

    def pick(self, *options: str) -> str:
        return self.rng.choice(options)

    # --- Policy words -----------------------------------------------------------------------

    def design_policies(self) -> str:
        if self.f.source == "southwark":
            return self.pick(
                "Policies P13 (Design of places) and P14 (Design quality) of the Southwark Plan "
                "2022 and Policy D3 of the London Plan 2021",
                "Southwark Plan 2022 Policy P14 (Design quality) and London Plan Policy D4",
                "Policies P13 and P14 of the Southwark Plan 2022",
            )
        return self.pick(
            "Policy L7 (Design) of the Trafford Core Strategy",
            "Core Strategy Policy L7 and Policy JP-P1 of Places for Everyone",
            "Policy L7 of the Core Strategy (2012)",
        )

    def amenity_policies(self) -> str:
        if self.f.source == "southwark":
            return "Policy P56 (Protection of amenity) of the Southwark Plan 2022"
        if self.domestic:
            return "the Council's guide to house extensions and alterations (SPD4)"
        return "the Trafford Design Code"

    @property
    def domestic(self) -> bool:
        """Works to a house (or a listed building), rather than a new development."""
        return self.p.application_type in (
            "pp.full.householder",
            "ldc.proposed",
            "ldc.existing",
            "pa.part1.classA",
            "listed",
        )

    def heritage_policies(self) -> str:
        if self.f.source == "southwark":
            return self.pick(
                "Policies P19 (Listed buildings and structures) and P20 (Conservation areas) of "
                "the Southwark Plan 2022 and London Plan Policy HC1",
                "Southwark Plan Policies P19, P20 and P21",
            )
        return self.pick(
            "Policy R1 (Historic Environment) of the Trafford Core Strategy",
            "Core Strategy Policy R1 and Places for Everyone Policy JP-P2",
        )

    def nppf_design(self) -> str:
        return self.pick(
            "paragraph 135 of the NPPF",
            "paragraphs 131 and 135 of the National Planning Policy Framework",
            "NPPF paragraph 139",
        )

    # --- Describing the site ------------------------------------------------------------------

    def house(self) -> str:
        if self.f.source == "southwark":
            return self.pick(
                "a two storey mid-terrace Victorian house of London stock brick with a slate roof",
                "a three storey end-of-terrace house built around 1880, with a butterfly roof "
                "behind a parapet",
                "a two storey Edwardian terraced house with a bay window at ground floor",
                "a 1930s semi-detached house with a hipped tiled roof",
                "a post-war two storey terraced house in yellow brick",
                "a two storey Victorian terrace house with a rear outrigger",
            )
        return self.pick(
            "a two storey semi-detached house built in the 1930s, with a hipped tiled roof and "
            "a bay window",
            "a detached Edwardian house of red brick set in a generous garden",
            "a 1960s detached bungalow with a low-pitched roof",
            "a red-brick Victorian terraced house with a small front garden",
            "a post-war semi-detached house with a rendered front and a driveway",
            "a two storey detached house built in the 1990s, with an integral garage",
        )

    def street_character(self) -> str:
        options = [
            f"{self.f.street} is a residential street of houses of similar age and form, with "
            "small front gardens and on-street parking.",
            f"The houses on this part of {self.f.street} share a consistent building line, and "
            "most have been extended to the rear over the years.",
            f"The surrounding area is mainly residential. {self.f.street} is lined with street "
            "trees and the rear gardens back onto those of the next street.",
        ]
        if self.p.details.get("works") in EXTENSIONS:
            options.append(
                f"{self.f.street} has a mix of house types; several neighbours have rear "
                "extensions or dormers of a similar size to the one proposed."
            )
        return self.pick(*options)

    def designation_sentences(self) -> list[str]:
        """What the application says about designations: the truth, a denial where the
        seeding wants one, or nothing."""
        f, out = self.f, []
        area = f.conservation_area
        if area and CONSERVATION_AREA in f.deny:
            out.append(
                self.pick(
                    "The property is not within a conservation area.",
                    "The site is not located in a conservation area.",
                    "The house does not fall within any conservation area.",
                )
            )
        elif area:
            out.append(
                self.pick(
                    f"The site lies within the {area_name(area)}.",
                    f"The property is within the {area_name(area)}, and the proposal has been "
                    "designed with that in mind.",
                    f"The house sits inside the {area_name(area)}.",
                )
            )
        elif self.rng.random() < 0.5:
            out.append(
                self.pick(
                    "The site is not in a conservation area.",
                    "The property is not within a conservation area.",
                )
            )
        listed, near = f.listed, f.listed_nearby
        if listed and LISTED in f.deny:
            out.append(
                self.pick("The building is not listed.", "The property is not a listed building.")
            )
        elif listed:
            out.append(
                self.pick(
                    f"The building is Grade {grade(listed)} listed.",
                    f"The property is listed at Grade {grade(listed)} "
                    f"(list entry {listed.reference or listed.entity}).",
                )
            )
        elif near:
            out.append(
                f"The building itself is not listed, although the nearby {building_name(near)} "
                f"is listed at Grade {grade(near)}."
            )
        trees = f.trees
        if trees and TREES in f.deny:
            out.append(
                self.pick(
                    "There are no protected trees on or near the site.",
                    "No tree preservation orders apply to the site.",
                )
            )
        elif trees:
            species = " ".join(str(trees.attributes.get("species") or "mature trees").split())
            species = species.lower()
            out.append(
                self.pick(
                    f"Trees on the site are protected by Tree Preservation Order "
                    f"{trees.reference or trees.entity} ({species}).",
                    f"The site is covered by Tree Preservation Order "
                    f"{trees.reference or trees.entity}, which includes {species}.",
                )
            )
        a4 = f.article_4
        if a4 and ARTICLE_4 in f.deny:
            out.append("No Article 4 direction applies to the property.")
        elif a4:
            out.append(
                f"The property falls within an Article 4 direction area, under which "
                f"{article_4_words(a4)}."
            )
        for hit in f.green:
            out.append(self.green_sentence(hit))
        return out

    def green_sentence(self, hit: ConstraintHit) -> str:
        name = hit.name or {"woodland": "a belt of mature woodland"}.get(hit.dataset, "")
        if hit.dataset == "woodland":
            return self.pick(
                f"The rear of the garden runs into {name}, and the trees there screen the site "
                "from the south.",
                f"Part of the plot is taken up by {name} along the rear boundary.",
            )
        if hit.dataset == "greenspace":
            kind = str(hit.attributes.get("type") or "public open space").lower()
            label = f"{name} ({kind})" if name else f"an area of {kind}"
            return f"The rear boundary adjoins {label}; part of the plot is shown on it."
        words = hit.dataset.replace("-", " ")
        return f"The site adjoins {name or 'a designated ' + words} ({words})."

    # --- The proposal in words ------------------------------------------------------------------

    def proposal_paragraph(self) -> str:
        p, d = self.p, self.p.details
        works = d.get("works", "")
        if works == "rear extension":
            return self.pick(
                f"The extension projects {d.get('depth', 3.5):.1f} m from the rear wall and is "
                f"{d.get('width', 5.0):.1f} m wide, with a flat roof at {d.get('height', 3.2):.1f} "
                f"m and {d.get('rooflights', 2)} rooflights. It adds about {d.get('area', 20)} m² "
                "of floorspace to the kitchen and living area.",
                f"A {d.get('depth', 3.5):.1f} m deep extension is proposed across "
                f"{d.get('width', 5.0):.1f} m of the rear elevation. Walls are in brick to match "
                "the house, with slim aluminium sliding doors facing the garden. The new floor "
                f"area is {d.get('area', 20)} m².",
            )
        if works == "loft conversion":
            return self.pick(
                f"A dormer about {d.get('dormer_width', 4.0):.1f} m wide is set back from the "
                "eaves and from the party walls, clad in tiles to match the roof. Two bedrooms "
                f"and a shower room are formed in the roof space, about {d.get('area', 20)} m² "
                "in all.",
                "The roof is converted to provide a bedroom and shower room. The dormer has "
                "timber-framed windows aligned with those below and is finished in hanging "
                "tiles.",
            )
        if works == "side extension":
            return (
                f"The side extension is {d.get('width', 3.0):.1f} m wide, set back from the front "
                "wall and with its ridge kept below the main roof, so it reads as subordinate. "
                f"It adds about {d.get('area', 30)} m² of floorspace."
            )
        if works == "outbuilding":
            return self.pick(
                f"The outbuilding is {d.get('area', 18)} m², single storey and "
                f"{d.get('height', 2.5):.1f} m high, clad in timber with a sedum roof. It sits "
                "1 m from the boundaries and will not contain sleeping accommodation.",
                "A small timber building is proposed at the end of the garden, with a flat roof "
                "no higher than 2.5 m. It is for use by the household only.",
            )
        if works == "porch":
            return (
                f"The porch is {d.get('area', 5)} m², with a pitched tiled roof and a door in the "
                "same style as the existing one."
            )
        if works == "replacement windows":
            return self.pick(
                "The new windows copy the existing glazing pattern, frame profiles and opening "
                "method, with slim double-glazed units.",
                "All windows on the front elevation are replaced. Frames are painted white and "
                "the proportions of the existing openings are kept.",
            )
        if works == "basement":
            return (
                f"A single storey basement of about {d.get('area', 50)} m² is formed under the "
                "house, with a lightwell to the rear enclosed by a flush grille. A structural "
                "engineer's method statement is provided with the application."
            )
        if works == "driveway":
            return (
                "A permeable block-paved hardstanding is laid in the front garden with a new "
                "dropped kerb. Part of the front boundary wall is rebuilt to match."
            )
        if works == "equipment" and d.get("item") == "heat pump":
            return (
                "The heat pump unit measures about 1.0 m by 0.9 m and is mounted at ground level "
                "on the side elevation, away from the neighbours' windows. Its sound power level "
                f"is {self.rng.choice([52, 55, 58])} dB(A), within the MCS 020 limit at the "
                "nearest neighbouring window."
            )
        if works in ("equipment", "solar panels"):
            return (
                f"{self.rng.choice(['Ten', 'Twelve', 'Fourteen'])} black-framed panels are "
                "fixed flush to the rear roof slope and do not project more than 0.2 m from it. "
                "They are not visible from the street."
            )
        if works == "new homes":
            return (
                f"{p.description}. The building is {d.get('storeys', 2)} storeys high, in brick "
                f"with a slate roof, and provides about {p.floorspace_m2 or 0:.0f} m² of "
                "floorspace. Each home meets the nationally described space standard and has "
                "private outdoor space."
            )
        if works == "change of use":
            return (
                f"The proposal changes the use from {d.get('from')} to {d.get('to')}. Internal "
                "works are limited to new partitions and services; no extension is proposed."
            )
        if works == "commercial":
            area = f" The new floor area is {p.floorspace_m2:.0f} m²." if p.floorspace_m2 else ""
            return f"{p.description}.{area} Materials match the existing building."
        if works == "major":
            homes = ""
            if p.dwellings:
                affordable = self.rng.choice([25, 30, 35, 40])
                homes = (
                    f" It provides {p.dwellings} homes, {affordable}% of them affordable by "
                    "habitable room, with a mix of one, two and three bedroom homes."
                )
            return (
                f"{p.description}.{homes} The tallest part is {d.get('storeys', 6)} storeys. "
                f"Cycle parking is provided for {self.rng.randint(60, 400)} bikes; car parking "
                "is limited to accessible bays and servicing."
            )
        return f"{p.description}."

    def amenity_paragraph(self) -> str:
        works = self.p.details.get("works", "")
        if self.p.major:
            return self.pick(
                "A daylight and sunlight assessment shows that the neighbouring homes keep "
                "good levels of light, with minor reductions to a few windows.",
                "Separation distances of at least 18 m are kept between facing windows, and "
                "balconies are screened where they face existing gardens.",
            )
        if works not in EXTENSIONS:
            return self.pick(
                "The works have no effect on the neighbours' light, outlook or privacy.",
                "Nothing proposed would affect the living conditions of the neighbours.",
            )
        return self.pick(
            "The proposal keeps within a 45-degree line drawn from the neighbours' nearest "
            "habitable windows, so there is no material loss of daylight or outlook.",
            "No new windows face the neighbours, and the height next to the boundary is kept "
            "low. The neighbours' gardens will not be overlooked.",
            "The neighbouring houses have similar extensions; the proposal does not project "
            "beyond them and will not harm their amenity.",
        )

    # --- Documents -------------------------------------------------------------------------------

    def location_plan(self) -> Doc:
        f = self.f
        side = self.pick("north", "south", "east", "west")
        scale = self.pick("1:1250", "1:1250", "1:2500")
        text = _paragraphs(
            f"SITE LOCATION PLAN\n{f.address.line}\nScale {scale} at A4",
            self.pick(
                f"The application site is edged in red. It is on the {side} side of "
                f"{f.street}, and takes in the building and its garden.",
                f"Red line: the application site, {f.short_address}, including the whole plot "
                f"on the {side} side of {f.street}.",
            ),
            self.pick(
                "Other land owned by the applicant is edged in blue. A north point is shown.",
                "No other land is owned by the applicant. North is to the top of the sheet.",
            ),
            f"Site area: {f.site.area_m2:,.0f} m² ({f.site.area_m2 / 10_000:.2f} ha).",
            "Based on Ordnance Survey mapping, reproduced under licence for planning purposes.",
        )
        name = self.pick("Location_Plan.txt", "location-plan.txt", "Site Location Plan.txt")
        return Doc(name, "locationPlan", text)

    def design_and_access(self) -> Doc:
        f, p = self.f, self.p
        heading = self.pick("Design and Access Statement", "DESIGN & ACCESS STATEMENT")
        intro = self.pick(
            f"This statement accompanies the application at {f.address.line} for: {p.description}. "
            "It explains the design of the proposal and how it fits its surroundings.",
            f"We act for {f.applicant}, who owns {f.short_address}. This statement supports "
            f"the application for {p.description[0].lower() + p.description[1:]}.",
            f"Prepared by {f.agent} on behalf of {f.applicant}. Proposal: {p.description}.",
        )
        if self.domestic:
            site, design = self.house_and_design()
        else:
            site, design = self.development_and_design()
        proposal = _paragraphs("## The proposal", self.proposal_paragraph())
        heritage = ""
        area = f.conservation_area
        if (area and CONSERVATION_AREA not in f.deny) or (f.listed and LISTED not in f.deny):
            heritage = _paragraphs(
                "## Heritage",
                self.pick(
                    "The works are at the rear and cannot be seen from the street, so the "
                    "character and appearance of the area are preserved.",
                    "Traditional materials are used throughout and the original features of the "
                    "building are kept.",
                ),
            )
        if self.domestic:
            access_words = self.pick(
                "Access to the property is unchanged. Refuse and cycle storage stay in the "
                "front garden.",
                "The existing entrance and level threshold are retained. There is no change to "
                "parking or refuse arrangements.",
            )
        else:
            access_words = self.pick(
                "Every entrance is step-free. Cycle parking is provided in a secure store, and "
                "car parking is limited to accessible bays.",
                "The site is reached from the street by a shared surface. Refuse stores are next "
                "to the entrance for collection, and servicing takes place on site.",
            )
        access = _paragraphs("## Access", access_words)
        policy = _paragraphs(
            "## Planning policy",
            f"The proposal accords with {self.design_policies()}, with "
            f"{self.amenity_policies()}, and with {self.nppf_design()}.",
        )
        text = _paragraphs(f"# {heading}", intro, site, proposal, design, heritage, access, policy)
        name = self.pick(
            "Design_and_Access_Statement.md",
            "design-and-access-statement.md",
            "DAS.md",
        )
        return Doc(name, "designAndAccessStatement", text)

    def house_and_design(self) -> tuple[str, str]:
        site = _paragraphs(
            "## The site and surroundings",
            f"The property is {self.house()}. {self.street_character()}",
            " ".join(self.designation_sentences()),
        )
        if self.p.details.get("works") == "listed building works":
            looks = self.pick(
                "The works are reversible where they meet historic fabric, and use traditional "
                "materials and methods: lime mortar, timber and hand-made fittings.",
                "Original joinery, plasterwork and floors are kept; new work is distinguishable "
                "on close inspection but sympathetic in material and finish.",
            )
        elif self.p.details.get("works") not in EXTENSIONS:
            looks = self.pick(
                "The change is small in scale and uses finishes that match the building.",
                "The works are modest and leave the character of the building unchanged.",
            )
        else:
            looks = self.pick(
                "Materials match the existing building: facing brick, clay tiles and painted "
                "timber. The form is simple and secondary to the main house.",
                "The design is contemporary but restrained, using brick, dark-framed glazing "
                "and a green roof, so the extension is clearly a later addition.",
                "Detailing follows the host building: brick bond, window heads and eaves lines "
                "are continued into the new work.",
            )
        return site, _paragraphs("## Design and appearance", looks, self.amenity_paragraph())

    def development_and_design(self) -> tuple[str, str]:
        f, p = self.f, self.p
        site = _paragraphs(
            "## The site and surroundings",
            f"The site is about {f.site.area_m2:,.0f} m² and is occupied by {self.existing()}. "
            + self.pick(
                f"{f.street} is a mixed street of terraces, shops and small workshops.",
                f"The surroundings are mainly residential, with taller buildings along {f.street}.",
                "Buildings around the site range from two to six storeys.",
            ),
            " ".join(self.designation_sentences()),
        )
        storeys = p.details.get("storeys", 3)
        if p.major and storeys <= 3:
            looks = self.pick(
                "The buildings are low and long, clad in profiled metal in muted colours, with "
                "offices and entrances on the street frontage and tree planting along it.",
                "The layout keeps the service yard away from the nearest homes, behind the "
                "buildings, with a landscaped buffer along the boundary.",
            )
        elif p.major:
            looks = self.pick(
                f"Building heights step up from four storeys at the street edge to {storeys} "
                "storeys at the centre of the site, away from the nearest houses.",
                f"The scheme is arranged as perimeter blocks of up to {storeys} storeys around "
                "a landscaped courtyard open to the public during the day.",
            )
        else:
            looks = self.pick(
                "The building follows the height and building line of its neighbours, in brick "
                "with a slate roof.",
                "A simple brick building with deep window reveals, designed to sit quietly in "
                "the street.",
            )
        return site, _paragraphs("## Design and appearance", looks, self.amenity_paragraph())

    def existing(self) -> str:
        """What is on a development site now."""
        p = self.p
        if p.major:
            return self.pick(
                "single storey industrial and storage buildings with a large yard",
                "a vacant car showroom and its forecourt",
                "former warehouse buildings and hardstanding",
                "a cleared site used for temporary parking",
            )
        if p.kind == "new_homes":
            return self.pick(
                "a row of lock-up garages",
                "part of the side garden of the existing house",
                "a single storey commercial building",
                "a vacant plot used for storage",
            )
        if p.kind == "advertisement":
            return "a shop at ground floor with flats above"
        return self.pick(
            "an existing shop with a yard to the rear", "a two storey commercial building"
        )

    def planning_statement(self) -> Doc:
        f, p = self.f, self.p
        intro = _paragraphs(
            "# Planning Statement",
            f"{f.address.line}\nPrepared by {f.agent} for {f.applicant}",
            "## 1. Introduction",
            f"This statement supports the application for: {p.description}. It describes the "
            "site, the proposal and the planning policies that apply, and sets out why "
            "permission should be granted.",
        )
        site = _paragraphs(
            "## 2. The site",
            self.pick(
                f"The site is on {f.street} and extends to about {f.site.area_m2:,.0f} m². "
                "It is currently occupied by buildings of no architectural merit.",
                f"The site, {f.site.area_m2:,.0f} m² in area, fronts {f.street}. The "
                "surrounding area is mixed, with homes, shops and small workshops.",
            ),
            " ".join(self.designation_sentences()),
            self.flood_sentence(),
        )
        history = _paragraphs(
            "## 3. Planning history",
            self.pick(
                "There is no relevant planning history for the site.",
                f"Permission was granted in {self.rng.randint(2012, 2021)} for minor alterations; "
                "it has no bearing on this proposal.",
                "A pre-application meeting was held with officers, whose advice on height and "
                "materials has been followed.",
            ),
        )
        proposal = _paragraphs("## 4. The proposal", self.proposal_paragraph())
        policy = _paragraphs(
            "## 5. Planning policy and assessment",
            f"The development plan includes {self.design_policies()}. The proposal makes "
            f"efficient use of a previously developed site, in line with paragraph 129 of the "
            "NPPF.",
            self.pick(
                "The design responds to the height and grain of the street, and the materials "
                "are durable and in keeping.",
                "The scale steps down towards the neighbouring houses, and the building line "
                "of the street is respected.",
            )
            if p.details.get("works") in EXTENSIONS or p.major
            else "External changes are minor; the appearance of the building is unchanged.",
            self.amenity_paragraph(),
            "Car parking is provided in line with the Council's standards, with charging "
            "points for electric vehicles."
            if "car parking" in p.description
            else self.pick(
                "The site has good access to public transport, and cycle parking is provided "
                "in line with the standards.",
                "No additional car parking is proposed; the site is close to bus routes and "
                "a railway station.",
            ),
        )
        if p.dwellings:
            homes = (
                f"The {p.dwellings} new homes contribute"
                if p.dwellings > 1
                else ("The new home contributes")
            )
            policy += _paragraphs(
                f"{homes} to the borough's housing supply, to which paragraph 61 of the NPPF "
                "gives significant weight."
            )
        conclusion = _paragraphs(
            "## 6. Conclusion",
            "The proposal accords with the development plan and there are no material "
            "considerations that indicate otherwise. Permission should be granted.",
        )
        text = _paragraphs(intro, site, history, proposal, policy, conclusion)
        return Doc(
            self.pick("Planning_Statement.md", "planning-statement.md"), "planningStatement", text
        )

    def flood_sentence(self) -> str:
        if self.f.flood_zone == "3":
            return "The site is in Flood Zone 3 but benefits from the Thames tidal flood defences."
        return "The site is in Flood Zone 1, at the lowest risk of flooding."

    def heritage_statement(self) -> Doc:
        f, p = self.f, self.p
        parts = [
            self.pick("# Heritage Statement", "# Heritage Impact Assessment"),
            f"{f.address.line}\n{p.description}",
            "## Designations",
        ]
        area, listed, near = f.conservation_area, f.listed, f.listed_nearby
        if area:
            parts.append(
                self.pick(
                    f"The site lies within the {area_name(area)}. The area's significance "
                    "rests on its consistent terraces, front gardens and boundary walls, and the "
                    "rhythm of its roofs and chimneys.",
                    f"The property is in the {area_name(area)}, designated for the quality of "
                    "its nineteenth-century streets and the survival of original details.",
                )
            )
        if listed:
            parts.append(
                f"{building_name(listed)} is listed at Grade {grade(listed)} "
                f"(list entry {listed.reference or listed.entity}). Its significance lies in "
                "its plan form, its facade and surviving internal joinery."
            )
        if near:
            parts.append(
                f"The Grade {grade(near)} listed {building_name(near)} is nearby, about "
                f"{near.distance_m:.0f} m from the site; the proposal is within its setting."
            )
        if not (area or listed or near):
            parts.append("The site has no heritage designation.")
        parts += [
            "## Significance",
            self.pick(
                "The building contributes positively to the street through its original "
                "front elevation; the rear has been altered in the twentieth century and is of "
                "lower significance.",
                "Its significance is mainly architectural and historic: it is a good example of "
                "its type and part of a group of similar buildings.",
            ),
            "## Impact of the proposal",
            self.pick(
                f"The works ({p.description[0].lower() + p.description[1:]}) affect only parts "
                "of low significance. The street elevation is unchanged.",
                "The proposal is modest in scale, uses matching materials and is reversible "
                "where it meets historic fabric.",
            ),
            self.pick(
                "We conclude that the proposal causes no harm to the significance of the "
                "heritage assets, and preserves the character and appearance of the area.",
                "At most, any harm is less than substantial, at the lowest end of that scale, "
                "and is outweighed by the public benefit of keeping the building in good use "
                "(NPPF paragraph 215).",
            ),
            "## Policy",
            f"The statement is prepared in line with paragraph 207 of the NPPF and "
            f"{self.heritage_policies()}.",
        ]
        name = self.pick("Heritage_Statement.md", "heritage-statement.md", "HIA.md")
        return Doc(name, "heritageStatement", _paragraphs(*parts))

    def tree_survey(self, *, works_to_trees: bool = False) -> Doc:
        f = self.f
        trees = f.trees
        species = " ".join(str(trees.attributes.get("species") if trees else "").split())
        names = [s.strip() for s in species.replace(" and ", ",").split(",") if s.strip()]
        if not names or names[0].lower().startswith("mixed"):
            names = self.rng.sample(TREE_SPECIES, 4)
        felling = not works_to_trees and self.rng.random() < 0.3
        count = self.rng.randint(3 if felling else 2, 4)
        rows = []
        for number, name in enumerate((names * 4)[:count], start=1):
            category = "C" if felling and number == 3 else self.rng.choice(["A", "B", "B", "C"])
            rows.append(
                f"| T{number} | {name.capitalize()} | {self.rng.randint(8, 22)} m | "
                f"{self.rng.randint(300, 900)} mm | {category} | "
                f"{self.rng.choice([6.0, 7.2, 8.4, 9.6, 10.8])} m |"
            )
        if works_to_trees:
            works = (
                "Crown reduction of T1 by 2 m all round and removal of deadwood, to keep the "
                "tree clear of the house and the neighbour's roof. No trees are to be felled."
            )
        elif felling:
            works = (
                "T3, a category C tree in poor condition, is to be felled and replaced with a "
                "heavy standard elsewhere on the site."
            )
        else:
            works = self.pick(
                "No trees are to be removed. The crown of T2 is lifted to 3 m to clear the "
                "scaffold.",
                "No trees will be removed and no pruning is needed.",
            )
        order = (
            f"Tree Preservation Order {trees.reference or trees.entity} covers trees on the site."
            if trees and TREES not in f.deny
            else ""
        )
        text = _paragraphs(
            "# Arboricultural Impact Assessment and Tree Survey (BS 5837:2012)",
            f"{f.address.line}\nSurveyed by {f.agent} arboricultural team",
            order,
            "## Survey",
            "| Ref | Species | Height | Stem | Category | RPA radius |\n"
            "|---|---|---|---|---|---|\n" + "\n".join(rows),
            "## Impact and method",
            works,
            "Tree protection fencing to BS 5837 will be put up before work starts and kept in "
            "place until it ends. Foundations within root protection areas are hand dug, with "
            "roots over 25 mm retained.",
        )
        return Doc(self.pick("Tree_Survey.md", "arboricultural-report.md"), "treeSurvey", text)

    def flood_risk_assessment(self) -> Doc:
        f = self.f
        text = _paragraphs(
            "# Flood Risk Assessment and Drainage Strategy",
            f"{f.address.line}\n{self.p.description}",
            self.flood_sentence(),
            "A site-specific assessment is required because "
            + (
                "the site is in Flood Zone 3."
                if f.flood_zone == "3"
                else f"the site is {f.site.area_m2 / 10_000:.2f} ha."
            ),
            "Surface water is the main source of risk to the development itself.",
            "Runoff is limited to greenfield rates by attenuation tanks and blue roofs, with "
            "capacity for the 1 in 100 year storm plus 40% for climate change.",
            "Finished floor levels are set 300 mm above surrounding ground, and ground floor "
            "homes have a safe route of escape.",
        )
        return Doc("Flood_Risk_Assessment.md", "floodRiskAssessment", text)

    def environmental_statement(self) -> Doc:
        p = self.p
        text = _paragraphs(
            "# Environmental Statement: Non-Technical Summary",
            f"{self.f.address.line}\n{p.description}",
            "The development falls within Schedule 2 of the Environmental Impact Assessment "
            "Regulations 2017 and is likely to have significant effects because of its scale.",
            "Topics assessed: townscape and visual effects, daylight and sunlight, air quality, "
            "noise, transport, ground conditions, wind and climate change.",
            self.pick(
                "With mitigation, no significant adverse effects remain except a moderate "
                "effect on daylight to some neighbouring windows.",
                "Construction noise and traffic are temporary and controlled by a construction "
                "management plan; no significant residual effects are expected.",
            ),
        )
        return Doc("ES_Non_Technical_Summary.md", "environmentalImpactAssessment", text)

    def biodiversity(self) -> Doc:
        gain = self.rng.choice([10.4, 11.2, 12.8, 15.1, 22.6])
        text = _paragraphs(
            "# Biodiversity Net Gain Statement",
            f"{self.f.address.line}",
            f"The baseline habitat value was calculated with the statutory metric. The "
            f"proposal achieves a net gain of {gain}% through new planting, green roofs and "
            "bird and bat boxes.",
        )
        return Doc("BNG_Statement.md", "biodiversityNetGain", text)

    def net_gain_statement(self) -> Doc:
        """Biodiversity net gain information, for a case the plan gives no other (no random
        choices: the seeded sequence of the other documents stays as it was)."""
        text = _paragraphs(
            "# Biodiversity Net Gain Statement",
            f"{self.f.address.line}",
            "The baseline habitat value was calculated with the statutory metric. The proposal "
            "achieves a net gain of 10.8% through new planting and bird and bat boxes.",
        )
        return Doc("BNG_Statement.md", "biodiversityNetGain", text)

    def application_form(self) -> Doc:
        """The application form as a portal exports it: the applicant, the site and the
        ownership certificate (the national list asks for one)."""
        f, p = self.f, self.p
        text = _paragraphs(
            f"APPLICATION FORM\n{p.description}",
            f"Site address: {f.address.line}\nApplicant: {f.applicant}\nAgent: {f.agent}",
            "Certificate of Ownership - Certificate A. I certify that on the day 21 days before "
            "the date of this application nobody except the applicant was the owner of any part "
            "of the land or building to which the application relates.",
            f"Signed on behalf of the applicant by {f.agent}.",
        )
        return Doc("application-form.txt", "other", text)

    def cil_form(self) -> Doc:
        f, p = self.f, self.p
        homes = f"{p.dwellings} new dwellings" if p.dwellings else "no new dwellings"
        area = f"{p.floorspace_m2:,.0f} m²" if p.floorspace_m2 else "none stated"
        text = _paragraphs(
            "Community Infrastructure Levy (CIL) Additional Information form",
            f"{f.address.line}",
            f"Gross internal area of new floorspace: {area}. Residential: {homes}.",
            "No relief or exemption is claimed.",
        )
        return Doc("CIL_Additional_Information.txt", "other", text)

    def basement_impact_assessment(self) -> Doc:
        f = self.f
        text = _paragraphs(
            "# Basement Impact Assessment",
            f"{f.address.line}",
            "The assessment covers ground water, land stability and the effect of the "
            "excavation on the neighbouring houses, with a construction method statement.",
        )
        return Doc("Basement_Impact_Assessment.md", "basementImpactStatement", text)

    def ecological_survey(self) -> Doc:
        f = self.f
        text = _paragraphs(
            "# Preliminary Ecological Appraisal",
            f"{f.address.line}",
            "A walkover survey recorded the habitats on and next to the site and looked for "
            "signs of protected species. Mitigation is set out in section 5.",
        )
        return Doc("Ecological_Appraisal.md", "ecologyReport", text)

    def sign_details(self) -> Doc:
        p, d = self.p, self.p.details
        lit = (
            f"Illuminated, maximum luminance {d.get('luminance', 300)} cd/m², static."
            if d.get("illuminated")
            else "Not illuminated."
        )
        fascia = (
            f"Fascia sign: {self.rng.choice([3.2, 4.0, 4.8, 5.5])} m x 0.6 m, aluminium tray with "
            f"cut letters, {self.rng.choice([2.6, 2.8, 3.0])} m above the pavement."
        )
        text = p.description.lower()
        if "hoarding" in text:
            signs = [
                "Printed hoarding panels, 2.4 m high, along the site boundary, showing the "
                "development and contact details for the contractor."
            ]
        elif "digital" in text:
            signs = [
                "Freestanding double-sided LED display, 6.0 m x 3.0 m, on a single steel leg; "
                "top 6.5 m above ground. Static images changing no more often than every 10 "
                "seconds, with no moving images or special effects."
            ]
        elif "projecting" in text or "hanging" in text:
            signs = [fascia, "Projecting sign: 0.6 m x 0.6 m, 2.5 m clear of the pavement."]
        else:
            signs = [fascia, "Window vinyls: frosted band with lettering, 0.5 m high."]
        text = _paragraphs(
            "ADVERTISEMENT DETAILS", f"{self.f.address.line}\n{p.description}", *signs, lit
        )
        return Doc("Advert_Details.txt", "otherDrawing", text)

    def lawful_statement(self) -> Doc:
        f, p, d = self.f, self.p, self.p.details
        if p.application_type == "ldc.existing":
            body = [
                f"The applicant, {f.applicant}, has owned {f.short_address} since "
                f"{d.get('year', 2010)}. The use or works described have continued without "
                "interruption for more than the period set out in section 171B of the Act.",
                "Evidence enclosed: council tax records, utility bills and a statutory "
                "declaration.",
                " ".join(self.designation_sentences()),
            ]
            title = "Statement in support of a Lawful Development Certificate (existing)"
        else:
            body = [
                "The works are permitted development under Schedule 2, Part 1 of the General "
                "Permitted Development Order 2015. The house is a dwellinghouse in single "
                "family occupation and its permitted development rights have not been removed.",
                {
                    "loft conversion": f"The additional roof volume is {d.get('volume', 35)} "
                    "cubic metres, within the limit for this type of house, and no part of it "
                    "faces the highway.",
                    "rear extension": f"The extension projects {d.get('depth', 3.0):.1f} m "
                    "from the original rear wall and is no higher than 4 m.",
                    "outbuilding": "The outbuilding is single storey, under 2.5 m high within "
                    "2 m of the boundary, and covers less than half the garden.",
                    "solar panels": "The panels project no more than 0.2 m beyond the roof "
                    "slope and sit below its highest part.",
                }.get(d.get("works", ""), ""),
                " ".join(self.designation_sentences()),
            ]
            title = "Statement in support of a Lawful Development Certificate (proposed)"
        text = _paragraphs(f"# {title}", f"{f.address.line}\n{p.description}", *body)
        return Doc("LDC_Statement.md", "otherSupporting", text)

    def prior_approval_statement(self) -> Doc:
        f, p, d = self.f, self.p, self.p.details
        if p.application_type == "pa.part1.classA":
            number = f.short_address.split()[0]
            neighbours = (
                f"{int(number) - 2} and {int(number) + 2} {f.street}"
                if number.isdigit() and int(number) > 2
                else f"the two adjoining houses on {f.street}"
            )
            body = [
                f"Prior approval is sought under Schedule 2, Part 1, Class A, paragraph A.4 of "
                f"the GPDO for a rear extension of {d.get('depth', 5.0):.1f} m, maximum height "
                f"{d.get('height', 3.5):.1f} m and eaves {d.get('eaves', 2.8):.1f} m.",
                f"Adjoining premises to be notified: {neighbours}.",
                "The extension is single storey, uses materials similar to the house and does "
                "not extend beyond a side wall.",
                " ".join(self.designation_sentences()),
            ]
        else:
            body = [
                f"Prior approval is sought under Schedule 2, Part 3, Class MA of the GPDO for "
                f"the change of use of {d.get('from')} to flats.",
                "Each flat meets the nationally described space standard and has adequate "
                "natural light to all habitable rooms.",
                " ".join(self.designation_sentences()),
            ]
        text = _paragraphs(
            "# Prior Approval Statement", f"{f.address.line}\n{p.description}", *body
        )
        return Doc("Prior_Approval_Statement.md", "otherSupporting", text)

    def drawings(self) -> Doc:
        """Proposed drawings, as the schedule and notes that come with them."""
        f, p = self.f, self.p
        number = self.rng.randint(100, 140)
        text = _paragraphs(
            "DRAWING SCHEDULE AND NOTES",
            f"{f.short_address}: {p.description}",
            f"P-{number} Proposed ground floor plan 1:50\nP-{number + 1} Proposed elevations "
            f"1:50\nP-{number + 2} Proposed section A-A 1:50\nP-{number + 3} Proposed block plan "
            "1:500",
            self.pick(
                "All dimensions to be checked on site. Brickwork to match existing.",
                "Drawings to be read with the structural engineer's details.",
            ),
        )
        kind = self.pick("floorPlan.proposed", "elevations.proposed", "sitePlan.proposed")
        return Doc(self.pick("Proposed_Drawings.txt", "drawing-schedule.txt"), kind, text)

    def drawing_note(self, kind: str) -> Doc:
        """A drawing of an ODP example's file list, as its title block and notes."""
        f, p = self.f, self.p
        label = (
            kind.replace(".", " (")
            .replace("existing", "existing)")
            .replace("proposed", "proposed)")
        )
        text = _paragraphs(
            f"DRAWING: {label}",
            f"{f.address.line}\n{p.description}",
            f"Scale 1:{self.rng.choice([50, 100, 200])} at A3. "
            + self.pick(
                "Dimensions in millimetres; do not scale.",
                "All levels relative to the existing ground floor.",
            ),
        )
        return Doc(f"{kind}.txt", kind, text)
