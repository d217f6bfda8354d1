from django.contrib import admin

from triage.models import Finding, FindingReview, TriageRun


class FindingInline(admin.TabularInline):
    model = Finding
    fields = ("code", "value", "title", "source", "engine", "page_number", "quote")
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(TriageRun)
class TriageRunAdmin(admin.ModelAdmin):
    list_display = ("application", "version", "status", "engine", "lane", "priority_score")
    list_filter = ("status", "lane", "engine")
    readonly_fields = [f.name for f in TriageRun._meta.fields]
    inlines = [FindingInline]


@admin.register(FindingReview)
class FindingReviewAdmin(admin.ModelAdmin):
    list_display = ("finding", "decision", "reviewer_name", "created_at")
    readonly_fields = ("finding", "decision", "amended_value", "reason", "reviewer", "created_at")
