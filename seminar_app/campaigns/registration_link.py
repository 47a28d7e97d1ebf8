"""The personal registration link of an invitation, as the registration form reads it:
`/events/<slug>/register?invitation=<token>`. Kept here so that the registration area
only asks "which invitation, if any, and what is wrong with it"."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from flask import session

from seminar_app import i18n
from seminar_app.campaigns import responses
from seminar_app.campaigns.models import Invitation

if TYPE_CHECKING:
    from seminar_app.events.models import Event


@dataclass
class InvitationLink:
    """`invitation` is set for a working link to this event; otherwise `problem` (unknown or
    erased link, or one for `other_event`) or `expired` (the event has started) says why not."""

    token: str
    invitation: Invitation | None = None
    problem: str = ""
    other_event: Event | None = None
    expired: str = ""

    @classmethod
    def read(cls, event: Event, token: str | None) -> InvitationLink | None:
        """None when the address carries no `invitation` argument at all."""
        if token is None:
            return None
        try:
            invitation = responses.invitation_for_registration(event, token)
        except responses.InvitationExpired as exc:
            return cls(token, expired=exc.message)
        except responses.InvitationForAnotherEvent as exc:
            return cls(token, problem=exc.message, other_event=exc.event)
        except responses.UnknownInvitation as exc:
            return cls(token, problem=exc.message)
        return cls(token, invitation=invitation)

    @property
    def prefill(self) -> dict[str, Any]:
        """The registration form's fields as the invitation knows them. Consents are left
        out on purpose: each one stays unticked until the person ticks it."""
        invitation = self.invitation
        if invitation is None:
            return {}
        return {
            "name": invitation.name,
            "email": invitation.email,
            "organisation": invitation.organisation,
            "organisation_country": invitation.country.upper(),
            "stakeholder_group": invitation.stakeholder_group,
        }

    @property
    def language(self) -> str:
        """The registration's language: the one the visitor picked on the site, else the
        one they were invited in (their mails then continue in it, as soon as the interface
        speaks it), else the page's."""
        chosen = session.get("lang")
        if chosen in i18n.offered_languages():
            return str(chosen)
        if self.invitation is not None and i18n.is_shipped(self.invitation.language):
            return self.invitation.language
        return i18n.current_language()
