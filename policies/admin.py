"""The policy library (read only: it changes by loading files), and the lists each council
keeps for itself beside the national one: validation requirements and consultation rules.

A council's administrator sees the national list and their own council's list, and may add,
change and remove only their own; another council's list is not there for them at all, nor
its edit history (CouncilListAdmin, whichever the list).
"""

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import flatten_fieldsets
from django.contrib.postgres.forms import SimpleArrayField

from planning.access import rows_visible_or_national
from planning.admin_history import ScopedHistoryAdmin
from policies.models import (
    CONSTRAINT_CHOICES,
    DATASET_CHOICES,
    ConsultationRule,
    Policy,
    PolicyFramework,
    ValidationRequirement,
)
from policies.services import CONSULTATION_LISTS, VALIDATION_LISTS, CouncilList
from policies.vocabulary import CATEGORIES, EXEMPTIONS, PROPOSAL_FACTS


def _own_or_national(queryset, request, field: str = "council"):
    return rows_visible_or_national(queryset, request.user, field)


class LoadedFromFilesAdmin(admin.ModelAdmin):
    """National data and each council's own, to read: it changes by loading files."""

    council_field = "council"

    def get_queryset(self, request):
        return _own_or_national(super().get_queryset(request), request, self.council_field)

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PolicyFramework)
class PolicyFrameworkAdmin(LoadedFromFilesAdmin):
    list_display = ["name", "council", "version", "loaded_at", "source_file"]


@admin.register(Policy)
class PolicyAdmin(LoadedFromFilesAdmin):
    council_field = "framework__council"
    list_display = ["reference", "title", "framework", "version", "current"]
    list_filter = ["current", "framework"]
    search_fields = ["reference", "title", "text"]
    list_select_related = ["framework"]


# --- The lists each council keeps -----------------------------------------------------------


class CouncilListAdmin(ScopedHistoryAdmin):
    """The admin of a council's list (its rows' `council` empty for the national list): a
    council's administrator reads the national list and their own, adds to and changes only
    their own, and sees no other council's rows nor their history. Every change is announced
    (`council_list`), so triage checks again the open applications the list concerns.
    """

    council_list: CouncilList
    list_select_related = ["council"]

    def get_queryset(self, request):
        return _own_or_national(super().get_queryset(request), request)

    def history_scope(self, request, rows):
        return _own_or_national(rows, request)

    def get_readonly_fields(self, request, obj=None):
        # A council's administrator works on their own council's list only.
        return () if request.user.is_superuser else ("council",)

    def _own(self, request, obj) -> bool:
        return obj is None or request.user.is_superuser or obj.council_id == request.user.council_id

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._own(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._own(request, obj)

    def save_model(self, request, obj, form, change):
        if not request.user.is_superuser:
            obj.council_id = request.user.council_id
        super().save_model(request, obj, form, change)
        self.council_list.announce_changed(obj.council)

    def delete_model(self, request, obj):
        council = obj.council
        super().delete_model(request, obj)
        self.council_list.announce_changed(council)

    def delete_queryset(self, request, queryset):
        councils = {row.council for row in queryset}
        super().delete_queryset(request, queryset)
        for council in councils:
            self.council_list.announce_changed(council)


def _words_field(label: str, help_text: str = "") -> SimpleArrayField:
    return SimpleArrayField(
        forms.CharField(max_length=100),
        required=False,
        label=label,
        help_text=help_text or "Separate them with commas.",
    )


def _checkboxes(choices, help_text: str = "") -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        choices=choices, required=False, widget=forms.CheckboxSelectMultiple, help_text=help_text
    )


class CouncilListForm(forms.ModelForm):
    """The conditions every council list's rows may set (CouncilListEntry)."""

    categories = _checkboxes(list(CATEGORIES.items()))
    constraints = _checkboxes(
        CONSTRAINT_CHOICES,
        "Applies when the site touches any of these (a layer, or a document's claim).",
    )
    proposal = _checkboxes(
        list(PROPOSAL_FACTS.items()), "Applies when the proposal shows any of these."
    )
    application_types = _words_field(
        "Application types",
        "Open Digital Planning type prefixes, separated by commas (pp., listed ...). Empty: any.",
    )
    exclude_application_types = _words_field("Except application types")


WHEN_IT_APPLIES = "When it applies (every condition that is set must hold)"
WHEN_IN_FORCE = "When it is in force (by the date the application was received)"

REQUIREMENT_FIELDSETS = [
    (None, {"fields": ["council", "key", "document", "title", "reason", "source", "active"]}),
    (
        WHEN_IT_APPLIES,
        {
            "fields": [
                "application_types",
                "exclude_application_types",
                "categories",
                "constraints",
                "proposal",
                "min_site_area_m2",
                "min_dwellings",
                "min_floorspace_m2",
            ]
        },
    ),
    (WHEN_IN_FORCE, {"fields": ["in_force_from", "in_force_until", "exemptions"]}),
    (
        "How the document is recognised",
        {
            "fields": [
                "document_types",
                "file_name_words",
                "text_words",
                "text_anywhere",
                "part_of_application_form",
            ]
        },
    ),
]


class ValidationRequirementForm(CouncilListForm):
    document_types = _words_field(
        "Recognised by ODP document type", "e.g. heritageStatement. Checked first."
    )
    file_name_words = _words_field(
        "Recognised by words in the file name", "Checked second. Separate them with commas."
    )
    text_words = _words_field(
        "Recognised by words in the text",
        "Checked last: in the document's title and headings (anywhere in it), or anywhere in "
        "its text if ticked below.",
    )
    exemptions = _checkboxes(
        list(EXEMPTIONS.items()), "Where one of these holds, the requirement does not apply."
    )

    class Meta:
        model = ValidationRequirement
        fields = flatten_fieldsets(REQUIREMENT_FIELDSETS)


@admin.register(ValidationRequirement)
class ValidationRequirementAdmin(CouncilListAdmin):
    council_list = VALIDATION_LISTS
    form = ValidationRequirementForm
    list_display = ["title", "key", "council", "active", "source"]
    list_filter = ["active", "document"]
    search_fields = ["key", "title", "reason"]
    fieldsets = REQUIREMENT_FIELDSETS


RULE_FIELDSETS = [
    (
        None,
        {
            "fields": [
                "council",
                "key",
                "consultee",
                "consultee_name",
                "reason",
                "legal_basis",
                "statutory",
                "active",
            ]
        },
    ),
    (
        WHEN_IT_APPLIES,
        {
            "fields": [
                "application_types",
                "exclude_application_types",
                "categories",
                "constraints",
                "datasets",
                "within_m",
                "proposal",
                "min_site_area_m2",
                "min_dwellings",
                "min_floorspace_m2",
                "min_storeys",
            ]
        },
    ),
    (WHEN_IN_FORCE, {"fields": ["in_force_from", "in_force_until"]}),
]


class ConsultationRuleForm(CouncilListForm):
    datasets = _checkboxes(
        DATASET_CHOICES,
        "Applies when a feature of any of these layers is within the distance below "
        "(touching the site when no distance is given).",
    )

    class Meta:
        model = ConsultationRule
        fields = flatten_fieldsets(RULE_FIELDSETS)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("within_m") is not None and not cleaned.get("datasets"):
            self.add_error("within_m", "Choose the layers to measure the distance from.")
        return cleaned


@admin.register(ConsultationRule)
class ConsultationRuleAdmin(CouncilListAdmin):
    council_list = CONSULTATION_LISTS
    form = ConsultationRuleForm
    list_display = ["consultee_name", "key", "council", "statutory", "active"]
    list_filter = ["active", "statutory", "consultee"]
    search_fields = ["key", "consultee", "consultee_name", "reason"]
    fieldsets = RULE_FIELDSETS
