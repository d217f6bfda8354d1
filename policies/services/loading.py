"""What every load from a file shares: the council the file names, and how the file is
recorded."""

from pathlib import Path

from planning.models import Council


class UnknownCouncil(ValueError):
    """A file names a council that is not in the database."""


def council_named(code: str) -> Council | None:
    """The council with this ONS code; None for national data (no code)."""
    if not code:
        return None
    council = Council.objects.filter(code=code).first()
    if council is None:
        raise UnknownCouncil(f"No council with the code {code}: create it first.")
    return council


def source_label(path: Path) -> str:
    """How a loaded file is recorded: its name, not where it happened to be on disk."""
    return path.name
