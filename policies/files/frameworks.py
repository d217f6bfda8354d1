"""A policy framework as read from its file (`ParsedFramework`), and a council's own: its local
policies or its Article 4 directions, in TOML (a [framework] table and [[policy]] entries).
The NPPF has a reader of its own (policies.files.nppf)."""

import re
from dataclasses import dataclass
from pathlib import Path

from policies.files.reading import (
    ONS_CODE,
    SLUG,
    PolicyFileError,
    read_toml,
    sha256_of,
    text_of,
    unknown_fields,
    words_of,
)
from policies.library import PolicyEntry
from policies.vocabulary import ARTICLE_4_RIGHTS, TOPICS


@dataclass(frozen=True)
class ParsedFramework:
    slug: str
    name: str
    citation: str
    policies: list[PolicyEntry]
    council: str = ""  # the council's ONS code; empty for national policy
    licence: str = ""
    note: str = ""
    source_sha256: str = ""


POLICY_FIELDS = {"reference", "title", "topics", "text", "summary", "article_4"}
_REFERENCE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9./-]{0,39}$")


def parse_policy_file(path: Path) -> ParsedFramework:
    """A council's policies: a [framework] table and [[policy]] entries."""
    data = read_toml(path)
    meta = data.get("framework")
    if not isinstance(meta, dict):
        raise PolicyFileError(f"{path.name}: the [framework] table is missing")
    where = f"{path.name} [framework]"
    slug = text_of(meta, "slug", where, limit=60)
    if not SLUG.match(slug):
        raise PolicyFileError(f"{where}: slug must be lower-case letters, digits and hyphens")
    council = text_of(meta, "council", where, limit=9)
    if not ONS_CODE.match(council):
        raise PolicyFileError(f"{where}: council must be the council's ONS code, e.g. E09000028")
    rows = data.get("policy")
    if not isinstance(rows, list) or not rows:
        raise PolicyFileError(f"{path.name}: no [[policy]] entries")
    policies: list[PolicyEntry] = []
    seen: set[str] = set()
    citation = text_of(meta, "citation", where, limit=100)
    for number, row in enumerate(rows, start=1):
        where = f"{path.name} policy {number}"
        reference = text_of(row, "reference", where, limit=40)
        if not _REFERENCE.match(reference):
            raise PolicyFileError(f"{where}: reference {reference!r} has characters not allowed")
        if reference in seen:
            raise PolicyFileError(f"{where}: reference {reference} appears twice")
        seen.add(reference)
        text, summary = row.get("text"), row.get("summary")
        if (text is None) == (summary is None):
            raise PolicyFileError(f"{where}: give either text (the wording) or summary")
        body = text_of(row, "text" if text is not None else "summary", where, limit=6000)
        conditions: dict = {}
        if "article_4" in row:
            conditions["article_4"] = _article_4(row["article_4"], f"{where} article_4")
        unknown_fields(row, POLICY_FIELDS, where)
        title = text_of(row, "title", where)
        policies.append(
            PolicyEntry(
                framework=slug,
                citation=f"{citation} {reference} {title}",
                reference=reference,
                title=title,
                text=body,
                is_summary=summary is not None,
                topics=words_of(row, "topics", where, TOPICS),
                conditions=conditions,
            )
        )
    return ParsedFramework(
        slug=slug,
        name=text_of(meta, "name", f"{path.name} [framework]", limit=200),
        citation=citation,
        policies=policies,
        council=council,
        licence=text_of(meta, "licence", f"{path.name} [framework]", limit=500),
        note=text_of(meta, "note", f"{path.name} [framework]", required=False, limit=2000),
        source_sha256=sha256_of(path),
    )


def _article_4(table: object, where: str) -> dict:
    if not isinstance(table, dict):
        raise PolicyFileError(f"{where}: must be a table")
    names = words_of(table, "layer_names", where)
    if not names:
        raise PolicyFileError(f"{where}: layer_names is required")
    removes = words_of(table, "removes", where, ARTICLE_4_RIGHTS)
    if not removes:
        raise PolicyFileError(f"{where}: removes is required")
    return {
        "layer_names": list(names),
        "removes": list(removes),
        "from_uses": list(words_of(table, "from_uses", where)),
        "to_uses": list(words_of(table, "to_uses", where)),
        "gpdo_classes": list(words_of(table, "gpdo_classes", where)),
    }
