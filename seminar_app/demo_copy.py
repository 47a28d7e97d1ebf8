"""Bulk loading for the large demo (`demo_large`): rows go to PostgreSQL through COPY.

Why not `insert()`: a million registrations sent as multi-row INSERT ... RETURNING take
about eight minutes on the benchmark machine, most of it in statement round trips and
parameter binding; COPY streams the same rows in one command per batch.

Rows that point at each other (an attendance at its registration) need the ids before the
rows are written, which COPY cannot return: `reserve_ids` takes a range of ids from the
table's sequence up front. Values go through each column's own bind processing (enum to
its stored value, aware instants to naive UTC), and columns missing from a row get the
model's Python default, exactly as `insert()` would. On other databases (SQLite in tests)
the same rows go through `insert()`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, insert, select, text

from seminar_app.extensions import db


def _is_postgresql() -> bool:
    return db.session.connection().dialect.name == "postgresql"


def reserve_ids(model: Any, count: int) -> range:
    """`count` ids for new rows of `model` that no other insert will take (the sequence
    is moved past them; on SQLite, the ids after the largest one)."""
    if count <= 0:
        return range(0)
    table = model.__table__.name
    if not _is_postgresql():
        first = (db.session.scalar(select(func.max(model.id))) or 0) + 1
        return range(first, first + count)
    sequence = db.session.scalar(text("SELECT pg_get_serial_sequence(:t, 'id')"), {"t": table})
    first = db.session.scalar(text("SELECT nextval(:s)"), {"s": sequence})
    db.session.execute(text("SELECT setval(:s, :last)"), {"s": sequence, "last": first + count - 1})
    return range(first, first + count)


def copy_rows(model: Any, rows: Sequence[dict[str, Any]]) -> None:
    """Write `rows` (dicts with the same keys) into `model`'s table in this transaction."""
    if not rows:
        return
    if not _is_postgresql():
        db.session.execute(insert(model), list(rows))
        return
    connection = db.session.connection()
    dialect = connection.dialect
    given = set(rows[0])
    columns = [c for c in model.__table__.columns if c.name in given or c.default is not None]
    defaults: dict[str, Any] = {}
    for column in columns:
        if column.name not in given:
            default = column.default
            defaults[column.name] = default.arg(None) if default.is_callable else default.arg  # type: ignore[union-attr]
    processors = [(c.name, c.type.bind_processor(dialect)) for c in columns]
    names = ", ".join(f'"{c.name}"' for c in columns)
    raw = connection.connection.driver_connection
    with raw.cursor() as cursor, cursor.copy(f'COPY "{model.__table__.name}" ({names}) FROM STDIN') as copy:  # type: ignore[union-attr]
        for row in rows:
            values = []
            for name, process in processors:
                value = row[name] if name in given else defaults[name]
                values.append(process(value) if process is not None and value is not None else value)
            copy.write_row(values)
