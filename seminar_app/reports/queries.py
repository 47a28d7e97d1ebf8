"""The figures of a project's report, read-only: one row per event, the aggregates and the
feedback summary. The dashboard shows them; the exports and the CLI write them out.

Every function takes the project, a `ReportFilter` and the reader's `ReportScope`, covers
the same events (`selection.selected_events`) and counts people by the definitions in
`seminar_app.reports.selection`. Each runs a fixed number of queries whatever the number
of events, registrations or answers. Labels are translated in the current locale.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from seminar_app import geo
from seminar_app.campaigns.queries import ConversionReport, conversion_for_events
from seminar_app.enums import AttendanceMode, EventFormat, EventKind, EventStatus
from seminar_app.events.models import Event, event_result
from seminar_app.extensions import db
from seminar_app.projects.models import Partner, Project, ProjectResult
from seminar_app.registration.forms import stakeholder_group_choices
from seminar_app.reports.feedback import FeedbackSummary, feedback_summary
from seminar_app.reports.filters import ReportFilter
from seminar_app.reports.scope import ReportScope
from seminar_app.reports.selection import PeopleCounts, selected_events
from seminar_app.reports.tallies import feedback_by_event, people_by_event, people_cube

# Statuses a report shows, in the order of the funder's vocabulary ("planned" is published).
__all__ = [
    "Aggregates",
    "Breakdown",
    "EventReportRow",
    "FeedbackSummary",
    "FilterChoices",
    "MonthCount",
    "PeopleCounts",
    "aggregates",
    "campaign_conversion",
    "events_for",
    "feedback_summary",
    "filter_choices",
    "status_label",
]

REPORTED_STATUSES = (EventStatus.PUBLISHED, EventStatus.DELIVERED, EventStatus.POSTPONED, EventStatus.CANCELLED)


def campaign_conversion(project: Project, report_filter: ReportFilter, scope: ReportScope) -> ConversionReport:
    """What the people invited to the selected events did (registered, cannot come,
    unsubscribed, no answer), overall and by stakeholder group: counts only, two queries."""
    return conversion_for_events(selected_events(project, report_filter, scope), project_ids=[project.id])


def status_label(status: EventStatus) -> str:
    """A status as reports name it: a published event is "planned" in the funder's words."""
    return _("Planned (published)") if status is EventStatus.PUBLISHED else status.label


@dataclass(frozen=True)
class EventReportRow:
    """Every reporting field DOMAIN.md asks for, for one event. Times are in the event's
    zone (`timezone`); `results` and `work_packages` are codes, sorted."""

    event_id: int
    slug: str
    project_acronym: str
    project_name: str
    grant_number: str
    results: tuple[str, ...]
    work_packages: tuple[str, ...]
    partner: str
    partner_name: str
    country: str
    title: str
    kind: EventKind
    starts_local: datetime
    ends_local: datetime
    timezone: str
    city: str
    online_platform: str
    format: EventFormat
    language: str
    target_audiences: tuple[str, ...]
    objective: str
    status: EventStatus
    outcome: str
    registered: int
    confirmed: int
    attended: int
    attended_external: int
    attended_partner_staff: int
    attended_on_site: int
    attended_online: int
    feedback_answers: int
    feedback_invitations: int

    @property
    def attendance_rate(self) -> float | None:
        return self.attended / self.confirmed if self.confirmed else None

    @property
    def response_rate(self) -> float | None:
        return self.feedback_answers / self.feedback_invitations if self.feedback_invitations else None


def events_for(
    project: Project,
    report_filter: ReportFilter,
    scope: ReportScope,
    *,
    people: dict[int, PeopleCounts] | None = None,
) -> list[EventReportRow]:
    """One row per event the report covers, by start then id. Six queries (seven with a
    period in the filter), whatever the number of events and people; one fewer, and no
    scan of the registrations, given the same report's `people` (`Aggregates.per_event`)."""
    ids = selected_events(project, report_filter, scope)
    events = db.session.scalars(
        select(Event)
        .where(Event.id.in_(ids))
        .options(selectinload(Event.partner), selectinload(Event.results))
        .order_by(Event.starts_at, Event.id)
    ).all()
    if people is None:
        people = people_by_event(ids)
    answers, invitations = feedback_by_event(ids)
    rows = []
    for event in events:
        counts = people.get(event.id, PeopleCounts())
        rows.append(
            EventReportRow(
                event_id=event.id,
                slug=event.slug,
                project_acronym=project.acronym,
                project_name=project.name,
                grant_number=project.grant_number,
                results=tuple(r.code for r in event.results),
                work_packages=tuple(sorted({r.work_package for r in event.results if r.work_package})),
                partner=event.partner.short_name,
                partner_name=event.partner.name,
                country=event.country,
                title=event.title,
                kind=event.kind,
                starts_local=event.local_start,
                ends_local=event.local_end,
                timezone=event.timezone,
                city=event.city,
                online_platform=event.online_platform,
                format=event.format,
                language=event.language,
                target_audiences=tuple(event.target_audiences or ()),
                objective=event.objective,
                status=event.status,
                outcome=event.outcome,
                registered=counts.registered,
                confirmed=counts.confirmed,
                attended=counts.attended,
                attended_external=counts.attended_external,
                attended_partner_staff=counts.attended_partner_staff,
                attended_on_site=counts.attended_on_site,
                attended_online=counts.attended_online,
                feedback_answers=answers.get(event.id, 0),
                feedback_invitations=invitations.get(event.id, 0),
            )
        )
    return rows


@dataclass(frozen=True)
class Breakdown:
    """One line of a breakdown: people registered and attended, and for event-level
    breakdowns (kind, result) the number of events."""

    key: str
    label: str
    registered: int
    attended: int
    events: int | None = None


@dataclass(frozen=True)
class MonthCount:
    """Events starting in one month (in their own zone), by status."""

    month: date  # the first day of the month
    by_status: dict[EventStatus, int]

    @property
    def total(self) -> int:
        return sum(self.by_status.values())


@dataclass(frozen=True)
class Aggregates:
    """A report's totals. `events_by_status` has every reported status (maybe 0); people
    breakdowns are sorted by attended, then registered; `by_mode` counts registrations by
    the mode chosen and attendees by the mode they came in; `by_result` lists every
    result of the project, presented or not; `timeline` has every month from the first
    event's to the last one's."""

    events_by_status: dict[EventStatus, int]
    people: PeopleCounts
    by_country: list[Breakdown]
    by_stakeholder_group: list[Breakdown]
    by_mode: list[Breakdown]
    by_kind: list[Breakdown]
    by_result: list[Breakdown]
    timeline: list[MonthCount] = field(default_factory=list)
    # The people of the delivered events only: the attendance rate's base.
    delivered: PeopleCounts = field(default_factory=PeopleCounts)
    # The people of each event: `events_for` reuses them rather than count again.
    per_event: dict[int, PeopleCounts] = field(default_factory=dict)

    @property
    def events_total(self) -> int:
        return sum(self.events_by_status.values())

    @property
    def attendance_rate(self) -> float | None:
        """Attended / confirmed at delivered events only: people registered for an event
        still to come (or postponed, or cancelled) have had no chance to attend, and
        counting them would pull the rate down for no fault of anyone."""
        return self.delivered.attendance_rate


def _people_breakdown(totals: dict[str, list[int]], label_of: dict[str, str]) -> list[Breakdown]:
    rows = [Breakdown(k, label_of.get(k) or k or _("Not given"), r, a) for k, (r, a) in totals.items()]
    return sorted(rows, key=lambda b: (-b.attended, -b.registered, b.label.casefold()))


def _event_breakdown(key: str, label: str, totals: list[int]) -> Breakdown:
    events, registered, attended = totals
    return Breakdown(key, label, registered, attended, events)


def _months(events: list[tuple[int, EventStatus, datetime]]) -> list[MonthCount]:
    """Every month from the first event's to the last one's, empty months included."""
    if not events:
        return []
    counts: dict[date, Counter[EventStatus]] = defaultdict(Counter)
    for _id, status, local_start in events:
        counts[local_start.date().replace(day=1)][status] += 1
    month, last, timeline = min(counts), max(counts), []
    while month <= last:
        timeline.append(MonthCount(month, {s: counts[month][s] for s in REPORTED_STATUSES}))
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return timeline


def aggregates(project: Project, report_filter: ReportFilter, scope: ReportScope) -> Aggregates:
    """Events by status and month, people in total and by country (of their organisation),
    stakeholder group, attendance mode, event kind and result presented. An event that
    presents two results counts under both. Three queries (four with a period), plus the
    project's results and stakeholder groups when they are not loaded yet: the people are
    read once, as a `people_cube` of their tallies."""
    ids = selected_events(project, report_filter, scope)
    events = [
        (event_id, status, kind, starts_at.astimezone(ZoneInfo(zone)))
        for event_id, status, kind, starts_at, zone in db.session.execute(
            select(Event.id, Event.status, Event.kind, Event.starts_at, Event.timezone).where(Event.id.in_(ids))
        )
    ]
    cube = people_cube(ids)
    per_event = cube.by_event
    results_of: dict[int, list[int]] = defaultdict(list)
    for event_id, result_id in db.session.execute(
        select(event_result.c.event_id, event_result.c.result_id).where(event_result.c.event_id.in_(ids))
    ):
        results_of[event_id].append(result_id)

    people = sum(per_event.values(), PeopleCounts())
    delivered = sum(
        (per_event.get(i, PeopleCounts()) for i, status, _k, _s in events if status is EventStatus.DELIVERED),
        PeopleCounts(),
    )
    status_counts = Counter(status for _id, status, _kind, _start in events)
    kind_rows: dict[EventKind, list[int]] = {}
    result_rows: dict[int, list[int]] = {r.id: [0, 0, 0] for r in project.results}
    for event_id, _status, kind, _start in events:
        counts = per_event.get(event_id, PeopleCounts())
        for row in [kind_rows.setdefault(kind, [0, 0, 0])] + [result_rows[r] for r in results_of[event_id]]:
            row[0] += 1
            row[1] += counts.registered
            row[2] += counts.attended

    by_country = {code or "": [c.registered, c.attended] for code, c in cube.by_country.items()}
    by_group = {code or "": [c.registered, c.attended] for code, c in cube.by_group.items()}
    chosen = sum(cube.by_mode.values(), PeopleCounts())
    by_mode = {m.value: [cube.by_mode.get(m, PeopleCounts()).registered, 0] for m in AttendanceMode}
    by_mode[AttendanceMode.ONSITE.value][1] = chosen.attended_on_site
    by_mode[AttendanceMode.ONLINE.value][1] = chosen.attended_online

    return Aggregates(
        events_by_status={s: status_counts[s] for s in REPORTED_STATUSES},
        people=people,
        by_country=_people_breakdown(by_country, {code: geo.country_name(code) for code in by_country}),
        by_stakeholder_group=_people_breakdown(by_group, dict(stakeholder_group_choices(project))),
        by_mode=[Breakdown(m.value, m.label, *by_mode[m.value]) for m in AttendanceMode],
        by_kind=[_event_breakdown(k.value, k.label, kind_rows[k]) for k in EventKind if k in kind_rows],
        by_result=[_event_breakdown(r.code, r.label, result_rows[r.id]) for r in project.results],
        timeline=_months([(i, s, start) for i, s, _k, start in events]),
        delivered=delivered,
        per_event=per_event,
    )


@dataclass(frozen=True)
class FilterChoices:
    """What a reader may pick in the filter form: only the partners in their scope, the
    countries where those partners held reported events, every result and kind."""

    partners: list[Partner]
    countries: list[tuple[str, str]]  # code, name in the reader's language
    results: list[ProjectResult]
    kinds: list[EventKind]


def filter_choices(project: Project, scope: ReportScope) -> FilterChoices:
    """The filter form's options. One query besides the project's partners and results."""
    countries = db.session.scalars(
        select(Event.country)
        .where(Event.partner_id.in_(scope.partner_ids), Event.status != EventStatus.DRAFT)
        .distinct()
    )
    return FilterChoices(
        partners=[p for p in project.partners if p.id in scope.partner_ids],
        countries=[(c, geo.country_name(c)) for c in geo.sorted_countries(countries)],
        results=list(project.results),
        kinds=list(EventKind),
    )
