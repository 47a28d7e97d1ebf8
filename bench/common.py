"""What the benchmarks share: a PostgreSQL database with the demo data, gunicorn, wrk."""

from __future__ import annotations

import argparse
import os
import re
import shutil
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


def ensure_database(url: str, *, empty: bool = False) -> None:
    """Create the database of `url` if it is missing; with `empty`, drop it first, so that a
    run measures the same data whatever earlier runs added (bench/registration.py adds
    thousands of registrations to one event, whose seats every list page counts)."""
    from sqlalchemy import create_engine, make_url, text

    target = make_url(url)
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if empty:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)'))
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


def arguments(doc: str | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=8)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed: apt-get install wrk")
    return args


def demo_database(**settings: str) -> tuple[str, dict[str, str]]:
    """The benchmark database (BENCH_DATABASE_URL), made anew, migrated and with the demo data,
    and the environment that serves seminar_app from it in production mode plus `settings`."""
    db_url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB)
    ensure_database(db_url, empty=True)
    env = {
        **os.environ,
        "DATABASE_URL": db_url,
        "SEMINAR_CONFIG": "production",
        "SECRET_KEY": "bench-only-secret-key-not-for-production-0123456789",
        "SESSION_COOKIE_SECURE": "0",
        # Production refuses per-process (memory://) rate limits; benchmarks measure no limits.
        "RATELIMIT_ENABLED": "0",
        # wrk asks for 127.0.0.1, which production must be told it serves (as https, which
        # production insists on for the links it writes; nothing here redirects to it).
        "PUBLIC_BASE_URL": "https://127.0.0.1",
        # Production wants the page cache in Redis, shared by the workers.
        "CACHE_REDIS_URL": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/15"),
        "FLASK_APP": "seminar_app",
        "PYTHONPATH": str(ROOT),
        **settings,
    }
    import redis

    redis.Redis.from_url(env["CACHE_REDIS_URL"]).flushdb()  # nothing kept from an earlier run
    subprocess.run([str(BIN / "flask"), "db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True)
    subprocess.run([str(BIN / "flask"), "demo-data"], cwd=ROOT, env=env, check=True, capture_output=True)
    return db_url, env
