"""What every attendance report reader shares: the error, the shape a report is read into,
reading the bytes as text and CSV, headings, durations, and adding up the rows of one
person. Pure functions: no database, no request (only gettext for messages)."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from flask_babel import gettext as _
from flask_babel import ngettext

from seminar_app import textsearch
from seminar_app.errors import DomainError
from seminar_app.textfiles import UnreadableText, decode_text

MAX_REPORT_BYTES = 5 * 1024 * 1024
MAX_PARTICIPANTS = 5000
_MAX_SECONDS = 31 * 24 * 3600
DELIMITERS = ("\t", ",", ";")


class ReportError(DomainError):
    """The uploaded file cannot be read as an attendance report; nothing was saved."""

    code = "report_unreadable"

    def __init__(self, message: str) -> None:
        super().__init__(message, field="report")


@dataclass(frozen=True)
class Participant:
    """One person in a report, with every join of theirs added up.

    `same_name`: another person in the report has the same name and no e-mail address
    tells them apart (their sessions overlap, or the report has no times), so the name
    alone must not decide who they are. `open_end`: still in the meeting when the list
    was downloaded; counted until the event's end. `row` is the position in the report."""

    name: str
    email: str  # "" when the report gives none (guests, phone dial-ins)
    seconds: int
    same_name: bool = False
    open_end: bool = False
    row: int = 0

    @property
    def minutes(self) -> int:
        return self.seconds // 60


@dataclass(frozen=True)
class ParsedReport:
    tool: str
    encoding: str
    participants: list[Participant]
    title: str = ""
    # The local days of the meeting as the report gives them (start and joins).
    days: tuple[date, ...] = ()
    # "MDY" or "DMY" when numeric dates were read month-first or day-first.
    date_order: str = ""
    # Why the report's dates could not be read (what was expected, what was found).
    date_problem: str = ""
    left_out: dict[str, int] = field(default_factory=dict)


@dataclass
class Row:
    """One line of a report: one session of one person."""

    name: str
    email: str
    seconds: int
    joined: datetime | None = None
    left: datetime | None = None
    open_end: bool = False


_NOT_TEXT = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f\ud800-\udfff]")


def not_text() -> ReportError:
    return ReportError(_("This file is not a text (CSV) file. Upload the participant report as CSV."))


def decode_report(data: bytes) -> tuple[str, str]:
    """The text of an uploaded report and its encoding's name, or `ReportError`."""
    if not data.strip():
        raise ReportError(_("The file is empty."))
    if len(data) > MAX_REPORT_BYTES:
        raise ReportError(_("The file is larger than %(size)d MB.", size=MAX_REPORT_BYTES // (1024 * 1024)))
    if data.startswith(b"PK\x03\x04"):
        raise ReportError(
            _("This is a spreadsheet workbook (.xlsx), not a CSV file. Download the report as CSV and upload that.")
        )
    try:
        text, encoding = decode_text(data)
    except UnreadableText as exc:
        raise not_text() if exc.binary else ReportError(exc.message) from None
    if _NOT_TEXT.search(text):
        raise not_text()
    return text.lstrip("\ufeff"), encoding


def heading(cell: str) -> str:
    """A cell compared as a heading: without case, BOM, quotes, a final colon or extra spaces."""
    return " ".join(cell.replace("\ufeff", "").strip().strip('"').rstrip(":").casefold().split())


def pick(headings: Sequence[str], wanted: Sequence[str]) -> int | None:
    for name in wanted:
        if name in headings:
            return headings.index(name)
    return None


def cell(row: Sequence[str], index: int | None) -> str:
    return row[index].strip() if index is not None and index < len(row) else ""


def split_line(line: str, delimiter: str) -> list[str]:
    try:
        return next(csv.reader([line], delimiter=delimiter), [])
    except csv.Error:
        return []


def csv_rows(text: str, delimiter: str) -> list[tuple[int, list[str]]]:
    """(line number, cells) of every line of `text`; `ReportError` for malformed CSV."""
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    rows: list[tuple[int, list[str]]] = []
    try:
        for cells in reader:
            rows.append((reader.line_num, cells))
    except csv.Error as exc:
        raise ReportError(_("This file is not a well-formed CSV file (%(reason)s).", reason=str(exc))) from None
    return rows


def too_many() -> ReportError:
    return ReportError(
        ngettext(
            "This report has more than %(num)d row.",
            "This report has more than %(num)d rows.",
            MAX_PARTICIPANTS,
        )
    )


def is_blank(cells: Sequence[str]) -> bool:
    return not any(c.strip() for c in cells)


_HMS = re.compile(r"(?:(\d{1,4})\s*h)?\s*(?:(\d{1,6})\s*m(?:in)?)?\s*(?:(\d{1,7})\s*s)?")
_CLOCK = re.compile(r"(\d{1,4}):(\d{2}):(\d{2})")
_NUMBER = re.compile(r"\d{1,7}(?:[.,]\d+)?")


def parse_duration(text: str, *, minutes: bool = True) -> int:
    """Seconds in a duration as reports write it: "1h 5m 3s", "45m 12s", "32s" (Teams),
    "1:05:03", or a plain number (of minutes, as in Zoom's "Duration (Minutes)", unless
    `minutes` is False, when it counts seconds). Raises ValueError for anything else."""
    value = text.strip().casefold()
    if not value:
        raise ValueError("empty duration")
    if _NUMBER.fullmatch(value):
        number = float(value.replace(",", "."))
        seconds = round(number * 60) if minutes else round(number)
    elif clock := _CLOCK.fullmatch(value):
        h, m, s = (int(g) for g in clock.groups())
        if m >= 60 or s >= 60:
            raise ValueError(f"not a duration: {text!r}")
        seconds = h * 3600 + m * 60 + s
    elif (hms := _HMS.fullmatch(value)) and any(hms.groups()):
        h, m, s = (int(g or 0) for g in hms.groups())
        seconds = h * 3600 + m * 60 + s
    else:
        raise ValueError(f"not a duration: {text!r}")
    if seconds > _MAX_SECONDS:
        raise ValueError(f"implausible duration: {text!r}")
    return seconds


def duration_error(line: int, value: str) -> ReportError:
    return ReportError(
        _(
            "Line %(line)d: “%(value)s” is not a duration. Durations are read as minutes "
            "(Zoom) or like “1h 5m 3s” (Teams).",
            line=line,
            value=value[:40],
        )
    )


def normalise_name(name: str) -> str:
    """A name compared without case, accents or extra spaces: "  José  SOUSA" -> "jose sousa"."""
    return " ".join(textsearch.fold(name).split())


def _people_of_one_name(rows: list[Row]) -> list[list[Row]]:
    """Rows without e-mail of one name split into people: sessions that overlap in time are
    two people; without times, every row is its own person (nothing tells a rejoin apart)."""
    if len(rows) == 1:
        return [rows]
    if any(r.joined is None or r.left is None for r in rows):
        return [[r] for r in rows]
    people: list[list[Row]] = []
    for r in sorted(rows, key=lambda r: r.joined or datetime.min):
        for person in people:
            if (person[-1].left or datetime.max) <= (r.joined or datetime.min):
                person.append(r)
                break
        else:
            people.append([r])
    return people


def merge_rows(rows: list[Row]) -> list[Participant]:
    """One participant per person, their sessions' seconds summed, in report order: rows
    with an e-mail by address; rows without by name, unless their times show two people."""
    if len(rows) > MAX_PARTICIPANTS:
        raise too_many()
    groups: dict[str, list[tuple[int, Row]]] = {}
    for index, r in enumerate(rows):
        key = "email:" + r.email.casefold() if r.email else "name:" + normalise_name(r.name)
        groups.setdefault(key, []).append((index, r))
    people: list[tuple[int, Participant]] = []
    for key, members in groups.items():
        first = {id(r): i for i, r in members}
        sessions = [r for _i, r in members]
        split = [sessions] if key.startswith("email:") else _people_of_one_name(sessions)
        for person in split:
            people.append(
                (
                    min(first[id(r)] for r in person),
                    Participant(
                        person[0].name[:200],
                        person[0].email[:254],
                        sum(r.seconds for r in person),
                        same_name=len(split) > 1,
                        open_end=any(r.open_end for r in person),
                    ),
                )
            )
    people.sort(key=lambda pair: pair[0])
    return [Participant(p.name, p.email, p.seconds, p.same_name, p.open_end, row) for row, (_i, p) in enumerate(people)]


def meeting_days(*moments: datetime | None) -> tuple[date, ...]:
    return tuple(sorted({m.date() for m in moments if m is not None}))
