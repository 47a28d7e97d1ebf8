"""The ledger's figures: each line's participants and grant, the cap across the project,
the evidence still missing and the warnings, compared with counts made in the test."""

from __future__ import annotations

from decimal import Decimal

import pytest

from seminar_app.db_types import utcnow
from seminar_app.enums import EventStatus, Role
from seminar_app.extensions import db
from seminar_app.funding.ledger import Delivery, code_key, delivery
from seminar_app.funding.ledger_queries import ledger_for
from seminar_app.funding.models import FundingRules, PlannedEvent
from seminar_app.funding.rules import PRESETS
from seminar_app.reports.scope import ReportScope, report_scope
from tests.funding_world import CAP, build_world, expected_counts, expected_grant
from tests.test_events_content import count_queries

COUNTS = ("local", "international", "partner_staff", "no_country", "below_minutes", "marked")


@pytest.fixture
def world(make_project, make_partner, make_event, make_user):  # type: ignore[no-untyped-def]
    return build_world(make_project, make_partner, make_event, make_user)


def _counts(line) -> dict[str, int]:  # type: ignore[no-untyped-def]
    return {name: getattr(line.counts, name) for name in COUNTS}


def test_lines_totals_and_cap(world) -> None:  # type: ignore[no-untyped-def]
    ledger = ledger_for(world.project, ReportScope.of_project(world.project))
    assert [line.code for line in ledger.lines] == ["E1", "E2", "E3", "E10"]
    lines = {line.code: line for line in ledger.lines}
    assert _counts(lines["E1"]) == expected_counts({"A1"})
    # The repeated seminar: both events' people in one line.
    assert _counts(lines["E2"]) == expected_counts({"B1", "B2"})
    assert len(lines["E2"].events) == 2
    # The cancelled event delivers nothing.
    assert lines["E3"].counts.attendees == 0
    assert lines["E1"].grant == expected_grant({"A1"})
    assert lines["E2"].grant == expected_grant({"B1", "B2"})
    total = expected_grant({"A1", "B1", "B2"})
    assert total > CAP
    assert ledger.total_before_cap == total
    assert ledger.total_after_cap == CAP
    assert ledger.cap_reached
    assert ledger.budget_total == Decimal("6800")
    # Not in the plan: listed, not in the totals.
    assert [line.title for line in ledger.unplanned] == ["Event A9"]
    assert ledger.unplanned[0].counts.local == 1
    assert ledger.totals.local == expected_counts({"A1", "B1", "B2"})["local"]


def test_evidence_in_plain_words_and_warnings(world) -> None:  # type: ignore[no-untyped-def]
    ledger = ledger_for(world.project, ReportScope.of_project(world.project))
    lines = {line.code: line for line in ledger.lines}
    assert lines["E1"].evidence_complete
    assert lines["E2"].evidence_missing == ["E2: sheet for 20 May missing"]
    assert "Event A9: agenda missing" in ledger.unplanned[0].evidence_missing
    warnings = " ".join(ledger.warnings)
    assert "E3: no event is scheduled for" in warnings
    e1 = expected_counts({"A1"})
    assert f"E1: {e1['local'] + e1['international']} eligible participants against 7 planned" in warnings
    assert "E2:" not in warnings and "E10" not in warnings


def test_an_organiser_sees_their_partners_lines_without_the_cap(world) -> None:  # type: ignore[no-untyped-def]
    scope = report_scope(world.organiser, world.project)
    ledger = ledger_for(world.project, scope)
    assert [line.code for line in ledger.lines] == ["E1", "E3"]
    assert ledger.total_before_cap == ledger.total_after_cap == expected_grant({"A1"})
    assert ledger.cap is None and not ledger.cap_reached


def test_lump_sum_has_no_amount_per_head(world) -> None:  # type: ignore[no-untyped-def]
    rules = db.session.query(FundingRules).filter_by(project_id=world.project.id).one()
    for name, value in PRESETS["erasmus_2021_2027"].items():
        setattr(rules, name, value)
    db.session.commit()
    ledger = ledger_for(world.project, ReportScope.of_project(world.project))
    assert all(line.grant is None for line in ledger.lines)
    assert ledger.total_before_cap is None and not ledger.cap_reached
    assert ledger.lines[0].counts.local == expected_counts({"A1"})["local"]


def test_a_bounded_number_of_queries(world, make_event) -> None:  # type: ignore[no-untyped-def]
    scope = ReportScope.of_project(world.project)
    with count_queries() as few:
        ledger_for(world.project, scope)
    for n in range(6):
        make_event(world.partners["B"], title=f"More {n}").planned_event_id = world.plan["E10"].id
    db.session.add(
        PlannedEvent(
            project_id=world.project.id,
            code="E11",
            title="More",
            partner_id=world.partners["A"].id,
            country="PT",
            planned_month=world.plan["E10"].planned_month,
        )
    )
    db.session.commit()
    db.session.expire_all()
    scope = ReportScope.of_project(world.project)
    with count_queries() as many:
        ledger_for(world.project, scope)
    assert len(many) == len(few) <= 10


def test_codes_sort_as_people_read_them() -> None:
    assert sorted(["E10", "E2", "E1", "M3"], key=code_key) == ["E1", "E2", "E10", "M3"]


def test_manager_scope_is_whole_project(world, make_user) -> None:  # type: ignore[no-untyped-def]
    manager = make_user(Role.MANAGER, projects=[world.project])
    assert report_scope(manager, world.project).whole_project


@pytest.mark.parametrize(
    ("status", "days_ahead", "expected"),
    [
        (EventStatus.PUBLISHED, -5, Delivery.DELIVERED),  # held, not yet marked delivered
        (EventStatus.POSTPONED, -5, Delivery.POSTPONED),  # its old dates passed: not held
        (EventStatus.PUBLISHED, 20, Delivery.SCHEDULED),
        (EventStatus.DRAFT, -5, Delivery.SCHEDULED),
        (EventStatus.CANCELLED, -5, Delivery.CANCELLED),
    ],
)
def test_what_counts_as_delivered(make_event, status, days_ahead, expected) -> None:  # type: ignore[no-untyped-def]
    event = make_event(status=status, days_ahead=days_ahead)
    assert delivery(event, utcnow().date()) is expected


def test_a_line_whose_events_are_ahead_says_nothing_is_due_yet(make_project, make_partner, make_event) -> None:  # type: ignore[no-untyped-def]
    project = make_project()
    partner = make_partner(project)
    event = make_event(partner, days_ahead=40)
    planned = PlannedEvent(
        project_id=project.id, code="E1", title="Later", partner_id=partner.id, country=partner.country,
        planned_month=event.local_days[0].replace(day=1),
    )  # fmt: skip
    db.session.add(planned)
    db.session.flush()
    event.planned_event_id = planned.id
    db.session.commit()
    line = ledger_for(project, ReportScope.of_project(project)).lines[0]
    assert line.evidence_missing == [] and line.evidence_words == "nothing due yet"
