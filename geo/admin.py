"""Constraint layers in the admin: shared by every council, read-only (they change only
through load_constraints), removable by the platform only. Features' outlines are drawn
with the project's own Leaflet, not OpenLayers from the internet."""

from django.contrib import admin

from geo.models import ConstraintFeature, ConstraintLayer
from planning.admin_maps import AdminMapMedia, geometry_map


class ReadOnlySharedAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(ConstraintLayer)
class ConstraintLayerAdmin(ReadOnlySharedAdmin):
    list_display = ["dataset", "source", "feature_count", "loaded_at", "file_name"]
    list_filter = ["dataset", "source"]
    # Layers change only through load_constraints, which keeps the parts table in step.
    readonly_fields = [f.name for f in ConstraintLayer._meta.fields]


@admin.register(ConstraintFeature)
class ConstraintFeatureAdmin(ReadOnlySharedAdmin):
    list_display = ["name", "entity", "reference", "layer"]
    list_filter = ["layer__dataset", "layer__source"]
    search_fields = ["name", "entity", "reference"]
    list_select_related = ["layer"]
    exclude = ["geometry"]

    @property
    def media(self):
        return super().media + AdminMapMedia.media

    def get_readonly_fields(self, request, obj=None):
        fields = [f.name for f in ConstraintFeature._meta.fields if f.name != "geometry"]
        return [*fields, "outline"]

    @admin.display(description="Outline")
    def outline(self, feature):
        return geometry_map(feature.geometry, f"feature-{feature.pk}")
