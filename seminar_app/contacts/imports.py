"""Contact files (CSV with any common delimiter, or a sheet of an XLSX workbook) read
into a table, and their rows read into contacts (what the columns and values mean is
recognised in `recognition`). Pure functions: no database, no request. What the rows
mean for the partner's existing contacts is decided in `import_services`.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from flask_babel import gettext as _
from flask_babel import ngettext

from seminar_app.contacts.models import normalise_email
from seminar_app.contacts.recognition import FIELDS, country_code, has_known_header, language_code, plain
from seminar_app.contacts.recognition import guess_mapping as guess_mapping
from seminar_app.errors import DomainError, ValidationFailed
from seminar_app.textfiles import UnreadableText, decode_text
from seminar_app.validation import is_email, storable
from seminar_app.workbooks import WorkbookTooLarge, sheet_heads, sheet_rows

MAX_IMPORT_BYTES = 2 * 1024 * 1024
MAX_IMPORT_ROWS = 10_000
MAX_XLSX_CELLS = (MAX_IMPORT_ROWS + 1) * 100  # a sheet of the most rows, 100 columns wide
_DELIMITERS = (",", ";", "\t")
_NOT_TEXT = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f\ud800-\udfff]")

_MAX_LENGTHS = {"name": 200, "organisation": 200}
_HEAD_ROWS = 20  # rows of each sheet looked at to find the one holding the list
MAPPABLE_VALUES = ("stakeholder_group", "language")  # fields whose unknown values the organiser maps


class ContactFileError(DomainError):
    """The uploaded file cannot be read as a table of contacts; nothing was saved."""

    code = "contact_file_unreadable"

    def __init__(self, message: str) -> None:
        super().__init__(message, field="file")


@dataclass(frozen=True)
class Table:
    """A file's header row and its data rows, each with its 1-based line in the file; for a
    workbook, the sheet they come from, every sheet's name, and how many sheets before it
    were passed over for having no recognisable header row."""

    kind: str  # "CSV" or "XLSX"
    encoding: str
    headers: list[str]
    rows: list[tuple[int, list[str]]]
    sheet: str = ""
    sheets: tuple[str, ...] = ()
    skipped_sheets: int = 0

    @property
    def last_line(self) -> int:
        return self.rows[-1][0] if self.rows else 1


@dataclass
class ImportedContact:
    """One address of the file (several rows with the same address merged into one)."""

    line: int
    email: str
    name: str = ""
    organisation: str = ""
    country: str = ""
    stakeholder_group: str = ""
    language: str = ""
    notes: list[str] = field(default_factory=list)
    duplicate_lines: list[int] = field(default_factory=list)


@dataclass
class ReadContacts:
    contacts: list[ImportedContact]
    rejected: list[tuple[int, str]]
    # For each field of MAPPABLE_VALUES, the values not recognised (as first written) and
    # how many rows hold each, whether or not the organiser has mapped them since.
    unknown: dict[str, Counter[str]] = field(default_factory=dict)

    @property
    def duplicates(self) -> list[ImportedContact]:
        return [c for c in self.contacts if c.duplicate_lines]


# --- reading the file ------------------------------------------------------------------


def _not_a_table() -> ContactFileError:
    return ContactFileError(_("This is not a CSV or XLSX file. Save the list as CSV or XLSX and upload that."))


def is_workbook(data: bytes) -> bool:
    return data.startswith(b"PK\x03\x04")


def read_table(data: bytes, sheet: str | None = None) -> Table:
    """The header and rows of a CSV file (comma, semicolon or tab; UTF-8, UTF-16 or
    Windows-1252) or of a sheet of an XLSX workbook: the one named `sheet`, else the first
    whose header row names an e-mail column (else the first with an address in its first
    rows, else the first). Blank rows are skipped. Raises `ContactFileError` (and nothing
    else) for an empty, binary, oversized or header-only file or sheet, one where no
    column holds an e-mail address, or a `sheet` the workbook does not have."""
    if not data.strip():
        raise ContactFileError(_("The file is empty."))
    if len(data) > MAX_IMPORT_BYTES:
        raise ContactFileError(_("The file is larger than %(size)d MB.", size=MAX_IMPORT_BYTES // (1024 * 1024)))
    table = _read_xlsx(data, sheet) if is_workbook(data) else _read_csv(data)
    if not any(h.strip() for h in table.headers):
        raise ContactFileError(_("The file is empty."))
    if not table.rows:
        raise ContactFileError(_("The file has only a header row and no contacts."))
    if len(table.rows) > MAX_IMPORT_ROWS:
        raise ContactFileError(
            ngettext("The file has more than %(num)d row.", "The file has more than %(num)d rows.", MAX_IMPORT_ROWS)
        )
    if not any("@" in value for _line, row in table.rows for value in row):
        raise ContactFileError(_("This file has no column of e-mail addresses."))
    return table


def _delimiter(text: str) -> str:
    sample = "\n".join(text.splitlines()[:50])
    try:
        return csv.Sniffer().sniff(sample, delimiters="".join(_DELIMITERS)).delimiter
    except csv.Error:
        first = text.splitlines()[0] if text.splitlines() else ""
        return max(_DELIMITERS, key=first.count)


def _read_csv(data: bytes) -> Table:
    try:
        text, encoding = decode_text(data)
    except UnreadableText as exc:
        raise (_not_a_table() if exc.binary else ContactFileError(exc.message)) from None
    if _NOT_TEXT.search(text):
        raise _not_a_table()
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    headers: list[str] | None = None
    rows: list[tuple[int, list[str]]] = []
    try:
        while True:
            first_line = reader.line_num + 1
            try:
                row = next(reader)
            except StopIteration:
                break
            if not any(cell.strip() for cell in row):
                continue
            if headers is None:
                headers = [cell.replace("\ufeff", "").strip() for cell in row]
            else:
                rows.append((first_line, row))
                if len(rows) > MAX_IMPORT_ROWS:
                    break
    except csv.Error as exc:
        raise ContactFileError(_("This file is not a well-formed CSV file (%(reason)s).", reason=str(exc))) from None
    return Table("CSV", encoding, headers or [], rows)


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def _cells(values: tuple[object, ...]) -> list[str]:
    row = [_cell_text(v) for v in values]
    while row and not row[-1].strip():
        row.pop()  # spreadsheets pad rows to the widest one
    return row


def _choose_sheet(data: bytes, wanted: str | None) -> tuple[int, tuple[str, ...], int]:
    """The position of the sheet to read, every sheet's name, and how many were skipped."""
    heads = sheet_heads(data, max_cells=MAX_XLSX_CELLS, rows=_HEAD_ROWS)
    names = tuple(name for name, _rows in heads)
    if wanted is not None:
        if wanted not in names:
            raise ContactFileError(_("This workbook has no sheet “%(sheet)s”.", sheet=wanted[:80]))
        return names.index(wanted), names, 0
    rows = [[cells for cells in map(_cells, head) if cells] for _name, head in heads]
    for index, sheet in enumerate(rows):
        if sheet and has_known_header(sheet[0]):
            return index, names, index
    for index, sheet in enumerate(rows):
        if any("@" in value for cells in sheet for value in cells):
            return index, names, index
    return 0, names, 0


def _read_xlsx(data: bytes, wanted: str | None) -> Table:
    headers: list[str] | None = None
    rows: list[tuple[int, list[str]]] = []
    try:
        index, names, skipped = _choose_sheet(data, wanted)
        for number, values in sheet_rows(data, max_cells=MAX_XLSX_CELLS, sheet=index):
            row = _cells(values)
            if not row:
                continue
            if headers is None:
                headers = [cell.strip() for cell in row]
            else:
                rows.append((number, row))
                if len(rows) > MAX_IMPORT_ROWS:
                    break
    except (WorkbookTooLarge, ContactFileError) as exc:
        raise ContactFileError(exc.message) from None
    except Exception:  # a damaged or foreign zip file raises any of a dozen exception types
        raise _not_a_table() from None
    if any(_NOT_TEXT.search(cell) for cell in [*(headers or []), *names]):
        raise _not_a_table()
    return Table("XLSX", "XLSX", headers or [], rows, sheet=names[index], sheets=names, skipped_sheets=skipped)


# --- mapping columns to fields -----------------------------------------------------------


def check_mapping(table: Table, mapping: dict[str, int | None]) -> None:
    """Raises `ValidationFailed` (per field) when no column is chosen for the e-mail
    address, a chosen column does not exist, or two fields use the same column."""
    errors: dict[str, list[str]] = {}
    seen: dict[int, str] = {}
    for name in FIELDS:
        index = mapping.get(name)
        if index is None:
            continue
        if not 0 <= index < len(table.headers):
            errors[name] = [_("Choose one of the file's columns.")]
        elif index in seen:
            errors[name] = [_("This column is already used for “%(field)s”.", field=str(FIELDS[seen[index]]))]
        else:
            seen[index] = name
    if mapping.get("email") is None:
        errors.setdefault("email", []).append(
            _("No column heading was recognised as the e-mail address: choose the column that holds it.")
        )
    if errors:
        raise ValidationFailed(errors, _("The columns chosen cannot be imported."))


# --- reading rows into contacts ---------------------------------------------------------


def read_contacts(
    table: Table,
    mapping: dict[str, int | None],
    groups: Iterable[tuple[str, str]],
    chosen: Mapping[str, Mapping[str, str]] | None = None,
) -> ReadContacts:
    """The file's rows as contacts, one per address (rows repeating an address are merged
    into the first: a later row fills the fields the earlier ones left empty), and the
    rejected rows with their line and reason. A name split in two columns is joined
    (given name first). Group values are recognised from `groups` ((code, label) pairs:
    a project's group under any name it goes by), language values by code or name in any
    shipped language, both without case or accents; `chosen` maps, per field of
    `MAPPABLE_VALUES`, other values (as `recognition.plain` writes them) to a code.
    Country, group and language values still unknown are left empty with a note, and
    group and language ones counted in `unknown`. Expects a mapping accepted by
    `check_mapping`."""
    group_codes: dict[str, str] = {}
    for code, label in groups:
        group_codes.setdefault(plain(code), code)
        group_codes.setdefault(plain(label), code)
    chosen = chosen or {}
    unknown: dict[str, Counter[str]] = {name: Counter() for name in MAPPABLE_VALUES}
    spelling: dict[tuple[str, str], str] = {}

    def recognise(name: str, raw: str) -> str:
        code = group_codes.get(plain(raw)) if name == "stakeholder_group" else language_code(raw)
        if code:
            return code
        key = plain(raw)
        unknown[name][spelling.setdefault((name, key), raw[:80])] += 1
        return chosen.get(name, {}).get(key, "")

    width = len(table.headers)
    by_email: dict[str, ImportedContact] = {}
    rejected: list[tuple[int, str]] = []
    for line, row in table.rows:
        if len(row) > width and any(v.strip() for v in row[width:]):
            rejected.append(
                (
                    line,
                    _(
                        "line %(line)d has %(values)d values but the header has %(columns)d columns",
                        line=line,
                        values=len(row),
                        columns=width,
                    ),
                )
            )
            continue

        def value(name: str, row: list[str] = row) -> str:
            index = mapping.get(name)
            return " ".join(row[index].split()) if index is not None and index < len(row) else ""

        address = value("email")
        if not address:
            rejected.append((line, _("line %(line)d has no e-mail address", line=line)))
            continue
        if not storable(address) or not is_email(address) or len(address) > 254:
            rejected.append(
                (line, _("line %(line)d: '%(value)s' is not a valid e-mail address", line=line, value=address[:80]))
            )
            continue
        name = value("name") or " ".join(p for p in (value("first_name"), value("last_name")) if p)
        entry = ImportedContact(
            line=line, email=normalise_email(address), name=name, organisation=value("organisation")
        )
        problem = next(
            (
                label
                for key, label in (("name", FIELDS["name"]), ("organisation", FIELDS["organisation"]))
                if len(getattr(entry, key)) > _MAX_LENGTHS[key] or not storable(getattr(entry, key))
            ),
            None,
        )
        if problem is not None:
            rejected.append(
                (
                    line,
                    _(
                        "line %(line)d: the %(field)s is too long or holds control characters",
                        line=line,
                        field=str(problem).lower(),
                    ),
                )
            )
            continue
        if raw := value("country"):
            entry.country = country_code(raw) or ""
            if not entry.country:
                entry.notes.append(_("country “%(value)s” not recognised, left empty", value=raw[:40]))
        if raw := value("stakeholder_group"):
            entry.stakeholder_group = recognise("stakeholder_group", raw)
            if not entry.stakeholder_group:
                entry.notes.append(_("stakeholder group “%(value)s” not recognised, left empty", value=raw[:40]))
        if raw := value("language"):
            entry.language = recognise("language", raw)
            if not entry.language:
                entry.notes.append(_("language “%(value)s” not recognised, left empty", value=raw[:40]))
        first = by_email.get(entry.email)
        if first is None:
            by_email[entry.email] = entry
            continue
        first.duplicate_lines.append(line)
        for key in ("name", "organisation", "country", "stakeholder_group", "language"):
            if not getattr(first, key) and getattr(entry, key):
                setattr(first, key, getattr(entry, key))
        first.notes.extend(entry.notes)
    return ReadContacts(list(by_email.values()), rejected, unknown)
