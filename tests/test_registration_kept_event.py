"""The event a registration reads, kept in the worker for a content generation (issue 18):
what registrants get is never older than the event's last edit, and what changes without an
edit (the calendar SEQUENCE, the seats) is read under the seat lock."""

from __future__ import annotations

from sqlalchemy import inspect, select

from seminar_app import pagecache
from seminar_app.enums import EventFormat
from seminar_app.events.models import Event
from seminar_app.extensions import db
from seminar_app.mail.models import OutboxMessage
from seminar_app.registration import queries, services
from seminar_app.registration.models import Registration
from tests.mail_rows import write_pending_mail


def post(client, event_id: int, n: int):  # type: ignore[no-untyped-def]
    db.session.remove()  # a request starts with an empty session, as in production
    return client.post(
        f"/api/v1/events/{event_id}/registrations",
        json={"name": f"Person {n}", "email": f"p{n}@example.org", "mode": "online", "privacy_acknowledged": True},
    )


def last_mail(n: int) -> OutboxMessage:
    db.session.remove()
    write_pending_mail()
    return db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.to_address == f"p{n}@example.org").order_by(OutboxMessage.id.desc())
    ).first()


def kept(app, event_id: int) -> Event | None:  # type: ignore[no-untyped-def]
    with app.test_request_context():
        events = queries._kept_events()
    return None if events is None else events.get(event_id)


def test_a_registration_after_an_edit_gets_the_edited_event(client, make_event, app) -> None:
    event_id = make_event(format=EventFormat.ONLINE, capacity_online=None, title="Mentoring in probation").id
    assert post(client, event_id, 1).status_code == 202
    assert kept(app, event_id) is not None, "the first registration keeps the event"

    event = db.session.get(Event, event_id)
    event.title = "Mentoring in probation and parole"
    db.session.commit()

    assert post(client, event_id, 2).status_code == 202
    assert last_mail(2).subject.endswith("– Mentoring in probation and parole")
    assert "Mentoring in probation and parole" in last_mail(2).calendar_ics


def test_the_calendar_sequence_raised_without_an_edit_reaches_the_next_registrant(client, make_event, app) -> None:
    """Cancelling raises the event's SEQUENCE in SQL, which starts no new content generation:
    the kept event's SEQUENCE is old, the one the seat lock reads is not."""
    event_id = make_event(format=EventFormat.ONLINE, capacity_online=None).id
    assert post(client, event_id, 1).status_code == 202
    generation = _generation(app)
    first = db.session.scalars(select(Registration).where(Registration.email == "p1@example.org")).one()
    services.cancel_registration(first)
    raised = db.session.get(Event, event_id).ical_sequence
    assert raised > kept(app, event_id).ical_sequence
    assert _generation(app) == generation, "the kept event is still the generation's"

    assert post(client, event_id, 2).status_code == 202
    assert f"SEQUENCE:{raised}" in last_mail(2).calendar_ics


def test_registrations_through_a_kept_event_change_no_public_content(client, make_event, app) -> None:
    """The copy merged into each request is not an edit: the public pages stay cached."""
    event_id = make_event(format=EventFormat.ONLINE, capacity_online=None).id
    assert post(client, event_id, 1).status_code == 202
    generation = _generation(app)
    for n in (2, 3):
        assert post(client, event_id, n).status_code == 202
    assert _generation(app) == generation
    copy = kept(app, event_id)
    assert inspect(copy).session is None, "the kept event belongs to no request's session"
    assert "registrations" not in inspect(copy).dict, "no request's registrations were added to it"
    assert db.session.scalar(select(Registration.id).where(Registration.email == "p3@example.org")) is not None


def test_the_seats_are_counted_on_the_row_under_the_lock(client, make_event, app) -> None:
    """A capacity written in SQL (as a migration or a script would) counts at once."""
    event_id = make_event(format=EventFormat.ONLINE, capacity_online=5).id
    assert post(client, event_id, 1).status_code == 202
    db.session.execute(Event.__table__.update().where(Event.__table__.c.id == event_id).values(capacity_online=1))
    db.session.commit()

    assert post(client, event_id, 2).status_code == 202
    assert last_mail(2).kind == "registration_waitlisted"


def _generation(app) -> str:  # type: ignore[no-untyped-def]
    with app.test_request_context():
        return pagecache.current_generation()
