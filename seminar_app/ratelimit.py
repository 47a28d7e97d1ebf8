"""How the rate limits (Flask-Limiter, `extensions.limiter`) behave in production.

Counters live in RATELIMIT_STORAGE_URI. With `memory://` each worker process counts on its
own, so N workers let N times the limit through: production refuses to start with it
(seminar_app.ops.startchecks).

When Redis cannot be reached the limiter fails open, but not unlimited: it logs the warning
"Rate limit storage unreachable - falling back to in-memory storage" (to the server's
error stream unless logging is set up otherwise), counts in each
process's memory until Redis answers again (it retries with backoff) and goes on serving.
Nobody gets a 500 or a 503 because Redis is down.

Every 429 says when to come back in `Retry-After` (seconds), for pages and the API alike.
"""

from __future__ import annotations

import logging
import time

from flask import Flask, Response
from flask.logging import default_handler
from redis.exceptions import RedisError

from seminar_app.extensions import limiter


def _seconds_until_reset() -> int:
    limit = limiter.current_limit
    if limit is None:
        return 60
    try:
        return max(1, int(limit.reset_at - time.time()))
    except RedisError:  # gone since the check: a whole window is always long enough
        return limit.limit.get_expiry()


def _show_limiter_warnings() -> None:
    """Flask-Limiter logs into a NullHandler of its own: unless the operator set up logging,
    send its warnings where Flask's own go (the WSGI server's error stream)."""
    logger = limiter.logger
    if logging.getLogger().handlers or any(not isinstance(h, logging.NullHandler) for h in logger.handlers):
        return
    logger.addHandler(default_handler)


def init_app(app: Flask) -> None:
    _show_limiter_warnings()

    @app.after_request
    def retry_after(response: Response) -> Response:
        if response.status_code == 429 and "Retry-After" not in response.headers:
            response.headers["Retry-After"] = str(_seconds_until_reset())
        return response
