"""The report's tables written out: a workbook with one sheet per table, a CSV per table,
and all the CSVs in one zip. The PDF summary is `seminar_app.reports.pdf_report`.

Rows are written as they are generated, never gathered first: the workbook is written in
openpyxl's write-only mode (each sheet goes to a temporary file as it grows) and a CSV is
produced in chunks. Every text cell is neutralised as in the registration exports
(`registration.exports.neutralise`): an event title or outcome such as "=HYPERLINK(...)"
is shown as text, never run as a formula. Numbers stay numbers.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Iterator
from datetime import date
from typing import IO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from seminar_app.registration.exports import neutralise, xlsx_text
from seminar_app.reports.tables import Cell, Table
from seminar_app.workbooks import sheet_title

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# A bare type: werkzeug appends "; charset=utf-8" to every text/* mimetype itself.
CSV_MIMETYPE = "text/csv"
# Rows per chunk of a streamed CSV: large enough for few writes, small enough to stay flat.
CSV_CHUNK_ROWS = 200


def _csv_cell(value: Cell) -> str | int | float:
    if value is None:
        return ""
    return neutralise(value) if isinstance(value, str) else value


def csv_chunks(table: Table) -> Iterator[bytes]:
    """The table as UTF-8 CSV with a byte-order mark (so that Excel reads accents right),
    in chunks of `CSV_CHUNK_ROWS` rows; the first chunk is the header."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([neutralise(h) for h in table.header])
    yield buffer.getvalue().encode("utf-8-sig")
    buffer.seek(0)
    buffer.truncate()
    for count, row in enumerate(table.rows(), start=1):
        writer.writerow([_csv_cell(v) for v in row])
        if count % CSV_CHUNK_ROWS == 0:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue().encode("utf-8")


def write_csv(table: Table, fileobj: IO[bytes]) -> None:
    for chunk in csv_chunks(table):
        fileobj.write(chunk)


def csv_zip(tables: Iterable[Table], fileobj: IO[bytes]) -> None:
    """One `<name>.csv` per table in a zip archive; `fileobj` may be unseekable."""
    with zipfile.ZipFile(fileobj, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for table in tables:
            with archive.open(f"{table.name}.csv", "w") as member:
                write_csv(table, member)


def _xlsx_cell(value: Cell) -> str | int | float | None:
    return xlsx_text(value) if isinstance(value, str) else value


def write_xlsx(tables: Iterable[Table], fileobj: IO[bytes]) -> None:
    """One sheet per table, in order: bold header row, frozen, columns sized for their content."""
    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    taken: set[str] = set()
    for table in tables:
        sheet = workbook.create_sheet(title=sheet_title(table.title, taken))
        for index, (_header, width) in enumerate(table.columns, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = width
        sheet.freeze_panes = "A2"
        header: list[WriteOnlyCell] = []
        for text in table.header:
            cell = WriteOnlyCell(sheet, value=xlsx_text(text))
            cell.font = bold
            header.append(cell)
        sheet.append(header)
        for row in table.rows():
            sheet.append([_xlsx_cell(v) for v in row])
    workbook.save(fileobj)


def export_filename(
    slug: str,
    today: date,
    extension: str,
    table: str = "",
    *,
    date_from: date | None = None,
    date_to: date | None = None,
) -> str:
    """`<project-slug>-report-<YYYY-MM-DD>[-<period>][-<table>].<extension>`, the period
    being the filter's: `from-<date>-to-<date>`, or only one side of it when only one is set."""
    period = ""
    if date_from:
        period += f"-from-{date_from.isoformat()}"
    if date_to:
        period += f"-to-{date_to.isoformat()}"
    return f"{slug}-report-{today.isoformat()}{period}{'-' + table if table else ''}.{extension}"
