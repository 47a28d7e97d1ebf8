"""A pooled database connection is checked before use only when it has been idle.

SQLAlchemy's `pool_pre_ping` asks the server on every checkout: a round trip for every
request, 8% of a worker's time under the registration benchmark (issue 18). A connection given
back to the pool less than DATABASE_PING_AFTER_IDLE_SECONDS ago was working then and is used
as it is; one idle for longer (through a database restart, or a firewall that drops idle
connections) is pinged first, and when it does not answer, the pool's connections are
replaced, as `pool_pre_ping` does. Connection pools such as HikariCP skip their check the
same way (`aliveBypassWindowMs`, half a second).
"""

from __future__ import annotations

from time import monotonic
from typing import Any

from sqlalchemy import Engine, event
from sqlalchemy.exc import InvalidatePoolError
from sqlalchemy.pool import ConnectionPoolEntry, PoolProxiedConnection

_RETURNED_AT = "seminar_app.returned_at"


def ping_when_idle(engine: Engine, idle_seconds: float) -> None:
    """Check `engine`'s pooled connections as the module docstring says."""
    dialect = engine.dialect

    def note_return(_dbapi_connection: Any, entry: ConnectionPoolEntry) -> None:
        entry.info[_RETURNED_AT] = monotonic()

    def ping_if_idle(dbapi_connection: Any, entry: ConnectionPoolEntry, _proxy: PoolProxiedConnection) -> None:
        returned_at = entry.info.get(_RETURNED_AT)  # none on a new connection
        if returned_at is None or monotonic() - returned_at < idle_seconds:
            return
        try:
            alive = dialect.do_ping(dbapi_connection)
        except dialect.loaded_dbapi.Error as exc:
            raise InvalidatePoolError(f"A pooled connection idle for a while does not answer: {exc}") from exc
        if not alive:
            raise InvalidatePoolError("A pooled connection idle for a while does not answer.")

    event.listen(engine, "checkin", note_return)
    event.listen(engine, "checkout", ping_if_idle)
