"""Triage in the admin: read-only, and for a council's administrator only their council's
runs and reviews (planning.access decides, as for every admin screen)."""

from django.contrib import admin

from planning.access import rows_visible_to_user
from triage.models import Finding, FindingReview, TriageRun


class FindingInline(admin.TabularInline):
    model = Finding
    fields = ("code", "value", "title", "source", "engine", "page_number", "quote")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class ReadOnlyCouncilScopedAdmin(admin.ModelAdmin):
    council_field = "application__council"

    def get_queryset(self, request):
        return rows_visible_to_user(super().get_queryset(request), request.user, self.council_field)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(TriageRun)
class TriageRunAdmin(ReadOnlyCouncilScopedAdmin):
    list_display = ("application", "version", "status", "engine", "lane", "priority_score")
    list_filter = ("status", "lane", "engine")
    readonly_fields = [f.name for f in TriageRun._meta.fields]
    inlines = [FindingInline]
    list_select_related = ["application"]


@admin.register(FindingReview)
class FindingReviewAdmin(ReadOnlyCouncilScopedAdmin):
    list_display = ("finding", "decision", "reviewer_name", "created_at")
    readonly_fields = ("finding", "decision", "amended_value", "reason", "reviewer", "created_at")
    council_field = "finding__application__council"
