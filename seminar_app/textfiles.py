"""Reading uploaded text files (CSV exports) whose encoding nobody told us."""

from __future__ import annotations

import codecs
import re

from flask_babel import gettext as _

from seminar_app.errors import DomainError

_NOT_TEXT_BYTES = re.compile(rb"[\x00-\x08\x0b\x0e-\x1f\x7f]")


class UnreadableText(DomainError):
    """The bytes are in none of the encodings we read. `binary` is True when they do not
    look like text at all (a picture, a PDF...), so callers can say "not a CSV file"."""

    code = "unreadable_text"

    def __init__(self, message: str, *, binary: bool, field: str | None = None) -> None:
        super().__init__(message, field=field)
        self.binary = binary


def decode_text(data: bytes) -> tuple[str, str]:
    """The text and the name of its encoding ("UTF-8", "UTF-16", "Windows-1252"): a
    byte-order mark decides, else UTF-16 without a mark (every other byte zero), else
    UTF-8, else Windows-1252. Raises `UnreadableText` when none of them fits."""
    boms = ((codecs.BOM_UTF8, "utf-8", "UTF-8"), (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16"))
    boms += ((codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16"),)
    candidates: list[tuple[bytes, str, str]] = []
    for bom, codec, label in boms:
        if data.startswith(bom):
            candidates = [(data[len(bom) :], codec, label)]
            break
    else:
        sample = data[:2000]
        if len(sample) >= 4 and sample[1::2].count(0) > len(sample) // 3:
            candidates = [(data, "utf-16-le", "UTF-16")]
        elif len(sample) >= 4 and sample[0::2].count(0) > len(sample) // 3:
            candidates = [(data, "utf-16-be", "UTF-16")]
        else:
            candidates = [(data, "utf-8", "UTF-8"), (data, "cp1252", "Windows-1252")]
    for raw, codec, label in candidates:
        try:
            return raw.decode(codec), label
        except UnicodeDecodeError:
            continue
    if _NOT_TEXT_BYTES.search(data):
        raise UnreadableText(_("This file is not a text (CSV) file."), binary=True)
    raise UnreadableText(
        _(
            "The characters in this file could not be read (it is in neither UTF-8, UTF-16 nor Windows-1252). "
            "Save it again as CSV in UTF-8 and upload that file."
        ),
        binary=False,
    )
