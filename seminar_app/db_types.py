"""Column types shared by every area."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator[datetime]):
    """An instant stored as naive UTC on every backend and returned timezone-aware.

    Refusing naive datetimes on the way in keeps local wall-clock times from
    ever being mistaken for UTC.
    """

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError("UTCDateTime needs a timezone-aware datetime")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


def start_write_transaction(session: Session) -> None:
    """Begin a transaction that holds the database's write lock from its first statement.

    PostgreSQL needs nothing (the caller's UPDATE takes a row lock). SQLite only locks
    at the first write, and a transaction that read first cannot upgrade once another
    writer committed ("database is locked"); BEGIN IMMEDIATE takes the lock up front,
    so concurrent writers queue up behind the busy timeout instead of failing.
    """
    if session.get_bind().dialect.name == "sqlite":
        session.rollback()
        session.connection().exec_driver_sql("BEGIN IMMEDIATE")
