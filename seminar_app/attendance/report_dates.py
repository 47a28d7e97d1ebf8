"""Dates and times as attendance reports write them, read in the report's own format.

Zoom writes US dates ("10/14/2026 09:58:12 AM", "Oct 14, 2026 09:58:12 AM"); Teams writes
the organiser's locale ("14/10/2026, 09:58:12", "10/14/2026, 9:58:12 AM", "14.10.2026
09:58"); some tools write ISO ("2026-10-14 09:58:12"). One order is chosen for the whole
report: the only one every date fits, else (every date fits both, such as 03/04/2026)
the one putting most dates on the event's days, else the tool's usual one (the preview
then flags that the report's day is not the event's)."""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import gettext as _

MONTH_FIRST, DAY_FIRST = "MDY", "DMY"
ORDERS = (MONTH_FIRST, DAY_FIRST)
EXAMPLES = "10/14/2026 09:58:12 AM, Oct 14, 2026 09:58:12 AM, 14/10/2026, 09:58:12, 2026-10-14 09:58:12"

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}
_ISO = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})")
_NUMERIC = re.compile(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4}|\d{2})(?!\d)")
_MONTH_NAME_FIRST = re.compile(r"([a-z]{3,9})\.?\s+(\d{1,2}),?\s+(\d{4})")
_DAY_FIRST_NAME = re.compile(r"(\d{1,2})\.?[\s-]+([a-z]{3,9})\.?,?[\s-]+(\d{4})")
_TIME = re.compile(r"(\d{1,2}):(\d{2})(?::(\d{2}))?(?:[.,]\d+)?\s*(?:([ap])\.?\s*m\.?)?")
_ZONE = re.compile(r"\s*(?:z|(?:utc|gmt)?\s*[+-]\d{1,2}(?::?\d{2})?|\(?(?:utc|gmt)\)?)$")


def _date_part(text: str, order: str) -> tuple[date, str]:
    if m := _ISO.match(text):
        y, mo, d = (int(g) for g in m.groups())
    elif m := _NUMERIC.match(text):
        a, b, y = int(m.group(1)), int(m.group(2)), int(m.group(3))
        y += 2000 if len(m.group(3)) == 2 else 0
        mo, d = (a, b) if order == MONTH_FIRST else (b, a)
    elif (m := _MONTH_NAME_FIRST.match(text)) and m.group(1) in _MONTHS:
        mo, d, y = _MONTHS[m.group(1)], int(m.group(2)), int(m.group(3))
    elif (m := _DAY_FIRST_NAME.match(text)) and m.group(2) in _MONTHS:
        d, mo, y = int(m.group(1)), _MONTHS[m.group(2)], int(m.group(3))
    else:
        raise ValueError(f"not a date: {text!r}")
    return date(y, mo, d), text[m.end() :]


def parse_timestamp(text: str, order: str = MONTH_FIRST) -> datetime:
    """The moment `text` writes (naive, in the report's local time), reading numeric dates
    in `order`. Raises ValueError when it is not a date and time we read."""
    value = " ".join(text.strip().casefold().split())
    day, rest = _date_part(value, order)
    rest = _ZONE.sub("", rest.lstrip(" ,t"))
    if not rest:
        return datetime(day.year, day.month, day.day)
    clock = _TIME.fullmatch(rest)
    if clock is None:
        raise ValueError(f"not a time: {text!r}")
    hour, minute, second = int(clock.group(1)), int(clock.group(2)), int(clock.group(3) or 0)
    if clock.group(4):
        if not 1 <= hour <= 12:
            raise ValueError(f"not a 12-hour time: {text!r}")
        hour = hour % 12 + (12 if clock.group(4) == "p" else 0)
    return datetime(day.year, day.month, day.day, hour, minute, second)


def _fits(sample: str, order: str) -> bool:
    try:
        parse_timestamp(sample, order)
    except ValueError:
        return False
    return True


@dataclass(frozen=True)
class DateReading:
    """How a report's dates are read: `order` (None when they cannot be read) and, when not,
    a message naming what was expected and what was found."""

    order: str | None
    problem: str = ""
    ambiguous: bool = False
    seen: bool = True

    def read(self, text: str) -> datetime | None:
        """The moment `text` writes; None for an empty cell, "--" or unreadable dates."""
        if self.order is None or not text.strip() or text.strip() == "--":
            return None
        try:
            return parse_timestamp(text, self.order)
        except ValueError:
            return None


def is_timestamp_cell(text: str) -> bool:
    return bool(text.strip()) and text.strip() != "--"


def choose_order(samples: Iterable[str], *, days: Collection[date] = (), usual: str = MONTH_FIRST) -> DateReading:
    """The one order every sample fits; when both fit, the one putting most samples on
    `days` (the tool's `usual` one on a tie)."""
    values = [s for s in samples if is_timestamp_cell(s)]
    if not values:
        return DateReading(usual, seen=False)
    fitting = [o for o in ORDERS if all(_fits(s, o) for s in values)]
    if not fitting:
        found = next((s for s in values if not _fits(s, usual)), values[0])
        return DateReading(
            None,
            _(
                "The dates in this report could not be read: expected dates such as %(examples)s; found “%(found)s”.",
                examples=EXAMPLES,
                found=found.strip()[:60],
            ),
        )
    if len(fitting) == 1:
        return DateReading(fitting[0])

    def on_event_days(order: str) -> tuple[int, bool]:
        return sum(parse_timestamp(s, order).date() in days for s in values), order == usual

    best = max(fitting, key=on_event_days)
    ambiguous = any(parse_timestamp(s, MONTH_FIRST) != parse_timestamp(s, DAY_FIRST) for s in values)
    return DateReading(best, ambiguous=ambiguous)
