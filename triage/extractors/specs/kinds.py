"""Kinds of building and the words that name them: a subject naming another kind of building
than the application's is about another building."""

import re

# Kinds of building, each with the words that name it.
BUILDING_KINDS: dict[str, tuple[str, ...]] = {
    "house": (
        "house",
        "houses",
        "dwelling",
        "dwellings",
        "dwellinghouse",
        "home",
        "cottage",
        "villa",
        "bungalow",
        "flat",
        "flats",
        "maisonette",
    ),
    "farmhouse": ("farmhouse",),
    "barn": ("barn", "agricultural building"),
    "outbuilding": ("outbuilding", "shed", "stable", "stables", "workshop"),
    "garage": ("garage",),
    "pub": ("pub", "public house", "inn"),
    "church": ("church", "chapel"),
    "hall": ("hall",),
    "lodge": ("lodge", "lodges"),
    "warehouse": ("warehouse",),
    "office": ("office", "offices"),
    "shop": ("shop",),
    "mill": ("mill",),
}
_KIND_WORDS = {word: kind for kind, words in BUILDING_KINDS.items() for word in words}
_KIND_PATTERN = re.compile(
    r"\b(" + "|".join(sorted(map(re.escape, _KIND_WORDS), key=len, reverse=True)) + r")\b", re.I
)


def building_kinds(text: str) -> frozenset[str]:
    return frozenset(_KIND_WORDS[word.lower()] for word in _KIND_PATTERN.findall(text))
