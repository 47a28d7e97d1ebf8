"""Attendance reports of video-conference tools read into one shape (see matching for what
happens next). Pure functions: no database, no request.

The kinds read, each in its module: participant tables with a duration column (Zoom's
participant report with or without meeting details, Teams' 2021 and 2022+ attendance
reports, other tools' CSV files alike: report_tables), Zoom's webinar Attendee Report
(report_webinar), and Teams' in-meeting attendance list of 2020 (report_teams_list).
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, time

from flask_babel import gettext as _

from seminar_app.attendance.report_base import (
    MAX_PARTICIPANTS,
    MAX_REPORT_BYTES,
    ParsedReport,
    Participant,
    ReportError,
    decode_report,
    normalise_name,
    parse_duration,
)
from seminar_app.attendance.report_tables import parse_table, table_columns
from seminar_app.attendance.report_teams_list import list_columns, parse_teams_list
from seminar_app.attendance.report_webinar import is_webinar_report, parse_webinar

__all__ = [
    "MAX_PARTICIPANTS",
    "MAX_REPORT_BYTES",
    "ParsedReport",
    "Participant",
    "ReportError",
    "normalise_name",
    "parse_duration",
    "parse_report",
]

_HEADER_SEARCH_LINES = 200


def parse_report(data: bytes, *, days: Collection[date] = (), day_ends: time | None = None) -> ParsedReport:
    """Read an attendance report. `days` (the event's local days) decide between day-first
    and month-first dates when both fit; `day_ends` (the event's local end time) closes the
    sessions of people still in a meeting when a Teams list was downloaded. Raises
    `ReportError` (and nothing else) with a message saying what was expected when the file
    is not a report we read."""
    text, encoding = decode_report(data)
    lines = text.splitlines()[:_HEADER_SEARCH_LINES]
    if "attendee details" in text.casefold() and is_webinar_report(text.splitlines()):
        return parse_webinar(text, encoding, days=days)
    for number, line in enumerate(lines, start=1):
        if list_columns(line) is not None:
            return parse_teams_list(text, encoding, number, days=days, day_ends=day_ends)
        columns = table_columns(line)
        if columns is not None:
            return parse_table(text, encoding, columns, number, days=days)
    first = next((line.strip() for line in lines if line.strip()), "")
    raise ReportError(
        _(
            "This file is not an attendance report we can read. We read Zoom participant reports (columns "
            "“Name (Original Name)”, “User Email”, “Duration (Minutes)”), Zoom webinar attendee reports "
            "(sections “Attendee Details”), Microsoft Teams attendance reports (columns “Name”, “Email”, "
            "“In-Meeting Duration”) and Teams attendance lists (columns “Full Name”, “User Action”, "
            "“Timestamp”); this file's first line is: “%(line)s”.",
            line=" ".join(first.split())[:120],
        )
    )
