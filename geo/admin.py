from django.contrib import admin
from django.contrib.gis.admin import GISModelAdmin

from geo.models import ConstraintFeature, ConstraintLayer


@admin.register(ConstraintLayer)
class ConstraintLayerAdmin(admin.ModelAdmin):
    list_display = ["dataset", "source", "feature_count", "loaded_at", "file_name"]
    list_filter = ["dataset", "source"]
    # Layers change only through load_constraints, which keeps the parts table in step.
    readonly_fields = [f.name for f in ConstraintLayer._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(ConstraintFeature)
class ConstraintFeatureAdmin(GISModelAdmin):
    list_display = ["name", "entity", "reference", "layer"]
    list_filter = ["layer__dataset", "layer__source"]
    search_fields = ["name", "entity", "reference"]
    list_select_related = ["layer"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
