import pytest
from sqlalchemy import func, select

from seminar_app.accounts.models import User
from seminar_app.agenda.models import AgendaItem, Speaker
from seminar_app.demo import DEMO_PASSWORD
from seminar_app.enums import EventFormat, EventStatus, Role
from seminar_app.events.models import Event
from seminar_app.extensions import db
from seminar_app.projects.models import Partner, PrivacyNotice, Project, ProjectResult

COUNTED = (Project, Partner, ProjectResult, PrivacyNotice, Event, AgendaItem, Speaker, User)


@pytest.fixture
def demo(runner):
    result = runner.invoke(args=["demo-data"])
    assert result.exit_code == 0, result.output
    return result


def counts():
    return {model.__name__: db.session.scalar(select(func.count()).select_from(model)) for model in COUNTED}


def events():
    return list(db.session.scalars(select(Event).order_by(Event.starts_at)))


def test_one_project_with_funding_texts_privacy_notice_and_five_results(demo):
    project = db.session.scalar(select(Project))
    assert counts()["Project"] == 1
    assert project.funding_statement == "Co-funded by the European Union"
    assert project.disclaimer.startswith("Funded by the European Union. Views and opinions expressed are however")
    assert "EACEA" in project.disclaimer and project.grant_number
    assert [n.version for n in project.privacy_notices] == [1]
    assert [(r.code, r.title) for r in project.results] == [
        ("PR1", "State of the Art report"),
        ("PR2", "Risk and Needs Assessment"),
        ("PR3", "Mentoring Model and Programme"),
        ("PR4", "Training programme"),
        ("PR5", "Multi-agency cooperation guide"),
    ]


def test_five_partners_in_five_countries_and_five_time_zones_including_lisbon(demo):
    partners = list(db.session.scalars(select(Partner)))
    assert len(partners) == 5
    assert len({p.country for p in partners}) == 5
    zones = {p.timezone for p in partners}
    assert len(zones) == 5 and "Europe/Lisbon" in zones


def test_every_partner_holds_a_seminar_in_its_own_language(demo):
    for partner in db.session.scalars(select(Partner)):
        assert any(e.language == partner.default_language and e.timezone == partner.timezone for e in partner.events)


def test_events_mix_past_and_upcoming_formats_statuses_and_lengths(demo):
    all_events = events()
    past = [e for e in all_events if e.is_past]
    upcoming = [e for e in all_events if not e.is_past]
    assert past and all(e.status is EventStatus.DELIVERED for e in past)
    assert any(e.status is EventStatus.PUBLISHED for e in upcoming)
    assert {e.format for e in all_events} == set(EventFormat)
    assert any(e.is_multi_day for e in all_events)
    statuses = {e.status for e in all_events}
    assert EventStatus.DRAFT in statuses
    assert statuses & {EventStatus.POSTPONED, EventStatus.CANCELLED}


def test_every_event_has_an_agenda_with_speakers_audiences_and_results(demo):
    for event in events():
        assert 4 <= len(event.agenda_items) <= 7, event.slug
        assert event.speakers, event.slug
        assert any(item.speakers for item in event.agenda_items), event.slug
        assert all(event.starts_at <= i.starts_at and i.ends_at <= event.ends_at for i in event.agenda_items)
        assert event.target_audiences and event.results, event.slug


def test_running_twice_changes_nothing(runner, demo):
    before = counts()
    again = runner.invoke(args=["demo-data"])
    assert again.exit_code == 0, again.output
    assert "nothing was changed" in again.output
    assert counts() == before


def test_output_lists_the_demo_log_ins(demo):
    assert DEMO_PASSWORD in demo.output
    for email in ("admin@demo.example", "manager@demo.example", "organiser.pt@demo.example"):
        assert email in demo.output


def test_demo_users_have_the_right_roles_and_can_log_in(client, demo):
    users = {u.email: u for u in db.session.scalars(select(User))}
    assert users["admin@demo.example"].role is Role.ADMIN
    assert [p.slug for p in users["manager@demo.example"].projects] == ["prism"]
    organisers = [u for u in users.values() if u.role is Role.ORGANISER]
    assert len(organisers) == 5 and all(len(u.partners) == 1 for u in organisers)
    for email in ("admin@demo.example", "manager@demo.example", "organiser.pt@demo.example"):
        response = client.post("/login", data={"email": email, "password": DEMO_PASSWORD})
        assert response.status_code == 302, email
        client.post("/logout")


def test_portuguese_organiser_sees_only_their_partners_events(client, demo):
    client.post("/login", data={"email": "organiser.pt@demo.example", "password": DEMO_PASSWORD})
    page = client.get("/manage/events").get_data(as_text=True)
    assert "Seminário nacional PRISM" in page
    assert "Seminario nazionale PRISM" not in page


def test_upcoming_events_stay_upcoming(demo):
    published = [e for e in events() if e.status is EventStatus.PUBLISHED]
    assert published and not any(e.is_past for e in published)
