"""The API's JSON parser: stricter than DRF's, so what PostgreSQL or Python would choke on
later is refused as a 400 at the door.

- Duplicate keys in one object: `json` would keep the last silently, so a client that sent
  two `received_date`s would never learn which one we stored.
- NUL characters in any string or key: PostgreSQL text and jsonb cannot hold them (they
  were a 500 at INSERT).
- Nesting deeper than MAX_DEPTH: no payload of ours or ODP's needs more than a dozen levels,
  and deep bodies made every later walk over the data (validation, the idempotency digest)
  slow or recursive. Python's own parser raises RecursionError on thousands of levels.
- NaN and Infinity, which are not JSON.
"""

import codecs
import json
from typing import Any

from django.conf import settings
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

from planning.api.problems import invalid, pointer

# The deepest ODP example is 10 levels; GeoJSON MultiPolygons are 5.
MAX_DEPTH = 32


class DuplicateKey(ValueError):
    def __init__(self, key: str):
        super().__init__(f"the key {key!r} appears twice in one object")


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON value")


def _object_without_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for key, value in pairs:
        if key in data:
            raise DuplicateKey(key)
        data[key] = value
    return data


def loads_strictly(text: str) -> Any:
    """Parse `text` as JSON, refusing duplicate keys and NaN/Infinity (ValueError)."""
    return json.loads(
        text, object_pairs_hook=_object_without_duplicates, parse_constant=_refuse_constant
    )


def check_shape(data: Any) -> None:
    """Raise a 400 problem for nesting deeper than MAX_DEPTH or a NUL in a string.

    A loop over an explicit stack, not recursion: the point is to survive any depth.
    """
    stack: list[tuple[Any, tuple[str | int, ...]]] = [(data, ())]
    while stack:
        value, where = stack.pop()
        if len(where) > MAX_DEPTH:
            raise invalid(
                [
                    {
                        "pointer": pointer(*where[: MAX_DEPTH + 1]),
                        "detail": f"The body is nested more than {MAX_DEPTH} levels deep.",
                    }
                ]
            )
        if isinstance(value, dict):
            for key, item in value.items():
                if "\x00" in key:
                    raise _nul(where)
                stack.append((item, (*where, key)))
        elif isinstance(value, list):
            stack.extend((item, (*where, index)) for index, item in enumerate(value))
        elif isinstance(value, str) and "\x00" in value:
            raise _nul(where)


def _nul(where: tuple[str | int, ...]):
    return invalid(
        [{"pointer": pointer(*where), "detail": "Text cannot contain the NUL character (\\u0000)."}]
    )


class StrictJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        encoding = (parser_context or {}).get("encoding") or settings.DEFAULT_CHARSET
        try:
            text = codecs.getreader(encoding)(stream).read()
            data = loads_strictly(text)
        except RecursionError:
            raise ParseError("JSON parse error - the body is nested too deeply.") from None
        except ValueError as error:  # UnicodeDecodeError and JSONDecodeError among them
            raise ParseError(f"JSON parse error - {error}") from None
        check_shape(data)
        return data
