"""Hostile XLSX workbooks for the import tests: small zips that unpack to far more data
or cells than any contact list, and zips whose directory lies about their sizes."""

from __future__ import annotations

import io
import struct
import zipfile

from openpyxl import Workbook

_SHEET = "xl/worksheets/sheet1.xml"
_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
)
_TAIL = b"</sheetData></worksheet>"


def _deflated(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name)
    info.compress_type = zipfile.ZIP_DEFLATED
    return info


def _with_sheet(chunks, *, dimension: str | None = None) -> bytes:  # type: ignore[no-untyped-def]
    """A real workbook whose first sheet's XML is replaced by `chunks`, written as it goes."""
    base = io.BytesIO()
    Workbook().save(base)
    out = io.BytesIO()
    with zipfile.ZipFile(base) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for item in source.infolist():
            if item.filename != _SHEET:
                target.writestr(item, source.read(item.filename))
                continue
            with target.open(_deflated(_SHEET), "w") as sheet:
                head = _HEAD
                if dimension:
                    head = head.replace(b"<sheetData>", f'<dimension ref="{dimension}"/><sheetData>'.encode())
                sheet.write(head)
                for chunk in chunks:
                    sheet.write(chunk)
                sheet.write(_TAIL)
    return out.getvalue()


def wide_rows_bomb(rows: int = 3000, cells: int = 5000) -> bytes:
    """`rows` rows of `cells` numbers each after a header row with an e-mail column: about
    15 bytes of XML per cell, compressed several hundred times."""

    def chunks():  # type: ignore[no-untyped-def]
        yield b'<row r="1"><c t="inlineStr"><is><t>Email</t></is></c></row>'
        row = b"<c><v>1</v></c>" * cells
        for number in range(2, rows + 2):
            yield b'<row r="%d">' % number + row + b"</row>"

    return _with_sheet(chunks())


def shared_string_bomb(megabytes: int = 400) -> bytes:
    """A workbook whose one shared string is `megabytes` MB of one letter (a reader keeps
    the whole table of shared strings in memory)."""
    sheet = _with_sheet(
        iter(
            [
                b'<row r="1"><c t="inlineStr"><is><t>Email</t></is></c><c t="s"><v>0</v></c></row>',
                b'<row r="2"><c t="inlineStr"><is><t>ana@example.org</t></is></c></row>',
            ]
        )
    )
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(sheet)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(
                    b"</Relationships>",
                    b'<Relationship Id="rIdStrings" Target="sharedStrings.xml" Type="http://schemas.openxmlformats'
                    b'.org/officeDocument/2006/relationships/sharedStrings"/></Relationships>',
                )
            elif item.filename == "[Content_Types].xml":
                data = data.replace(
                    b"</Types>",
                    b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
                    b'officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
                )
            target.writestr(item, data)
        with target.open(_deflated("xl/sharedStrings.xml"), "w") as strings:
            strings.write(
                b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/'
                b'spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>'
            )
            block = b"A" * (1024 * 1024)
            for _ in range(megabytes):
                strings.write(block)
            strings.write(b"</t></si></sst>")
    return out.getvalue()


def declared_dimension_bomb() -> bytes:
    """A tiny sheet declaring the largest possible dimension: a reader that pads every row
    to it makes 16,384 values per row and a million rows."""

    def chunks():  # type: ignore[no-untyped-def]
        yield b'<row r="1"><c t="inlineStr"><is><t>Email</t></is></c></row>'
        yield b'<row r="2"><c t="inlineStr"><is><t>ana@example.org</t></is></c></row>'

    return _with_sheet(chunks(), dimension="A1:XFD1048576")


def lying_sizes(data: bytes, member: str = _SHEET, declared: int = 1000) -> bytes:
    """`data` with the central directory (and local header) claiming that `member` unpacks
    to `declared` bytes."""
    buffer = bytearray(data)
    name = member.encode()
    for signature, size_at in ((b"PK\x01\x02", 24), (b"PK\x03\x04", 22)):
        start = 0
        while (start := buffer.find(signature, start)) != -1:
            name_at = start + (46 if signature == b"PK\x01\x02" else 30)
            if buffer[name_at : name_at + len(name)] == name:
                struct.pack_into("<I", buffer, start + size_at, declared)
            start += 4
    return bytes(buffer)
