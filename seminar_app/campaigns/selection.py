"""Who a campaign would invite: the partner's contacts on the chosen lists, narrowed by the
filters, each address once, without the people who must not or need not be invited.

Read-only. The same function serves the preview and `services.start_campaign`, so what
the organiser confirms is what is created (the count is checked again at the start).
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import func, select

from seminar_app import i18n
from seminar_app.campaigns.models import Invitation
from seminar_app.contacts.models import Contact, ContactList, contact_list_member, email_hash, normalise_email
from seminar_app.contacts.queries import contacts_for_campaign
from seminar_app.contacts.suppression import suppressed_hashes
from seminar_app.enums import RegistrationStatus
from seminar_app.events.models import Event
from seminar_app.extensions import db
from seminar_app.projects.models import Partner
from seminar_app.registration.models import Registration

# Why an address of the chosen lists is left out, in the order the reasons are checked
# (an address is counted under the first reason that applies).
DUPLICATE = "duplicate"
SUPPRESSED = "suppressed"
REGISTERED = "registered"
INVITED = "invited"
REASONS = (DUPLICATE, SUPPRESSED, REGISTERED, INVITED)


@dataclass(frozen=True)
class Criteria:
    """The lists and filters an organiser chose (an empty filter means "any")."""

    list_ids: tuple[int, ...]
    groups: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()

    def to_json(self) -> str:
        return json.dumps(
            {
                "list_ids": list(self.list_ids),
                "groups": list(self.groups),
                "countries": list(self.countries),
                "languages": list(self.languages),
            }
        )

    @classmethod
    def from_json(cls, text: str) -> Criteria:
        data = json.loads(text or "{}")
        return cls(
            list_ids=tuple(int(i) for i in data.get("list_ids", ())),
            groups=tuple(data.get("groups", ())),
            countries=tuple(data.get("countries", ())),
            languages=tuple(data.get("languages", ())),
        )


@dataclass(frozen=True)
class Recipient:
    """One address to invite, with the contact it comes from and its mail language."""

    contact: Contact
    email: str
    email_hash: str
    language: str


@dataclass
class Selection:
    recipients: list[Recipient] = field(default_factory=list)
    left_out: dict[str, int] = field(default_factory=lambda: dict.fromkeys(REASONS, 0))

    @property
    def count(self) -> int:
        return len(self.recipients)

    @property
    def by_language(self) -> dict[str, int]:
        """Recipients per mail language, the most common first."""
        return dict(Counter(r.language for r in self.recipients).most_common())

    @property
    def left_out_total(self) -> int:
        return sum(self.left_out.values())


def mail_language(event: Event, contact_language: str | None) -> str:
    """The contact's language when the interface has it, else the event's, else English."""
    languages = i18n.offered_languages()
    if contact_language and contact_language in languages:
        return contact_language
    return event.language if event.language in languages else "en"


def _contacts(partner: Partner, criteria: Criteria) -> list[Contact]:
    return contacts_for_campaign(
        partner,
        list_ids=list(criteria.list_ids),
        groups=list(criteria.groups),
        countries=list(criteria.countries),
        languages=list(criteria.languages),
    )


def _memberships(partner: Partner, criteria: Criteria) -> dict[int, int]:
    """How many of the chosen lists each contact is on (a contact on two lists is one duplicate)."""
    rows = db.session.execute(
        select(contact_list_member.c.contact_id, func.count())
        .join(ContactList, ContactList.id == contact_list_member.c.list_id)
        .where(ContactList.partner_id == partner.id, ContactList.id.in_(criteria.list_ids))
        .group_by(contact_list_member.c.contact_id)
    )
    return dict(rows.tuples().all())


def registered_addresses(event: Event) -> set[str]:
    """The addresses (normalised) of everyone registered for `event` and not cancelled."""
    rows = db.session.scalars(
        select(Registration.email).where(
            Registration.event_id == event.id,
            Registration.status != RegistrationStatus.CANCELLED,
            Registration.email.is_not(None),
        )
    )
    return {normalise_email(email) for email in rows if email}


def invited_hashes(event: Event) -> set[str]:
    """The address fingerprints an earlier campaign of `event` already invited."""
    return set(db.session.scalars(select(Invitation.email_hash).where(Invitation.event_id == event.id)))


def select_recipients(event: Event, criteria: Criteria) -> Selection:
    """The recipients `criteria` give for `event`, and how many were left out and why.

    Left out: an address seen before (on another list, or another contact with the same
    address in another case), one on the project's suppression list, one registered for
    the event (any status but cancelled), one invited by an earlier campaign of the event.
    A bounded number of queries, whatever the size of the lists."""
    selection = Selection()
    if not criteria.list_ids:
        return selection
    partner = event.partner
    contacts = _contacts(partner, criteria)
    memberships = _memberships(partner, criteria)
    seen: set[str] = set()
    unique: list[tuple[Contact, str, str]] = []
    for contact in contacts:
        selection.left_out[DUPLICATE] += max(memberships.get(contact.id, 1) - 1, 0)
        address = normalise_email(contact.email)
        if not address or address in seen:
            selection.left_out[DUPLICATE] += 1
            continue
        seen.add(address)
        unique.append((contact, address, email_hash(address)))
    suppressed = suppressed_hashes(partner.project_id, [h for _c, _a, h in unique])
    registered = registered_addresses(event)
    invited = invited_hashes(event)
    for contact, address, fingerprint in unique:
        if fingerprint in suppressed:
            selection.left_out[SUPPRESSED] += 1
        elif address in registered:
            selection.left_out[REGISTERED] += 1
        elif fingerprint in invited:
            selection.left_out[INVITED] += 1
        else:
            selection.recipients.append(
                Recipient(contact, address, fingerprint, mail_language(event, contact.language))
            )
    return selection
