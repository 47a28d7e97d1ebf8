"""Reading a plan file (CSV with comma, semicolon or tab; UTF-8 with or without BOM, UTF-16
or Windows-1252; or the first sheet of an XLSX workbook) into rows of planned events.
Pure functions: no database, no request. Whatever the bytes, the only exception raised is
`PlanFileError`. Each row's values are read in `plan_rows`; what the rows mean for the
project's plan (partners, existing codes) is decided in `plan_import_services`.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import gettext as _
from flask_babel import ngettext

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
