"""The attendee's pages: the registration form, "check your inbox", and the pages behind the private link.

The public event page is cached for anonymous visitors, so it only links here: the form
carries a per-session CSRF token and is never part of a cached page.
"""

from __future__ import annotations

from flask import current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from werkzeug.exceptions import NotFound
from werkzeug.wrappers import Response

from seminar_app import i18n, sentences
from seminar_app.campaigns.registration_link import InvitationLink
from seminar_app.errors import DomainError, ValidationFailed
from seminar_app.events.models import Event
from seminar_app.extensions import limiter
from seminar_app.forms import show_domain_error
from seminar_app.public import queries as public_queries
from seminar_app.registration import bp, queries, services
from seminar_app.registration.forms import (
    ConfirmForm,
    ConsentsForm,
    DetailsForm,
    ModeForm,
    RegistrationForm,
    parse_mode,
)
from seminar_app.registration.models import Registration

ResponseValue = Response | str | tuple[str, int]

# One budget per client address for the form and the JSON API together (the API imports it).
rate_limit = limiter.shared_limit(
    lambda: current_app.config["REGISTRATION_RATE_LIMIT"], scope="registration", methods=["POST"]
)


# Seats left per mode, for the event page, the event cards and the form.
bp.app_template_global("seats_by_mode")(queries.seats_by_mode)


def _mode_choices(event: Event) -> list[tuple[str, str]]:
    choices = []
    for seat in queries.seats_by_mode(event):
        if seat.full:
            label = _("%(mode)s – full, you join the waiting list", mode=seat.mode.label)
        elif seat.left is not None:
            label = ngettext(
                "%(mode)s – %(num)d seat left", "%(mode)s – %(num)d seats left", seat.left, mode=seat.mode.label
            )
        else:
            label = seat.mode.label
        choices.append((seat.mode.value, label))
    return choices


# --- registering ----------------------------------------------------------------------------


def _public_event_or_404(slug: str) -> Event:
    event = public_queries.get_public_event(slug)
    if event is None:
        raise NotFound()
    return event


def _render_form(
    event: Event,
    form: RegistrationForm | None,
    *,
    reason: str = "",
    code: int = 200,
    link: InvitationLink | None = None,
) -> ResponseValue:
    hybrid = len(services.offered_modes(event)) > 1
    page = render_template(
        "registration/register.html", event=event, form=form, reason=reason, hybrid=hybrid, link=link
    )
    return page, code


@bp.route("/events/<slug>/register", methods=["GET", "POST"])
@rate_limit
def register(slug: str) -> ResponseValue:
    event = _public_event_or_404(slug)
    link = InvitationLink.read(event, request.args.get("invitation"))
    posted = request.method == "POST"
    if link and link.expired:
        return _render_form(event, None, reason=link.expired, code=409 if posted else 200)
    try:
        services.ensure_open(event)
    except services.RegistrationClosed as exc:
        return _render_form(event, None, reason=exc.message, code=409 if posted else 200)
    form = RegistrationForm(**(link.prefill if link and not posted else {})).setup_for(event, _mode_choices(event))
    if posted and form.is_robot:
        return redirect(url_for(".done", slug=slug))
    if link and link.problem:  # a broken personal link registers nobody; the form below it works
        return _render_form(event, form, code=422 if posted else 200, link=link)
    if form.validate_on_submit():
        language, source = (link.language, "invitation") if link else (i18n.current_language(), "form")
        try:
            invitation_id = link.invitation.id if link and link.invitation else None
            data = form.to_input(language, notice_language=i18n.current_language())
            services.register(event, data, source=source, invitation_id=invitation_id)
        except DomainError as exc:
            show_domain_error(form, exc)
        else:
            return redirect(url_for(".done", slug=slug))
    elif posted:
        _add_rule_errors(event, form)
    return _render_form(event, form, code=422 if form.errors else 200, link=link)


def _add_rule_errors(event: Event, form: RegistrationForm) -> None:
    """A form refused for its shape (a required field left empty) also shows what the rules
    say about the other fields, so that the person corrects everything in one round."""
    try:
        services.check_registration(event, form.to_input(i18n.current_language()))
    except ValidationFailed as exc:
        fresh = {name: messages for name, messages in exc.errors.items() if not _has_errors(form, name)}
        show_domain_error(form, ValidationFailed(fresh))


def _has_errors(form: RegistrationForm, name: str) -> bool:
    field = form._fields.get(name)
    return field is None or bool(field.errors)


@bp.get("/events/<slug>/register/done")
def done(slug: str) -> ResponseValue:
    return render_template("registration/done.html", event=_public_event_or_404(slug))


# --- the private link -------------------------------------------------------------------------


class UnknownLink(NotFound):
    """No registration has this token: mistyped, erased, or purged with the event's data."""


@bp.errorhandler(UnknownLink)
def unknown_link(_exc: UnknownLink) -> ResponseValue:
    return render_template("registration/unknown_link.html"), 404


def _by_token(token: str) -> Registration:
    registration = services.find_by_token(token)
    if registration is None:
        raise UnknownLink()
    return registration


def _render_private(
    registration: Registration,
    token: str,
    *,
    details_form: DetailsForm | None = None,
    mode_form: ModeForm | None = None,
    code: int = 200,
) -> ResponseValue:
    event = registration.event
    return render_template(
        "registration/private.html",
        registration=registration,
        event=event,
        token=token,
        position=services.waitlist_position(registration),
        joining_url=event.joining_url if registration.may_join_online else "",
        other_modes=[m for m in services.offered_modes(event) if m is not registration.mode],
        details_form=details_form or DetailsForm.showing(registration),
        mode_form=mode_form or ModeForm(formdata=None),
        seats={s.mode: s for s in queries.seats_by_mode(event)},
        consents_form=ConsentsForm.showing(registration),
    ), code


@bp.get("/r/<token>")
def private_page(token: str) -> ResponseValue:
    return _render_private(_by_token(token), token)


@bp.post("/r/<token>/details")
def update_details(token: str) -> ResponseValue:
    registration = _by_token(token)
    form = DetailsForm()
    form.setup(registration.event.project)
    if form.validate_on_submit():
        try:
            services.update_details(registration, form.to_input())
        except DomainError as exc:
            show_domain_error(form, exc)
        else:
            flash(_("Your details are saved."), "success")
            return redirect(url_for(".private_page", token=token))
    return _render_private(registration, token, details_form=form, code=422)


@bp.post("/r/<token>/mode")
def switch_mode(token: str) -> ResponseValue:
    registration = _by_token(token)
    form = ModeForm()
    mode = parse_mode(form.mode.data)
    if form.validate_on_submit() and mode is not None:
        try:
            services.switch_mode(registration, mode)
        except DomainError as exc:
            show_domain_error(form, exc)
        else:
            flash(sentences.will_attend(mode), "success")
            return redirect(url_for(".private_page", token=token))
    elif not form.errors:
        form.form_errors.append(_("Choose whether you will attend on site or online."))
    return _render_private(registration, token, mode_form=form, code=422)


@bp.post("/r/<token>/consents")
def change_consents(token: str) -> ResponseValue:
    registration = _by_token(token)
    form = ConsentsForm()
    if form.validate_on_submit():
        services.change_consents(registration, form.answers(), notice_language=i18n.current_language())
        flash(_("Your permissions are saved."), "success")
        return redirect(url_for(".private_page", token=token))
    return _render_private(registration, token, code=422)


@bp.route("/r/<token>/cancel", methods=["GET", "POST"])
def cancel(token: str) -> ResponseValue:
    registration = _by_token(token)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            services.cancel_registration(registration)
        except DomainError as exc:
            show_domain_error(form, exc)
        else:
            flash(_("Your registration is cancelled."), "success")
            return redirect(url_for(".private_page", token=token))
    page = render_template(
        "registration/cancel.html", registration=registration, event=registration.event, form=form, token=token
    )
    return page, 422 if form.errors else 200


@bp.post("/r/<token>/register-again")
@rate_limit
def register_again(token: str) -> ResponseValue:
    registration = _by_token(token)
    if ConfirmForm().validate_on_submit():
        try:
            services.register_again(registration)
        except DomainError as exc:
            flash(exc.message, "error")
        else:
            flash(sentences.your_registration_state(registration.status), "success")
    return redirect(url_for(".private_page", token=token))


@bp.get("/r/<token>/data.json")
def my_data(token: str) -> Response:
    registration = _by_token(token)
    response = jsonify(services.personal_data(registration))
    filename = f"registration-{registration.event.slug}.json"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@bp.route("/r/<token>/erase", methods=["GET", "POST"])
def erase(token: str) -> ResponseValue:
    registration = _by_token(token)
    form = ConfirmForm()
    if form.validate_on_submit():
        slug = registration.event.slug
        try:
            services.erase_registration(registration)
        except DomainError as exc:
            show_domain_error(form, exc)
        else:
            flash(_("Your personal data has been erased. This link no longer works."), "success")
            return redirect(url_for("public.event_detail", slug=slug))
    page = render_template(
        "registration/erase.html", registration=registration, event=registration.event, form=form, token=token
    )
    return page, 422 if form.errors else 200
