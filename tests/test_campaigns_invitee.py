"""The invitee's answers at the service layer: registration marks the invitation, "I cannot
come", unsubscribe, and the personal registration link's checks."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from seminar_app.campaigns import responses
from seminar_app.campaigns.models import Campaign, Invitation
from seminar_app.campaigns.tokens import give_link, invitation_token
from seminar_app.contacts.models import Suppression, email_hash
from seminar_app.db_types import utcnow
from seminar_app.enums import AttendanceMode, InvitationStatus, SuppressionReason
from seminar_app.events.models import Event
from seminar_app.extensions import db
from seminar_app.registration import services as registration_services
from seminar_app.registration.services import RegistrationInput

I = InvitationStatus  # noqa: E741


def invite(event: Event, email: str = "maria.invitee@probation.example", **overrides: str) -> tuple[Invitation, str]:
    """An invitation of `email` to `event`, as a campaign would have created it, and its token."""
    values = {
        "name": "Maria Invitee",
        "organisation": "Probation Service of Porto",
        "country": "PT",
        "stakeholder_group": "prison_probation",
        "language": "pt",
    }
    values.update(overrides)
    campaign = Campaign(event=event)
    invitation = Invitation(campaign=campaign, event_id=event.id, email=email, email_hash=email_hash(email), **values)
    give_link(invitation)
    db.session.add_all([campaign, invitation])
    db.session.commit()
    return invitation, invitation_token(invitation)


def start_now(event: Event) -> Event:
    """Move the event so that it started an hour ago and is still running."""
    event.starts_at = utcnow() - timedelta(hours=1)
    event.ends_at = utcnow() + timedelta(hours=2)
    db.session.commit()
    return event


def register(event: Event, email: str) -> None:
    registration_services.register(
        event,
        RegistrationInput(name="Maria", email=email, mode=AttendanceMode.ONSITE, privacy_acknowledged=True),
    )


def suppressions() -> int:
    return db.session.scalar(select(func.count()).select_from(Suppression)) or 0


@pytest.fixture
def event(make_event):  # type: ignore[no-untyped-def]
    return make_event(slug="mentoring")


# --- registration marks the invitation -----------------------------------------------------


def test_a_new_registration_with_the_invited_address_marks_the_invitation_registered(event) -> None:
    invitation, _token = invite(event)
    other, _ = invite(event, email="someone.else@example.org")

    register(event, "  Maria.Invitee@Probation.example ")

    db.session.refresh(invitation)
    db.session.refresh(other)
    assert invitation.status is I.REGISTERED and invitation.registration_id is not None
    assert invitation.responded_at is not None
    assert other.status is I.INVITED, "only the same address is marked"


def test_only_the_invitation_to_the_same_event_is_marked(event, make_event) -> None:
    elsewhere, _ = invite(make_event(event.partner, slug="other"))
    register(event, "maria.invitee@probation.example")
    db.session.refresh(elsewhere)
    assert elsewhere.status is I.INVITED


def test_a_later_cancellation_keeps_the_conversion(event) -> None:
    invitation, _ = invite(event)
    register(event, "maria.invitee@probation.example")
    db.session.refresh(invitation)
    registration_services.cancel_registration(
        db.session.get(registration_services.Registration, invitation.registration_id)
    )
    db.session.refresh(invitation)
    assert invitation.status is I.REGISTERED


def test_a_declined_or_unsubscribed_invitee_who_registers_becomes_registered_and_stays_suppressed(event) -> None:
    declined, _ = invite(event)
    unsubscribed, _ = invite(event, email="rui@example.org")
    responses.decline_invitation(declined)
    responses.unsubscribe_invitee(unsubscribed)

    register(event, "maria.invitee@probation.example")
    register(event, "rui@example.org")

    db.session.refresh(declined)
    db.session.refresh(unsubscribed)
    assert (declined.status, unsubscribed.status) == (I.REGISTERED, I.REGISTERED)
    assert responses.current_suppression(unsubscribed) is not None, "the address stays on the suppression list"


# --- the personal registration link --------------------------------------------------------


def test_the_link_is_checked_against_the_event_and_its_date(event, make_event) -> None:
    invitation, token = invite(event)
    other = make_event(event.partner, slug="other", title="Workshop on risk assessment")
    event.title = "Seminar on mentoring"
    db.session.commit()

    assert responses.invitation_for_registration(event, token) is invitation
    with pytest.raises(responses.InvitationForAnotherEvent, match="Seminar on mentoring") as foreign:
        responses.invitation_for_registration(other, token)
    assert foreign.value.event is event
    with pytest.raises(responses.UnknownInvitation, match="does not work"):
        responses.invitation_for_registration(event, token[:-2])
    with pytest.raises(responses.InvitationExpired, match="already taken place"):
        responses.invitation_for_registration(start_now(event), token)


def test_an_erased_invitation_is_like_an_unknown_one(event) -> None:
    invitation, token = invite(event)
    invitation.erased_at = utcnow()
    invitation.email = None
    db.session.commit()
    assert responses.find_invitation(token) is None
    with pytest.raises(responses.UnknownInvitation):
        responses.invitation_for_registration(event, token)


# --- "I cannot come" and unsubscribe -------------------------------------------------------


def test_declining_once_then_again_changes_nothing_more(event) -> None:
    invitation, _ = invite(event)
    responses.decline_invitation(invitation)
    first_answer = invitation.responded_at
    assert invitation.status is I.DECLINED and first_answer is not None

    with pytest.raises(responses.AlreadyAnswered, match="already told us you cannot come"):
        responses.decline_invitation(invitation, now=utcnow() + timedelta(days=1))
    assert invitation.responded_at == first_answer


def test_a_registered_invitee_is_sent_to_their_confirmation_mail_to_cancel(event) -> None:
    invitation, _ = invite(event)
    register(event, "maria.invitee@probation.example")
    db.session.refresh(invitation)
    with pytest.raises(responses.AlreadyAnswered, match="confirmation e-mail"):
        responses.decline_invitation(invitation)
    assert invitation.status is I.REGISTERED


def test_declining_after_the_event_has_started_is_refused(event) -> None:
    invitation, _ = invite(start_now(event))
    with pytest.raises(responses.InvitationExpired):
        responses.decline_invitation(invitation)
    assert invitation.status is I.INVITED


def test_unsubscribing_suppresses_the_address_for_the_whole_project(event, make_event, make_partner) -> None:
    invitation, _ = invite(event)
    same_project = make_event(make_partner(event.project), slug="other")
    second, _ = invite(same_project, email="MARIA.invitee@probation.example")

    entry = responses.unsubscribe_invitee(invitation)

    assert (entry.project_id, entry.reason) == (event.project.id, SuppressionReason.UNSUBSCRIBED)
    assert invitation.status is I.UNSUBSCRIBED and invitation.responded_at is not None
    with pytest.raises(responses.AlreadyUnsubscribed, match="already unsubscribed"):
        responses.unsubscribe_invitee(second)
    assert second.status is I.INVITED and suppressions() == 1


def test_unsubscribing_works_after_the_event_and_keeps_a_registration(make_event) -> None:
    event = make_event(days_ahead=-10)
    invitation, _ = invite(event)
    invitation.status = I.REGISTERED
    db.session.commit()

    responses.unsubscribe_invitee(invitation)

    assert invitation.status is I.REGISTERED
    assert suppressions() == 1
