import pytest
from sqlalchemy import select

from seminar_app.accounts.models import User
from seminar_app.accounts.services import UserInput, authenticate, create_user, update_user
from seminar_app.enums import Role
from seminar_app.errors import ValidationFailed
from seminar_app.extensions import db
from tests.conftest import PASSWORD

NEW_PASSWORD = "a long enough passphrase"


def user_input(role=Role.ADMIN, **overrides):
    values = {"email": "Ana.Sousa@Example.org", "name": "Ana Sousa", "role": role, "password": NEW_PASSWORD}
    values.update(overrides)
    return UserInput(**values)


def errors_of(excinfo):
    return excinfo.value.errors


def test_create_user_stores_lower_case_email_and_a_hash_that_logs_in(app):
    user = create_user(user_input())
    assert user.email == "ana.sousa@example.org"
    assert user.password_hash != NEW_PASSWORD
    assert authenticate("ANA.SOUSA@example.org", NEW_PASSWORD).id == user.id


def test_email_is_unique_whatever_its_case(app, make_user):
    existing = make_user()
    with pytest.raises(ValidationFailed) as excinfo:
        create_user(user_input(email=existing.email.upper()))
    assert "already uses" in errors_of(excinfo)["email"][0]


@pytest.mark.parametrize("password", ["", "short", "elevenchars"])
def test_password_needs_twelve_characters(app, password):
    with pytest.raises(ValidationFailed) as excinfo:
        create_user(user_input(password=password))
    assert "at least 12" in errors_of(excinfo)["password"][0]
    assert db.session.scalar(select(User.id)) is None


def test_invalid_email_and_missing_name_are_reported_together(app):
    with pytest.raises(ValidationFailed) as excinfo:
        create_user(user_input(email="nobody", name=""))
    assert set(errors_of(excinfo)) == {"email", "name"}


def test_organiser_needs_a_partner(app):
    with pytest.raises(ValidationFailed) as excinfo:
        create_user(user_input(Role.ORGANISER))
    assert "at least one partner" in errors_of(excinfo)["partner_ids"][0]


def test_manager_needs_a_project(app):
    with pytest.raises(ValidationFailed) as excinfo:
        create_user(user_input(Role.MANAGER))
    assert "at least one project" in errors_of(excinfo)["project_ids"][0]


def test_unknown_partner_ids_are_refused(app):
    with pytest.raises(ValidationFailed) as excinfo:
        create_user(user_input(Role.ORGANISER, partner_ids=[9999]))
    assert "partner_ids" in errors_of(excinfo)


def test_organiser_keeps_partners_only_and_manager_projects_only(app, make_partner):
    partner = make_partner()
    organiser = create_user(user_input(Role.ORGANISER, partner_ids=[partner.id], project_ids=[partner.project_id]))
    assert ([p.id for p in organiser.partners], organiser.projects) == ([partner.id], [])
    manager = create_user(
        user_input(Role.MANAGER, email="m@example.org", partner_ids=[partner.id], project_ids=[partner.project_id])
    )
    assert (manager.partners, [p.id for p in manager.projects]) == ([], [partner.project_id])


def test_update_user_without_password_keeps_the_old_one(app, make_user, make_partner):
    partner = make_partner()
    user = make_user(Role.ORGANISER, partners=[partner])
    update_user(user, UserInput(user.email, "New Name", Role.ORGANISER, partner_ids=[partner.id]))
    assert user.name == "New Name"
    assert authenticate(user.email, PASSWORD) is not None


def test_update_user_sets_a_new_password(app, make_user):
    user = make_user(Role.ADMIN)
    update_user(user, UserInput(user.email, user.name, Role.ADMIN, password=NEW_PASSWORD))
    assert authenticate(user.email, PASSWORD) is None
    assert authenticate(user.email, NEW_PASSWORD) is not None


def test_update_user_may_keep_its_own_email_but_not_take_another(app, make_user):
    user, other = make_user(Role.ADMIN), make_user(Role.ADMIN)
    update_user(user, UserInput(user.email.upper(), user.name, Role.ADMIN))
    with pytest.raises(ValidationFailed):
        update_user(user, UserInput(other.email, user.name, Role.ADMIN))


def test_deactivated_user_can_no_longer_log_in(app, make_user):
    make_user(Role.ADMIN)
    user = make_user(Role.ADMIN)
    update_user(user, UserInput(user.email, user.name, Role.ADMIN, active=False))
    assert authenticate(user.email, PASSWORD) is None


def test_last_active_admin_cannot_demote_or_deactivate_themselves(app, make_user, make_project):
    admin = make_user(Role.ADMIN)
    make_user(Role.ADMIN, active=False)
    project = make_project()
    with pytest.raises(ValidationFailed) as excinfo:
        update_user(admin, UserInput(admin.email, admin.name, Role.MANAGER, project_ids=[project.id], active=False))
    assert set(errors_of(excinfo)) == {"role", "active"}
    db.session.expire_all()
    stored = db.session.get(User, admin.id)
    assert (stored.role, stored.active) == (Role.ADMIN, True)


def test_an_admin_may_step_down_when_another_admin_is_active(app, make_user, make_project):
    admin = make_user(Role.ADMIN)
    make_user(Role.ADMIN)
    project = make_project()
    update_user(admin, UserInput(admin.email, admin.name, Role.MANAGER, project_ids=[project.id]))
    assert db.session.get(User, admin.id).role is Role.MANAGER
