"""Pooled connections are checked only after being idle (seminar_app/db_pool.py): a request
right after another uses the pool's connection without a round trip, and one that died
while idle (a database restart) is replaced before anyone uses it."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import create_engine, text

from seminar_app import db_pool
from seminar_app.extensions import db


@pytest.fixture
def pings(app, monkeypatch) -> list[Any]:  # type: ignore[no-untyped-def]
    """The pings sent from now on; the pool starts empty."""
    db.session.remove()
    db.engine.dispose()
    sent: list[Any] = []
    ping = db.engine.dialect.do_ping

    def counted(dbapi_connection: Any) -> bool:
        sent.append(dbapi_connection)
        return ping(dbapi_connection)

    monkeypatch.setattr(db.engine.dialect, "do_ping", counted)
    return sent


def later(monkeypatch, seconds: float) -> None:  # type: ignore[no-untyped-def]
    now = db_pool.monotonic()
    monkeypatch.setattr(db_pool, "monotonic", lambda: now + seconds)


def used_connection() -> Any:
    """Run a query on a connection from the pool, give it back; the DBAPI connection it used."""
    with db.engine.connect() as connection:
        assert connection.execute(text("SELECT 1")).scalar() == 1
        return connection.connection.dbapi_connection


def test_a_connection_given_back_a_moment_ago_is_used_without_a_ping(app, pings) -> None:
    first = used_connection()
    assert used_connection() is first
    assert pings == [], "a new connection and one just given back are not pinged"


def test_a_connection_idle_for_a_while_is_pinged_first(app, pings, monkeypatch) -> None:
    first = used_connection()
    later(monkeypatch, app.config["DATABASE_PING_AFTER_IDLE_SECONDS"] + 1)
    assert used_connection() is first
    assert pings == [first]


def test_a_connection_that_died_while_idle_is_replaced_before_use(app, pings, monkeypatch) -> None:
    """As after a database restart: the query still works, on a new connection."""
    first = used_connection()
    if db.engine.dialect.name == "postgresql":
        outside = create_engine(db.engine.url.render_as_string(hide_password=False))
        with outside.begin() as other:
            other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": first.info.backend_pid})
        outside.dispose()
    else:
        first.close()
    later(monkeypatch, app.config["DATABASE_PING_AFTER_IDLE_SECONDS"] + 1)
    replacement = used_connection()
    assert replacement is not first
    assert first in pings
