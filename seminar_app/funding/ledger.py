"""The funder's ledger: the plan of multiplier events against the events that delivered it,
the eligible participants, the grant they earn and the evidence still missing.

Pure computation over what `funding.ledger_queries` reads, so that the page, the XLSX, the
PDF, the evidence pack and the CLI show the same figures. Decisions, where the issue is silent:

- An event delivers when it is marked delivered, or published (or postponed) and over. A
  cancelled event delivers nothing; a draft or published future event is "scheduled".
- The grant of a line is local x amount per local participant + international x amount per
  international one (unit-cost model); under a lump sum there is no amount per head ("—").
  The cap applies to the project's total, once, after the lines are summed.
- Events linked to no planned event are listed "not in the plan" with their participants;
  they earn nothing in the totals (the agency decides whether it accepts them).
- Warnings: a planned event with no event scheduled from three months before its month; a
  line whose delivered events have all taken place with fewer eligible participants than
  planned.
- An organiser sees the lines of their own partners and the totals of those lines, without
  the cap: the cap is shared by the whole consortium, and applying it to one partner's
  lines would show a figure the funder never computes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from seminar_app.enums import EventStatus
from seminar_app.events.models import Event
from seminar_app.funding.eligibility import EventCounts
from seminar_app.funding.evidence_status import EventEvidence
from seminar_app.funding.ledger_format import event_dates, month_label
from seminar_app.funding.models import FundingRules, PlannedEvent
from seminar_app.funding.rules import pays_per_head

WARNING_MONTHS = 3


class Delivery(StrEnum):
    DELIVERED = "delivered"
    SCHEDULED = "scheduled"
    POSTPONED = "postponed"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        return str(_DELIVERY_LABELS[self])


_DELIVERY_LABELS = {
    Delivery.DELIVERED: _l("delivered"),
    Delivery.SCHEDULED: _l("scheduled"),
    Delivery.POSTPONED: _l("postponed"),
    Delivery.CANCELLED: _l("cancelled"),
}


def delivery(event: Event, today: date) -> Delivery:
    status = EventStatus(event.status)
    if status is EventStatus.CANCELLED:
        return Delivery.CANCELLED
    # A postponed event whose first dates have passed was not held: it waits for new dates.
    if status is EventStatus.DELIVERED or (status is EventStatus.PUBLISHED and event.local_days[-1] < today):
        return Delivery.DELIVERED
    if status is EventStatus.POSTPONED:
        return Delivery.POSTPONED
    return Delivery.SCHEDULED


def code_key(code: str) -> tuple[object, ...]:
    """E2 before E10: digits compared as numbers."""
    return tuple(int(part) if part.isdigit() else part.casefold() for part in re.split(r"(\d+)", code))


@dataclass
class LineEvent:
    event: Event
    delivery: Delivery
    dates: str
    counts: EventCounts


@dataclass
class LedgerLine:
    code: str
    title: str
    partner_id: int
    partner: str
    country: str
    planned_month: date | None
    planned_local: int
    planned_international: int
    budget: Decimal | None
    events: list[LineEvent]
    counts: EventCounts
    grant: Decimal | None
    evidence_missing: list[str]
    evidence_present: list[str]

    @property
    def planned(self) -> bool:
        return self.planned_month is not None

    @property
    def delivered_dates(self) -> str:
        return "; ".join(
            f"{e.dates} ({e.delivery.label})" if e.delivery is not Delivery.DELIVERED else e.dates for e in self.events
        )

    @property
    def evidence_complete(self) -> bool:
        return not self.evidence_missing

    @property
    def evidence_words(self) -> str:
        """The line's evidence in plain words: what is missing, "complete" once something was
        delivered with nothing missing, "nothing due yet" while its events are still ahead."""
        if self.evidence_missing:
            return "; ".join(self.evidence_missing)
        if any(e.delivery is Delivery.DELIVERED for e in self.events):
            return _("complete")
        return _("nothing due yet") if self.events else ""


@dataclass
class Ledger:
    rules: FundingRules
    whole_project: bool
    lines: list[LedgerLine]
    unplanned: list[LedgerLine]
    totals: EventCounts
    planned_local: int
    planned_international: int
    total_before_cap: Decimal | None
    cap: Decimal | None
    total_after_cap: Decimal | None
    budget_total: Decimal
    warnings: list[str] = field(default_factory=list)

    @property
    def per_head(self) -> bool:
        return pays_per_head(self.rules)

    @property
    def cap_reached(self) -> bool:
        return self.total_before_cap is not None and self.cap is not None and self.total_before_cap >= self.cap

    @property
    def evidence_missing(self) -> list[str]:
        return [words for line in [*self.lines, *self.unplanned] for words in line.evidence_missing]


def grant(counts: EventCounts, rules: FundingRules) -> Decimal | None:
    if not pays_per_head(rules):
        return None
    return Decimal(counts.local) * Decimal(rules.amount_local) + Decimal(counts.international) * Decimal(
        rules.amount_international
    )


def _line(
    code: str,
    linked: Iterable[Event],
    counts: dict[int, EventCounts],
    evidence: dict[int, EventEvidence],
    rules: FundingRules,
    today: date,
    **planned: object,
) -> LedgerLine:
    events = [LineEvent(e, delivery(e, today), event_dates(e), counts.get(e.id, EventCounts())) for e in linked]
    total = EventCounts()
    missing: list[str] = []
    present: list[str] = []
    for one in events:
        if one.delivery is Delivery.CANCELLED:
            continue
        if one.delivery is Delivery.DELIVERED:
            total += one.counts
        for item in evidence.get(one.event.id, EventEvidence(one.event.id, [])).items:
            target = present if item.present else missing if item.due else None
            if target is not None:
                target.append(_("%(code)s: %(what)s", code=code, what=item.describe()))
    return LedgerLine(
        code=code,
        events=events,
        counts=total,
        grant=grant(total, rules),
        evidence_missing=missing,
        evidence_present=present,
        **planned,  # type: ignore[arg-type]
    )


def _months_before(month: date, months: int) -> date:
    index = month.year * 12 + month.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)


def _warnings(line: LedgerLine, today: date) -> list[str]:
    assert line.planned_month is not None
    live = [e for e in line.events if e.delivery is not Delivery.CANCELLED]
    if not live:
        if today >= _months_before(line.planned_month, WARNING_MONTHS):
            return [
                _(
                    "%(code)s: no event is scheduled for %(month)s.",
                    code=line.code,
                    month=month_label(line.planned_month),
                )
            ]
        return []
    if all(e.delivery is Delivery.DELIVERED for e in live):
        planned = line.planned_local + line.planned_international
        if line.counts.eligible < planned:
            return [
                _(
                    "%(code)s: %(eligible)d eligible participants against %(planned)d planned "
                    "(%(local)d of %(planned_local)d local, %(international)d of %(planned_international)d "
                    "international).",
                    code=line.code,
                    eligible=line.counts.eligible,
                    planned=planned,
                    local=line.counts.local,
                    planned_local=line.planned_local,
                    international=line.counts.international,
                    planned_international=line.planned_international,
                )
            ]
    return []


def build_ledger(
    plan: Sequence[PlannedEvent],
    events: Sequence[Event],
    counts: dict[int, EventCounts],
    evidence: dict[int, EventEvidence],
    rules: FundingRules,
    *,
    today: date,
    whole_project: bool,
) -> Ledger:
    """The ledger of `plan` (already limited to the reader's partners) and `events` (every
    event linked to those planned events, plus the reader's events linked to none)."""
    by_plan: dict[int, list[Event]] = {}
    unlinked: list[Event] = []
    for event in sorted(events, key=lambda e: (e.starts_at, e.id)):
        if event.planned_event_id is None:
            unlinked.append(event)
        else:
            by_plan.setdefault(event.planned_event_id, []).append(event)
    lines = [
        _line(
            p.code,
            by_plan.get(p.id, []),
            counts,
            evidence,
            rules,
            today,
            title=p.title,
            partner_id=p.partner_id,
            partner=p.partner.short_name,
            country=p.country,
            planned_month=p.planned_month,
            planned_local=p.planned_local,
            planned_international=p.planned_international,
            budget=p.budget,
        )
        for p in sorted(plan, key=lambda p: code_key(p.code))
    ]
    unplanned = [
        _line(
            e.title,
            [e],
            counts,
            evidence,
            rules,
            today,
            title=e.title,
            partner_id=e.partner_id,
            partner=e.partner.short_name,
            country=e.country,
            planned_month=None,
            planned_local=0,
            planned_international=0,
            budget=None,
        )
        for e in unlinked
        if EventStatus(e.status) is not EventStatus.CANCELLED
    ]
    totals = EventCounts()
    for line in lines:
        totals += line.counts
    before = grant(totals, rules)
    cap = Decimal(rules.cap) if rules.cap is not None and whole_project and before is not None else None
    after = min(before, cap) if before is not None and cap is not None else before
    return Ledger(
        rules=rules,
        whole_project=whole_project,
        lines=lines,
        unplanned=unplanned,
        totals=totals,
        planned_local=sum(line.planned_local for line in lines),
        planned_international=sum(line.planned_international for line in lines),
        total_before_cap=before,
        cap=cap,
        total_after_cap=after,
        budget_total=sum((Decimal(line.budget) for line in lines if line.budget is not None), Decimal(0)),
        warnings=[words for line in lines for words in _warnings(line, today)],
    )
