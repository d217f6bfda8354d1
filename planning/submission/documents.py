"""Accepting a document for an application: what files are read (their type told by their bytes,
never by the request), the limits on size and pages, and each reason for refusing one
(DocumentRejected). The same file sent again is the document already held."""

import codecs
import hashlib
import re
from dataclasses import dataclass
from pathlib import PurePosixPath, PureWindowsPath
from typing import Any

import filetype
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import connection, transaction
from PIL import Image
from pypdf import PdfReader

from planning.document_types import DOCUMENT_TYPES
from planning.errors import DomainError
from planning.models import Document, PlanningApplication, document_upload_to
from planning.services import SYSTEM, Actor, record_event
from planning.signals import announce_on_commit, document_added

# What text extraction can read: PDFs, scans as images (for OCR), plain text and Markdown.
ACCEPTED_DOCUMENT_TYPES = (
    "application/pdf",
    "image/png",
    "image/jpeg",
    "image/tiff",
    "text/plain",
    "text/markdown",
)
# What a file's name says it is. A known extension must agree with the bytes.
EXTENSION_TYPES = {
    ".pdf": "application/pdf",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".tif": "image/tiff",
    ".tiff": "image/tiff",
    ".txt": "text/plain",
    ".text": "text/plain",
    ".md": "text/markdown",
    ".markdown": "text/markdown",
}
TEXT_TYPES = ("text/plain", "text/markdown")


class DocumentRejected(DomainError):
    """An upload we will not keep: the message says why, `reason` is a code for programs,
    `field` the form field at fault and `status_code` the HTTP status that fits."""

    problem = "document-rejected"
    reason = "rejected"
    field = "file"
    status_code = 400

    def problem_extra(self) -> dict[str, Any]:
        return {"reason": self.reason}


class DocumentTypeNameInvalid(DocumentRejected):
    reason = "document_type_invalid"
    field = "document_type"


class DocumentTooLarge(DocumentRejected):
    reason = "too_large"
    status_code = 413


class DocumentTypeNotAccepted(DocumentRejected):
    reason = "type_not_accepted"
    status_code = 415


class DocumentExtensionMismatch(DocumentRejected):
    reason = "extension_mismatch"
    status_code = 415


class DocumentUnreadable(DocumentRejected):
    reason = "unreadable_pdf"
    status_code = 422


class DocumentUnreadableImage(DocumentRejected):
    reason = "unreadable_image"
    status_code = 422


class DocumentEmpty(DocumentRejected):
    reason = "empty"


class DocumentTooManyPages(DocumentRejected):
    reason = "too_many_pages"
    status_code = 422


class DocumentPageTooLarge(DocumentRejected):
    reason = "page_too_large"
    status_code = 422


@dataclass(frozen=True)
class Added:
    document: Document
    created: bool  # False: this file was already attached to the application


def add_document(
    application: PlanningApplication,
    upload: UploadedFile,
    *,
    document_type: str = "other",
    actor: Actor = SYSTEM,
) -> Added:
    """Attach an uploaded file to an application, stored once under its SHA-256.

    The content type is read from the file's first bytes, never taken from the request.
    The same file again returns the document already held and sends nothing.
    """
    if upload.size is None or upload.size == 0:
        raise DocumentEmpty("The file is empty.")
    if upload.size > settings.DOCUMENT_MAX_BYTES:
        raise DocumentTooLarge(
            f"The file is {upload.size} bytes; the largest accepted is "
            f"{settings.DOCUMENT_MAX_BYTES} bytes."
        )
    if document_type not in DOCUMENT_TYPES:
        raise DocumentTypeNameInvalid(
            "document_type must be an Open Digital Planning file type such as "
            "'locationPlan', 'sitePlan.proposed', 'heritageStatement' or 'other'."
        )
    content_type = _content_type(upload)
    if content_type == "application/pdf":
        page_count: int | None = _pdf_page_count(upload)
    elif content_type.startswith("image/"):
        page_count = _image_frame_count(upload)
    else:
        page_count = None
    sha256 = _sha256(upload)
    held = application.documents.filter(sha256=sha256).first()
    if held is not None:
        return Added(held, created=False)

    document = Document(
        application=application,
        original_filename=_plain_filename(upload.name),
        content_type=content_type,
        document_type=document_type,
        sha256=sha256,
        size_bytes=upload.size,
        page_count=page_count,
    )
    with transaction.atomic():
        # Everyone who writes, reuses or removes this content address holds this lock until
        # their row is committed, so a file is never removed while a row uses it.
        _lock_content_address(application.council.code, sha256)
        held = application.documents.filter(sha256=sha256).first()
        if held is not None:  # a concurrent upload of the same file landed first
            return Added(held, created=False)
        written = _store(document, upload)
        try:
            with transaction.atomic():
                document.save()
                record_event(
                    application,
                    "document_added",
                    f"Document added: {document.original_filename}",
                    actor=actor,
                    detail={"document": document.pk},
                )
        except BaseException:
            if written and not Document.objects.filter(file=document.file.name).exists():
                document.file.storage.delete(document.file.name)
            raise
        announce_on_commit(document_added, sender=Document, document=document)
    return Added(document, created=True)


def _lock_content_address(council_code: str, sha256: str) -> None:
    """A PostgreSQL advisory lock on one stored file, held until the transaction ends."""
    digest = hashlib.sha256(f"document:{council_code}:{sha256}".encode()).digest()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(%s)", [int.from_bytes(digest[:8], "big", signed=True)]
        )


def _content_type(upload: UploadedFile) -> str:
    """What the file is, from its bytes; its name, when it says, must agree."""
    upload.seek(0)
    kind = filetype.guess(upload.read(8192))
    suffix = PurePosixPath(_plain_filename(upload.name)).suffix.lower()
    named = EXTENSION_TYPES.get(suffix)
    if kind is not None:
        sniffed = kind.mime
    elif _is_text(upload):
        # Bytes alone cannot tell Markdown from plain text: the name decides between them.
        sniffed = named if named in TEXT_TYPES else "text/plain"
    else:
        sniffed = None
    if named is not None and sniffed != named:
        raise DocumentExtensionMismatch(
            f"The file is named {suffix} but its contents are "
            f"{sniffed or 'not ' + _type_words(named)}: send the file itself, or give it the "
            "right name."
        )
    if sniffed not in ACCEPTED_DOCUMENT_TYPES:
        raise DocumentTypeNotAccepted(
            f"The file is {sniffed or 'of an unknown type'}; accepted are "
            f"{', '.join(ACCEPTED_DOCUMENT_TYPES)}."
        )
    return sniffed


def _type_words(content_type: str) -> str:
    return "UTF-8 text" if content_type in TEXT_TYPES else content_type


def _is_text(upload: UploadedFile) -> bool:
    """UTF-8 throughout with no NUL byte: text, not binary calling itself text."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    upload.seek(0)
    try:
        for chunk in upload.chunks():
            if b"\x00" in chunk:
                return False
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _pdf_page_count(upload: UploadedFile) -> int:
    """Open the PDF as text extraction will, so a broken one is refused now, not later."""
    upload.seek(0)
    try:
        reader = PdfReader(upload)
        if reader.is_encrypted and not reader.decrypt(""):
            raise DocumentUnreadable("The PDF is protected by a password: send it without one.")
        pages = len(reader.pages)
    except DocumentUnreadable:
        raise
    except Exception as error:  # pypdf raises many kinds for a damaged file
        raise DocumentUnreadable(
            f"The PDF cannot be opened ({type(error).__name__}: {str(error)[:200]}); "
            "it may be damaged or cut short. Send the file again."
        ) from None
    if pages == 0:
        raise DocumentUnreadable("The PDF has no pages.")
    _check_page_count(pages)
    for number, page in enumerate(reader.pages, start=1):
        try:
            width, height = float(page.mediabox.width), float(page.mediabox.height)
        except Exception:  # a broken box: text extraction copes or reports it
            continue
        area_m2 = abs(width * height) * POINT_M**2
        if area_m2 > settings.DOCUMENT_MAX_PAGE_AREA_M2:
            raise DocumentPageTooLarge(
                f"Page {number} is {abs(width) * POINT_M:.2f} m by {abs(height) * POINT_M:.2f} m "
                f"({area_m2:.1f} m²); pages of at most {settings.DOCUMENT_MAX_PAGE_AREA_M2:g} m² "
                "are accepted (A0 is 1 m²)."
            )
    return pages


# A PDF point is 1/72 inch.
POINT_M = 0.0254 / 72


def _check_page_count(pages: int) -> None:
    if pages > settings.DOCUMENT_MAX_PAGES:
        raise DocumentTooManyPages(
            f"The document has {pages} pages; at most {settings.DOCUMENT_MAX_PAGES} are "
            "accepted. Send it in parts."
        )


def _image_frame_count(upload: UploadedFile) -> int:
    """A scan's pages (TIFFs hold several), each checked to be a size OCR can read in time."""
    upload.seek(0)
    try:
        with Image.open(upload) as image:
            frames = getattr(image, "n_frames", 1)
            _check_page_count(frames)
            for number in range(frames):
                image.seek(number)
                width, height = image.size
                if width * height > settings.DOCUMENT_MAX_IMAGE_PIXELS:
                    raise DocumentPageTooLarge(
                        f"Page {number + 1} of the image is {width} by {height} pixels; at most "
                        f"{settings.DOCUMENT_MAX_IMAGE_PIXELS:,} pixels a page are accepted. "
                        "Scan at 300 dpi or less."
                    )
    except DocumentRejected:
        raise
    except Image.DecompressionBombError:
        raise DocumentPageTooLarge(
            f"The image is larger than the {settings.DOCUMENT_MAX_IMAGE_PIXELS:,} pixels a page "
            "that are accepted. Scan at 300 dpi or less."
        ) from None
    except Exception:  # Pillow raises many kinds for a damaged file
        raise DocumentUnreadableImage(
            "The image cannot be opened; it may be damaged or cut short. Send the file again."
        ) from None
    return frames


def _sha256(upload: UploadedFile) -> str:
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    return digest.hexdigest()


def _plain_filename(name: str | None) -> str:
    # A browser or client may send a full path, with either separator; keep the last part.
    base = PureWindowsPath(name or "").name
    base = re.sub(r"[\x00-\x1f\x7f]", "", base).strip()
    return (base or "document")[:255]


def _store(document: Document, upload: UploadedFile) -> bool:
    """Write the file at its content address unless an intact copy is there already.

    Returns whether this call wrote a file (which it then owns, should the row not land).
    Call it holding `_lock_content_address`: the check and the write are not atomic.
    """
    storage = document.file.storage
    name = document_upload_to(document, upload.name or "")
    if storage.exists(name) and storage.size(name) == document.size_bytes:
        document.file.name = name
        return False
    upload.seek(0)
    # The storage picks another name if a broken copy (a write cut short) holds this one.
    document.file.name = storage.save(name, upload)
    return True
