"""Zoom's webinar Attendee Report: one file in sections, each a title line, a heading row
and rows, with different columns:

    Attendee Report
    Report Generated:            + a value row
    Topic,Webinar ID,Actual Start Time,Actual Duration (minutes),# Registered,...  + values
    Host Details                 Attended,User Name (Original Name),Email,Join Time,...
    Panelist Details             likewise
    Attendee Details             Attended,User Name (Original Name),First Name,Last Name,
                                 Email,Phone,Registration Time,Approval Status,Join Time,
                                 Leave Time,Time in Session (minutes),Is Guest,... + questions
    Other Attended               like the attendees

Attendance comes from "Attendee Details" and "Other Attended" only: hosts and panelists
are never registrants. "Attended" is Yes or No; no-shows have "--" as times. Someone who
rejoined has one row per session, summed."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date

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
from seminar_app.attendance.report_dates import MONTH_FIRST, choose_order
from seminar_app.attendance.report_tables import (
    DURATION_HEADINGS,
    EMAIL_HEADINGS,
    JOIN_HEADINGS,
    LEAVE_HEADINGS,
    NAME_HEADINGS,
    meeting_details,
)

ATTENDEE_SECTIONS = ("attendee details", "other attended")
STAFF_SECTIONS = ("host details", "panelist details", "panelists details")
SECTIONS = ("attendee report", *ATTENDEE_SECTIONS, *STAFF_SECTIONS)
_NO = ("no", "n", "false", "0", "não", "nein", "non")


def section_title(cells: list[str]) -> str | None:
    """The section a line opens ("attendee details"...), if it is a section's title line."""
    if cells and heading(cells[0]) in SECTIONS and is_blank(cells[1:]):
        return heading(cells[0])
    return None


def is_webinar_report(lines: list[str]) -> bool:
    return any(section_title(split_line(line, d)) in ATTENDEE_SECTIONS for line in lines for d in DELIMITERS)


def _delimiter(lines: list[str]) -> str:
    for line in lines:
        for delimiter in DELIMITERS:
            headings = [heading(c) for c in split_line(line, delimiter)]
            if len(headings) > 2 and "attended" in headings:
                return delimiter
    return ","


def parse_webinar(text: str, encoding: str, *, days: Collection[date] = ()) -> ParsedReport:
    lines = text.splitlines()
    delimiter = _delimiter(lines)
    titles = (section_title(split_line(line, delimiter)) for line in lines)
    first_section = next((i for i, t in enumerate(titles) if t not in (None, "attendee report")), len(lines))
    title, start = meeting_details(lines[:first_section], delimiter)
    section: str | None = None
    headings: list[str] | None = None
    table: list[tuple[int, list[str], list[str]]] = []
    staff = 0
    for number, cells in csv_rows(text, delimiter):
        if is_blank(cells):
            continue
        if (opened := section_title(cells)) is not None:
            section, headings = opened, None
        elif headings is None:
            headings = [heading(c) for c in cells]
        elif section in ATTENDEE_SECTIONS:
            table.append((number, headings, cells))
        elif section in STAFF_SECTIONS:
            staff += 1
    samples = [start]
    for _n, head, cells in table:
        samples += [cell(cells, pick(head, JOIN_HEADINGS)), cell(cells, pick(head, LEAVE_HEADINGS))]
    reading = choose_order(samples, days=days, usual=MONTH_FIRST)
    rows: list[Row] = []
    no_shows = 0
    for number, head, cells in table:
        if cell(cells, pick(head, ("attended",))).casefold() in _NO:
            no_shows += 1
            continue
        name = cell(cells, pick(head, NAME_HEADINGS))
        if not name:
            parts = (cell(cells, pick(head, ("first name",))), cell(cells, pick(head, ("last name",))))
            name = " ".join(filter(None, parts))
        email = cell(cells, pick(head, EMAIL_HEADINGS))
        email = email if "@" in email else ""
        if not name and not email:
            continue
        duration_at = pick(head, DURATION_HEADINGS)
        duration = cell(cells, duration_at)
        try:
            in_minutes = duration_at is None or "minutes" in head[duration_at]
            seconds = parse_duration(duration, minutes=in_minutes) if duration.strip("- ") else 0
        except ValueError:
            raise duration_error(number, duration) from None
        joined = reading.read(cell(cells, pick(head, JOIN_HEADINGS)))
        left = reading.read(cell(cells, pick(head, LEAVE_HEADINGS)))
        rows.append(Row(name, email, seconds, joined, left))
    started = reading.read(start)
    left_out = {"no_shows": no_shows, "hosts": staff}
    return ParsedReport(
        "Zoom",
        encoding,
        merge_rows(rows),
        title=title,
        days=meeting_days(started) if started else meeting_days(*(r.joined for r in rows)),
        date_order=(reading.order or "") if reading.seen else "",
        date_problem=reading.problem,
        left_out={k: v for k, v in left_out.items() if v},
    )
