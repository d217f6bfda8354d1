"""Triage records: the text of each document page, runs, findings and officers' reviews.

What an engine said (Finding) and what an officer decided about it (FindingReview) are separate
records, so a re-run never overwrites a human decision and a decision never edits the evidence.
"""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models

from planning.models import Document, PlanningApplication
from triage.model_usage import ModelUsage
from triage.vocabulary import Origin, Strength


class DocumentPage(models.Model):
    """The text of one page of a document, as extracted (or read by OCR). Numbered from 1."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="pages")
    number = models.PositiveIntegerField()
    text = models.TextField(blank=True)
    ocr = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="one_row_per_page")
        ]
        ordering = ["document_id", "number"]

    def __str__(self) -> str:
        return f"{self.document} p{self.number}"


class TextReadingAttempts(models.Model):
    """How many times reading a document's text was started (triage.document_text): a
    document whose reading keeps killing its worker is given up after a few."""

    document = models.OneToOneField(
        Document, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    attempts = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.document}: {self.attempts} reading attempts"


class RunStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"


class Lane(models.TextChoices):
    """The lane triage puts a case in, in the words every page, export and filter use."""

    FAST_TRACK = "fast-track", "Fast track"
    STANDARD = "standard", "Standard"
    SPECIALIST = "specialist", "Specialist"
    NEEDS_ATTENTION = "needs-attention", "Needs attention"


class Team(models.TextChoices):
    """The specialist teams a case may need (triage.policy_conflicts names them)."""

    HERITAGE = "heritage", "Heritage and conservation"
    FLOOD = "flood", "Flood risk"
    ECOLOGY = "ecology", "Ecology"
    TREES = "trees", "Trees"


# An application with no lane yet: never triaged, or its first run not finished.
NOT_TRIAGED = "Not triaged yet"
# The specialist teams in a word each, as "Specialist: heritage" names them.
TEAM_WORDS = {"heritage": "heritage", "flood": "flood risk", "ecology": "ecology", "trees": "trees"}


class TriageRun(models.Model):
    """One pass of triage over an application. Re-running makes a new version; old ones stay.

    A worker owns a run only after claiming it with a conditional UPDATE (see
    triage.runs.claim_run); `deadline` is when that claim (a short lease, renewed while
    the run works) lapses, after which another worker may claim the run again (its first
    worker is presumed dead).
    """

    application = models.ForeignKey(
        PlanningApplication, on_delete=models.CASCADE, related_name="triage_runs"
    )
    version = models.PositiveIntegerField()
    status = models.CharField(max_length=16, choices=RunStatus.choices, default=RunStatus.QUEUED)
    engine = models.CharField(max_length=16)
    # The engine as it ran: "rules", or "llm:<model>@<prompt version>".
    engine_label = models.CharField(max_length=200, blank=True)
    trigger = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    deadline = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    # When a task message for this run was last sent (or a retry is due), and how many were
    # sent: the sweep sends another only when one seems lost, and less often each time.
    enqueued_at = models.DateTimeField(null=True, blank=True)
    enqueues = models.PositiveIntegerField(default=0, db_default=0)
    error = models.TextField(blank=True)

    pages_read = models.PositiveIntegerField(default=0)
    # Findings an engine produced whose quote is not on the cited page: never shown, counted here.
    dropped_quotes = models.PositiveIntegerField(default=0)
    # What the case is, as this run found it (triage.checks.prioritise); the queue adds the
    # deadline's part when it refreshes the summary.
    lane = models.CharField(max_length=20, choices=Lane.choices, blank=True)
    team = models.CharField(max_length=20, choices=Team.choices, blank=True)
    priority_score = models.PositiveIntegerField(null=True, blank=True)
    reasons = models.JSONField(default=list, blank=True)

    # What the run asked of the model server (the llm engine; zero for rules), added up as each
    # document's reading is kept, so a run that failed or was taken over still shows what it
    # cost (a reading lost with its worker is not counted). triage.model_usage.
    # Database defaults too, for rows written in bulk by SQL (bench_queue's seed).
    model = models.CharField(max_length=200, blank=True, db_default="")
    prompt_version = models.CharField(max_length=50, blank=True, db_default="")
    model_requests = models.PositiveIntegerField(default=0, db_default=0)
    model_retries = models.PositiveIntegerField(default=0, db_default=0)
    model_tokens_in = models.PositiveBigIntegerField(default=0, db_default=0)
    model_tokens_out = models.PositiveBigIntegerField(default=0, db_default=0)
    # Seconds spent waiting on the server (requests side by side add up), and the slowest one.
    model_seconds = models.FloatField(default=0.0, db_default=0.0)
    model_max_seconds = models.FloatField(default=0.0, db_default=0.0)
    # Parts of documents the model could not read, each with its pages and the reason
    # (triage.extractors.base.UnreadPart): also findings on the application page.
    unread = models.JSONField(default=list, blank=True, db_default=[])

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["application", "version"], name="one_run_per_version")
        ]
        indexes = [models.Index(fields=["status", "deadline"])]
        ordering = ["application_id", "-version"]

    def __str__(self) -> str:
        return f"{self.application} triage v{self.version} ({self.status})"

    @property
    def model_usage(self) -> ModelUsage:
        """What the run asked of the model server, as the pipeline added it up."""
        return ModelUsage(
            requests=self.model_requests,
            retries=self.model_retries,
            tokens_in=self.model_tokens_in,
            tokens_out=self.model_tokens_out,
            seconds=self.model_seconds,
            max_seconds=self.model_max_seconds,
        )


class RunReading(models.Model):
    """What a run's engine read in one document, kept as soon as that document is done, so an
    attempt that takes the run over (its worker died) resumes with the documents not yet read.
    Working state: deleted when the run finishes."""

    run = models.ForeignKey(TriageRun, on_delete=models.CASCADE, related_name="readings")
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="+")
    drafts = models.JSONField(default=list)
    invalid = models.PositiveIntegerField(default=0)
    pages = models.PositiveIntegerField(default=0)
    # UnreadPart.as_dict() of each part the engine could not read.
    unread = models.JSONField(default=list)
    attempt = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["run", "document"], name="one_reading_per_document")
        ]

    def __str__(self) -> str:
        return f"{self.run} read {self.document}"


class FindingSource(models.TextChoices):
    SPATIAL = "spatial", "Spatial check"
    DOCUMENT = "document", "Document"
    CHECK = "check", "Cross-check"
    OFFICER = "officer", "Officer"


class Finding(models.Model):
    """Something found about an application, with where it came from. Written once, never
    edited: by a triage run (`run` set), or by an officer who saw what the engines missed
    (`run` empty, `created_by` set; it stays with the application across re-runs)."""

    application = models.ForeignKey(
        PlanningApplication, on_delete=models.CASCADE, related_name="findings"
    )
    run = models.ForeignKey(
        TriageRun, null=True, blank=True, on_delete=models.CASCADE, related_name="findings"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    code = models.CharField(max_length=64)
    value = models.CharField(max_length=64, blank=True)
    attributes = models.JSONField(default=dict, blank=True)
    title = models.CharField(max_length=300)
    detail = models.TextField(blank=True)
    source = models.CharField(max_length=16, choices=FindingSource.choices)
    # Which part of the service (or which officer, `created_by`) made it; `engine` is the
    # version that ran ("rules", "llm:<model>@<prompt version>").
    origin = models.CharField(max_length=16, choices=Origin.choices)
    engine = models.CharField(max_length=200)
    strength = models.CharField(max_length=16, choices=Strength.choices)

    # Spatial evidence.
    dataset = models.CharField(max_length=100, blank=True)
    layer_source = models.CharField(max_length=100, blank=True)
    entity = models.CharField(max_length=200, blank=True)
    feature_name = models.CharField(max_length=500, blank=True)
    relation = models.CharField(max_length=20, blank=True)
    overlap_area_m2 = models.FloatField(null=True, blank=True)
    site_share_pct = models.FloatField(null=True, blank=True)
    distance_m = models.FloatField(null=True, blank=True)
    grazes = models.BooleanField(null=True, blank=True)

    # Document evidence: a verbatim quote verified to be on that page.
    document = models.ForeignKey(
        Document, null=True, blank=True, on_delete=models.SET_NULL, related_name="findings"
    )
    page_number = models.PositiveIntegerField(null=True, blank=True)
    quote = models.TextField(blank=True)

    # Policy evidence (conflict.policy): the policy row as it was loaded when the finding was
    # made (a reload supersedes it but never edits it) and the words in it that bite.
    policy = models.ForeignKey(
        "policies.Policy", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    policy_quote = models.TextField(blank=True)

    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["run_id", "id"]
        indexes = [models.Index(fields=["run", "code"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(run__isnull=False) | models.Q(created_by__isnull=False),
                name="finding_from_a_run_or_an_officer",
            )
        ]

    def __str__(self) -> str:
        return f"{self.code}={self.value}"


class ReviewDecision(models.TextChoices):
    ACCEPTED = "accepted", "Accepted"
    REJECTED = "rejected", "Rejected"
    AMENDED = "amended", "Amended"


class FindingReview(models.Model):
    """An officer's decision about a finding. The latest one is the finding's review state."""

    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="reviews")
    decision = models.CharField(max_length=16, choices=ReviewDecision.choices)
    amended_value = models.CharField(max_length=64, blank=True)
    reason = models.TextField(blank=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT
    )
    # Who, in words: the officer's username, or the name a council system gave for its officer.
    reviewer_name = models.CharField(max_length=200)
    # Set when a re-run produced the same finding (code, value and evidence) again and the
    # officer's review of the earlier one was carried over to it.
    carried_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["finding_id", "created_at", "id"]

    def __str__(self) -> str:
        return f"{self.decision} by {self.reviewer_name}"


LANE_RANK: dict[str, int] = {
    Lane.NEEDS_ATTENTION: 0,
    Lane.SPECIALIST: 1,
    Lane.STANDARD: 2,
    Lane.FAST_TRACK: 3,
}
UNTRIAGED_RANK = 4


class TriageSummary(models.Model):
    """Where each application stands in triage, one row per application, kept in step by
    triage.pipeline and triage.runs whenever a run changes. The officers' queue filters and
    sorts on it in the database, so it never has to look through every run of every
    application."""

    application = models.OneToOneField(
        PlanningApplication, primary_key=True, on_delete=models.CASCADE, related_name="triage"
    )
    latest_run = models.ForeignKey(
        TriageRun, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    latest_status = models.CharField(max_length=16, choices=RunStatus.choices, blank=True)
    # The newest run that succeeded: its findings, lane and score are the current result.
    result_run = models.ForeignKey(
        TriageRun, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The result run's lane and score with the determination deadline counted as it stands
    # today (triage.checks.with_deadline); `deadline_band` is the band they were counted with.
    lane = models.CharField(max_length=20, choices=Lane.choices, blank=True)
    team = models.CharField(max_length=20, choices=Team.choices, blank=True)
    lane_rank = models.PositiveSmallIntegerField(default=UNTRIAGED_RANK)
    priority_score = models.PositiveIntegerField(default=0)
    deadline_band = models.CharField(max_length=10, blank=True)
    # Constraint datasets that really touch the site in the current result (not grazes).
    constraint_datasets = ArrayField(models.CharField(max_length=100), default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [
            models.Index(fields=["lane_rank", "-priority_score"]),
            models.Index(fields=["lane"]),
        ]

    def __str__(self) -> str:
        return f"{self.application_id}: {self.lane or 'not triaged'}"
