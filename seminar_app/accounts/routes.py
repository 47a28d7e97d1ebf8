from __future__ import annotations

from urllib.parse import urlsplit

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from seminar_app.accounts import bp, services
from seminar_app.accounts.forms import LoginForm, UserForm, user_form_data
from seminar_app.accounts.models import User
from seminar_app.accounts.permissions import admin_required
from seminar_app.accounts.services import authenticate
from seminar_app.enums import Role
from seminar_app.errors import DomainError
from seminar_app.extensions import db, limiter, login_manager
from seminar_app.forms import show_domain_error
from seminar_app.projects.models import Project
from seminar_app.projects.queries import partners_of


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    return services.user_for_session(session_id)


def safe_next(target: str | None, default: str) -> str:
    """Only same-site paths are followed after log-in (no open redirects)."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith("//"):
            return target
    return default


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"])
def login():  # type: ignore[no-untyped-def]
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(form.email.data or "", form.password.data or "")
        if user is None:
            form.form_errors.append(_("That e-mail and password do not match an active account."))
        else:
            login_user(user, remember=form.remember.data)
            return redirect(safe_next(request.args.get("next"), url_for("events.my_events")))
    return render_template("accounts/login.html", form=form), 200 if not form.errors else 422


@bp.route("/logout", methods=["POST"])
@login_required
def logout():  # type: ignore[no-untyped-def]
    services.end_all_sessions(current_user)
    logout_user()
    flash(_("You are logged out."), "success")
    return redirect(url_for("public.index"))


# --- user administration (admins only) -------------------------------------------------


def _user_form(data: dict[str, object] | None, *, new: bool) -> UserForm:
    return UserForm(data=data).setup(
        partners_of(), list(db.session.scalars(select(Project).order_by(Project.acronym))), new=new
    )


def _render_user_form(form: UserForm, user: User | None) -> tuple[str, int]:
    return render_template("accounts/user_form.html", form=form, user=user), 422 if form.errors else 200


@bp.route("/admin/users")
@admin_required
def users():  # type: ignore[no-untyped-def]
    accounts = db.session.scalars(
        select(User).options(selectinload(User.partners), selectinload(User.projects)).order_by(User.role, User.email)
    )
    return render_template("accounts/users.html", users=list(accounts))


@bp.route("/admin/users/new", methods=["GET", "POST"])
@admin_required
def new_user():  # type: ignore[no-untyped-def]
    form = _user_form({"role": Role.ORGANISER.value, "active": True}, new=True)
    if form.validate_on_submit():
        try:
            user = services.create_user(form.to_input(), actor=current_user)
        except DomainError as exc:
            show_domain_error(form, exc)
        else:
            flash(_("Account for %(email)s created.", email=user.email), "success")
            return redirect(url_for("accounts.users"))
    return _render_user_form(form, None)


@bp.route("/admin/users/<int:user_id>/edit", methods=["GET", "POST"])
@admin_required
def edit_user(user_id: int):  # type: ignore[no-untyped-def]
    user = db.session.get(User, user_id) or abort(404)
    form = _user_form(user_form_data(services.UserInput.from_user(user)), new=False)
    if form.validate_on_submit():
        try:
            services.update_user(user, form.to_input(), actor=current_user)
        except DomainError as exc:
            show_domain_error(form, exc)
        else:
            if user.id == current_user.id:
                login_user(user)  # a new password ended this session too; keep this one
            flash(_("Account of %(email)s saved.", email=user.email), "success")
            return redirect(url_for("accounts.users"))
    return _render_user_form(form, user)
