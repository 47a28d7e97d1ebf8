"""The rehearsal's judge (deploy/rehearsal/figures.py) and its nginx configuration: each
assertion fails on the evidence it exists for, and the rehearsal runs the shipped failover
settings. The rehearsal itself runs in .ci/run (deploy/rehearsal.sh)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from deploy.rehearsal import figures
from deploy.rehearsal.figures import Fault
from deploy.rehearsal.orchestrate import SHIPPED_NGINX, nginx_config, shipped_upstream_settings

AGGREGATE = {"requests": 1000, "locust_failures": 2, "rps": 40.0, "p50_ms": 30.0, "p95_ms": 90.0, "p99_ms": 200.0}
T0 = 1_000_000.0
KILL = Fault("SIGKILL web node :8001", T0 + 10, T0 + 16, may_fail_requests=True)
REDIS = Fault("Redis stopped", T0 + 40, T0 + 50)


def facts(**overrides: Any) -> dict[str, Any]:
    """Two people from the load (one seated, one waiting) and a seeded person promoted from the waiting list."""
    base: dict[str, Any] = {
        "registrations": [
            {"id": 1, "event_id": 7, "email": "a@load.example.org", "status": "confirmed", "mode": "onsite"},
            {"id": 2, "event_id": 7, "email": "b@load.example.org", "status": "waitlisted", "mode": "onsite"},
            {"id": 3, "event_id": 7, "email": "s@seed.example.org", "status": "confirmed", "mode": "online"},
        ],
        "capacities": {"7": {"onsite": 1, "online": 5}},
        "outbox_by_status": {"sent": 4},
        "mails": [
            mail(1, "registration_confirmed", 1),
            mail(2, "registration_waitlisted", 2),
            mail(3, "registration_waitlisted", 3),
            mail(4, "promoted", 3),
        ],
    }
    base.update(overrides)
    return base


def mail(n: int, kind: str, registration_id: int, status: str = "sent") -> dict[str, Any]:
    return {"id": n, "kind": kind, "status": status, "message_id": f"<m{n}@x>", "registration_id": registration_id}


def client_log(*extra: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {"kind": "registered", "time": T0 + 1, "event_id": 7, "email": "a@load.example.org"},
        {"kind": "registered", "time": T0 + 2, "event_id": 7, "email": "B@load.example.org"},
        *extra,
    ]


SMTP = [{"message_id": f"<m{n}@x>"} for n in (1, 2, 3, 4)]


def judge(**overrides: Any) -> figures.Verdict:
    values: dict[str, Any] = {
        "aggregate": AGGREGATE,
        "client_log": client_log(),
        "faults": [KILL, REDIS],
        "smtp_log": SMTP,
        "facts": facts(),
        "integrity_live": 0,
        "integrity_restored": 0,
        "mail_worker_kills": 1,
        "meta": {"nodes": 2, "duration_s": 120, "load_started": T0},
    }
    values.update(overrides)
    return figures.judge(**values)


def test_a_clean_run_passes_and_reports_its_figures() -> None:
    verdict = judge()
    assert verdict.passed, verdict.failures
    assert verdict.figures["rps"] == 40.0
    assert verdict.figures["registrations_answered"] == 2
    assert verdict.figures["faults"][0] == {"what": "SIGKILL web node :8001", "at": 10.0, "back": 16.0}
    text = figures.table(verdict)
    assert "latency p50 / p95 / p99 (ms)    30 / 90 / 200" in text
    assert text.endswith("PASSED: every assertion held.")


def test_a_5xx_while_the_node_was_down_is_allowed_when_the_retry_succeeded() -> None:
    failure = {"kind": "failure", "time": T0 + 11, "name": "POST", "method": "POST", "status": 502, "attempt": 1}
    retried = {"kind": "retried_ok", "time": T0 + 11, "name": "POST", "method": "POST", "status": 202}
    verdict = judge(client_log=client_log(failure, retried))
    assert verdict.passed, verdict.failures
    assert verdict.figures["failed_5xx"] == 1 and verdict.figures["retried_ok"] == 1


def test_a_5xx_outside_the_killed_nodes_window_fails() -> None:
    """During the Redis outage nothing may fail: the cache and the limits degrade quietly."""
    failure = {"kind": "failure", "time": T0 + 45, "name": "/", "method": "GET", "status": 500, "attempt": 1}
    verdict = judge(client_log=client_log(failure))
    assert not verdict.passed
    assert "1 request(s) failed outside a killed node's window: GET / -> 500" in verdict.failures


def test_a_request_that_failed_after_its_retry_fails_the_run() -> None:
    events = (
        {"kind": "failure", "time": T0 + 11, "name": "/", "method": "GET", "status": 0, "attempt": 1},
        {"kind": "failure", "time": T0 + 11, "name": "/", "method": "GET", "status": 0, "attempt": 2},
        {"kind": "failed_after_retry", "time": T0 + 11, "name": "/", "method": "GET"},
    )
    verdict = judge(client_log=client_log(*events))
    assert "1 request(s) still failed after the client's retry" in verdict.failures


def test_a_registration_answered_but_not_stored_fails() -> None:
    lost = {"kind": "registered", "time": T0 + 3, "event_id": 7, "email": "c@load.example.org"}
    assert (
        "1 registration(s) answered with success are not in the database" in judge(client_log=client_log(lost)).failures
    )


def test_a_registration_stored_twice_fails() -> None:
    doubled = facts()
    doubled["registrations"].append(
        {"id": 5, "event_id": 7, "email": "a@load.example.org", "status": "cancelled", "mode": "online"}
    )
    doubled["mails"].append(mail(5, "registration_confirmed", 5))
    verdict = judge(facts=doubled, smtp_log=[*SMTP, {"message_id": "<m5@x>"}])
    assert verdict.failures == ["1 registration(s) are stored more than once"]


def test_more_seats_taken_than_the_mode_has_fails() -> None:
    over = facts()
    over["registrations"][1]["status"] = "confirmed"
    verdict = judge(facts=over)
    assert "over capacity: event 7 onsite: 2 of 1" in verdict.failures


def test_a_waiting_list_that_did_not_move_means_the_events_were_not_near_capacity() -> None:
    nobody_promoted = facts()
    nobody_promoted["mails"] = nobody_promoted["mails"][:3]
    verdict = judge(facts=nobody_promoted, smtp_log=SMTP[:3])
    assert verdict.failures == [
        "the waiting list did not move (2 put on it, 0 promoted): the events were not near capacity"
    ]


def test_a_confirmation_not_received_by_the_smtp_server_fails() -> None:
    verdict = judge(smtp_log=SMTP[1:])
    assert "1 registration mail(s) were not delivered to the SMTP server" in verdict.failures


def test_one_duplicate_per_killed_mail_worker_is_allowed_with_the_same_message_id() -> None:
    assert judge(smtp_log=[*SMTP, {"message_id": "<m1@x>"}]).passed
    verdict = judge(smtp_log=[*SMTP, {"message_id": "<m1@x>"}, {"message_id": "<m2@x>"}])
    assert any("exceed one in-flight message per killed mail worker (1)" in f for f in verdict.failures)


def test_a_message_unknown_to_the_outbox_fails() -> None:
    verdict = judge(smtp_log=[*SMTP, {"message_id": "<stray@x>"}])
    assert "1 message(s) reached the SMTP server with a Message-ID the outbox lacks" in verdict.failures


def test_mail_left_in_the_outbox_fails() -> None:
    verdict = judge(facts=facts(outbox_by_status={"sent": 4, "sending": 1, "queued": 2}))
    assert "3 message(s) still queued or being sent at the end" in verdict.failures


def test_integrity_failures_and_a_missing_restore_fail() -> None:
    verdict = judge(integrity_live=1, integrity_restored=None)
    assert "flask integrity check on the live database exited 1" in verdict.failures
    assert "the dump taken during the load was not restored and checked" in verdict.failures


def test_a_fault_that_never_happened_fails() -> None:
    verdict = judge(meta={"load_started": T0, "faults_skipped": ["stop Redis"]})
    assert "fault(s) not done before the load ended: stop Redis" in verdict.failures


def test_locust_aggregate_reads_the_csv(tmp_path: Path) -> None:
    stats = tmp_path / "locust_stats.csv"
    stats.write_text(
        "Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,Min Response Time,"
        "Max Response Time,Average Content Size,Requests/s,Failures/s,50%,66%,75%,80%,90%,95%,98%,99%,99.9%,"
        "99.99%,100%\n"
        "GET,/,10,0,20,25,5,90,1000,1.5,0,20,22,25,30,40,60,80,90,90,90,90\n"
        ",Aggregated,120,3,33,40,4,900,800,12.34,0.1,33,40,45,50,70,110,300,450,900,900,900\n"
    )
    assert figures.locust_aggregate(stats) == {
        "requests": 120,
        "locust_failures": 3,
        "rps": 12.3,
        "p50_ms": 33.0,
        "p95_ms": 110.0,
        "p99_ms": 450.0,
        "max_ms": 900.0,
    }
    empty = tmp_path / "empty.csv"
    empty.write_text("Type,Name\n")
    with pytest.raises(ValueError, match="no Aggregated row"):
        figures.locust_aggregate(empty)


def test_the_rehearsal_runs_the_shipped_failover_settings(tmp_path: Path) -> None:
    settings = shipped_upstream_settings(SHIPPED_NGINX.read_text())
    assert settings == {
        "server_params": "max_fails=2 fail_timeout=10s",
        "keepalive": "16",
        "client_max_body_size": "25m",
    }
    conf = nginx_config(port=9000, node_ports=[9001, 9002], workdir=tmp_path, settings=settings, as_root=False)
    assert "server 127.0.0.1:9001 max_fails=2 fail_timeout=10s;" in conf
    assert "server 127.0.0.1:9002 max_fails=2 fail_timeout=10s;" in conf
    assert "include " + str(SHIPPED_NGINX.parent / "seminar_app_proxy.conf") in conf
    assert "location = /metrics" in conf
    with pytest.raises(ValueError, match="lacks"):
        shipped_upstream_settings("upstream x { server 127.0.0.1:1; }")


def test_the_shipped_proxy_settings_never_retry_a_post() -> None:
    snippet = (SHIPPED_NGINX.parent / "seminar_app_proxy.conf").read_text()
    lines = [line.strip() for line in snippet.splitlines() if line.strip().startswith("proxy_next_upstream ")]
    assert lines == ["proxy_next_upstream error timeout http_502 http_503;"]
    assert "X-Request-ID $request_id" in snippet


@pytest.mark.skipif(
    shutil.which("nginx") is None and not Path("/usr/sbin/nginx").exists(), reason="nginx not installed"
)
def test_the_generated_configuration_is_valid_nginx(tmp_path: Path) -> None:
    settings = shipped_upstream_settings(SHIPPED_NGINX.read_text())
    conf = tmp_path / "nginx.conf"
    conf.write_text(nginx_config(port=9000, node_ports=[9001], workdir=tmp_path, settings=settings, as_root=False))
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    result = subprocess.run(
        [nginx, "-t", "-p", str(tmp_path), "-e", str(tmp_path / "error.log"), "-c", str(conf)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


WAIT_READY = Path(__file__).resolve().parents[1] / "deploy" / "wait-ready.sh"


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_the_web_unit_counts_a_node_as_started_only_once_readyz_answers() -> None:
    """deploy/wait-ready.sh (the web unit's ExecStartPost) gives up with a message while
    /readyz does not answer 200, and returns at once when it does."""
    import threading
    from http.server import BaseHTTPRequestHandler, HTTPServer

    port = _free_port()
    waiting = subprocess.run([str(WAIT_READY), str(port), "1"], capture_output=True, text=True, timeout=30)
    assert waiting.returncode == 1
    assert f"web node on port {port} not ready" in waiting.stderr

    class Ready(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200 if self.path == "/readyz" else 404)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = HTTPServer(("127.0.0.1", port), Ready)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        ready = subprocess.run([str(WAIT_READY), str(port), "5"], capture_output=True, text=True, timeout=30)
    finally:
        server.shutdown()
        server.server_close()
    assert ready.returncode == 0, ready.stderr
    unit = (Path(__file__).resolve().parents[1] / "deploy" / "systemd" / "seminar-web@.service").read_text()
    assert "ExecStartPost=/srv/seminar_app/deploy/wait-ready.sh %i" in unit
