"""Optional error reports to Sentry (SENTRY_DSN), without personal data.

Nothing happens without a DSN: the SDK is not even initialised. With one, unhandled errors
are reported with the request id as the tag `request_id` (the reference the visitor reads on
the error page), and without what could identify a person: no cookies, IP address or user
(send_default_pii=False), no request body, no local variables, no query string, the route's
rule instead of a path that holds a private token, and any e-mail address in a message
replaced by "[email]" (database errors quote the values they could not store).
"""

from __future__ import annotations

import re
from typing import Any

import sentry_sdk
from flask import Flask, request
from sentry_sdk.integrations.flask import FlaskIntegration

from seminar_app.ops.logs import SECRET_ARGUMENTS, loggable_path
from seminar_app.ops.requestid import current_request_id

_EMAIL = re.compile(r"[^\s@'\"<>(),;:]+@[^\s@'\"<>(),;:]+\.[A-Za-z]{2,}")


def _redact(value: Any) -> Any:
    return _walk(value, lambda text: _EMAIL.sub("[email]", text))


def before_send(event: dict[str, Any], _hint: dict[str, Any]) -> dict[str, Any]:
    """The last look at an event before it leaves: no query string, no token, no address."""
    req = event.get("request")
    secrets = [secret for secret in event.pop("_seminar_secrets", []) if secret]
    if isinstance(req, dict):
        req.pop("query_string", None)
        req.pop("data", None)
        req.pop("cookies", None)
        url = req.get("url")
        if isinstance(url, str):
            path = req.pop("_seminar_path", None)
            req["url"] = url.split("?", 1)[0] if path is None else path
    event = _redact(event)
    if secrets:
        pattern = re.compile("|".join(re.escape(secret) for secret in secrets))
        event = _walk(event, lambda text: pattern.sub("[token]", text))
    return event


def _walk(value: Any, change: Any) -> Any:
    if isinstance(value, str):
        return change(value)
    if isinstance(value, dict):
        return {key: _walk(item, change) for key, item in value.items()}
    if isinstance(value, list):
        return [_walk(item, change) for item in value]
    return value


def init_app(app: Flask) -> None:
    dsn = app.config.get("SENTRY_DSN")
    if not dsn:
        return
    sentry_sdk.init(
        dsn=dsn,
        environment=app.config.get("SENTRY_ENVIRONMENT", "production"),
        integrations=[FlaskIntegration()],
        send_default_pii=False,
        include_local_variables=False,
        max_request_body_size="never",
        before_send=before_send,  # type: ignore[arg-type]
        # Tests only: a Transport that records the events instead of sending them.
        transport=app.config.get("SENTRY_TRANSPORT"),
    )

    @app.before_request
    def tag_request() -> None:
        sentry_sdk.set_tag("request_id", current_request_id())
        if request.url_rule is not None and loggable_path() != request.path:
            # The path holds a private token: the report names the route and never quotes the token.
            view_args = request.view_args or {}
            secrets = [str(value) for name, value in view_args.items() if name in SECRET_ARGUMENTS]
            sentry_sdk.get_isolation_scope().add_event_processor(_hide_secrets(loggable_path(), secrets))


def _hide_secrets(path: str, secrets: list[str]) -> Any:
    def processor(event: dict[str, Any], _hint: dict[str, Any]) -> dict[str, Any]:
        if isinstance(event.get("request"), dict):
            event["request"]["_seminar_path"] = path
        event["_seminar_secrets"] = secrets
        return event

    return processor
