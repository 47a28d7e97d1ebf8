"""Where the time of each hot path goes: cProfile over requests through the test client, on
the benchmark's PostgreSQL database with the demo data and Redis, as bench/pages.py and
bench/registration.py serve them (page cache off, the shared cache on).

For each path it prints the time per request without the profiler (best of two rounds),
then the functions of seminar_app and its templates that take the most cumulative time,
with the share of the request each takes under the profiler.

    PYTHONPATH=. .venv/bin/python bench/profile_paths.py [page list api ics registration] [--requests 400]
"""

from __future__ import annotations

import argparse
import cProfile
import itertools
import logging
import os
import pstats
import time
from collections.abc import Callable
from typing import Any

from bench.common import demo_database

PATHS = ("page", "list", "api", "ics", "registration")
BASE_URL = "https://seminars.bench.example"
SHOWN = ("seminar_app/", "templates/")


def _requests(client: Any, event_id: int, slug: str) -> dict[str, Callable[[], Any]]:
    counter = itertools.count()

    def register() -> Any:
        n = next(counter)
        person = {
            "name": f"Profile Person {n}",
            "email": f"profile-{n}-{time.time_ns()}@example.org",
            "privacy_acknowledged": True,
            "mode": "online",
            "organisation": "Profile Org",
        }
        return client.post(f"/api/v1/events/{event_id}/registrations", json=person, base_url=BASE_URL)

    def get(path: str) -> Callable[[], Any]:
        return lambda: client.get(path, base_url=BASE_URL)

    return {
        "page": get(f"/events/{slug}"),
        "list": get("/"),
        "api": get(f"/api/v1/events/{event_id}"),
        "ics": get(f"/events/{slug}/calendar.ics"),
        "registration": register,
    }


def _time_per_request(request: Callable[[], Any], count: int) -> float:
    best = float("inf")
    for _round in range(2):
        start = time.perf_counter()
        for _ in range(count):
            request()
        best = min(best, (time.perf_counter() - start) / count)
    return best


def _summary(profile: cProfile.Profile, count: int, limit: int = 15) -> None:
    stats = pstats.Stats(profile)
    rows = [
        (cumulative, calls, f"{os.path.relpath(file)}:{line}({name})")
        for (file, line, name), (calls, _primitive, _total, cumulative, _callers) in stats.stats.items()  # type: ignore[attr-defined]
        if any(part in file for part in SHOWN)
    ]
    total = max((cumulative for cumulative, _calls, _where in rows), default=0.0)
    for cumulative, calls, where in sorted(rows, reverse=True)[:limit]:
        share = cumulative / total if total else 0.0
        print(f"  {cumulative / count * 1e6:>8.0f} µs {share:>5.0%} {calls // count:>4}× {where}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("paths", nargs="*", metavar="path", help=f"any of {', '.join(PATHS)} (default: all)")
    parser.add_argument("--requests", type=int, default=400)
    args = parser.parse_args()
    unknown = set(args.paths) - set(PATHS)
    if unknown:
        parser.error(f"unknown path(s): {', '.join(sorted(unknown))}")

    _db_url, env = demo_database(
        PUBLIC_PAGE_CACHE_SECONDS="0", RATELIMIT_ENABLED="0", MAIL_DELIVERY="worker", PUBLIC_BASE_URL=BASE_URL
    )
    os.environ.update(env)
    from sqlalchemy import text

    from seminar_app import create_app
    from seminar_app.extensions import db

    app = create_app()
    with app.app_context():
        event_id, slug = db.session.execute(
            text(
                "SELECT id, slug FROM event WHERE status = 'published' AND format <> 'in_person' "
                "AND ends_at > now() ORDER BY starts_at LIMIT 1"
            )
        ).one()
        # Unlimited online seats and an open window, so that every registration is a full one.
        db.session.execute(
            text(
                "UPDATE event SET capacity_online = NULL, registration_opens_at = NULL, "
                "registration_closes_at = NULL, requires_approval = false WHERE id = :id"
            ),
            {"id": event_id},
        )
        db.session.commit()
    logging.disable(logging.INFO)
    requests = _requests(app.test_client(), event_id, slug)
    for name in args.paths or PATHS:
        request = requests[name]
        status = request().status_code
        for _ in range(30):
            request()
        per_request = _time_per_request(request, args.requests)
        profile = cProfile.Profile()
        profile.enable()
        for _ in range(args.requests):
            request()
        profile.disable()
        print(f"{name}: {per_request * 1e6:.0f} µs per request (status {status}); under cProfile, per request:")
        _summary(profile, args.requests)


if __name__ == "__main__":
    main()
