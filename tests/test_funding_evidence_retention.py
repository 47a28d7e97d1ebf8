"""The funder's evidence through erasure and retention: a person's erasure and tier 1 keep the
uploaded signed sheets and the eligibility decisions; tier 2 (the project's evidence date)
deletes them, and only the project's own."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from seminar_app.enums import Role
from seminar_app.extensions import db
from seminar_app.funding.models import EligibilityDecision, EvidenceFile
from seminar_app.privacy.retention import run_retention
from seminar_app.privacy.retention_settings import RetentionInput, change_retention
from seminar_app.registration import services as registration_services
from tests.test_retention import STARTS_LOCAL, fresh, register

SCAN = b"%PDF-1.4 the scan of the sheet Ana Sousa signed"


def with_evidence(event, registration) -> None:  # type: ignore[no-untyped-def]
    db.session.add(
        EvidenceFile(
            event_id=event.id,
            kind="signed_sheet",
            day=event.local_days[0],
            filename="day1.pdf",
            content_type="application/pdf",
            size=len(SCAN),
            sha256="0" * 64,
            content=SCAN,
        )
    )
    db.session.add(
        EligibilityDecision(event_id=event.id, registration_id=registration.id, eligible=False, reason="Staff")
    )
    db.session.commit()


def counts() -> tuple[int, int]:
    db.session.expire_all()
    return (
        db.session.scalar(select(func.count()).select_from(EvidenceFile)),
        db.session.scalar(select(func.count()).select_from(EligibilityDecision)),
    )


def test_a_persons_erasure_keeps_the_signed_sheet_and_the_decision(make_event) -> None:
    event = make_event(starts_local=STARTS_LOCAL, hours=3)
    ana = register(event, "Ana Sousa")
    with_evidence(event, ana)

    registration_services.erase_registration(ana)

    assert fresh(ana).is_erased
    assert counts() == (1, 1)
    assert db.session.scalar(select(EvidenceFile.content)) == SCAN


def test_tier_one_keeps_the_evidence_files(make_event) -> None:
    event = make_event(starts_local=STARTS_LOCAL, hours=3)
    ana = register(event, "Ana Sousa")
    with_evidence(event, ana)

    run = run_retention(event.ends_at + timedelta(days=400))

    assert run.operational_events == 1
    assert counts() == (1, 1)


def test_tier_two_deletes_the_projects_evidence_files_and_decisions_only(make_event, make_user) -> None:
    event = make_event(starts_local=STARTS_LOCAL, hours=3)
    second = make_event(event.partner, starts_local=STARTS_LOCAL + timedelta(days=30), hours=3)
    other = make_event(starts_local=STARTS_LOCAL, hours=3)
    for each in (event, second, other):
        with_evidence(each, register(each, "Ana Sousa"))
    kept_until = (second.ends_at + timedelta(days=365)).date()
    change_retention(event.partner.project, RetentionInput(None, kept_until, False), actor=make_user(Role.ADMIN))
    on_the_eve = datetime.combine(kept_until, datetime.min.time(), tzinfo=UTC) - timedelta(minutes=1)

    run_retention(on_the_eve)
    assert counts() == (3, 3), "kept until the evidence date"

    run = run_retention(on_the_eve + timedelta(minutes=1))

    assert (run.evidence_events, run.evidence_projects) == (2, 1)
    assert counts() == (1, 1), "the other project's evidence stays"
    assert db.session.scalar(select(EvidenceFile.event_id)) == other.id
