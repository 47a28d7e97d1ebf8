"""Logs an operator's tools can read: one JSON object a line when LOG_FORMAT=json (the
production default), plain text otherwise; every line written during a request carries its
request id, and each request ends with one line saying what it was and how it went.

What is never logged: query strings (they carry invitation links and search terms), the
path of a route that takes a token (its rule, such as `/r/<token>`, is logged instead),
e-mail addresses and mail bodies (the mail sender logs ids only).
"""

from __future__ import annotations

import logging
import sys
import time
from typing import IO, Any

from flask import Flask, Response, request
from flask_login import current_user
from pythonjsonlogger.json import JsonFormatter

from seminar_app.ops.requestid import HEADER, current_request_id

request_log = logging.getLogger("seminar_app.requests")

_START_KEY = "seminar_app.request_started"
_PLAIN_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"
_JSON_FIELDS = "%(asctime)s %(levelname)s %(name)s %(message)s"
# View arguments that are secrets: the path that holds one is logged as its rule.
SECRET_ARGUMENTS = frozenset({"token"})


class RequestIdFilter(logging.Filter):
    """Add the request id (or the worker's bound id) to every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):  # a mail's own (possibly None) id is kept
            record.request_id = current_request_id()
        return True


def _is_ours(handler: logging.Handler) -> bool:
    return getattr(handler, "seminar_app", False)


def remove_handlers() -> None:
    """Take the handler `configure_logging` installed off the root logger."""
    root = logging.getLogger()
    for handler in [h for h in root.handlers if _is_ours(h)]:
        root.removeHandler(handler)


def configure_logging(app: Flask, stream: IO[str] | None = None) -> None:
    """Send every logger's lines to stderr (where gunicorn and systemd's journal collect
    them) in LOG_FORMAT; once per process, the last app created wins. The test suite keeps
    pytest's own capture: no handler is installed for a testing app in text mode."""
    remove_handlers()
    log_format = app.config.get("LOG_FORMAT", "text")
    if log_format != "json" and app.testing:
        return
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.seminar_app = True  # type: ignore[attr-defined]
    if log_format == "json":
        handler.setFormatter(
            JsonFormatter(_JSON_FIELDS, rename_fields={"asctime": "time", "levelname": "level", "name": "logger"})
        )
    else:
        handler.setFormatter(logging.Formatter(_PLAIN_FORMAT))
    handler.addFilter(RequestIdFilter())
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(app.config.get("LOG_LEVEL", "INFO"))


def loggable_path() -> str:
    """The request's path, or its rule when the path holds a secret; never the query string."""
    if request.url_rule is not None and SECRET_ARGUMENTS & set(request.view_args or {}):
        return request.url_rule.rule
    return request.path


def _user_id() -> int | None:
    if request.endpoint == "static":
        return None
    try:
        return int(current_user.id) if current_user.is_authenticated else None
    except Exception:  # a broken session or database must not break the log line
        return None


def init_app(app: Flask) -> None:
    configure_logging(app)

    def log_exception(exc_info: Any) -> None:
        """Flask's own line for an unhandled error, without the path's token."""
        app.logger.error("Exception on %s [%s]", loggable_path(), request.method, exc_info=exc_info)

    app.log_exception = log_exception  # type: ignore[method-assign]

    @app.before_request
    def start_clock() -> None:
        request.environ[_START_KEY] = time.perf_counter()
        current_request_id()

    # Registered before the other after_request functions, so it runs last and logs the final status.
    @app.after_request
    def log_request(response: Response) -> Response:
        request_id = current_request_id()
        if request_id:
            response.headers[HEADER] = request_id
        started = request.environ.get(_START_KEY)
        fields: dict[str, Any] = {
            "method": request.method,
            "path": loggable_path(),
            "endpoint": request.endpoint,
            "status": response.status_code,
            "duration_ms": round((time.perf_counter() - started) * 1000, 1) if started else None,
            "request_id": request_id,
            "user_id": _user_id(),
        }
        request_log.info("%s %s %s", fields["method"], fields["path"], fields["status"], extra=fields)
        return response
