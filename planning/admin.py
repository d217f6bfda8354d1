"""The Django admin, for platform superusers and each council's administrator.

Tenancy goes through planning.access as it does for the API and the pages: a council's
administrator sees only their own council's records on every screen, cannot move a record
to another council, and cannot change what only the services change (a submission's
contents, the statutory clock, decisions, a key's secret). Maps are drawn with the
project's own Leaflet (planning.admin_maps), never a library from the internet.

Councils, people, applications and keys keep an edit history (planning.history); its
screens are scoped like the records (planning.admin_history) and only read, never revert.
"""

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin

from planning.access import applications_visible_to_user, rows_visible_to_user
from planning.admin_history import ScopedHistoryAdmin
from planning.admin_maps import AdminMapMedia, geometry_map
from planning.keys import revoke_api_key
from planning.models import Council, CouncilApiKey, Document, PlanningApplication, Role, User
from planning.services import AssignmentRefused, assign_application, ensure_role_groups


class CouncilScopedAdmin(ScopedHistoryAdmin):
    """Rows, and their history, limited to the user's council through `council_field`
    (planning.access).

    The "council" list filter, which would name every council, is for superusers only.
    """

    council_field = "council"

    def get_queryset(self, request):
        return rows_visible_to_user(super().get_queryset(request), request.user, self.council_field)

    def get_list_filter(self, request):
        filters = super().get_list_filter(request)
        if request.user.is_superuser:
            return filters
        return [item for item in filters if item != self.council_field]


@admin.register(Council)
class CouncilAdmin(CouncilScopedAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]
    council_field = "pk"

    def get_queryset(self, request):
        councils = admin.ModelAdmin.get_queryset(self, request)
        if request.user.is_superuser:
            return councils
        return councils.filter(pk=request.user.council_id or -1)

    def history_scope(self, request, rows):
        # A historical row's primary key is its own; `id` is the council's.
        if request.user.is_superuser:
            return rows
        return rows.filter(id=request.user.council_id or -1)

    def get_readonly_fields(self, request, obj=None):
        return () if request.user.is_superuser else ("code",)

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(User)
class CouncilUserAdmin(CouncilScopedAdmin, UserAdmin):
    list_display = ["username", "email", "council", "role", "is_active"]
    list_filter = ["council", "role", "is_active"]
    fieldsets = [*UserAdmin.fieldsets, ("Council", {"fields": ["council", "role"]})]
    add_fieldsets = [*UserAdmin.add_fieldsets, ("Council", {"fields": ["council", "role"]})]

    def get_queryset(self, request):
        users = super().get_queryset(request)
        # A platform account is never a council's to manage, even one that names a council.
        return users if request.user.is_superuser else users.filter(is_superuser=False)

    def history_scope(self, request, rows):
        rows = super().history_scope(request, rows)
        return rows if request.user.is_superuser else rows.filter(is_superuser=False)

    def get_readonly_fields(self, request, obj=None):
        # A council's administrator manages their own people, never the platform's powers:
        # what a person may do follows from their role (groups and admin access included).
        if request.user.is_superuser:
            return ()
        return (
            "council",
            "is_superuser",
            "is_staff",
            "groups",
            "user_permissions",
            "last_login",
            "date_joined",
        )

    def save_model(self, request, obj, form, change):
        if not request.user.is_superuser:
            obj.council_id = request.user.council_id
            obj.is_staff = obj.role == Role.ADMIN
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if not request.user.is_superuser:
            form.instance.groups.set([ensure_role_groups()[form.instance.role]])


class DocumentInline(admin.TabularInline):
    model = Document
    extra = 0
    fields = ["original_filename", "document_type", "page_count", "text_status", "sha256"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


# What a council's administrator may change on an application: who works on it. The rest
# is the submission (from the council's system) or the services' (clock, decision, triage).
ADMIN_EDITABLE_APPLICATION_FIELDS = {"assigned_officer"}


@admin.register(PlanningApplication)
class PlanningApplicationAdmin(CouncilScopedAdmin):
    list_display = ["reference", "council", "application_type", "status", "received_date"]
    list_filter = ["council", "status", "application_type"]
    search_fields = ["reference", "description", "address"]
    inlines = [DocumentInline]
    exclude = ["site"]

    @property
    def media(self):
        return super().media + AdminMapMedia.media

    def get_queryset(self, request):
        return applications_visible_to_user(request.user).select_related("council")

    def get_readonly_fields(self, request, obj=None):
        fields = [field.name for field in PlanningApplication._meta.fields if field.name != "id"]
        if request.user.is_superuser:
            # Even for the platform: an application never moves to another council.
            locked = ["council", "site_area_m2", "created_at", "updated_at"] if obj else []
        else:
            locked = [name for name in fields if name not in ADMIN_EDITABLE_APPLICATION_FIELDS]
        return [*locked, "site_map"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "assigned_officer" and not request.user.is_superuser:
            kwargs["queryset"] = rows_visible_to_user(User.objects.all(), request.user, "council")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        """Assigning an officer here goes through the same service as the pages: the timeline
        records it, the revision moves on, and a council's administrator cannot give work to
        someone of another council."""
        if not (change and "assigned_officer" in form.changed_data):
            return super().save_model(request, obj, form, change)
        officer = obj.assigned_officer
        if set(form.changed_data) - {"assigned_officer"}:
            # The platform's own staff changed more: save the rest first, as it was.
            obj.assigned_officer_id = (
                PlanningApplication.objects.filter(pk=obj.pk)
                .values_list("assigned_officer_id", flat=True)
                .get()
            )
            super().save_model(request, obj, form, change)
        try:
            assign_application(obj, officer, by=request.user)
        except AssignmentRefused as refused:
            self.message_user(request, str(refused), level=messages.ERROR)

    def has_add_permission(self, request):
        # Applications arrive through the API (or the platform's own tools).
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        # Deleting one would rewrite a council's published statistics.
        return request.user.is_superuser

    @admin.display(description="Site")
    def site_map(self, application):
        return geometry_map(application.site, f"site-{application.pk}")


@admin.register(CouncilApiKey)
class CouncilApiKeyAdmin(CouncilScopedAdmin):
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
        return super().get_queryset(request).select_related("council")

    @admin.action(description="Revoke the selected keys", permissions=["change"])
    def revoke(self, request, queryset):
        for key in queryset:
            revoke_api_key(key.prefix)
        self.message_user(request, f"Revoked {queryset.count()} key(s).")


class PlatformOnlyAdmin:
    """For screens of no single council (sign-in attempts of every council, the role groups
    whose permissions every council's people share): the platform's superusers only."""

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request, *args):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


def _platform_only(app_label: str) -> None:
    for model, model_admin in list(admin.site._registry.items()):
        if model._meta.app_label == app_label:
            admin.site.unregister(model)
            cls = type(model_admin)
            admin.site.register(model, type(cls.__name__, (PlatformOnlyAdmin, cls), {}))


# Registered by their apps before this module is imported (INSTALLED_APPS order).
for _label in ("auth", "axes"):
    _platform_only(_label)
