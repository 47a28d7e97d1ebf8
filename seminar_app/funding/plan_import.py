"""Reading a plan file (CSV with comma, semicolon or tab; UTF-8 with or without BOM, UTF-16
or Windows-1252; or the first sheet of an XLSX workbook) into rows of planned events.
Pure functions: no database, no request. Whatever the bytes, the only exception raised is
`PlanFileError`; a row's own mistakes are listed with it, never raised. What the rows
mean for the project's plan (partners, existing codes) is decided in `plan_import_services`.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

import pycountry
from flask_babel import gettext as _
from flask_babel import ngettext

from seminar_app.enums import EventFormat
from seminar_app.errors import DomainError
from seminar_app.textfiles import UnreadableText, decode_text
from seminar_app.workbooks import sheet_rows

MAX_PLAN_BYTES = 1024 * 1024
MAX_PLAN_ROWS = 500  # a plan has a handful of events; more is another file
MAX_XLSX_CELLS = (MAX_PLAN_ROWS + 1) * 50
_NOT_TEXT = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f\ud800-\udfff]")

# Column -> the headers that name it, folded (lower case, accents and punctuation dropped).
COLUMNS: dict[str, tuple[str, ...]] = {
    "code": ("code", "event code", "id", "ref", "reference", "no", "number"),
    "title": ("title", "event title", "name", "event", "event name"),
    "partner": ("partner", "organisation", "organization", "beneficiary", "partner short name", "host"),
    "country": ("country", "country code"),
    "month": ("month", "planned month", "date", "planned date", "when", "period"),
    "format": ("format", "mode", "type"),
    "local": ("local", "local participants", "planned local", "planned local participants", "participants local"),
    "international": (
        "international",
        "international participants",
        "planned international",
        "planned international participants",
        "participants international",
        "foreign",
    ),
    "budget": ("budget", "budgeted amount", "amount", "grant", "budget eur", "budgeted"),
}
REQUIRED = ("code", "title", "partner", "month")
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


class PlanFileError(DomainError):
    """The uploaded file cannot be read as a plan; nothing was saved."""

    code = "plan_file_unreadable"

    def __init__(self, message: str) -> None:
        super().__init__(message, field="file")


@dataclass(frozen=True)
class PlanTable:
    """The recognised columns' values of each data row, with the row's 1-based line."""

    kind: str  # "CSV" or "XLSX"
    rows: list[tuple[int, dict[str, str]]]


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


def fold(text: str) -> str:
    """Lower case, accents dropped, punctuation as spaces, spaces collapsed."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", plain).split())


def _column_of(header: str) -> str | None:
    folded = fold(header)
    for column, names in COLUMNS.items():
        if folded in names:
            return column
    return None


def _csv_rows(data: bytes) -> list[tuple[int, list[str]]]:
    try:
        text, _encoding = decode_text(data)
    except UnreadableText as exc:
        raise PlanFileError(_("This is not a CSV or XLSX file.") if exc.binary else exc.message) from None
    if _NOT_TEXT.search(text):
        raise PlanFileError(_("This is not a CSV or XLSX file."))
    text = text.lstrip("\ufeff")
    first = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = max((";", ",", "\t"), key=first.count)
    rows: list[tuple[int, list[str]]] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        while len(rows) <= MAX_PLAN_ROWS + 1:
            line = reader.line_num + 1
            try:
                row = next(reader)
            except StopIteration:
                break
            if any(cell.strip() for cell in row):
                rows.append((line, row))
    except csv.Error as exc:
        raise PlanFileError(_("This file is not a well-formed CSV file (%(reason)s).", reason=str(exc))) from None
    return rows


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _xlsx_rows(data: bytes) -> list[tuple[int, list[str]]]:
    rows: list[tuple[int, list[str]]] = []
    try:
        for number, values in sheet_rows(data, max_cells=MAX_XLSX_CELLS, sheet=0):
            row = [_cell(v) for v in values]
            if any(cell.strip() for cell in row):
                rows.append((number, row))
            if len(rows) > MAX_PLAN_ROWS + 1:
                break
    except DomainError as exc:
        raise PlanFileError(exc.message) from None
    except Exception:  # a damaged or foreign zip file raises any of a dozen exception types
        raise PlanFileError(_("This is not a CSV or XLSX file.")) from None
    if any(_NOT_TEXT.search(cell) for _line, row in rows for cell in row):
        raise PlanFileError(_("This is not a CSV or XLSX file."))
    return rows


def read_plan_table(data: bytes) -> PlanTable:
    """The file's rows by recognised column. Raises `PlanFileError` (and nothing else) for an
    empty, binary, oversized or header-only file, or one missing a required column."""
    if not data.strip():
        raise PlanFileError(_("The file is empty."))
    if len(data) > MAX_PLAN_BYTES:
        raise PlanFileError(_("The file is larger than 1 MB."))
    workbook = data.startswith(b"PK\x03\x04")
    raw = _xlsx_rows(data) if workbook else _csv_rows(data)
    if not raw:
        raise PlanFileError(_("The file is empty."))
    (_header_line, header), body = raw[0], raw[1:]
    columns: dict[str, int] = {}
    for index, name in enumerate(header):
        column = _column_of(name)
        if column is not None and column not in columns:
            columns[column] = index
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        raise PlanFileError(
            _(
                "The first row must name the columns; missing: %(columns)s. "
                "Expected headers: code, title, partner, country, month, format, local, international, budget.",
                columns=", ".join(missing),
            )
        )
    if not body:
        raise PlanFileError(_("The file has only a header row and no planned events."))
    if len(body) > MAX_PLAN_ROWS:
        raise PlanFileError(
            ngettext("The file has more than %(num)d row.", "The file has more than %(num)d rows.", MAX_PLAN_ROWS)
        )
    rows = [
        (line, {c: (cells[i].strip() if i < len(cells) else "") for c, i in columns.items()}) for line, cells in body
    ]
    return PlanTable("XLSX" if workbook else "CSV", rows)


# --- reading one row's values ------------------------------------------------------------

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
