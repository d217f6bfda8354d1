"""Constraint layers held in our own PostGIS, in British National Grid (EPSG:27700).

A layer is one dataset (a national slug such as "conservation-area") from one source (a
council's or a national publisher's file). Its features keep their whole geometry for display
and export; lookups run against `ConstraintFeaturePart`, the same geometries cut by
ST_Subdivide into pieces of at most a few hundred vertices, so a 20,000-vertex flood zone
costs a check no more than a small polygon does (see docs/decisions/0003).
"""

from django.contrib.gis.db import models

BNG_SRID = 27700


class ConstraintLayer(models.Model):
    dataset = models.SlugField(max_length=100, help_text="National dataset slug.")
    source = models.SlugField(max_length=100, help_text="Who supplied this copy, e.g. southwark.")
    publisher = models.CharField(max_length=200, blank=True)
    licence = models.CharField(max_length=200, blank=True)
    attribution = models.TextField(blank=True)
    file_name = models.CharField(max_length=300, blank=True)
    # A reload of an unchanged file is skipped by comparing this digest.
    file_sha256 = models.CharField(max_length=64, blank=True)
    feature_count = models.PositiveIntegerField(default=0)
    loaded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["dataset", "source"]
        constraints = [
            models.UniqueConstraint(fields=["dataset", "source"], name="one_layer_per_source")
        ]

    def __str__(self) -> str:
        return f"{self.dataset} ({self.source})"


class ConstraintFeature(models.Model):
    layer = models.ForeignKey(ConstraintLayer, on_delete=models.CASCADE, related_name="features")
    # The national entity id or the publisher's own reference (e.g. an NHLE list entry).
    entity = models.CharField(max_length=100, blank=True)
    name = models.CharField(max_length=500, blank=True)
    reference = models.CharField(max_length=200, blank=True)
    attributes = models.JSONField(default=dict, blank=True)
    geometry = models.GeometryField(srid=BNG_SRID)
    # 0 points, 1 lines, 2 areas: decides whether a hit is measured by area or by distance.
    dimension = models.PositiveSmallIntegerField(default=2)
    area_m2 = models.FloatField(default=0.0)
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["layer", "entity"])]

    def __str__(self) -> str:
        return self.name or self.entity or f"feature {self.pk}"


class ConstraintFeaturePart(models.Model):
    """A piece of a feature's geometry, at most SUBDIVIDE_VERTICES vertices. The dataset is
    copied here so a check filters and finds candidates from this one GiST-indexed table."""

    feature = models.ForeignKey(ConstraintFeature, on_delete=models.CASCADE, related_name="parts")
    dataset = models.SlugField(max_length=100)
    geometry = models.GeometryField(srid=BNG_SRID)

    class Meta:
        indexes = [models.Index(fields=["dataset"])]
