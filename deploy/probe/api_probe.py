"""A probe of a running instance of the submission API with hostile and malformed requests.

    python deploy/probe/api_probe.py --base-url http://127.0.0.1:8010 --key pt_... \
        [--other-key pt_...] [--officer USERNAME:PASSWORD] [--forbid TEXT ...] [--quick]

`--key` is a read-write key of one council; the probe submits a few applications and
documents under it (references starting `PROBE-`), so point it at a test or staging
instance, never at a council's live service. `--other-key`, a key of another council, adds
the tenancy checks: the first council's ids asked for with the other's key must answer
exactly as an id that does not exist. `--officer` (a user of the first council) lets the
concurrent-upload trials fetch each stored file back through the pages' access-checked
download and compare the bytes; without it the trials rely on the API's sha256 and size.

Every answer is checked for: a 5xx; an error (4xx/5xx) that is not application/problem+json;
a body with a traceback, a backing service's address, a setting's name or any `--forbid`
text; a status other than the case expects (a hostile input accepted, say); and a response
slower than `--slow-seconds`. It prints a table and exits 1 when anything is flagged.

Standard library only, so it runs from any Python 3.11 with a copy of this file; the Open
Digital Planning examples it mutates are read from tests/api/data/odp when it is run from
a checkout (`--odp-examples` elsewhere).
"""

import argparse
import contextlib
import copy
import datetime
import hashlib
import http.client
import http.cookiejar
import json
import math
import re
import struct
import sys
import threading
import time
import urllib.parse
import urllib.request
import uuid
import zlib
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

API = "/api/v1"
ODP_EXAMPLES = Path(__file__).resolve().parents[2] / "tests" / "api" / "data" / "odp"
PROBLEM = "application/problem+json"

# 140 Woodwarde Road, Southwark (the Open Digital Planning example's title boundary), WGS84.
WOODWARDE_ROAD = [
    [-0.082375, 51.451423],
    [-0.082071, 51.451786],
    [-0.082162, 51.451815],
    [-0.082465, 51.451452],
    [-0.082375, 51.451423],
]

# What no answer of the API may contain, whatever the request.
LEAKS = {
    "traceback": re.compile(rb'Traceback \(most recent call last\)|File "[^"]*\.py", line \d'),
    "debug page": re.compile(rb"DEBUG = True|Exception Value:|Request Method:"),
    "service address": re.compile(rb"\b(?:postgres(?:ql)?|postgis|redis|amqp|rediss)://", re.I),
    "ip address": re.compile(rb"(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?![\d.])"),
    "settings name": re.compile(
        rb"SECRET_KEY|DATABASE_URL|REDIS_URL|DATABASES|MEDIA_ROOT|site-packages|ALLOWED_HOSTS"
    ),
    "database error": re.compile(
        rb"psycopg|django\.db\.|IntegrityError|DataError|ProgrammingError|OperationalError"
    ),
}


# --- requests and answers ---------------------------------------------------------------------


def _retry_after(answer: "Answer") -> float:
    headers = {name.lower(): value for name, value in answer.headers.items()}
    try:
        return float(headers.get("retry-after", "5"))
    except ValueError:
        return 5.0


@dataclass
class Answer:
    status: int  # 0: no answer (connection refused, reset or timed out)
    content_type: str
    body: bytes
    seconds: float
    headers: dict[str, str]
    error: str = ""

    def json(self):
        try:
            return json.loads(self.body)
        except ValueError:
            return None


@dataclass
class Case:
    """One request. `expect` is what a correct API answers: "4xx", "2xx", a set of statuses,
    or None for "anything but a 5xx". `auth` is "own", "other" or "none"; an Authorization
    header in `headers` replaces it. `heavy` cases are left out of --quick."""

    family: str
    name: str
    method: str
    path: str
    body: bytes | None = None
    headers: dict[str, str | bytes] = field(default_factory=dict)
    expect: str | frozenset[int] | None = "4xx"
    auth: str = "own"
    heavy: bool = False


@dataclass
class Result:
    case: Case
    answer: Answer
    flags: list[str]


class Client:
    """One connection per request, so a request the server cuts short spoils no other."""

    def __init__(self, base_url: str, timeout: float):
        parts = urllib.parse.urlsplit(base_url.rstrip("/"))
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise SystemExit(f"--base-url must be http(s)://host[:port], not {base_url!r}")
        self.https = parts.scheme == "https"
        self.host = parts.hostname
        self.port = parts.port or (443 if self.https else 80)
        self.prefix = parts.path
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout

    def send(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: dict[str, str | bytes] | None = None,
    ) -> Answer:
        headers = dict(headers or {})
        connection_class = http.client.HTTPSConnection if self.https else http.client.HTTPConnection
        connection = connection_class(self.host, self.port, timeout=self.timeout)
        started = time.monotonic()
        try:
            skip_host = any(name.lower() == "host" for name in headers)
            connection.putrequest(
                method, self.prefix + path, skip_host=skip_host, skip_accept_encoding=True
            )
            for name, value in headers.items():
                connection.putheader(name, value)
            if body is not None and not any(name.lower() == "content-length" for name in headers):
                connection.putheader("Content-Length", str(len(body)))
            # The server may answer (a 413, say) and close before reading all of the body:
            # its answer can still be read.
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                connection.endheaders(body)
            response = connection.getresponse()
            data = response.read()
            return Answer(
                status=response.status,
                content_type=response.getheader("Content-Type", ""),
                body=data,
                seconds=time.monotonic() - started,
                headers={name.lower(): value for name, value in response.getheaders()},
            )
        except (OSError, http.client.HTTPException) as error:
            return Answer(0, "", b"", time.monotonic() - started, {}, f"{type(error).__name__}")
        finally:
            connection.close()


# --- files made on the spot ---------------------------------------------------------------------


def pdf(pages: int = 1, width: float = 595, height: float = 842, marker: str = "") -> bytes:
    """A PDF of blank pages; `marker` (in a comment) makes otherwise equal files differ."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>"]
    kids = " ".join(f"{3 + n} 0 R" for n in range(pages))
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {pages} >>".encode())
    # Plain decimals: PDF has no exponent notation.
    box = f"0 0 {width:f} {height:f}".replace(".000000", "")
    page = f"<< /Type /Page /Parent 2 0 R /MediaBox [{box}] >>".encode()
    objects += [page] * pages
    return _pdf_file(objects, marker=marker)


def encrypted_pdf() -> bytes:
    """A PDF whose standard security handler wants a password the probe does not give."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
        b"<< /Filter /Standard /V 1 /R 2 /P -4 /O <"
        + b"28bf4e5e4e758a4164004e56fffa01082e2e00b6d0683e802f0ca9fe6453697a"
        + b"> /U <"
        + b"f1a9c3b7e0d24c6e9b8a7f6e5d4c3b2a1908f7e6d5c4b3a29180706050403020"
        + b"> >>",
    ]
    return _pdf_file(objects, trailer_extra=b" /Encrypt 4 0 R /ID [<0123456789ab> <0123456789ab>]")


def _pdf_file(objects: list[bytes], *, marker: str = "", trailer_extra: bytes = b"") -> bytes:
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    if marker:
        out += f"% {marker}\n".encode()
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R".encode() + trailer_extra
    out += f" >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def png(width: int = 40, height: int = 30, *, rows: bytes | None = None) -> bytes:
    """A greyscale PNG; `rows` replaces the image data (a lie about its size, say)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    data = rows if rows is not None else zlib.compress((b"\x00" + b"\xff" * width) * height)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")
    )


def multipart(
    parts: Iterable[tuple[str, bytes | None, bytes, str]], boundary: str = ""
) -> tuple[bytes, str]:
    """A multipart/form-data body from (field, filename or None, content, content type)."""
    boundary = boundary or "probe" + uuid.uuid4().hex
    out = bytearray()
    for name, filename, content, content_type in parts:
        out += f"--{boundary}\r\n".encode()
        disposition = b'Content-Disposition: form-data; name="' + name.encode() + b'"'
        if filename is not None:
            disposition += b'; filename="' + filename + b'"'
        out += disposition + b"\r\n"
        if content_type:
            out += f"Content-Type: {content_type}\r\n".encode()
        out += b"\r\n" + content + b"\r\n"
    out += f"--{boundary}--\r\n".encode()
    return bytes(out), f"multipart/form-data; boundary={boundary}"


def upload_body(
    content: bytes, filename: bytes = b"plan.pdf", document_type: str | None = None, boundary=""
) -> tuple[bytes, str]:
    parts: list[tuple[str, bytes | None, bytes, str]] = [
        ("file", filename, content, "application/octet-stream")
    ]
    if document_type is not None:
        parts.append(("document_type", None, document_type.encode("utf-8", "surrogatepass"), ""))
    return multipart(parts, boundary)


# --- the cases ----------------------------------------------------------------------------------


def encode(value) -> bytes:
    """JSON as a client would send it; lone surrogates pass through as \\ud800 escapes."""
    return json.dumps(value).encode()


def deep(levels: int, kind: str = "object") -> str:
    if kind == "object":
        return '{"a":' * levels + "1" + "}" * levels
    return "[" * levels + "]" * levels


HOSTILE_TEXT = {
    "nul": "a\x00b",
    "control characters": "a\x01\x02\x1b[31m\x7f",
    "line separator": "a\u2028b\u2029",
    "lone surrogate": "a\ud800b",
    "lone low surrogate": "\udfffa",
    "bidi override": "\u202egnp.exe",
    "5,000 characters": "x" * 5_000,
}
# What a free-text field (an address, a description) may hold besides ordinary words.
FREE_TEXT_FINE = ("control characters", "line separator", "bidi override")
LONG_TEXT = {
    "100,000 characters": "x" * 100_000,
    "1,000,000 characters": "x" * 1_000_000,
}


@dataclass
class Context:
    run: str
    app: int
    document: int
    reference: str
    missing: int
    native: dict
    odp: dict | None
    odp_examples: list[tuple[str, dict]]


def json_headers(**extra: str) -> dict[str, str | bytes]:
    return {"Content-Type": "application/json", **extra}


def native_cases(ctx: Context) -> list[Case]:
    url = f"{API}/applications/"
    cases: list[Case] = []

    def post(name: str, payload, *, expect="4xx", heavy=False, **headers: str) -> None:
        body = payload if isinstance(payload, bytes) else encode(payload)
        cases.append(
            Case("submit", name, "POST", url, body, json_headers(**headers), expect, heavy=heavy)
        )

    def variant(**changes):
        payload = copy.deepcopy(ctx.native)
        payload["reference"] = f"PROBE-{ctx.run}-{uuid.uuid4().hex[:8]}"
        payload.update(changes)
        return payload

    text_fields = ["reference", "application_type", "description", "address", "uprn"]
    for name in text_fields:
        for label, value in HOSTILE_TEXT.items():
            # Free text may hold control characters, long text, separators; a reference may
            # hold anything printable (REFERENCE_PATTERN refuses only C0 controls and DEL).
            fine = (
                (name == "description" and label != "nul" and "surrogate" not in label)
                or (name == "address" and label in FREE_TEXT_FINE)
                or (name == "reference" and label in ("line separator", "bidi override"))
            )
            post(f"{name}: {label}", variant(**{name: value}), expect=None if fine else "4xx")
        for label, value in LONG_TEXT.items():
            post(f"{name}: {label}", variant(**{name: value}), heavy=True)
    fields = [
        "reference",
        "application_type",
        "description",
        "address",
        "uprn",
        "site",
        "site_crs",
        "received_date",
        "proposed_dwellings",
        "floorspace_m2",
        "eia_required",
        "project_types",
        "reported_constraints",
    ]
    nullable = ("site", "site_crs", "proposed_dwellings", "floorspace_m2")
    for name in fields:
        # The schema offers null only where "not given" has a meaning of its own.
        post(f"{name}: null", variant(**{name: None}), expect=None if name in nullable else "4xx")
    for name, wrong in [
        ("reference", 417),
        ("description", ["a list"]),
        ("received_date", 20261102),
        ("proposed_dwellings", "12"),
        ("proposed_dwellings", 1.5),
        ("proposed_dwellings", True),
        ("proposed_dwellings", -1),
        ("proposed_dwellings", 10**30),
        ("floorspace_m2", "100"),
        ("floorspace_m2", -0.5),
        ("eia_required", "yes"),
        ("eia_required", 1),
        ("project_types", "new.residential.dwelling"),
        ("project_types", [{"value": "alter"}]),
        ("project_types", ["x" * 5_000]),
        ("reported_constraints", [{"dataset": "a\x00"}]),
        ("reported_constraints", [{"dataset": "flood", "names": ["\ud800"]}]),
        ("reported_constraints", [{"dataset": "flood", "intersects": "no"}]),
        ("reported_constraints", [{"dataset": "flood"}] * 201),
    ]:
        post(f"{name}: {json.dumps(wrong)[:40]}", variant(**{name: wrong}))
    post("an unknown field", variant(council="E09000022"))
    post("an unknown field holding a NUL", variant(**{"x\x00": 1}))
    post("received_date: year 0", variant(received_date="0000-01-01"))
    post("received_date: year 1", variant(received_date="0001-01-01"))
    post("received_date: 9999-12-31", variant(received_date="9999-12-31"))
    post("received_date: 30 February", variant(received_date="2026-02-30"))
    post("received_date: month 13", variant(received_date="2026-13-01"))
    post("received_date: with a time", variant(received_date="2026-01-05T23:00:00-05:00"))
    post("received_date: expanded year", variant(received_date="+02026-01-05"))
    post("received_date: tomorrow", variant(received_date=_days_from_today(1)))
    post("received_date: before 1948", variant(received_date="1948-06-30"))
    post(
        "received_date: 29 February of a leap year",
        variant(received_date="2024-02-29"),
        expect=None,
    )

    # Geometry: every way a site can be wrong, and a few that are right but extreme.
    square = lambda x, y, d=0.0005: [[x, y], [x + d, y], [x + d, y + d], [x, y + d], [x, y]]  # noqa: E731
    geometry = {
        "self-intersecting": {
            "type": "Polygon",
            "coordinates": [
                [[-0.08, 51.45], [-0.07, 51.46], [-0.07, 51.45], [-0.08, 51.46], [-0.08, 51.45]]
            ],
        },
        "empty coordinates": {"type": "Polygon", "coordinates": []},
        "empty ring": {"type": "Polygon", "coordinates": [[]]},
        "empty MultiPolygon": {"type": "MultiPolygon", "coordinates": []},
        "ring not closed": {"type": "Polygon", "coordinates": [WOODWARDE_ROAD[:-1]]},
        "three positions": {"type": "Polygon", "coordinates": [WOODWARDE_ROAD[:3]]},
        "zero area": {
            "type": "Polygon",
            "coordinates": [[[-0.08, 51.45], [-0.07, 51.45], [-0.06, 51.45], [-0.08, 51.45]]],
        },
        "hole outside the shell": {
            "type": "Polygon",
            "coordinates": [square(-0.08, 51.45), square(-0.06, 51.47)],
        },
        "overlapping polygons": {
            "type": "MultiPolygon",
            "coordinates": [[square(-0.08, 51.45)], [square(-0.0798, 51.4502)]],
        },
        "Paris": {"type": "Polygon", "coordinates": [square(2.35, 48.85)]},
        "null island": {"type": "Polygon", "coordinates": [square(0.0, 0.0)]},
        "Dublin": {"type": "Polygon", "coordinates": [square(-6.26, 53.35)]},
        "latitude 91": {"type": "Polygon", "coordinates": [square(-0.08, 90.9995)]},
        "longitude and latitude swapped": {
            "type": "Polygon",
            "coordinates": [square(51.45, -0.08)],
        },
        "coordinates of 1e308": {"type": "Polygon", "coordinates": [square(1e308, 1e308)]},
        "coordinates of 1e999": {"type": "Polygon", "coordinates": [[[1e999, 1.0]] * 4]},
        "coordinates as strings": {"type": "Polygon", "coordinates": [[["-0.08", "51.45"]] * 4]},
        "four numbers a position": {"type": "Polygon", "coordinates": [[[-0.08, 51.45, 0, 0]] * 4]},
        "one number a position": {"type": "Polygon", "coordinates": [[[-0.08]] * 4]},
        "a Point": {"type": "Point", "coordinates": [-0.08, 51.45]},
        "a LineString": {"type": "LineString", "coordinates": WOODWARDE_ROAD},
        "a GeometryCollection": {"type": "GeometryCollection", "geometries": []},
        "a FeatureCollection": {"type": "FeatureCollection", "features": []},
        "a Feature without geometry": {"type": "Feature", "geometry": None, "properties": {}},
        "a Feature holding a Point": {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [-0.08, 51.45]},
        },
        "WKT text": "POLYGON((0 0, 1 0, 1 1, 0 0))",
        "no type": {"coordinates": [WOODWARDE_ROAD]},
        "type in lower case": {"type": "polygon", "coordinates": [WOODWARDE_ROAD]},
        "unknown member": {"type": "Polygon", "coordinates": [WOODWARDE_ROAD], "x": 1},
        "bbox of strings": {"type": "Polygon", "coordinates": [WOODWARDE_ROAD], "bbox": ["a"]},
        "crs naming EPSG:3857": {
            "type": "Polygon",
            "coordinates": [WOODWARDE_ROAD],
            "crs": {"type": "name", "properties": {"name": "EPSG:3857"}},
        },
        "crs of a link type": {
            "type": "Polygon",
            "coordinates": [WOODWARDE_ROAD],
            "crs": {"type": "link", "properties": {"href": "http://example.com/crs"}},
        },
        "crs naming a NUL": {
            "type": "Polygon",
            "coordinates": [WOODWARDE_ROAD],
            "crs": {"type": "name", "properties": {"name": "EPSG:\x004326"}},
        },
        "British National Grid metres as WGS84": {
            "type": "Polygon",
            "coordinates": [
                [
                    [533346, 174256],
                    [533366, 174256],
                    [533366, 174276],
                    [533346, 174276],
                    [533346, 174256],
                ]
            ],
        },
        "all of England": {
            "type": "Polygon",
            "coordinates": [[[-5.7, 49.9], [1.8, 49.9], [1.8, 55.8], [-5.7, 55.8], [-5.7, 49.9]]],
        },
        "1,000 rings": {"type": "Polygon", "coordinates": [square(-0.08, 51.45)] * 1_001},
    }
    for label, site in geometry.items():
        post(
            f"site: {label}",
            variant(site=site),
            # The site check is a box around Great Britain, which Dublin is inside.
            expect=None if label in ("all of England", "Dublin") else "4xx",
        )
    post(
        "site in WGS84 under site_crs EPSG:27700",
        variant(site={"type": "Polygon", "coordinates": [WOODWARDE_ROAD]}, site_crs="EPSG:27700"),
    )
    post(
        "site_crs and crs member disagree",
        variant(
            site={
                "type": "Polygon",
                "coordinates": [WOODWARDE_ROAD],
                "crs": {"type": "name", "properties": {"name": "EPSG:27700"}},
            },
            site_crs="EPSG:4326",
        ),
    )
    post("site_crs: EPSG:3857", variant(site_crs="EPSG:3857"))
    post("site_crs: a NUL", variant(site_crs="EPSG:4326\x00"))
    # A ring of 100,000 positions on a circle: valid, big, and slow to check if anything is.
    circle = [
        [
            -0.08 + 0.001 * math.cos(2 * math.pi * n / 99_999),
            51.45 + 0.001 * math.sin(2 * math.pi * n / 99_999),
        ]
        for n in range(99_999)
    ]
    circle.append(circle[0])
    post(
        "site: a ring of 100,000 positions",
        variant(site={"type": "Polygon", "coordinates": [circle]}),
        expect=None,
        heavy=True,
    )
    post(
        "site: a ring of 100,001 positions",
        variant(site={"type": "Polygon", "coordinates": [[*circle, circle[0]]]}),
        heavy=True,
    )

    # Bodies that are not the JSON object the endpoint reads.
    valid_text = json.dumps(variant())
    for cut in (1, len(valid_text) // 3, len(valid_text) // 2, len(valid_text) - 1):
        post(f"JSON cut short at {cut} characters", valid_text[:cut].encode())
    for label, raw in [
        ("empty body", b""),
        ("whitespace", b"  \n "),
        ("not JSON", b"{not json"),
        ("trailing comma", b'{"reference": "A", }'),
        ("a list", b"[]"),
        ("null", b"null"),
        ("a string", b'"a string"'),
        ("a number", b"417"),
        ("NaN", b'{"floorspace_m2": NaN}'),
        ("Infinity", b'{"floorspace_m2": -Infinity}'),
        ("a number of 5,000 digits", b'{"proposed_dwellings": ' + b"9" * 5_000 + b"}"),
        ("1e999", b'{"floorspace_m2": 1e999}'),
        ("invalid UTF-8", b'{"reference": "\xff\xfe"}'),
        ("UTF-8 byte order mark", b"\xef\xbb\xbf" + valid_text.encode()),
        ("UTF-16", valid_text.encode("utf-16")),
        ("a duplicate key", b'{"reference": "A", "reference": "B"}'),
        ("a duplicate key inside site", b'{"site": {"type": "Polygon", "type": "MultiPolygon"}}'),
        ("a NUL escaped in a key", b'{"x\\u0000": 1}'),
        ("a raw NUL byte", b'{"reference": "A\x00"}'),
        ("comments", b'{"reference": "A" /* note */}'),
        ("single quotes", b"{'reference': 'A'}"),
        ("two objects", b"{}{}"),
    ]:
        post(f"body: {label}", raw)
    for levels in (33, 100, 500, 10_000, 100_000):
        for kind in ("object", "array"):
            body = deep(levels, kind).encode()
            post(f"nested {levels} deep ({kind}s)", body, heavy=levels >= 100_000)
            post(
                f"nested {levels} deep ({kind}s) with an Idempotency-Key",
                body,
                heavy=levels >= 100_000,
                **{"Idempotency-Key": f"probe-{ctx.run}-deep-{kind}-{levels}"},
            )
    post("a 9 MB description", variant(description="x" * 9_000_000), heavy=True)
    post("a 12 MB body", variant(description="x" * 12_000_000), heavy=True)

    # Content types the endpoint does not read.
    payload = encode(variant())
    for content_type in [
        "application/x-www-form-urlencoded",
        "text/plain",
        "application/xml",
        "multipart/form-data; boundary=zzz",
        "application/json; charset=utf-16",
        "application/json; charset=nonsense",
        "application/json-patch+json",
        "",
    ]:
        cases.append(
            Case(
                "content type",
                f"submit as {content_type or 'no content type'}",
                "POST",
                url,
                payload,
                {"Content-Type": content_type} if content_type else {},
                expect=None if "charset=nonsense" in content_type else "4xx",
            )
        )
    return cases


def odp_cases(ctx: Context) -> list[Case]:
    url = f"{API}/applications/odp/"
    cases: list[Case] = []
    if ctx.odp is None:
        return cases

    def post(name: str, mutate: Callable[[dict], object] | None, *, expect="4xx", heavy=False):
        payload = copy.deepcopy(ctx.odp)
        payload["metadata"]["id"] = f"PROBE-{ctx.run}-odp-{uuid.uuid4().hex[:8]}"
        if mutate is not None:
            mutate(payload)
        cases.append(
            Case("odp", name, "POST", url, encode(payload), json_headers(), expect, heavy=heavy)
        )

    def setter(*path, value):
        def mutate(payload):
            if path[:2] == ("data", "boundary"):
                # The site is read from the proposal, else from the property: change both.
                for place in ("proposal", "property"):
                    payload["data"].setdefault(place, {}).setdefault("boundary", {})
                    payload["data"][place]["boundary"][path[-1]] = copy.deepcopy(value)
                return
            here = payload
            for part in path[:-1]:
                here = here[part]
            here[path[-1]] = value

        return mutate

    def deleter(*path):
        def mutate(payload):
            here = payload
            for part in path[:-1]:
                here = here[part]
            del here[path[-1]]

        return mutate

    for stamp, expect in [
        ("9999-12-31T23:00:00-05:00", "4xx"),
        ("9999-12-31T23:59:59+14:00", "4xx"),
        ("9999-12-31T23:59:59Z", "4xx"),
        ("0001-01-01T00:00:00+14:00", "4xx"),
        ("0000-01-01T00:00:00Z", "4xx"),
        ("2024-02-30T10:00:00Z", "4xx"),
        ("2024-06-01T25:00:00Z", "4xx"),
        ("2024-06-01", None),
        ("2024-06-01T10:00:00", None),
        ("2024-06-01t10:00:00z", None),
        ("yesterday", "4xx"),
        ("", "4xx"),
        ("\x00", "4xx"),
    ]:
        post(
            f"submittedAt {stamp!r}", setter("metadata", "submittedAt", value=stamp), expect=expect
        )
    post("submittedAt as a number", setter("metadata", "submittedAt", value=1717236000))
    post("submittedAt null", setter("metadata", "submittedAt", value=None))
    post(
        "submittedAt tomorrow",
        setter("metadata", "submittedAt", value=_days_from_today(2) + "T10:00:00Z"),
    )
    for label, value in HOSTILE_TEXT.items():
        post(
            f"metadata.id: {label}",
            setter("metadata", "id", value=value),
            expect="4xx" if label != "bidi override" else None,
        )
        post(
            f"proposal.description: {label}",
            setter("data", "proposal", "description", value=value),
            expect=None if label in ("5,000 characters", *FREE_TEXT_FINE) else "4xx",
        )
        post(
            f"address.singleLine: {label}",
            setter("data", "property", "address", "singleLine", value=value),
            expect=None if label in FREE_TEXT_FINE else "4xx",
        )
    post(
        "proposal.description of 1,000,000 characters",
        setter("data", "proposal", "description", value="x" * 1_000_000),
        heavy=True,
    )
    for value in ["conservation area!", "", "a" * 101, "x\x00", "\ud800", 17, None]:
        post(
            f"designation value {json.dumps(value)[:30]}",
            setter(
                "data",
                "property",
                "planning",
                "designations",
                value=[{"value": value, "intersects": True}],
            ),
        )
    post(
        "designation intersects 'yes'",
        setter(
            "data",
            "property",
            "planning",
            "designations",
            value=[{"value": "flood", "intersects": "yes"}],
        ),
    )
    post(
        "201 designations",
        setter(
            "data",
            "property",
            "planning",
            "designations",
            value=[{"value": "flood", "intersects": False}] * 201,
        ),
    )
    post("designations null", setter("data", "property", "planning", "designations", value=None))
    post(
        "boundary self-intersecting",
        setter(
            "data",
            "boundary",
            "site",
            value={
                "type": "Polygon",
                "coordinates": [
                    [[-0.08, 51.45], [-0.07, 51.46], [-0.07, 51.45], [-0.08, 51.46], [-0.08, 51.45]]
                ],
            },
        ),
    )
    post(
        "boundary in France",
        setter(
            "data",
            "boundary",
            "site",
            value={
                "type": "Polygon",
                "coordinates": [[[2.35, 48.85], [2.36, 48.85], [2.36, 48.86], [2.35, 48.85]]],
            },
        ),
    )
    post(
        "boundary a Point",
        setter("data", "boundary", "site", value={"type": "Point", "coordinates": [0, 0]}),
    )
    post(
        "boundary empty",
        setter(
            "data",
            "boundary",
            "site",
            value={"type": "MultiPolygon", "coordinates": []},
        ),
    )
    for key in ["data", "metadata"]:
        post(f"{key} missing", deleter(key))
        post(f"{key} null", setter(key, value=None))
        post(f"{key} a list", setter(key, value=[]))
    post("data.proposal missing", deleter("data", "proposal"))
    post("data.property.address missing", deleter("data", "property", "address"))
    post("application type missing", setter("data", "application", value={}))
    post("applicationType a NUL", setter("applicationType", value="pp\x00"))
    post("applicationType empty", setter("applicationType", value=""))
    post("units.total -1", setter("data", "proposal", "units", value={"total": -1}))
    post("units.total 10**30", setter("data", "proposal", "units", value={"total": 10**30}))
    post(
        "units.residential a string",
        setter("data", "proposal", "units", value={"residential": "many"}),
        expect=None,
    )
    post(
        "newDwellings.newBuild.count a string",
        setter("data", "proposal", "newDwellings", value={"newBuild": {"count": "ten"}}),
        expect=None,
    )
    post(
        "extend.area.squareMetres 1e308",
        setter("data", "proposal", "extend", value={"area": {"squareMetres": 1e308}}),
    )
    post(
        "advertisementDetails of strings",
        setter("data", "proposal", "advertisementDetails", value={"a": "b"}),
    )
    post("projectType of numbers", setter("data", "proposal", "projectType", value=[1, 2]))
    post("projectType 51 entries", setter("data", "proposal", "projectType", value=["alter"] * 51))
    post(
        "an ignored key nested 31 deep",
        setter("responses", value=json.loads(deep(31))),
        expect=None,
    )
    post("an ignored key nested 40 deep", setter("responses", value=json.loads(deep(40))))
    post("an ignored key holding a NUL", setter("files", value=[{"name": "\x00"}]))
    post(
        "an ignored key holding a lone surrogate",
        setter("files", value=[{"name": "\ud800"}]),
        expect=None,
    )
    post(
        "an ignored key of 5 MB",
        setter("responses", value=["x" * 5_000_000]),
        expect=None,
        heavy=True,
    )
    for name, example in ctx.odp_examples:
        payload = copy.deepcopy(example)
        payload["metadata"]["id"] = f"PROBE-{ctx.run}-{name}"[:100]
        cases.append(
            Case("odp", f"example {name}", "POST", url, encode(payload), json_headers(), "2xx")
        )
    return cases


def update_cases(ctx: Context) -> list[Case]:
    url = f"{API}/applications/{ctx.app}/"
    cases: list[Case] = []

    def patch(name: str, payload, *, expect="4xx", **headers: str) -> None:
        body = payload if isinstance(payload, bytes) else encode(payload)
        cases.append(Case("update", name, "PATCH", url, body, json_headers(**headers), expect))

    for name in [
        "valid_date",
        "extension_of_time_until",
        "performance_agreement",
        "withdrawn",
        "decision",
        "decision_date",
        "decision_level",
    ]:
        patch(f"{name}: null", {name: None})
    patch("nothing", {})
    patch("withdrawn false", {"withdrawn": False})
    patch("withdrawn 'true'", {"withdrawn": "true"})
    patch("an unknown field", {"status": "decided"})
    patch("a read-only field", {"reference": "OTHER"})
    for date in [
        "0000-01-01",
        "0001-01-01",
        "9999-12-31",
        "2026-02-30",
        "2026-13-01",
        "2026-01-05T23:00:00-05:00",
        "\x00",
        "\ud800",
        "x" * 5_000,
    ]:
        patch(f"valid_date {date[:30]!r}", {"valid_date": date})
        patch(f"extension_of_time_until {date[:30]!r}", {"extension_of_time_until": date})
    patch("valid_date before the received date", {"valid_date": "1949-01-01"})
    patch("valid_date tomorrow", {"valid_date": _days_from_today(1)})
    patch("an extension without a valid date", {"extension_of_time_until": "2030-01-01"})
    patch("performance_agreement alone", {"performance_agreement": True})
    patch("decision without a date", {"decision": "granted"})
    patch("decision 'approved'", {"decision": "approved", "decision_date": "2026-01-05"})
    patch(
        "decision_level 'cabinet'",
        {"decision": "granted", "decision_date": "2026-01-05", "decision_level": "cabinet"},
    )
    patch("decision_date 9999-12-31", {"decision": "granted", "decision_date": "9999-12-31"})
    patch("a list", [])
    patch("not JSON", b"{valid_date:")
    patch("a duplicate key", b'{"valid_date": "2026-01-05", "valid_date": "2026-01-06"}')
    patch("nested 500 deep", deep(500).encode())
    patch(
        "nested 500 deep with an Idempotency-Key",
        deep(500).encode(),
        **{"Idempotency-Key": f"probe-{ctx.run}-patch-deep"},
    )
    cases.append(
        Case(
            "update",
            "as form data",
            "PATCH",
            url,
            b"valid_date=2026-01-05",
            {"Content-Type": "application/x-www-form-urlencoded"},
        )
    )
    cases.append(
        Case("update", "as multipart", "PATCH", url, *_swap(upload_body(b"2026-01-05", b"a.txt")))
    )
    return cases


def _swap(pair: tuple[bytes, str]) -> tuple[bytes, dict[str, str | bytes]]:
    body, content_type = pair
    return body, {"Content-Type": content_type}


def upload_cases(ctx: Context) -> list[Case]:
    url = f"{API}/applications/{ctx.app}/documents/"
    cases: list[Case] = []

    def send(name: str, body_and_type: tuple[bytes, str], *, expect="4xx", heavy=False, **headers):
        body, content_type = body_and_type
        cases.append(
            Case(
                "upload",
                name,
                "POST",
                url,
                body,
                {"Content-Type": content_type, **headers},
                expect,
                heavy=heavy,
            )
        )

    tag = ctx.run
    files: list[tuple[str, bytes, bytes, str | int | None]] = [
        ("empty file", b"", b"plan.pdf", "4xx"),
        ("one byte", b"%", b"plan.pdf", "4xx"),
        ("truncated PDF", pdf(3, marker=tag)[:300], b"plan.pdf", "4xx"),
        ("PDF header then garbage", b"%PDF-1.7\n" + b"\x00garbage" * 64, b"plan.pdf", "4xx"),
        (
            "PDF with no pages",
            _pdf_file(
                [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>"]
            ),
            b"plan.pdf",
            "4xx",
        ),
        (
            "PDF whose page count lies",
            _pdf_file(
                [
                    b"<< /Type /Catalog /Pages 2 0 R >>",
                    b"<< /Type /Pages /Kids [3 0 R] /Count 1000000 >>",
                    b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
                ],
                marker=tag + "count",
            ),
            b"plan.pdf",
            None,
        ),
        (
            "PDF with a page tree loop",
            _pdf_file(
                [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [2 0 R] /Count 1 >>"]
            ),
            b"plan.pdf",
            "4xx",
        ),
        (
            "PDF with a MediaBox of strings",
            _pdf_file(
                [
                    b"<< /Type /Catalog /Pages 2 0 R >>",
                    b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                    b"<< /Type /Page /Parent 2 0 R /MediaBox [(a) (b) (c) (d)] >>",
                ],
                marker=tag + "box",
            ),
            b"plan.pdf",
            None,
        ),
        ("encrypted PDF", encrypted_pdf(), b"plan.pdf", "4xx"),
        ("PDF of 501 pages", pdf(501, marker=tag), b"plan.pdf", "4xx"),
        ("PDF of 500 blank A0 pages", pdf(500, 2384, 3370, marker=tag), b"plan.pdf", None),
        ("PDF page of 5 m by 5 m", pdf(1, 14400, 14400, marker=tag), b"plan.pdf", "4xx"),
        ("PDF page of 10**30 points", pdf(1, 10**30, 10**30, marker=tag), b"plan.pdf", "4xx"),
        ("PDF page of negative size", pdf(1, -14400, 14400, marker=tag), b"plan.pdf", "4xx"),
        ("PNG named .pdf", png(), b"plan.pdf", "4xx"),
        ("PDF named .png", pdf(1, marker=tag), b"photo.png", "4xx"),
        ("PDF named .txt", pdf(1, marker=tag), b"notes.txt", "4xx"),
        ("HTML named .txt", b"<html><script>alert(1)</script></html>\x00", b"notes.txt", "4xx"),
        (
            "SVG with script",
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>\x00',
            b"plan.svg",
            "4xx",
        ),
        ("Windows executable", b"MZ\x90\x00\x03" + b"\x00" * 200, b"plan.pdf", "4xx"),
        ("executable without a name", b"MZ\x90\x00\x03" + b"\x00" * 200, b"", "4xx"),
        ("ZIP named .pdf", b"PK\x03\x04" + b"\x00" * 100, b"plan.pdf", "4xx"),
        ("gzip", zlib.compress(b"x" * 10_000), b"plan", "4xx"),
        ("PDF behind a ZIP header", b"PK\x03\x04" + pdf(1, marker=tag), b"plan.pdf", "4xx"),
        ("Latin-1 text named .md", "caf\xe9".encode("latin-1"), b"notes.md", "4xx"),
        (
            "PNG claiming 100,000 by 100,000 pixels",
            png(100_000, 100_000, rows=zlib.compress(b"\x00" * 1000)),
            b"scan.png",
            "4xx",
        ),
        (
            "PNG claiming 10,000 by 10,000 pixels",
            png(10_000, 10_000, rows=zlib.compress(b"\x00" * 1000)),
            b"scan.png",
            "4xx",
        ),
        ("PNG with its data cut", png()[:60], b"scan.png", None),
        ("PNG of 0 by 0 pixels", png(0, 0, rows=b""), b"scan.png", "4xx"),
        ("JPEG start marker only", b"\xff\xd8\xff\xe0" + b"\x00" * 50, b"scan.jpg", "4xx"),
        ("TIFF header only", b"II*\x00\x08\x00\x00\x00", b"scan.tif", "4xx"),
        ("text with a NUL named .txt", b"text\x00with a NUL" * 10, b"notes.txt", "4xx"),
        ("text of lone surrogates (CESU)", b"\xed\xa0\x80" * 10, b"notes.txt", "4xx"),
    ]
    for name, content, filename, expect in files:
        send(
            f"file: {name}",
            upload_body(content, filename),
            expect=expect,
            heavy=len(content) > 200_000,
        )

    text = f"Planning statement {tag}".encode()
    for label, filename in [
        ("a path", b"..\\..\\..\\etc\\passwd.txt"),
        ("a Unix path", b"../../../../etc/passwd.txt"),
        ("a NUL", b"notes\x00.pdf.txt"),
        ("control characters", b"notes\x01\x1b[31m.txt"),
        ("invalid UTF-8", b"notes\xff\xfe.txt"),
        ("an encoded lone surrogate", b"notes\xed\xa0\x80.txt"),
        ("5,000 characters", b"n" * 5_000 + b".txt"),
        ("only dots", b"..."),
        ("a quote", b'no"tes.txt'),
    ]:
        content = text + b" " + hashlib.sha256(filename).hexdigest().encode()
        send(f"filename: {label}", upload_body(content, filename), expect=None)
    for label, value in HOSTILE_TEXT.items():
        send(f"document_type: {label}", upload_body(text + label.encode(), b"notes.txt", value))
    send("document_type: made up", upload_body(text, b"notes.txt", "madeUpType"))
    send(
        "document_type: 1,000,000 characters",
        upload_body(text, b"notes.txt", "x" * 1_000_000),
        heavy=True,
    )
    send("no file field", multipart([("document_type", None, b"locationPlan", "")]))
    send("file as a plain field", multipart([("file", None, b"%PDF-1.7", "")]))
    send(
        "two files",
        multipart(
            [
                ("file", b"a.txt", b"a " + tag.encode(), ""),
                ("file", b"b.txt", b"b " + tag.encode(), ""),
            ]
        ),
    )
    send(
        "an extra field",
        multipart([("file", b"a.txt", b"c " + tag.encode(), ""), ("author", None, b"x", "")]),
    )
    send("1,001 fields", multipart([("f", None, b"x", "")] * 1_001))
    send("a field name with a NUL", multipart([("file\x00", b"a.txt", b"d " + tag.encode(), "")]))
    send("a broken body", (b"--zzz\r\nbroken", "multipart/form-data; boundary=zzz"))
    send("no boundary", (b"--zzz\r\n\r\n--zzz--", "multipart/form-data"))
    send(
        "a boundary of 1,000 characters",
        (b"--" + b"z" * 1000 + b"--\r\n", "multipart/form-data; boundary=" + "z" * 1000),
    )
    send("JSON", (b'{"file": "JVBERi0xLjQ="}', "application/json"))
    send("no content type", (b"%PDF-1.7", ""))
    send("a raw PDF", (pdf(1, marker=tag + "raw"), "application/pdf"))
    send(
        "a declared size over the limit",
        (b"--zzz--\r\n", "multipart/form-data; boundary=zzz"),
        **{"Content-Length": str(10**12)},
    )
    return cases


def query_cases(ctx: Context) -> list[Case]:
    url = f"{API}/applications/"
    cases: list[Case] = []

    def get(name: str, query: str, *, expect="4xx", path: str = url, family="list filters") -> None:
        cases.append(Case(family, name, "GET", f"{path}?{query}", expect=expect))

    params = [
        "reference",
        "status",
        "type",
        "received_from",
        "received_to",
        "page",
        "page_size",
        "lane",
    ]
    for name in params:
        for label, value in [
            ("a NUL", "%00"),
            ("control characters", "%01%1B%7F"),
            ("a lone surrogate", "%ED%A0%80"),
            ("invalid UTF-8", "%FF%FE"),
            ("3,000 characters", "x" * 3_000),
            ("empty", ""),
        ]:
            fine = name in ("reference", "type") and label in (
                "control characters",
                "3,000 characters",
                "empty",
                "invalid UTF-8",
                "a lone surrogate",
            )
            get(f"{name}: {label}", f"{name}={value}", expect=None if fine else "4xx")
        get(f"{name} repeated", f"{name}=a&{name}=b")
    get("reference with a quote", "reference=%27%20OR%201%3D1--", expect=None)
    get("status unknown", "status=approved")
    get("page 0", "page=0")
    get("page -1", "page=-1")
    get("page 99999999999999999999", "page=99999999999999999999")
    get("page 1.5", "page=1.5")
    get("page in Arabic-Indic digits", "page=%D9%A1")
    get("page of a superscript two", "page=%C2%B2")
    get("page_size 201", "page_size=201")
    get("page_size 0", "page_size=0")
    get("page beyond the end", "page=100000")
    for date in [
        "0000-01-01",
        "0001-01-01",
        "9999-12-31",
        "2026-02-30",
        "2026-1-5",
        "20260105",
        "2026-01-05T00:00:00",
    ]:
        get(
            f"received_from {date}",
            f"received_from={date}",
            expect=None if date in ("0001-01-01", "9999-12-31", "20260105") else "4xx",
        )
    get("received_from after received_to", "received_from=2026-02-01&received_to=2026-01-01")
    get("an unknown parameter", "colour=red")
    get("an unknown parameter with a NUL name", "col%00our=red")
    get("a parameter with no value", "reference", expect=None)
    get("200 unknown parameters", "&".join(f"p{n}=1" for n in range(200)))
    get("a format parameter", "format=api")
    get("a query string of 20,000 characters", "reference=" + "x" * 20_000, expect=None)
    for stats in ["ps1", "ps2", "speed"]:
        path = f"{API}/statistics/{stats}.csv"
        for label, value in [
            ("9999-q4", "9999-q4"),
            ("0000-q1", "0000-q1"),
            ("2026-q5", "2026-q5"),
            ("a NUL", "2026-q1%00"),
            ("a lone surrogate", "%ED%A0%80"),
            ("5,000 characters", "x" * 5_000),
            ("empty", ""),
        ]:
            get(f"{stats} quarter {label}", f"quarter={value}", path=path, family="statistics")
        get(
            f"{stats} quarter repeated",
            "quarter=2026-q1&quarter=2026-q2",
            path=path,
            family="statistics",
        )
    for stats in ["backlog", "reviews", "findings"]:
        path = f"{API}/statistics/{stats}.csv"
        get(f"{stats} unknown parameter", "quarter=2026-q1&x=%00", path=path, family="statistics")
        for label, value in [
            ("9999-99", "9999-99"),
            ("a NUL", "%00"),
            ("a lone surrogate", "%ED%A0%80"),
        ]:
            get(f"{stats} period {label}", f"period={value}", path=path, family="statistics")
    return cases


def method_and_path_cases(ctx: Context) -> list[Case]:
    cases: list[Case] = []
    app = f"{API}/applications/{ctx.app}/"
    endpoints = {
        f"{API}/applications/": {"GET", "POST"},
        f"{API}/applications/odp/": {"POST"},
        app: {"GET", "PATCH"},
        f"{app}documents/": {"GET", "POST"},
        f"{API}/statistics/backlog.csv": {"GET"},
        f"{API}/statistics/ps1.csv": {"GET"},
        f"{API}/statistics/ps2.csv": {"GET"},
        f"{API}/statistics/speed.csv": {"GET"},
        f"{API}/statistics/reviews.csv": {"GET"},
        f"{API}/statistics/findings.csv": {"GET"},
    }
    for path, allowed in endpoints.items():
        refused = sorted({"GET", "POST", "PUT", "PATCH", "DELETE"} - allowed)
        for method in [*refused, "TRACE", "PROPFIND"]:
            cases.append(
                Case("methods", f"{method} {path}", method, path, b"{}", json_headers(), "4xx")
            )
        cases.append(Case("methods", f"OPTIONS {path}", "OPTIONS", path, expect=None))
        cases.append(Case("methods", f"HEAD {path}", "HEAD", path, expect=None))
        # Authentication: none, nonsense, another scheme, an overlong key.
        for label, header in [
            ("no key", None),
            ("an unknown key", "Bearer pt_nothing_nothing"),
            ("an empty key", "Bearer "),
            ("the word Bearer", "Bearer"),
            ("Basic credentials", "Basic dXNlcjpwYXNz"),
            ("a key of 10,000 characters", "Bearer pt_" + "a" * 10_000),
            ("a key of Latin-1 bytes", b"Bearer pt_\xe9\xff"),
        ]:
            headers: dict[str, str | bytes] = {} if header is None else {"Authorization": header}
            for method in sorted(allowed):
                cases.append(
                    Case(
                        "authentication",
                        f"{method} {path} with {label}",
                        method,
                        path,
                        b"{}" if method != "GET" else None,
                        {**headers, **(json_headers() if method != "GET" else {})},
                        frozenset({401, 403}),
                        auth="none" if header is None else "own",
                    )
                )
    for label, path in [
        ("an unknown path", f"{API}/nowhere"),
        ("another version", "/api/v2/applications/"),
        ("id 0", f"{API}/applications/0/"),
        ("a negative id", f"{API}/applications/-1/"),
        ("a 30-digit id", f"{API}/applications/{10**30}/"),
        ("id 2**63", f"{API}/applications/{2**63}/"),
        ("id 2**31", f"{API}/applications/{2**31}/documents/"),
        ("a decimal id", f"{API}/applications/1.5/"),
        ("an id with a NUL", f"{API}/applications/1%00/"),
        ("an id in Arabic-Indic digits", f"{API}/applications/%D9%A1/"),
        ("dot segments", f"{API}/applications/../../../etc/passwd"),
        ("an encoded slash", f"{API}/applications/odp%2F..%2F/"),
        ("a path of 3,000 characters", f"{API}/" + "a" * 3_000),
        ("an unknown problem type", f"{API}/problems/nothing"),
        ("a problem type with a NUL", f"{API}/problems/a%00b"),
    ]:
        for method in ("GET", "POST", "DELETE"):
            cases.append(
                Case("paths", f"{method} {label}", method, path, b"{}", json_headers(), "4xx")
            )
    cases.append(Case("paths", "the schema", "GET", f"{API}/schema/", expect="2xx", auth="none"))
    cases.append(
        Case(
            "paths",
            "the schema with ?format=nonsense",
            "GET",
            f"{API}/schema/?format=nonsense",
            expect=None,
            auth="none",
        )
    )
    cases.append(
        Case(
            "paths",
            "the schema with ?lang=%00",
            "GET",
            f"{API}/schema/?lang=%00",
            expect=None,
            auth="none",
        )
    )
    cases.append(Case("paths", "the docs page", "GET", f"{API}/docs/", expect="2xx", auth="none"))
    cases.append(
        Case(
            "paths",
            "a problem type",
            "GET",
            f"{API}/problems/invalid-request",
            expect="2xx",
            auth="none",
        )
    )
    for label, headers in [
        ("Accept: application/xml", {"Accept": "application/xml"}),
        ("Accept: text/html", {"Accept": "text/html"}),
        ("Accept: a NUL", {"Accept": "application/json\x00"}),
        ("a hostile Host", {"Host": "evil.example"}),
        ("a Host with a NUL", {"Host": "local\x00host"}),
        ("X-Forwarded-Host", {"X-Forwarded-Host": "evil.example"}),
        ("a header of 7,000 characters", {"X-Padding": "x" * 7_000}),
    ]:
        cases.append(
            Case(
                "headers",
                f"list with {label}",
                "GET",
                f"{API}/applications/?status=nonsense",
                headers=headers,
                expect="4xx",
            )
        )
    return cases


def idempotency_cases(ctx: Context) -> list[Case]:
    url = f"{API}/applications/"
    key = f"probe-{ctx.run}-idem"
    first = dict(ctx.native, reference=f"PROBE-{ctx.run}-idem")
    second = dict(first, description="A different description.")
    cases = [
        Case(
            "idempotency",
            "first use of a key",
            "POST",
            url,
            encode(first),
            json_headers(**{"Idempotency-Key": key}),
            "2xx",
        ),
        Case(
            "idempotency",
            "the same key and body again",
            "POST",
            url,
            encode(first),
            json_headers(**{"Idempotency-Key": key}),
            "2xx",
        ),
        Case(
            "idempotency",
            "the same key with another body",
            "POST",
            url,
            encode(second),
            json_headers(**{"Idempotency-Key": key}),
            frozenset({422}),
        ),
        Case(
            "idempotency",
            "the same key on another endpoint",
            "PATCH",
            f"{API}/applications/{ctx.app}/",
            encode({"valid_date": "2026-01-05"}),
            json_headers(**{"Idempotency-Key": key}),
            None,
        ),
        Case(
            "idempotency",
            "the same key on the ODP endpoint",
            "POST",
            f"{API}/applications/odp/",
            encode(first),
            json_headers(**{"Idempotency-Key": key}),
            "4xx",
        ),
    ]
    for label, value in [
        ("empty", ""),
        ("256 characters", "k" * 256),
        ("10,000 characters", "k" * 10_000),
        ("a space", "a key"),
        ("Latin-1 bytes", b"k\xe9y"),
        ("a NUL", "k\x00y"),
        ("a tab", "k\ty"),
    ]:
        cases.append(
            Case(
                "idempotency",
                f"a key with {label}",
                "POST",
                url,
                encode(dict(first, reference=f"PROBE-{ctx.run}-idem-{label[:4]}")),
                json_headers(**{"Idempotency-Key": value}),
                "4xx",
            )  # type: ignore[arg-type]
        )
    boundary = "probe" + uuid.uuid4().hex
    body, content_type = upload_body(
        f"idempotent upload {ctx.run}".encode(), b"a.txt", None, boundary
    )
    other, _ = upload_body(f"another upload {ctx.run}".encode(), b"a.txt", None, boundary)
    docs = f"{API}/applications/{ctx.app}/documents/"
    upload_key = f"probe-{ctx.run}-upload"
    cases += [
        Case(
            "idempotency",
            "an upload under a key",
            "POST",
            docs,
            body,
            {"Content-Type": content_type, "Idempotency-Key": upload_key},
            "2xx",
        ),
        Case(
            "idempotency",
            "another file under the same key",
            "POST",
            docs,
            other,
            {"Content-Type": content_type, "Idempotency-Key": upload_key},
            frozenset({422}),
        ),
    ]
    return cases


def all_cases(ctx: Context) -> list[Case]:
    return [
        *method_and_path_cases(ctx),
        *native_cases(ctx),
        *odp_cases(ctx),
        *update_cases(ctx),
        *upload_cases(ctx),
        *query_cases(ctx),
        *idempotency_cases(ctx),
    ]


def _days_from_today(days: int) -> str:
    return (datetime.date.today() + datetime.timedelta(days=days)).isoformat()


# --- the run ------------------------------------------------------------------------------------


class Probe:
    def __init__(self, options: argparse.Namespace):
        self.options = options
        self.client = Client(options.base_url, options.timeout)
        self.results: list[Result] = []
        self.notes: list[str] = []
        self.front_server: list[str] = []
        self.waited = 0  # requests sent again after a 429
        self.forbidden = [text.encode() for text in options.forbid if text]
        self.run_id = time.strftime("%Y%m%d%H%M%S") + uuid.uuid4().hex[:4]

    # Sending and judging.

    def auth_headers(self, auth: str) -> dict[str, str | bytes]:
        key = {"own": self.options.key, "other": self.options.other_key}.get(auth)
        return {"Authorization": f"Bearer {key}"} if key else {}

    def send(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers=None,
        auth="own",
        *,
        patient: bool = True,
    ) -> Answer:
        """Send one request. A patient send, told to slow down (429), waits as long as the
        answer says and sends again (three times at most), as a council's system would: the
        rate limit is not what the probe is testing."""
        merged = {**self.auth_headers(auth), **(headers or {})}
        answer = self.client.send(method, path, body, merged)
        for _ in range(3 if patient else 0):
            if answer.status != 429:
                break
            self.waited += 1
            time.sleep(min(_retry_after(answer), 130))
            answer = self.client.send(method, path, body, merged)
        return answer

    def run_case(self, case: Case) -> Result:
        answer = self.send(case.method, case.path, case.body, case.headers, case.auth)
        result = Result(case, answer, self.judge(case, answer))
        self.results.append(result)
        return result

    def judge(self, case: Case, answer: Answer) -> list[str]:
        if answer.status == 0:
            return [f"no answer ({answer.error})"]
        if from_front_server(answer):
            # Refused by the HTTP server in front (a line or header over its limits) before
            # the application saw it: counted and listed, not flagged.
            self.front_server.append(f"{case.family}: {case.name} -> {answer.status}")
            return []
        flags = []
        if answer.status >= 500:
            flags.append(f"{answer.status} server error")
        if (
            answer.status >= 400
            and case.method != "HEAD"
            and not answer.content_type.startswith(PROBLEM)
        ):
            flags.append(f"{answer.status} error as {answer.content_type or 'no content type'}")
        if answer.status != 429:  # throttled: what the case expects cannot be judged
            flags += unexpected(case.expect, answer.status)
        # Links in an answer (the next page) name the host the probe called: not a leak.
        body = answer.body.replace(self.client.host.encode(), b"<host>")
        flags += [f"body shows a {name}" for name, pattern in LEAKS.items() if pattern.search(body)]
        flags += ["body shows a forbidden value" for text in self.forbidden if text in body]
        if answer.seconds > self.options.slow_seconds:
            flags.append(f"slow: {answer.seconds:.1f} s")
        return flags

    # Set-up: an application and a document of the probe's own.

    def native_payload(self, reference: str) -> dict:
        return {
            "reference": reference,
            "application_type": "pp.full.householder",
            "description": "Single storey rear extension (probe).",
            "address": "140, Woodwarde Road, London, SE22 8UR",
            "uprn": "200003442431",
            "site": {"type": "MultiPolygon", "coordinates": [[WOODWARDE_ROAD]]},
            "received_date": _days_from_today(-1),
        }

    def submit(self, auth: str, reference: str) -> int:
        answer = self.send(
            "POST",
            f"{API}/applications/",
            encode(self.native_payload(reference)),
            json_headers(),
            auth,
        )
        if answer.status not in (200, 201):
            raise SystemExit(
                f"Could not submit an application with the {auth} key: {answer.status} "
                f"{answer.body[:300]!r}"
            )
        return answer.json()["id"]

    def attach(
        self, auth: str, application: int, content: bytes, name: bytes = b"plan.pdf"
    ) -> dict:
        body, content_type = upload_body(content, name)
        answer = self.send(
            "POST",
            f"{API}/applications/{application}/documents/",
            body,
            {"Content-Type": content_type},
            auth,
        )
        if answer.status not in (200, 201):
            raise SystemExit(f"Could not upload a document: {answer.status} {answer.body[:300]!r}")
        return answer.json()

    def context(self) -> Context:
        reference = f"PROBE-{self.run_id}"
        app = self.submit("own", reference)
        document = self.attach("own", app, pdf(2, marker=self.run_id))["id"]
        examples = load_odp_examples(Path(self.options.odp_examples))
        base = next(
            (example for name, example in examples if "HouseholderInConservation" in name), None
        )
        if base is None and examples:
            base = examples[0][1]
        return Context(
            run=self.run_id,
            app=app,
            document=document,
            reference=reference,
            missing=2**31 - 17,
            native=self.native_payload(reference),
            odp=base,
            odp_examples=examples if not self.options.quick else examples[:3],
        )

    # Tenancy: another council's ids answer exactly as ids that do not exist.

    def tenancy(self, ctx: Context) -> None:
        if not self.options.other_key:
            self.notes.append("tenancy: not checked (no --other-key)")
            return
        theirs = self.submit("other", f"PROBE-{self.run_id}-other")
        their_document = self.attach("other", theirs, pdf(1, marker=self.run_id + "other"))["id"]
        upload, upload_type = upload_body(f"tenancy {self.run_id}".encode(), b"a.txt")
        requests = [
            ("GET", "{id}/", None, {}),
            ("PATCH", "{id}/", encode({"withdrawn": True}), json_headers()),
            ("PATCH", "{id}/", encode({"valid_date": None}), json_headers()),
            ("GET", "{id}/documents/", None, {}),
            ("POST", "{id}/documents/", upload, {"Content-Type": upload_type}),
            (
                "POST",
                "{id}/documents/",
                b"broken",
                {"Content-Type": "multipart/form-data; boundary=z"},
            ),
            ("PUT", "{id}/", b"{}", json_headers()),
            ("DELETE", "{id}/", None, {}),
        ]
        for method, template, body, headers in requests:
            for who, target, owner in (
                ("own", theirs, "the other council"),
                ("other", ctx.app, "the probe's council"),
            ):
                missing = self.run_case(
                    Case(
                        "tenancy",
                        f"{method} {template} of a missing id",
                        method,
                        f"{API}/applications/{template.format(id=ctx.missing)}",
                        body,
                        headers,
                        None,
                        auth=who,
                    )
                )
                case = Case(
                    "tenancy",
                    f"{method} {template} of {owner}'s application with the {who} key",
                    method,
                    f"{API}/applications/{template.format(id=target)}",
                    body,
                    headers,
                    None,
                    auth=who,
                )
                result = self.run_case(case)
                if (result.answer.status, _without_ids(result.answer.body, target)) != (
                    missing.answer.status,
                    _without_ids(missing.answer.body, ctx.missing),
                ):
                    result.flags.append(
                        f"answered {result.answer.status} {result.answer.body[:80]!r}, "
                        f"a missing id {missing.answer.status} {missing.answer.body[:80]!r}"
                    )
        for who, reference, owner in (
            ("own", f"PROBE-{self.run_id}-other", "other"),
            ("other", ctx.reference, "own"),
        ):
            result = self.run_case(
                Case(
                    "tenancy",
                    f"list filtered by the {owner} council's reference",
                    "GET",
                    f"{API}/applications/?reference={urllib.parse.quote(reference)}",
                    expect="2xx",
                    auth=who,
                )
            )
            if (result.answer.json() or {}).get("count") != 0:
                result.flags.append("another council's application is listed")
        # The other council's document is still there, untouched by the attempts above.
        answer = self.send("GET", f"{API}/applications/{theirs}/", auth="other")
        held = answer.json() or {}
        if [document["id"] for document in held.get("documents", [])] != [
            their_document
        ] or held.get("withdrawn_date"):
            self.results[-1].flags.append("the other council's application was changed")

    # Concurrent uploads of one file.

    def concurrent_uploads(self) -> tuple[int, int]:
        trials, at_once = self.options.trials, self.options.concurrent
        if trials <= 0:
            return 0, 0
        application = self.submit("own", f"PROBE-{self.run_id}-race")
        session = self.officer_session()
        intact = 0
        for trial in range(trials):
            content = pdf(3, marker=f"{self.run_id} race {trial} {uuid.uuid4().hex}")
            sha256 = hashlib.sha256(content).hexdigest()
            body, content_type = upload_body(content, b"race.pdf")
            answers = self.race(application, body, content_type, at_once)
            for _ in range(3):
                # The rate limit refused the whole trial: a client waits as it is told, then
                # races again (nothing was stored, so the trial is still a fair one).
                if not answers or any(answer.status != 429 for answer in answers):
                    break
                time.sleep(min(max(_retry_after(answer) for answer in answers), 130))
                answers = self.race(application, body, content_type, at_once)
            problems = self.check_race(application, content, sha256, answers, session)
            for answer in answers:
                self.results.append(
                    Result(
                        Case(
                            "concurrent uploads",
                            f"trial {trial + 1}",
                            "POST",
                            f"{API}/applications/{application}/documents/",
                            expect="2xx",
                        ),
                        answer,
                        [
                            flag
                            for flag in self.judge(
                                Case("concurrent uploads", "", "POST", "", expect="2xx"), answer
                            )
                        ],
                    )
                )
            if problems:
                self.results[-1].flags.extend(
                    f"trial {trial + 1}: {problem}" for problem in problems
                )
            else:
                intact += 1
        return intact, trials

    def race(self, application: int, body: bytes, content_type: str, at_once: int) -> list[Answer]:
        """Send the same upload `at_once` times, released together."""
        barrier = threading.Barrier(at_once)
        answers: list[Answer] = []
        lock = threading.Lock()

        def send() -> None:
            barrier.wait()
            answer = self.send(
                "POST",
                f"{API}/applications/{application}/documents/",
                body,
                {"Content-Type": content_type},
                patient=False,
            )
            with lock:
                answers.append(answer)

        threads = [threading.Thread(target=send) for _ in range(at_once)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return answers

    def check_race(
        self, application: int, content: bytes, sha256: str, answers: list[Answer], session
    ) -> list[str]:
        problems = []
        statuses = sorted(answer.status for answer in answers)
        if any(status == 429 for status in statuses):
            self.notes.append("concurrent uploads: throttled (429) in a trial")
        if statuses.count(201) != 1 or any(status not in (200, 201, 429) for status in statuses):
            problems.append(f"statuses {statuses}")
        ids = {(answer.json() or {}).get("id") for answer in answers if answer.status in (200, 201)}
        if len(ids) != 1:
            problems.append(f"answered with documents {sorted(map(str, ids))}")
        listed = self.send("GET", f"{API}/applications/{application}/documents/").json() or []
        rows = [row for row in listed if row.get("sha256") == sha256]
        if len(rows) != 1:
            problems.append(f"{len(rows)} rows hold the file")
        elif rows[0].get("size_bytes") != len(content):
            problems.append(f"size {rows[0].get('size_bytes')} not {len(content)}")
        if session is not None and len(rows) == 1:
            fetched = session(f"/applications/{application}/documents/{rows[0]['id']}/file")
            if fetched != content:
                problems.append(
                    "the stored file is missing"
                    if fetched is None
                    else f"the stored file differs ({len(fetched)} bytes)"
                )
        return problems

    def officer_session(self):
        """A function fetching a page path as the signed-in officer, or None without --officer."""
        if not self.options.officer:
            self.notes.append(
                "concurrent uploads: bytes checked by sha256 and size only (no --officer)"
            )
            return None
        username, _, password = self.options.officer.partition(":")
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        base = self.client.base_url
        page = opener.open(f"{base}/sign-in/", timeout=self.options.timeout).read().decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        form = urllib.parse.urlencode(
            {
                "username": username,
                "password": password,
                "csrfmiddlewaretoken": token.group(1) if token else "",
            }
        ).encode()
        request = urllib.request.Request(
            f"{base}/sign-in/", data=form, headers={"Referer": f"{base}/sign-in/"}
        )
        opener.open(request, timeout=self.options.timeout).read()
        if not any(cookie.name == "sessionid" for cookie in jar):
            raise SystemExit("--officer: could not sign in with those credentials")
        self.notes.append(
            "concurrent uploads: bytes fetched through the pages' access-checked download"
        )

        def fetch(path: str) -> bytes | None:
            try:
                return opener.open(f"{base}{path}", timeout=self.options.timeout).read()
            except urllib.error.HTTPError:
                return None

        return fetch

    # The whole run.

    def run(self) -> int:
        ctx = self.context()
        cases = all_cases(ctx)
        if self.options.quick:
            cases = [case for case in cases if not case.heavy]
        for case in cases:
            self.run_case(case)
            if self.options.pause:
                time.sleep(self.options.pause)
        self.tenancy(ctx)
        intact, trials = self.concurrent_uploads()
        return self.report(intact, trials)

    def report(self, intact: int, trials: int) -> int:
        out = self.options.out
        by_class = Counter(
            f"{result.answer.status // 100}xx" if result.answer.status else "no answer"
            for result in self.results
        )
        by_family = Counter(result.case.family for result in self.results)
        flagged = [result for result in self.results if result.flags]
        times = sorted(result.answer.seconds for result in self.results)
        print(f"API probe of {self.client.base_url} (run {self.run_id})", file=out)
        print(f"{'cases':<28}{len(self.results):>8}", file=out)
        for name in sorted(by_class):
            print(f"  {name:<26}{by_class[name]:>8}", file=out)
        print(f"{'flagged':<28}{len(flagged):>8}", file=out)
        print(f"{'throttled (429)':<28}{by_class_count(self.results, 429):>8}", file=out)
        print(f"{'sent again after a 429':<28}{self.waited:>8}", file=out)
        print(f"{'concurrent uploads intact':<28}{f'{intact}/{trials}':>8}", file=out)
        if times:
            print(
                f"{'response time':<28}median {times[len(times) // 2]:.3f} s, "
                f"95th {times[int(len(times) * 0.95)]:.3f} s, max {times[-1]:.3f} s",
                file=out,
            )
        print(
            "by family: "
            + ", ".join(f"{name} {count}" for name, count in sorted(by_family.items())),
            file=out,
        )
        print(f"{'refused by the front server':<28}{len(self.front_server):>8}", file=out)
        for note in self.notes:
            print(f"note: {note}", file=out)
        for refused in self.front_server:
            print(f"front server: {refused}", file=out)
        for result in flagged:
            case = result.case
            print(
                f"FLAG [{case.family}] {case.name}: {case.method} {case.path[:100]} -> "
                f"{result.answer.status} {result.answer.content_type}: {'; '.join(result.flags)}",
                file=out,
            )
        failed = bool(flagged) or intact != trials
        return 1 if failed else 0


def unexpected(expect: str | frozenset[int] | None, status: int) -> list[str]:
    if isinstance(expect, frozenset) and status not in expect:
        return [f"answered {status}, expected {sorted(expect)}"]
    if expect == "4xx" and not 400 <= status < 500:
        return [f"answered {status}, expected a 4xx"]
    if expect == "2xx" and not 200 <= status < 300:
        return [f"answered {status}, expected a 2xx"]
    return []


def from_front_server(answer: Answer) -> bool:
    """Whether a refusal came from the HTTP server in front (gunicorn, a proxy) rather than
    the application, whose every answer carries Django's security headers."""
    return (
        answer.status in (400, 413, 414, 431)
        and "x-content-type-options" not in answer.headers
        and "referrer-policy" not in answer.headers
    )


def by_class_count(results: list[Result], status: int) -> int:
    return sum(1 for result in results if result.answer.status == status)


def _without_ids(body: bytes, number: int) -> bytes:
    return body.replace(str(number).encode(), b"<id>")


def load_odp_examples(folder: Path) -> list[tuple[str, dict]]:
    if not folder.is_dir():
        return []
    examples = []
    for path in sorted(folder.rglob("*.json")):
        example = json.loads(path.read_text())
        if isinstance(example, dict) and isinstance(example.get("metadata"), dict):
            examples.append((str(path.relative_to(folder).with_suffix("")), example))
    return examples


def parse_arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base-url", required=True, help="e.g. http://127.0.0.1:8010")
    parser.add_argument("--key", required=True, help="a read-write API key of one council")
    parser.add_argument("--other-key", help="a key of another council, for the tenancy checks")
    parser.add_argument("--officer", help="USERNAME:PASSWORD of an officer of --key's council")
    parser.add_argument("--forbid", action="append", default=[], help="text no answer may hold")
    parser.add_argument("--trials", type=int, default=11, help="concurrent-upload trials")
    parser.add_argument("--concurrent", type=int, default=6, help="uploads at once in a trial")
    parser.add_argument("--quick", action="store_true", help="leave out the heavy cases")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds per request")
    parser.add_argument("--slow-seconds", type=float, default=20.0, help="flag answers slower")
    parser.add_argument("--pause", type=float, default=0.0, help="seconds between cases")
    parser.add_argument("--odp-examples", default=str(ODP_EXAMPLES), help="folder of ODP examples")
    options = parser.parse_args(argv)
    options.out = sys.stdout
    return options


def main(argv: list[str] | None = None, out=None) -> int:
    options = parse_arguments(argv)
    if out is not None:
        options.out = out
    return Probe(options).run()


if __name__ == "__main__":
    sys.exit(main())
