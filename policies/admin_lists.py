"""The admin of a list each council keeps for itself beside the national one (a validation
list, a consultation list): who may see and change which rows, the history scoped the same
way, each change announced, and the form fields for the conditions every such list shares.
planning.admin_history's ScopedHistoryAdmin does the history screens."""

from django import forms
from django.contrib.postgres.forms import SimpleArrayField

from planning.access import rows_visible_or_national
from planning.admin_history import ScopedHistoryAdmin
from policies.models import CONSTRAINT_CHOICES
from policies.services import CouncilList
from policies.vocabulary import CATEGORIES, PROPOSAL_FACTS

# The titles of the fieldsets every list's admin has.
WHEN_IT_APPLIES = "When it applies (every condition that is set must hold)"
WHEN_IN_FORCE = "When it is in force (by the date the application was received)"


def _own_or_national(queryset, request):
    return rows_visible_or_national(queryset, request.user, "council")


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


def words_field(label: str, help_text: str = "") -> SimpleArrayField:
    return SimpleArrayField(
        forms.CharField(max_length=100),
        required=False,
        label=label,
        help_text=help_text or "Separate them with commas.",
    )


def checkboxes(choices, help_text: str = "") -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        choices=choices, required=False, widget=forms.CheckboxSelectMultiple, help_text=help_text
    )


class CouncilListForm(forms.ModelForm):
    """The conditions every council list's rows may set (CouncilListEntry)."""

    categories = checkboxes(list(CATEGORIES.items()))
    constraints = checkboxes(
        CONSTRAINT_CHOICES,
        "Applies when the site touches any of these (a layer, or a document's claim).",
    )
    proposal = checkboxes(
        list(PROPOSAL_FACTS.items()), "Applies when the proposal shows any of these."
    )
    application_types = words_field(
        "Application types",
        "Open Digital Planning type prefixes, separated by commas (pp., listed ...). Empty: any.",
    )
    exclude_application_types = words_field("Except application types")
