"""What evidence each event still lacks for the funder, in plain words.

The funder pays only what is proven: a signed attendance sheet per day of an event held on
site, the platform's participant report per day held online (an attendance import counts as
one: the organiser imported that report), the agenda and the material used. The project's
rules say which of these are needed. Days not yet over are listed but never called missing,
so that a coordinator's list of gaps only holds what can be fixed now.

Shared by the ledger, its exports, the evidence pack and the event's Evidence tab; a fixed
number of queries whatever the number of events, without loading any file's bytes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from babel import dates as babel_dates
from flask_babel import gettext as _
from sqlalchemy import select

from seminar_app import i18n
from seminar_app.agenda.models import AgendaItem
from seminar_app.attendance.models import Attendance
from seminar_app.db_types import utcnow
from seminar_app.enums import CheckInSource, EventFormat, EvidenceKind
from seminar_app.events.models import Event
from seminar_app.extensions import db
from seminar_app.funding.models import EvidenceFile, FundingRules


def short_day(day: date) -> str:
    """'12 Mar' in the reader's locale (the locale's own order for day and month)."""
    locale = i18n.locale_id(i18n.current_language())
    return babel_dates.format_skeleton("dMMM", day, locale=locale)


@dataclass(frozen=True)
class EvidenceItem:
    """One piece of evidence an event needs: a day's sheet or online report, or the
    event's agenda or material (day None)."""

    kind: EvidenceKind
    day: date | None
    present: bool
    # False for days not yet over: never reported as missing.
    due: bool

    def describe(self) -> str:
        """Plain words for the coordinator: 'sheet for 12 Mar missing', 'agenda uploaded'."""
        day = short_day(self.day) if self.day is not None else ""
        if self.kind is EvidenceKind.SIGNED_SHEET:
            if self.present:
                return _("sheet for %(day)s uploaded", day=day)
            if not self.due:
                return _("sheet for %(day)s not due yet", day=day)
            return _("sheet for %(day)s missing", day=day)
        if self.kind is EvidenceKind.ONLINE_REPORT:
            if self.present:
                return _("online participant report for %(day)s uploaded", day=day)
            if not self.due:
                return _("online participant report for %(day)s not due yet", day=day)
            return _("online participant report for %(day)s missing", day=day)
        if self.kind is EvidenceKind.AGENDA:
            if self.present:
                return _("agenda uploaded")
            return _("agenda missing") if self.due else _("agenda not due yet")
        if self.present:
            return _("material uploaded")
        return _("material missing") if self.due else _("material not due yet")


@dataclass
class EventEvidence:
    event_id: int
    items: list[EvidenceItem]

    @property
    def missing(self) -> list[EvidenceItem]:
        return [item for item in self.items if item.due and not item.present]

    @property
    def complete(self) -> bool:
        """Nothing due is missing (an event whose days are still ahead is complete so far)."""
        return not self.missing


def _present_files(event_ids: list[int]) -> dict[int, set[tuple[str, date | None]]]:
    rows = db.session.execute(
        select(EvidenceFile.event_id, EvidenceFile.kind, EvidenceFile.day).where(EvidenceFile.event_id.in_(event_ids))
    )
    present: dict[int, set[tuple[str, date | None]]] = defaultdict(set)
    for event_id, kind, day in rows:
        present[event_id].add((kind, day))
        if day is not None:
            present[event_id].add((kind, None))
    return present


def _imported_days(event_ids: list[int]) -> dict[int, set[date]]:
    rows = db.session.execute(
        select(Attendance.event_id, Attendance.day)
        .where(Attendance.event_id.in_(event_ids), Attendance.source == CheckInSource.IMPORT)
        .distinct()
    )
    days: dict[int, set[date]] = defaultdict(set)
    for event_id, day in rows:
        days[event_id].add(day)
    return days


def _with_agenda(event_ids: list[int]) -> set[int]:
    return set(db.session.scalars(select(AgendaItem.event_id).where(AgendaItem.event_id.in_(event_ids)).distinct()))


def evidence_for_events(
    events: Sequence[Event], rules: FundingRules, *, today: date | None = None
) -> dict[int, EventEvidence]:
    """The evidence status of each event under the project's rules, keyed by event id.

    A day is due once it is over in the event's zone (the day after it, or later); the agenda
    and material are due once the event's last day is over.
    """
    if not events:
        return {}
    ids = [event.id for event in events]
    files = _present_files(ids)
    imported = _imported_days(ids) if rules.needs_online_report else {}
    agendas = _with_agenda(ids) if rules.needs_agenda else set()
    result: dict[int, EventEvidence] = {}
    for event in events:
        local_today = today if today is not None else utcnow().astimezone(event.tz).date()
        own = files.get(event.id, set())
        fmt = EventFormat(event.format)
        items: list[EvidenceItem] = []
        for day in event.local_days:
            due = day < local_today
            if rules.needs_signed_sheet and fmt.has_venue:
                present = (EvidenceKind.SIGNED_SHEET.value, day) in own
                items.append(EvidenceItem(EvidenceKind.SIGNED_SHEET, day, present, due))
            if rules.needs_online_report and fmt.is_online:
                present = (EvidenceKind.ONLINE_REPORT.value, day) in own or day in imported.get(event.id, set())
                items.append(EvidenceItem(EvidenceKind.ONLINE_REPORT, day, present, due))
        over = event.local_days[-1] < local_today
        if rules.needs_agenda:
            present = event.id in agendas or (EvidenceKind.AGENDA.value, None) in own
            items.append(EvidenceItem(EvidenceKind.AGENDA, None, present, over))
        if rules.needs_material:
            present = (EvidenceKind.MATERIAL.value, None) in own
            items.append(EvidenceItem(EvidenceKind.MATERIAL, None, present, over))
        result[event.id] = EventEvidence(event.id, items)
    return result
