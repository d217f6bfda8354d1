"""Reading a stored document back, from whichever storage holds it (config.document_storage).

A file that is not there and a storage that does not answer are different faults: the first
is lost data, the second passes. Callers are told which, so an API can answer 404 for one
and 503 with Retry-After for the other.
"""

import base64
import hashlib
from typing import IO

from botocore.exceptions import BotoCoreError, ClientError
from django.db.models.fields.files import FieldFile

from planning.models import Document

# How long a client should wait before retrying when the storage did not answer.
STORAGE_RETRY_AFTER_SECONDS = 5


class StoredFileMissing(Exception):
    """The document's row is there, its file is not."""


class StorageUnavailable(Exception):
    """The storage did not answer (a network fault, the object store restarting)."""


def open_stored(file: FieldFile, what: str) -> IO[bytes]:
    """A stored file's bytes, opened for reading (`what` names it in errors); the caller
    closes the handle."""
    if not file:
        raise StoredFileMissing(f"{what} has no stored file.")
    try:
        return file.open("rb")
    except FileNotFoundError:
        raise StoredFileMissing(f"The file of {what} is not in storage.") from None
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
            raise StoredFileMissing(f"The file of {what} is not in storage.") from None
        raise StorageUnavailable(str(error)) from error
    except (BotoCoreError, OSError) as error:
        raise StorageUnavailable(str(error)) from error


def open_document(document: Document) -> IO[bytes]:
    """The document's stored bytes, opened for reading; the caller closes the handle."""
    return open_stored(document.file, f"document {document.pk}")


def representation_digest(document: Document) -> str:
    """The `Repr-Digest` header (RFC 9530) for the document's bytes, from its SHA-256."""
    digest = base64.b64encode(bytes.fromhex(document.sha256)).decode()
    return f"sha-256=:{digest}:"


def matches_upload(document: Document, data: bytes) -> bool:
    """Whether `data` are the bytes that were uploaded (size and SHA-256 both agree)."""
    return len(data) == document.size_bytes and hashlib.sha256(data).hexdigest() == document.sha256
