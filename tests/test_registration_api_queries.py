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


# PostgreSQL: the event with its partner, project, translations and agenda; the project's
# notices with their texts; its groups (3); the seat lock, the look for the same address, the
# registration, its consents (one INSERT), the invitations it answers, the calendar UIDs'
# settings and the outbox row (7). SQLite: the BEGIN IMMEDIATE of the seat lock starts afresh,
# so the event is read again (3), and the four consents are four INSERTs (3).
EXPECTED = {"postgresql": 10, "sqlite": 16}


def test_a_registration_costs_a_fixed_number_of_statements(client, make_event) -> None:
    unlimited = make_event(format=EventFormat.ONLINE, capacity_online=None).id
    limited = make_event(format=EventFormat.ONLINE, capacity_online=100).id
    post(client, unlimited, 0)  # warm: the first request of a process reads more (installation id)

    base = EXPECTED[db.engine.dialect.name]
    for event_id, expected in ((unlimited, base), (limited, base + 1)):  # + counting the seats taken
        for n in range(1, 4):
            with statements() as seen:
                assert post(client, event_id, event_id * 10 + n).status_code == 202
            writes = [s for s in seen if not s.startswith(("SELECT", "UPDATE", "INSERT"))]
            counted = [s for s in seen if s not in writes]  # BEGIN/COMMIT/SAVEPOINT aside
            assert len(counted) == expected, "\n".join(counted)


def test_a_repeated_address_costs_no_more_than_a_new_one(client, make_event) -> None:
    event_id = make_event(format=EventFormat.ONLINE, capacity_online=None).id
    assert post(client, event_id, 1).status_code == 202
    with statements() as seen:
        assert post(client, event_id, 1).status_code == 202
    counted = [s for s in seen if s.startswith(("SELECT", "UPDATE", "INSERT"))]
    assert len(counted) <= EXPECTED[db.engine.dialect.name], "\n".join(counted)
    assert db.session.scalar(select(func.count()).select_from(Registration)) == 1
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 2
