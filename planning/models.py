"""The application record: councils, their people, applications and documents."""

from django.contrib.auth.models import AbstractUser
from django.contrib.gis.db import models
from django.contrib.postgres.indexes import GinIndex
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator, MaxValueValidator, RegexValidator
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from planning.history import EditHistory
from planning.statutory import categorise, statutory_clock

ONS_CODE_VALIDATOR = RegexValidator(
    r"^E0[6-9]\d{6}$|^E10\d{6}$|^E60\d{6}$",
    "Give the ONS code of an English local planning authority, e.g. E09000028.",
)


BRAND_COLOUR_VALIDATOR = RegexValidator(
    r"^#[0-9a-fA-F]{6}$", "Give the colour as # and six hexadecimal digits, e.g. #1d70b8."
)


# Farther than this, "nearby" stops meaning the site's neighbours, and the lookup reads a
# street's worth of records for every page.
MAX_HISTORY_DISTANCE_M = 500


def logo_not_too_large(logo) -> None:
    if logo.size > 200 * 1024:
        raise ValidationError("The logo must be 200 KB or smaller.")


class Council(models.Model):
    """A local planning authority. Everything a council's people and keys see hangs off this."""

    code = models.CharField(max_length=9, unique=True, validators=[ONS_CODE_VALIDATOR])
    name = models.CharField(max_length=200)
    # The council's own brand on its pages (the GOV.UK crown and font are for GOV.UK only).
    brand_colour = models.CharField(
        max_length=7,
        blank=True,
        validators=[BRAND_COLOUR_VALIDATOR],
        help_text="The header's colour, e.g. #1d70b8. Empty: the service's default.",
    )
    logo = models.FileField(
        upload_to="council-logos/",
        blank=True,
        validators=[
            FileExtensionValidator(["png", "jpg", "jpeg", "svg"]),
            logo_not_too_large,
        ],
        help_text="A PNG, JPEG or SVG logo shown in the header (at most 200 KB).",
    )
    # How far from a site the application page looks for earlier applications nearby.
    history_distance_m = models.PositiveIntegerField(
        default=50,
        validators=[MaxValueValidator(MAX_HISTORY_DISTANCE_M)],
        help_text="Earlier applications within this many metres of a site are listed as "
        f"nearby on its application page (at most {MAX_HISTORY_DISTANCE_M}).",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = EditHistory()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Role(models.TextChoices):
    OFFICER = "officer", "Planning officer"
    MANAGER = "manager", "Manager"
    ADMIN = "admin", "Administrator"


class User(AbstractUser):
    """A person at a council. `council` is empty only for the platform's own superusers."""

    council = models.ForeignKey(
        Council, null=True, blank=True, on_delete=models.PROTECT, related_name="users"
    )
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.OFFICER)
    # Not the password's hash: history is read by more people, for longer.
    history = EditHistory(
        excluded_fields=["password", "last_login"], unrecorded_saves=["last_login"]
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(council__isnull=False) | Q(is_superuser=True),
                name="user_has_council_unless_superuser",
            )
        ]


class ApplicationStatus(models.TextChoices):
    """An application's status, in the words officers see on every page, export and filter."""

    RECEIVED = "received", "Received, not yet valid"
    INVALID = "invalid", "Invalid"
    VALID = "valid", "Valid, under assessment"
    DETERMINED = "determined", "Decided"
    WITHDRAWN = "withdrawn", "Withdrawn"


class DecisionOutcome(models.TextChoices):
    GRANTED = "granted", "Granted"
    REFUSED = "refused", "Refused"


class DecisionLevel(models.TextChoices):
    DELEGATED = "delegated", "Delegated to officers"
    COMMITTEE = "committee", "Planning committee"


# Fields kept in step with planning.statutory on every save, so pages and statistics can filter
# and sort on them in the database. planning.statutory stays the one definition of the rules.
STATUTORY_FIELDS = ("category", "ps2_code", "statutory_deadline", "determination_deadline")


# How an application came: our own JSON, or an Open Digital Planning application (planning.odp),
# whose data are the application form itself.
NATIVE_SOURCE_FORMAT, ODP_SOURCE_FORMAT = "native", "odp"

# An application is open (officers work on it, its statutory clock runs) until it is decided or
# withdrawn. The one definition: pages, statistics and triage all read these.
OPEN_STATUSES = (ApplicationStatus.RECEIVED, ApplicationStatus.INVALID, ApplicationStatus.VALID)
CLOSED_STATUSES = (ApplicationStatus.DETERMINED, ApplicationStatus.WITHDRAWN)
# When a closed application closed: its decision date, or the date it was withdrawn.
CLOSED_ON = Coalesce(F("decision_date"), F("withdrawn_date"))


class PlanningApplication(models.Model):
    council = models.ForeignKey(Council, on_delete=models.PROTECT, related_name="applications")
    reference = models.CharField(max_length=100)
    # The Open Digital Planning application type, e.g. "pp.full.householder".
    application_type = models.CharField(max_length=100)
    description = models.TextField()
    address = models.CharField(max_length=500, blank=True)
    uprn = models.CharField(max_length=12, blank=True)
    site = models.MultiPolygonField(srid=27700, null=True, blank=True)
    site_area_m2 = models.FloatField(null=True, blank=True)

    received_date = models.DateField()
    valid_date = models.DateField(null=True, blank=True)
    status = models.CharField(
        max_length=16, choices=ApplicationStatus.choices, default=ApplicationStatus.RECEIVED
    )
    proposed_dwellings = models.PositiveIntegerField(null=True, blank=True)
    floorspace_m2 = models.FloatField(null=True, blank=True)
    eia_required = models.BooleanField(default=False)
    # Open Digital Planning project types ("new.residential.dwelling", "extend.rear"): what the
    # proposal does, which decides the PS2 development-type code.
    project_types = models.JSONField(default=list, blank=True)
    extension_of_time_until = models.DateField(null=True, blank=True)
    # The agreed date above was set by a planning performance agreement, not a simple extension.
    performance_agreement = models.BooleanField(default=False)
    decision_date = models.DateField(null=True, blank=True)
    decision = models.CharField(max_length=16, choices=DecisionOutcome.choices, blank=True)
    decision_level = models.CharField(max_length=16, choices=DecisionLevel.choices, blank=True)
    withdrawn_date = models.DateField(null=True, blank=True)

    assigned_officer = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_applications",
    )
    # Bumped by every change a person makes (dates, decision, assignment): a form carries the
    # revision it was drawn from, so a change made meanwhile by someone else is never overwritten.
    revision = models.PositiveIntegerField(default=0)
    # What last happened to the application and when, for the "recently updated" queue.
    last_activity_at = models.DateTimeField(default=timezone.now)
    last_activity = models.CharField(max_length=300, blank=True)

    # Derived from the fields above by planning.statutory (see save()); never set by hand.
    category = models.CharField(max_length=16, blank=True)
    ps2_code = models.CharField(max_length=4, blank=True)
    statutory_deadline = models.DateField(null=True, blank=True)
    determination_deadline = models.DateField(null=True, blank=True)

    # What the submitter's own system said about constraints: kept as a claim, never as fact.
    reported_constraints = models.JSONField(default=list, blank=True)
    source_format = models.CharField(max_length=16, default=NATIVE_SOURCE_FORMAT)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # The latest activity is written by update() beside each timeline event, so a saved
    # copy of it could be stale; the timeline itself is its history.
    history = EditHistory(excluded_fields=["last_activity_at", "last_activity"])

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["council", "reference"], name="unique_reference_per_council"
            )
        ]
        indexes = [
            models.Index(fields=["council", "status", "received_date"]),
            models.Index(fields=["council", "determination_deadline"]),
            models.Index(fields=["council", "assigned_officer"]),
            models.Index(fields=["council", "-last_activity_at"]),
            # The queue's "decided" tab, newest first, found in index order page by page.
            models.Index(
                F("council"),
                F("decision_date").desc(nulls_last=True),
                F("id").desc(),
                name="application_decided_order",
            ),
            # The decided tab's period: applications closed since a date.
            models.Index(F("council"), CLOSED_ON, name="application_closed_on"),
            # The queue's search box matches parts of these (pg_trgm makes that indexable).
            GinIndex(fields=["reference"], opclasses=["gin_trgm_ops"], name="application_ref_trgm"),
            GinIndex(fields=["address"], opclasses=["gin_trgm_ops"], name="application_addr_trgm"),
            GinIndex(
                fields=["description"], opclasses=["gin_trgm_ops"], name="application_desc_trgm"
            ),
        ]
        ordering = ["-received_date", "-id"]

    def __str__(self) -> str:
        return f"{self.reference} ({self.council.code})"

    def refresh_statutory_fields(self) -> None:
        """Set the derived category and deadlines from planning.statutory."""
        category = categorise(
            self.application_type,
            dwellings=self.proposed_dwellings,
            floorspace_m2=self.floorspace_m2,
            site_area_m2=self.site_area_m2,
            project_types=self.project_types or (),
        )
        clock = statutory_clock(
            self.valid_date,
            category=category,
            eia_required=self.eia_required,
            extension_of_time_until=self.extension_of_time_until,
        )
        self.category = category.category
        self.ps2_code = category.ps2_code or ""
        self.statutory_deadline = clock.statutory_deadline
        self.determination_deadline = clock.determination_deadline

    def save(self, *args, **kwargs):
        self.refresh_statutory_fields()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, *STATUTORY_FIELDS}
        super().save(*args, **kwargs)

    @property
    def is_open(self) -> bool:
        return self.status not in CLOSED_STATUSES

    @property
    def form_in_submission(self) -> bool:
        """Submitted as an Open Digital Planning application: its data are the form."""
        return self.source_format == ODP_SOURCE_FORMAT


class TextStatus(models.TextChoices):
    PENDING = "pending", "Waiting for text extraction"
    EXTRACTED = "extracted", "Text extracted"
    FAILED = "failed", "Text could not be extracted"


def document_upload_to(document: "Document", filename: str) -> str:
    # Content-addressed under the council: the name a user gave is kept separately.
    return f"documents/{document.application.council.code}/{document.sha256[:2]}/{document.sha256}"


class Document(models.Model):
    application = models.ForeignKey(
        PlanningApplication, on_delete=models.CASCADE, related_name="documents"
    )
    file = models.FileField(upload_to=document_upload_to, max_length=300)
    original_filename = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    document_type = models.CharField(max_length=100, default="other")
    sha256 = models.CharField(max_length=64)
    size_bytes = models.PositiveBigIntegerField()
    page_count = models.PositiveIntegerField(null=True, blank=True)
    text_status = models.CharField(
        max_length=16, choices=TextStatus.choices, default=TextStatus.PENDING
    )
    text_status_reason = models.CharField(max_length=500, blank=True)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["application", "sha256"], name="one_document_per_file")
        ]
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_filename


class CouncilApiKey(models.Model):
    """A key a council's own system (portal, back office) uses to call the API.

    Only a SHA-256 digest of the key is stored: the key itself is shown once, when issued.
    Keys are long random strings, so a fast digest is enough (no password hashing needed).
    """

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="api_keys")
    name = models.CharField(max_length=100, help_text="Which system holds the key.")
    # The public start of the key, to find the row in one indexed lookup.
    prefix = models.CharField(max_length=16, unique=True)
    digest = models.CharField(max_length=64)
    # A read-only key may read everything of its council's and change nothing.
    read_only = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    # The digest never changes; when a key was last used is bookkeeping, written by update().
    history = EditHistory(excluded_fields=["digest", "last_used_at"])

    class Meta:
        ordering = ["council", "name"]
        verbose_name = "council API key"

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…, {self.council.code})"


class ApplicationEvent(models.Model):
    """Something that happened to an application, for its timeline: who did what, when.

    Written by the services that make the change, in the same transaction. `kind` is a short
    code (submitted, document_added, valid_date, assigned, decided, triage_finished, ...);
    apps built on planning add kinds of their own without planning knowing them.
    """

    application = models.ForeignKey(
        PlanningApplication, on_delete=models.CASCADE, related_name="events"
    )
    at = models.DateTimeField(default=timezone.now)
    kind = models.CharField(max_length=40)
    summary = models.CharField(max_length=300)
    actor = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL)
    # Who, in words: a person's name, a council system's key name, or "triage".
    actor_name = models.CharField(max_length=200, blank=True)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["application_id", "at", "id"]
        indexes = [models.Index(fields=["application", "at"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.application_id} at {self.at:%Y-%m-%d %H:%M}"


class IdempotentRequest(models.Model):
    """A POST sent with an `Idempotency-Key` header, kept so a retry gets the first answer.

    `response_status` is null while the first request is still being processed. Only
    successful answers are kept: a failed request leaves no record, so the client may fix
    it and send it again under the same key. Records older than IDEMPOTENCY_KEY_LIFETIME
    are ignored and removed (`manage.py purge_idempotency_keys`).
    """

    council = models.ForeignKey(
        Council, on_delete=models.CASCADE, related_name="idempotent_requests"
    )
    key = models.CharField(max_length=255)
    # sha256 of the method, path and the parsed body: what "the same request" means.
    request_hash = models.CharField(max_length=64)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body = models.JSONField(null=True, blank=True)
    response_headers = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["council", "key"], name="one_request_per_key")
        ]

    def __str__(self) -> str:
        return f"{self.key} ({self.council.code})"


class PastDecision(models.TextChoices):
    """What was decided on an earlier application, in one vocabulary whatever the register
    called it (planning.site_history.sources maps each source's words onto these)."""

    GRANTED = "granted", "Granted"
    REFUSED = "refused", "Refused"
    WITHDRAWN = "withdrawn", "Withdrawn"
    NOT_REQUIRED = "not-required", "Not required (no permission needed)"
    DECLINED = "declined", "Declined to determine"
    SPLIT = "split", "Split decision"
    UNDECIDED = "undecided", "Not decided"
    OTHER = "other", "Other (see the register's words)"


class PastKind(models.TextChoices):
    APPLICATION = "application", "Application"
    ENFORCEMENT = "enforcement", "Enforcement"


class PastApplication(models.Model):
    """An earlier application (or enforcement case) on a council's register: the site's
    planning history. Imported from the council's files (planning.site_history.importers) or
    written when this service records a decision or a withdrawal (`application` set).

    Not to be confused with planning.history, the admin's edit history of records.
    A source's records are replaced as a whole by each import of that source.
    """

    council = models.ForeignKey(Council, on_delete=models.PROTECT, related_name="past_applications")
    reference = models.CharField(max_length=100)
    address = models.CharField(max_length=500, blank=True)
    description = models.TextField(blank=True)
    # The type as the register words it ("Householder planning permission").
    application_type = models.CharField(max_length=200, blank=True)
    kind = models.CharField(max_length=16, choices=PastKind.choices, default=PastKind.APPLICATION)
    decision = models.CharField(
        max_length=16, choices=PastDecision.choices, default=PastDecision.UNDECIDED
    )
    # The register's own words for the decision ("Declined to Determine"), kept as given.
    decision_text = models.CharField(max_length=200, blank=True)
    decision_date = models.DateField(null=True, blank=True)
    received_date = models.DateField(null=True, blank=True)
    appeal_decision = models.CharField(max_length=100, blank=True)
    uprn = models.CharField(max_length=12, blank=True)
    # The site outline, or a point where the register has no outline.
    geometry = models.GeometryField(srid=27700)
    area_m2 = models.FloatField(default=0.0)
    # Where the record came from: an import's source name, or THIS_SERVICE.
    source = models.SlugField(max_length=60)
    # The record's id in its source (a Datahub id, a platform entity), when it has one.
    source_id = models.CharField(max_length=100, blank=True)
    application = models.OneToOneField(
        PlanningApplication,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="past_record",
    )
    loaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["council", "source", "reference"], name="one_past_record_per_reference"
            )
        ]
        indexes = [
            models.Index(fields=["council", "source"]),
            models.Index(fields=["council", "decision"]),
        ]
        ordering = ["-decision_date", "-id"]

    def __str__(self) -> str:
        return f"{self.reference} ({self.get_decision_display().lower()})"

    @property
    def decided_on(self):
        """The day that dates the record: its decision, else when it was received."""
        return self.decision_date or self.received_date
