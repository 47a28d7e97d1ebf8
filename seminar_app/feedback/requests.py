"""The feedback request as the organiser sees it before and after it goes: when the
scheduled job sends it, to whom, what it says, and sending it at once.

Everything here reads the due-job runner's own definitions (`jobs.services`): the same
recipients query and the same "already asked" keys, so the number on the Feedback tab is
the number of mails that go, and sending now and the schedule never ask anybody twice.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext

from seminar_app.db_types import utcnow
from seminar_app.errors import Conflict, DomainError
from seminar_app.events.models import Event
from seminar_app.jobs import emails as job_emails
from seminar_app.jobs import services as jobs
from seminar_app.registration.emails import external_url, mail_language
from seminar_app.registration.models import Registration


@dataclass(frozen=True)
class FeedbackRequestPlan:
    """Who the request is for and when it goes.

    `recipients` is the runner's list (the attendees once attendance is recorded, else
    everyone confirmed, with an address); `asked` maps those already sent it to when.
    `scheduled_at` is when the runner sends it (the event's end), None when it will not
    go by itself (the event did not take place, or ended more than FEEDBACK_REQUEST_MAX_DAYS
    ago)."""

    event: Event
    recipients: list[Registration]
    asked: dict[int, datetime]
    scheduled_at: datetime | None
    attendance_recorded: bool
    languages: Counter[str] = field(default_factory=Counter)

    @property
    def not_asked(self) -> list[Registration]:
        return [r for r in self.recipients if r.id not in self.asked]

    @property
    def first_sent_at(self) -> datetime | None:
        return min(self.asked.values()) if self.asked else None

    @property
    def took_place(self) -> bool:
        return self.event.status in jobs.HELD

    @property
    def can_send_now(self) -> bool:
        return self.took_place and self.event.is_past and bool(self.not_asked)


def feedback_request_plan(event: Event, now: datetime | None = None) -> FeedbackRequestPlan:
    """The plan of `event`'s feedback request at `now` (default: the current time)."""
    from seminar_app.attendance.queries import attendance_recorded

    now = now or utcnow()
    recipients = jobs.feedback_request_recipients(event)
    scheduled_at = None
    if event.status in jobs.HELD:
        last_chance = event.ends_at + timedelta(days=current_app.config["FEEDBACK_REQUEST_MAX_DAYS"])
        if now <= last_chance:
            scheduled_at = event.ends_at
    return FeedbackRequestPlan(
        event=event,
        recipients=recipients,
        asked=jobs.asked_for_feedback(event),
        scheduled_at=scheduled_at,
        attendance_recorded=attendance_recorded(event),
        languages=Counter(mail_language(r) for r in recipients),
    )


@dataclass(frozen=True)
class PreviewRecipient:
    """A stand-in for a registration, to render a mail nobody will receive."""

    name: str
    language: str
    event: Event


def preview_feedback_request(plan: FeedbackRequestPlan, language: str, *, show_name: bool) -> job_emails.ComposedMail:
    """The request as its first recipient writing in `language` gets it (or, with nobody
    in that language, as anyone would in it), without sending or storing anything.
    `show_name`: the reader may see the partner's personal data; otherwise the greeting
    names a placeholder. The personal link is a placeholder too: it is made when sent."""
    first = next((r for r in plan.recipients if mail_language(r) == language), None)
    name = first.name if first is not None and show_name else _("Name of the recipient")
    recipient = PreviewRecipient(name=name, language=first.language if first else language, event=plan.event)
    url = external_url("feedback.answer", token="personal-link")
    return job_emails.compose_feedback_request(recipient, url, language)


class FeedbackNotDue(DomainError):
    code = "feedback_not_due"
    status = 409


def send_feedback_requests_now(event: Event, *, now: datetime | None = None) -> int:
    """Send the feedback request at once to everyone it is for who has not had it; the
    runner then sends nothing more for them. How many were queued.

    Raises `FeedbackNotDue` for an event that did not take place or has not ended yet,
    and `Conflict` when nobody is left to ask (everyone has had it, or nobody attended)."""
    now = now or utcnow()
    if event.status not in jobs.HELD:
        raise FeedbackNotDue(_("This event did not take place, so nobody is asked for feedback."))
    if event.ends_at > now:
        raise FeedbackNotDue(_("The feedback request can be sent once the event is over, not before."))
    plan = feedback_request_plan(event, now)
    if not plan.recipients:
        raise Conflict(_("Nobody can be asked: nobody with an e-mail address attended or was confirmed."))
    if not plan.not_asked:
        raise Conflict(
            ngettext(
                "The request has already been sent to the %(num)d person it is for; nobody is left to ask.",
                "The request has already been sent to all %(num)d people it is for; nobody is left to ask.",
                len(plan.recipients),
            )
        )
    return jobs.queue_feedback_requests(event, now)
