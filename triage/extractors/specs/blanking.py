"""Names of laws and documents, and quoted passages, blanked out (same length) so that no
trigger fires inside them: "the Planning (Listed Buildings and Conservation Areas) Act" says
nothing about the site."""

import re

_NAMES = re.compile(
    r"Planning \(Listed Buildings? and Conservation Areas?\) Act(?:,? 1990)?"
    r"|\b(?:conservation area|article 4)\s+(?:character\s+)?(?:appraisals?|management plans?|"
    r"guidance|SPDs?|design guides?|officers?|advisory committees?|schedules?)"
    r"|(?-i:\b(?:[A-Z][\w']+ ){1,4}Conservation Area (?:Appraisal|Management Plan)\b)"
    r"|\blisted building consents?\b(?! (?:is|are|was|has been) (?:required|needed|sought))"
    # "locally listed" says nothing of the statutory list, unless it shares its denial:
    # "neither statutorily nor locally listed".
    r"|(?<!\bnor )(?<!\bor )\blocally listed\b|\blocal list\b"
    r"|\bBS\s?\d{4}(?::\d{4})?(?:\s*:\s*[A-Z][^.;\n]{0,90}?(?=[.;'\u2019)]|\n|$))?"
    r"|\bTrees in relation to design, demolition and construction\b"
    r"|\bTown and Country Planning \([^)]{3,60}\) (?:Order|Regulations)(?: \d{4})?"
    r"|\((?:Listed buildings and structures|Conservation areas?|Design of places|Design quality|"
    r"Historic environment|Green Belt[^)]{0,60}|Trees[^)]{0,40})\)",
    re.IGNORECASE,
)
# A form's note on a field, "(if applicable)", "(if known)": it hedges nothing the applicant wrote.
_FIELD_NOTE = re.compile(r"\((?:if|where|when) [^()\n]{1,30}\)", re.IGNORECASE)
# A quoted passage of some length: policy or law, or a checklist's wording.
_QUOTED = re.compile(r"[\"\u201c][^\"\u201c\u201d]{24,}?[\"\u201d]")


def blank(text: str) -> str:
    def spaces(match: re.Match[str]) -> str:
        return " " * (match.end() - match.start())

    return _QUOTED.sub(spaces, _FIELD_NOTE.sub(spaces, _NAMES.sub(spaces, text)))
