"""What one event sent, for its workspace's Mail tab: read-only queries over the outbox,
the kinds of mail named in the reader's language, and the private links taken out.

A mail's body carries the recipient's private links (to change or cancel the registration,
to answer the questionnaire, to decline an invitation): whoever holds one acts as that
person. The tab shows what was sent without them: every address of this site whose route
takes a token is replaced by a placeholder.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import Select, func, select
from werkzeug.exceptions import HTTPException

from seminar_app.enums import OutboxStatus
from seminar_app.events.models import Event
from seminar_app.extensions import db
from seminar_app.mail.models import OutboxMessage

_URL = re.compile(r"""https?://[^\s"'<>]+""")


def kind_label(kind: str) -> str:
    """The kind of a mail in the reader's words; the stored code for a kind not named here."""
    labels = {
        "registration_confirmed": _("Registration confirmed"),
        "registration_pending": _("Registration received"),
        "registration_waitlisted": _("You are on the waiting list"),
        "link_again": _("Your registration"),
        "promoted": _("A place is free for you"),
        "approved": _("Registration approved"),
        "declined": _("Registration declined"),
        "cancelled": _("Registration cancelled"),
        "erased": _("Registration erased"),
        "mode_changed": _("Attendance changed"),
        "event_changed": _("Event changed"),
        "event_cancelled": _("Event cancelled"),
        "event_postponed": _("Event postponed"),
        "event_published": _("Event confirmed"),
        "reminder": _("Reminder"),
        "feedback_request": _("Your feedback, please"),
        "feedback_reminder": _("A reminder: your feedback"),
        "invitation": _("Invitation"),
        "invitation_reminder": _("Reminder of the invitation"),
    }
    return labels.get(kind, kind)


def event_messages(event: Event) -> Select[tuple[OutboxMessage]]:
    """The event's mails, newest first (for pagination)."""
    return (
        select(OutboxMessage)
        .where(OutboxMessage.event_id == event.id)
        .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
    )


def event_message(event: Event, message_id: int) -> OutboxMessage | None:
    """One mail of `event`; None for another event's mail or an unknown id."""
    message = db.session.get(OutboxMessage, message_id)
    return message if message is not None and message.event_id == event.id else None


@dataclass
class KindCount:
    kind: str
    label: str
    by_status: dict[OutboxStatus, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.by_status.values())

    @property
    def sent(self) -> int:
        return self.by_status.get(OutboxStatus.SENT, 0)

    @property
    def failed(self) -> int:
        return self.by_status.get(OutboxStatus.FAILED, 0)

    @property
    def waiting(self) -> int:
        """Queued or being sent: not delivered yet, not given up."""
        return self.total - self.sent - self.failed


def kind_counts(event: Event) -> list[KindCount]:
    """How many mails of each kind the event sent, by status, most frequent first. One query."""
    counts: dict[str, KindCount] = {}
    rows = db.session.execute(
        select(OutboxMessage.kind, OutboxMessage.status, func.count())
        .where(OutboxMessage.event_id == event.id)
        .group_by(OutboxMessage.kind, OutboxMessage.status)
    )
    totals: dict[str, dict[OutboxStatus, int]] = defaultdict(dict)
    for kind, status, count in rows:
        totals[kind][status] = int(count)
    for kind, by_status in totals.items():
        counts[kind] = KindCount(kind, kind_label(kind), by_status)
    return sorted(counts.values(), key=lambda c: (-c.total, c.label.casefold()))


def _is_private(url: str) -> bool:
    """Whether `url` is an address of this site whose route takes a token (a private link)."""
    base = urlsplit(current_app.config["PUBLIC_BASE_URL"].rstrip("/"))
    parts = urlsplit(url)
    if parts.netloc != base.netloc:
        return False
    adapter = current_app.url_map.bind(base.netloc, script_name=base.path or "/", url_scheme=base.scheme)
    try:
        _endpoint, values = adapter.match(parts.path, method="GET")
    except HTTPException:
        return False
    return "token" in values


def hide_private_links(body: str) -> str:
    """`body` with every private link of this site replaced by a placeholder."""
    placeholder = _("[private link, not shown]")
    return _URL.sub(lambda m: placeholder if _is_private(m.group(0)) else m.group(0), body)
