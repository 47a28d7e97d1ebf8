"""Requests per second of public pages against a trivial Flask "hello" app.

Both are served by gunicorn with 2 workers and measured by wrk in the same run, so
the ratio holds even on a noisy machine. seminar_app runs on PostgreSQL with the
demo data, once with its public-page cache in Redis (as in production) and once with
the cache off, so both figures are printed. Needs wrk (apt-get install wrk), a PostgreSQL server and Redis.

    .venv/bin/python bench/pages.py [--seconds 10] [--connections 8]

The bar: an event page at >= 1/12 of the hello app's requests per second.
"""

from __future__ import annotations

import os
import signal

from bench.common import arguments, demo_database, serve, wrk


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

    results: dict[str, float] = {}
    hello, hello_base = serve("bench.hello:app", env)
    try:
        results["hello"] = wrk(hello_base + "/", args.seconds, args.connections)
    finally:
        hello.send_signal(signal.SIGTERM)
        hello.wait()
    variants = {
        "": {**env, "CACHE_REDIS_URL": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/15")},
        " (no cache)": {**env, "PUBLIC_PAGE_CACHE_SECONDS": "0"},
    }
    for suffix, variant_env in variants.items():
        app, base = serve("seminar_app:create_app()", variant_env)
        try:
            results[f"event page{suffix}"] = wrk(f"{base}/events/{slug}", args.seconds, args.connections)
            results[f"event list{suffix}"] = wrk(f"{base}/", args.seconds, args.connections)
        finally:
            app.send_signal(signal.SIGTERM)
            app.wait()
    app, base = serve("seminar_app:create_app()", env)
    try:
        results["API event list"] = wrk(f"{base}/api/v1/events", args.seconds, args.connections)
        results["API event"] = wrk(f"{base}/api/v1/events/{event_id}", args.seconds, args.connections)
    finally:
        app.send_signal(signal.SIGTERM)
        app.wait()

    reference = results["hello"]
    print(f"gunicorn -w 2, wrk -t 2 -c {args.connections} -d {args.seconds}s, PostgreSQL, demo data")
    print(f"{'page':<28}{'req/s':>10}{'ratio to hello':>18}")
    for name, rps in results.items():
        print(f"{name:<28}{rps:>10.0f}{'1/' + format(reference / rps, '.1f'):>18}")
    event_ratio = reference / results["event page"]
    print(f"event page bar (<= 1/12): {'met' if event_ratio <= 12 else 'NOT met'} (1/{event_ratio:.1f})")


if __name__ == "__main__":
    main()
