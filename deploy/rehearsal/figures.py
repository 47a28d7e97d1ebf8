"""The rehearsal's figures and verdict, from what it recorded: Locust's statistics, the clients'
own log, the fault timeline, the SMTP server's log, the database's facts and the integrity
checks' exit codes. Pure functions (tested in tests/test_deploy_rehearsal.py); orchestrate.py
calls `judge` and writes the result.
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# After a killed node is ready again nginx may still send it nothing for up to fail_timeout,
# and requests that were refused while it was down may be answered a moment later.
FAULT_GRACE_SECONDS = 15.0
SEAT_HOLDING = ("confirmed", "pending")


@dataclass(frozen=True)
class Fault:
    """Something the rehearsal broke on purpose: from `at` until `back` (when it answered again)."""

    what: str
    at: float
    back: float | None = None
    may_fail_requests: bool = False

    def explains(self, moment: float) -> bool:
        end = (self.back if self.back is not None else self.at) + FAULT_GRACE_SECONDS
        return self.may_fail_requests and self.at - 1.0 <= moment <= end


@dataclass
class Verdict:
    figures: dict[str, Any] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.failures

    def expect(self, condition: bool, message: str) -> None:
        if not condition:
            self.failures.append(message)


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def locust_aggregate(stats_csv: Path) -> dict[str, float]:
    """The "Aggregated" row of Locust's <prefix>_stats.csv: requests, rate, percentiles (ms)."""
    with stats_csv.open(newline="", encoding="utf-8") as f:
        rows = [row for row in csv.DictReader(f) if row.get("Name") == "Aggregated"]
    if not rows:
        raise ValueError(f"{stats_csv} has no Aggregated row: did Locust run?")
    row = rows[0]

    def number(key: str) -> float:
        value = row.get(key, "") or "0"
        return 0.0 if value == "N/A" else float(value)

    return {
        "requests": int(number("Request Count")),
        "locust_failures": int(number("Failure Count")),
        "rps": round(number("Requests/s"), 1),
        "p50_ms": number("50%"),
        "p95_ms": number("95%"),
        "p99_ms": number("99%"),
        "max_ms": number("Max Response Time"),
    }


def judge(
    *,
    aggregate: dict[str, float],
    client_log: Iterable[dict[str, Any]],
    faults: Iterable[Fault],
    smtp_log: Iterable[dict[str, Any]],
    facts: dict[str, Any],
    integrity_live: int,
    integrity_restored: int | None,
    mail_worker_kills: int,
    meta: dict[str, Any],
) -> Verdict:
    """Everything the rehearsal asserts, with the figures it reports."""
    verdict = Verdict(figures={**meta, **aggregate})
    client = list(client_log)
    fault_list = list(faults)
    _requests(verdict, client, fault_list)
    _registrations(verdict, client, facts)
    _mail(verdict, list(smtp_log), facts, mail_worker_kills)
    skipped = meta.get("faults_skipped") or []
    verdict.expect(not skipped, f"fault(s) not done before the load ended: {', '.join(skipped)}")
    verdict.figures["integrity_live_exit"] = integrity_live
    verdict.figures["integrity_restored_exit"] = integrity_restored
    verdict.expect(integrity_live == 0, f"flask integrity check on the live database exited {integrity_live}")
    verdict.expect(
        integrity_restored == 0,
        "the dump taken during the load was not restored and checked"
        if integrity_restored is None
        else f"flask integrity check on the restored copy exited {integrity_restored}",
    )
    start = float(meta.get("load_started", 0.0))
    verdict.figures["faults"] = [
        {"what": f.what, "at": round(f.at - start, 1), "back": None if f.back is None else round(f.back - start, 1)}
        for f in fault_list
    ]
    return verdict


def _requests(verdict: Verdict, client: list[dict[str, Any]], faults: list[Fault]) -> None:
    first = [e for e in client if e["kind"] == "failure" and e.get("attempt") == 1]
    unexplained = [e for e in first if not any(f.explains(e["time"]) for f in faults)]
    after_retry = [e for e in client if e["kind"] == "failed_after_retry"]
    unexpected = [e for e in client if e["kind"] == "unexpected"]
    verdict.figures.update(
        failed_first_attempts=len(first),
        failed_5xx=sum(1 for e in first if e.get("status", 0) >= 500),
        failed_connection=sum(1 for e in first if e.get("status", 0) == 0),
        failed_after_retry=len(after_retry),
        retried_ok=sum(1 for e in client if e["kind"] == "retried_ok"),
        unexplained_failures=len(unexplained),
        unexpected_answers=len(unexpected),
    )
    verdict.expect(not after_retry, f"{len(after_retry)} request(s) still failed after the client's retry")
    verdict.expect(
        not unexplained,
        f"{len(unexplained)} request(s) failed outside a killed node's window: "
        + ", ".join(f"{e['method']} {e['name']} -> {e.get('status')}" for e in unexplained[:5]),
    )
    verdict.expect(
        not unexpected,
        f"{len(unexpected)} unexpected answer(s) (4xx, missing CSRF token): "
        + ", ".join(f"{e['method']} {e['name']} -> {e.get('status')}" for e in unexpected[:5]),
    )


def _registrations(verdict: Verdict, client: list[dict[str, Any]], facts: dict[str, Any]) -> None:
    answered = [(e["event_id"], e["email"].lower()) for e in client if e["kind"] == "registered"]
    stored = Counter((r["event_id"], r["email"]) for r in facts["registrations"])
    missing = [key for key in answered if stored[key] == 0]
    doubled = [key for key in set(answered) if stored[key] > 1]
    statuses = Counter(r["status"] for r in facts["registrations"])
    verdict.figures.update(
        registrations_answered=len(answered),
        registrations_missing=len(missing),
        registrations_stored_twice=len(doubled),
        registrations_by_status=dict(sorted(statuses.items())),
    )
    verdict.expect(bool(answered), "no registration succeeded: the load did not register anybody")
    verdict.expect(not missing, f"{len(missing)} registration(s) answered with success are not in the database")
    verdict.expect(not doubled, f"{len(doubled)} registration(s) are stored more than once")

    taken = Counter((r["event_id"], r["mode"]) for r in facts["registrations"] if r["status"] in SEAT_HOLDING)
    over = [
        f"event {event_id} {mode}: {n} of {facts['capacities'][str(event_id)][mode]}"
        for (event_id, mode), n in taken.items()
        if facts["capacities"][str(event_id)][mode] is not None and n > facts["capacities"][str(event_id)][mode]
    ]
    verdict.figures["events_over_capacity"] = len(over)
    verdict.expect(not over, "over capacity: " + "; ".join(over))


def _mail(verdict: Verdict, smtp: list[dict[str, Any]], facts: dict[str, Any], mail_worker_kills: int) -> None:
    received = Counter(m["message_id"] for m in smtp)
    rehearsal_regs = {r["id"] for r in facts["registrations"]}
    mails = [m for m in facts["mails"] if m["registration_id"] in rehearsal_regs]
    # queue_registered's kinds: registration_confirmed, registration_waitlisted, registration_pending.
    confirmed_regs = {m["registration_id"] for m in mails if m["kind"].startswith("registration_")}
    without_mail = rehearsal_regs - confirmed_regs
    undelivered = [m for m in mails if m["status"] != "sent" or received[m["message_id"]] == 0]
    known = {m["message_id"] for m in facts["mails"]}
    unknown = [mid for mid in received if mid not in known]
    duplicates = {mid: n for mid, n in received.items() if n > 1}
    left = sum(n for status, n in facts["outbox_by_status"].items() if status in ("queued", "sending"))
    verdict.figures.update(
        mails_received=sum(received.values()),
        mails_distinct=len(received),
        mails_duplicated=sum(n - 1 for n in duplicates.values()),
        promotions_mailed=sum(1 for m in mails if m["kind"] == "promoted"),
        outbox_left=left,
    )
    verdict.expect(not without_mail, f"{len(without_mail)} registration(s) have no confirmation mail in the outbox")
    verdict.expect(not undelivered, f"{len(undelivered)} registration mail(s) were not delivered to the SMTP server")
    verdict.expect(not unknown, f"{len(unknown)} message(s) reached the SMTP server with a Message-ID the outbox lacks")
    verdict.expect(
        sum(n - 1 for n in duplicates.values()) <= mail_worker_kills and all(n <= 2 for n in duplicates.values()),
        f"duplicate deliveries {duplicates} exceed one in-flight message per killed mail worker ({mail_worker_kills})",
    )
    verdict.expect(left == 0, f"{left} message(s) still queued or being sent at the end")
    waited = sum(1 for m in mails if m["kind"] == "registration_waitlisted")
    verdict.figures["put_on_waiting_list"] = waited
    verdict.expect(
        waited > 0 and verdict.figures["promotions_mailed"] > 0,
        f"the waiting list did not move ({waited} put on it, {verdict.figures['promotions_mailed']} promoted): "
        "the events were not near capacity",
    )


def table(verdict: Verdict) -> str:
    """The figures as an aligned text table, then the verdict."""
    f = verdict.figures
    lines = [
        "Production rehearsal",
        f"  nodes {f.get('nodes')}, duration {f.get('duration_s')} s, users {f.get('users')}, "
        f"cores {f.get('cpu_count')}, load average at start {f.get('load_before')} / end {f.get('load_after')}",
        "",
        f"  {'requests':<32}{f.get('requests')}",
        f"  {'requests per second':<32}{f.get('rps')}",
        f"  {'latency p50 / p95 / p99 (ms)':<32}{f.get('p50_ms'):g} / {f.get('p95_ms'):g} / {f.get('p99_ms'):g}",
        f"  {'failed first attempts':<32}{f.get('failed_first_attempts')} "
        f"(5xx {f.get('failed_5xx')}, connection {f.get('failed_connection')}; "
        f"outside a fault window {f.get('unexplained_failures')})",
        f"  {'retried with success':<32}{f.get('retried_ok')}",
        f"  {'failed after retry':<32}{f.get('failed_after_retry')}",
        f"  {'registrations answered':<32}{f.get('registrations_answered')} "
        f"(missing {f.get('registrations_missing')}, stored twice {f.get('registrations_stored_twice')})",
        f"  {'registrations by status':<32}{f.get('registrations_by_status')}",
        f"  {'events over capacity':<32}{f.get('events_over_capacity')}",
        f"  {'mails received (distinct)':<32}{f.get('mails_received')} ({f.get('mails_distinct')}), "
        f"duplicates {f.get('mails_duplicated')}",
        f"  {'waiting list':<32}{f.get('put_on_waiting_list')} put on it, {f.get('promotions_mailed')} promoted",
        f"  {'outbox left':<32}{f.get('outbox_left')}",
        f"  {'integrity live / restored':<32}exit {f.get('integrity_live_exit')} / {f.get('integrity_restored_exit')}",
        "  faults: "
        + "; ".join(
            f"{x['what']} at {x['at']} s" + (f", back at {x['back']} s" if x["back"] is not None else "")
            for x in f.get("faults", [])
        ),
        "",
    ]
    if verdict.passed:
        lines.append("PASSED: every assertion held.")
    else:
        lines.append(f"FAILED: {len(verdict.failures)} assertion(s):")
        lines += [f"  - {failure}" for failure in verdict.failures]
    return "\n".join(lines)
