from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from seminar_app.agenda.models import AgendaItem
from seminar_app.enums import EventFormat, EventStatus
from seminar_app.errors import DomainError, InvalidTransition, ValidationFailed
from seminar_app.events import services
from seminar_app.events.models import Event
from seminar_app.events.services import EventInput
from seminar_app.extensions import db
from tests.conftest import local

START = datetime(2030, 5, 6, 9, 30)


@pytest.fixture
def partner(make_partner):
    return make_partner()


def valid_input(**overrides) -> EventInput:
    values = {
        "title": "Seminar on mentoring",
        "starts_local": START,
        "ends_local": START + timedelta(hours=3),
        "timezone": "Europe/Lisbon",
        "language": "pt",
        "format": EventFormat.HYBRID,
        "venue_name": "Auditório",
        "city": "Lisboa",
        "country": "PT",
        "joining_url": "https://zoom.example/j/1",
    }
    values.update(overrides)
    return EventInput(**values)


def errors_of(call) -> dict[str, list[str]]:
    with pytest.raises(ValidationFailed) as info:
        call()
    return info.value.errors


def test_create_makes_a_draft_at_the_local_time_of_its_zone(partner):
    event = services.create_event(partner, valid_input())
    assert event.status is EventStatus.DRAFT
    assert event.starts_at == local("Europe/Lisbon", START)
    assert event.starts_at.hour == 8  # Lisbon is UTC+1 in May
    assert event.slug == "seminar-on-mentoring"


def test_same_title_gets_a_second_free_slug(partner):
    first = services.create_event(partner, valid_input())
    second = services.create_event(partner, valid_input())
    assert first.slug != second.slug
    assert second.slug.startswith("seminar-on-mentoring-")


@pytest.mark.parametrize(
    ("overrides", "field", "words"),
    [
        ({"ends_local": START - timedelta(hours=1)}, "ends_local", "after the start"),
        ({"timezone": "Europe/Atlantis"}, "timezone", "not a known time zone"),
        ({"format": EventFormat.ONLINE, "joining_url": ""}, "joining_url", "joining link"),
        ({"format": EventFormat.ONLINE, "joining_url": "zoom.example/j/1"}, "joining_url", "https://"),
        ({"format": EventFormat.IN_PERSON, "venue_name": ""}, "venue_name", "venue"),
        ({"capacity_onsite": -1}, "capacity_onsite", "negative"),
        ({"capacity_online": -5}, "capacity_online", "negative"),
        (
            {"starts_local": datetime(2027, 3, 28, 1, 30), "ends_local": datetime(2027, 3, 28, 4)},
            "starts_local",
            "does not exist",
        ),
        ({"registration_closes_local": START + timedelta(days=1)}, "registration_closes_local", "after the event ends"),
        ({"slug": "Not A Slug"}, "slug", "lower-case"),
    ],
)
def test_bad_input_is_refused_on_the_field_at_fault(partner, overrides, field, words):
    errors = errors_of(lambda: services.create_event(partner, valid_input(**overrides)))
    assert field in errors
    assert words in " ".join(errors[field])
    assert db.session.query(Event).count() == 0


def test_slug_of_another_event_is_taken(partner, make_event):
    make_event(slug="national-seminar")
    errors = errors_of(lambda: services.create_event(partner, valid_input(slug="national-seminar")))
    assert "already taken" in errors["slug"][0]


def test_result_of_another_project_is_refused(partner, make_project):
    foreign = make_project().results[0]
    errors = errors_of(lambda: services.create_event(partner, valid_input(result_ids=[foreign.id])))
    assert "result_ids" in errors


def test_rejected_update_changes_nothing(make_event):
    event = make_event(title="Original title")
    before = (event.title, event.starts_at, event.ends_at, event.joining_url)
    data = replace(
        services.EventInput.from_event(event),
        title="New title",
        ends_local=services.EventInput.from_event(event).starts_local,
    )
    errors_of(lambda: services.update_event(event, data))
    db.session.expire_all()
    fresh = db.session.get(Event, event.id)
    assert (fresh.title, fresh.starts_at, fresh.ends_at, fresh.joining_url) == before


def test_update_moves_agenda_items_with_the_start(make_event, make_agenda_item):
    event = make_event()
    item = make_agenda_item(event, start_offset=timedelta(hours=1))
    data = services.EventInput.from_event(event)
    later = replace(
        data, starts_local=data.starts_local + timedelta(days=2), ends_local=data.ends_local + timedelta(days=2)
    )
    services.update_event(event, later)
    db.session.expire_all()
    item = db.session.get(AgendaItem, item.id)
    assert item.starts_at == event.starts_at + timedelta(hours=1)


def test_update_refused_when_agenda_items_would_fall_outside(make_event, make_agenda_item):
    event = make_event(hours=3)
    make_agenda_item(event, start_offset=timedelta(hours=2), duration=timedelta(minutes=45), title="Closing panel")
    ends_before = event.ends_at
    data = services.EventInput.from_event(event)
    shorter = replace(data, ends_local=data.starts_local + timedelta(hours=2))
    errors = errors_of(lambda: services.update_event(event, shorter))
    assert "Closing panel" in errors["ends_local"][0]
    db.session.expire_all()
    assert db.session.get(Event, event.id).ends_at == ends_before


def test_cancelled_event_cannot_be_edited(make_event):
    event = make_event(status=EventStatus.CANCELLED)
    with pytest.raises(InvalidTransition):
        services.update_event(event, services.EventInput.from_event(event))


def test_duplicate_shifts_dates_and_agenda_and_copies_speakers_and_results(make_event, make_agenda_item, make_speaker):
    event = make_event(title="Seminar in Porto")
    event.results = list(event.project.results)
    db.session.commit()
    speaker = make_speaker(event, name="Dr Rui Costa")
    make_agenda_item(event, start_offset=timedelta(minutes=30), title="Keynote", speakers=[speaker])
    new_start = services.EventInput.from_event(event).starts_local + timedelta(days=7)

    copy = services.duplicate_event(event, new_start)

    assert copy.id != event.id and copy.slug != event.slug
    assert copy.status is EventStatus.DRAFT
    assert copy.starts_at == event.starts_at + timedelta(days=7)
    assert copy.ends_at == event.ends_at + timedelta(days=7)
    assert [(i.title, i.starts_at) for i in copy.agenda_items] == [
        ("Keynote", event.starts_at + timedelta(days=7, minutes=30))
    ]
    assert [s.name for s in copy.speakers] == ["Dr Rui Costa"]
    assert copy.speakers[0].id != speaker.id
    assert copy.agenda_items[0].speakers == copy.speakers
    assert [r.code for r in copy.results] == ["PR1", "PR2"]
    assert copy.joining_url == event.joining_url and copy.venue_name == event.venue_name
    assert len(event.agenda_items) == 1 and event.speakers == [speaker]


def test_duplicate_to_a_nonexistent_local_time_is_refused(make_event):
    event = make_event()
    with pytest.raises(DomainError) as info:
        services.duplicate_event(event, datetime(2027, 3, 28, 1, 30))
    assert "does not exist" in str(info.value)
    assert db.session.query(Event).count() == 1


def test_only_drafts_can_be_deleted(make_event, make_agenda_item):
    draft = make_event(status=EventStatus.DRAFT)
    make_agenda_item(draft)
    published = make_event(status=EventStatus.PUBLISHED)
    services.delete_event(draft)
    with pytest.raises(InvalidTransition):
        services.delete_event(published)
    assert [e.id for e in db.session.query(Event)] == [published.id]
    assert db.session.query(AgendaItem).count() == 0


def test_publishing_a_draft_records_when(make_event):
    event = make_event(status=EventStatus.DRAFT)
    assert services.allowed_transitions(event) == [EventStatus.PUBLISHED]
    services.change_status(event, EventStatus.PUBLISHED)
    assert event.status is EventStatus.PUBLISHED
    assert event.published_at is not None


def test_upcoming_published_event_can_be_postponed_or_cancelled_but_not_delivered(make_event):
    event = make_event(days_ahead=10)
    assert services.allowed_transitions(event) == [EventStatus.POSTPONED, EventStatus.CANCELLED]
    with pytest.raises(InvalidTransition) as info:
        services.change_status(event, EventStatus.DELIVERED)
    assert "after it has ended" in info.value.message
    assert event.status is EventStatus.PUBLISHED


def test_past_published_event_can_be_marked_delivered(make_event):
    event = make_event(days_ahead=-3)
    assert EventStatus.DELIVERED in services.allowed_transitions(event)
    services.change_status(event, EventStatus.DELIVERED)
    assert event.status is EventStatus.DELIVERED


def test_an_event_that_has_ended_cannot_be_cancelled(make_event):
    event = make_event(days_ahead=-3)
    assert EventStatus.CANCELLED not in services.allowed_transitions(event)
    with pytest.raises(InvalidTransition) as info:
        services.change_status(event, EventStatus.CANCELLED)
    assert info.value.message == "This event has already ended, so it can no longer be cancelled."
    assert event.status is EventStatus.PUBLISHED


def test_a_postponed_event_past_its_old_date_can_still_be_cancelled(make_event):
    event = make_event(status=EventStatus.POSTPONED, days_ahead=-3)
    assert EventStatus.CANCELLED in services.allowed_transitions(event)
    services.change_status(event, EventStatus.CANCELLED)
    assert event.status is EventStatus.CANCELLED


def test_cancelling_keeps_the_note(make_event):
    event = make_event()
    services.change_status(event, EventStatus.CANCELLED, note="  The venue flooded.  ")
    assert event.status_note == "The venue flooded."
    assert services.allowed_transitions(event) == []


@pytest.mark.parametrize(
    ("status", "target"),
    [
        (EventStatus.DRAFT, EventStatus.CANCELLED),
        (EventStatus.CANCELLED, EventStatus.PUBLISHED),
        (EventStatus.DELIVERED, EventStatus.DRAFT),
    ],
)
def test_senseless_transitions_are_refused(make_event, status, target):
    event = make_event(status=status, days_ahead=-3)
    with pytest.raises(InvalidTransition):
        services.change_status(event, target)
    assert event.status is status
