"""Operations: health checks, request ids and logs, metrics, error reporting, start checks.

Nothing here is a page for people: these are the doors for the load balancer, systemd,
Prometheus and the operator's log tools.
"""

from flask import Blueprint, Flask

# Routes are imported by create_app() when the blueprint is registered, not here.
bp = Blueprint("ops", __name__)


def init_app(app: Flask) -> None:
    """Logs and request ids first (their after_request runs last, seeing the final status)."""
    from seminar_app.ops import logs, metrics, requestid, sentry

    logs.init_app(app)
    metrics.init_app(app)
    sentry.init_app(app)
    app.context_processor(lambda: {"request_id": requestid.current_request_id()})
