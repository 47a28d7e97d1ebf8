"""An organiser's decision that an attendee is not eligible for the funder (or is again).

Each decision is a new row, never an update: the ledger follows the newest, the page shows
them all. The reason is required, because the funder's auditor asks why a person who
signed the sheet is not in the figures. The audit entry names the registration by id and
leaves the reason out (it is free text an organiser may fill with a name)."""

from __future__ import annotations

from flask_babel import gettext as _

from seminar_app.accounts.models import User
from seminar_app.audit import services as audit
from seminar_app.audit.models import AuditAction
from seminar_app.errors import DomainError
from seminar_app.events.models import Event
from seminar_app.extensions import db
from seminar_app.funding.models import EligibilityDecision
from seminar_app.registration.models import Registration

REASON_MAX = 500


def _decide(
    event: Event, registration: Registration, reason: str, *, eligible: bool, actor: User | None
) -> EligibilityDecision:
    if registration.event_id != event.id:
        raise DomainError(_("This person is not registered for this event."), code="not_found")
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Say why: the reason is kept with the decision."), field="reason", code="reason_required")
    if len(reason) > REASON_MAX:
        raise DomainError(
            _("The reason is too long (at most %(max)d characters).", max=REASON_MAX), field="reason", code="too_long"
        )
    logged_in = actor is not None and getattr(actor, "is_authenticated", False)
    decision = EligibilityDecision(
        event_id=event.id,
        registration_id=registration.id,
        eligible=eligible,
        reason=reason,
        decided_by_id=actor.id if logged_in else None,  # type: ignore[union-attr]
    )
    db.session.add(decision)
    action = AuditAction.ELIGIBILITY_RESTORED if eligible else AuditAction.ELIGIBILITY_EXCLUDED
    audit.record(action, actor=actor, event=event, target_id=registration.id)
    db.session.commit()
    return decision


def mark_ineligible(
    event: Event, registration: Registration, reason: str, *, actor: User | None
) -> EligibilityDecision:
    """Exclude the attendee from the event's eligible participants, with the reason."""
    return _decide(event, registration, reason, eligible=False, actor=actor)


def mark_eligible_again(
    event: Event, registration: Registration, reason: str, *, actor: User | None
) -> EligibilityDecision:
    """Count the attendee again (the earlier decision stays in the history)."""
    return _decide(event, registration, reason, eligible=True, actor=actor)
