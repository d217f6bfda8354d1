"""What every reader of a file shares: the error that names the place in the file
("validation-southwark.toml requirement 3: key cil-form appears twice"), a file's digest,
and reading the values of a TOML file, each checked as its format says."""

import datetime
import hashlib
import re
import tomllib
from pathlib import Path

# A key, a framework's slug, a consultee: lower-case letters, digits and hyphens.
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{1,59}$")
# A council's ONS code, e.g. E09000028.
ONS_CODE = re.compile(r"^E0[6-9]\d{6}$|^E10\d{6}$|^E60\d{6}$")

Period = tuple[datetime.date | None, datetime.date | None]


class PolicyFileError(ValueError):
    """A file that cannot be read as its format says; the message names the place."""


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read_toml(path: Path) -> dict:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise PolicyFileError(f"{path.name}: {error}") from error


def text_of(table: dict, name: str, where: str, *, required: bool = True, limit: int = 300) -> str:
    value = table.get(name, "")
    if not isinstance(value, str):
        raise PolicyFileError(f"{where}: {name} must be text")
    value = value.strip()
    if required and not value:
        raise PolicyFileError(f"{where}: {name} is required")
    if len(value) > limit:
        raise PolicyFileError(f"{where}: {name} is longer than {limit} characters")
    return value


def words_of(
    table: dict, name: str, where: str, allowed: dict[str, str] | None = None
) -> tuple[str, ...]:
    value = table.get(name, [])
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise PolicyFileError(f"{where}: {name} must be a list of text")
    if allowed is not None:
        unknown = [item for item in value if item not in allowed]
        if unknown:
            raise PolicyFileError(
                f"{where}: {name} has {', '.join(unknown)}; use {', '.join(allowed)}"
            )
    return tuple(item.strip() for item in value if item.strip())


def number_of(table: dict, name: str, where: str) -> float | None:
    value = table.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise PolicyFileError(f"{where}: {name} must be a number of 0 or more")
    return float(value)


def whole_number_of(table: dict, name: str, where: str) -> int | None:
    value = number_of(table, name, where)
    if value is not None and not value.is_integer():
        raise PolicyFileError(f"{where}: {name} must be a whole number")
    return int(value) if value is not None else None


def flag_of(table: dict, name: str, where: str) -> bool:
    value = table.get(name, False)
    if not isinstance(value, bool):
        raise PolicyFileError(f"{where}: {name} must be true or false")
    return value


def date_of(table: dict, name: str, where: str) -> datetime.date | None:
    value = table.get(name)
    if value is None:
        return None
    if isinstance(value, datetime.datetime) or not isinstance(value, datetime.date):
        raise PolicyFileError(f"{where}: {name} must be a date, e.g. {name} = 2024-02-12")
    return value


def in_force_of(table: dict, where: str, within: Period) -> Period:
    """When a list's row is in force: while both it and its list (`within`) are."""
    starts = [d for d in (date_of(table, "in_force_from", where), within[0]) if d is not None]
    ends = [d for d in (date_of(table, "in_force_until", where), within[1]) if d is not None]
    start, end = max(starts, default=None), min(ends, default=None)
    if start is not None and end is not None and end <= start:
        raise PolicyFileError(f"{where}: in_force_until must be after in_force_from")
    return start, end


def unknown_fields(table: dict, known: set[str] | frozenset[str], where: str) -> None:
    unknown = set(table) - known
    if unknown:
        raise PolicyFileError(f"{where}: unknown fields {', '.join(sorted(unknown))}")
