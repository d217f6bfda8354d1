"""What applications are judged by: planning policies (the NPPF and each council's local plan),
and the lists each council keeps beside a national one (CouncilListEntry): validation
requirements (NPPF para. 45) and consultation rules.

Policies are versioned: a row is never edited. A reload that changes a policy's text marks the
old row superseded and adds a new one, so a finding that cited the old text (triage.Finding's
`policy`) keeps showing exactly what it cited.
"""

from django.contrib.postgres.fields import ArrayField
from django.db import models

from geo.datasets import KNOWN_DATASETS
from planning.history import EditHistory
from planning.models import Council
from policies.vocabulary import CATEGORIES, CONSTRAINT_LABELS, EXEMPTIONS, PROPOSAL_FACTS


class PolicyFramework(models.Model):
    """A set of policies published together: the NPPF, a local plan, a council's Article 4
    directions. `council` is empty for national policy."""

    council = models.ForeignKey(
        Council, null=True, blank=True, on_delete=models.PROTECT, related_name="frameworks"
    )
    slug = models.SlugField(max_length=60)
    name = models.CharField(max_length=200)
    # How one of its policies is cited, before the reference: "NPPF paragraph", "Policy".
    citation = models.CharField(max_length=100)
    licence = models.CharField(max_length=500, blank=True)
    note = models.TextField(blank=True)
    source_file = models.CharField(max_length=255, blank=True)
    source_sha256 = models.CharField(max_length=64, blank=True)
    # Bumped by every load that changed, added or removed a policy.
    version = models.PositiveIntegerField(default=0)
    loaded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["council", "slug"], name="one_framework_per_slug", nulls_distinct=False
            )
        ]
        ordering = ["council_id", "name"]

    def __str__(self) -> str:
        return self.name


class Policy(models.Model):
    """One policy or paragraph, as one load of its framework had it. Never edited."""

    framework = models.ForeignKey(
        PolicyFramework, on_delete=models.PROTECT, related_name="policies"
    )
    reference = models.CharField(max_length=40)  # "212" (NPPF paragraph), "P20", "A4-HMO-1"
    title = models.CharField(max_length=300, blank=True)
    chapter = models.CharField(max_length=200, blank=True)
    heading = models.CharField(max_length=200, blank=True)
    text = models.TextField()
    # The text is our summary of the policy, not its published wording.
    is_summary = models.BooleanField(default=False)
    topics = ArrayField(models.CharField(max_length=40), default=list, blank=True)
    # Extra declarative facts for rules (an Article 4 direction's removed rights, ...).
    conditions = models.JSONField(default=dict, blank=True)
    text_sha256 = models.CharField(max_length=64)
    version = models.PositiveIntegerField()
    current = models.BooleanField(default=True)
    loaded_at = models.DateTimeField(auto_now_add=True)
    superseded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["framework", "reference", "version"], name="one_policy_text_per_version"
            ),
            models.UniqueConstraint(
                fields=["framework", "reference"],
                condition=models.Q(current=True),
                name="one_current_policy_per_reference",
            ),
        ]
        indexes = [models.Index(fields=["framework", "current"])]
        ordering = ["framework_id", "id"]
        verbose_name_plural = "policies"

    def __str__(self) -> str:
        return self.citation_text

    @property
    def citation_text(self) -> str:
        """ "NPPF paragraph 212", "Southwark Plan 2022 policy P20 Conservation areas"."""
        cited = f"{self.framework.citation} {self.reference}"
        return f"{cited} {self.title}" if self.title else cited


def _choices(labels: dict[str, str]) -> list[tuple[str, str]]:
    return list(labels.items())


CONSTRAINT_CHOICES = _choices(CONSTRAINT_LABELS)


class CouncilListEntry(models.Model):
    """A row of a list each council keeps for itself beside the national one (`council`
    empty): a validation requirement or a consultation rule. Loaded from files, then edited in
    the admin by the council's administrator, each change kept in its edit history.

    A row applies when every condition that is set holds: the application type starts with
    one of `application_types` (and with none of `exclude_application_types`), its statutory
    category is one of `categories`, the site touches one of `constraints`, the proposal
    shows one of `proposal`, and the numbers reach the minimums. It applies only to
    applications received while it is in force (`in_force_from` inclusive, `in_force_until`
    exclusive; empty: open).

    A subclass declares `council`, `key` and `application_types` in its own words (the
    functions below), what its rows are about, and its Meta.
    """

    active = models.BooleanField(default=True)

    exclude_application_types = ArrayField(
        models.CharField(max_length=60), default=list, blank=True
    )
    categories = ArrayField(
        models.CharField(max_length=20, choices=_choices(CATEGORIES)), default=list, blank=True
    )
    constraints = ArrayField(
        models.CharField(max_length=40, choices=CONSTRAINT_CHOICES), default=list, blank=True
    )
    proposal = ArrayField(
        models.CharField(max_length=40, choices=_choices(PROPOSAL_FACTS)),
        default=list,
        blank=True,
    )
    min_site_area_m2 = models.FloatField(null=True, blank=True)
    min_dwellings = models.PositiveIntegerField(null=True, blank=True)
    min_floorspace_m2 = models.FloatField(null=True, blank=True)

    in_force_from = models.DateField(
        null=True,
        blank=True,
        help_text="Applies to applications received on or after this date. Empty: always.",
    )
    in_force_until = models.DateField(
        null=True,
        blank=True,
        help_text="Applies to applications received before this date. Empty: still in force.",
    )

    # The file it was loaded from, if any (a row added in the admin has none).
    loaded_from = models.CharField(max_length=255, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Councils edit their lists in the admin: who changed a row, and from what. Each
    # subclass gets a historical table of its own.
    history = EditHistory(inherit=True)

    class Meta:
        abstract = True


def _owning_council(related_name: str) -> models.ForeignKey:
    return models.ForeignKey(
        Council,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name=related_name,
        help_text="Empty for the national list.",
    )


def _list_key(example: str) -> models.SlugField:
    return models.SlugField(max_length=80, help_text=f"Unique within the list, e.g. {example}.")


def _application_types(examples: str) -> ArrayField:
    return ArrayField(
        models.CharField(max_length=60),
        default=list,
        blank=True,
        help_text=f"Open Digital Planning type prefixes ({examples} ...). Empty: any.",
    )


def _one_per_key(name: str) -> models.UniqueConstraint:
    """A key names one row of a list; the national list (no council) counts as one list."""
    return models.UniqueConstraint(fields=["council", "key"], name=name, nulls_distinct=False)


def _in_force_until_after_from(name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=models.Q(in_force_from__isnull=True)
        | models.Q(in_force_until__isnull=True)
        | models.Q(in_force_until__gt=models.F("in_force_from")),
        name=name,
    )


class ValidationRequirement(CouncilListEntry):
    """A document an application must include, and when. `council` empty: the national list.

    It applies as every council list's rows do (CouncilListEntry), and not where one of its
    `exemptions` holds. "Either ... or" is two requirements for the same document, each with
    its own reason.
    """

    council = _owning_council("validation_requirements")
    key = _list_key("cil-form")
    document = models.SlugField(
        max_length=50,
        help_text="The document, as findings name it (missing_document.<document>): "
        "heritage_statement, flood_risk_assessment ...",
    )
    title = models.CharField(max_length=200, help_text="The document in words.")
    reason = models.CharField(max_length=500, help_text="Why the document is needed.")
    source = models.CharField(
        max_length=200, blank=True, help_text="Where the requirement comes from."
    )

    application_types = _application_types("pp., listed, ldc")

    # How the document is recognised, in this order: its ODP type, its file name, its text.
    document_types = ArrayField(models.CharField(max_length=100), default=list, blank=True)
    file_name_words = ArrayField(models.CharField(max_length=100), default=list, blank=True)
    text_words = ArrayField(models.CharField(max_length=100), default=list, blank=True)
    # Search the whole text for `text_words` (an ownership certificate inside the form), not
    # only the document's opening lines (a statement's title).
    text_anywhere = models.BooleanField(default=False)
    # The application form carries this document (the ownership certificate is a part of it).
    part_of_application_form = models.BooleanField(
        default=False,
        help_text="Met by the application form itself (as the ownership certificate is).",
    )

    exemptions = ArrayField(
        models.CharField(max_length=40, choices=_choices(EXEMPTIONS)),
        default=list,
        blank=True,
        help_text="Exemptions the law gives: where one holds, the requirement does not apply.",
    )

    class Meta:
        ordering = ["council_id", "document", "key"]
        constraints = [
            _one_per_key("one_requirement_per_key"),
            _in_force_until_after_from("requirement_in_force_until_after_from"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.key})"


DATASET_CHOICES = sorted(KNOWN_DATASETS.items(), key=lambda choice: choice[1])


class ConsultationRule(CouncilListEntry):
    """When an application should be sent to a consultee. `council` empty: the national list
    (the statutory consultees of the DMPO 2015 Schedule 4 and the other bodies councils
    commonly consult); otherwise the council's own list (its internal teams, local bodies).

    The rule applies as every council list's rows do (CouncilListEntry; a constraint kind
    touches the site by a layer, or a document's strongly evidenced claim, and a proposal fact
    needs strong evidence), and when a feature of one of `datasets` is within `within_m` of
    the site (touching it when empty) and the storeys reach `min_storeys`. A rule whose layer
    is not loaded around the site cannot be checked, and triage says so.
    """

    council = _owning_council("consultation_rules")
    key = _list_key("flood-zone")
    consultee = models.SlugField(
        max_length=60,
        help_text="Who is consulted, as findings name it (consultee.suggested = "
        "environment-agency). Rules naming the same consultee suggest it once.",
    )
    consultee_name = models.CharField(max_length=200, help_text="The consultee in words.")
    reason = models.CharField(max_length=500, help_text="Why they are consulted, in words.")
    legal_basis = models.CharField(
        max_length=300,
        blank=True,
        help_text="Where the duty or practice comes from, e.g. DMPO 2015 Schedule 4.",
    )
    statutory = models.BooleanField(
        default=False, help_text="A statutory consultee for this kind of development."
    )

    application_types = _application_types("pp., listed")
    datasets = ArrayField(
        models.CharField(max_length=100, choices=DATASET_CHOICES), default=list, blank=True
    )
    within_m = models.FloatField(
        null=True,
        blank=True,
        help_text="A feature of the datasets within this many metres counts. Empty: only one "
        "touching the site.",
    )
    min_storeys = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["council_id", "consultee", "key"]
        constraints = [
            _one_per_key("one_consultation_rule_per_key"),
            _in_force_until_after_from("consultation_rule_in_force_until_after_from"),
            models.CheckConstraint(
                condition=models.Q(within_m__isnull=True) | models.Q(within_m__gte=0),
                name="consultation_rule_within_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.consultee_name} ({self.key})"
