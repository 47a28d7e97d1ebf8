"""The number of SQL statements one registration through the API costs, pinned exactly
(issue 18): a new lazy load or a query per consent shows up here before it shows up in
the benchmark (bench/registration.py)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event as sa_event
from sqlalchemy import func, select

from seminar_app.enums import EventFormat
from seminar_app.extensions import db
from seminar_app.mail.models import OutboxMessage
from seminar_app.registration.models import Registration


@contextmanager
def statements() -> Iterator[list[str]]:
    seen: list[str] = []

    def count(conn, cursor, statement, *args):  # type: ignore[no-untyped-def]
        seen.append(" ".join(statement.split())[:90])

    sa_event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        sa_event.remove(db.engine, "before_cursor_execute", count)


def post(client, event_id: int, n: int):  # type: ignore[no-untyped-def]
    db.session.remove()  # a request starts with an empty session, as in production
    return client.post(
        f"/api/v1/events/{event_id}/registrations",
        json={"name": f"Person {n}", "email": f"p{n}@example.org", "mode": "online", "privacy_acknowledged": True},
    )


# PostgreSQL: the seat lock (or the share lock, without a seat limit), which reads the event's
# row again, the look for the same address and for an invitation to it (one SELECT), the
# registration, its consents (one INSERT) and the outbox row, holding what the mail needs: the
# sender renders it (5); an invited address adds the UPDATE of its invitation. The event with its
# partner, project, translations and agenda, the project's notices with their texts and its
# groups (3) are read by the event's first registration of the content generation and then kept
# (`event_to_register`). SQLite: the BEGIN IMMEDIATE of the seat lock starts afresh, so those 3
# are read again.
EXPECTED = {"postgresql": 5, "sqlite": 8}
READING_THE_EVENT = 3


def test_a_registration_costs_a_fixed_number_of_statements(client, make_event) -> None:
    unlimited = make_event(format=EventFormat.ONLINE, capacity_online=None).id
    limited = make_event(format=EventFormat.ONLINE, capacity_online=100).id
    base = EXPECTED[db.engine.dialect.name]
    # A limited event's seats taken are counted, under the lock.
    for event_id, expected in ((unlimited, base), (limited, base + 1)):
        with statements() as seen:
            assert post(client, event_id, event_id * 10).status_code == 202
        # The first request of a process reads more (the installation id): not counted.
        assert len(_counted(seen)) >= expected + READING_THE_EVENT, "the event is read once"
        for n in range(1, 4):
            with statements() as seen:
                assert post(client, event_id, event_id * 10 + n).status_code == 202
            counted = _counted(seen)
            assert len(counted) == expected, "\n".join(counted)


def test_without_a_shared_cache_each_registration_reads_the_event(client, make_event, app, monkeypatch) -> None:
    """Only a cache every worker shares says when another worker's edit changed the event."""
    monkeypatch.setitem(app.config, "PUBLIC_PAGE_CACHE_SECONDS", 0)
    event_id = make_event(format=EventFormat.ONLINE, capacity_online=None).id
    assert post(client, event_id, 0).status_code == 202
    for n in range(1, 3):
        with statements() as seen:
            assert post(client, event_id, n).status_code == 202
        counted = _counted(seen)
        assert len(counted) == EXPECTED[db.engine.dialect.name] + READING_THE_EVENT, "\n".join(counted)


def _counted(seen: list[str]) -> list[str]:
    """The statements that read or write (BEGIN, COMMIT and SAVEPOINT aside)."""
    return [s for s in seen if s.startswith(("SELECT", "UPDATE", "INSERT"))]


def test_a_repeated_address_costs_no_more_than_a_new_one(client, make_event) -> None:
    event_id = make_event(format=EventFormat.ONLINE, capacity_online=None).id
    assert post(client, event_id, 1).status_code == 202
    with statements() as seen:
        assert post(client, event_id, 1).status_code == 202
    counted = [s for s in seen if s.startswith(("SELECT", "UPDATE", "INSERT"))]
    assert len(counted) <= EXPECTED[db.engine.dialect.name], "\n".join(counted)
    assert db.session.scalar(select(func.count()).select_from(Registration)) == 1
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 2
