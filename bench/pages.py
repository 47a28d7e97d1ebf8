"""Requests per second of the public read paths against a minimal Flask + SQLAlchemy app.

Everything is served by gunicorn with 2 sync workers and measured by wrk in the same run, so
the ratios hold on a noisy machine: "hello" (bench/hello.py, a trivial Flask app), "minimal"
(bench/minimal_app.py: one SELECT and a tiny template per GET) and seminar_app on PostgreSQL
with the demo data, its public-page cache off (what a visitor gets on a cache miss, signed in
or in a second language: the parts kept per content generation in Redis are still used), with
nothing kept at all (what the first request after an edit costs, once per page and language)
and, for reference, with the page cache on (in Redis, as in production).
The registration POST is measured by bench/registration.py. Needs wrk (apt-get install wrk),
a PostgreSQL server and Redis.

    .venv/bin/python bench/pages.py [--seconds 10] [--connections 8]

The bars (issue 18), as a fraction of minimal's requests per second: event page, event list
and API event >= 1/2; the event's .ics >= 1/1.5.
"""

from __future__ import annotations

import signal
from collections.abc import Callable

from bench.common import arguments, demo_database, serve, wrk

# Row name -> the least fraction of minimal's requests per second it must reach.
TARGETS = {
    "event page (no cache)": 1 / 2,
    "event list (no cache)": 1 / 2,
    "API event": 1 / 2,
    "event .ics": 1 / 1.5,
}


def _measure(
    app_spec: str, env: dict[str, str], paths: dict[str, str], run: Callable[[str], float]
) -> dict[str, float]:
    """Requests per second of each path of one gunicorn-served app."""
    proc, base = serve(app_spec, env)
    try:
        return {name: run(base + path) for name, path in paths.items()}
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait()


def main() -> None:
    args = arguments(__doc__)
    db_url, env = demo_database()

    from sqlalchemy import create_engine, text

    engine = create_engine(db_url)
    with engine.connect() as conn:
        event_id, slug = conn.execute(
            text("SELECT id, slug FROM event WHERE status = 'published' AND ends_at > now() ORDER BY starts_at LIMIT 1")
        ).one()
    engine.dispose()

    def run(url: str) -> float:
        return wrk(url, args.seconds, args.connections)

    results: dict[str, float] = {}
    results |= _measure("bench.hello:app", env, {"hello": "/"}, run)
    results |= _measure("bench.minimal_app:app", env, {"minimal": f"/events/{event_id}"}, run)
    product = {
        "event page (no cache)": f"/events/{slug}",
        "event list (no cache)": "/",
        "API event": f"/api/v1/events/{event_id}",
        "event .ics": f"/events/{slug}/calendar.ics",
    }
    results |= _measure("seminar_app:create_app()", {**env, "PUBLIC_PAGE_CACHE_SECONDS": "0"}, product, run)
    # What every request would cost if nothing were kept per content generation (no shared
    # cache): the first request after each edit pays this once, for each page and language.
    bare = {f"{name.split(' (')[0]} (nothing kept)": path for name, path in product.items()}
    no_shared_cache = {**env, "PUBLIC_PAGE_CACHE_SECONDS": "0", "CACHE_REDIS_URL": ""}
    results |= _measure("seminar_app:create_app()", no_shared_cache, bare, run)
    cached = {"event page (cached)": f"/events/{slug}"}
    results |= _measure("seminar_app:create_app()", env, cached, run)

    minimal = results["minimal"]
    print(f"gunicorn -w 2, wrk -t 2 -c {args.connections} -d {args.seconds}s, PostgreSQL, demo data")
    print(f"{'request':<28}{'req/s':>9}{'÷ minimal':>12}{'target':>10}{'':>9}")
    for name, rps in results.items():
        ratio = f"1/{minimal / rps:.1f}" if rps < minimal else f"{rps / minimal:.1f}/1"
        target = TARGETS.get(name)
        bar = f"≥ 1/{1 / target:g}" if target else ""
        verdict = ("met" if rps >= target * minimal else "NOT met") if target else ""
        print(f"{name:<28}{rps:>9.0f}{ratio:>12}{bar:>10}{verdict:>9}")


if __name__ == "__main__":
    main()
