from __future__ import annotations

from datetime import datetime

import pytest

from seminar_app.agenda import services
from seminar_app.agenda.models import AgendaItem, Speaker
from seminar_app.agenda.services import AgendaItemInput, SpeakerInput
from seminar_app.enums import AgendaItemKind, EventStatus
from seminar_app.errors import InvalidTransition, ValidationFailed
from seminar_app.extensions import db
from seminar_app.timefmt import to_local

DAY = datetime(2030, 5, 6)


@pytest.fixture
def event(make_event):
    # 09:00-17:00 Lisbon time on one day.
    return make_event(starts_local=DAY.replace(hour=9), hours=8)


def item_input(start: str, end: str, **overrides) -> AgendaItemInput:
    h1, m1 = map(int, start.split(":"))
    h2, m2 = map(int, end.split(":"))
    values = {
        "title": "Talk",
        "starts_local": DAY.replace(hour=h1, minute=m1),
        "ends_local": DAY.replace(hour=h2, minute=m2),
    }
    values.update(overrides)
    return AgendaItemInput(**values)


def test_items_are_stored_in_the_events_zone_and_kept_in_time_order(event):
    services.add_agenda_item(event, item_input("11:00", "12:00", title="Second"))
    services.add_agenda_item(event, item_input("09:00", "09:30", title="Welcome", kind=AgendaItemKind.WELCOME))
    db.session.expire_all()
    assert [i.title for i in event.agenda_items] == ["Welcome", "Second"]
    assert to_local(event.agenda_items[0].starts_at, "Europe/Lisbon") == DAY.replace(hour=9)


@pytest.mark.parametrize(
    ("start", "end", "field"),
    [("08:00", "09:30", "starts_local"), ("16:30", "17:30", "ends_local"), ("10:00", "09:45", "ends_local")],
)
def test_items_outside_the_event_or_backwards_are_refused(event, start, end, field):
    with pytest.raises(ValidationFailed) as info:
        services.add_agenda_item(event, item_input(start, end))
    assert field in info.value.errors
    assert db.session.query(AgendaItem).count() == 0


def test_speaker_of_another_event_is_refused(event, make_event, make_speaker):
    stranger = make_speaker(make_event(), name="Someone Else")
    with pytest.raises(ValidationFailed) as info:
        services.add_agenda_item(event, item_input("10:00", "11:00", speaker_ids=[stranger.id]))
    assert "speaker_ids" in info.value.errors


def test_overlapping_items_are_flagged_and_touching_ones_are_not(event):
    a = services.add_agenda_item(event, item_input("09:00", "10:00", title="A"))
    b = services.add_agenda_item(event, item_input("10:00", "11:00", title="B"))
    c = services.add_agenda_item(event, item_input("10:30", "11:30", title="C"))
    d = services.add_agenda_item(event, item_input("12:00", "13:00", title="D"))
    flagged = services.overlapping_item_ids(event)
    assert flagged == {b.id, c.id}
    assert a.id not in flagged and d.id not in flagged


def test_update_item_and_its_speakers(event):
    speaker = services.add_speaker(event, SpeakerInput(name="  Dr Ana Sousa ", affiliation="ULisboa"))
    item = services.add_agenda_item(event, item_input("09:00", "10:00"))
    services.update_agenda_item(item, item_input("14:00", "15:00", title="Keynote", speaker_ids=[speaker.id]))
    assert item.title == "Keynote"
    assert item.speakers == [speaker]
    assert speaker.name == "Dr Ana Sousa"


def test_removing_a_speaker_keeps_their_items(event):
    speaker = services.add_speaker(event, SpeakerInput(name="Dr Ana Sousa"))
    item = services.add_agenda_item(event, item_input("09:00", "10:00", speaker_ids=[speaker.id]))
    services.remove_speaker(speaker)
    db.session.expire_all()
    assert db.session.get(Speaker, speaker.id) is None
    assert db.session.get(AgendaItem, item.id).speakers == []


def test_speaker_needs_a_name(event):
    with pytest.raises(ValidationFailed) as info:
        services.add_speaker(event, SpeakerInput(name="  "))
    assert "name" in info.value.errors


def test_agenda_of_a_cancelled_event_is_frozen(event, make_agenda_item):
    item = make_agenda_item(event)
    event.status = EventStatus.CANCELLED
    db.session.commit()
    with pytest.raises(InvalidTransition):
        services.add_agenda_item(event, item_input("10:00", "11:00"))
    with pytest.raises(InvalidTransition):
        services.remove_agenda_item(item)
    assert db.session.query(AgendaItem).count() == 1


def test_nonexistent_local_time_is_refused_for_items(make_event):
    night = make_event(starts_local=datetime(2027, 3, 27, 22, 0), hours=6)
    with pytest.raises(ValidationFailed) as info:
        services.add_agenda_item(
            night,
            AgendaItemInput(
                title="Night", starts_local=datetime(2027, 3, 28, 1, 30), ends_local=datetime(2027, 3, 28, 2, 30)
            ),
        )
    assert "does not exist" in info.value.errors["starts_local"][0]
