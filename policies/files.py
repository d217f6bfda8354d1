"""Reading policy and validation files (formats: docs/policy-files.md). Pure parsing: nothing
here touches the database, so triage_eval reads the same files the loaders load.

- the NPPF as the government publishes it converted to Markdown (policies/data/), one entry per
  numbered paragraph with its chapter and heading;
- a council's local policies, and its Article 4 directions, in TOML;
- a validation list (the national one, or a council's local list), in TOML.
"""

import datetime
import hashlib
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from policies.library import PolicyEntry, Requirement
from policies.vocabulary import (
    ARTICLE_4_RIGHTS,
    CATEGORIES,
    CONSTRAINT_KINDS,
    EXEMPTIONS,
    PROPOSAL_FACTS,
    TOPICS,
)

DATA = Path(__file__).resolve().parent / "data"
NPPF_FILE = DATA / "NPPF_December_2024.md"
LOCAL_POLICY_FILES = [
    DATA / "southwark-plan-2022.toml",
    DATA / "southwark-article-4-directions.toml",
    DATA / "trafford-core-strategy-2012.toml",
]
VALIDATION_FILES = [
    DATA / "validation-national.toml",
    DATA / "validation-southwark.toml",
    DATA / "validation-trafford.toml",
]


class PolicyFileError(ValueError):
    """A file that cannot be read as its format says; the message names the place."""


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


@dataclass(frozen=True)
class ParsedRequirements:
    name: str
    requirements: list[Requirement]
    council: str = ""
    source_sha256: str = ""
    keys: list[str] = field(default_factory=list)


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --- The NPPF -----------------------------------------------------------------------------

NPPF_SLUG = "nppf-2024"
NPPF_NAME = "National Planning Policy Framework (December 2024)"
NPPF_LICENCE = (
    "© Crown copyright 2024. Published under the Open Government Licence v3.0: "
    "http://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
)
# Sub-headings the Markdown conversion ran into the end of the paragraph before them
# ("... by following the steps set out below. Planning and flood risk"): the December 2024
# edition's, checked against the published PDF. A new edition brings its own list.
RUN_IN_HEADINGS = (
    "Achieving appropriate densities",
    "Coastal change",
    "Considering potential impacts",
    "Determining applications",
    "Development contributions",
    "Enforcement",
    "Examining plans",
    "Habitats and biodiversity",
    "Identifying land for homes",
    "Maintaining supply and delivery",
    "Maintaining supply",
    "Non-strategic policies",
    "Oil, gas and coal exploration and extraction",
    "Planning and flood risk",
    "Planning conditions and obligations",
    "Planning for climate change",
    "Pre-application engagement and front-loading",
    "Preparing and reviewing plans",
    "Proposals affecting the Green Belt",
    "Rural housing",
    "Tailoring planning controls to local circumstances",
    "The plan-making framework",
)
# Chapters the conversion lost their heading for: the paragraph that opens each.
MISSING_CHAPTERS = {231: "Annex 1: Implementation"}
# Topics of each chapter (by number), and of paragraph ranges within one.
CHAPTER_TOPICS = {
    5: ("housing",),
    7: ("town-centre",),
    9: ("transport",),
    12: ("design",),
    13: ("green-belt",),
    14: ("climate",),
    15: ("ecology",),
    16: ("heritage",),
}
PARAGRAPH_TOPICS = [
    (range(170, 183), ("flood-risk",)),
    (range(54, 55), ("article-4",)),
    (range(136, 137), ("trees", "design")),
]

_CHAPTER = re.compile(r"^# (\d+)\. (.+)$")
_ANNEX = re.compile(r"^# (Annex \d+: .+)$")
_HEADING = re.compile(r"^#+ (.+)$")
_PARAGRAPH = re.compile(r"^(\d+)\. (.*)$")
_FOOTNOTE = re.compile(r"^\[\^\d+\]: ")
_FOOTNOTE_MARK = re.compile(r"\[\^\d+\]")


def _looks_like_heading(text: str) -> bool:
    return len(text) <= 80 and text[:1].isupper() and not text.rstrip().endswith((";", ",", ":"))


def parse_nppf(path: Path = NPPF_FILE) -> ParsedFramework:
    """Every numbered paragraph of the framework, with its chapter, heading and topics.

    Footnotes and their markers are left out; lettered sub-items stay in their paragraph on
    lines of their own. The glossary and annexes after Annex 1 have no numbered paragraphs.
    """
    lines = path.read_text(encoding="utf-8").splitlines()
    if not any("Open Government Licence" in line for line in lines[:10]):
        raise PolicyFileError(f"{path.name}: the licence line is missing from the header")
    try:
        start = next(i for i, line in enumerate(lines) if _CHAPTER.match(line))
    except StopIteration as error:
        raise PolicyFileError(f"{path.name}: no numbered chapter found") from error
    paragraphs: list[dict] = []
    chapter_number, chapter, heading = 0, "", ""
    for line in lines[start:]:
        line = line.rstrip()
        if not line or _FOOTNOTE.match(line):
            continue
        if match := _CHAPTER.match(line):
            chapter_number, chapter = int(match[1]), f"{match[1]}. {match[2].strip()}"
            heading = match[2].strip()
            continue
        if match := _ANNEX.match(line):
            if not match[1].startswith("Annex 1"):
                break  # the glossary and the vulnerability table: no paragraphs
            chapter_number, chapter, heading = 0, match[1], match[1]
            continue
        if (match := _HEADING.match(line)) and _looks_like_heading(match[1]):
            heading = match[1].strip()
            continue
        if match := _HEADING.match(line):
            line = match[1]  # a sentence the conversion took for a heading
        number_match = _PARAGRAPH.match(line)
        expected = (paragraphs[-1]["number"] + 1) if paragraphs else 1
        if number_match and int(number_match[1]) == expected:
            number = int(number_match[1])
            if number in MISSING_CHAPTERS:
                chapter_number, chapter = 0, MISSING_CHAPTERS[number]
                heading = chapter
            paragraphs.append(
                {
                    "number": number,
                    "chapter": chapter,
                    "chapter_number": chapter_number,
                    "heading": heading,
                    "lines": [number_match[2]],
                }
            )
            continue
        if paragraphs:
            paragraphs[-1]["lines"].append(line)
    policies: list[PolicyEntry] = []
    for index, paragraph in enumerate(paragraphs):
        text = _FOOTNOTE_MARK.sub("", "\n".join(paragraph["lines"])).strip()
        for run_in in RUN_IN_HEADINGS:
            if text.endswith(" " + run_in) and text[: -len(run_in)].rstrip()[-1:] in ".;:)":
                text = text[: -len(run_in)].rstrip()
                # The heading belongs to the paragraphs that follow, up to the next heading.
                for later in paragraphs[index + 1 :]:
                    if later["heading"] != paragraph["heading"]:
                        break
                    later["heading"] = run_in
                break
        topics = CHAPTER_TOPICS.get(paragraph["chapter_number"], ())
        for numbers, extra in PARAGRAPH_TOPICS:
            if paragraph["number"] in numbers:
                topics = tuple(dict.fromkeys((*extra, *topics)))
        policies.append(
            PolicyEntry(
                framework=NPPF_SLUG,
                citation=f"NPPF paragraph {paragraph['number']}",
                reference=str(paragraph["number"]),
                text=text,
                chapter=paragraph["chapter"],
                heading=paragraph["heading"],
                topics=topics,
            )
        )
    if len(policies) < 200:
        raise PolicyFileError(f"{path.name}: only {len(policies)} numbered paragraphs found")
    return ParsedFramework(
        slug=NPPF_SLUG,
        name=NPPF_NAME,
        citation="NPPF paragraph",
        policies=policies,
        licence=NPPF_LICENCE,
        source_sha256=sha256_of(path),
    )


# --- A council's policies (TOML) ------------------------------------------------------------


def _toml(path: Path) -> dict:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise PolicyFileError(f"{path.name}: {error}") from error


def _text(table: dict, name: str, where: str, *, required: bool = True, limit: int = 300) -> str:
    value = table.get(name, "")
    if not isinstance(value, str):
        raise PolicyFileError(f"{where}: {name} must be text")
    value = value.strip()
    if required and not value:
        raise PolicyFileError(f"{where}: {name} is required")
    if len(value) > limit:
        raise PolicyFileError(f"{where}: {name} is longer than {limit} characters")
    return value


def _words(
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


def _number(table: dict, name: str, where: str) -> float | None:
    value = table.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise PolicyFileError(f"{where}: {name} must be a number of 0 or more")
    return float(value)


_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{1,59}$")
_ONS = re.compile(r"^E0[6-9]\d{6}$|^E10\d{6}$|^E60\d{6}$")
_REFERENCE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9./-]{0,39}$")


def parse_policy_file(path: Path) -> ParsedFramework:
    """A council's policies: a [framework] table and [[policy]] entries."""
    data = _toml(path)
    meta = data.get("framework")
    if not isinstance(meta, dict):
        raise PolicyFileError(f"{path.name}: the [framework] table is missing")
    where = f"{path.name} [framework]"
    slug = _text(meta, "slug", where, limit=60)
    if not _SLUG.match(slug):
        raise PolicyFileError(f"{where}: slug must be lower-case letters, digits and hyphens")
    council = _text(meta, "council", where, limit=9)
    if not _ONS.match(council):
        raise PolicyFileError(f"{where}: council must be the council's ONS code, e.g. E09000028")
    rows = data.get("policy")
    if not isinstance(rows, list) or not rows:
        raise PolicyFileError(f"{path.name}: no [[policy]] entries")
    policies: list[PolicyEntry] = []
    seen: set[str] = set()
    citation = _text(meta, "citation", where, limit=100)
    for number, row in enumerate(rows, start=1):
        where = f"{path.name} policy {number}"
        reference = _text(row, "reference", where, limit=40)
        if not _REFERENCE.match(reference):
            raise PolicyFileError(f"{where}: reference {reference!r} has characters not allowed")
        if reference in seen:
            raise PolicyFileError(f"{where}: reference {reference} appears twice")
        seen.add(reference)
        text, summary = row.get("text"), row.get("summary")
        if (text is None) == (summary is None):
            raise PolicyFileError(f"{where}: give either text (the wording) or summary")
        body = _text(row, "text" if text is not None else "summary", where, limit=6000)
        conditions: dict = {}
        if "article_4" in row:
            conditions["article_4"] = _article_4(row["article_4"], f"{where} article_4")
        unknown = set(row) - {"reference", "title", "topics", "text", "summary", "article_4"}
        if unknown:
            raise PolicyFileError(f"{where}: unknown fields {', '.join(sorted(unknown))}")
        title = _text(row, "title", where)
        policies.append(
            PolicyEntry(
                framework=slug,
                citation=f"{citation} {reference} {title}",
                reference=reference,
                title=title,
                text=body,
                is_summary=summary is not None,
                topics=_words(row, "topics", where, TOPICS),
                conditions=conditions,
            )
        )
    return ParsedFramework(
        slug=slug,
        name=_text(meta, "name", f"{path.name} [framework]", limit=200),
        citation=citation,
        policies=policies,
        council=council,
        licence=_text(meta, "licence", f"{path.name} [framework]", limit=500),
        note=_text(meta, "note", f"{path.name} [framework]", required=False, limit=2000),
        source_sha256=sha256_of(path),
    )


def _article_4(table: object, where: str) -> dict:
    if not isinstance(table, dict):
        raise PolicyFileError(f"{where}: must be a table")
    names = _words(table, "layer_names", where)
    if not names:
        raise PolicyFileError(f"{where}: layer_names is required")
    removes = _words(table, "removes", where, ARTICLE_4_RIGHTS)
    if not removes:
        raise PolicyFileError(f"{where}: removes is required")
    return {
        "layer_names": list(names),
        "removes": list(removes),
        "from_uses": list(_words(table, "from_uses", where)),
        "to_uses": list(_words(table, "to_uses", where)),
        "gpdo_classes": list(_words(table, "gpdo_classes", where)),
    }


# --- Validation lists (TOML) ---------------------------------------------------------------

REQUIREMENT_FIELDS = {
    "key",
    "document",
    "title",
    "reason",
    "source",
    "application_types",
    "exclude_application_types",
    "categories",
    "constraints",
    "proposal",
    "min_site_area_m2",
    "min_dwellings",
    "min_floorspace_m2",
    "document_types",
    "file_name_words",
    "text_words",
    "text_anywhere",
    "part_of_application_form",
    "in_force_from",
    "in_force_until",
    "exemptions",
}
LIST_FIELDS = {"council", "name", "in_force_from", "in_force_until"}
_DOCUMENT = re.compile(r"^[a-z][a-z0-9_]{1,49}$")


def _date(table: dict, name: str, where: str) -> datetime.date | None:
    value = table.get(name)
    if value is None:
        return None
    if isinstance(value, datetime.datetime) or not isinstance(value, datetime.date):
        raise PolicyFileError(f"{where}: {name} must be a date, e.g. {name} = 2024-02-12")
    return value


def _period(
    table: dict, where: str, default: tuple[datetime.date | None, datetime.date | None]
) -> tuple[datetime.date | None, datetime.date | None]:
    """When a requirement is in force: while both it and its list are."""
    starts = [d for d in (_date(table, "in_force_from", where), default[0]) if d is not None]
    ends = [d for d in (_date(table, "in_force_until", where), default[1]) if d is not None]
    start, end = max(starts, default=None), min(ends, default=None)
    if start is not None and end is not None and end <= start:
        raise PolicyFileError(f"{where}: in_force_until must be after in_force_from")
    return start, end


def parse_requirements_file(path: Path) -> ParsedRequirements:
    """A validation list: a [list] table (a council's ONS code, or none for the national list;
    optionally the dates the list is in force, which its requirements take unless they set
    their own) and [[requirement]] entries."""
    data = _toml(path)
    meta = data.get("list")
    if not isinstance(meta, dict):
        raise PolicyFileError(f"{path.name}: the [list] table is missing")
    unknown_meta = set(meta) - LIST_FIELDS
    if unknown_meta:
        named = ", ".join(sorted(unknown_meta))
        raise PolicyFileError(f"{path.name} [list]: unknown fields {named}")
    list_period = _period(meta, f"{path.name} [list]", (None, None))
    council = _text(meta, "council", f"{path.name} [list]", required=False, limit=9)
    if council and not _ONS.match(council):
        raise PolicyFileError(f"{path.name} [list]: council must be an ONS code, e.g. E09000028")
    name = _text(meta, "name", f"{path.name} [list]", limit=200)
    rows = data.get("requirement")
    if not isinstance(rows, list) or not rows:
        raise PolicyFileError(f"{path.name}: no [[requirement]] entries")
    requirements, keys = [], []
    for number, row in enumerate(rows, start=1):
        where = f"{path.name} requirement {number}"
        unknown = set(row) - REQUIREMENT_FIELDS
        if unknown:
            raise PolicyFileError(f"{where}: unknown fields {', '.join(sorted(unknown))}")
        key = _text(row, "key", where, limit=80)
        if not _SLUG.match(key):
            raise PolicyFileError(f"{where}: key must be lower-case letters, digits and hyphens")
        if key in keys:
            raise PolicyFileError(f"{where}: key {key} appears twice")
        keys.append(key)
        document = _text(row, "document", where, limit=50)
        if not _DOCUMENT.match(document):
            raise PolicyFileError(f"{where}: document must be like heritage_statement")
        min_dwellings = _number(row, "min_dwellings", where)
        text_anywhere = row.get("text_anywhere", False)
        if not isinstance(text_anywhere, bool):
            raise PolicyFileError(f"{where}: text_anywhere must be true or false")
        in_form = row.get("part_of_application_form", False)
        if not isinstance(in_form, bool):
            raise PolicyFileError(f"{where}: part_of_application_form must be true or false")
        in_force_from, in_force_until = _period(row, where, list_period)
        requirements.append(
            Requirement(
                key=key,
                document=document,
                title=_text(row, "title", where, limit=200),
                reason=_text(row, "reason", where, limit=500),
                list_name=name,
                source=_text(row, "source", where, required=False, limit=200),
                application_types=_words(row, "application_types", where),
                exclude_application_types=_words(row, "exclude_application_types", where),
                categories=_words(row, "categories", where, CATEGORIES),
                constraints=_words(row, "constraints", where, _kinds()),
                proposal=_words(row, "proposal", where, PROPOSAL_FACTS),
                min_site_area_m2=_number(row, "min_site_area_m2", where),
                min_dwellings=int(min_dwellings) if min_dwellings is not None else None,
                min_floorspace_m2=_number(row, "min_floorspace_m2", where),
                document_types=_words(row, "document_types", where),
                file_name_words=_words(row, "file_name_words", where),
                text_words=_words(row, "text_words", where),
                text_anywhere=text_anywhere,
                part_of_application_form=in_form,
                in_force_from=in_force_from,
                in_force_until=in_force_until,
                exemptions=_words(row, "exemptions", where, EXEMPTIONS),
            )
        )
    return ParsedRequirements(
        name=name,
        requirements=requirements,
        council=council,
        source_sha256=sha256_of(path),
        keys=keys,
    )


def _kinds() -> dict[str, str]:
    return {kind: label for kind, (label, _, _) in CONSTRAINT_KINDS.items()}
