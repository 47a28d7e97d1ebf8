"""Microsoft Teams' in-meeting attendance list (the 2020 download): UTF-16 with tabs,
"Full Name<TAB>User Action<TAB>Timestamp", one row per action and no e-mail address.

"Joined before" means the person was in the meeting before the list started: their
session starts at the list's first moment. Durations are built from the join and leave
pairs of each name. Two sessions of one name open at the same time are two people, kept
apart. A session with no "Left" row (the person was still in the meeting when the list
was downloaded) is closed at the event's end time that day (or at the list's last moment
when that is later) and marked `open_end` so the preview says so."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime, time

from flask_babel import gettext as _

from seminar_app.attendance.report_base import (
    ParsedReport,
    ReportError,
    Row,
    cell,
    csv_rows,
    is_blank,
    meeting_days,
    merge_rows,
    normalise_name,
    pick,
    split_line,
)
from seminar_app.attendance.report_dates import DAY_FIRST, choose_order, is_timestamp_cell
from seminar_app.attendance.report_tables import heading

_NAME = ("full name", "name", "participant")


def list_columns(line: str) -> tuple[str, int, int, int] | None:
    """(delimiter, name, action, timestamp) if `line` is the list's heading row."""
    for delimiter in ("\t", ",", ";"):
        headings = [heading(c) for c in split_line(line, delimiter)]
        name, action, moment = (
            pick(headings, _NAME),
            pick(headings, ("user action", "action")),
            pick(headings, ("timestamp", "time stamp", "time")),
        )
        if name is not None and action is not None and moment is not None:
            return delimiter, name, action, moment
    return None


def _action(value: str, line: int) -> str:
    action = heading(value)
    if action.startswith("joined before"):
        return "before"
    if action.startswith("join"):
        return "joined"
    if action.startswith("left") or action.startswith("leave"):
        return "left"
    raise ReportError(
        _(
            "Line %(line)d: “%(found)s” is not an action of a Teams attendance list "
            "(expected “Joined”, “Joined before” or “Left”).",
            line=line,
            found=value.strip()[:40],
        )
    )


def parse_teams_list(
    text: str, encoding: str, header_line: int, *, days: Collection[date] = (), day_ends: time | None = None
) -> ParsedReport:
    lines = text.splitlines()
    columns = list_columns(lines[header_line - 1])
    assert columns is not None
    delimiter, name_at, action_at, moment_at = columns
    actions: list[tuple[int, str, str, str]] = []
    for number, cells in csv_rows("\n".join(lines[header_line:]), delimiter):
        if is_blank(cells):
            continue
        name = cell(cells, name_at)
        if name:
            line = header_line + number
            actions.append((line, name, _action(cell(cells, action_at), line), cell(cells, moment_at)))
    reading = choose_order([a[3] for a in actions], days=days, usual=DAY_FIRST)
    if reading.problem:
        raise ReportError(reading.problem)
    timed: list[tuple[datetime, int, str, str]] = []
    for line, name, action, moment in actions:
        at = reading.read(moment)
        if at is None and is_timestamp_cell(moment):
            raise ReportError(reading.problem or _("Line %(line)d: the time could not be read.", line=line))
        if at is not None:
            timed.append((at, line, name, action))
    if not timed:
        raise ReportError(_("This Teams attendance list has no rows with a time."))
    timed.sort(key=lambda t: (t[0], t[1]))
    list_start, list_end = timed[0][0], timed[-1][0]
    rows: list[Row] = []
    open_sessions: dict[str, list[tuple[str, datetime]]] = {}
    seen: set[str] = set()
    for at, _line, name, action in timed:
        key = normalise_name(name)
        sessions = open_sessions.setdefault(key, [])
        if action in ("joined", "before"):
            sessions.append((name, list_start if action == "before" else at))
        elif sessions:
            shown, joined = sessions.pop(0)
            rows.append(Row(shown, "", int((at - joined).total_seconds()), joined, at))
        elif key not in seen:
            rows.append(Row(name, "", int((at - list_start).total_seconds()), list_start, at))
        seen.add(key)
    for sessions in open_sessions.values():
        for shown, joined in sessions:
            end = list_end
            if day_ends is not None:
                end = max(end, datetime.combine(joined.date(), day_ends))
            rows.append(Row(shown, "", int((end - joined).total_seconds()), joined, end, open_end=True))
    rows.sort(key=lambda r: r.joined or list_start)
    return ParsedReport(
        "Microsoft Teams",
        encoding,
        merge_rows(rows),
        days=meeting_days(list_start),
        date_order=reading.order or "",
    )
