"""A document's pages as text, with a finding's quote highlighted, and the site map's data."""

import json

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from dashboard.site_history_page import history_for_page
from dashboard.views.common import require_council_user
from geo.services import map_features
from planning.access import application_for_user
from planning.geometry import WGS84, transformed
from planning.stored_files import StoredFileMissing, open_document
from triage.models import DocumentPage, Finding
from triage.quotes import quote_span


@login_required
@require_council_user
@require_GET
def document_page(request, pk: int, document_id: int, number: int):
    application = application_for_user(request.user, pk)
    document = application.documents.filter(pk=document_id).first()
    if document is None:
        raise Http404("No such document.")
    page = DocumentPage.objects.filter(document=document, number=number).first()
    if page is None:
        raise Http404("No such page.")
    finding = None
    finding_id = request.GET.get("finding", "")
    if finding_id.isdigit():
        finding = Finding.objects.filter(
            application=application, pk=int(finding_id), document=document, page_number=number
        ).first()
    before, quoted, after = page.text, "", ""
    if finding is not None and finding.quote:
        span = quote_span(finding.quote, page.text)
        if span is not None:
            start, end = span
            before, quoted, after = page.text[:start], page.text[start:end], page.text[end:]
    page_count = document.page_count or document.pages.count()
    return render(
        request,
        "dashboard/document_page.html",
        {
            "application": application,
            "document": document,
            "page": page,
            "page_count": page_count,
            "finding": finding,
            "before": before,
            "quoted": quoted,
            "after": after,
            "previous_page": number - 1 if number > 1 else None,
            "next_page": number + 1 if number < page_count else None,
        },
    )


@login_required
@require_council_user
@require_GET
def document_file(request, pk: int, document_id: int):
    """The document as it was submitted, for someone who may see its application."""
    application = application_for_user(request.user, pk)
    document = application.documents.filter(pk=document_id).first()
    if document is None or not document.file:
        raise Http404("No such document.")
    try:
        handle = open_document(document)
    except StoredFileMissing:
        raise Http404("The file is missing from storage.") from None
    response = FileResponse(
        handle, content_type=document.content_type, filename=document.original_filename
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return response


@login_required
@require_council_user
@require_GET
def application_map(request, pk: int):
    """GeoJSON (EPSG:4326) of the red line, every constraint feature the site touches or is
    near, and the earlier applications on and around it, for the application's map."""
    application = application_for_user(request.user, pk)
    features = []
    if application.site is not None:
        site = transformed(application.site, WGS84)
        features.append(
            {
                "type": "Feature",
                "geometry": json.loads(site.geojson),
                "properties": {
                    "kind": "site",
                    "name": f"Site of {application.reference}",
                    "area_m2": application.site_area_m2,
                },
            }
        )
        features += map_features(application.site)
        features += history_features(application)
    return JsonResponse({"type": "FeatureCollection", "features": features})


def history_features(application) -> list[dict]:
    """The outlines of the earlier applications the page lists, oldest first so the newest
    are drawn on top."""
    history = history_for_page(application)
    features = []
    for item in reversed(history.on_site + history.nearby):
        record = item.record
        features.append(
            {
                "type": "Feature",
                "geometry": json.loads(transformed(record.geometry, WGS84).geojson),
                "properties": {
                    "kind": "history",
                    "reference": record.reference,
                    "decision": record.get_decision_display(),
                    "refused": item.refused,
                    "enforcement": item.enforcement,
                    "year": item.day.year if item.day else None,
                    "why": item.why,
                },
            }
        )
    return features
