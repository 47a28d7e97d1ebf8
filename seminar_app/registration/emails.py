"""The mails a registration causes, queued in the outbox in the caller's transaction.

Each is written in the event's language when the interface has it, else the
language the person registered in, and carries the private link.
"""

from __future__ import annotations

from flask import current_app, render_template, url_for
from flask_babel import force_locale
from flask_babel import gettext as _

from seminar_app.enums import RegistrationStatus
from seminar_app.mail.services import queue_mail
from seminar_app.registration.models import Registration
from seminar_app.timefmt import format_span, zone_label


def external_url(endpoint: str, **values: object) -> str:
    """An absolute address for mail, from PUBLIC_BASE_URL (mail is also written outside requests)."""
    base = current_app.config["PUBLIC_BASE_URL"].rstrip("/")
    with current_app.test_request_context(base_url=base):
        return url_for(endpoint, _external=True, **values)


def private_link(registration: Registration) -> str:
    from seminar_app.registration.services import private_token

    return external_url("registration.private_page", token=private_token(registration))


def _language(registration: Registration) -> str:
    languages = current_app.config["LANGUAGES"]
    return registration.event.language if registration.event.language in languages else registration.language


def _queue(registration: Registration, kind: str, subject: str, paragraphs: list[str]) -> None:
    event = registration.event
    context = {
        "registration": registration,
        "event": event,
        "when": format_span(event.starts_at, event.ends_at, event.timezone),
        "zone": zone_label(event.starts_at, event.timezone),
        "paragraphs": paragraphs,
        "link": private_link(registration),
        "event_url": external_url("public.event_detail", slug=event.slug),
    }
    queue_mail(
        kind=kind,
        to_address=registration.email or "",
        to_name=registration.name,
        reply_to=event.partner.contact_email,
        subject=f"{subject} – {event.title}",
        body_text=render_template("email/registration.txt", **context),
        body_html=render_template("email/registration.html", **context),
        event_id=event.id,
        registration_id=registration.id,
    )


def _status_paragraph(registration: Registration) -> str:
    from seminar_app.registration.services import waitlist_position

    if registration.status is RegistrationStatus.CONFIRMED:
        return _("Your place is confirmed.")
    if registration.status is RegistrationStatus.PENDING:
        return _("The organiser will confirm your place soon; we will write to you again.")
    if registration.status is RegistrationStatus.WAITLISTED:
        return _(
            "The event is full, so you are number %(position)d on the waiting list. "
            "If a place frees up, you get it automatically and we will tell you.",
            position=waitlist_position(registration) or 0,
        )
    return _("Your registration is %(status)s.", status=registration.status.label.lower())


def queue_registered(registration: Registration) -> None:
    with force_locale(_language(registration)):
        subjects = {
            RegistrationStatus.CONFIRMED: _("Registration confirmed"),
            RegistrationStatus.PENDING: _("Registration received"),
            RegistrationStatus.WAITLISTED: _("You are on the waiting list"),
        }
        _queue(
            registration,
            "registration_" + registration.status.value,
            subjects.get(registration.status, _("Your registration")),
            [_("Thank you for registering."), _status_paragraph(registration)],
        )


def queue_link_again(registration: Registration) -> None:
    with force_locale(_language(registration)):
        _queue(
            registration,
            "link_again",
            _("Your registration"),
            [
                _("Someone (probably you) asked to register again with this address. You were already registered."),
                _status_paragraph(registration),
            ],
        )


def queue_promoted(registration: Registration) -> None:
    with force_locale(_language(registration)):
        _queue(
            registration,
            "promoted",
            _("A place is free for you"),
            [_("A place has become free and it is yours."), _status_paragraph(registration)],
        )


def queue_approved(registration: Registration) -> None:
    with force_locale(_language(registration)):
        _queue(registration, "approved", _("Registration approved"), [_("The organiser has confirmed your place.")])


def queue_declined(registration: Registration, *, reason: str = "") -> None:
    with force_locale(_language(registration)):
        paragraphs = [_("We are sorry: the organiser could not offer you a place at this event.")]
        if reason:
            paragraphs.append(reason)
        _queue(registration, "declined", _("Registration declined"), paragraphs)


def queue_cancelled(registration: Registration, *, by_organiser: bool) -> None:
    with force_locale(_language(registration)):
        text = (
            _("The organiser has cancelled your registration.")
            if by_organiser
            else _("Your registration is cancelled, as you asked.")
        )
        _queue(registration, "cancelled", _("Registration cancelled"), [text])


def queue_mode_changed(registration: Registration) -> None:
    with force_locale(_language(registration)):
        _queue(
            registration,
            "mode_changed",
            _("Attendance changed"),
            [_("You will now attend %(mode)s.", mode=registration.mode.label.lower()), _status_paragraph(registration)],
        )
