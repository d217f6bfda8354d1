"""Checking that a quote really is on the page it cites.

Engines (the model especially) may paraphrase or invent. A finding is shown with its evidence only
when the quote, with whitespace normalised, is a substring of the cited page's text.
"""

import re
import unicodedata
from functools import lru_cache

_WHITESPACE = re.compile(r"\s+")
# PDF text layers and word processors swap these freely; a quote differing only here is the same.
_EQUIVALENTS = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u00ad": None,  # soft hyphen
    }
)
MIN_QUOTE_CHARS = 8


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).translate(_EQUIVALENTS)
    return _WHITESPACE.sub(" ", text).strip()


@lru_cache(maxsize=64)
def _normalised_page(page_text: str) -> str:
    # A page is checked once per finding quoted from it: normalise it once.
    return normalise(page_text)


def quote_on_page(quote: str, page_text: str) -> bool:
    """True when `quote` (at least a few characters) appears verbatim in `page_text`, ignoring
    differences of whitespace and typographic quotes/dashes only."""
    wanted = normalise(quote)
    if len(wanted) < MIN_QUOTE_CHARS:
        return False
    return wanted in _normalised_page(page_text)


def quote_span(quote: str, page_text: str) -> tuple[int, int] | None:
    """Where `quote` is in `page_text`, as (start, end) offsets into the original text, under
    the same equivalences as quote_on_page; None when it is not there. For highlighting."""
    wanted = normalise(quote)
    if not wanted:
        return None
    flat: list[str] = []
    origin: list[int] = []
    after_space = True  # leading whitespace is dropped, as normalise() strips it
    for position, character in enumerate(page_text):
        for normal in unicodedata.normalize("NFKC", character).translate(_EQUIVALENTS):
            if normal.isspace():
                if after_space:
                    continue
                normal, after_space = " ", True
            else:
                after_space = False
            flat.append(normal)
            origin.append(position)
    found = "".join(flat).find(wanted)
    if found < 0:
        return None
    return origin[found], origin[found + len(wanted) - 1] + 1
