"""One row of a plan file read into a planned event's values, with a message for each value
that cannot be read (never an exception). Pure functions: what the values mean for the
project (its partners, the codes already planned) is decided in `plan_import_services`."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

import pycountry
from flask_babel import gettext as _

from seminar_app.enums import EventFormat
from seminar_app.funding.plan_import import fold

_FORMATS = {
    "in person": EventFormat.IN_PERSON,
    "inperson": EventFormat.IN_PERSON,
    "onsite": EventFormat.IN_PERSON,
    "on site": EventFormat.IN_PERSON,
    "face to face": EventFormat.IN_PERSON,
    "physical": EventFormat.IN_PERSON,
    "online": EventFormat.ONLINE,
    "virtual": EventFormat.ONLINE,
    "hybrid": EventFormat.HYBRID,
    "blended": EventFormat.HYBRID,
}


@dataclass
class PlanRow:
    """One row read: values in the product's terms, and what is wrong with it (messages)."""

    line: int
    code: str = ""
    title: str = ""
    partner: str = ""
    country: str = ""
    month: date | None = None
    format: str = EventFormat.IN_PERSON.value
    local: int | None = 0
    international: int | None = 0
    budget: Decimal | None = None
    problems: list[str] = field(default_factory=list)


_MONTH_FORMATS = (
    re.compile(r"^(?P<y>\d{4})-(?P<m>\d{1,2})(?:-\d{1,2})?$"),
    re.compile(r"^(?P<m>\d{1,2})[/.-](?P<y>\d{4})$"),
    re.compile(r"^\d{1,2}[/.](?P<m>\d{1,2})[/.](?P<y>\d{4})$"),
    re.compile(r"^(?P<y>\d{4})/(?P<m>\d{1,2})$"),
)


def parse_month(text: str) -> date | None:
    """The first day of the month written as YYYY-MM, MM/YYYY, YYYY/MM or a date
    (YYYY-MM-DD, DD/MM/YYYY, as an XLSX date cell is read); None when it is none of them."""
    text = text.strip().split("T")[0].split(" ")[0]
    for pattern in _MONTH_FORMATS:
        match = pattern.match(text)
        if match:
            year, month = int(match["y"]), int(match["m"])
            if 1 <= month <= 12 and 1900 <= year <= 2999:
                return date(year, month, 1)
            return None
    return None


def parse_count(text: str) -> int | None:
    """A whole number of participants (empty: 0); None when it is not one."""
    text = text.strip().replace(" ", "")
    if not text:
        return 0
    if re.fullmatch(r"-?\d{1,12}(\.0+)?", text):
        return int(text.split(".")[0])
    return None


def parse_amount(text: str) -> Decimal | None:
    """An amount with an optional currency sign or code and thousands separators (1,500.00
    or 1.500,00); None when it is not one. Empty: None as well (the caller tells apart)."""
    text = re.sub(r"(?i)eur|€|\s|\u00a0", "", text)
    if not re.fullmatch(r"-?[\d.,]{1,20}", text):
        return None
    marks = [c for c in text if c in ",."]
    if "," in text and "." in text:
        decimal_mark = marks[-1]
    elif marks:
        after = len(text) - text.rfind(marks[0]) - 1
        decimal_mark = marks[0] if len(marks) == 1 and after != 3 else ""
    else:
        decimal_mark = ""
    for mark in {",", "."} - {decimal_mark}:
        text = text.replace(mark, "")
    try:
        amount = Decimal(text.replace(",", "."))
    except InvalidOperation:
        return None
    return amount if amount.is_finite() else None


def parse_country(text: str) -> str | None:
    """An ISO 3166 alpha-2 code from a code or an English country name; "" when empty."""
    text = text.strip()
    if not text:
        return ""
    try:
        return str(pycountry.countries.lookup(text).alpha_2)
    except (LookupError, AttributeError):
        return None


def read_plan_row(line: int, values: dict[str, str]) -> PlanRow:
    """One row's values read, with a message per value that cannot be read."""
    row = PlanRow(line, code=values.get("code", ""), title=" ".join(values.get("title", "").split()))
    row.partner = values.get("partner", "")
    if not row.code:
        row.problems.append(_("the code is missing"))
    elif len(row.code) > 20:
        row.problems.append(_("the code is longer than 20 characters"))
    if not row.title:
        row.problems.append(_("the title is missing"))
    elif len(row.title) > 200:
        row.problems.append(_("the title is longer than 200 characters"))
    if not row.partner:
        row.problems.append(_("the partner is missing"))
    country = parse_country(values.get("country", ""))
    if country is None:
        row.problems.append(_("“%(value)s” is not a country", value=values.get("country", "")[:40]))
    row.country = country or ""
    month_text = values.get("month", "")
    row.month = parse_month(month_text)
    if row.month is None:
        row.problems.append(
            _("“%(value)s” is not a month (write 2026-03 or 03/2026)", value=month_text[:40])
            if month_text
            else _("the month is missing")
        )
    format_text = fold(values.get("format", ""))
    if format_text:
        found = _FORMATS.get(format_text)
        if found is None:
            row.problems.append(
                _("“%(value)s” is not a format (in person, online or hybrid)", value=values.get("format", "")[:40])
            )
        else:
            row.format = found.value
    for column, label in (("local", _("local participants")), ("international", _("international participants"))):
        count = parse_count(values.get(column, ""))
        setattr(row, column, count)
        if count is None:
            row.problems.append(
                _("%(what)s: “%(value)s” is not a whole number", what=label, value=values.get(column, "")[:40])
            )
    budget_text = values.get("budget", "").strip()
    if budget_text:
        row.budget = parse_amount(budget_text)
        if row.budget is None:
            row.problems.append(_("the budget “%(value)s” is not an amount", value=budget_text[:40]))
    return row
