"""The SQL underneath every report: which events a report covers, and how people are
counted. Shared by `queries` (and through it by the dashboard, the exports and the CLI)
so that every figure uses the same definitions.

Definitions (also in the README):

- Reports cover every event of the scope except drafts, which are work in progress.
- **registered**: a registration that stands: confirmed, awaiting approval or on the
  waiting list, or cancelled only once the event had started (an attendee who erases
  their data after the event is cancelled then, and must still count). Declined
  registrations and those cancelled before the start never count.
- **confirmed**: a registered person with a confirmed place (confirmed now, or confirmed
  and cancelled or erased only after the start). The attendance rate is attended / confirmed
  at delivered events only (`queries.Aggregates.attendance_rate`).
- **attended**: a registration with at least one attendance row (any day, any source),
  whatever its status since. A person present on site on any day counts as on site,
  otherwise as online, so on site + online = attended.
- Erased registrations keep their country, group, mode and partner flag, and count.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Select, and_, case, false, func, or_, select

from seminar_app.attendance.models import Attendance
from seminar_app.enums import AttendanceMode, EventStatus, RegistrationStatus
from seminar_app.events.models import Event, event_result
from seminar_app.extensions import db
from seminar_app.feedback.models import FeedbackInvitation, FeedbackResponse
from seminar_app.projects.models import Project
from seminar_app.registration.models import Registration
from seminar_app.reports.filters import ReportFilter
from seminar_app.reports.scope import ReportScope

STANDING = (RegistrationStatus.CONFIRMED, RegistrationStatus.PENDING, RegistrationStatus.WAITLISTED)


def _local_midnight(day: date, zone: str) -> datetime:
    return datetime.combine(day, time(), tzinfo=ZoneInfo(zone))


def _starts_within(zone: str, report_filter: ReportFilter) -> ColumnElement[bool]:
    """Events in `zone` whose local start day lies in the filter's period."""
    clauses = [Event.timezone == zone]
    if report_filter.date_from:
        clauses.append(Event.starts_at >= _local_midnight(report_filter.date_from, zone))
    if report_filter.date_to:
        clauses.append(Event.starts_at < _local_midnight(report_filter.date_to + timedelta(days=1), zone))
    return and_(*clauses)


def reported_events() -> Select[tuple[int]]:
    """The ids of every event a report may cover: all but drafts."""
    return select(Event.id).where(Event.status != EventStatus.DRAFT)


def selected_events(project: Project, report_filter: ReportFilter, scope: ReportScope) -> Select[tuple[int]]:
    """The ids of the events a report covers, as a subquery-ready SELECT.

    One extra query (the time zones the project's events use) when the filter has a
    period, since each zone turns the same local day into a different UTC range."""
    if scope.project_id != project.id:
        raise ValueError("the scope belongs to another project")
    partner_ids = scope.partner_ids_for(report_filter)
    query = reported_events().where(Event.partner_id.in_(partner_ids))
    if report_filter.countries:
        query = query.where(Event.country.in_(report_filter.countries))
    if report_filter.kinds:
        query = query.where(Event.kind.in_(report_filter.kinds))
    if report_filter.result_ids:
        presenting = select(event_result.c.event_id).where(event_result.c.result_id.in_(report_filter.result_ids))
        query = query.where(Event.id.in_(presenting))
    if report_filter.date_from or report_filter.date_to:
        zones = list(db.session.scalars(select(Event.timezone).where(Event.partner_id.in_(partner_ids)).distinct()))
        query = query.where(or_(*(_starts_within(z, report_filter) for z in zones)) if zones else false())
    return query


@dataclass(frozen=True)
class PeopleCounts:
    """People counted by the definitions above; add two to get their total."""

    registered: int = 0
    confirmed: int = 0
    attended: int = 0
    attended_on_site: int = 0
    attended_online: int = 0
    attended_partner_staff: int = 0
    registered_partner_staff: int = 0

    @property
    def attended_external(self) -> int:
        """Attendees from outside the consortium (Erasmus+ counts only these for multiplier events)."""
        return self.attended - self.attended_partner_staff

    @property
    def registered_external(self) -> int:
        return self.registered - self.registered_partner_staff

    @property
    def attendance_rate(self) -> float | None:
        """Attended / confirmed, from 0 to 1 (or more with walk-ins); None without confirmed people."""
        return self.attended / self.confirmed if self.confirmed else None

    def __add__(self, other: PeopleCounts) -> PeopleCounts:
        return PeopleCounts(*(getattr(self, f.name) + getattr(other, f.name) for f in fields(self)))

    @classmethod
    def from_row(cls, row: Any) -> PeopleCounts:
        return cls(*(int(getattr(row, f.name) or 0) for f in fields(cls)))


def _count_if(condition: ColumnElement[bool], name: str) -> Any:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0).label(name)


def people_query(event_ids: Select[tuple[int]], *group_by: Any) -> Select[Any]:
    """One row per group (`group_by` columns of Registration, first in the row) with the
    `PeopleCounts` columns, over the registered people of the events `event_ids`."""
    present = (
        select(
            Attendance.registration_id.label("registration_id"),
            func.max(case((Attendance.mode == AttendanceMode.ONSITE, 1), else_=0)).label("on_site"),
        )
        .where(Attendance.event_id.in_(event_ids))
        .group_by(Attendance.registration_id)
        .subquery("present")
    )
    attended = present.c.registration_id.is_not(None)
    cancelled_late = and_(
        Registration.status == RegistrationStatus.CANCELLED,
        Registration.cancelled_at.is_not(None),
        Registration.cancelled_at >= Event.starts_at,
    )
    registered = or_(Registration.status.in_(STANDING), cancelled_late, attended)
    confirmed = or_(
        Registration.status == RegistrationStatus.CONFIRMED,
        and_(cancelled_late, Registration.confirmed_at.is_not(None)),
        attended,
    )
    staff = Registration.is_partner_staff.is_(True)
    return (
        select(
            *group_by,
            func.count(Registration.id).label("registered"),
            _count_if(confirmed, "confirmed"),
            _count_if(attended, "attended"),
            _count_if(and_(attended, present.c.on_site == 1), "attended_on_site"),
            _count_if(and_(attended, present.c.on_site == 0), "attended_online"),
            _count_if(and_(attended, staff), "attended_partner_staff"),
            _count_if(staff, "registered_partner_staff"),
        )
        .select_from(Registration)
        .join(Event, Event.id == Registration.event_id)
        .outerjoin(present, present.c.registration_id == Registration.id)
        .where(Registration.event_id.in_(event_ids), registered)
        .group_by(*group_by)
    )


# The cube's keys: event, organisation country, stakeholder group, mode chosen.
CUBE_KEYS = (
    Registration.event_id,
    Registration.organisation_country,
    Registration.stakeholder_group,
    Registration.mode,
)


@dataclass(frozen=True)
class PeopleCube:
    """`PeopleCounts` by event, by organisation country, by stakeholder group and by the
    mode people chose, from one scan of the registrations (`people_cube`)."""

    by_event: dict[int, PeopleCounts]
    by_country: dict[str, PeopleCounts]
    by_group: dict[str, PeopleCounts]
    by_mode: dict[AttendanceMode, PeopleCounts]


def cube_from(query: Select[Any]) -> PeopleCube:
    """A `PeopleCube` from `query`, whose rows start with the four keys of `CUBE_KEYS`
    (event, country, group, mode) followed by the `PeopleCounts` columns, grouped by them.

    Why one query: reading each breakdown in a query of its own read the rows three times
    per dashboard. On PostgreSQL the query groups by GROUPING SETS, one set per key, and
    returns one row per value of each key (the bitmask of GROUPING() says which key a row
    is for). SQLite has no grouping sets: there it groups by all four keys together and
    the rows are summed here, which gives the same counts from more rows."""
    keys_in_row = query.selected_columns[: len(CUBE_KEYS)]
    grouping_sets = db.session.get_bind().dialect.name == "postgresql"
    if grouping_sets:
        query = query.add_columns(func.grouping(*keys_in_row)).group_by(None).group_by(func.grouping_sets(*keys_in_row))
    width, keys = len(fields(PeopleCounts)), len(CUBE_KEYS)
    sums: list[dict[Any, list[int]]] = [{} for _key in CUBE_KEYS]
    for row in db.session.execute(query):
        not_grouped = row[-1] if grouping_sets else 0  # bit 3 for the first key ... bit 0 for the last
        values = [int(v or 0) for v in row[keys : keys + width]]
        for index, key in enumerate(row[:keys]):
            if not not_grouped & (1 << (keys - 1 - index)):
                totals = sums[index].get(key)
                sums[index][key] = values if totals is None else [a + b for a, b in zip(totals, values, strict=True)]
    by_event, by_country, by_group, by_mode = (
        {key: PeopleCounts(*totals) for key, totals in found.items()} for found in sums
    )
    return PeopleCube(by_event, by_country, by_group, by_mode)


def people_by_event(event_ids: Select[tuple[int]]) -> dict[int, PeopleCounts]:
    """`PeopleCounts` per event id (events without registered people are left out)."""
    rows = db.session.execute(people_query(event_ids, Registration.event_id))
    return {row.event_id: PeopleCounts.from_row(row) for row in rows}


def feedback_by_event(event_ids: Select[tuple[int]]) -> tuple[dict[int, int], dict[int, int]]:
    """(answers, invitations) per event id: the number of anonymous responses and of
    people invited to answer (erased people's invitations included)."""
    answers = db.session.execute(
        select(FeedbackResponse.event_id, func.count())
        .where(FeedbackResponse.event_id.in_(event_ids))
        .group_by(FeedbackResponse.event_id)
    )
    invitations = db.session.execute(
        select(FeedbackInvitation.event_id, func.count())
        .where(FeedbackInvitation.event_id.in_(event_ids))
        .group_by(FeedbackInvitation.event_id)
    )
    return {e: int(n) for e, n in answers}, {e: int(n) for e, n in invitations}
