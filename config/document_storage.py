"""Where stored documents and finished exports live: the `default` entry of STORAGES, read
from the environment (docs/decisions/0017).

`DOCUMENT_STORAGE=filesystem` (the default) keeps them under MEDIA_ROOT on this host: right
for one machine, or for several that mount one shared folder. `DOCUMENT_STORAGE=s3` keeps
them in an S3-compatible bucket that every web and worker host reaches (AWS S3, MinIO, Ceph,
a council's own object store), through django-storages.
"""

from typing import Any

from botocore.config import Config
from django.core.exceptions import ImproperlyConfigured

from config.env import env_choice, env_float, env_int, env_matching, env_str, env_url

FILESYSTEM = {"BACKEND": "django.core.files.storage.FileSystemStorage"}


def document_storage() -> dict[str, Any]:
    """The STORAGES["default"] entry the environment asks for."""
    kind = env_choice("DOCUMENT_STORAGE", "filesystem", choices=("filesystem", "s3"))
    if kind == "filesystem":
        return dict(FILESYSTEM)
    bucket = env_matching(
        "S3_BUCKET",
        "",
        # S3's own rule for bucket names: 3-63 lower-case letters, digits, dots and hyphens.
        pattern=r"([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])?",
        example="planning-documents",
    )
    if not bucket:
        raise ImproperlyConfigured(
            "DOCUMENT_STORAGE=s3 needs S3_BUCKET, the bucket's name (e.g. planning-documents)."
        )
    # Empty: AWS itself. A council's own store (MinIO, Ceph) is named by its URL.
    endpoint = env_url("S3_ENDPOINT_URL", "", schemes=("http", "https"))
    access_key = env_str("S3_ACCESS_KEY_ID", "", secret=True)
    secret_key = env_str("S3_SECRET_ACCESS_KEY", "", secret=True)
    if bool(access_key) != bool(secret_key):
        raise ImproperlyConfigured(
            "Set both S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY, or neither (the host's own "
            "credentials are then used: an instance role, AWS_* variables or ~/.aws)."
        )
    options: dict[str, Any] = {
        "bucket_name": bucket,
        "region_name": env_str("S3_REGION", "eu-west-2"),
        # A folder inside the bucket, so one bucket may serve several deployments.
        "location": env_matching(
            "S3_PREFIX", "", pattern=r"([A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*)?", example="triage"
        ),
        # Nothing in the bucket is public: every document is served through an access check.
        "default_acl": None,
        "querystring_auth": True,
        # Documents are stored under their SHA-256, so a second write of a name holds the same
        # bytes; an object is never half-written, so there is no broken copy to step around.
        "file_overwrite": True,
        "addressing_style": env_choice(
            "S3_ADDRESSING_STYLE",
            "path" if endpoint else "auto",
            choices=("path", "virtual", "auto"),
        ),
        "client_config": Config(
            connect_timeout=env_float("S3_CONNECT_TIMEOUT_SECONDS", 5.0, minimum=0.1),
            read_timeout=env_float("S3_READ_TIMEOUT_SECONDS", 60.0, minimum=1.0),
            retries={"max_attempts": env_int("S3_MAX_ATTEMPTS", 5, minimum=1), "mode": "standard"},
            # Checksums only where S3 requires them: several S3-compatible stores refuse the
            # trailing checksums newer clients send by default. Documents carry their own
            # SHA-256, checked when they are read back.
            request_checksum_calculation="when_required",
            response_checksum_validation="when_required",
        ),
    }
    if endpoint:
        options["endpoint_url"] = endpoint
    if access_key:
        options["access_key"] = access_key
        options["secret_key"] = secret_key
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}
