"""An event's registration list as CSV and XLSX, for the organiser who holds the data.

Both formats carry the same rows, and every cell goes through `neutralise`: names and
organisations are typed by the public, and a spreadsheet would run a cell such as
"=HYPERLINK(...)" as a formula when the organiser opens the file.

Times are a real date-time in the XLSX (a number with a date format, so that it sorts and
filters as a date) and "YYYY-MM-DD HH:MM" in the CSV, both in the event's time zone, which
the column's header names.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from seminar_app import geo
from seminar_app.enums import ConsentPurpose, RegistrationStatus
from seminar_app.events.models import Event
from seminar_app.registration.queries import RegistrationRow, registration_rows
from seminar_app.timefmt import to_local
from seminar_app.workbooks import sheet_title

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
XLSX_DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
CSV_DATETIME_FORMAT = "%Y-%m-%d %H:%M"
ExportCell = str | datetime


def neutralise(value: str) -> str:
    """The text a spreadsheet shows as text: a leading quote stops it from being read as a formula."""
    return "'" + value if value.startswith(FORMULA_TRIGGERS) else value


def columns(event: Event) -> list[tuple[str, int]]:
    """Header and XLSX width (in characters) of every column, in order."""
    return [
        (_("Name"), 28),
        (_("E-mail"), 32),
        (_("Organisation"), 30),
        (_("City"), 18),
        (_("Country"), 18),
        (_("Function or role"), 24),
        (_("Stakeholder group"), 26),
        (_("Attends"), 10),
        (_("Status"), 24),
        (_("Partner staff"), 12),
        (_("Language"), 14),
        (_("Registered at (time in %(zone)s)", zone=event.timezone), 20),
        (_("Consent: photos and recording"), 16),
        (_("Consent: name on attendee list"), 16),
        (_("Consent: news about the project"), 16),
        (_("Access needs"), 40),
    ]


def _yes_no(value: bool) -> str:
    return _("Yes") if value else _("No")


def _status(row: RegistrationRow) -> str:
    registration = row.registration
    if registration.status is RegistrationStatus.WAITLISTED and row.waitlist_position:
        return _("On the waiting list (number %(position)d)", position=row.waitlist_position)
    return registration.status.label


def _consent(row: RegistrationRow, purpose: ConsentPurpose) -> str:
    registration = row.registration
    if registration.is_erased:
        return ""
    if not registration.consents:
        # People added by an organiser were never asked.
        return _("Not asked")
    return _yes_no(registration.consent_given(purpose))


def _registered_at(event: Event, row: RegistrationRow) -> datetime:
    """The wall-clock time in the event's zone, to the minute (spreadsheets have no zones)."""
    local = to_local(row.registration.created_at, event.timezone)
    return local.replace(tzinfo=None, second=0, microsecond=0)


def export_row(event: Event, row: RegistrationRow) -> list[ExportCell]:
    """One registration as the cells of an export row (not yet neutralised)."""
    r = row.registration
    erased = r.is_erased
    return [
        _("Erased") if erased else r.name,
        "" if erased else r.email or "",
        r.organisation,
        r.organisation_city,
        geo.country_name(r.organisation_country) if r.organisation_country else "",
        r.function_role,
        row.group_label,
        r.mode.label,
        _status(row),
        _yes_no(r.is_partner_staff),
        geo.language_name(r.language),
        _registered_at(event, row),
        _consent(row, ConsentPurpose.PHOTOS),
        _consent(row, ConsentPurpose.ATTENDEE_LIST),
        _consent(row, ConsentPurpose.NEWS),
        r.access_needs,
    ]


def export_rows(event: Event) -> list[list[ExportCell]]:
    """Every registration of `event`, oldest first, as export rows."""
    return [export_row(event, row) for row in registration_rows(event, with_consents=True)]


def _csv_cell(value: ExportCell) -> str:
    return value.strftime(CSV_DATETIME_FORMAT) if isinstance(value, datetime) else neutralise(value)


def stream_csv(header: Sequence[str], rows: Iterable[Sequence[ExportCell]], batch: int = 1_000) -> Iterator[bytes]:
    """UTF-8 with a byte-order mark, so that Excel reads accents right; quoted by the csv
    module; a chunk every `batch` rows, so that a long export never sits whole in memory."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([neutralise(h) for h in header])
    yield codecs.BOM_UTF8
    for number, row in enumerate(rows, start=1):
        writer.writerow([_csv_cell(cell) for cell in row])
        if number % batch == 0:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode()


def to_csv(header: Sequence[str], rows: Iterable[Sequence[ExportCell]]) -> bytes:
    return b"".join(stream_csv(header, rows))


def xlsx_text(value: str) -> str:
    # Control characters are not allowed in XLSX; they are dropped before neutralising so
    # that removing them cannot uncover a formula.
    return neutralise(ILLEGAL_CHARACTERS_RE.sub("", value))


def to_xlsx(header: Sequence[str], widths: Sequence[int], rows: Iterable[Sequence[ExportCell]], title: str) -> bytes:
    """A one-sheet workbook written in openpyxl's streaming mode: bold header row, frozen,
    columns sized for their content."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=sheet_title(title, set()))
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header_cells = []
    for text in header:
        cell = WriteOnlyCell(sheet, value=xlsx_text(text))
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    for row in rows:
        sheet.append([_xlsx_cell(sheet, cell) for cell in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _xlsx_cell(sheet: object, value: ExportCell) -> str | WriteOnlyCell:
    if not isinstance(value, datetime):
        return xlsx_text(value)
    cell = WriteOnlyCell(sheet, value=value)
    cell.number_format = XLSX_DATETIME_FORMAT
    return cell


def csv_export(event: Event) -> bytes:
    return to_csv([h for h, _width in columns(event)], export_rows(event))


def xlsx_export(event: Event) -> bytes:
    cols = columns(event)
    return to_xlsx([h for h, _w in cols], [w for _h, w in cols], export_rows(event), _("Registrations"))


def export_filename(event: Event, extension: str) -> str:
    """`<event-slug>-registrations-<local start date>.<extension>`."""
    return f"{event.slug}-registrations-{event.local_start:%Y-%m-%d}.{extension}"
