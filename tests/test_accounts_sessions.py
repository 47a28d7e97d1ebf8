"""Log-out, a new password and deactivation end every session of the account, including
copies of its session cookie and its "keep me logged in" cookie."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from seminar_app import create_app
from seminar_app.accounts.models import User
from seminar_app.enums import Role
from seminar_app.extensions import db
from tests.conftest import PASSWORD
from tests.test_migrations import empty_database_url  # noqa: F401 (fixture)

NEW_PASSWORD = "a brand new long passphrase"


def logged_in(app: Flask, user: User, password: str = PASSWORD) -> FlaskClient:
    """A browser where `user` logged in with "keep me logged in" ticked."""
    client = app.test_client()
    response = client.post("/login", data={"email": user.email, "password": password, "remember": "y"})
    assert response.status_code == 302, "log-in failed"
    return client


def stolen_cookies(client: FlaskClient) -> dict[str, str]:
    """Copies of the session cookie and of the remember cookie, each on its own."""
    session, remember = client.get_cookie("session"), client.get_cookie("remember_token")
    assert session is not None and remember is not None
    return {"session": session.value, "remember_token": remember.value}


def works(app: Flask, name: str, value: str) -> bool:
    """Whether a fresh browser holding only this cookie reaches an organiser's page."""
    client = app.test_client()
    client.set_cookie(name, value, domain="localhost")
    return client.get("/manage/events").status_code == 200


@pytest.fixture
def browsers(app: Flask) -> Iterator[Flask]:
    """A second app on the same database whose requests each get their own app context (the
    `app` fixture's context would keep one request's user in `g` for the next request)."""
    other = create_app({"SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"], "SERVER_NAME": "localhost"})
    yield other
    with other.app_context():
        db.engine.dispose()


@pytest.fixture
def organiser(make_user: Callable[..., User], make_partner: Callable[..., object]) -> User:
    return make_user(Role.ORGANISER, partners=[make_partner()])


@pytest.fixture
def admin_client(browsers: Flask, make_user: Callable[..., User]) -> FlaskClient:
    return logged_in(browsers, make_user(Role.ADMIN))


def edit(admin_client: FlaskClient, user: User, **changes: object) -> None:
    data: dict[str, object] = {
        "email": user.email,
        "name": user.name,
        "role": user.role.value,
        "partner_ids": [p.id for p in user.partners],
        "project_ids": [p.id for p in user.projects],
        "active": "y",
    }
    data.update(changes)
    data = {k: v for k, v in data.items() if v is not None}
    response = admin_client.post(f"/admin/users/{user.id}/edit", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)


def test_copies_work_while_the_person_stays_logged_in(browsers: Flask, organiser: User) -> None:
    cookies = stolen_cookies(logged_in(browsers, organiser))
    assert all(works(browsers, name, value) for name, value in cookies.items())


def test_log_out_ends_copies_of_the_session_and_remember_cookies(browsers: Flask, organiser: User) -> None:
    client = logged_in(browsers, organiser)
    other_device = logged_in(browsers, organiser)
    cookies = stolen_cookies(client)

    client.post("/logout")

    assert client.get("/manage/events").status_code == 302
    for name, value in cookies.items():
        assert not works(browsers, name, value), name
    assert other_device.get("/manage/events").status_code == 302, "log-out ends the account's every session"
    assert logged_in(browsers, organiser).get("/manage/events").status_code == 200, "logging in again works"


def test_a_password_set_by_an_administrator_ends_the_persons_sessions(
    browsers: Flask, organiser: User, admin_client: FlaskClient
) -> None:
    cookies = stolen_cookies(logged_in(browsers, organiser))

    edit(admin_client, organiser, password=NEW_PASSWORD, password_confirm=NEW_PASSWORD)

    for name, value in cookies.items():
        assert not works(browsers, name, value), name
    assert logged_in(browsers, organiser, NEW_PASSWORD).get("/manage/events").status_code == 200


def test_deactivation_ends_the_persons_sessions_for_good(
    browsers: Flask, organiser: User, admin_client: FlaskClient
) -> None:
    cookies = stolen_cookies(logged_in(browsers, organiser))

    edit(admin_client, organiser, active=None)
    for name, value in cookies.items():
        assert not works(browsers, name, value), name

    edit(admin_client, organiser)
    for name, value in cookies.items():
        assert not works(browsers, name, value), f"{name}: reactivation must not bring old sessions back"


def test_other_edits_leave_sessions_alone(browsers: Flask, organiser: User, admin_client: FlaskClient) -> None:
    cookies = stolen_cookies(logged_in(browsers, organiser))

    edit(admin_client, organiser, name="Renamed Organiser")

    assert all(works(browsers, name, value) for name, value in cookies.items())


def test_administrators_changing_their_own_password_stay_logged_in_here_only(
    browsers: Flask, make_user: Callable[..., User]
) -> None:
    admin = make_user(Role.ADMIN)
    client = logged_in(browsers, admin)
    cookies = stolen_cookies(client)

    edit(client, admin, password=NEW_PASSWORD, password_confirm=NEW_PASSWORD)

    assert client.get("/manage/events").status_code == 200
    for name, value in cookies.items():
        assert not works(browsers, name, value), name


def test_the_remember_cookie_is_same_site_lax(browsers: Flask, organiser: User) -> None:
    client = browsers.test_client()
    response = client.post("/login", data={"email": organiser.email, "password": PASSWORD, "remember": "y"})
    remember = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("remember_token=")]
    assert len(remember) == 1
    assert "SameSite=Lax" in remember[0]
    assert "HttpOnly" in remember[0]


def test_migration_gives_every_account_its_own_token_and_downgrades(empty_database_url: str) -> None:  # noqa: F811
    app = create_app({"SQLALCHEMY_DATABASE_URI": empty_database_url})
    with app.app_context():
        upgrade(revision="0006")
        with db.engine.begin() as conn:
            for n in (1, 2):
                conn.execute(
                    text(
                        "INSERT INTO user_account (email, name, password_hash, role, active, created_at)"
                        f" VALUES ('u{n}@example.org', 'U', 'x', 'admin', true, CURRENT_TIMESTAMP)"
                    )
                )
        upgrade(revision="0008")
        with db.engine.connect() as conn:
            tokens = conn.execute(text("SELECT session_token FROM user_account")).scalars().all()
        assert len(tokens) == 2 and len(set(tokens)) == 2 and all(len(t) == 32 for t in tokens)

        downgrade(revision="0006")
        assert "session_token" not in {c["name"] for c in inspect(db.engine).get_columns("user_account")}
        db.engine.dispose()
