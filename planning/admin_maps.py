"""A read-only map of a geometry in the admin, drawn with the project's own Leaflet.

Django's GIS admin loads OpenLayers and OpenStreetMap tiles from the internet, so on a
council's network without it the map never drew. Geometries here are not edited in the
admin anyway (a site comes from the council's system; layers from load_constraints).
"""

from django import forms
from django.contrib.gis.geos import GEOSGeometry
from django.utils.html import format_html, json_script

WGS84 = 4326


class AdminMapMedia:
    media = forms.Media(
        css={"all": ["leaflet/leaflet.css"]},
        js=["leaflet/leaflet.js", "app/admin-map.js"],
    )


def geometry_map(geometry: GEOSGeometry | None, element_id: str) -> str:
    if geometry is None:
        return "No geometry."
    shown = geometry.transform(WGS84, clone=True)
    return format_html(
        '<div data-admin-map="{}-data" style="height: 360px; width: 100%; max-width: 640px;" '
        'aria-label="Map"></div>{}',
        element_id,
        json_script(_geojson(shown), f"{element_id}-data"),
    )


def _geojson(geometry: GEOSGeometry) -> dict:
    import json

    return {"type": "Feature", "properties": {}, "geometry": json.loads(geometry.geojson)}
