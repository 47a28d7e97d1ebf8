"""The project dashboard: who may open it, what each reader sees, filters and their
errors, accessible charts, and a number of SQL queries that does not grow with the data."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

import pytest
from sqlalchemy import event as sa_event

from seminar_app.attendance.models import Attendance
from seminar_app.enums import AttendanceMode, CheckInSource, EventStatus, RegistrationStatus, Role
from seminar_app.extensions import db
from seminar_app.feedback.models import FeedbackAnswer, FeedbackResponse
from seminar_app.feedback.questions import questionnaire
from seminar_app.registration.models import Registration
from tests.test_reports_queries import DELIVERED, PEOPLE, SATISFACTION, World, build_world, expected


@pytest.fixture
def world(make_project, make_partner, make_event) -> World:  # type: ignore[no-untyped-def]
    return build_world(make_project, make_partner, make_event)


def url(world: World, **args: object) -> str:
    query = "&".join(
        f"{k}={v}" for k, values in args.items() for v in (values if isinstance(values, list) else [values])
    )
    return f"/projects/{world.project.slug}/dashboard" + (f"?{query}" if query else "")


def kpi(html: str, name: str) -> str:
    match = re.search(rf'id="kpi-{name}"[^>]*>([^<]*)<', html)
    assert match, f"no KPI {name}"
    return match.group(1)


def cells(html: str, row_id: str) -> list[str]:
    match = re.search(rf'<tr id="{row_id}">(.*?)</tr>', html, re.S)
    assert match, f"no row {row_id}"
    return [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", match.group(1), re.S)]


def test_a_manager_sees_every_partners_figures(client, login, make_user, world) -> None:
    login(make_user(Role.MANAGER, projects=[world.project]))
    response = client.get(url(world))
    html = response.get_data(as_text=True)
    want = expected(PEOPLE)

    assert response.status_code == 200
    assert kpi(html, "events") == "5"
    assert (kpi(html, "registered"), kpi(html, "attended")) == (str(want["registered"]), str(want["attended"]))
    delivered = expected(PEOPLE, DELIVERED)
    assert kpi(html, "attendance-rate") == f"{delivered['attended'] / delivered['confirmed']:.0%}"
    assert "Delivered events only" in html.split('id="kpi-attendance-rate-note"', 1)[1].split("</dd>", 1)[0]
    assert kpi(html, "external") == str(want["external"])
    assert cells(html, "status-delivered") == ["Delivered", "2"]
    assert cells(html, "table-country-AT") == ["Austria", *map(str, want["by_country"]["AT"])]
    assert cells(html, "table-group-law_enforcement")[1:] == list(map(str, want["by_group"]["law_enforcement"]))
    assert cells(html, "feedback-overall_satisfaction")[3:] == [
        str((SATISFACTION["A1"] + SATISFACTION["B1"]).count(v)) for v in range(1, 6)
    ]
    for title in ("Event A1", "Event B1", "Event B2"):
        assert title in html
    assert "Event A4" not in html and "Event Q1" not in html  # a draft, another project's event
    assert 'id="scope-note"' not in html


def test_charts_are_labelled_images_followed_by_their_numbers_without_any_script(
    client, login, make_user, world
) -> None:
    group = world.project.stakeholder_groups[0]
    group.label = "<b>Mentors & co</b>"
    world.project.stakeholder_groups[0].code = "mentors"
    db.session.add(
        Registration(
            event=world.events["A1"], status=RegistrationStatus.CONFIRMED, mode=AttendanceMode.ONSITE,
            stakeholder_group="mentors", email="mentor@example.org",
        )
    )  # fmt: skip
    db.session.commit()
    login(make_user(Role.MANAGER, projects=[world.project]))
    html = client.get(url(world)).get_data(as_text=True)

    for chart, table in (
        ("chart-country", "table-country"),
        ("chart-group", "table-group"),
        ("chart-timeline", "table-timeline"),
        ("chart-feedback", "table-feedback"),
    ):
        svg = re.search(rf'<svg class="chart" id="{chart}"[^>]*>', html)
        assert svg, chart
        assert 'role="img"' in svg.group(0) and f'aria-labelledby="{chart}-title {chart}-desc"' in svg.group(0)
        assert html.index(f'id="{table}"') > html.index(f'id="{chart}"'), f"the numbers of {chart} should follow it"
    assert "&lt;b&gt;Mentors &amp; co&lt;/b&gt;" in html and "<b>Mentors" not in html
    # The charts need no script: the only one is the site's menu, the same on every page.
    assert re.findall(r"<script[^>]*>", html) == ['<script src="/static/js/site.js" defer>']


def test_an_organiser_sees_only_their_partner_and_cannot_ask_for_another(client, login, make_user, world) -> None:
    a, b = world.partners["A"], world.partners["B"]
    login(make_user(Role.ORGANISER, partners=[a]))
    html = client.get(url(world)).get_data(as_text=True)
    want = expected(PEOPLE, {"A1", "A2", "A3"})

    assert kpi(html, "events") == "3"
    assert (kpi(html, "registered"), kpi(html, "attended")) == (str(want["registered"]), str(want["attended"]))
    assert a.short_name in re.search(r'id="scope-note">(.*?)<', html).group(1)  # type: ignore[union-attr]
    assert "Event B1" not in html and "Event B2" not in html
    assert f'id="filter-partner-{b.id}"' not in html and b.short_name not in html
    assert 'id="feedback-small-group"' in html  # three answers only: counts, no distribution

    for asked in (b.id, [a.id, b.id]):
        refused = client.get(url(world, partner=asked))
        assert refused.status_code == 404
        assert "Event B1" not in refused.get_data(as_text=True)


@pytest.mark.parametrize("who", ["manager_of_other_project", "organiser_of_other_project", "organiser_without_partner"])
def test_outsiders_get_404(client, login, make_user, world, who) -> None:
    user = {
        "manager_of_other_project": lambda: make_user(Role.MANAGER, projects=[world.other_project]),
        "organiser_of_other_project": lambda: make_user(Role.ORGANISER, partners=[world.partners["Q"]]),
        "organiser_without_partner": lambda: make_user(Role.ORGANISER),
    }[who]()
    login(user)
    response = client.get(url(world))
    assert response.status_code == 404
    assert "Event A1" not in response.get_data(as_text=True)


def test_anonymous_visitors_are_sent_to_log_in_and_unknown_projects_are_404(client, login, make_user, world) -> None:
    response = client.get(url(world))
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    login(make_user(Role.ADMIN))
    assert client.get("/projects/no-such-project/dashboard").status_code == 404


def test_filters_change_the_figures_and_clear_goes_back(client, login, make_user, world) -> None:
    login(make_user(Role.MANAGER, projects=[world.project]))
    html = client.get(url(world, partner=world.partners["B"].id, kind="conference")).get_data(as_text=True)

    assert kpi(html, "events") == "1"
    assert kpi(html, "attended") == str(expected(PEOPLE, {"B1"})["attended"])
    assert f'value="{world.partners["B"].id}" id="filter-partner-{world.partners["B"].id}" checked' in html
    assert '<option value="conference" selected>' in html
    assert f'href="/projects/{world.project.slug}/dashboard">Clear</a>' in html

    period = client.get(url(world, **{"from": "2025-07-01", "to": "2025-07-31"})).get_data(as_text=True)
    assert kpi(period, "events") == "1" and "Event B2" in period


@pytest.mark.parametrize(
    ("args", "field", "message"),
    [
        ({"from": "01/07/2025"}, "from", "is not a date: write it as YYYY-MM-DD"),
        ({"from": "2025-07-01", "to": "2025-06-01"}, "to", "The end of the period is before its start."),
        ({"kind": "party"}, "kind", "“party” is not a kind of event."),
        ({"country": "XX"}, "country", "“XX” is not a known country code"),
        ({"result": "999999"}, "result", "“999999” is not a result of this project."),
        ({"partner": "abc"}, "partner", "“abc” is not a partner of this project."),
    ],
)
def test_a_bad_filter_is_a_400_with_the_message_next_to_the_field(
    client, login, make_user, world, args, field, message
) -> None:
    login(make_user(Role.MANAGER, projects=[world.project]))
    response = client.get(url(world, **args))
    html = response.get_data(as_text=True)

    assert response.status_code == 400
    error = re.search(rf'id="filter-{field}-error"[^>]*>(.*?)</div>', html, re.S)
    assert error and message in error.group(1)
    assert 'id="filter-errors"' in html and 'id="no-figures"' in html
    assert 'id="kpi-registered"' not in html


def test_the_navigation_leads_to_the_dashboard(client, login, make_user, world, make_project) -> None:
    login(make_user(Role.ORGANISER, partners=[world.partners["A"]]))
    page = client.get("/dashboard")
    assert page.status_code == 302 and page.headers["Location"].endswith(url(world))
    assert 'href="/dashboard">Dashboard</a>' in client.get("/manage/events").get_data(as_text=True)

    client.post("/logout")
    login(make_user(Role.MANAGER, projects=[world.project, world.other_project]))
    listing = client.get("/dashboard").get_data(as_text=True)
    assert world.project.acronym in listing and world.other_project.acronym in listing


# --- a bounded number of queries ---------------------------------------------------------------


@contextmanager
def counting_queries() -> Iterator[list[str]]:
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany) -> None:  # type: ignore[no-untyped-def]
        statements.append(statement)

    sa_event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        sa_event.remove(db.engine, "before_cursor_execute", count)


def add_events(make_event, partner, count: int, people_each: int) -> None:  # type: ignore[no-untyped-def]
    """`count` delivered events, each with people (half present, some online, some partner
    staff, in several countries and groups) and feedback answers."""
    for n in range(count):
        event = make_event(
            partner, status=EventStatus.DELIVERED, starts_local=datetime(2025, 1, 6, 10) + timedelta(days=9 * n)
        )
        questions = {q.code: q for q in questionnaire(event)}
        for i in range(people_each):
            registration = Registration(
                event=event,
                status=RegistrationStatus.CONFIRMED,
                mode=AttendanceMode.ONLINE if i % 3 else AttendanceMode.ONSITE,
                email=f"p{i}.{event.id}@example.org",
                organisation_country=("PT", "ES", "DE", "")[i % 4],
                stakeholder_group=("researchers", "students", "")[i % 3],
                is_partner_staff=i % 5 == 0,
            )
            db.session.add(registration)
            db.session.flush()
            if i % 2:
                db.session.add(
                    Attendance(
                        event_id=event.id,
                        registration_id=registration.id,
                        day=event.local_days[0],
                        mode=registration.mode,
                        source=CheckInSource.MANUAL,
                    )
                )
        for i in range(6):
            response = FeedbackResponse(event_id=event.id, language="en", submitted_on=event.local_days[0])
            response.answers = [FeedbackAnswer(question_id=questions["overall_satisfaction"].id, value_int=1 + i % 5)]
            db.session.add(response)
        db.session.commit()


def test_the_dashboard_makes_as_many_queries_for_30_events_as_for_3(
    client, login, make_user, make_project, make_partner, make_event
) -> None:
    project = make_project()
    partners = [make_partner(project), make_partner(project, country="DE", timezone="Europe/Berlin")]
    login(make_user(Role.MANAGER, projects=[project]))
    add_events(make_event, partners[0], 3, people_each=4)
    filtered = f"/projects/{project.slug}/dashboard?from=2025-01-01&to=2026-12-31&kind=seminar"

    counts = []
    for more_events in (0, 27):
        add_events(make_event, partners[more_events % 2], more_events, people_each=40)
        for page in (f"/projects/{project.slug}/dashboard", filtered):
            db.session.expire_all()  # what building the world loaded is read again, as in a fresh request
            with counting_queries() as statements:
                response = client.get(page)
            assert response.status_code == 200
            counts.append(len(statements))
    small, small_filtered, large, large_filtered = counts
    assert (large, large_filtered) == (small, small_filtered)
    assert large_filtered <= 30
    assert 'id="kpi-events">30<' in response.get_data(as_text=True)
