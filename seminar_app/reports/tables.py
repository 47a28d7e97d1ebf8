"""The report as named tables, for the exports (XLSX, CSV, PDF) and the CLI.

Every figure comes from the dashboard's own queries (`events_for`, `aggregates`,
`feedback_summary`, `campaign_conversion`) over the same filter and scope, so a file and
the dashboard never disagree. Three further queries add what the dashboard does not show:
which events have an agenda, each event's attendees from outside the consortium split into
local and international (from the tallies of `selection.people_query`, the dashboard's
definitions), and each event's invitation campaigns and what their invitees did.

No table holds personal data: events, aggregates and counts only (invitees are counted,
never named). A table's rows are generated when it is written, and every table of a report
shares one `Report`, which runs each query once, when first needed, whatever the number of
events and people.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from seminar_app import geo
from seminar_app.agenda.models import AgendaItem
from seminar_app.campaigns.queries import Conversion, ConversionReport, conversion_by_event
from seminar_app.enums import EventFormat, EventStatus, LabelledEnum, TargetAudience
from seminar_app.extensions import db
from seminar_app.projects.models import Project
from seminar_app.reports.feedback import FeedbackSummary, feedback_summary
from seminar_app.reports.filters import ReportFilter
from seminar_app.reports.queries import (
    Aggregates,
    Breakdown,
    EventReportRow,
    aggregates,
    campaign_conversion,
    events_for,
    status_label,
)
from seminar_app.reports.rates import whole_percent
from seminar_app.reports.scope import ReportScope
from seminar_app.reports.selection import selected_events
from seminar_app.reports.tallies import people_by_event_and_country
from seminar_app.timefmt import zone_label

Cell = str | int | float | None
Rows = Callable[[], Iterator[Sequence[Cell]]]
LOCAL, INTERNATIONAL, NOT_GIVEN = "local", "international", "not_given"


# Every table, in the order of the workbook's sheets: stable name, translated title.
TABLE_TITLES = {
    "events": _l("Events"),
    "aggregates": _l("Aggregates"),
    "by_country": _l("By country"),
    "by_stakeholder_group": _l("By stakeholder group"),
    "by_mode": _l("By attendance mode"),
    "by_kind": _l("By type of event"),
    "by_result": _l("By result presented"),
    "feedback_summary": _l("Feedback summary"),
    "multiplier_events": _l("Multiplier events"),
    "dissemination_activities": _l("Dissemination activities"),
    "campaigns": _l("Invitation campaigns"),
    "campaigns_by_group": _l("Campaigns by stakeholder group"),
}
TABLE_NAMES = tuple(TABLE_TITLES)


@dataclass(frozen=True)
class Table:
    """One table of the report: `name` is stable (file names, URLs, `--table`), `title`
    is translated (sheet names, headings). `rows()` generates the rows anew on each call."""

    name: str
    title: str
    columns: Sequence[tuple[str, int]]  # header, XLSX width in characters
    rows: Rows

    @classmethod
    def named(cls, name: str, columns: Sequence[tuple[str, int]], rows: Rows) -> Table:
        return cls(name, str(TABLE_TITLES[name]), columns, rows)

    @property
    def header(self) -> list[str]:
        return [header for header, _width in self.columns]


class Report:
    """The figures of one filtered report, each read once, when first needed."""

    def __init__(self, project: Project, report_filter: ReportFilter, scope: ReportScope) -> None:
        self.project, self.filter, self.scope = project, report_filter, scope

    @cached_property
    def events(self) -> list[EventReportRow]:
        # With the figures read already (the workbook, the zip), their people are reused.
        figures = self.__dict__.get("figures")
        people = figures.per_event if figures is not None else None
        return events_for(self.project, self.filter, self.scope, people=people)

    @cached_property
    def figures(self) -> Aggregates:
        return aggregates(self.project, self.filter, self.scope)

    @cached_property
    def feedback(self) -> FeedbackSummary:
        return feedback_summary(self.project, self.filter, self.scope)

    @cached_property
    def with_agenda(self) -> set[int]:
        """The ids of the report's events that have at least one agenda item."""
        ids = selected_events(self.project, self.filter, self.scope)
        return set(db.session.scalars(select(AgendaItem.event_id).where(AgendaItem.event_id.in_(ids)).distinct()))

    @cached_property
    def external_by_origin(self) -> dict[int, dict[str, int]]:
        """Per event id: attendees from outside the consortium whose organisation is in the
        event's country (`LOCAL`), elsewhere (`INTERNATIONAL`) or did not say (`NOT_GIVEN`).
        One query, with a row per event and country of organisation."""
        country_of = {r.event_id: r.country for r in self.events}
        ids = selected_events(self.project, self.filter, self.scope)
        counts: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys((LOCAL, INTERNATIONAL, NOT_GIVEN), 0))
        for (event_id, country), people in people_by_event_and_country(ids).items():
            country = (country or "").upper()
            origin = NOT_GIVEN if not country else LOCAL if country == country_of.get(event_id) else INTERNATIONAL
            counts[event_id][origin] += people.attended_external
        return counts

    @cached_property
    def conversion(self) -> ConversionReport:
        return campaign_conversion(self.project, self.filter, self.scope)

    @cached_property
    def campaigns_by_event(self) -> dict[int, tuple[int, Conversion]]:
        """Per id of the report's events that had a campaign: its number of campaigns and
        what their invitees did."""
        return conversion_by_event(selected_events(self.project, self.filter, self.scope))


class Labels:
    """The translated words of a table's rows, each looked up once per table: the same few
    kinds, statuses and countries come back on every row, and each lookup searches a catalogue."""

    def __init__(self) -> None:
        self._seen: dict[tuple[Callable[[Any], str], Any], str] = {}

    def __call__(self, name: Callable[[Any], str], value: Any) -> str:
        key = (name, value)
        if key not in self._seen:
            self._seen[key] = name(value)
        return self._seen[key]


def _label(value: LabelledEnum) -> str:
    return value.label


def _yes_no(value: bool) -> str:
    return _("Yes") if value else _("No")


def percent(rate: float | None) -> int | None:
    """A rate as the number a "(%)" column holds: `rates.whole_percent`, the dashboard's rounding."""
    return whole_percent(rate)


def _audiences(codes: Sequence[str]) -> str:
    known = {a.value for a in TargetAudience}
    return "; ".join(TargetAudience(c).label if c in known else c for c in codes)


def _place(row: EventReportRow) -> str:
    """City and country on site, the platform online, both for a hybrid event."""
    venue = ", ".join(p for p in (row.city, geo.country_name(row.country)) if p)
    online = _("Online") + (f" ({row.online_platform})" if row.online_platform else "")
    if row.format is EventFormat.ONLINE:
        return online
    return f"{venue}; {online}" if row.format is EventFormat.HYBRID else venue


def _events(report: Report) -> Table:
    columns = [
        (_("Event ID"), 9), (_("Project"), 12), (_("Grant agreement number"), 30), (_("Work packages"), 14),
        (_("Results presented"), 16), (_("Partner"), 12), (_("Partner organisation"), 36), (_("Country"), 16),
        (_("Title"), 48), (_("Type"), 14), (_("Starts (local time)"), 17), (_("Ends (local time)"), 17),
        (_("Time zone"), 28), (_("City"), 16), (_("Online platform"), 16), (_("Format"), 12),
        (_("Language"), 14), (_("Target audiences"), 40), (_("Objective"), 48), (_("Status"), 18),
        (_("Outcome"), 48), (_("Agenda available"), 10), (_("Attendance recorded"), 10), (_("Registered"), 11),
        (_("Confirmed"), 11), (_("Attended"), 11), (_("Attended on site"), 11), (_("Attended online"), 11),
        (_("Attendees from outside the consortium"), 14), (_("Attendees from partner organisations"), 14),
        (_("Invited to give feedback"), 11), (_("Feedback answers"), 11),
    ]  # fmt: skip

    def rows() -> Iterator[Sequence[Cell]]:
        with_agenda, label = report.with_agenda, Labels()
        for r in report.events:
            yield [
                r.event_id, r.project_acronym, r.grant_number, ", ".join(r.work_packages), ", ".join(r.results),
                r.partner, r.partner_name, label(geo.country_name, r.country), r.title, label(_label, r.kind),
                f"{r.starts_local:%Y-%m-%d %H:%M}", f"{r.ends_local:%Y-%m-%d %H:%M}",
                zone_label(r.starts_local, r.timezone), r.city, r.online_platform, label(_label, r.format),
                label(geo.language_name, r.language), label(_audiences, r.target_audiences), r.objective,
                label(status_label, r.status), r.outcome, label(_yes_no, r.event_id in with_agenda),
                label(_yes_no, r.attended > 0), r.registered, r.confirmed,
                r.attended, r.attended_on_site, r.attended_online, r.attended_external, r.attended_partner_staff,
                r.feedback_invitations, r.feedback_answers,
            ]  # fmt: skip

    return Table.named("events", columns, rows)


def _aggregates(report: Report) -> Table:
    def rows() -> Iterator[Sequence[Cell]]:
        figures, feedback = report.figures, report.feedback
        people = figures.people
        yield [_("Events"), figures.events_total]
        for status, count in figures.events_by_status.items():
            yield [_("Events: %(status)s", status=status_label(status)), count]
        yield from (
            [_("Registered"), people.registered],
            [_("Registered from outside the consortium"), people.registered_external],
            [_("Registered from partner organisations"), people.registered_partner_staff],
            [_("Confirmed"), people.confirmed],
            [_("Attended"), people.attended],
            [_("Attendance rate at delivered events (attended / confirmed, %)"), percent(figures.attendance_rate)],
            [_("Attended on site"), people.attended_on_site],
            [_("Attended online"), people.attended_online],
            [_("Attendees from outside the consortium"), people.attended_external],
            [_("Attendees from partner organisations"), people.attended_partner_staff],
            [_("Invited to give feedback"), feedback.invited],
            [_("Feedback answers"), feedback.answers],
            [_("Feedback response rate (%)"), percent(feedback.response_rate)],
        )

    return Table.named("aggregates", [(_("Figure"), 48), (_("Value"), 12)], rows)


def _breakdown(name: str, label: str, lines: Callable[[], list[Breakdown]], with_events: bool = False) -> Table:
    columns = [(_("Code"), 14), (label, 40)]
    columns += [(_("Events"), 10)] if with_events else []
    columns += [(_("Registered"), 11), (_("Attended"), 11)]

    def rows() -> Iterator[Sequence[Cell]]:
        for b in lines():
            yield [b.key, b.label, *([b.events] if with_events else []), b.registered, b.attended]

    return Table.named(name, columns, rows)


def _feedback(report: Report) -> Table:
    columns = [(_("Question"), 56), ("n", 8), (_("Mean"), 8), (_("Median"), 8), (_("Share of 4 and 5 (%)"), 12)]
    columns += [(str(v), 7) for v in range(1, 6)]

    def rows() -> Iterator[Sequence[Cell]]:
        summary = report.feedback
        if not summary.detailed:
            note = _(
                "All questions: fewer than %(count)d answers, so only their number is given.",
                count=summary.min_answers,
            )
            yield [note, summary.answers, None, None, None, None, None, None, None, None]
            return
        for q in summary.questions:
            mean = None if q.mean is None else round(q.mean, 2)
            yield [q.text, q.n, mean, q.median, percent(q.share_high), *(q.counts[v] for v in range(1, 6))]

    return Table.named("feedback_summary", columns, rows)


def _multiplier(report: Report) -> Table:
    columns = [
        (_("Event ID"), 9), (_("Title"), 48), (_("Partner"), 12), (_("Country"), 16), (_("Date"), 11),
        (_("Status"), 18), (_("Attendees from outside the consortium"), 14),
        (_("of whom from the event's country"), 14), (_("of whom from other countries"), 14),
        (_("of whom country not given"), 14), (_("Attendees from partner organisations"), 14),
        (_("Attended in total"), 11),
    ]  # fmt: skip

    def rows() -> Iterator[Sequence[Cell]]:
        origins, label = report.external_by_origin, Labels()
        for r in report.events:
            by_origin = origins.get(r.event_id, {})
            yield [
                r.event_id, r.title, r.partner, label(geo.country_name, r.country), f"{r.starts_local:%Y-%m-%d}",
                label(status_label, r.status), r.attended_external, by_origin.get(LOCAL, 0),
                by_origin.get(INTERNATIONAL, 0), by_origin.get(NOT_GIVEN, 0), r.attended_partner_staff, r.attended,
            ]  # fmt: skip

    return Table.named("multiplier_events", columns, rows)


def reach(row: EventReportRow) -> tuple[int, str]:
    """An activity's reach: the people who attended once attendance is recorded (or the
    event was delivered), before that the people registered; with which of the two it is."""
    if row.attended or row.status is EventStatus.DELIVERED:
        return row.attended, _("People who attended")
    return row.registered, _("People who registered")


def _activities(report: Report) -> Table:
    columns = [
        (_("Type"), 14), (_("Title"), 48), (_("Partner"), 12), (_("Date"), 11), (_("Place"), 36),
        (_("Format"), 12), (_("Target audiences"), 40), (_("Results presented"), 16), (_("Status"), 18),
        (_("Reach"), 9), (_("Reach counts"), 14),
    ]  # fmt: skip

    def rows() -> Iterator[Sequence[Cell]]:
        label = Labels()
        for r in report.events:
            people, basis = reach(r)
            yield [
                label(_label, r.kind), r.title, r.partner, f"{r.starts_local:%Y-%m-%d}", _place(r),
                label(_label, r.format), label(_audiences, r.target_audiences), ", ".join(r.results),
                label(status_label, r.status), people, basis,
            ]  # fmt: skip

    return Table.named("dissemination_activities", columns, rows)


def report_tables(report: Report) -> list[Table]:
    """Every table of the report, in the order of the workbook's sheets. No query runs
    until a table's rows are generated."""
    from seminar_app.reports import campaign_tables  # its tables are built from this module's parts

    return [
        _events(report),
        _aggregates(report),
        _breakdown("by_country", _("Country of the organisation"), lambda: report.figures.by_country),
        _breakdown("by_stakeholder_group", _("Stakeholder group"), lambda: report.figures.by_stakeholder_group),
        _breakdown("by_mode", _("Attendance mode"), lambda: report.figures.by_mode),
        _breakdown("by_kind", _("Type"), lambda: report.figures.by_kind, with_events=True),
        _breakdown("by_result", _("Result"), lambda: report.figures.by_result, with_events=True),
        _feedback(report),
        _multiplier(report),
        _activities(report),
        campaign_tables.campaigns(report),
        campaign_tables.campaigns_by_group(report),
    ]


def report_table(report: Report, name: str) -> Table | None:
    """The table called `name`, or None."""
    return next((t for t in report_tables(report) if t.name == name), None)
