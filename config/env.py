"""Strict readers for settings that come from the environment.

Every reader fails at start-up with an error that names the variable and says
what a good value looks like, so a misconfigured deployment never half-starts.

Secrets (`secret=True`) may instead be given as a file: `NAME_FILE=/run/secrets/name`
holds the value (one trailing newline is ignored), as container platforms and systemd's
credentials mount them. A secret's value is never repeated in an error message.
"""

import json
import logging
import os
import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar
from urllib.parse import urlparse

from django.core.exceptions import ImproperlyConfigured

_UNSET = object()
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}

# Where the readers look; the test settings swap in a mapping of their own (`reading_only`).
_environment: Mapping[str, str] = os.environ

T = TypeVar("T")


@contextmanager
def reading_only(environment: Mapping[str, str]) -> Iterator[None]:
    """Inside the block the readers see `environment` and nothing of the process's own.

    The test settings use it so that a developer's shell (an LLM_BASE_URL exported for the
    demo, say) cannot change what the suite runs with.
    """
    global _environment
    previous, _environment = _environment, environment
    try:
        yield
    finally:
        _environment = previous


def set_default(name: str, value: str) -> None:
    """os.environ.setdefault that also respects NAME_FILE: a default never sits beside a file."""
    if name not in os.environ and f"{name}_FILE" not in os.environ:
        os.environ[name] = value


def _from_file(name: str) -> str | None:
    file_variable = f"{name}_FILE"
    path = _environment.get(file_variable)
    if path is None:
        return None
    if name in _environment:
        raise ImproperlyConfigured(
            f"Both {name} and {file_variable} are set: set only one ({file_variable} names a "
            f"file holding the value, e.g. {file_variable}=/run/secrets/{name.lower()})."
        )
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as error:
        raise ImproperlyConfigured(
            f"{file_variable}={path!r} cannot be read: {error.strerror or error}. "
            f"Give the path of a readable file holding {name}."
        ) from None
    except UnicodeDecodeError:
        raise ImproperlyConfigured(f"{file_variable}={path!r} is not UTF-8 text.") from None
    value = text.removesuffix("\n").removesuffix("\r")
    if not value:
        raise ImproperlyConfigured(f"{file_variable}={path!r} is empty: it should hold {name}.")
    return value


def _raw(name: str, default: object, *, secret: bool = False) -> str | object:
    if secret:
        from_file = _from_file(name)
        if from_file is not None:
            return from_file
    value = _environment.get(name)
    if value is None:
        if default is _UNSET:
            also = f" (or {name}_FILE, a file holding it)" if secret else ""
            raise ImproperlyConfigured(
                f"The environment variable {name}{also} is required but not set."
            )
        return default
    return value


def _shown(name: str, value: object, secret: bool) -> str:
    """How an error names the value it refused: never a secret's text."""
    return f"{name} (value hidden)" if secret else f"{name}={value!r}"


def env_str(name: str, default: object = _UNSET, *, secret: bool = False) -> str:
    return _raw(name, default, secret=secret)  # type: ignore[return-value]


def env_bool(name: str, default: object = _UNSET) -> bool:
    value = _raw(name, default)
    if isinstance(value, bool):
        return value
    lowered = str(value).strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name}={value!r} is not a boolean: use one of 1/0, true/false, yes/no, on/off."
    )


def env_int(name: str, default: object = _UNSET, *, minimum: int | None = None) -> int:
    value = _raw(name, default)
    if isinstance(value, int):
        number = value
    else:
        try:
            number = int(str(value).strip())
        except ValueError:
            raise ImproperlyConfigured(f"{name}={value!r} is not a whole number.") from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name}={number} is below the minimum of {minimum}.")
    return number


def env_float(name: str, default: object = _UNSET, *, minimum: float | None = None) -> float:
    value = _raw(name, default)
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise ImproperlyConfigured(f"{name}={value!r} is not a number.") from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name}={number} is below the minimum of {minimum}.")
    return number


def env_list(name: str, default: object = _UNSET) -> list[str]:
    value = _raw(name, default)
    if isinstance(value, list):
        return value
    return [item.strip() for item in str(value).split(",") if item.strip()]


def env_choice(name: str, default: object = _UNSET, *, choices: tuple[str, ...]) -> str:
    """One of `choices`, compared without regard to case and returned as spelt there."""
    value = _raw(name, default)
    for choice in choices:
        if str(value).strip().lower() == choice.lower():
            return choice
    raise ImproperlyConfigured(f"{name}={value!r} is not one of: {', '.join(choices)}.")


def env_log_level(name: str, default: object = _UNSET) -> str:
    return env_choice(name, default, choices=tuple(logging.getLevelNamesMapping()))


def env_matching(name: str, default: object = _UNSET, *, pattern: str, example: str) -> str:
    """A string matching the regular expression `pattern` in full, e.g. a colour or a rate."""
    value = _raw(name, default)
    if not re.fullmatch(pattern, str(value)):
        raise ImproperlyConfigured(f"{name}={value!r} is not valid: expected e.g. {example}.")
    return str(value)


def env_url(
    name: str, default: object = _UNSET, *, schemes: tuple[str, ...], secret: bool = False
) -> str:
    """A URL whose scheme is one of `schemes`; an empty string means "not configured"."""
    value = _raw(name, default, secret=secret)
    if value in ("", None):
        return ""
    parsed = urlparse(str(value))
    if parsed.scheme not in schemes or not parsed.netloc:
        raise ImproperlyConfigured(
            f"{_shown(name, value, secret)} is not a valid URL: "
            f"expected {' or '.join(schemes)}://host[:port]/..."
        )
    return str(value)


def env_json_object(
    name: str, default: object = _UNSET, *, parse: Callable[[dict], T] | None = None
) -> dict | T:
    """A JSON object, e.g. GEO_DATASET_RULES='{"listed-building": {"buffer_m": 30}}'.

    `parse` checks its contents: a ValueError it raises (a pydantic ValidationError is one)
    becomes the start-up error, after the variable's name.
    """
    value = _raw(name, default)
    if isinstance(value, dict):
        parsed = value
    else:
        try:
            parsed = json.loads(str(value))
        except json.JSONDecodeError as error:
            raise ImproperlyConfigured(f"{name} is not valid JSON: {error}.") from None
        if not isinstance(parsed, dict):
            raise ImproperlyConfigured(f"{name} must be a JSON object ({{...}}), not {value!r}.")
    if parse is None:
        return parsed
    try:
        return parse(parsed)
    except ValueError as error:
        raise ImproperlyConfigured(f"{name}: {error}") from None
