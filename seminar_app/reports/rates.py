"""One rounding rule for every percentage a report shows: whole percents, half to even.

The dashboard writes rates with Babel's percent format (the `percentformat` filter), which
rounds to whole percents that way; the PDF calls `format_rate`, the same formatter, and the
CSV and XLSX tables write `whole_percent`, the same rounding as a number. So 2 of 3 reads
67 % everywhere, never 66,7 % in one file and 67 % on the screen.
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal

from flask_babel import format_percent

NO_RATE = "–"


def whole_percent(rate: float | None) -> int | None:
    """`rate` (0 to 1, or more) as a whole percent, rounded as `format_rate` rounds it."""
    if rate is None:
        return None
    return int((Decimal(str(rate)) * 100).quantize(Decimal(1), rounding=ROUND_HALF_EVEN))


def format_rate(rate: float | None) -> str:
    """`rate` as the reader's locale writes a percent ("67%", "67 %", "%67"); a dash for none."""
    return NO_RATE if rate is None else format_percent(rate)
