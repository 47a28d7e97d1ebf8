"""Health checks for the load balancer and systemd (seminar_app.ops.health), metrics for
Prometheus (seminar_app.ops.metrics)."""

from __future__ import annotations

from flask import Response, abort, jsonify

from seminar_app.extensions import limiter
from seminar_app.ops import bp, health, metrics


def _no_store(response: Response, status: int = 200) -> tuple[Response, int]:
    response.headers["Cache-Control"] = "no-store"
    return response, status


@bp.get("/healthz")
@limiter.exempt
def healthz() -> tuple[Response, int]:
    """The process is up and answers; nothing else is touched."""
    return _no_store(jsonify(status="ok"))


@bp.get("/readyz")
@limiter.exempt
def readyz() -> tuple[Response, int]:
    """200 when this node can serve (database reachable, schema at head), else 503 naming
    what failed. Redis down is reported but keeps the node ready (degraded)."""
    ready, checks = health.readiness()
    if ready:
        return _no_store(jsonify(status="ready", checks=checks))
    failed = [name for name, outcome in checks.items() if name != "redis" and outcome != health.OK]
    return _no_store(jsonify(status="not ready", failed=failed, checks=checks), 503)


@bp.get("/metrics")
@limiter.exempt
def prometheus_metrics() -> Response:
    """Prometheus's scrape: loopback or the Bearer METRICS_TOKEN only; anyone else 404."""
    if not metrics.scrape_allowed():
        abort(404)
    response = Response(metrics.exposition(), content_type=metrics.CONTENT_TYPE)
    response.headers["Cache-Control"] = "no-store"
    return response
