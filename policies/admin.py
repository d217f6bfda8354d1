"""The policy library (read only: it changes by loading files), and validation requirements
and consultation rules, which each council edits for itself.

A council's administrator sees the national list and their own council's list, and may add,
change and remove only their own; another council's list is not there for them at all, nor
its edit history.
"""

from django import forms
from django.contrib import admin
from django.contrib.postgres.forms import SimpleArrayField

from planning.access import rows_visible_or_national
from planning.admin_history import ScopedHistoryAdmin
from policies.consultations import announce_consultations_changed
from policies.models import (
    CONSTRAINT_CHOICES,
    DATASET_CHOICES,
    ConsultationRule,
    Policy,
    PolicyFramework,
    ValidationRequirement,
)
from policies.services import announce_requirements_changed
from policies.vocabulary import CATEGORIES, EXEMPTIONS, PROPOSAL_FACTS


def _own_or_national(queryset, request, field: str = "council"):
    return rows_visible_or_national(queryset, request.user, field)


@admin.register(PolicyFramework)
class PolicyFrameworkAdmin(admin.ModelAdmin):
    list_display = ["name", "council", "version", "loaded_at", "source_file"]
    readonly_fields = [f.name for f in PolicyFramework._meta.fields]

    def get_queryset(self, request):
        return _own_or_national(super().get_queryset(request), request)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Policy)
class PolicyAdmin(admin.ModelAdmin):
    list_display = ["reference", "title", "framework", "version", "current"]
    list_filter = ["current", "framework"]
    search_fields = ["reference", "title", "text"]
    list_select_related = ["framework"]
    readonly_fields = [f.name for f in Policy._meta.fields]

    def get_queryset(self, request):
        return _own_or_national(super().get_queryset(request), request, "framework__council")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def _words_field(label: str, help_text: str = "") -> SimpleArrayField:
    return SimpleArrayField(
        forms.CharField(max_length=100),
        required=False,
        label=label,
        help_text=help_text or "Separate them with commas.",
    )


class ValidationRequirementForm(forms.ModelForm):
    categories = forms.MultipleChoiceField(
        choices=list(CATEGORIES.items()), required=False, widget=forms.CheckboxSelectMultiple
    )
    constraints = forms.MultipleChoiceField(
        choices=CONSTRAINT_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Applies when the site touches any of these (a layer, or a document's claim).",
    )
    proposal = forms.MultipleChoiceField(
        choices=list(PROPOSAL_FACTS.items()),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Applies when the proposal shows any of these.",
    )
    application_types = _words_field(
        "Application types",
        "Open Digital Planning type prefixes, separated by commas (pp., listed ...). Empty: any.",
    )
    exclude_application_types = _words_field("Except application types")
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
    exemptions = forms.MultipleChoiceField(
        choices=list(EXEMPTIONS.items()),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Where one of these holds, the requirement does not apply.",
    )

    class Meta:
        model = ValidationRequirement
        fields = [
            "council",
            "key",
            "document",
            "title",
            "reason",
            "source",
            "active",
            "application_types",
            "exclude_application_types",
            "categories",
            "constraints",
            "proposal",
            "min_site_area_m2",
            "min_dwellings",
            "min_floorspace_m2",
            "document_types",
            "file_name_words",
            "text_words",
            "text_anywhere",
            "part_of_application_form",
            "in_force_from",
            "in_force_until",
            "exemptions",
        ]


@admin.register(ValidationRequirement)
class ValidationRequirementAdmin(ScopedHistoryAdmin):
    form = ValidationRequirementForm
    list_display = ["title", "key", "council", "active", "source"]
    list_filter = ["active", "document"]
    search_fields = ["key", "title", "reason"]
    list_select_related = ["council"]
    fieldsets = [
        (None, {"fields": ["council", "key", "document", "title", "reason", "source", "active"]}),
        (
            "When it applies (every condition that is set must hold)",
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
        (
            "When it is in force (by the date the application was received)",
            {"fields": ["in_force_from", "in_force_until", "exemptions"]},
        ),
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
        announce_requirements_changed(obj.council)

    def delete_model(self, request, obj):
        council = obj.council
        super().delete_model(request, obj)
        announce_requirements_changed(council)

    def delete_queryset(self, request, queryset):
        councils = {row.council for row in queryset}
        super().delete_queryset(request, queryset)
        for council in councils:
            announce_requirements_changed(council)


class ConsultationRuleForm(forms.ModelForm):
    categories = forms.MultipleChoiceField(
        choices=list(CATEGORIES.items()), required=False, widget=forms.CheckboxSelectMultiple
    )
    constraints = forms.MultipleChoiceField(
        choices=CONSTRAINT_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Applies when the site touches any of these (a layer, or a document's claim).",
    )
    datasets = forms.MultipleChoiceField(
        choices=DATASET_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Applies when a feature of any of these layers is within the distance below "
        "(touching the site when no distance is given).",
    )
    proposal = forms.MultipleChoiceField(
        choices=list(PROPOSAL_FACTS.items()),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Applies when the proposal shows any of these.",
    )
    application_types = _words_field(
        "Application types",
        "Open Digital Planning type prefixes, separated by commas (pp., listed ...). Empty: any.",
    )
    exclude_application_types = _words_field("Except application types")

    class Meta:
        model = ConsultationRule
        fields = [
            "council",
            "key",
            "consultee",
            "consultee_name",
            "reason",
            "legal_basis",
            "statutory",
            "active",
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
            "in_force_from",
            "in_force_until",
        ]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("within_m") is not None and not cleaned.get("datasets"):
            self.add_error("within_m", "Choose the layers to measure the distance from.")
        return cleaned


@admin.register(ConsultationRule)
class ConsultationRuleAdmin(ScopedHistoryAdmin):
    """A council's administrator edits their own consultation list and reads the national one,
    as for validation requirements."""

    form = ConsultationRuleForm
    list_display = ["consultee_name", "key", "council", "statutory", "active"]
    list_filter = ["active", "statutory", "consultee"]
    search_fields = ["key", "consultee", "consultee_name", "reason"]
    list_select_related = ["council"]
    fieldsets = [
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
            "When it applies (every condition that is set must hold)",
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
        (
            "When it is in force (by the date the application was received)",
            {"fields": ["in_force_from", "in_force_until"]},
        ),
    ]

    def get_queryset(self, request):
        return _own_or_national(super().get_queryset(request), request)

    def history_scope(self, request, rows):
        return _own_or_national(rows, request)

    def get_readonly_fields(self, request, obj=None):
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
        announce_consultations_changed(obj.council)

    def delete_model(self, request, obj):
        council = obj.council
        super().delete_model(request, obj)
        announce_consultations_changed(council)

    def delete_queryset(self, request, queryset):
        councils = {row.council for row in queryset}
        super().delete_queryset(request, queryset)
        for council in councils:
            announce_consultations_changed(council)
