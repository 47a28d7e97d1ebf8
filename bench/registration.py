"""Registrations per second through the JSON API, against a minimal insert-one-row app.

Both run under gunicorn with 2 workers on PostgreSQL and are loaded by wrk with the
same POST body shape (a fresh e-mail address per request) in the same run, so the
ratio holds on a noisy machine. Rate limits are switched off for the measurement;
mail stays in the outbox (MAIL_DELIVERY=worker), as in a production deployment.

    .venv/bin/python bench/registration.py [--seconds 10] [--connections 8]

The target (issue 18): registration at >= 1/4 of the insert app's requests per second.
The event's online seats are unlimited, as they often are; a second row registers for the
same event with a seat limit that is never reached, so that each registration counts the
seats under the event's seat lock, one at a time (no target: it shows what that costs).
"""

from __future__ import annotations

import os
import signal
import tempfile

from bench.common import arguments, demo_database, serve, wrk

TARGET = 4  # registrations/s at least 1/TARGET of the insert app's
LIMIT_NEVER_REACHED = 1_000_000

LUA = r"""
-- thread_id is global: setup() sets it in each thread's own state, which a local (an upvalue
-- of request) would hide, giving both threads the same addresses (half of them repeated).
local counter = 0
thread_id = 0
local threads = {}
function setup(thread)
  thread:set("thread_id", #threads + 1)
  table.insert(threads, thread)
end
request = function()
  counter = counter + 1
  local body = string.format(
    '{"name": "Bench Person %d-%d", "email": "bench-%d-%d-%d@example.org", "privacy_acknowledged": true,'
    .. ' "mode": "online", "organisation": "Bench Org"}', thread_id, counter, os.time(), thread_id, counter)
  return wrk.format("POST", nil, {["Content-Type"] = "application/json"}, body)
end
"""


def main() -> None:
    args = arguments(__doc__)
    db_url, env = demo_database(
        RATELIMIT_ENABLED="0",
        MAIL_DELIVERY="worker",
        # Production settings accept only an https address; wrk asks 127.0.0.1, admitted as
        # a trusted host. No page cache: a POST never reads it.
        PUBLIC_BASE_URL="https://seminars.bench.example",
        TRUSTED_HOSTS="127.0.0.1",
        PUBLIC_PAGE_CACHE_SECONDS="0",
    )

    from sqlalchemy import create_engine, text

    engine = create_engine(db_url)
    with engine.begin() as conn:
        event_id = conn.execute(
            text(
                "SELECT id FROM event WHERE status = 'published' AND format <> 'in_person' AND ends_at > now() "
                "ORDER BY starts_at LIMIT 1"
            )
        ).scalar_one()
        # An open window, so every request is a full registration (the seats are set per row).
        conn.execute(
            text(
                "UPDATE event SET registration_opens_at = NULL, "
                "registration_closes_at = NULL, requires_approval = false WHERE id = :id"
            ),
            {"id": event_id},
        )
        # The insert app's table, made here: its two workers would race to create it.
        conn.execute(
            text(
                "CREATE TABLE IF NOT EXISTS bench_insert_row "
                "(id SERIAL PRIMARY KEY, name VARCHAR NOT NULL, email VARCHAR NOT NULL)"
            )
        )
    engine.dispose()

    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(LUA)
    results: dict[str, float] = {}
    reference, base = serve("bench.insert_app:app", env)
    try:
        results["insert one row"] = wrk(f"{base}/insert", args.seconds, args.connections, script.name)
    finally:
        reference.send_signal(signal.SIGTERM)
        reference.wait()
    for row, seats in (("POST registration", None), ("  with a seat limit", LIMIT_NEVER_REACHED)):
        _set_online_seats(db_url, event_id, seats)
        # Served afresh for each row, so that no worker keeps the event as it was before.
        app, base = serve("seminar_app:create_app()", env)
        try:
            url = f"{base}/api/v1/events/{event_id}/registrations"
            results[row] = wrk(url, args.seconds, args.connections, script.name)
        finally:
            app.send_signal(signal.SIGTERM)
            app.wait()
    os.unlink(script.name)

    ref = results["insert one row"]
    print(f"gunicorn -w 2, wrk -t 2 -c {args.connections} -d {args.seconds}s, PostgreSQL")
    print(f"{'request':<24}{'req/s':>10}{'÷ minimal':>12}{'target':>10}")
    print(f"{'insert one row':<24}{ref:>10.0f}{'1/1.0':>12}{'':>10}")
    rps = results["POST registration"]
    ratio = ref / rps
    verdict = "met" if ratio <= TARGET else "NOT met"
    print(
        f"{'POST registration':<24}{rps:>10.0f}{'1/' + format(ratio, '.1f'):>12}{'>= 1/' + str(TARGET):>10}  {verdict}"
    )
    limited = results["  with a seat limit"]
    print(f"{'  with a seat limit':<24}{limited:>10.0f}{'1/' + format(ref / limited, '.1f'):>12}")


def _set_online_seats(db_url: str, event_id: int, seats: int | None) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(db_url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE event SET capacity_online = :seats WHERE id = :id"), {"seats": seats, "id": event_id})
    engine.dispose()


if __name__ == "__main__":
    main()
