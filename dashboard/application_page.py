"""What the application page shows, read from planning, triage and geo in a few queries:
the findings of the current result grouped for an officer, each with its latest review,
and the timeline of everything that happened."""

from dataclasses import dataclass, field

from django.db.models import Prefetch

from planning.models import ApplicationEvent, PlanningApplication
from policies.services import local_plan_names
from triage.models import Finding, FindingReview, FindingSource, TriageRun, TriageSummary
from triage.reviews import latest_review
from triage.validation import MET_PREFIX, MISSING_PREFIX
from triage.vocabulary import (
    CONSULTEE,
    CONSULTEE_UNCHECKED,
    HISTORY_CODES,
    MEASURED_ON,
    MEASURED_PRECISION,
    POLICY_CONFLICT,
    POLICY_ENGAGED,
    READING_LIMITED,
    Origin,
    Strength,
)

# (key, heading, what the group holds), in the order an officer deals with them.
GROUPS = [
    ("discrepancies", "Discrepancies", "Where the documents and the map disagree."),
    ("missing", "Missing documents", "What the validation requirements call for and is not there."),
    (
        "found",
        "Documents found",
        "Each document the validation requirements call for that is there: which document met "
        "it, and how it was recognised.",
    ),
    (
        "conflicts",
        "Possible policy conflicts",
        "Where what the proposal does runs against a policy's words, or the application relies "
        "on a permitted development right an Article 4 direction removes: each with the "
        "policy's text and the evidence on both sides.",
    ),
    (
        "engaged",
        "Policies to consider",
        "Policies this proposal must be weighed against on this site. None is a conflict: the "
        "assessment should address each.",
    ),
    (
        "reading",
        "What the documents' text could not show",
        "Where a document's text is not a good reading of its pages, nothing was guessed: read "
        "these parts on the document itself.",
    ),
    (
        "consultees",
        "Consultations",
        "Whom to send the proposal to, by the national and the council's consultation lists: "
        "each with the rules that apply and the evidence. Confirm each, or dismiss it with a "
        "reason; the confirmed ones are the list to send.",
    ),
    ("constraints", "Constraints", "What the site touches or is near, and what documents say."),
    (
        "history",
        "Refused or enforced on this site before",
        "Refusals and enforcement on this site in the ten years before this application: the "
        "score counts them. Every earlier application is listed under Planning history.",
    ),
    ("proposal", "Proposal facts", "What the documents say the proposal does."),
    ("policies", "Policies", "Policies the documents cite."),
    ("other", "Other findings", "Anything else."),
]


# Policy conflicts from the declarative rules and from the model are shown apart: an officer
# weighs a rule's "this runs against the policy" differently from a model's judgement.
CONFLICT_SUBGROUPS = [
    (
        "rules",
        "From the policy rules",
        "A rule found that what the proposal does runs against the policy, or relies on a "
        "permitted development right that is removed here.",
    ),
    (
        "model",
        "From the model",
        "The model read the policies the rules selected and judged the proposal against them; "
        "both quotes were checked.",
    ),
]


@dataclass(frozen=True)
class StrengthNote:
    label: str
    measured: str  # "right 31 times in 33", or "" where it cannot be measured on documents


def strength_guide() -> list[StrengthNote]:
    """Each evidence strength in words, with how often it was right where that was measured."""
    notes = []
    for strength in Strength:
        right_found = MEASURED_PRECISION.get(strength)
        measured = (
            f"right {right_found[0]} times in {right_found[1]} on {MEASURED_ON}"
            if right_found
            else ""
        )
        notes.append(StrengthNote(strength.label, measured))
    return notes


def group_of(finding: Finding) -> str:
    code = finding.code
    if code == POLICY_CONFLICT:
        return "conflicts"
    if code == POLICY_ENGAGED:
        return "engaged"
    if code.startswith("conflict."):
        return "discrepancies"
    if code.startswith(MISSING_PREFIX):
        return "missing"
    if code.startswith(MET_PREFIX):
        return "found"
    if code.startswith(("spatial.", "constraint.", "officer.other_constraint")):
        return "constraints"
    if code == READING_LIMITED:
        return "reading"
    if code in HISTORY_CODES:
        return "history"
    if code in (CONSULTEE, CONSULTEE_UNCHECKED):
        return "consultees"
    if code.startswith("proposal."):
        return "proposal"
    if code.startswith("policy."):
        return "policies"
    return "other"


@dataclass
class FindingView:
    finding: Finding
    review: FindingReview | None

    @property
    def carried(self) -> bool:
        return self.review is not None and self.review.carried_from_id is not None

    @property
    def by_officer(self) -> bool:
        return self.finding.source == FindingSource.OFFICER

    @property
    def weak(self) -> bool:
        return self.finding.strength == Strength.INDIRECT

    @property
    def form_errors(self) -> bool:
        form = getattr(self, "form", None)
        return bool(form is not None and form.errors)

    @property
    def requirement_met(self) -> bool:
        """A validation requirement and the document that met it (triage.validation)."""
        return self.finding.code.startswith(MET_PREFIX)


@dataclass
class Subgroup:
    key: str
    heading: str
    description: str
    findings: list[FindingView] = field(default_factory=list)


@dataclass
class Group:
    key: str
    heading: str
    description: str
    findings: list[FindingView] = field(default_factory=list)

    @property
    def firm(self) -> list[FindingView]:
        """The findings shown open: all but those from indirect evidence."""
        return [view for view in self.findings if not view.weak]

    @property
    def weak(self) -> list[FindingView]:
        """Findings from indirect evidence, folded away until the officer opens them."""
        return [view for view in self.findings if view.weak]

    @property
    def weak_open(self) -> bool:
        return any(view.form_errors for view in self.weak)

    @property
    def review_failed(self) -> bool:
        """A review of one of its findings came back with errors (its form must be shown)."""
        return any(view.form_errors for view in self.findings)

    @property
    def suggested(self) -> list[FindingView]:
        """Consultees a rule suggests (the consultations group)."""
        return [view for view in self.findings if view.finding.code == CONSULTEE]

    @property
    def unchecked(self) -> list[FindingView]:
        """Consultees whose rules could not be checked for want of a layer."""
        return [view for view in self.findings if view.finding.code == CONSULTEE_UNCHECKED]

    @property
    def unchecked_open(self) -> bool:
        return any(view.form_errors or view.review for view in self.unchecked)

    @property
    def subgroups(self) -> list[Subgroup]:
        """Policy conflicts by where they came from; other groups have none."""
        if self.key != "conflicts":
            return []
        subgroups = [Subgroup(*row) for row in CONFLICT_SUBGROUPS]
        for view in self.findings:
            model = view.finding.origin == Origin.MODEL
            subgroups[1 if model else 0].findings.append(view)
        return [subgroup for subgroup in subgroups if subgroup.findings]


def finding_groups(application: PlanningApplication, summary: TriageSummary | None) -> list[Group]:
    """The current result's findings and the officers' own, grouped, each with its review."""
    reviews = Prefetch(
        "reviews", queryset=FindingReview.objects.select_related("carried_from", "reviewer")
    )
    runs = [summary.result_run_id] if summary and summary.result_run_id else []
    findings = (
        Finding.objects.filter(application=application)
        .filter(run_id__in=runs)
        .select_related("document", "policy__framework")
        .prefetch_related(reviews)
        .order_by("id")
    )
    officers = (
        Finding.objects.filter(application=application, run__isnull=True)
        .select_related("created_by")
        .prefetch_related(reviews)
        .order_by("id")
    )
    groups = {key: Group(key, heading, description) for key, heading, description in GROUPS}
    for finding in [*findings, *officers]:
        groups[group_of(finding)].findings.append(FindingView(finding, latest_review(finding)))
    if groups["policies"].findings:
        groups["policies"].description += " " + library_coverage(application)
    return [group for group in groups.values() if group.findings]


def library_coverage(application: PlanningApplication) -> str:
    """Which local plans a cited policy is recognised from, or what happens with none."""
    plans = local_plan_names(application.council_id)
    if not plans:
        return (
            "No local plan of this council is loaded, so a local policy is shown only where a "
            "document cites it as a policy (\u201cPolicy H3 of the Core Strategy\u201d)."
        )
    return (
        f"Local policies are recognised from {', '.join(plans)}; a policy of another plan is "
        "shown where a document cites it as a policy."
    )


@dataclass
class TimelineEntry:
    event: ApplicationEvent
    run: TriageRun | None

    @property
    def duration(self) -> str:
        """How long the run took, in words an officer reads at a glance."""
        if self.run is None or not (self.run.started_at and self.run.finished_at):
            return ""
        seconds = (self.run.finished_at - self.run.started_at).total_seconds()
        if seconds < 60:
            return f"{seconds:.1f} s"
        return f"{seconds / 60:.0f} min"


def timeline(application: PlanningApplication) -> list[TimelineEntry]:
    """Newest first. Triage events carry their run, for engine, duration and dropped quotes."""
    events = list(
        ApplicationEvent.objects.filter(application=application).order_by("-at", "-id")[:200]
    )
    run_ids = [event.detail.get("run") for event in events if event.detail.get("run")]
    runs = {run.pk: run for run in TriageRun.objects.filter(pk__in=run_ids)}
    return [TimelineEntry(event, runs.get(event.detail.get("run"))) for event in events]
