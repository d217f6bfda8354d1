"""Pieces of the published OpenAPI document shared by the views: the problem responses,
the Idempotency-Key header, and example requests a council's developer can start from."""

import datetime

from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse
from rest_framework import serializers

from planning.api.problems import PROBLEM_CONTENT_TYPE
from planning.document_types import DOCUMENT_TYPES


class ProblemErrorSerializer(serializers.Serializer):
    pointer = serializers.CharField(
        required=False, help_text="JSON Pointer (RFC 6901) to the bad part of the body."
    )
    parameter = serializers.CharField(required=False, help_text="The bad query parameter.")
    header = serializers.CharField(required=False, help_text="The bad request header.")
    detail = serializers.CharField()


class ProblemSerializer(serializers.Serializer):
    """RFC 9457 problem details; a problem type may add members of its own."""

    type = serializers.CharField(help_text="about:blank, or /api/v1/problems/<slug>.")
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField()
    errors = ProblemErrorSerializer(many=True, required=False)


PROBLEM_DESCRIPTIONS = {
    400: "Invalid input: `errors` points at each bad field.",
    401: "No API key, or one that is not valid or has been revoked.",
    403: "The API key is read-only.",
    404: "No such application for this council (another council's is not found either).",
    409: "A conflict with what is held (the reference, the application's state, or a "
    "request with the same Idempotency-Key still running).",
    413: "The document is larger than the service accepts.",
    415: "The body's or the file's type is not accepted.",
    422: "Understood but not accepted: an unreadable PDF, or an Idempotency-Key reused "
    "for another request.",
    429: "The API key has sent more requests (or document uploads) than its limit allows; "
    "`Retry-After` says how many seconds to wait.",
    503: "The database or the document storage did not answer (a restart); `Retry-After` says "
    "how many seconds to wait before sending the same request again.",
}


def problems(*codes: int) -> dict:
    """Problem responses for `codes`, plus the 401, 404, 429 and 503 every call may meet."""
    return {
        (code, PROBLEM_CONTENT_TYPE): OpenApiResponse(
            ProblemSerializer, description=PROBLEM_DESCRIPTIONS[code]
        )
        for code in sorted({*codes, 401, 404, 429, 503})
    }


IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    str,
    location=OpenApiParameter.HEADER,
    required=False,
    # planning.idempotency.KEY_PATTERN: visible ASCII, at most 255 characters.
    pattern=r"^[!-~]{1,255}$",
    description=(
        "Any unique string (a UUID) identifying this request for 24 hours. A retry with the "
        "same key and body answers the first response again, with `Idempotent-Replayed: "
        "true`; the same key with another body is a 422 problem."
    ),
)

_SITE = {
    "type": "Polygon",
    "coordinates": [
        [
            [-0.082375, 51.451423],
            [-0.082071, 51.451786],
            [-0.082162, 51.451815],
            [-0.082465, 51.451452],
            [-0.082375, 51.451423],
        ]
    ],
}

SUBMISSION_EXAMPLES = [
    OpenApiExample(
        "A householder application",
        request_only=True,
        value={
            "reference": "26/AP/0417",
            "application_type": "pp.full.householder",
            "description": "Single storey rear extension.",
            "address": "140, Woodwarde Road, London, SE22 8UR",
            "uprn": "200003442431",
            "site": _SITE,
            "received_date": "2026-11-02",
            "project_types": ["extend.rear"],
            "floorspace_m2": 19,
            "reported_constraints": [
                {"dataset": "conservation-area", "intersects": True, "names": ["Dulwich Village"]}
            ],
        },
    ),
    OpenApiExample(
        "Twelve homes, the site in British National Grid",
        request_only=True,
        value={
            "reference": "26/AP/0502",
            "application_type": "pp.full.major",
            "description": "Demolition of a garage block and erection of 12 dwellings.",
            "site_crs": "EPSG:27700",
            "site": {
                "type": "Polygon",
                "coordinates": [
                    [
                        [534000, 176000],
                        [534060, 176000],
                        [534060, 176050],
                        [534000, 176050],
                        [534000, 176000],
                    ]
                ],
            },
            "received_date": "2026-11-02",
            "proposed_dwellings": 12,
            "project_types": ["new.residential.dwelling"],
            "eia_required": False,
        },
    ),
]

UPDATE_EXAMPLES = [
    OpenApiExample("Made valid", request_only=True, value={"valid_date": "2026-11-04"}),
    OpenApiExample(
        "Extension of time agreed",
        request_only=True,
        value={"extension_of_time_until": (datetime.date(2027, 3, 1)).isoformat()},
    ),
    OpenApiExample("Withdrawn", request_only=True, value={"withdrawn": True}),
    OpenApiExample(
        "Decided",
        request_only=True,
        value={"decision": "granted", "decision_date": "2026-12-18", "decision_level": "delegated"},
    ),
]

DOCUMENT_UPLOAD = {
    "type": "object",
    "properties": {
        "file": {
            "type": "string",
            "format": "binary",
            "description": "PDF, PNG, JPEG, TIFF, UTF-8 plain text (.txt) or Markdown (.md).",
        },
        "document_type": {
            "type": "string",
            "enum": sorted(DOCUMENT_TYPES),
            "default": "other",
            "description": "An Open Digital Planning file type.",
        },
    },
    "required": ["file"],
}

DOCUMENT_EXAMPLES = [
    OpenApiExample(
        "A location plan",
        description=(
            "`curl -H 'Authorization: Bearer pt_...' -F file=@location-plan.pdf "
            "-F document_type=locationPlan https://<host>/api/v1/applications/<id>/documents/`"
        ),
        request_only=True,
        media_type="multipart/form-data",
        value={"file": "<the PDF's bytes>", "document_type": "locationPlan"},
    ),
]
