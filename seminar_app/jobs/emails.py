"""The mails the due-job runner sends, queued in the outbox in the runner's transaction.

Each is written in the same language as the registration mails (the one the person
registered in, else the event's), with the event's texts in the person's language where
they are translated.
"""

from __future__ import annotations

from flask import render_template
from flask_babel import gettext as _

from seminar_app import i18n
from seminar_app.calendar.invitations import event_as_seen
from seminar_app.mail.services import queue_mail
from seminar_app.registration.emails import event_page_url, mail_language, private_link
from seminar_app.registration.models import Registration
from seminar_app.timefmt import format_span, zone_label


def _queue(registration: Registration, kind: str, subject: str, **context: object) -> None:
    """Queue the mail rendered from templates/email/<kind>.txt|.html (call inside force_language)."""
    event = event_as_seen(registration)
    context.update(
        registration=registration,
        event=event,
        when=format_span(event.starts_at, event.ends_at, event.timezone),
        zone=zone_label(event.starts_at, event.timezone),
        event_url=event_page_url(event),
    )
    queue_mail(
        kind=kind,
        to_address=registration.email or "",
        to_name=registration.name,
        reply_to=event.partner.contact_email,
        subject=f"{subject} – {event.title}",
        body_text=render_template(f"email/{kind}.txt", **context),
        body_html=render_template(f"email/{kind}.html", **context),
        event_id=event.id,
        registration_id=registration.id,
    )


def queue_reminder(registration: Registration) -> None:
    """Before the event: when and where, the joining link for a confirmed online
    attendee, and the private link (to cancel, for instance, if plans changed)."""
    event = registration.event
    with i18n.force_language(mail_language(registration)):
        _queue(
            registration,
            "reminder",
            _("Reminder"),
            joining_url=event.joining_url if registration.may_join_online else "",
            link=private_link(registration),
        )


def queue_feedback_request(registration: Registration, url: str) -> None:
    """After the event: the person's own link to the anonymous questionnaire."""
    with i18n.force_language(mail_language(registration)):
        _queue(registration, "feedback_request", _("Your feedback, please"), feedback_url=url)


def queue_feedback_reminder(registration: Registration, url: str) -> None:
    """A few days after the request, to someone who has not answered: the same link."""
    with i18n.force_language(mail_language(registration)):
        _queue(registration, "feedback_reminder", _("A reminder: your feedback"), feedback_url=url)
