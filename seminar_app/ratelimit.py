"""How the rate limits (Flask-Limiter, `extensions.limiter`) behave in production.

Counters live in RATELIMIT_STORAGE_URI. With `memory://` each worker process counts on its
own, so N workers let N times the limit through: production refuses to start with it.

When Redis cannot be reached the limiter fails open, but not unlimited: it logs the warning
"Rate limit storage unreachable - falling back to in-memory storage", counts in each
process's memory until Redis answers again (it retries with backoff) and goes on serving.
Nobody gets a 500 or a 503 because Redis is down.

Every 429 says when to come back in `Retry-After` (seconds), for pages and the API alike.
"""

from __future__ import annotations

import time

from flask import Flask, Response
from redis.exceptions import RedisError

from seminar_app.extensions import limiter


def check_storage(app: Flask) -> None:
    """Refuse to start a production app whose rate limits would be counted per process."""
    uri = app.config.get("RATELIMIT_STORAGE_URI") or "memory://"
    if app.config.get("RATELIMIT_ENABLED", True) and uri.startswith("memory://"):
        raise RuntimeError(
            "Refusing to start: RATELIMIT_STORAGE_URI is memory://, so every worker process would count "
            "log-ins and registrations on its own. Set it to a Redis server that all workers share, "
            "such as redis://127.0.0.1:6379/0."
        )


def _seconds_until_reset() -> int:
    limit = limiter.current_limit
    if limit is None:
        return 60
    try:
        return max(1, int(limit.reset_at - time.time()))
    except RedisError:  # gone since the check: a whole window is always long enough
        return limit.limit.get_expiry()


def init_app(app: Flask) -> None:
    @app.after_request
    def retry_after(response: Response) -> Response:
        if response.status_code == 429 and "Retry-After" not in response.headers:
            response.headers["Retry-After"] = str(_seconds_until_reset())
        return response
