"""The mails a registration causes, queued in the outbox in the caller's transaction.

Each is written in the language the person registered in (the event's language if the
interface lacks it), shows the event's texts in that language where they are translated
(`invitations.event_as_seen`), and carries the private link. Mail that gives, changes or
removes a calendar entry carries an iTIP REQUEST or CANCEL (see calendar.invitations):
confirmed people have an entry, nobody else does.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from flask import current_app, render_template
from flask_babel import gettext as _
from sqlalchemy.orm.attributes import set_committed_value

from seminar_app import i18n, sentences
from seminar_app.calendar import invitations
from seminar_app.enums import AttendanceMode, EventStatus, RegistrationStatus
from seminar_app.events.content import LocalizedEvent
from seminar_app.events.models import Event
from seminar_app.extensions import db
from seminar_app.mail.services import queue_row
from seminar_app.registration.models import Registration
from seminar_app.timefmt import format_span, zone_label


def external_url(endpoint: str, **values: object) -> str:
    """An absolute address for mail, from PUBLIC_BASE_URL (mail is also written outside requests).

    Built with the URL map directly rather than `url_for` in a fake request: a campaign
    writes several links into each of thousands of mails, and a request context per link
    cost more than rendering the mail. No blueprint uses URL defaults or preprocessors."""
    base = urlsplit(current_app.config["PUBLIC_BASE_URL"].rstrip("/"))
    adapter = current_app.url_map.bind(base.netloc, script_name=base.path or "/", url_scheme=base.scheme)
    return adapter.build(endpoint, {k: v for k, v in values.items() if v is not None}, force_external=True)


def event_page_url(event: Event | LocalizedEvent) -> str:
    """The event's public page; with `?lang=` when its texts are shown in a translation, so
    that the page opens in the language the mail or calendar entry is in."""
    lang = None
    if isinstance(event, LocalizedEvent) and event.content_language != event.language:
        lang = event.content_language
    return external_url("public.event_detail", slug=event.slug, lang=lang)


def private_link(registration: Registration) -> str:
    from seminar_app.registration.services import private_token

    return external_url("registration.private_page", token=private_token(registration))


def mail_language(registration: Registration) -> str:
    """The language the person registered in; the event's language only if the interface lacks it."""
    return i18n.language_or_default(registration.language, registration.event.language)


def joining_url_for(registration: Registration) -> str:
    """The joining link a mail gives: only to a confirmed online attendee (waiting list,
    pending and on-site people have none), and not for an event that is cancelled."""
    event = registration.event
    if not registration.may_join_online or event.status is EventStatus.CANCELLED:
        return ""
    return event.joining_url


@dataclass(frozen=True)
class RenderedMail:
    """A registrant's mail, rendered: what `queue_mail` takes but the registration's id (it
    may have none yet)."""

    registration: Registration
    fields: dict[str, Any]

    def queue(self) -> None:
        """Add it to the outbox in the caller's transaction (the caller commits)."""
        queue_row(**self.fields, registration_id=self.registration.id)


def _render(
    registration: Registration,
    kind: str,
    subject: str,
    paragraphs: list[str],
    *,
    calendar_method: str = "",
    sequence: int | None = None,
    erased: bool = False,
) -> RenderedMail:
    """One mail to the registrant. With `calendar_method` it carries the registrant's entry at
    `sequence` (the event's current one by default). `erased`: the person's data is being
    erased, so the mail has no private link and is scrubbed once sent."""
    event = invitations.event_as_seen(registration)
    link = "" if erased else private_link(registration)
    event_url = event_page_url(event)
    context = {
        "joining_url": joining_url_for(registration) if not erased else "",
        "registration": registration,
        "event": event,
        "when": format_span(event.starts_at, event.ends_at, event.timezone),
        "zone": zone_label(event.starts_at, event.timezone),
        "paragraphs": paragraphs,
        "link": link,
        "event_url": event_url,
    }
    sequence = event.ical_sequence if sequence is None else sequence
    calendar_ics = ""
    if calendar_method:
        calendar_ics = invitations.invitation(
            registration,
            method=calendar_method,
            sequence=sequence,
            private_url=link,
            event_url=event_url,
            seen=event,
        )
    fields = {
        "kind": kind,
        "to_address": registration.email or "",
        "to_name": registration.name,
        "reply_to": event.partner.contact_email,
        "subject": f"{subject} – {event.title}",
        "body_text": render_template("email/registration.txt", **context),
        "body_html": render_template("email/registration.html", **context),
        "event_id": event.id,
        "calendar_method": calendar_method,
        "calendar_ics": calendar_ics,
        "scrub_after_send": erased,
    }
    return RenderedMail(registration, fields)


def _request_if_confirmed(registration: Registration) -> str:
    """A REQUEST giving the entry to a confirmed person; none once the event is cancelled (a
    mail the sender writes after the cancellation: the cancellation's own mail follows it)."""
    if registration.event.status is EventStatus.CANCELLED:
        return ""
    return "REQUEST" if invitations.has_entry(registration) else ""


def _status_paragraph(registration: Registration, position: int | None = None) -> str:
    """`position`: the place on the waiting list, when known (else counted now)."""
    from seminar_app.registration.services import waitlist_position

    if registration.status is RegistrationStatus.CONFIRMED:
        return _("Your place is confirmed.")
    if registration.status is RegistrationStatus.PENDING:
        return _("The organiser will confirm your place soon; we will write to you again.")
    if registration.status is RegistrationStatus.WAITLISTED:
        return _(
            "The event is full, so you are number %(position)d on the waiting list. "
            "If a place frees up, you get it automatically and we will tell you.",
            position=position or waitlist_position(registration) or 0,
        )
    return sentences.your_registration_state(registration.status)


def queue_registered(registration: Registration, *, sequence: int | None = None) -> None:
    """`sequence`: a new SEQUENCE for a person registering again, whose entry was cancelled."""
    render_registered(registration, sequence=sequence).queue()


def render_registered(
    registration: Registration, *, sequence: int | None = None, position: int | None = None
) -> RenderedMail:
    """The mail `queue_registered` queues, for the registration's status now (`position`: its
    place on the waiting list, when known)."""
    with i18n.force_language(mail_language(registration)):
        subjects = {
            RegistrationStatus.CONFIRMED: _("Registration confirmed"),
            RegistrationStatus.PENDING: _("Registration received"),
            RegistrationStatus.WAITLISTED: _("You are on the waiting list"),
        }
        return _render(
            registration,
            _registered_kind(registration.status),
            subjects.get(registration.status, _("Your registration")),
            [_("Thank you for registering."), _status_paragraph(registration, position)],
            calendar_method=_request_if_confirmed(registration),
            sequence=sequence,
        )


def _registered_kind(status: RegistrationStatus) -> str:
    return "registration_" + status.value


# What the sender writes into a deferred mail's row (`render_deferred`).
_RENDERED_FIELDS = ("subject", "reply_to", "body_text", "body_html", "calendar_method", "calendar_ics")


def queue_registered_for_sender(registration: Registration) -> None:
    """Queue a new registration's mail with only what it needs, for the sender to render
    (`render_deferred`): rendering it was a third of a registration's time, and every other
    registration to the event waits for the seat lock this runs under (issue 18). What may
    change before the sender runs is kept as it is now: the status, mode, language, the
    event's SEQUENCE and the place on the waiting list, so that the mail is the one
    `render_registered` gives now (tests/test_registration_deferred_mail.py)."""
    from seminar_app.registration.services import waitlist_position

    deferred = {
        "status": registration.status.value,
        "mode": registration.mode.value,
        "language": registration.language,
        "sequence": registration.event.ical_sequence,
        "position": waitlist_position(registration),
    }
    queue_row(
        kind=_registered_kind(registration.status),
        to_address=registration.email or "",
        to_name=registration.name,
        subject="",
        body_text="",
        event_id=registration.event_id,
        registration_id=registration.id,
        deferred=deferred,
    )


def render_deferred(registration_id: int | None, deferred: dict[str, Any]) -> dict[str, Any] | None:
    """The subject, bodies and calendar of a mail `queue_registered_for_sender` queued; None
    when its registration was deleted or erased since (its mail is not sent)."""
    registration = None if registration_id is None else db.session.get(Registration, registration_id)
    if registration is None or registration.is_erased:
        return None
    queued = {
        "status": RegistrationStatus(deferred["status"]),
        "mode": AttendanceMode(deferred["mode"]),
        "language": deferred["language"],
    }
    now = {name: getattr(registration, name) for name in queued}
    # Shown as queued without changing the registration: nothing marks it modified.
    for name, value in queued.items():
        set_committed_value(registration, name, value)
    try:
        mail = render_registered(registration, sequence=deferred["sequence"], position=deferred["position"])
    finally:
        for name, value in now.items():
            set_committed_value(registration, name, value)
    return {name: mail.fields[name] for name in _RENDERED_FIELDS}


LINK_AGAIN = "link_again"


def queue_link_again(registration: Registration) -> None:
    with i18n.force_language(mail_language(registration)):
        _render(
            registration,
            LINK_AGAIN,
            _("Your registration"),
            [
                _("Someone (probably you) asked to register again with this address. You were already registered."),
                _status_paragraph(registration),
            ],
            calendar_method=_request_if_confirmed(registration),
        ).queue()


def queue_promoted(registration: Registration) -> None:
    with i18n.force_language(mail_language(registration)):
        _render(
            registration,
            "promoted",
            _("A place is free for you"),
            [_("A place has become free and it is yours."), _status_paragraph(registration)],
            calendar_method=_request_if_confirmed(registration),
        ).queue()


def queue_approved(registration: Registration) -> None:
    with i18n.force_language(mail_language(registration)):
        _render(
            registration,
            "approved",
            _("Registration approved"),
            [_("The organiser has confirmed your place.")],
            calendar_method=_request_if_confirmed(registration),
        ).queue()


def queue_declined(registration: Registration, *, reason: str = "") -> None:
    with i18n.force_language(mail_language(registration)):
        paragraphs = [_("We are sorry: the organiser could not offer you a place at this event.")]
        if reason:
            paragraphs.append(reason)
        _render(registration, "declined", _("Registration declined"), paragraphs).queue()


def _cancel_entry(had_entry: bool, registration: Registration) -> tuple[str, int | None]:
    """The CANCEL (and its new SEQUENCE) removing an entry the person was sent."""
    if not had_entry:
        return "", None
    return "CANCEL", invitations.next_sequence(registration.event)


def queue_cancelled(registration: Registration, *, by_organiser: bool, had_entry: bool) -> None:
    """`had_entry`: the person was confirmed, so their calendar entry is cancelled too."""
    method, sequence = _cancel_entry(had_entry, registration)
    with i18n.force_language(mail_language(registration)):
        text = (
            _("The organiser has cancelled your registration.")
            if by_organiser
            else _("Your registration is cancelled, as you asked.")
        )
        _render(
            registration, "cancelled", _("Registration cancelled"), [text], calendar_method=method, sequence=sequence
        ).queue()


def queue_erased(registration: Registration) -> None:
    """Before erasure: remove the calendar entry of a confirmed person (no private link:
    it stops working; the message is scrubbed once sent)."""
    method, sequence = _cancel_entry(True, registration)
    with i18n.force_language(mail_language(registration)):
        _render(
            registration,
            "erased",
            _("Registration erased"),
            [_("As asked, your registration and your personal data have been erased. The calendar entry is removed.")],
            calendar_method=method,
            sequence=sequence,
            erased=True,
        ).queue()


def queue_mode_changed(registration: Registration) -> None:
    """A confirmed person's entry changes place (and joining link): a REQUEST with a new SEQUENCE."""
    method = _request_if_confirmed(registration)
    sequence = invitations.next_sequence(registration.event) if method else None
    with i18n.force_language(mail_language(registration)):
        _render(
            registration,
            "mode_changed",
            _("Attendance changed"),
            [sentences.will_attend(registration.mode), _status_paragraph(registration)],
            calendar_method=method,
            sequence=sequence,
        ).queue()


def queue_event_changed(registration: Registration, before: dict[str, object], sequence: int) -> None:
    """The organiser changed what the entry shows: an update saying what changed."""
    with i18n.force_language(mail_language(registration)):
        changes = invitations.describe_changes(before, registration.event, registration)
        _render(
            registration,
            "event_changed",
            _("Event changed"),
            [_("The organiser has changed this event. Your calendar entry is updated."), *changes],
            calendar_method="REQUEST",
            sequence=sequence,
        ).queue()


def queue_event_status(registration: Registration, sequence: int) -> None:
    """The event was postponed, confirmed again after a postponement, or cancelled."""
    event = registration.event
    with i18n.force_language(mail_language(registration)):
        note = [event.status_note] if event.status_note else []
        if event.status is EventStatus.CANCELLED:
            subject, text, method = _("Event cancelled"), _("The organiser has cancelled this event."), "CANCEL"
        elif event.status is EventStatus.POSTPONED:
            subject = _("Event postponed")
            text = _(
                "The organiser has postponed this event. "
                "Your calendar entry is marked tentative until it is confirmed again."
            )
            method = "REQUEST"
        else:
            subject = _("Event confirmed")
            text = _("The event will take place as shown below. Your calendar entry is updated.")
            method = "REQUEST"
        if not invitations.has_entry(registration):
            method = ""
        _render(
            registration,
            "event_" + event.status.value,
            subject,
            [text, *note],
            calendar_method=method,
            sequence=sequence,
        ).queue()
