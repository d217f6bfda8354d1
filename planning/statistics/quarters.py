"""Quarters of the year, as the returns count them."""

import dataclasses
import datetime

# The financial years a quarter read from a link or a query string may fall in: wide enough
# for any return, narrow enough that every quarter of the periods around it has real dates.
FIRST_YEAR, LAST_YEAR = 1900, 2999


@dataclasses.dataclass(frozen=True, order=True)
class Quarter:
    """A quarter of the financial year, as the PS1/PS2 returns use: Q1 is April to June.
    `year` is the year the financial year starts: Quarter(2026, 4) is January-March 2027."""

    year: int
    number: int

    def __post_init__(self) -> None:
        if self.number not in (1, 2, 3, 4):
            raise ValueError("A quarter is numbered 1 to 4.")

    @classmethod
    def containing(cls, day: datetime.date) -> "Quarter":
        if day.month >= 4:
            return cls(day.year, (day.month - 4) // 3 + 1)
        return cls(day.year - 1, 4)

    @classmethod
    def last_complete(cls, today: datetime.date) -> "Quarter":
        """The quarter before today's: what a page or a download shows unless told."""
        return cls.containing(today).previous()

    @classmethod
    def from_slug(cls, slug: str) -> "Quarter":
        """A quarter from its slug, e.g. "2026-q3". Raises ValueError, also for a year outside
        FIRST_YEAR..LAST_YEAR: "9999-q4" or "0000-q1" would otherwise parse and then fail
        when a page asks for its dates (no such day as 1 January 10000)."""
        year, _, number = slug.lower().partition("-q")
        if not (year.isdigit() and len(year) == 4 and number in ("1", "2", "3", "4")):
            raise ValueError(f"{slug!r} is not a quarter such as 2026-q3.")
        if not FIRST_YEAR <= int(year) <= LAST_YEAR:
            raise ValueError(f"{slug!r} is not a quarter from {FIRST_YEAR} to {LAST_YEAR}.")
        return cls(int(year), int(number))

    @property
    def slug(self) -> str:
        return f"{self.year}-q{self.number}"

    @property
    def start(self) -> datetime.date:
        month = 3 * self.number + 1  # 4, 7, 10, 13
        return datetime.date(self.year + (month > 12), (month - 1) % 12 + 1, 1)

    @property
    def end(self) -> datetime.date:
        return self.next().start - datetime.timedelta(days=1)

    def next(self) -> "Quarter":
        return (
            Quarter(self.year + 1, 1) if self.number == 4 else Quarter(self.year, self.number + 1)
        )

    def previous(self) -> "Quarter":
        return (
            Quarter(self.year - 1, 4) if self.number == 1 else Quarter(self.year, self.number - 1)
        )

    def __str__(self) -> str:
        return f"{self.year}-{(self.year + 1) % 100:02d} Q{self.number}"

    @property
    def months(self) -> str:
        """E.g. "October to December 2026"."""
        return f"{self.start:%B} to {self.end:%B %Y}"


# How a quarter is named, for a person who named one wrongly.
QUARTER_HELP = (
    "a quarter of the financial year such as 2026-q2 (the year it starts in, then q1 for April "
    f"to June up to q4 for January to March), from {FIRST_YEAR} to {LAST_YEAR}"
)


class QuarterInvalid(ValueError):
    """A name that is not a quarter's; the message says what to give instead."""


def quarter_named(slug: str | None, *, today: datetime.date) -> Quarter:
    """The quarter `slug` names; no slug at all names the last complete one. Raises
    QuarterInvalid (an empty slug too: given empty is a mistake, not a default)."""
    if slug is None:
        return Quarter.last_complete(today)
    try:
        return Quarter.from_slug(slug)
    except ValueError:
        raise QuarterInvalid(f"“{slug[:40]}” is not a quarter. Give {QUARTER_HELP}.") from None


def quarters_ending(last: Quarter, count: int) -> list[Quarter]:
    """`count` consecutive quarters, oldest first, ending with `last`."""
    quarters = [last]
    while len(quarters) < count:
        quarters.append(quarters[-1].previous())
    return quarters[::-1]
