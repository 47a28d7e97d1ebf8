"""gunicorn settings for one web node (used by deploy/systemd/seminar-web@.service and by
deploy/rehearsal.sh). Every value can be overridden from the environment, so that one file
serves several nodes on one machine (each with its own SEMINAR_BIND).

    gunicorn -c deploy/gunicorn.conf.py seminar_app.wsgi:app
"""

from __future__ import annotations

import json
import multiprocessing
import os
from pathlib import Path
from typing import Any

# The node's address: nginx's upstream lists one line per node. Loopback by default: only
# nginx talks to gunicorn (it buffers slow clients, which sync workers cannot afford).
bind = [os.environ.get("SEMINAR_BIND", "127.0.0.1:8001")]

# Sync workers: one request at a time per process, the model this app is written for
# (blocking SQLAlchemy and SMTP calls, no shared state between requests). Twice the cores
# plus one keeps the CPU busy while some workers wait on PostgreSQL.
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "sync")
workers = int(os.environ.get("GUNICORN_WORKERS", str(multiprocessing.cpu_count() * 2 + 1)))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))

# A request that runs longer than this is killed (its worker restarted): the largest
# export or PDF report here takes a few seconds; 60 s leaves room on a slow day.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
# On SIGTERM (systemctl stop/restart) workers finish the request in hand for up to this long.
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
# Only used by gthread/async workers; the sync worker closes every connection after its answer.
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))

# Recycle each worker after about this many requests (jitter: not all at once), which caps
# the effect of any slow memory growth.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", "200"))

# nginx keeps the access log (with $request_id); the app logs each request itself when the
# ops part's JSON logging is on. GUNICORN_ACCESS_LOG=- turns gunicorn's on, as one JSON line.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
access_log_format = json.dumps(
    {
        "time": "%(t)s",
        "remote": "%(h)s",
        "method": "%(m)s",
        "path": "%(U)s",
        "status": "%(s)s",
        "bytes": "%(B)s",
        "duration_us": "%(D)s",
        "request_id": "%({x-request-id}i)s",
    }
)
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# Trust X-Forwarded-* only from nginx on this machine (ProxyFix in the app does the rest).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
proc_name = "seminar-web-" + bind[0].rsplit(":", 1)[-1]

# The app is loaded once, in the master, before the workers are forked: a setting that is
# missing or unsafe stops the node there with the app's message and exit code 78
# (seminar_app/wsgi.py), which systemd does not restart; without preload every worker would
# exit 78 and gunicorn would start another, for ever. The start checks close their own
# connections; post_fork below makes sure no pooled database connection crosses the fork.
preload_app = True

_MULTIPROC_DIR = os.environ.get("PROMETHEUS_MULTIPROC_DIR")


def _fresh_metrics_dir() -> None:
    """prometheus_client's multiprocess folder must exist before the app is loaded (preload
    loads it in the master before any server hook runs) and must start empty, or a previous
    run's files would add old counts. Done once per master: a SIGHUP re-reads this file and
    must not delete the files of live workers."""
    if not _MULTIPROC_DIR or os.environ.get("_SEMINAR_METRICS_DIR_READY") == _MULTIPROC_DIR:
        return
    path = Path(_MULTIPROC_DIR)
    path.mkdir(parents=True, exist_ok=True)
    # The files, not the folder: under systemd the folder is the unit's RuntimeDirectory and
    # its parent (/run) is read-only to the service.
    for stale in path.glob("*.db"):
        stale.unlink()
    os.environ["_SEMINAR_METRICS_DIR_READY"] = _MULTIPROC_DIR


_fresh_metrics_dir()


def child_exit(server: Any, worker: Any) -> None:
    """prometheus_client's multiprocess mode: a dead worker's live gauges must go with it
    (as prometheus-flask-exporter's documentation asks for gunicorn)."""
    if not _MULTIPROC_DIR:
        return
    try:
        from prometheus_client import multiprocess
    except ImportError:
        return
    multiprocess.mark_process_dead(worker.pid)


def post_fork(server: Any, worker: Any) -> None:
    """A forked worker must not reuse the master's pooled database connections (SQLAlchemy's
    advice for forking servers): drop them without closing the master's sockets."""
    app = getattr(server.app, "callable", None)
    if app is None or not hasattr(app, "app_context"):
        return
    from seminar_app.extensions import db

    with app.app_context():
        db.engine.dispose(close=False)
