from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest

from seminar_app.agenda.models import AgendaItem, Speaker
from seminar_app.enums import EventStatus, Role
from seminar_app.extensions import db
from tests.conftest import local

START = datetime(2030, 5, 6, 9, 0)


@pytest.fixture
def partner(make_partner):
    return make_partner()


@pytest.fixture
def event(make_event, partner):
    # Two days, 09:00 on the 6th to 17:00 on the 7th, Lisbon time.
    return make_event(partner, starts_local=START, hours=32)


@pytest.fixture
def organiser_client(client, login, make_user, partner):
    return login(make_user(Role.ORGANISER, partners=[partner]))


def item_data(start: str, end: str, **overrides) -> dict:
    data = {"title": "Keynote", "kind": "talk", "starts_local": start, "ends_local": end, "description": ""}
    data.update(overrides)
    return data


def test_organiser_builds_an_agenda_with_speakers(organiser_client, event):
    client = organiser_client
    response = client.post(
        f"/manage/events/{event.id}/speakers/new", data={"name": "Dr Ana Sousa", "affiliation": "ULisboa", "bio": ""}
    )
    assert response.headers["Location"].endswith(f"/manage/events/{event.id}/agenda")
    speaker = db.session.scalars(db.select(Speaker)).one()

    response = client.post(
        f"/manage/events/{event.id}/agenda/new",
        data=item_data("2030-05-06T10:00", "2030-05-06T11:00", speaker_ids=[str(speaker.id)]),
    )
    assert response.status_code == 302
    client.post(
        f"/manage/events/{event.id}/agenda/new",
        data=item_data("2030-05-07T09:30", "2030-05-07T10:00", title="Welcome back", kind="welcome"),
    )
    item = db.session.scalars(db.select(AgendaItem).where(AgendaItem.title == "Keynote")).one()
    assert item.starts_at == local("Europe/Lisbon", datetime(2030, 5, 6, 10, 0))
    assert item.speakers == [speaker]

    page = client.get(f"/manage/events/{event.id}/agenda").get_data(as_text=True)
    agenda = page[page.index('id="day-1"') :]
    assert agenda.index("Monday, 6 May 2030") < agenda.index("Keynote") < agenda.index("Tuesday, 7 May 2030")
    assert agenda.index("Tuesday, 7 May 2030") < agenda.index("Welcome back")
    assert "10:00" in page and "Europe/Lisbon, UTC+01:00" in page
    assert "Dr Ana Sousa (ULisboa)" in page
    assert 'aria-current="page"' in page


def test_overlapping_items_are_flagged_in_words(organiser_client, event, make_agenda_item):
    make_agenda_item(event, start_offset=timedelta(hours=1), duration=timedelta(hours=1), title="Panel A")
    make_agenda_item(event, start_offset=timedelta(hours=1, minutes=30), duration=timedelta(hours=1), title="Panel B")
    make_agenda_item(event, start_offset=timedelta(hours=4), title="Lunch")
    page = organiser_client.get(f"/manage/events/{event.id}/agenda").get_data(as_text=True)
    assert page.count("Overlaps another item") == 2
    lunch = page[page.index("Lunch") - 400 : page.index("Lunch") + 400]
    assert "Overlaps another item" not in lunch
    assert "2 items overlap another one" in page


def test_item_outside_the_event_comes_back_with_the_input_kept(organiser_client, event):
    response = organiser_client.post(
        f"/manage/events/{event.id}/agenda/new",
        data=item_data("2030-05-06T08:00", "2030-05-06T09:30", title="Too early"),
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "The item must start during the event." in page
    assert 'value="Too early"' in page and 'value="2030-05-06T08:00"' in page
    assert db.session.query(AgendaItem).count() == 0


def test_new_item_form_starts_after_the_last_item(organiser_client, event, make_agenda_item):
    make_agenda_item(event, duration=timedelta(minutes=45))
    page = organiser_client.get(f"/manage/events/{event.id}/agenda/new").get_data(as_text=True)
    assert 'value="2030-05-06T09:45"' in page
    assert "Times are in Europe/Lisbon" in page


def test_organiser_edits_and_removes_an_item(organiser_client, event, make_agenda_item):
    item = make_agenda_item(event, title="Old title")
    page = organiser_client.get(f"/manage/events/{event.id}/agenda/{item.id}/edit").get_data(as_text=True)
    assert 'value="Old title"' in page and 'value="2030-05-06T09:00"' in page
    organiser_client.post(
        f"/manage/events/{event.id}/agenda/{item.id}/edit",
        data=item_data("2030-05-06T12:00", "2030-05-06T13:00", title="New title"),
    )
    db.session.expire_all()
    assert db.session.get(AgendaItem, item.id).title == "New title"
    organiser_client.post(f"/manage/events/{event.id}/agenda/{item.id}/delete")
    assert db.session.get(AgendaItem, item.id) is None


def test_organiser_edits_and_removes_a_speaker(organiser_client, event, make_speaker, make_agenda_item):
    speaker = make_speaker(event, name="Dr Rui Costa")
    item = make_agenda_item(event, speakers=[speaker])
    organiser_client.post(
        f"/manage/events/{event.id}/speakers/{speaker.id}/edit", data={"name": "Prof. Rui Costa", "affiliation": ""}
    )
    db.session.expire_all()
    assert db.session.get(Speaker, speaker.id).name == "Prof. Rui Costa"
    response = organiser_client.post(f"/manage/events/{event.id}/speakers/{speaker.id}/delete")
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Speaker, speaker.id) is None
    assert db.session.get(AgendaItem, item.id) is not None


def test_speaker_without_a_name_is_refused(organiser_client, event):
    response = organiser_client.post(f"/manage/events/{event.id}/speakers/new", data={"name": "", "affiliation": "X"})
    assert response.status_code == 422
    assert 'value="X"' in response.get_data(as_text=True)
    assert db.session.query(Speaker).count() == 0


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("GET", "/manage/events/{e}/agenda/{i}/edit"),
        ("POST", "/manage/events/{e}/agenda/{i}/edit"),
        ("POST", "/manage/events/{e}/agenda/{i}/delete"),
        ("GET", "/manage/events/{e}/speakers/{s}/edit"),
        ("POST", "/manage/events/{e}/speakers/{s}/edit"),
        ("POST", "/manage/events/{e}/speakers/{s}/delete"),
    ],
)
def test_item_or_speaker_of_another_event_is_404(
    organiser_client, event, partner, make_event, make_agenda_item, make_speaker, method, url
):
    sibling = make_event(partner, title="Sibling event")
    item = make_agenda_item(sibling, title="Sibling item")
    speaker = make_speaker(sibling, name="Sibling speaker")
    response = organiser_client.open(
        url.format(e=event.id, i=item.id, s=speaker.id), method=method, data={"title": "Moved", "name": "Moved"}
    )
    assert response.status_code == 404
    db.session.expire_all()
    assert db.session.get(AgendaItem, item.id).title == "Sibling item"
    assert db.session.get(Speaker, speaker.id).name == "Sibling speaker"


def test_agenda_of_a_cancelled_event_is_read_only(organiser_client, event, make_agenda_item):
    item = make_agenda_item(event, title="Keynote")
    event.status = EventStatus.CANCELLED
    db.session.commit()
    page = organiser_client.get(f"/manage/events/{event.id}/agenda").get_data(as_text=True)
    assert "Keynote" in page
    assert "Add an agenda item" not in page and "can no longer be changed" in page
    response = organiser_client.post(f"/manage/events/{event.id}/agenda/{item.id}/delete", follow_redirects=True)
    assert "can no longer be changed" in response.get_data(as_text=True)
    assert db.session.get(AgendaItem, item.id) is not None


def _checked_speakers(page: str) -> set[str]:
    """The ids of the ticked speaker boxes (WTForms writes attributes in alphabetical order)."""
    return set(re.findall(r'<input checked[^>]*name="speaker_ids"[^>]*value="(\d+)"', page))


def test_adding_a_speaker_from_a_new_item_comes_back_with_what_was_typed(organiser_client, event, make_speaker):
    client = organiser_client
    existing = make_speaker(event, name="Dr Rui Costa")
    typed = item_data(
        "2030-05-06T10:00", "2030-05-06T11:00", title="Mentoring in practice", description="Two case studies."
    )
    response = client.post(
        f"/manage/events/{event.id}/agenda/new", data={**typed, "speaker_ids": [str(existing.id)], "add_speaker": "1"}
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/manage/events/{event.id}/speakers/new?draft=1")
    assert db.session.scalars(db.select(AgendaItem)).all() == [], "nothing is saved yet"

    form_page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "you return to the agenda item you were writing" in form_page
    assert f'href="/manage/events/{event.id}/agenda/new?draft=1"' in form_page  # Cancel goes back to the item

    saved = client.post(response.headers["Location"], data={"name": "Dr Ana Sousa", "affiliation": "", "bio": ""})
    assert saved.headers["Location"].endswith(f"/manage/events/{event.id}/agenda/new?draft=1")
    new = db.session.scalars(db.select(Speaker).where(Speaker.name == "Dr Ana Sousa")).one()

    page = client.get(saved.headers["Location"]).get_data(as_text=True)
    assert "The speaker is added and chosen for this item." in page
    assert 'value="Mentoring in practice"' in page and "Two case studies.</textarea>" in page
    assert 'value="2030-05-06T10:00"' in page and 'value="2030-05-06T11:00"' in page
    assert _checked_speakers(page) == {str(existing.id), str(new.id)}
    assert 'aria-invalid="true"' not in page, "a refilled form shows no errors"

    # The draft is used once: the next new item starts empty.
    again = client.get(saved.headers["Location"]).get_data(as_text=True)
    assert "Mentoring in practice" not in again


def test_adding_a_speaker_while_editing_an_item_returns_to_that_item(
    organiser_client, event, make_agenda_item, make_speaker
):
    client = organiser_client
    item = make_agenda_item(event, title="Old title")
    url = f"/manage/events/{event.id}/agenda/{item.id}/edit"
    typed = item_data("2030-05-06T09:00", "2030-05-06T09:30", title="New title")
    client.post(url, data={**typed, "add_speaker": "1"})
    saved = client.post(
        f"/manage/events/{event.id}/speakers/new?draft=1", data={"name": "Dr Ana Sousa", "affiliation": "", "bio": ""}
    )
    assert saved.headers["Location"].endswith(f"{url}?draft=1")
    page = client.get(saved.headers["Location"]).get_data(as_text=True)
    assert 'value="New title"' in page
    speaker = db.session.scalars(db.select(Speaker)).one()
    assert _checked_speakers(page) == {str(speaker.id)}
    db.session.expire_all()
    assert db.session.get(AgendaItem, item.id).title == "Old title", "saved only when the item form is saved"


def test_a_speaker_added_from_the_agenda_goes_back_to_the_agenda(organiser_client, event):
    # A stale draft does not hijack a speaker added from the Agenda tab.
    organiser_client.post(
        f"/manage/events/{event.id}/agenda/new",
        data={**item_data("2030-05-06T10:00", "2030-05-06T11:00"), "add_speaker": "1"},
    )
    response = organiser_client.post(
        f"/manage/events/{event.id}/speakers/new", data={"name": "Dr Ana Sousa", "affiliation": "", "bio": ""}
    )
    assert response.headers["Location"].endswith(f"/manage/events/{event.id}/agenda")


def test_an_item_too_long_to_keep_is_not_lost(organiser_client, event):
    data = {**item_data("2030-05-06T10:00", "2030-05-06T11:00", description="x" * 4000), "add_speaker": "1"}
    response = organiser_client.post(f"/manage/events/{event.id}/agenda/new", data=data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "too long to keep while you add a speaker" in page and "x" * 4000 in page


def test_another_partners_draft_is_never_shown(client, login, make_user, make_partner, make_event, partner, event):
    login(make_user(Role.ORGANISER, partners=[partner]))
    client.post(
        f"/manage/events/{event.id}/agenda/new",
        data={**item_data("2030-05-06T10:00", "2030-05-06T11:00", title="Secret item"), "add_speaker": "1"},
    )
    other = make_partner(event.project)
    other_event = make_event(other, starts_local=START)
    login(make_user(Role.ORGANISER, partners=[other]))
    assert client.get(f"/manage/events/{event.id}/speakers/new?draft=1").status_code == 404
    assert client.get(f"/manage/events/{event.id}/agenda/new?draft=1").status_code == 404
    page = client.get(f"/manage/events/{other_event.id}/agenda/new?draft=1").get_data(as_text=True)
    assert "Secret item" not in page
