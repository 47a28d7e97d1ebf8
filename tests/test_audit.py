"""The audit log at the service layer: every audited action writes exactly one entry, with
the right actor, event and partner, in the action's own transaction, and no entry keeps a
registrant's personal data."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from seminar_app.accounts import services as account_services
from seminar_app.accounts.services import UserInput
from seminar_app.attendance import import_services
from seminar_app.attendance import services as attendance_services
from seminar_app.attendance.import_services import PendingImport
from seminar_app.attendance.imports import Participant
from seminar_app.audit import services as audit
from seminar_app.audit.models import ACTIONS, AuditAction, AuditEntry
from seminar_app.enums import AttendanceMode, EventStatus, RegistrationStatus, Role
from seminar_app.errors import ValidationFailed
from seminar_app.events import services as event_services
from seminar_app.events.services import EventInput
from seminar_app.extensions import db
from seminar_app.privacy import services as privacy_services
from seminar_app.privacy.models import PersonalDataAccess
from seminar_app.registration import services as registration_services
from seminar_app.registration.services import RegistrationInput

ERASED_EMAIL = "ines.erased@probation.example"
ERASED_NAME = "Inês Apagada"


def entries(action: str | None = None) -> list[AuditEntry]:
    query = select(AuditEntry).order_by(AuditEntry.id)
    if action:
        query = query.where(AuditEntry.action == action)
    return list(db.session.scalars(query))


def clear() -> None:
    """Forget the entries made while setting a test up."""
    for entry in entries():
        db.session.delete(entry)
    db.session.commit()


def person(n: int = 1, **overrides) -> RegistrationInput:  # type: ignore[no-untyped-def]
    values = {
        "name": f"Person {n}",
        "email": f"person{n}@probation.example",
        "organisation": "Probation Service",
        "organisation_country": "PT",
        "stakeholder_group": "prison_probation",
        "mode": AttendanceMode.ONSITE,
        "privacy_acknowledged": True,
    }
    values.update(overrides)
    return RegistrationInput(**values)


@pytest.fixture
def partner(make_partner):  # type: ignore[no-untyped-def]
    return make_partner()


@pytest.fixture
def organiser(make_user, partner):  # type: ignore[no-untyped-def]
    return make_user(Role.ORGANISER, partners=[partner], name="Ana Silva", email="ana.silva@partner.example")


@pytest.fixture
def event(make_event, partner):  # type: ignore[no-untyped-def]
    made = make_event(partner, capacity_onsite=1, capacity_online=1)
    clear()
    return made


def only(action: str) -> AuditEntry:
    found = entries()
    assert [e.action for e in found] == [action], f"expected exactly one {action}, got {[e.action for e in found]}"
    return found[0]


def test_creating_an_event_records_who_for_which_partner(partner, organiser, make_event) -> None:
    made = make_event(partner)
    entry = entries(AuditAction.EVENT_CREATED)[0]
    assert (entry.event_id, entry.partner_id, entry.project_id) == (made.id, partner.id, partner.project_id)
    assert entry.actor_id is None and entry.actor_email == ""  # the factory acts as the system

    clear()
    copy = event_services.duplicate_event(
        made, made.starts_at.replace(tzinfo=None) + timedelta(days=7), actor=organiser
    )
    entry = only(AuditAction.EVENT_CREATED)
    assert (entry.event_id, entry.actor_id, entry.actor_email, entry.actor_role) == (
        copy.id,
        organiser.id,
        "ana.silva@partner.example",
        "organiser",
    )
    assert entry.details["copied_from"] == made.id


def test_changing_an_event_names_the_changed_fields_and_an_unchanged_save_records_nothing(event, organiser) -> None:
    data = EventInput.from_event(event)
    event_services.update_event(event, data, actor=organiser)
    assert entries() == []

    data.title = "A new title"
    data.capacity_onsite = 5
    event_services.update_event(event, data, actor=organiser)
    entry = only(AuditAction.EVENT_CHANGED)
    assert sorted(entry.details["fields"]) == ["capacity_onsite", "title"]
    assert entry.actor_id == organiser.id and entry.event_id == event.id


@pytest.mark.parametrize(
    ("start", "target", "action"),
    [
        (EventStatus.DRAFT, EventStatus.PUBLISHED, AuditAction.EVENT_PUBLISHED),
        (EventStatus.PUBLISHED, EventStatus.POSTPONED, AuditAction.EVENT_POSTPONED),
        (EventStatus.PUBLISHED, EventStatus.CANCELLED, AuditAction.EVENT_CANCELLED),
    ],
)
def test_each_status_change_is_one_entry_with_old_and_new_status(event, organiser, start, target, action) -> None:
    event.status = start
    db.session.commit()
    event_services.change_status(event, target, actor=organiser)
    entry = only(action)
    assert entry.details == {"from": start.value, "to": target.value}
    assert (entry.actor_id, entry.event_id, entry.partner_id) == (organiser.id, event.id, event.partner_id)


def test_a_deleted_draft_keeps_its_entry_with_its_title(make_event, partner, organiser) -> None:
    draft = make_event(partner, status=EventStatus.DRAFT, title="Draft to delete")
    draft_id = draft.id
    clear()
    event_services.delete_event(draft, actor=organiser)
    entry = only(AuditAction.EVENT_DELETED)
    assert (entry.target_id, entry.partner_id, entry.details["title"]) == (draft_id, partner.id, "Draft to delete")


def test_a_refused_change_records_nothing(event, organiser) -> None:
    data = EventInput.from_event(event)
    data.title = ""
    with pytest.raises(ValidationFailed):
        event_services.update_event(event, data, actor=organiser)
    assert entries() == []


def test_an_action_that_rolls_back_leaves_no_entry(event, organiser, monkeypatch) -> None:
    event.requires_approval = True
    db.session.commit()
    reg = registration_services.register(event, person(1)).registration
    assert reg.status is RegistrationStatus.PENDING

    def fail() -> None:
        raise RuntimeError("database went away")

    monkeypatch.setattr(db.session, "commit", fail)
    with pytest.raises(RuntimeError):
        registration_services.approve(reg, actor=organiser)
    monkeypatch.undo()
    db.session.rollback()
    assert entries() == []
    assert db.session.get(type(reg), reg.id).status is RegistrationStatus.PENDING


def test_people_registering_themselves_are_not_audited_but_an_organiser_adding_one_is(event, organiser) -> None:
    registration_services.register(event, person(1))
    assert entries() == []
    added = registration_services.register(event, person(2), actor=organiser, source="organiser").registration
    entry = only(AuditAction.REGISTRATION_ADDED)
    assert (entry.target_id, entry.actor_id, entry.event_id) == (added.id, organiser.id, event.id)
    assert entry.details == {"status": added.status.value, "source": "organiser", "by": "organiser"}


def test_approve_decline_promote_and_cancel_by_the_organiser(event, organiser) -> None:
    event.requires_approval = True
    event.capacity_onsite = 5
    db.session.commit()
    first = registration_services.register(event, person(1)).registration
    second = registration_services.register(event, person(2)).registration
    clear()

    registration_services.approve(first, actor=organiser)
    assert only(AuditAction.REGISTRATION_APPROVED).target_id == first.id
    clear()

    registration_services.decline(second, actor=organiser, reason="Full")
    assert only(AuditAction.REGISTRATION_DECLINED).target_id == second.id
    clear()

    registration_services.cancel_registration(first, actor=organiser)
    entry = only(AuditAction.REGISTRATION_CANCELLED)
    assert entry.details == {"previous": "confirmed", "by": "organiser"} and entry.actor_id == organiser.id
    clear()

    registration_services.cancel_registration(first, actor=organiser)  # already cancelled: nothing happens
    assert entries() == []


def test_giving_a_waiting_person_a_seat_is_recorded(event, organiser) -> None:
    registration_services.register(event, person(1))
    waiting = registration_services.register(event, person(2)).registration
    assert waiting.status is RegistrationStatus.WAITLISTED
    registration_services.move_from_waitlist(waiting, actor=organiser)
    entry = only(AuditAction.REGISTRATION_PROMOTED)
    assert entry.target_id == waiting.id and entry.actor_id == organiser.id


def test_self_service_cancel_and_erase_are_recorded_as_the_attendees_and_keep_no_personal_data(event) -> None:
    reg = registration_services.register(
        event, person(1, name=ERASED_NAME, email=ERASED_EMAIL, access_needs="Wheelchair access")
    ).registration
    registration_services.cancel_registration(reg)
    cancelled = only(AuditAction.REGISTRATION_CANCELLED)
    assert cancelled.actor_id is None and cancelled.details["by"] == "attendee"
    clear()

    registration_services.erase_registration(reg)
    erased = only(AuditAction.REGISTRATION_ERASED)
    assert (erased.actor_id, erased.target_id, erased.details["by"]) == (None, reg.id, "attendee")

    stored = json.dumps([[str(getattr(e, c.key)) for c in AuditEntry.__table__.columns] for e in entries()])
    for secret in (ERASED_EMAIL, ERASED_NAME, "Wheelchair"):
        assert secret not in stored


def test_no_entry_of_a_whole_lifecycle_holds_the_registrants_email_or_name(event, organiser) -> None:
    reg = registration_services.register(
        event, person(1, name=ERASED_NAME, email=ERASED_EMAIL), actor=organiser, source="organiser"
    ).registration
    day = event.local_days[0]
    attendance_services.check_in(reg, day, actor=organiser)
    attendance_services.undo_check_in(reg, day, actor=organiser)
    privacy_services.log_personal_data_access(organiser, event.partner, event, "registrations.csv", 1)
    registration_services.cancel_registration(reg, actor=organiser)
    registration_services.erase_registration(reg, actor=organiser)
    assert len(entries()) == 6
    rows = db.session.execute(select(AuditEntry.__table__)).all()
    dumped = json.dumps([[str(value) for value in row] for row in rows])
    assert ERASED_EMAIL not in dumped and ERASED_NAME not in dumped


def test_attendance_recorded_undone_and_a_walk_in(event, organiser) -> None:
    reg = registration_services.register(event, person(1)).registration
    day = event.local_days[0]
    attendance_services.check_in(reg, day, actor=organiser)
    attendance_services.check_in(reg, day, actor=organiser)  # already there: no second entry
    entry = only(AuditAction.ATTENDANCE_RECORDED)
    assert entry.details == {"day": day.isoformat(), "mode": "onsite", "source": "manual"}
    assert (entry.target_id, entry.actor_id) == (reg.id, organiser.id)
    clear()

    assert attendance_services.undo_check_in(reg, day, actor=organiser)
    assert only(AuditAction.ATTENDANCE_UNDONE).target_id == reg.id
    clear()
    assert not attendance_services.undo_check_in(reg, day, actor=organiser)
    assert entries() == []

    walk_in = attendance_services.add_walk_in(
        event, attendance_services.WalkInInput(name="Walk In", mode=AttendanceMode.ONSITE), day, actor=organiser
    )
    entry = only(AuditAction.ATTENDANCE_RECORDED)
    assert entry.target_id == walk_in.id and entry.details["source"] == "walk_in"


def test_an_imported_report_is_one_entry_with_the_count(event, organiser) -> None:
    registration_services.register(event, person(1, mode=AttendanceMode.ONLINE, name="Helena Duarte"))
    registration_services.register(event, person(2, mode=AttendanceMode.ONSITE, name="Rui Costa"))
    clear()
    day = event.local_days[0]
    report = [Participant("Helena Duarte", "person1@probation.example", 3600), Participant("Stranger", "", 3600)]
    import_services.apply_import(event, PendingImport(day, 10, report), actor=organiser)
    entry = only(AuditAction.ATTENDANCE_IMPORTED)
    assert entry.details == {"day": day.isoformat(), "count": 1, "unchanged": 0}
    assert entry.actor_id == organiser.id and entry.event_id == event.id


def test_grants_given_and_revoked(partner, organiser, make_user) -> None:
    manager = make_user(Role.MANAGER, projects=[partner.project])
    clear()
    grant = privacy_services.grant_personal_data(partner, manager, actor=organiser)
    privacy_services.grant_personal_data(partner, manager, actor=organiser)  # already granted: nothing new
    entry = only(AuditAction.GRANT_GIVEN)
    assert (entry.target_id, entry.partner_id, entry.details) == (grant.id, partner.id, {"manager_id": manager.id})
    clear()

    privacy_services.revoke_personal_data(grant, actor=organiser)
    privacy_services.revoke_personal_data(grant, actor=organiser)
    assert only(AuditAction.GRANT_REVOKED).target_id == grant.id


def test_an_export_is_logged_once_for_the_partner_and_once_in_the_audit_log(event, organiser) -> None:
    privacy_services.log_personal_data_access(organiser, event.partner, event, "registrations.xlsx", 12)
    entry = only(AuditAction.EXPORT_PERSONAL_DATA)
    assert entry.details == {"what": "registrations.xlsx", "rows": 12}
    assert (entry.actor_id, entry.event_id, entry.partner_id) == (organiser.id, event.id, event.partner_id)
    assert len(db.session.scalars(select(PersonalDataAccess)).all()) == 1


def test_account_changes_each_make_one_entry(make_user, make_partner, partner) -> None:
    admin = make_user(Role.ADMIN)
    other = make_partner(partner.project)
    clear()
    user = account_services.create_user(
        UserInput(
            email="new@partner.example",
            name="New",
            role=Role.ORGANISER,
            partner_ids=[partner.id],
            password="a long password",
        ),
        actor=admin,
    )
    entry = only(AuditAction.USER_CREATED)
    assert (entry.target_id, entry.actor_id, entry.project_id) == (user.id, admin.id, None)
    assert entry.details == {"role": "organiser", "partner_ids": [partner.id], "project_ids": []}
    clear()

    data = UserInput.from_user(user)
    account_services.update_user(user, data, actor=admin)
    assert entries() == []

    data.partner_ids = [partner.id, other.id]
    account_services.update_user(user, data, actor=admin)
    assert only(AuditAction.USER_ACCESS_CHANGED).details["partners_added"] == [other.id]
    clear()

    data.role, data.project_ids = Role.MANAGER, [partner.project_id]
    data.password = "another long password"
    data.active = False
    account_services.update_user(user, data, actor=admin)
    actions = [e.action for e in entries()]
    assert sorted(actions) == sorted(
        [
            AuditAction.USER_ROLE_CHANGED,
            AuditAction.USER_ACCESS_CHANGED,
            AuditAction.USER_PASSWORD_RESET,
            AuditAction.USER_DEACTIVATED,
        ]
    )
    role = entries(AuditAction.USER_ROLE_CHANGED)[0]
    assert role.details == {"old": "organiser", "new": "manager"} and role.target_id == user.id


def test_the_entry_survives_the_actors_account_and_keeps_its_address(event, organiser) -> None:
    event_services.change_status(event, EventStatus.POSTPONED, actor=organiser)
    db.session.delete(organiser)
    db.session.commit()
    db.session.expire_all()
    entry = only(AuditAction.EVENT_POSTPONED)
    assert entry.actor_id is None or entry.actor is None
    assert entry.actor_email == "ana.silva@partner.example" and entry.actor_role == "organiser"


def test_record_keeps_to_the_vocabulary_and_plain_details(event, organiser) -> None:
    with pytest.raises(ValueError, match="unknown audit action"):
        audit.record("event.renamed", actor=organiser, event=event)
    with pytest.raises(ValueError, match="plain values"):
        audit.record(AuditAction.EVENT_CHANGED, actor=organiser, event=event, details={"who": {"name": "x"}})
    assert len(ACTIONS) == len(set(ACTIONS)) >= 20


def test_purge_for_project_deletes_that_projects_entries_only(event, organiser, make_event, make_partner) -> None:
    other_event = make_event(make_partner())
    event_services.change_status(event, EventStatus.POSTPONED, actor=organiser)
    event_services.change_status(other_event, EventStatus.POSTPONED, actor=organiser)
    assert audit.purge_for_project(event.partner.project_id) == 1
    db.session.commit()
    assert [e.event_id for e in entries(AuditAction.EVENT_POSTPONED)] == [other_event.id]


def test_flask_audit_list_prints_a_projects_entries_for_the_operator(
    event, organiser, make_event, make_partner, runner
) -> None:
    other_event = make_event(make_partner(), title="Other project's seminar")
    event_services.change_status(event, EventStatus.POSTPONED, actor=organiser)
    event_services.change_status(other_event, EventStatus.POSTPONED, actor=organiser)

    result = runner.invoke(args=["audit", "list", "--project", event.project.slug, "--since", "2020-01-01"])
    assert result.exit_code == 0, result.output
    assert "event.postponed" in result.output and "ana.silva@partner.example" in result.output
    assert f"Ana Silva postponed the event “{event.title}”." in result.output
    assert "Other project's seminar" not in result.output
    assert result.output.rstrip().endswith("1 entry")

    assert "no project has the slug" in runner.invoke(args=["audit", "list", "--project", "nope"]).output
    bad_date = runner.invoke(args=["audit", "list", "--since", "31/12/2026"])
    assert bad_date.exit_code == 2 and "--since" in bad_date.output
    bad_action = runner.invoke(args=["audit", "list", "--action", "event.exploded"])
    assert bad_action.exit_code == 2 and "unknown action" in bad_action.output
