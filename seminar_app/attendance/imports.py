"""Participant reports of video-conference tools read into one shape (see matching for
what happens next). Pure functions: no database, no request.

Zoom's participant report is a comma-separated file, optionally preceded by a block of
meeting details and a blank line, with one row per join ("Name (Original Name)", "User
Email", "Join Time", "Leave Time", "Duration (Minutes)", "Guest", ...): a person who
rejoined has several rows, summed here. Microsoft Teams' attendance report is usually
UTF-16 with tabs, in numbered sections; its "2. Participants" section has one row per
person ("Name", "First Join", "Last Leave", "In-Meeting Duration" such as "1h 5m 3s",
"Email", "Participant ID (UPN)", "Role"). Other tools' CSV files work when they have a
name column and a duration column with the same kind of headings.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

from flask_babel import gettext as _
from flask_babel import ngettext

from seminar_app import textsearch
from seminar_app.errors import DomainError
from seminar_app.textfiles import UnreadableText, decode_text

MAX_REPORT_BYTES = 5 * 1024 * 1024
MAX_PARTICIPANTS = 5000
_MAX_SECONDS = 31 * 24 * 3600
_HEADER_SEARCH_LINES = 200
_DELIMITERS = ("\t", ",", ";")

# Headings in order of preference, compared case-insensitively with spaces collapsed.
_NAME_HEADINGS = ("name (original name)", "name", "full name", "participant name", "participant", "display name")
_EMAIL_HEADINGS = ("email", "user email", "e-mail", "email address", "participant id (upn)", "upn")
_DURATION_HEADINGS = (
    "duration (minutes)",
    "total duration (minutes)",
    "in-meeting duration",
    "attendance duration",
    "duration",
)


class ReportError(DomainError):
    """The uploaded file cannot be read as a participant report; nothing was saved."""

    code = "report_unreadable"

    def __init__(self, message: str) -> None:
        super().__init__(message, field="report")


@dataclass(frozen=True)
class Participant:
    """One person in a report, with every join of theirs added up."""

    name: str
    email: str  # "" when the report gives none (guests, phone dial-ins)
    seconds: int

    @property
    def minutes(self) -> int:
        return self.seconds // 60


@dataclass(frozen=True)
class ParsedReport:
    tool: str
    encoding: str
    participants: list[Participant]


# --- reading ------------------------------------------------------------------------------


_NOT_TEXT = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f\ud800-\udfff]")


def _not_text() -> ReportError:
    return ReportError(_("This file is not a text (CSV) file. Upload the participant report as CSV."))


def _decode(data: bytes) -> tuple[str, str]:
    try:
        return decode_text(data)
    except UnreadableText as exc:
        raise _not_text() if exc.binary else ReportError(exc.message) from None


def _heading(cell: str) -> str:
    return " ".join(cell.replace("\ufeff", "").strip().strip('"').casefold().split())


def _pick(headings: list[str], wanted: Sequence[str]) -> int | None:
    for name in wanted:
        if name in headings:
            return headings.index(name)
    return None


@dataclass
class _Columns:
    delimiter: str
    name: int
    duration: int
    email: int | None
    fallback_email: int | None = None
    duration_in_minutes: bool = field(default=False)


def _columns(line: str) -> _Columns | None:
    """The columns of `line` if it is a participant table's heading row."""
    for delimiter in _DELIMITERS:
        if delimiter not in line:
            continue
        try:
            headings = [_heading(c) for c in next(csv.reader([line], delimiter=delimiter), [])]
        except csv.Error:
            continue
        name, duration = _pick(headings, _NAME_HEADINGS), _pick(headings, _DURATION_HEADINGS)
        if name is None or duration is None:
            continue
        email = _pick(headings, _EMAIL_HEADINGS)
        upn = _pick(headings, ("participant id (upn)", "upn"))
        return _Columns(
            delimiter, name, duration, email, upn if upn != email else None, "minutes" in headings[duration]
        )
    return None


def _tool(text_start: str) -> str:
    start = text_start.casefold()
    if "in-meeting duration" in start or "participant id (upn)" in start:
        return "Microsoft Teams"
    if "name (original name)" in start or "user email" in start:
        return "Zoom"
    return _("CSV report")


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


def _cell(row: list[str], index: int | None) -> str:
    return row[index].strip() if index is not None and index < len(row) else ""


def _read_rows(body: str, columns: _Columns, first_line: int) -> list[Participant]:
    participants: list[Participant] = []
    reader = csv.reader(io.StringIO(body), delimiter=columns.delimiter)
    try:
        for row in reader:
            if not any(cell.strip() for cell in row):
                break  # the end of the table (Teams: the next section follows a blank line)
            name = _cell(row, columns.name)
            email = _cell(row, columns.email)
            if "@" not in email:
                email = _cell(row, columns.fallback_email)
            email = email if "@" in email else ""
            if not name and not email:
                continue
            duration = _cell(row, columns.duration)
            line = first_line + reader.line_num
            try:
                seconds = parse_duration(duration, minutes=columns.duration_in_minutes) if duration else 0
            except ValueError:
                raise ReportError(
                    _(
                        "Line %(line)d: “%(value)s” is not a duration. Durations are read as minutes "
                        "(Zoom) or like “1h 5m 3s” (Teams).",
                        line=line,
                        value=duration[:40],
                    )
                ) from None
            participants.append(Participant(name[:200], email[:254], seconds))
            if len(participants) > MAX_PARTICIPANTS:
                raise ReportError(
                    ngettext(
                        "This report has more than %(num)d row.",
                        "This report has more than %(num)d rows.",
                        MAX_PARTICIPANTS,
                    )
                )
    except csv.Error as exc:
        raise ReportError(_("This file is not a well-formed CSV file (%(reason)s).", reason=str(exc))) from None
    return participants


def parse_report(data: bytes) -> ParsedReport:
    """Read a participant report. Raises `ReportError` (and nothing else) with a message
    saying what was expected when the file is not one."""
    if not data.strip():
        raise ReportError(_("The file is empty."))
    if len(data) > MAX_REPORT_BYTES:
        raise ReportError(_("The file is larger than %(size)d MB.", size=MAX_REPORT_BYTES // (1024 * 1024)))
    if data.startswith(b"PK\x03\x04"):
        raise ReportError(
            _("This is a spreadsheet workbook (.xlsx), not a CSV file. Download the report as CSV and upload that.")
        )
    text, encoding = _decode(data)
    if _NOT_TEXT.search(text):
        raise _not_text()
    offset = 0
    for number, line in enumerate(text.splitlines(keepends=True)[:_HEADER_SEARCH_LINES], start=1):
        columns = _columns(line.rstrip("\r\n"))
        if columns is not None:
            participants = _read_rows(text[offset + len(line) :], columns, number)
            return ParsedReport(_tool(text[: offset + len(line)]), encoding, _merge(participants))
        offset += len(line)
    raise ReportError(
        _(
            "This file is not a participant report we know. Expected a Zoom participant report "
            "(columns “Name (Original Name)”, “User Email”, “Duration (Minutes)”) or a Microsoft Teams "
            "attendance report (columns “Name”, “Email”, “In-Meeting Duration”)."
        )
    )


def normalise_name(name: str) -> str:
    """A name compared without case, accents or extra spaces: "  José  SOUSA" -> "jose sousa"."""
    return " ".join(textsearch.fold(name).split())


def _person_key(participant: Participant) -> str:
    return "email:" + participant.email.casefold() if participant.email else "name:" + normalise_name(participant.name)


def _merge(participants: Iterable[Participant]) -> list[Participant]:
    """One entry per person (by e-mail, else by name), their minutes summed, in report order."""
    merged: dict[str, Participant] = {}
    for p in participants:
        key = _person_key(p)
        if key in merged:
            merged[key] = replace(merged[key], seconds=merged[key].seconds + p.seconds)
        else:
            merged[key] = p
    return list(merged.values())
