"""How a council's system proves who it is: `Authorization: Bearer <key>`."""

from dataclasses import dataclass

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from config import log_context
from planning.keys import active_key_for
from planning.models import Council, CouncilApiKey


@dataclass(frozen=True)
class CouncilSystem:
    """The caller behind a council API key, standing where DRF expects a user."""

    key: CouncilApiKey

    is_authenticated = True
    is_anonymous = False

    @property
    def council(self) -> Council:
        return self.key.council

    def __str__(self) -> str:
        return f"{self.key.name} ({self.key.council.code})"


class CouncilApiKeyAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1")
        keyword, _, key = header.partition(" ")
        # The scheme is case-insensitive (RFC 9110); other schemes are for other authenticators.
        if keyword.lower() != self.keyword.lower():
            return None
        record = active_key_for(key.strip())
        if record is None:
            raise exceptions.AuthenticationFailed("The API key is not valid or has been revoked.")
        log_context.bind(council=record.council_id)
        return CouncilSystem(record), record

    def authenticate_header(self, request) -> str:
        # Makes DRF answer 401 (with WWW-Authenticate) rather than 403 when no key is sent.
        return self.keyword


class CouncilApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = CouncilApiKeyAuthentication
    name = "councilApiKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": (
                "A council API key: `Authorization: Bearer pt_<prefix>_<secret>`. An operator "
                "creates it with `manage.py create_api_key <COUNCIL_CODE> --name <label> "
                "[--read-only]`, which prints it once. The key decides the council: every "
                "call sees only that council's applications. A read-only key gets 403 on "
                "every write."
            ),
        }
