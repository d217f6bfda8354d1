"""The policy library (read only: it changes by loading files), and the lists each council
keeps for itself beside the national one: validation requirements and consultation rules.

A council's administrator sees the national list and their own council's list, and may add,
change and remove only their own; another council's list is not there for them at all, nor
its edit history (policies.admin_lists, whichever the list).
"""

from django.contrib import admin
from django.contrib.admin.utils import flatten_fieldsets

from planning.access import rows_visible_or_national
from policies.admin_lists import (
    WHEN_IN_FORCE,
    WHEN_IT_APPLIES,
    CouncilListAdmin,
    CouncilListForm,
    checkboxes,
    words_field,
)
from policies.models import (
    DATASET_CHOICES,
    ConsultationRule,
    Policy,
    PolicyFramework,
    ValidationRequirement,
)
from policies.services import CONSULTATION_LISTS, VALIDATION_LISTS
from policies.vocabulary import EXEMPTIONS


class LoadedFromFilesAdmin(admin.ModelAdmin):
    """National data and each council's own, to read: it changes by loading files."""

    council_field = "council"

    def get_queryset(self, request):
        rows = super().get_queryset(request)
        return rows_visible_or_national(rows, request.user, self.council_field)

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
    document_types = words_field(
        "Recognised by ODP document type", "e.g. heritageStatement. Checked first."
    )
    file_name_words = words_field(
        "Recognised by words in the file name", "Checked second. Separate them with commas."
    )
    text_words = words_field(
        "Recognised by words in the text",
        "Checked last: in the document's title and headings (anywhere in it), or anywhere in "
        "its text if ticked below.",
    )
    exemptions = checkboxes(
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
    datasets = checkboxes(
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
