"""The NPPF as the government publishes it, converted to Markdown (policies/data): one policy
per numbered paragraph, with its chapter, heading and topics."""

import re
from pathlib import Path

from policies.files.bundled import NPPF_FILE
from policies.files.frameworks import ParsedFramework
from policies.files.reading import PolicyFileError, sha256_of
from policies.library import PolicyEntry

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
