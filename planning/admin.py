from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.gis.admin import GISModelAdmin

from planning.access import applications_visible_to_user
from planning.keys import revoke_api_key
from planning.models import Council, CouncilApiKey, Document, PlanningApplication, User


@admin.register(Council)
class CouncilAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


@admin.register(User)
class CouncilUserAdmin(UserAdmin):
    list_display = ["username", "email", "council", "role", "is_active"]
    list_filter = ["council", "role", "is_active"]
    fieldsets = [*UserAdmin.fieldsets, ("Council", {"fields": ["council", "role"]})]
    add_fieldsets = [*UserAdmin.add_fieldsets, ("Council", {"fields": ["council", "role"]})]

    def get_readonly_fields(self, request, obj=None):
        # A council's administrator manages their own people, never the platform's powers.
        if request.user.is_superuser:
            return ()
        return ("council", "is_superuser", "user_permissions", "last_login", "date_joined")

    def save_model(self, request, obj, form, change):
        if not request.user.is_superuser:
            obj.council_id = request.user.council_id
        super().save_model(request, obj, form, change)

    def get_queryset(self, request):
        users = super().get_queryset(request)
        if request.user.is_superuser:
            return users
        return users.filter(council_id=request.user.council_id)


class DocumentInline(admin.TabularInline):
    model = Document
    extra = 0
    fields = ["original_filename", "document_type", "page_count", "text_status", "sha256"]
    readonly_fields = fields


@admin.register(PlanningApplication)
class PlanningApplicationAdmin(GISModelAdmin):
    list_display = ["reference", "council", "application_type", "status", "received_date"]
    list_filter = ["council", "status", "application_type"]
    search_fields = ["reference", "description", "address"]
    inlines = [DocumentInline]
    # No tile server is reachable in a council's closed network by default.
    gis_widget_kwargs = {"attrs": {"default_zoom": 16}}

    def get_queryset(self, request):
        return applications_visible_to_user(request.user).select_related("council")


@admin.register(CouncilApiKey)
class CouncilApiKeyAdmin(admin.ModelAdmin):
    """Keys are created with `manage.py create_api_key` (the key is shown once, there);
    here they are seen and revoked."""

    list_display = [
        "name",
        "council",
        "prefix",
        "read_only",
        "created_at",
        "last_used_at",
        "revoked_at",
    ]
    list_filter = ["council", "read_only", ("revoked_at", admin.EmptyFieldListFilter)]
    readonly_fields = [
        "council",
        "name",
        "prefix",
        "read_only",
        "created_at",
        "last_used_at",
        "revoked_at",
    ]
    exclude = ["digest"]
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    def get_queryset(self, request):
        keys = super().get_queryset(request).select_related("council")
        if request.user.is_superuser:
            return keys
        return keys.filter(council_id=request.user.council_id)

    @admin.action(description="Revoke the selected keys", permissions=["change"])
    def revoke(self, request, queryset):
        for key in queryset:
            revoke_api_key(key.prefix)
        self.message_user(request, f"Revoked {queryset.count()} key(s).")
