"""Retention in two tiers: tier 1 (operational data, some days after each event) and tier 2
(the funder's evidence, at the project's evidence date) purge exactly what they say, a
legal hold stops every purge, a second run purges nothing more, and no figure of the
reports changes."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from seminar_app.attendance import services as attendance_services
from seminar_app.attendance.evidence import online_attendance, sheet_people
from seminar_app.attendance.models import Attendance
from seminar_app.audit import services as audit_services
from seminar_app.audit.models import AuditEntry
from seminar_app.campaigns.models import Campaign, Invitation
from seminar_app.contacts.models import email_hash
from seminar_app.enums import AttendanceMode, CheckInSource, ConsentPurpose, OutboxStatus, RegistrationStatus, Role
from seminar_app.errors import NotAllowed, ValidationFailed
from seminar_app.events.models import Event
from seminar_app.extensions import db
from seminar_app.feedback import services as feedback_services
from seminar_app.feedback.results import feedback_results
from seminar_app.jobs.services import run_due_jobs
from seminar_app.mail.models import OutboxMessage
from seminar_app.privacy import retention
from seminar_app.privacy.models import RetentionChange
from seminar_app.privacy.retention import run_retention
from seminar_app.privacy.retention_schedule import all_projects, retention_schedule
from seminar_app.privacy.retention_settings import RetentionInput, change_retention
from seminar_app.registration import services as registration_services
from seminar_app.registration.models import Consent, Registration
from seminar_app.registration.services import RegistrationInput
from seminar_app.reports.filters import ReportFilter
from seminar_app.reports.scope import ReportScope
from seminar_app.reports.tables import Report, report_tables
from tests.test_reports_queries import World, build_world

STARTS_LOCAL = datetime(2031, 5, 20, 9, 0)


def register(event: Event, name: str, mode: AttendanceMode = AttendanceMode.ONSITE, **extra) -> Registration:  # type: ignore[no-untyped-def]
    email = name.lower().replace(" ", ".") + "@probation.example"
    data = RegistrationInput(
        name=name,
        email=email,
        mode=mode,
        privacy_acknowledged=True,
        organisation="Direção-Geral de Reinserção",
        organisation_city="Lisboa",
        organisation_country="PT",
        function_role="Probation officer",
        stakeholder_group="prison_probation",
        **extra,
    )
    return registration_services.register(event, data).registration


@pytest.fixture
def event(make_event) -> Event:  # type: ignore[no-untyped-def]
    return make_event(starts_local=STARTS_LOCAL, hours=3)


@pytest.fixture
def ana(event: Event) -> Registration:
    """Came, on site; asked for wheelchair access, agreed to photos."""
    registration = register(event, "Ana Sousa", access_needs="Wheelchair access", consent_photos=True)
    attendance_services.check_in(registration, event.local_days[0])
    return registration


@pytest.fixture
def joao(event: Event) -> Registration:
    """Registered online and did not come."""
    return register(event, "Joao Martins", AttendanceMode.ONLINE, access_needs="Captions, please")


def admin(make_user):  # type: ignore[no-untyped-def]
    return make_user(Role.ADMIN)


def fresh(registration: Registration) -> Registration:
    db.session.expire_all()
    return db.session.get(Registration, registration.id)  # type: ignore[return-value]


def event_mail(event: Event) -> list[OutboxMessage]:
    return list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.event_id == event.id)))


# --- tier 1 ------------------------------------------------------------------------------------


def test_tier_one_waits_for_the_days_after_the_event_then_forgets_contacts_and_keeps_the_evidence(
    event, ana, joao
) -> None:
    invitation = feedback_services.invite(ana)
    db.session.commit()
    day = event.local_days[0]
    sheet_before = [
        (r.name, r.organisation, r.organisation_city, r.organisation_country) for r in sheet_people(event, day)
    ]
    assert len(event_mail(event)) >= 2, "the confirmations were queued"
    ana_token = registration_services.private_token(ana)

    early = run_retention(event.ends_at + timedelta(days=30) - timedelta(minutes=1))
    assert early.operational_events == 0
    assert fresh(ana).email == "ana.sousa@probation.example"

    run = run_retention(event.ends_at + timedelta(days=30))

    assert (run.operational_events, run.people_anonymised) == (1, 1)
    came, absent = fresh(ana), fresh(joao)
    assert (absent.name, absent.email, absent.organisation, absent.function_role, absent.access_needs) == (
        "",
        None,
        "",
        "",
        "",
    )
    assert absent.erased_at is not None and absent.token_hash is None
    assert absent.status is RegistrationStatus.CONFIRMED, "the status counts in reports: unchanged"
    assert (absent.organisation_country, absent.stakeholder_group, absent.mode) == (
        "PT",
        "prison_probation",
        AttendanceMode.ONLINE,
    )
    assert (came.email, came.access_needs, came.function_role) == (None, "", "")
    assert (came.name, came.organisation, came.organisation_city, came.organisation_country) == (
        "Ana Sousa",
        "Direção-Geral de Reinserção",
        "Lisboa",
        "PT",
    )
    assert came.erased_at is None
    assert [
        (r.name, r.organisation, r.organisation_city, r.organisation_country) for r in sheet_people(event, day)
    ] == sheet_before, "the attendance sheet the funder sees is the same"
    [consent] = [c for c in came.consents if c.purpose is ConsentPurpose.PHOTOS]
    assert consent.given
    assert consent.privacy_notice_version == 1 and consent.recorded_at is not None, "anonymous evidence of consent"
    assert all(m.to_address == "" and m.body_text == "" and m.subject == "" for m in event_mail(event))
    db.session.refresh(invitation)
    assert invitation.registration_id is None, "the feedback link no longer points at a person"
    assert registration_services.find_by_token(ana_token) is not None, "attendees keep their private link"

    assert run_retention(event.ends_at + timedelta(days=400)).operational_events == 0, "nothing more"


def test_an_attendee_can_still_open_their_private_page_and_erase_after_tier_one(client, event, ana) -> None:
    token = registration_services.private_token(ana)
    run_retention(event.ends_at + timedelta(days=31))

    page = client.get(f"/r/{token}")
    assert page.status_code == 200 and "Ana Sousa" in page.get_data(as_text=True)

    registration_services.erase_registration(fresh(ana))
    assert fresh(ana).name == "" and registration_services.find_by_token(token) is None


def test_a_project_sets_its_own_number_of_days(event, ana, joao) -> None:
    event.partner.project.operational_retention_days = 5
    db.session.commit()

    assert run_retention(event.ends_at + timedelta(days=4)).operational_events == 0
    assert run_retention(event.ends_at + timedelta(days=5)).operational_events == 1
    assert fresh(joao).is_erased


def test_tier_one_forgets_the_events_invitees_and_leaves_other_events_alone(event, make_event, ana) -> None:
    later = make_event(event.partner, starts_local=STARTS_LOCAL + timedelta(days=60))
    other = register(later, "Rui Costa", access_needs="Vegetarian")
    campaign = Campaign(event=event)
    db.session.add(campaign)
    db.session.flush()
    db.session.add(
        Invitation(
            campaign_id=campaign.id,
            event_id=event.id,
            email="invitee@ngo.example",
            email_hash=email_hash("invitee@ngo.example"),
            name="Invited Person",
            organisation="NGO",
            country="PT",
            stakeholder_group="ngo_community",
        )
    )
    db.session.commit()

    run_retention(event.ends_at + timedelta(days=30))

    invitation = db.session.scalars(select(Invitation)).one()
    assert (invitation.email, invitation.name, invitation.organisation) == (None, "", "")
    assert (invitation.country, invitation.stakeholder_group) == ("PT", "ngo_community"), "conversion figures"
    assert (fresh(other).email, fresh(other).access_needs) == ("rui.costa@probation.example", "Vegetarian")


def test_a_postponed_event_keeps_its_people_until_it_has_new_dates(event, joao) -> None:
    from seminar_app.enums import EventStatus

    event.status = EventStatus.POSTPONED
    db.session.commit()

    assert run_retention(event.ends_at + timedelta(days=90)).operational_events == 0
    assert fresh(joao).email == "joao.martins@probation.example"


# --- tier 2 ------------------------------------------------------------------------------------


def _audit_entries(project_id: int) -> int:
    return len(db.session.scalars(select(AuditEntry.id).where(AuditEntry.project_id == project_id)).all())


def test_tier_two_anonymises_attendees_clears_import_details_and_purges_the_audit_log(
    event, ana, joao, make_user
) -> None:
    online = register(event, "Online Person", AttendanceMode.ONLINE)
    attendance_services.check_in(online, event.local_days[0], source=CheckInSource.IMPORT)
    db.session.execute(Attendance.__table__.update().values(minutes=95))
    db.session.commit()
    project = event.partner.project
    kept_until = (event.ends_at + timedelta(days=365)).date()
    change_retention(project, RetentionInput(None, kept_until, False), actor=admin(make_user))
    assert len(online_attendance(event)[0]) == 1
    audit_services.record("event.changed", actor=admin(make_user), event=event, details={"fields": ["title"]})
    db.session.commit()
    assert _audit_entries(project.id) > 0

    on_the_eve = datetime.combine(kept_until, datetime.min.time(), tzinfo=UTC) - timedelta(minutes=1)
    assert run_retention(on_the_eve).evidence_events == 0
    assert fresh(ana).name == "Ana Sousa", "kept until the evidence date"

    run = run_retention(on_the_eve + timedelta(minutes=1))

    assert (run.evidence_events, run.evidence_projects) == (1, 1)
    assert _audit_entries(project.id) == 0, "the project's audit log goes with its evidence"
    for person in (ana, joao, online):
        row = fresh(person)
        assert (row.name, row.organisation, row.organisation_city, row.email) == ("", "", "", None)
        assert row.is_erased and row.status is RegistrationStatus.CONFIRMED
    rows = db.session.scalars(select(Attendance).where(Attendance.event_id == event.id)).all()
    assert len(rows) == 2, "attendance days stay: they are the attended counts"
    assert all(r.minutes is None and r.checked_in_by_id is None for r in rows)
    assert sheet_people(event, event.local_days[0]) == [] and online_attendance(event)[0] == {}
    assert db.session.scalar(select(Consent.id)) is not None, "consents stay, anonymous"

    again = run_retention(on_the_eve + timedelta(days=3))
    assert (again.evidence_events, again.evidence_projects, again.people_anonymised) == (0, 0, 0)


def test_without_an_evidence_date_the_evidence_is_kept(event, ana) -> None:
    run_retention(datetime(2099, 1, 1, tzinfo=UTC))

    assert (fresh(ana).name, fresh(ana).organisation) == ("Ana Sousa", "Direção-Geral de Reinserção")
    [row] = retention_schedule(all_projects(event.partner.project.slug))
    assert row.evidence_kept_until is None and not row.events[0].evidence_due


# --- legal hold -------------------------------------------------------------------------------


def test_a_legal_hold_stops_every_purge_until_it_is_lifted(app, event, ana, joao, make_user) -> None:
    user = admin(make_user)
    project = event.partner.project
    kept_until = (event.ends_at + timedelta(days=400)).date()
    change_retention(project, RetentionInput(None, kept_until, True, "Audit by the national agency"), actor=user)
    db.session.execute(OutboxMessage.__table__.update().values(status=OutboxStatus.SENT, sent_at=event.starts_at))
    db.session.commit()
    mail_before = len(event_mail(event))
    much_later = datetime.combine(kept_until, datetime.min.time(), tzinfo=UTC) + timedelta(days=10)

    report = run_due_jobs(much_later)

    assert (report.access_needs_purged, report.retention_operational, report.retention_evidence) == (0, 0, 0)
    assert report.mail_purged == 0
    assert (fresh(ana).email, fresh(ana).access_needs) == ("ana.sousa@probation.example", "Wheelchair access")
    assert fresh(joao).name == "Joao Martins"
    assert len(event_mail(event)) == mail_before and all(m.to_address for m in event_mail(event))
    [row] = retention_schedule(all_projects(project.slug), much_later)
    assert row.legal_hold and row.legal_hold_reason == "Audit by the national agency"
    assert not row.due_now

    change_retention(project, RetentionInput(None, kept_until, False), actor=user)
    report = run_due_jobs(much_later)

    assert report.retention_evidence == 1
    assert fresh(ana).is_erased and fresh(joao).is_erased
    assert all(m.to_address == "" for m in event_mail(event)), "the event's mail goes with tier 1"


def test_a_legal_hold_keeps_the_invitees_the_invitation_retention_would_forget(event, make_user) -> None:
    project = event.partner.project
    change_retention(project, RetentionInput(None, None, True, "Dispute"), actor=admin(make_user))
    campaign = Campaign(event=event)
    db.session.add(campaign)
    db.session.flush()
    db.session.add(
        Invitation(
            campaign_id=campaign.id,
            event_id=event.id,
            email="invitee@ngo.example",
            email_hash=email_hash("invitee@ngo.example"),
            name="Invited Person",
        )
    )
    db.session.commit()

    report = run_due_jobs(event.ends_at + timedelta(days=90))

    assert report.invitees_forgotten == 0
    assert db.session.scalars(select(Invitation)).one().email == "invitee@ngo.example"


# --- figures never change ------------------------------------------------------------------------


def figures(world: World) -> dict[str, object]:
    report = Report(world.project, ReportFilter(), ReportScope.of_project(world.project))
    tables = {table.name: (table.header, [list(row) for row in table.rows()]) for table in report_tables(report)}
    feedback = {key: feedback_results(event) for key, event in world.events.items()}
    return {"tables": tables, "feedback": feedback}


def test_no_figure_of_the_reports_changes_through_either_tier(
    client, make_project, make_partner, make_event, make_user
):  # type: ignore[no-untyped-def]
    world = build_world(make_project, make_partner, make_event)
    before = figures(world)
    assert before["tables"]["aggregates"][1], "the world has figures to compare"

    tier_one = run_retention(datetime(2026, 1, 1, tzinfo=UTC))
    assert tier_one.operational_events >= 4 and tier_one.people_anonymised > 0
    db.session.expire_all()
    assert figures(world) == before

    change_retention(world.project, RetentionInput(None, date(2026, 6, 30), False), actor=admin(make_user))
    tier_two = run_retention(datetime(2026, 7, 1, tzinfo=UTC))
    assert tier_two.evidence_events >= 5
    db.session.expire_all()
    assert figures(world) == before

    public = world.events["A1"]
    assert client.get(f"/events/{public.slug}").status_code == 200
    calendar = client.get(f"/events/{public.slug}/calendar.ics")
    assert calendar.status_code == 200 and "Event A1" in calendar.get_data(as_text=True)


# --- settings ------------------------------------------------------------------------------------


def test_settings_are_checked_and_a_rejected_change_changes_nothing(event, make_user) -> None:
    project = event.partner.project
    user = admin(make_user)
    change_retention(project, RetentionInput(60, None, False), actor=user)

    with pytest.raises(ValidationFailed) as rejected:
        change_retention(project, RetentionInput(-1, event.ends_at.date() - timedelta(days=1), True, "  "), actor=user)

    assert set(rejected.value.errors) == {"operational_days", "evidence_kept_until", "legal_hold_reason"}
    assert event.ends_at.date().isoformat() in rejected.value.errors["evidence_kept_until"][0]
    db.session.expire_all()
    assert (project.operational_retention_days, project.evidence_kept_until, project.legal_hold) == (60, None, False)
    assert db.session.scalar(select(RetentionChange.id).where(RetentionChange.new_value == "-1")) is None


def test_each_change_is_recorded_with_who_and_why_and_organisers_may_not_change(event, make_user) -> None:
    project = event.partner.project
    manager = make_user(Role.MANAGER, projects=[project], name="Maria Manager")
    organiser = make_user(Role.ORGANISER, partners=[event.partner])
    other_manager = make_user(Role.MANAGER, projects=[])

    changes = change_retention(project, RetentionInput(10, date(2037, 12, 31), True, "Funder audit"), actor=manager)

    assert [(c.setting, c.old_value, c.new_value) for c in changes] == [
        ("operational_retention_days", "", "10"),
        ("evidence_kept_until", "", "2037-12-31"),
        ("legal_hold", "off", "on"),
    ]
    assert {c.changed_by_name for c in changes} == {"Maria Manager"}
    assert project.legal_hold_set_by_id == manager.id and project.legal_hold_reason == "Funder audit"
    assert change_retention(project, RetentionInput(10, date(2037, 12, 31), True, "Funder audit"), actor=manager) == []
    for outsider in (organiser, other_manager):
        with pytest.raises(NotAllowed):
            change_retention(project, RetentionInput(None, None, False), actor=outsider)
    assert project.legal_hold


def test_the_schedule_says_when_each_tier_falls_due(event, ana, make_event) -> None:
    second = make_event(event.partner, starts_local=STARTS_LOCAL + timedelta(days=10))
    now = event.ends_at + timedelta(days=31)

    [row] = retention_schedule(all_projects(event.partner.project.slug), now)

    by_id = {e.event_id: e for e in row.events}
    assert row.operational_days == 30 and row.days_are_default
    assert by_id[event.id].operational_on == event.ends_at + timedelta(days=30)
    assert by_id[event.id].operational_due and not by_id[second.id].operational_due
    assert row.due_now

    run_retention(now)
    [row] = retention_schedule(all_projects(event.partner.project.slug), now)
    assert not row.due_now and {e.event_id: e for e in row.events}[event.id].operational_done_at == now
    assert retention.due_operational(now) == []
