"""Requests per second of public pages against a trivial Flask "hello" app.

Both are served by gunicorn with 2 workers and measured by wrk in the same run, so
the ratio holds even on a noisy machine. seminar_app runs on PostgreSQL with the
demo data, once with its public-page cache in Redis (as in production) and once with
the cache off, so both figures are printed. Needs wrk (apt-get install wrk), a PostgreSQL server and Redis.

    .venv/bin/python bench/pages.py [--seconds 10] [--connections 8]

The bar: an event page at >= 1/12 of the hello app's requests per second.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
DEFAULT_DB = "postgresql+psycopg://postgres@127.0.0.1:5432/seminar_bench"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def ensure_database(url: str) -> None:
    from sqlalchemy import create_engine, make_url, text

    target = make_url(url)
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": target.database})
        if not exists:
            conn.execute(text(f'CREATE DATABASE "{target.database}"'))
    admin.dispose()


def serve(app_spec: str, env: dict[str, str]) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    proc = subprocess.Popen(
        [str(BIN / "gunicorn"), "-w", "2", "-b", f"127.0.0.1:{port}", "--log-level", "warning", app_spec],
        cwd=ROOT,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(base + "/", timeout=1)
            break
        except Exception:
            time.sleep(0.1)
    return proc, base


def wrk(url: str, seconds: int, connections: int, script: str | None = None) -> float:
    command = ["wrk", "-t", "2", "-c", str(connections), "-d", f"{seconds}s", url]
    if script:
        command[1:1] = ["-s", script]
    out = subprocess.run(
        command,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if non_2xx:
        raise SystemExit(f"{url} answered {non_2xx.group(1)} errors:\n{out}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=8)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed: apt-get install wrk")

    db_url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB)
    ensure_database(db_url)
    env = {
        **os.environ,
        "DATABASE_URL": db_url,
        "SEMINAR_CONFIG": "production",
        "SECRET_KEY": "bench-only-secret-key-not-for-production-0123456789",
        "SESSION_COOKIE_SECURE": "0",
        "FLASK_APP": "seminar_app",
        "PYTHONPATH": str(ROOT),
    }
    subprocess.run([str(BIN / "flask"), "db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True)
    subprocess.run([str(BIN / "flask"), "demo-data"], cwd=ROOT, env=env, check=True, capture_output=True)

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
