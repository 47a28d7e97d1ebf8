"""Participant reports with one table of people and a duration column.

Zoom's participant report is a comma-separated file, optionally preceded by a block of
meeting details (a heading row "Meeting ID, Topic, Start Time, ..." and a value row) and
a blank line, with one row per join ("Name (Original Name)", "User Email", "Join Time",
"Leave Time", "Duration (Minutes)", "Guest", "In Waiting Room"): a person who rejoined
has several rows, summed; rows of people kept in the waiting room are not attendance.
Microsoft Teams' attendance report is usually UTF-16 with tabs, in numbered sections
("1. Summary" of "key<TAB>value" lines, then "2. Participants" with one row per person:
"Name", "First Join", "Last Leave", "In-Meeting Duration" such as "1h 5m 3s", "Email",
"Participant ID (UPN)", "Role"); the 2021 report is alike ("Meeting Summary", "Full Name",
"Join Time", "Leave Time", "Duration"). Other tools' CSV files work when they have a name
column and a duration column with the same kind of headings.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _

from seminar_app.attendance.report_base import (
    DELIMITERS,
    ParsedReport,
    Row,
    cell,
    csv_rows,
    duration_error,
    heading,
    is_blank,
    meeting_days,
    merge_rows,
    parse_duration,
    pick,
    split_line,
)
from seminar_app.attendance.report_dates import DAY_FIRST, MONTH_FIRST, choose_order

# Headings in order of preference, compared case-insensitively with spaces collapsed.
NAME_HEADINGS = (
    "name (original name)",
    "user name (original name)",
    "name",
    "full name",
    "participant name",
    "participant",
    "display name",
    "user name",
)
EMAIL_HEADINGS = ("email", "user email", "e-mail", "email address", "participant id (upn)", "upn")
DURATION_HEADINGS = (
    "duration (minutes)",
    "total duration (minutes)",
    "time in session (minutes)",
    "in-meeting duration",
    "attendance duration",
    "duration",
)
JOIN_HEADINGS = ("join time", "first join", "first join time", "joined")
LEAVE_HEADINGS = ("leave time", "last leave", "last leave time", "left")
_TITLE_KEYS = ("topic", "meeting title", "title", "meeting name")
_START_KEYS = ("actual start time", "start time", "meeting start time", "start")
_YES = ("yes", "y", "true", "1", "sim", "ja", "oui", "sí", "si")


@dataclass
class Columns:
    delimiter: str
    headings: list[str]
    name: int
    duration: int
    email: int | None
    fallback_email: int | None
    in_minutes: bool
    joined: int | None
    left: int | None
    waiting_room: int | None


def table_columns(line: str) -> Columns | None:
    """The columns of `line` if it is a participant table's heading row."""
    for delimiter in DELIMITERS:
        if delimiter not in line:
            continue
        headings = [heading(c) for c in split_line(line, delimiter)]
        name, duration = pick(headings, NAME_HEADINGS), pick(headings, DURATION_HEADINGS)
        if name is None or duration is None:
            continue
        email = pick(headings, EMAIL_HEADINGS)
        upn = pick(headings, ("participant id (upn)", "upn"))
        return Columns(
            delimiter,
            headings,
            name,
            duration,
            email,
            upn if upn != email else None,
            "minutes" in headings[duration],
            pick(headings, JOIN_HEADINGS),
            pick(headings, LEAVE_HEADINGS),
            pick(headings, ("in waiting room", "waiting room")),
        )
    return None


def _tool(text_start: str) -> str:
    start = text_start.casefold()
    if "in-meeting duration" in start or "participant id (upn)" in start or "meeting summary" in start:
        return "Microsoft Teams"
    if "name (original name)" in start or "user email" in start:
        return "Zoom"
    return _("CSV report")


def meeting_details(lines: list[str], delimiter: str) -> tuple[str, str]:
    """The meeting's title and start as written in the lines above the table: Zoom's heading
    row and value row, or Teams' "key<TAB>value" lines."""
    title = start = ""
    rows = [[c.strip() for c in split_line(line, delimiter)] for line in lines]
    for index, cells in enumerate(rows):
        keys = [heading(c) for c in cells]
        title_at, start_at = pick(keys, _TITLE_KEYS), pick(keys, _START_KEYS)
        if title_at is None and start_at is None:
            continue
        values = rows[index + 1] if index + 1 < len(rows) else []
        if len(cells) > 2 and values and not is_blank(values):
            title = title or cell(values, title_at)
            start = start or cell(values, start_at)
        elif len(cells) >= 2:
            title = title or (cells[1] if title_at == 0 else "")
            start = start or (cells[1] if start_at == 0 else "")
    return title[:300], start


def parse_table(
    text: str, encoding: str, columns: Columns, header_line: int, *, days: Collection[date] = ()
) -> ParsedReport:
    """The report whose table heading is line `header_line` (1-based) of `text`."""
    lines = text.splitlines()
    tool = _tool("\n".join(lines[:header_line]))
    title, start = meeting_details(lines[: header_line - 1], columns.delimiter)
    table: list[tuple[int, list[str]]] = []
    for number, cells in csv_rows("\n".join(lines[header_line:]), columns.delimiter):
        if is_blank(cells):
            break  # the end of the table (Teams: the next section follows a blank line)
        table.append((header_line + number, cells))
    samples = [start] + [cell(c, i) for _n, c in table for i in (columns.joined, columns.left)]
    reading = choose_order(samples, days=days, usual=MONTH_FIRST if tool == "Zoom" else DAY_FIRST)
    rows: list[Row] = []
    waiting = 0
    for line, cells in table:
        name = cell(cells, columns.name)
        email = cell(cells, columns.email)
        if "@" not in email:
            email = cell(cells, columns.fallback_email)
        email = email if "@" in email else ""
        if not name and not email:
            continue
        if cell(cells, columns.waiting_room).casefold() in _YES:
            waiting += 1
            continue
        duration = cell(cells, columns.duration)
        try:
            seconds = parse_duration(duration, minutes=columns.in_minutes) if duration.strip("- ") else 0
        except ValueError:
            raise duration_error(line, duration) from None
        joined, left = reading.read(cell(cells, columns.joined)), reading.read(cell(cells, columns.left))
        rows.append(Row(name, email, seconds, joined, left))
    started = reading.read(start)
    return ParsedReport(
        tool,
        encoding,
        merge_rows(rows),
        title=title,
        days=meeting_days(started) if started else meeting_days(*(r.joined for r in rows)),
        date_order=(reading.order or "") if reading.seen else "",
        date_problem=reading.problem,
        left_out={"waiting_room": waiting} if waiting else {},
    )
