"""The outbox as the sender sends it: a new registration's mail is written by the sender
(issue 18), so a test reading mail bodies without running the sender writes it first."""

from __future__ import annotations

from seminar_app.extensions import db
from seminar_app.mail.services import write_deferred


def write_pending_mail() -> None:
    """Write every deferred mail's subject, bodies and calendar, as the sender would, and commit."""
    write_deferred()
    db.session.commit()
