"""The report queries: every figure compared with a count made here, from the list of
people the test world was built from, never from the database. The world builder is
shared with tests/test_reports_dashboard.py."""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from werkzeug.datastructures import MultiDict

from seminar_app.attendance.models import Attendance
from seminar_app.enums import AttendanceMode, CheckInSource, EventKind, EventStatus, RegistrationStatus, Role
from seminar_app.errors import ValidationFailed
from seminar_app.events.models import Event
from seminar_app.extensions import db
from seminar_app.feedback import services as feedback_services
from seminar_app.feedback.models import FeedbackAnswer, FeedbackResponse
from seminar_app.feedback.questions import ensure_standard_questions
from seminar_app.feedback.questions import questionnaire as event_questionnaire
from seminar_app.projects.models import Project
from seminar_app.registration.models import Registration
from seminar_app.registration.services import erase_registration
from seminar_app.reports.filters import ReportFilter, parse_filter
from seminar_app.reports.queries import aggregates, events_for, feedback_summary
from seminar_app.reports.scope import NoReportAccess, OutsideScope, ReportScope, report_scope

ONSITE, ONLINE = AttendanceMode.ONSITE, AttendanceMode.ONLINE
C, P, W, X, D = (
    RegistrationStatus.CONFIRMED,
    RegistrationStatus.PENDING,
    RegistrationStatus.WAITLISTED,
    RegistrationStatus.CANCELLED,
    RegistrationStatus.DECLINED,
)


@dataclass(frozen=True)
class Person:
    event: str
    status: RegistrationStatus
    mode: AttendanceMode = ONSITE
    country: str = "PT"
    group: str = "researchers"
    staff: bool = False
    present: tuple[AttendanceMode, ...] = ()  # the mode of each day the person was there
    cancelled_late: bool = False  # a cancellation made after the event had started
    erase: bool = False  # erased through the service once the world is built


# key: partner, status, kind, local start, hours, country, results presented
EVENTS: dict[str, tuple[str, EventStatus, EventKind, datetime, int, str, tuple[str, ...]]] = {
    "A1": ("A", EventStatus.DELIVERED, EventKind.SEMINAR, datetime(2025, 3, 12, 10), 3, "PT", ("PR1",)),
    "A2": ("A", EventStatus.PUBLISHED, EventKind.WORKSHOP, datetime(2025, 9, 20, 10), 3, "PT", ("PR2",)),
    "A3": ("A", EventStatus.CANCELLED, EventKind.SEMINAR, datetime(2025, 5, 5, 10), 3, "PT", ()),
    "A4": ("A", EventStatus.DRAFT, EventKind.SEMINAR, datetime(2025, 4, 1, 10), 3, "PT", ("PR1",)),
    "B1": ("B", EventStatus.DELIVERED, EventKind.CONFERENCE, datetime(2025, 5, 20, 9), 30, "DE", ("PR1", "PR2")),
    # 00:30 in Berlin on 1 July is still 30 June in UTC: a July event for the report.
    "B2": ("B", EventStatus.POSTPONED, EventKind.WEBINAR, datetime(2025, 7, 1, 0, 30), 2, "AT", ()),
    "Q1": ("Q", EventStatus.DELIVERED, EventKind.SEMINAR, datetime(2025, 3, 20, 10), 3, "FR", ()),
}
REPORTED = {"A1", "A2", "A3", "B1", "B2"}  # A4 is a draft, Q1 another project's
DELIVERED = {"A1", "B1"}

PEOPLE = [
    Person("A1", C, ONSITE, "PT", "prison_probation", present=(ONSITE,)),
    Person("A1", C, ONSITE, "PT", "prison_probation", present=(ONSITE,)),
    Person("A1", C, ONLINE, "ES", "researchers", present=(ONLINE,)),
    Person("A1", C, ONSITE, "PT", "ngo_community", staff=True, present=(ONSITE,)),
    Person("A1", C, ONLINE, "PT", "students"),  # did not come
    Person("A1", X, ONSITE, "PT", "students"),  # cancelled before the event
    Person("A1", D, ONLINE, "FR", "students"),
    Person("A1", C, ONSITE, "", "", present=(ONSITE,), erase=True),
    Person("A2", C, ONLINE, "BR", "policy_makers"),
    Person("A2", P, ONSITE, "PT", "policy_makers"),
    Person("A2", W, ONSITE, "PT", "students"),
    Person("A3", C, ONSITE, "PT", "researchers"),
    Person("A3", C, ONLINE, "ES", "researchers", staff=True),
    Person("A4", C, ONSITE, "PT", "researchers"),
    Person("B1", C, ONSITE, "DE", "law_enforcement", present=(ONSITE, ONLINE)),  # on site one day: on site
    Person("B1", C, ONLINE, "AT", "law_enforcement", present=(ONLINE, ONLINE)),
    Person("B1", C, ONLINE, "DE", "policy_makers", staff=True, present=(ONLINE,)),
    Person("B1", C, ONSITE, "DE", "policy_makers", staff=True),
    Person("B1", X, ONSITE, "DE", "policy_makers", cancelled_late=True),
    Person("B1", P, ONLINE, "PL", "ngo_community"),
    Person("B2", C, ONLINE, "AT", "researchers"),
    Person("Q1", C, ONSITE, "FR", "researchers", present=(ONSITE,)),
]

# Answers to two standard questions, per event. Everyone present is invited to answer.
SATISFACTION = {"A1": [5, 4, 4], "B1": [3, 5, 2], "Q1": [1, 1, 1, 1, 1]}
RELEVANCE = {"A1": [4, 4, 5], "B1": [5, 3, 4], "Q1": [1, 1, 1, 1, 1]}
INVITED = {key: sum(1 for p in PEOPLE if p.event == key and p.present) for key in EVENTS}


# --- the same definitions as the product's, applied to PEOPLE ------------------------------


def counted(p: Person) -> bool:
    return p.status in (C, P, W) or bool(p.present) or p.cancelled_late


def expected(people: list[Person], events: set[str] = REPORTED) -> dict[str, Any]:
    mine = [p for p in people if p.event in events and counted(p)]
    came = [p for p in mine if p.present]
    return {
        "registered": len(mine),
        "confirmed": sum(1 for p in mine if p.status is C or p.cancelled_late or p.present),
        "attended": len(came),
        "on_site": sum(1 for p in came if ONSITE in p.present),
        "online": sum(1 for p in came if ONSITE not in p.present),
        "staff": sum(1 for p in came if p.staff),
        "external": sum(1 for p in came if not p.staff),
        "by_country": {
            c: (n, sum(1 for p in came if p.country == c)) for c, n in Counter(p.country for p in mine).items()
        },
        "by_group": {g: (n, sum(1 for p in came if p.group == g)) for g, n in Counter(p.group for p in mine).items()},
    }


# --- the world -------------------------------------------------------------------------------


@dataclass
class World:
    project: Project
    other_project: Project
    partners: dict[str, Any]
    events: dict[str, Event]

    def ids(self, *keys: str) -> set[int]:
        return {self.events[k].id for k in keys}

    def result_id(self, code: str) -> int:
        return next(r.id for r in self.project.results if r.code == code)


def add_registration(event: Event, p: Person, n: int) -> Registration:
    registration = Registration(
        event=event,
        status=p.status,
        mode=p.mode,
        name=f"Person {n}",
        email=f"person{n}@example.org",
        organisation_country=p.country,
        stakeholder_group=p.group,
        is_partner_staff=p.staff,
        confirmed_at=event.starts_at - timedelta(days=3) if p.status is C or p.cancelled_late else None,
    )
    if p.status is X:
        registration.cancelled_at = event.starts_at + timedelta(hours=1 if p.cancelled_late else -24)
    db.session.add(registration)
    db.session.flush()
    for day, mode in zip(event.local_days, p.present, strict=False):
        db.session.add(
            Attendance(
                event_id=event.id, registration_id=registration.id, day=day, mode=mode, source=CheckInSource.MANUAL
            )
        )
    if p.present:
        feedback_services.invite(registration)
    return registration


def add_answers(event: Event, satisfaction: list[int], relevance: list[int]) -> None:
    questions = {q.code: q for q in event_questionnaire(event)}
    for sat, rel in zip(satisfaction, relevance, strict=True):
        response = FeedbackResponse(event_id=event.id, language="en", submitted_on=date(2025, 10, 1))
        response.answers = [
            FeedbackAnswer(question_id=questions["overall_satisfaction"].id, value_int=sat),
            FeedbackAnswer(question_id=questions["relevance"].id, value_int=rel),
        ]
        db.session.add(response)
    db.session.commit()


def build_world(make_project, make_partner, make_event, people: list[Person] = PEOPLE) -> World:  # type: ignore[no-untyped-def]
    project, other = make_project(), make_project()
    partners = {
        "A": make_partner(project, country="PT", timezone="Europe/Lisbon"),
        "B": make_partner(project, country="DE", city="Berlin", timezone="Europe/Berlin", default_language="de"),
        "Q": make_partner(other, country="FR", city="Lyon", timezone="Europe/Paris", default_language="fr"),
    }
    events: dict[str, Event] = {}
    for key, (partner, status, kind, start, hours, country, codes) in EVENTS.items():
        owner = partners[partner]
        result_ids = [r.id for r in owner.project.results if r.code in codes]
        events[key] = make_event(
            owner,
            status=status,
            kind=kind,
            starts_local=start,
            hours=hours,
            country=country,
            title=f"Event {key}",
            result_ids=result_ids,
        )
    for project_ in (project, other):
        ensure_standard_questions(project_)
    registrations = [add_registration(events[p.event], p, n) for n, p in enumerate(people)]
    db.session.commit()
    for p, registration in zip(people, registrations, strict=True):
        if p.erase:
            erase_registration(registration)
    for key in SATISFACTION:
        add_answers(events[key], SATISFACTION[key], RELEVANCE[key])
    return World(project, other, partners, events)


@pytest.fixture
def world(make_project, make_partner, make_event) -> World:  # type: ignore[no-untyped-def]
    return build_world(make_project, make_partner, make_event)


def whole(world: World) -> ReportScope:
    return ReportScope.of_project(world.project)


# --- tests -------------------------------------------------------------------------------------


def test_people_figures_match_the_list_they_were_built_from(world) -> None:
    figures = aggregates(world.project, ReportFilter(), whole(world))
    want = expected(PEOPLE)

    people = figures.people
    assert (people.registered, people.confirmed, people.attended) == (
        want["registered"],
        want["confirmed"],
        want["attended"],
    )
    assert (people.attended_on_site, people.attended_online) == (want["on_site"], want["online"])
    assert (people.attended_partner_staff, people.attended_external) == (want["staff"], want["external"])
    assert people.attendance_rate == pytest.approx(want["attended"] / want["confirmed"])
    delivered = expected(PEOPLE, DELIVERED)
    assert figures.attendance_rate == pytest.approx(delivered["attended"] / delivered["confirmed"])
    assert figures.attendance_rate != pytest.approx(people.attendance_rate), "A2 (to come) would pull it down"
    assert {b.key: (b.registered, b.attended) for b in figures.by_country} == want["by_country"]
    assert {b.key: (b.registered, b.attended) for b in figures.by_stakeholder_group} == want["by_group"]
    assert {b.key: b.attended for b in figures.by_mode} == {"onsite": want["on_site"], "online": want["online"]}
    not_given = next(b for b in figures.by_country if b.key == "")
    assert not_given.label == "Not given"


def test_events_are_counted_by_status_kind_result_and_month_drafts_and_other_projects_left_out(world) -> None:
    figures = aggregates(world.project, ReportFilter(), whole(world))

    statuses = Counter(EVENTS[k][1] for k in REPORTED)
    assert figures.events_total == len(REPORTED) == 5
    assert figures.events_by_status == {s: statuses[s] for s in figures.events_by_status}
    assert {b.key: b.events for b in figures.by_kind} == {
        k.value: n for k, n in Counter(EVENTS[k][2] for k in REPORTED).items()
    }
    per_result = {code: sum(1 for k in REPORTED if code in EVENTS[k][6]) for code in ("PR1", "PR2")}
    assert {b.key: b.events for b in figures.by_result} == per_result == {"PR1": 2, "PR2": 2}
    pr1 = next(b for b in figures.by_result if b.key == "PR1")
    assert pr1.attended == expected(PEOPLE, {"A1", "B1"})["attended"]

    months = [(m.month, m.total) for m in figures.timeline]
    assert months == [
        (date(2025, 3, 1), 1),
        (date(2025, 4, 1), 0),  # only a draft that month
        (date(2025, 5, 1), 2),
        (date(2025, 6, 1), 0),
        (date(2025, 7, 1), 1),  # B2, which starts on 30 June in UTC
        (date(2025, 8, 1), 0),
        (date(2025, 9, 1), 1),
    ]
    may = figures.timeline[2].by_status
    assert (may[EventStatus.CANCELLED], may[EventStatus.DELIVERED]) == (1, 1)


def test_each_event_row_has_its_reporting_fields_and_rows_add_up_to_the_totals(world) -> None:
    rows = events_for(world.project, ReportFilter(), whole(world))
    figures = aggregates(world.project, ReportFilter(), whole(world))

    assert [r.title for r in rows] == ["Event A1", "Event A3", "Event B1", "Event B2", "Event A2"]
    b1 = next(r for r in rows if r.title == "Event B1")
    assert (b1.project_acronym, b1.grant_number, b1.results, b1.work_packages) == (
        world.project.acronym,
        world.project.grant_number,
        ("PR1", "PR2"),
        ("WP2", "WP3"),
    )
    assert (b1.partner, b1.country, b1.kind, b1.status, b1.timezone) == (
        world.partners["B"].short_name,
        "DE",
        EventKind.CONFERENCE,
        EventStatus.DELIVERED,
        "Europe/Berlin",
    )
    assert b1.starts_local.replace(tzinfo=None) == datetime(2025, 5, 20, 9)
    assert b1.ends_local.replace(tzinfo=None) == datetime(2025, 5, 21, 15)
    assert b1.target_audiences == ("prison_probation", "researchers")
    want_b1 = expected(PEOPLE, {"B1"})
    assert (b1.registered, b1.confirmed, b1.attended, b1.attended_on_site, b1.attended_online) == (
        want_b1["registered"],
        want_b1["confirmed"],
        want_b1["attended"],
        want_b1["on_site"],
        want_b1["online"],
    )
    assert (b1.attended_external, b1.attended_partner_staff) == (want_b1["external"], want_b1["staff"])
    assert (b1.feedback_answers, b1.feedback_invitations) == (len(SATISFACTION["B1"]), INVITED["B1"])
    assert sum(r.registered for r in rows) == figures.people.registered
    assert sum(r.attended for r in rows) == figures.people.attended


def test_an_erased_attendee_still_counts(world) -> None:
    registration = db.session.query(Registration).filter(Registration.erased_at.is_not(None)).one()
    assert (registration.name, registration.email, registration.status) == ("", None, X)

    row = next(r for r in events_for(world.project, ReportFilter(), whole(world)) if r.title == "Event A1")
    want = expected(PEOPLE, {"A1"})
    assert (row.registered, row.confirmed, row.attended) == (want["registered"], want["confirmed"], want["attended"])


def test_erasing_after_the_event_changes_no_figure(world) -> None:
    before = aggregates(world.project, ReportFilter(), whole(world))
    rows_before = events_for(world.project, ReportFilter(), whole(world))
    someone = (
        db.session.query(Registration)
        .filter(Registration.event_id == world.events["B1"].id, Registration.is_partner_staff.is_(True))
        .first()
    )
    erase_registration(someone)

    assert aggregates(world.project, ReportFilter(), whole(world)) == before
    assert events_for(world.project, ReportFilter(), whole(world)) == rows_before


@pytest.mark.parametrize(
    ("args", "events"),
    [
        ({"partner": ["A"]}, {"A1", "A2", "A3"}),
        ({"country": ["AT"]}, {"B2"}),
        ({"result": ["PR2"]}, {"A2", "B1"}),
        ({"kind": ["conference", "webinar"]}, {"B1", "B2"}),
        ({"from": "2025-07-01"}, {"B2", "A2"}),
        ({"to": "2025-06-30"}, {"A1", "A3", "B1"}),
        ({"from": "2025-05-01", "to": "2025-05-31", "partner": ["A"]}, {"A3"}),
    ],
)
def test_filters_narrow_events_and_people_alike(world, args, events) -> None:
    query = MultiDict()
    for name, value in args.items():
        for v in [value] if isinstance(value, str) else value:
            if name == "partner":
                v = str(world.partners[v].id)
            elif name == "result":
                v = str(world.result_id(v))
            query.add(name, v)
    report_filter = parse_filter(query, world.project)

    rows = events_for(world.project, report_filter, whole(world))
    figures = aggregates(world.project, report_filter, whole(world))
    assert {r.title.removeprefix("Event ") for r in rows} == events
    want = expected(PEOPLE, events)
    assert (figures.people.registered, figures.people.attended) == (want["registered"], want["attended"])
    assert figures.events_total == len(events)


def test_feedback_summary_gives_means_and_distributions_only_with_enough_answers(world) -> None:
    summary = feedback_summary(world.project, ReportFilter(), whole(world))
    answers = SATISFACTION["A1"] + SATISFACTION["B1"]

    assert (summary.invited, summary.answers) == (INVITED["A1"] + INVITED["B1"], len(answers))
    assert summary.response_rate == pytest.approx(len(answers) / (INVITED["A1"] + INVITED["B1"]))
    by_code = {q.question.code: q for q in summary.questions}
    assert by_code["overall_satisfaction"].mean == pytest.approx(statistics.mean(answers))
    assert by_code["overall_satisfaction"].counts == {v: answers.count(v) for v in range(1, 6)}
    assert by_code["relevance"].mean == pytest.approx(statistics.mean(RELEVANCE["A1"] + RELEVANCE["B1"]))
    assert by_code["speakers"].n == 0

    only_a = ReportFilter(partner_ids=(world.partners["A"].id,))
    small = feedback_summary(world.project, only_a, whole(world))
    assert (small.answers, small.invited, small.detailed, small.questions) == (3, INVITED["A1"], False, [])


def test_an_organiser_sees_only_their_partner_and_cannot_widen_the_scope(world, make_user) -> None:
    organiser = make_user(Role.ORGANISER, partners=[world.partners["A"]])
    scope = report_scope(organiser, world.project)
    assert (scope.partner_ids, scope.whole_project) == ((world.partners["A"].id,), False)

    rows = events_for(world.project, ReportFilter(), scope)
    assert {r.title for r in rows} == {"Event A1", "Event A2", "Event A3"}
    assert (
        aggregates(world.project, ReportFilter(), scope).people.attended
        == expected(PEOPLE, {"A1", "A2", "A3"})["attended"]
    )

    partner_b = ReportFilter(partner_ids=(world.partners["B"].id,))
    with pytest.raises(OutsideScope):
        scope.check(partner_b)
    # Even without the check, the queries never go beyond the scope.
    assert events_for(world.project, partner_b, scope) == []
    assert aggregates(world.project, partner_b, scope).people.registered == 0


def test_only_the_projects_managers_admins_and_its_organisers_get_a_scope(world, make_user) -> None:
    assert report_scope(make_user(Role.ADMIN), world.project).whole_project
    assert report_scope(make_user(Role.MANAGER, projects=[world.project]), world.project).whole_project
    for outsider in (
        make_user(Role.MANAGER, projects=[world.other_project]),
        make_user(Role.ORGANISER, partners=[world.partners["Q"]]),
        make_user(Role.ORGANISER),
        make_user(Role.MANAGER, projects=[world.project], active=False),
    ):
        with pytest.raises(NoReportAccess):
            report_scope(outsider, world.project)


def test_a_filter_reads_back_from_its_own_query_args(world) -> None:
    report_filter = ReportFilter(
        date_from=date(2025, 1, 1),
        date_to=date(2025, 12, 31),
        partner_ids=(world.partners["A"].id, world.partners["B"].id),
        countries=("PT", "AT"),
        result_ids=(world.result_id("PR2"),),
        kinds=(EventKind.SEMINAR,),
    )
    args = MultiDict()
    for name, value in report_filter.to_query_args().items():
        for v in [value] if isinstance(value, str) else value:
            args.add(name, v)
    assert parse_filter(args, world.project) == report_filter
    assert parse_filter({"country": " pt ", "kind": ""}, world.project) == ReportFilter(countries=("PT",))


def test_every_bad_filter_value_is_named(world) -> None:
    args = MultiDict(
        [
            ("from", "2025-13-01"),
            ("partner", str(world.partners["Q"].id)),
            ("partner", "abc"),
            ("result", str(world.other_project.results[0].id)),
            ("country", "Portugal"),
            ("kind", "party"),
        ]
    )
    with pytest.raises(ValidationFailed) as caught:
        parse_filter(args, world.project)
    errors = caught.value.errors
    assert set(errors) == {"from", "partner", "result", "country", "kind"}
    assert errors["from"] == ["“2025-13-01” is not a date: write it as YYYY-MM-DD."]
    assert len(errors["partner"]) == 2
    assert "is not a result of this project" in errors["result"][0]
    assert "Portugal" in errors["country"][0] and "party" in errors["kind"][0]

    with pytest.raises(ValidationFailed, match="before its start"):
        parse_filter({"from": "2025-06-01", "to": "2025-05-01"}, world.project)


def test_a_period_uses_each_events_own_time_zone(world) -> None:
    july_first = ReportFilter(date_from=date(2025, 7, 1), date_to=date(2025, 7, 1))
    june_30 = ReportFilter(date_from=date(2025, 6, 30), date_to=date(2025, 6, 30))

    assert world.events["B2"].starts_at.date() == date(2025, 6, 30)  # in UTC
    assert [r.title for r in events_for(world.project, july_first, whole(world))] == ["Event B2"]
    assert events_for(world.project, june_30, whole(world)) == []


def test_no_figures_leak_from_an_empty_selection(world) -> None:
    nothing = ReportFilter(countries=("IS",))
    figures = aggregates(world.project, nothing, whole(world))
    assert (figures.events_total, figures.people.registered, figures.people.attendance_rate) == (0, 0, None)
    assert figures.timeline == [] and figures.by_country == []
    summary = feedback_summary(world.project, nothing, whole(world))
    assert (summary.invited, summary.answers, summary.response_rate, summary.questions) == (0, 0, None, [])
