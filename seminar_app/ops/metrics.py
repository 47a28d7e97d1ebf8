"""Prometheus metrics: requests and their latency by endpoint, and the state of the work
queues read from the database when Prometheus scrapes.

Requests (prometheus-flask-exporter): `flask_http_request_duration_seconds` is a histogram
labelled by method, endpoint (the route's name, "unmatched" for unknown addresses: never the
raw path, so the number of series stays bounded) and status; its `_count` is the number of
requests. `flask_http_request_total` counts by method and status,
`flask_http_request_exceptions_total` the unhandled errors.

From the database, at scrape time (so every node reports the same, current figures):
`seminar_registrations{status}`, `seminar_outbox_depth` (queued mail),
`seminar_outbox_oldest_queued_age_seconds`, `seminar_jobs_last_run_age_seconds` (since the
last completed `flask jobs run`; +Inf if it never completed) and `seminar_metrics_database_up`.

Under gunicorn each worker is a process with its own counters. Set PROMETHEUS_MULTIPROC_DIR
to an empty directory writable by the app (emptied at each start of the service) before
gunicorn starts; the workers then write their counters there and any worker's `/metrics`
adds them all up. gunicorn's config must call `child_exit` (below) when a worker exits.

`/metrics` answers only loopback clients when METRICS_TOKEN is unset, or a request with
`Authorization: Bearer <METRICS_TOKEN>`; anything else gets 404. nginx must not proxy it:
Prometheus scrapes each node directly (its gunicorn address), where the Host is the node's,
which is why `/metrics` is answered whatever the Host (seminar_app.ops.health).
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
import os
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from flask import Flask, Request, current_app, request
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client import multiprocess as prometheus_multiprocess
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from prometheus_flask_exporter import PrometheusMetrics
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError

from seminar_app.db_types import utcnow
from seminar_app.enums import OutboxStatus, RegistrationStatus
from seminar_app.extensions import db

logger = logging.getLogger(__name__)

EXTENSION_KEY = "seminar_metrics"
CONTENT_TYPE = CONTENT_TYPE_LATEST


def endpoint(req: Request) -> str:
    """The label for a request: its route's name, never its path."""
    return req.endpoint or "unmatched"


def init_app(app: Flask) -> None:
    """Count this app's requests in a registry of its own (several apps in one process, as
    in the tests, must not share metric objects)."""
    app.extensions[EXTENSION_KEY] = PrometheusMetrics(
        app, path=None, registry=CollectorRegistry(auto_describe=True), group_by=endpoint, excluded_paths=["^/metrics$"]
    )


def child_exit(server: Any, worker: Any) -> None:
    """gunicorn hook (`child_exit` in its config): forget a dead worker's live gauges."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        prometheus_multiprocess.mark_process_dead(worker.pid)


class DatabaseCollector(Collector):
    """The queues' state, read at scrape time: a few aggregate queries, no per-row work."""

    def collect(self) -> Iterator[Metric]:
        from seminar_app.jobs.runs import last_completed_run
        from seminar_app.mail.models import OutboxMessage
        from seminar_app.registration.models import Registration

        up = GaugeMetricFamily("seminar_metrics_database_up", "1 if the database answered the metrics queries")
        try:
            by_status = db.session.execute(
                select(Registration.status, func.count()).group_by(Registration.status)
            ).all()
            queued = OutboxMessage.status == OutboxStatus.QUEUED
            depth, oldest = db.session.execute(
                select(func.count(), func.min(OutboxMessage.created_at)).where(queued)
            ).one()
            last_run = last_completed_run()
        except SQLAlchemyError as exc:
            db.session.rollback()
            logger.warning("Metrics: database unreachable: %s", exc)
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        now = utcnow()
        registrations = GaugeMetricFamily("seminar_registrations", "Registrations by status", labels=["status"])
        counts = {status.value: count for status, count in by_status}
        for status in RegistrationStatus:  # every status, 0 included, so that a series never vanishes
            registrations.add_metric([status.value], counts.get(status.value, 0))
        yield registrations
        yield GaugeMetricFamily("seminar_outbox_depth", "Mail queued in the outbox, not yet sent", value=depth)
        age = (now - _aware(oldest)).total_seconds() if oldest is not None else 0
        yield GaugeMetricFamily(
            "seminar_outbox_oldest_queued_age_seconds", "Age of the oldest queued mail (0: none)", value=max(age, 0)
        )
        lag = (now - last_run).total_seconds() if last_run is not None else float("inf")
        yield GaugeMetricFamily(
            "seminar_jobs_last_run_age_seconds", "Seconds since `flask jobs run` last completed", value=lag
        )


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def scrape_allowed() -> bool:
    """A Bearer METRICS_TOKEN when one is set; else only a loopback client."""
    token = current_app.config.get("METRICS_TOKEN")
    if token:
        given = request.headers.get("Authorization", "")
        return hmac.compare_digest(given.encode(), f"Bearer {token}".encode())
    try:
        return ipaddress.ip_address(request.remote_addr or "").is_loopback
    except ValueError:
        return False


def exposition() -> bytes:
    """The metrics text: the request counters (every worker's, in multiprocess mode) and
    the database figures."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        prometheus_multiprocess.MultiProcessCollector(registry)
        output = generate_latest(registry)
    else:
        output = generate_latest(current_app.extensions[EXTENSION_KEY].registry)
    queues = CollectorRegistry()
    queues.register(DatabaseCollector())
    return output + generate_latest(queues)
