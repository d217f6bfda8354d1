"""What every view of the council submission API shares: one council's key authenticates it,
the query string is checked against what the view takes, requests are parsed strictly and an
Idempotency-Key replays the first answer. Every error is an RFC 9457 problem
(planning.api.problems)."""

import json
from collections.abc import Callable

import pydantic
from django.db import DatabaseError
from rest_framework import exceptions, generics
from rest_framework.pagination import PageNumberPagination
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from planning import idempotency
from planning.access import applications_visible_to_council
from planning.api.authentication import CouncilApiKeyAuthentication
from planning.api.permissions import IsCouncilSystem
from planning.api.problems import (
    Problem,
    invalid,
    problem_response,
    pydantic_errors,
)
from planning.api.throttles import CouncilKeyThrottle
from planning.services import Actor

MAX_PAGE_SIZE = 200


def parsed(model: type[pydantic.BaseModel], data) -> pydantic.BaseModel:
    """Validate a payload with its pydantic model; errors become a problem with pointers.

    Strict JSON mode: a value must already have its JSON type ("0" is not a number, 0 is
    not false), while dates still come as ISO strings, exactly as the published schema says.
    """
    if not isinstance(data, dict):
        raise invalid([{"pointer": "", "detail": "Send a JSON object."}])
    try:
        return model.model_validate_json(json.dumps(data), strict=True)
    except pydantic.ValidationError as error:
        raise invalid(pydantic_errors(error, data)) from None


def parameter_error(name: str, detail: str) -> Problem:
    return invalid([{"parameter": name, "detail": detail}])


def check_query_string(query, allowed: frozenset[str]) -> None:
    """Refuse unknown, repeated and NUL-bearing query parameters with a 400 problem.

    Django's QueryDict would otherwise take the last of repeated values silently, and a
    NUL reaches PostgreSQL, which cannot hold it in text.
    """
    errors = [
        {"parameter": name, "detail": "Unknown query parameter."}
        for name in sorted(set(query) - allowed)
    ]
    errors += [
        {"parameter": name, "detail": "Give this parameter once."}
        for name, values in sorted(query.lists())
        if name in allowed and len(values) > 1
    ]
    errors += [
        {"parameter": name, "detail": "A parameter cannot contain the NUL character."}
        for name, values in sorted(query.lists())
        if name in allowed and any("\x00" in value for value in values)
    ]
    if errors:
        raise invalid(errors)


class ApplicationPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE

    def get_schema_operation_parameters(self, view):
        # The bounds CouncilSystemView.initial enforces, so the schema offers no page 0.
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"]["minimum"] = 1
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"]["maximum"] = self.max_page_size
                parameter["description"] = f"Applications per page, 1 to {MAX_PAGE_SIZE}."
        return parameters


class CouncilSystemView(generics.GenericAPIView):
    authentication_classes = [CouncilApiKeyAuthentication]
    permission_classes = [IsCouncilSystem]
    throttle_classes: list[type[CouncilKeyThrottle]] = [CouncilKeyThrottle]
    # JSON only: DRF's browsable HTML (for `Accept: text/html` or `?format=api`) ran the
    # pages' context processors, which expect a person, not a council's system (a 500).
    renderer_classes = [JSONRenderer]
    # Anything else in the query string is refused, so a misspelt filter is not ignored.
    query_parameters: frozenset[str] = frozenset()

    def allowed_query_parameters(self) -> frozenset[str]:
        return self.query_parameters

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if not hasattr(self, request.method.lower()):
            return  # a 405 follows, whatever the query string holds
        check_query_string(request.query_params, self.allowed_query_parameters())
        for name, low, high in (("page", 1, None), ("page_size", 1, MAX_PAGE_SIZE)):
            # DRF would read an empty or malformed page as the first page.
            if name in request.query_params:
                value = request.query_params[name]
                # isdigit() alone lets other scripts' digits through: int() reads some
                # (Arabic-Indic one is 1) and fails on others (superscript two).
                digits = value.isascii() and value.isdigit()
                if not digits or int(value) < low or (high and int(value) > high):
                    upto = f" up to {high}" if high else ""
                    raise parameter_error(name, f"Give a whole number from {low}{upto}.")

    def check_throttles(self, request):
        # As DRF's, with the answer naming the limit reached (a 429 problem, Retry-After).
        refused = [
            throttle
            for throttle in self.get_throttles()
            if not throttle.allow_request(request, self)
        ]
        if refused:
            limits = " and ".join(throttle.describe() for throttle in refused)
            raise exceptions.Throttled(
                max(throttle.wait() for throttle in refused),
                detail=f"This API key has reached its limit of {limits}.",
            )

    def __init_subclass__(cls, **kwargs):
        # Tenancy cannot be dropped by accident: a view narrows the council's applications in
        # `scoped_queryset`; one that replaced `get_queryset` could forget the council.
        super().__init_subclass__(**kwargs)
        if "get_queryset" in cls.__dict__:
            raise TypeError(
                f"{cls.__name__} overrides get_queryset, which limits the applications to the "
                "key's council: override scoped_queryset(applications) to narrow them instead."
            )

    def get_queryset(self):
        """The key's council's applications (planning.access), narrowed by the view."""
        applications = (
            applications_visible_to_council(self.request.user.council)
            .select_related("council")
            .prefetch_related("documents")
        )
        return self.scoped_queryset(applications)

    def scoped_queryset(self, applications):
        """Narrow the council's applications (a filter, an ordering); never widen them."""
        return applications

    def idempotently(self, request, handle: Callable[[], Response]) -> Response:
        """Run `handle`, honouring an `Idempotency-Key` header (planning.idempotency)."""
        key = request.headers.get("Idempotency-Key")
        if key is None:
            return handle()
        request_hash = idempotency.fingerprint(request.method, request.path, request.data)
        try:
            claim = idempotency.claim(request.user.council, key, request_hash)
        except idempotency.IdempotencyKeyInvalid as error:
            raise invalid([{"header": "Idempotency-Key", "detail": str(error)}]) from None
        except idempotency.IdempotencyKeyReused as error:
            raise Problem("idempotency-key-reused", str(error), status_code=422) from None
        except idempotency.IdempotencyKeyInUse as error:
            raise Problem("idempotency-key-in-use", str(error), status_code=409) from None
        record = claim.record
        if claim.replay:
            return Response(
                record.response_body,
                status=record.response_status,
                headers={**record.response_headers, "Idempotent-Replayed": "true"},
            )
        try:
            try:
                response = handle()
            except Exception as error:  # answered as a problem, or a bug: the key is let go
                response = problem_response(error)
                if response is None:
                    raise
        except BaseException:
            idempotency.release_when_possible(record)
            raise
        if not 200 <= response.status_code < 300:
            # Only successes are kept; a failure lets go of the key (later, if the database
            # is what failed), so the client can retry under it.
            idempotency.release_when_possible(record)
            return response
        # Stored as the client will read it (dates as ISO strings, and so on).
        body = json.loads(JSONRenderer().render(response.data) or b"null")
        kept = {name: response[name] for name in ("Location",) if name in response}
        try:
            idempotency.complete(record, response.status_code, body, kept)
        except DatabaseError:
            # The work is done but its answer could not be kept: a retry under the key runs
            # again and finds the record it made (submissions are idempotent by content).
            idempotency.release_when_possible(record)
            raise
        return response


def council_actor(request) -> Actor:
    """A council system acts under its key's name ("Southwark portal")."""
    return Actor(request.user.key.name)
