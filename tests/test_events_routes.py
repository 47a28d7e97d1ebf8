from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from seminar_app.enums import EventStatus, Role
from seminar_app.events.models import Event
from seminar_app.extensions import db
from tests.conftest import local

START = datetime(2030, 5, 6, 9, 30)


@pytest.fixture
def partner(make_partner):
    return make_partner(short_name="CPL", name="Centro de Prevenção Lisboa")


@pytest.fixture
def organiser(make_user, partner):
    return make_user(Role.ORGANISER, partners=[partner])


def form_data(partner, **overrides) -> dict:
    data = {
        "partner_id": str(partner.id),
        "kind": "seminar",
        "title": "Mentoring in probation",
        "slug": "",
        "summary": "Results for practitioners.",
        "description": "The **Mentoring Model**.",
        "language": "pt",
        "timezone": "Europe/Lisbon",
        "starts_local": START.strftime("%Y-%m-%dT%H:%M"),
        "ends_local": (START + timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M"),
        "format": "hybrid",
        "venue_name": "Auditório Municipal",
        "address": "Rua Augusta 1",
        "city": "Lisboa",
        "country": "PT",
        "online_platform": "Zoom",
        "joining_url": "https://zoom.example/j/42",
        "capacity_onsite": "40",
        "capacity_online": "",
        "registration_opens_local": "",
        "registration_closes_local": "",
        "target_audiences": ["researchers", "prison_probation"],
        "objective": "Present PR2.",
        "result_ids": [],
        "outcome": "",
    }
    data.update(overrides)
    return data


def edit_data(event, **overrides) -> dict:
    data = form_data(
        event.partner,
        title=event.title,
        slug=event.slug,
        starts_local=event.local_start.strftime("%Y-%m-%dT%H:%M"),
        ends_local=event.local_end.strftime("%Y-%m-%dT%H:%M"),
    )
    data.pop("partner_id")
    data.update(overrides)
    return data


# --- My events ---------------------------------------------------------------------------


def test_my_events_lists_own_events_by_status_with_local_time(client, login, organiser, partner, make_event):
    make_event(partner, title="Published seminar", starts_local=START)
    make_event(partner, title="Draft seminar", status=EventStatus.DRAFT)
    make_event(title="Seminar of another partner")
    login(organiser)
    page = client.get("/manage/events").get_data(as_text=True)
    assert "Published seminar" in page and "Draft seminar" in page
    assert "Seminar of another partner" not in page
    assert "Europe/Lisbon, UTC+01:00" in page
    assert "9:30" in page
    assert page.index("Draft seminar") < page.index("Published seminar")
    assert "New event" in page and "Duplicate" in page


def test_my_events_filters_by_status(client, login, organiser, partner, make_event):
    make_event(partner, title="Published seminar")
    make_event(partner, title="Draft seminar", status=EventStatus.DRAFT)
    login(organiser)
    page = client.get("/manage/events?status=draft").get_data(as_text=True)
    assert "Draft seminar" in page
    assert "Published seminar" not in page


def test_manager_sees_every_partner_of_the_project_with_the_partner_named(
    client, login, make_user, make_partner, partner, make_event
):
    other = make_partner(partner.project, short_name="UNIBUC")
    make_event(partner, title="Lisbon seminar")
    make_event(other, title="Bucharest seminar")
    make_event(title="Seminar of another project")
    login(make_user(Role.MANAGER, projects=[partner.project]))
    page = client.get("/manage/events").get_data(as_text=True)
    assert "Lisbon seminar" in page and "Bucharest seminar" in page
    assert "UNIBUC" in page and "CPL" in page
    assert "Seminar of another project" not in page


# --- Creating and editing ----------------------------------------------------------------


def test_new_event_form_starts_from_the_partners_settings(client, login, organiser):
    login(organiser)
    page = client.get("/manage/events/new").get_data(as_text=True)
    assert '<option selected value="Europe/Lisbon">' in page
    assert '<option selected value="PT">' in page
    assert "datetime-local" in page
    assert "never shown publicly" in page.lower()
    assert "Markdown" in page


def test_organiser_creates_a_draft_in_the_chosen_zone(client, login, organiser, partner):
    login(organiser)
    response = client.post("/manage/events/new", data=form_data(partner, timezone="Europe/Bucharest"))
    event = db.session.scalars(db.select(Event)).one()
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/manage/events/{event.id}")
    assert event.status is EventStatus.DRAFT
    assert event.starts_at == local("Europe/Bucharest", START)
    assert event.capacity_onsite == 40 and event.capacity_online is None
    assert event.target_audiences == ["researchers", "prison_probation"]
    assert "Draft" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_organiser_cannot_create_for_another_partner(client, login, organiser, make_partner):
    stranger = make_partner()
    login(organiser)
    response = client.post("/manage/events/new", data=form_data(stranger))
    assert response.status_code == 422
    assert db.session.query(Event).count() == 0


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"ends_local": "2030-05-06T08:00"}, "The end must be after the start."),
        ({"timezone": "Mars/Olympus_Mons"}, "Mars/Olympus_Mons is not a known time zone."),
        ({"format": "online", "joining_url": ""}, "An online or hybrid event needs a joining link."),
        ({"format": "in_person", "venue_name": ""}, "An event held in person needs a venue."),
        ({"capacity_onsite": "-3"}, "Capacity cannot be negative"),
        ({"starts_local": "2027-03-28T01:30", "ends_local": "2027-03-28T04:00"}, "does not exist in Europe/Lisbon"),
    ],
)
def test_bad_input_comes_back_next_to_the_field_with_the_input_kept(
    client, login, organiser, partner, overrides, message
):
    login(organiser)
    response = client.post("/manage/events/new", data=form_data(partner, title="My kept title", **overrides))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in page
    assert 'class="invalid-feedback d-block"' in page
    assert 'value="My kept title"' in page
    assert "Please correct the following" in page
    assert db.session.query(Event).count() == 0


def test_slug_already_taken_is_explained(client, login, organiser, partner, make_event):
    make_event(slug="lisbon-seminar")
    login(organiser)
    response = client.post("/manage/events/new", data=form_data(partner, slug="lisbon-seminar"))
    assert response.status_code == 422
    assert "is already taken by another event" in response.get_data(as_text=True)


def test_edit_form_is_prefilled_in_the_events_zone(client, login, organiser, partner, make_event):
    event = make_event(partner, starts_local=START)
    login(organiser)
    page = client.get(f"/manage/events/{event.id}").get_data(as_text=True)
    assert 'value="2030-05-06T09:30"' in page
    assert 'aria-current="page"' in page and ">Details<" in page


def test_organiser_edits_own_event(client, login, organiser, partner, make_event):
    event = make_event(partner)
    login(organiser)
    response = client.post(f"/manage/events/{event.id}", data=edit_data(event, title="A better title"))
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Event, event.id).title == "A better title"


def test_rejected_edit_loses_nothing_already_saved(client, login, organiser, partner, make_event):
    event = make_event(partner, title="Saved title")
    before = (event.title, event.starts_at, event.ends_at, event.joining_url, event.format)
    login(organiser)
    response = client.post(
        f"/manage/events/{event.id}",
        data=edit_data(event, title="Unsaved title", format="online", joining_url="", ends_local="2000-01-01T00:00"),
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "The end must be after the start." in page and "needs a joining link" in page
    assert 'value="Unsaved title"' in page
    db.session.expire_all()
    fresh = db.session.get(Event, event.id)
    assert (fresh.title, fresh.starts_at, fresh.ends_at, fresh.joining_url, fresh.format) == before


def test_edit_that_leaves_agenda_items_outside_is_refused(
    client, login, organiser, partner, make_event, make_agenda_item
):
    event = make_event(partner, starts_local=START, hours=3)
    make_agenda_item(event, start_offset=timedelta(hours=2), duration=timedelta(hours=1), title="Closing panel")
    login(organiser)
    response = client.post(f"/manage/events/{event.id}", data=edit_data(event, ends_local="2030-05-06T11:00"))
    assert response.status_code == 422
    assert "Closing panel" in response.get_data(as_text=True)


# --- Status, duplicate, delete -----------------------------------------------------------


def test_organiser_publishes_a_draft_and_sees_the_buttons_change(client, login, organiser, partner, make_event):
    event = make_event(partner, status=EventStatus.DRAFT)
    login(organiser)
    page = client.get(f"/manage/events/{event.id}").get_data(as_text=True)
    assert "Publish" in page and "Postpone" not in page and "Delete this draft" in page
    response = client.post(f"/manage/events/{event.id}/status", data={"target": "published"})
    assert response.status_code == 302
    assert db.session.get(Event, event.id).status is EventStatus.PUBLISHED
    page = client.get(f"/manage/events/{event.id}").get_data(as_text=True)
    assert "Postpone" in page and "Cancel the event" in page and "Delete this draft" not in page


def test_postponing_keeps_the_note(client, login, organiser, partner, make_event):
    event = make_event(partner)
    login(organiser)
    client.post(f"/manage/events/{event.id}/status", data={"target": "postponed", "note": "New date soon."})
    db.session.expire_all()
    fresh = db.session.get(Event, event.id)
    assert fresh.status is EventStatus.POSTPONED
    assert fresh.status_note == "New date soon."


def test_delivering_an_upcoming_event_is_refused_with_a_message(client, login, organiser, partner, make_event):
    event = make_event(partner, days_ahead=10)
    login(organiser)
    response = client.post(f"/manage/events/{event.id}/status", data={"target": "delivered"})
    assert response.status_code == 409
    assert "only after it has ended" in response.get_data(as_text=True)
    assert db.session.get(Event, event.id).status is EventStatus.PUBLISHED


def test_past_event_can_be_marked_delivered(client, login, organiser, partner, make_event):
    event = make_event(partner, days_ahead=-2)
    login(organiser)
    assert "Mark as delivered" in client.get(f"/manage/events/{event.id}").get_data(as_text=True)
    client.post(f"/manage/events/{event.id}/status", data={"target": "delivered"})
    assert db.session.get(Event, event.id).status is EventStatus.DELIVERED


def test_duplicate_proposes_one_week_later_and_creates_a_draft(
    client, login, organiser, partner, make_event, make_agenda_item
):
    event = make_event(partner, starts_local=START)
    make_agenda_item(event, title="Keynote")
    login(organiser)
    assert 'value="2030-05-13T09:30"' in client.get(f"/manage/events/{event.id}/duplicate").get_data(as_text=True)
    response = client.post(f"/manage/events/{event.id}/duplicate", data={"starts_local": "2030-06-01T10:00"})
    copy = db.session.scalars(db.select(Event).where(Event.id != event.id)).one()
    assert response.headers["Location"].endswith(f"/manage/events/{copy.id}")
    assert copy.status is EventStatus.DRAFT
    assert copy.starts_at == local("Europe/Lisbon", datetime(2030, 6, 1, 10, 0))
    assert [i.title for i in copy.agenda_items] == ["Keynote"]


def test_duplicate_at_a_nonexistent_time_is_explained(client, login, organiser, partner, make_event):
    event = make_event(partner)
    login(organiser)
    response = client.post(f"/manage/events/{event.id}/duplicate", data={"starts_local": "2027-03-28T01:30"})
    assert response.status_code == 422
    assert "does not exist" in response.get_data(as_text=True)
    assert db.session.query(Event).count() == 1


def test_organiser_deletes_a_draft_after_confirming(client, login, organiser, partner, make_event):
    event = make_event(partner, title="Unwanted draft", status=EventStatus.DRAFT)
    login(organiser)
    page = client.get(f"/manage/events/{event.id}/delete").get_data(as_text=True)
    assert "Yes, delete the draft" in page
    assert db.session.get(Event, event.id) is not None
    response = client.post(f"/manage/events/{event.id}/delete")
    assert response.headers["Location"].endswith("/manage/events")
    assert db.session.query(Event).count() == 0
    assert f"/manage/events/{event.id}" not in client.get("/manage/events").get_data(as_text=True)


def test_published_event_cannot_be_deleted(client, login, organiser, partner, make_event):
    event = make_event(partner)
    login(organiser)
    assert "Yes, delete" not in client.get(f"/manage/events/{event.id}/delete").get_data(as_text=True)
    response = client.post(f"/manage/events/{event.id}/delete")
    assert response.status_code == 409
    assert "Only drafts can be deleted" in response.get_data(as_text=True)
    assert db.session.get(Event, event.id) is not None


# --- Permissions -------------------------------------------------------------------------

ID_ROUTES = [
    ("GET", "/manage/events/{e}"),
    ("POST", "/manage/events/{e}"),
    ("POST", "/manage/events/{e}/status"),
    ("GET", "/manage/events/{e}/duplicate"),
    ("POST", "/manage/events/{e}/duplicate"),
    ("GET", "/manage/events/{e}/delete"),
    ("POST", "/manage/events/{e}/delete"),
    ("GET", "/manage/events/{e}/agenda"),
    ("GET", "/manage/events/{e}/agenda/new"),
    ("POST", "/manage/events/{e}/agenda/new"),
    ("GET", "/manage/events/{e}/agenda/{i}/edit"),
    ("POST", "/manage/events/{e}/agenda/{i}/edit"),
    ("POST", "/manage/events/{e}/agenda/{i}/delete"),
    ("GET", "/manage/events/{e}/speakers/new"),
    ("POST", "/manage/events/{e}/speakers/new"),
    ("GET", "/manage/events/{e}/speakers/{s}/edit"),
    ("POST", "/manage/events/{e}/speakers/{s}/edit"),
    ("POST", "/manage/events/{e}/speakers/{s}/delete"),
]


@pytest.fixture
def target(partner, make_event, make_agenda_item, make_speaker):
    """A draft of `partner` with one agenda item and one speaker, all with recognisable names."""
    event = make_event(partner, title="Confidential seminar XJ7", status=EventStatus.DRAFT)
    speaker = make_speaker(event, name="Speaker Q9Z")
    item = make_agenda_item(event, title="Item K4W", speakers=[speaker])
    return {"event": event, "e": event.id, "i": item.id, "s": speaker.id}


def _call(client, method, url, target):
    path = url.format(e=target["e"], i=target["i"], s=target["s"])
    return client.open(path, method=method, data={"target": "cancelled", "title": "Hijacked"})


def _untouched(target) -> bool:
    db.session.expire_all()
    event = db.session.get(Event, target["e"])
    return (
        event is not None
        and event.title == "Confidential seminar XJ7"
        and event.status is EventStatus.DRAFT
        and [i.title for i in event.agenda_items] == ["Item K4W"]
        and [s.name for s in event.speakers] == ["Speaker Q9Z"]
    )


@pytest.mark.parametrize(("method", "url"), ID_ROUTES)
def test_anonymous_is_sent_to_log_in(client, target, method, url):
    response = _call(client, method, url, target)
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]
    assert _untouched(target)


@pytest.mark.parametrize(("method", "url"), ID_ROUTES)
def test_organiser_of_another_partner_gets_404_and_no_data(client, login, make_user, make_partner, target, method, url):
    other = make_partner(target["event"].partner.project)
    login(make_user(Role.ORGANISER, partners=[other]))
    response = _call(client, method, url, target)
    page = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "seminar XJ7" not in page and "Item K4W" not in page and "Speaker Q9Z" not in page
    assert _untouched(target)


@pytest.mark.parametrize(("method", "url"), ID_ROUTES)
def test_manager_of_another_project_gets_404(client, login, make_user, make_project, target, method, url):
    login(make_user(Role.MANAGER, projects=[make_project()]))
    response = _call(client, method, url, target)
    assert response.status_code == 404
    assert "seminar XJ7" not in response.get_data(as_text=True)
    assert _untouched(target)


@pytest.mark.parametrize("role", [Role.MANAGER, Role.ADMIN])
@pytest.mark.parametrize(("method", "url"), ID_ROUTES)
def test_project_manager_and_admin_may_act(client, login, make_user, partner, target, method, url, role):
    login(make_user(role, projects=[partner.project] if role is Role.MANAGER else []))
    response = _call(client, method, url, target)
    if method == "GET":
        assert response.status_code == 200
        assert "seminar XJ7" in response.get_data(as_text=True)
    else:
        assert response.status_code in (302, 409, 422)


def test_manager_and_organiser_of_the_same_partner_see_the_same_event(client, login, make_user, partner, target):
    login(make_user(Role.MANAGER, projects=[partner.project]))
    client.post(f"/manage/events/{target['e']}/delete")
    assert db.session.get(Event, target["e"]) is None


def test_my_events_and_new_event_need_log_in(client):
    for path in ("/manage/events", "/manage/events/new"):
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"]


# --- Every role reaches the new-event page and creates an event --------------------------


@pytest.fixture(params=["admin", "manager", "organiser_of_one", "organiser_of_two"])
def creator(request, make_user, make_partner, partner):
    """Someone allowed to create events, and the partner they create one for."""
    other = make_partner(partner.project, short_name="UNIBUC", name="Universitatea din București")
    users = {
        "admin": lambda: make_user(Role.ADMIN),
        "manager": lambda: make_user(Role.MANAGER, projects=[partner.project]),
        "organiser_of_one": lambda: make_user(Role.ORGANISER, partners=[other]),
        "organiser_of_two": lambda: make_user(Role.ORGANISER, partners=[partner, other]),
    }
    return users[request.param](), other


def test_every_role_opens_the_new_event_page_and_creates_an_event(client, login, creator):
    user, target = creator
    login(user)
    response = client.get("/manage/events/new")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Create draft" in page
    assert f'value="{target.id}"' in page
    if len(user.partners) != 1:
        assert f"/manage/events/new?partner={target.id}" in page
        assert ">UNIBUC" in page or "Universitatea" in page

    response = client.post("/manage/events/new", data=form_data(target, title="Seminar of every role"))
    assert response.status_code == 302
    event = db.session.scalars(db.select(Event).filter_by(title="Seminar of every role")).one()
    assert event.partner_id == target.id
    assert "Seminar of every role" in client.get("/manage/events").get_data(as_text=True)
