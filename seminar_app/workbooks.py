"""Uploaded XLSX workbooks checked before any library unpacks them.

A workbook is a zip of XML parts: a file of one or two megabytes can unpack to gigabytes
(one shared string of 400 MB, millions of repeated cells) or declare a sheet of
16,384 x 1,048,576 cells, and a reader that trusts it runs out of memory. `check_workbook`
refuses such a file from the zip's directory and one streaming pass over its XML, in
bounded memory; `sheet_heads` and `sheet_rows` then read its sheets with openpyxl within
the same bounds. Every XLSX import goes through here.

`sheet_title` is the other direction: the name every export gives a sheet.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from collections.abc import Iterator
from xml.parsers import expat

from flask_babel import format_number
from flask_babel import gettext as _

from seminar_app.errors import DomainError

MAX_PARTS = 200
MAX_PART_BYTES = 16 * 1024 * 1024
MAX_UNPACKED_BYTES = 40 * 1024 * 1024
MAX_RATIO = 200  # unpacked / packed size of one part; checked for parts over 1 MB
_RATIO_FROM_BYTES = 1024 * 1024
_CHUNK = 64 * 1024
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main "
_CELL_REF = re.compile(r"([A-Za-z]{1,3})(\d{1,7})")


MAX_SHEET_TITLE = 31
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def _shorten(text: str, limit: int) -> str:
    """`text` cut to `limit` characters at a word boundary (mid-word only for a first word
    longer than the limit), without trailing spaces or punctuation."""
    if len(text) <= limit:
        return text
    cut = text[: limit + 1].rsplit(" ", 1)[0] if " " in text[: limit + 1] else text[:limit]
    return cut[:limit].rstrip(" ,;.-–") or text[:limit]


def sheet_title(title: str, taken: set[str]) -> str:
    """A valid sheet name for `title`, unique among `taken` (case-folded names, updated):
    at most 31 characters (Excel's limit), cut at a word boundary, none of []:*?/\\;
    a repeated name gets " 2", " 3"... within the limit."""
    base = _shorten(" ".join(_SHEET_FORBIDDEN.sub(" ", title).split()), MAX_SHEET_TITLE) or "Sheet"
    name, n = base, 2
    while name.casefold() in taken:
        suffix = f" {n}"
        name = _shorten(base, MAX_SHEET_TITLE - len(suffix)) + suffix
        n += 1
    taken.add(name.casefold())
    return name


class WorkbookTooLarge(DomainError):
    """The workbook would unpack to more data or cells than an import reads; nothing was read."""

    code = "workbook_too_large"


class DamagedWorkbook(DomainError):
    """The file starts like a zip but is not one that can be read."""

    code = "workbook_damaged"


def _too_large(max_cells: int) -> WorkbookTooLarge:
    return WorkbookTooLarge(
        _(
            "This workbook is too large to import: it unpacks to more than %(size)d MB or holds more than "
            "%(cells)s cells. Keep only the sheet with the list, or save it as CSV, and upload that.",
            size=MAX_UNPACKED_BYTES // (1024 * 1024),
            cells=format_number(max_cells),
        )
    )


def _column(letters: str) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - 64
    return number


def _dimension_cells(ref: str) -> int:
    corners = [_CELL_REF.fullmatch(part.replace("$", "")) for part in ref.split(":")]
    if not all(corners):
        return 0
    columns = [_column(c.group(1)) for c in corners if c]
    rows = [int(c.group(2)) for c in corners if c]
    return (max(columns) - min(columns) + 1) * (max(rows) - min(rows) + 1)


class _SheetCounter:
    """Counts, while an XML part streams past, the cells it holds and the rows x columns
    a reader would pad them to (from a `<dimension>` and from the cells' own positions)."""

    def __init__(self) -> None:
        self.cells = 0
        self.declared = 0
        self.last_row = 0
        self.last_column = 0
        self._row = 0
        self._column = 0

    def element(self, tag: str, attrib: dict[str, str]) -> None:
        if tag == "dimension":
            self.declared = max(self.declared, _dimension_cells(attrib.get("ref", "")))
        elif tag == "row":
            given = attrib.get("r", "")
            self._row = int(given) if given.isdigit() else self._row + 1
            self._column = 0
            self.last_row = max(self.last_row, self._row)
        elif tag == "c":
            self.cells += 1
            ref = _CELL_REF.fullmatch(attrib.get("r", ""))
            self._column = _column(ref.group(1)) if ref else self._column + 1
            self.last_column = max(self.last_column, self._column)

    @property
    def spread(self) -> int:
        return max(self.cells, self.declared, self.last_row * self.last_column)


def _refuse_doctype(*_args: object) -> None:
    raise ValueError("a document type declaration in a workbook part")


def _scan_part(archive: zipfile.ZipFile, info: zipfile.ZipInfo, max_cells: int) -> int:
    """Unpack one XML part in chunks (never beyond its declared size: zipfile checks the
    size and CRC) and return the cells a reader would make of it. No tree is built."""
    counter = _SheetCounter()

    def start(name: str, attrib: dict[str, str]) -> None:
        if name.startswith(_MAIN):
            counter.element(name[len(_MAIN) :], attrib)

    parser = expat.ParserCreate(namespace_separator=" ")
    parser.StartElementHandler = start
    parser.StartDoctypeDeclHandler = _refuse_doctype
    with archive.open(info) as part:
        while chunk := part.read(_CHUNK):
            parser.Parse(chunk, False)
            if counter.spread > max_cells:
                raise _too_large(max_cells)
    parser.Parse(b"", True)
    return counter.spread


def check_workbook(data: bytes, *, max_cells: int) -> None:
    """Refuse, before anything unpacks it whole, a workbook with more than `MAX_PARTS`
    parts, a part over `MAX_PART_BYTES` or compressed more than `MAX_RATIO` times, more
    than `MAX_UNPACKED_BYTES` in all, or a sheet with more than `max_cells` cells, counted
    as its rows x columns (from its declared dimension and its cells' positions).
    Memory stays bounded whatever the file declares. Raises `WorkbookTooLarge`, or
    `DamagedWorkbook` for a zip that cannot be read (sizes that do not match the data
    included)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.infolist()
            if len(parts) > MAX_PARTS or sum(p.file_size for p in parts) > MAX_UNPACKED_BYTES:
                raise _too_large(max_cells)
            for part in parts:
                if part.file_size > MAX_PART_BYTES or (
                    part.file_size > _RATIO_FROM_BYTES and part.file_size > MAX_RATIO * max(part.compress_size, 1)
                ):
                    raise _too_large(max_cells)
            for part in parts:
                if part.filename.lower().endswith(".xml") and _scan_part(archive, part, max_cells) > max_cells:
                    raise _too_large(max_cells)
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        expat.ExpatError,
        zlib.error,
        EOFError,
        OSError,
        RuntimeError,
        NotImplementedError,
        ValueError,
    ):
        raise DamagedWorkbook(_("This workbook is damaged and cannot be read.")) from None


def _open(data: bytes, max_cells: int):  # type: ignore[no-untyped-def]
    check_workbook(data, max_cells=max_cells)
    from openpyxl import load_workbook

    return load_workbook(io.BytesIO(data), read_only=True, data_only=True)


def _rows(sheet: object, max_cells: int) -> Iterator[tuple[int, tuple[object, ...]]]:
    seen = 0
    for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):  # type: ignore[attr-defined]
        seen += len(values)
        if seen > max_cells:
            raise _too_large(max_cells)
        yield number, values


def sheet_heads(data: bytes, *, max_cells: int, rows: int) -> list[tuple[str, list[tuple[object, ...]]]]:
    """Each worksheet's name and its first `rows` rows, in the workbook's order, after
    `check_workbook` accepted the file (its exceptions propagate, as do openpyxl's)."""
    workbook = _open(data, max_cells)
    try:
        heads: list[tuple[str, list[tuple[object, ...]]]] = []
        for sheet in workbook.worksheets:
            first: list[tuple[object, ...]] = []
            for _number, values in _rows(sheet, max_cells):
                first.append(values)
                if len(first) >= rows:
                    break
            heads.append((sheet.title, first))
        return heads
    finally:
        workbook.close()


def sheet_rows(data: bytes, *, max_cells: int, sheet: int = 0) -> Iterator[tuple[int, tuple[object, ...]]]:
    """The values of a sheet's rows (the first sheet unless `sheet` gives another's
    position), each with its 1-based row number, after `check_workbook` accepted the file
    (its exceptions propagate). Rows are as wide as the sheet's widest; openpyxl's own
    exceptions (an IndexError for a sheet that does not exist) propagate."""
    workbook = _open(data, max_cells)
    try:
        yield from _rows(workbook.worksheets[sheet], max_cells)
    finally:
        workbook.close()
