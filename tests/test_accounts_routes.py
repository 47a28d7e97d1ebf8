import pytest
from sqlalchemy import func, select

from seminar_app.accounts.models import User
from seminar_app.enums import Role
from seminar_app.extensions import db

USER_URLS = ["/admin/users", "/admin/users/new", "/admin/users/{user}/edit"]
USER_POST_URLS = ["/admin/users/new", "/admin/users/{user}/edit"]
NEW_PASSWORD = "a long enough passphrase"


@pytest.fixture
def admin(make_user, login):
    user = make_user(Role.ADMIN)
    login(user)
    return user


def user_form(**overrides):
    data = {
        "email": "Marta@Aurora.example",
        "name": "Marta Fonseca",
        "role": "organiser",
        "active": "y",
        "password": NEW_PASSWORD,
        "password_confirm": NEW_PASSWORD,
    }
    data.update(overrides)
    return data


def user_by_email(email):
    return db.session.scalar(select(User).where(func.lower(User.email) == email.lower()))


@pytest.mark.parametrize("url", USER_URLS)
def test_anonymous_visitors_are_sent_to_log_in(client, make_user, url):
    target = make_user()
    response = client.get(url.format(user=target.id))
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


@pytest.mark.parametrize("role", [Role.ORGANISER, Role.MANAGER])
@pytest.mark.parametrize("url", USER_URLS)
def test_organisers_and_managers_are_forbidden_to_view(client, make_user, make_partner, login, role, url):
    partner = make_partner()
    user = make_user(role, partners=[partner], projects=[partner.project])
    login(user)
    assert client.get(url.format(user=user.id)).status_code == 403


@pytest.mark.parametrize("role", [Role.ORGANISER, Role.MANAGER])
@pytest.mark.parametrize("url", USER_POST_URLS)
def test_organisers_and_managers_cannot_make_themselves_admin(client, make_user, make_partner, login, role, url):
    partner = make_partner()
    user = make_user(role, partners=[partner], projects=[partner.project])
    login(user)
    response = client.post(url.format(user=user.id), data=user_form(role="admin", email=user.email))
    assert response.status_code == 403
    db.session.expire_all()
    assert db.session.get(User, user.id).role is role


@pytest.mark.parametrize("url", USER_URLS)
def test_admins_see_the_user_pages(client, admin, url):
    assert client.get(url.format(user=admin.id)).status_code == 200


def test_unknown_user_gives_404(client, admin):
    assert client.get("/admin/users/9999/edit").status_code == 404


def test_user_list_shows_roles_and_what_people_act_for(client, admin, make_user, make_partner):
    partner = make_partner(short_name="AURORA")
    make_user(Role.ORGANISER, partners=[partner]).name = "Olga Organiser"
    db.session.commit()
    page = client.get("/admin/users").get_data(as_text=True)
    assert "Olga Organiser" in page and "Partner organiser" in page and "AURORA" in page


def test_partner_choices_are_grouped_by_project(client, admin, make_project, make_partner):
    make_partner(make_project(acronym="ALPHA"), short_name="A1")
    make_partner(make_project(acronym="BETA"), short_name="B1")
    page = client.get("/admin/users/new").get_data(as_text=True)
    assert page.index("ALPHA</legend>") < page.index("A1 –") < page.index("BETA</legend>") < page.index("B1 –")


def test_create_organiser(client, admin, make_partner):
    partner = make_partner()
    response = client.post("/admin/users/new", data=user_form(partner_ids=[partner.id]))
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/users"
    user = user_by_email("marta@aurora.example")
    assert user.email == "marta@aurora.example"
    assert [p.id for p in user.partners] == [partner.id]
    assert user.check_password(NEW_PASSWORD)


def test_new_organiser_can_log_in(client, admin, make_partner):
    partner = make_partner()
    client.post("/admin/users/new", data=user_form(partner_ids=[partner.id]))
    client.post("/logout")
    response = client.post("/login", data={"email": "MARTA@aurora.example", "password": NEW_PASSWORD})
    assert response.status_code == 302


def test_organiser_without_partner_is_refused_next_to_the_field(client, admin):
    response = client.post("/admin/users/new", data=user_form())
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "An organiser must act for at least one partner." in page
    assert 'id="partner_ids-error"' in page
    assert 'value="Marta Fonseca"' in page
    assert user_by_email("marta@aurora.example") is None


def test_manager_without_project_is_refused(client, admin):
    response = client.post("/admin/users/new", data=user_form(role="manager"))
    assert response.status_code == 422
    assert "A manager must manage at least one project." in response.get_data(as_text=True)


def test_short_password_is_refused(client, admin, make_partner):
    partner = make_partner()
    response = client.post(
        "/admin/users/new",
        data=user_form(partner_ids=[partner.id], password="too-short", password_confirm="too-short"),
    )
    assert response.status_code == 422
    assert "at least 12 characters" in response.get_data(as_text=True)


def test_mismatched_password_confirmation_is_refused(client, admin, make_partner):
    partner = make_partner()
    response = client.post(
        "/admin/users/new", data=user_form(partner_ids=[partner.id], password_confirm="something else entirely")
    )
    assert response.status_code == 422
    assert "The two passwords differ." in response.get_data(as_text=True)


def test_email_taken_in_another_case_is_refused(client, admin, make_partner):
    partner = make_partner()
    response = client.post("/admin/users/new", data=user_form(email=admin.email.upper(), partner_ids=[partner.id]))
    assert response.status_code == 422
    assert "Another account already uses" in response.get_data(as_text=True)


def test_edit_user_without_password_keeps_it_and_changes_role(client, admin, make_user, make_partner):
    partner = make_partner()
    user = make_user(Role.ORGANISER, partners=[partner])
    form = client.get(f"/admin/users/{user.id}/edit").get_data(as_text=True)
    assert f'value="{user.email}"' in form
    response = client.post(
        f"/admin/users/{user.id}/edit",
        data=user_form(
            email=user.email, role="manager", project_ids=[partner.project_id], password="", password_confirm=""
        ),
    )
    assert response.status_code == 302
    db.session.expire_all()
    stored = db.session.get(User, user.id)
    assert stored.role is Role.MANAGER and [p.id for p in stored.projects] == [partner.project_id]
    assert stored.partners == []
    assert stored.check_password("correct horse battery staple")


def test_deactivating_a_user(client, admin, make_user, make_partner):
    user = make_user(Role.ORGANISER, partners=[make_partner()])
    data = user_form(email=user.email, partner_ids=[user.partners[0].id], password="", password_confirm="")
    del data["active"]
    assert client.post(f"/admin/users/{user.id}/edit", data=data).status_code == 302
    db.session.expire_all()
    assert db.session.get(User, user.id).active is False
    assert "Deactivated" in client.get("/admin/users").get_data(as_text=True)


def test_last_admin_cannot_demote_themselves(client, admin, make_project):
    project = make_project()
    response = client.post(
        f"/admin/users/{admin.id}/edit",
        data=user_form(email=admin.email, role="manager", project_ids=[project.id], password="", password_confirm=""),
    )
    assert response.status_code == 422
    assert "last active administrator" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, admin.id).role is Role.ADMIN
