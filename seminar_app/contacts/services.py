"""Contacts and lists written by hand, and erasure of an address on request. (Imports from
files are in `import_services`.)"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from seminar_app.accounts.models import User
from seminar_app.campaigns.retention import forget_invitees
from seminar_app.contacts.models import Contact, ContactList, contact_list_member, normalise_email
from seminar_app.contacts.suppression import is_erased, suppress
from seminar_app.enums import LegalBasis, SuppressionReason
from seminar_app.errors import Conflict, ValidationFailed
from seminar_app.events.models import Event
from seminar_app.extensions import db
from seminar_app.geo import EVENT_LANGUAGES, is_country
from seminar_app.projects.models import Partner, Project
from seminar_app.validation import FieldErrors, is_email

LIST_NAME_MAX = 120


@dataclass
class ContactInput:
    email: str
    legal_basis: str
    name: str = ""
    organisation: str = ""
    country: str = ""
    stakeholder_group: str = ""
    language: str = ""
    source: str = ""
    list_ids: list[int] = field(default_factory=list)


def _duplicate_address() -> ValidationFailed:
    return ValidationFailed({"email": [_("This address is already in your contacts.")]})


def _check_contact(partner: Partner, data: ContactInput, *, contact_id: int | None) -> str:
    errors = FieldErrors()
    address = normalise_email(data.email)
    if not address:
        errors.add("email", _("Enter the e-mail address."))
    elif len(address) > 254 or not is_email(address):
        errors.add("email", _("Enter a valid e-mail address, like name@example.org."))
    else:
        taken = select(Contact.id).where(Contact.partner_id == partner.id, Contact.email == address)
        if contact_id is not None:
            taken = taken.where(Contact.id != contact_id)
        if db.session.scalar(taken) is not None:
            errors.add("email", _("This address is already in your contacts."))
        elif is_erased(partner.project_id, address):
            errors.add("email", _("This person asked for their data to be erased: the address cannot be added."))
    errors.limit("name", data.name, 200)
    errors.limit("organisation", data.organisation, 200)
    errors.limit("source", data.source, 200)
    if data.country and not is_country(data.country):
        errors.add("country", _("Choose a country from the list."))
    if data.stakeholder_group and data.stakeholder_group not in {g.code for g in partner.project.stakeholder_groups}:
        errors.add("stakeholder_group", _("Choose one of the project's stakeholder groups."))
    if data.language and data.language not in EVENT_LANGUAGES:
        errors.add("language", _("Choose a language from the list."))
    if data.legal_basis not in {b.value for b in LegalBasis}:
        errors.add("legal_basis", _("Choose the legal basis on which you hold this contact."))
    errors.raise_if_any()
    return address


def _apply_contact(contact: Contact, data: ContactInput, address: str, actor: User) -> None:
    contact.email = address
    contact.name = " ".join(data.name.split())
    contact.organisation = data.organisation.strip()
    contact.country = data.country.upper()
    contact.stakeholder_group = data.stakeholder_group
    contact.language = data.language
    contact.source = data.source.strip() or _("Added by hand by %(name)s", name=actor.name)[:200]
    contact.legal_basis = LegalBasis(data.legal_basis)
    wanted = set(data.list_ids)
    contact.lists = list(
        db.session.scalars(
            select(ContactList).where(ContactList.partner_id == contact.partner_id, ContactList.id.in_(wanted))
        )
    )


def _commit_contact() -> None:
    try:
        db.session.commit()
    except IntegrityError:  # the same address saved by a parallel request a moment ago
        db.session.rollback()
        raise _duplicate_address() from None


def create_contact(partner: Partner, data: ContactInput, *, actor: User) -> Contact:
    """Add a contact by hand, on the chosen lists of the same partner (other ids are
    ignored). The address is stored trimmed and lower-cased and is unique per partner.
    Raises `ValidationFailed` for a missing, malformed or already present address, one
    whose data was erased on request, an unknown country, group or language, or a
    missing legal basis."""
    address = _check_contact(partner, data, contact_id=None)
    contact = Contact(partner=partner, email=address, legal_basis=LegalBasis.CONSENT)
    db.session.add(contact)
    _apply_contact(contact, data, address, actor)
    _commit_contact()
    return contact


def update_contact(contact: Contact, data: ContactInput, *, actor: User) -> Contact:
    """Change a contact (lists included). Raises `ValidationFailed` as `create_contact`."""
    address = _check_contact(contact.partner, data, contact_id=contact.id)
    _apply_contact(contact, data, address, actor)
    _commit_contact()
    return contact


def delete_contact(contact: Contact, *, actor: User) -> None:
    """Delete a contact and its list memberships. Invitations already sent keep their
    copy (an erasure on request is `erase_address`)."""
    db.session.delete(contact)
    db.session.commit()


def _check_list_name(partner: Partner, name: str, *, list_id: int | None) -> str:
    name = " ".join(name.split())
    errors = FieldErrors()
    errors.require("name", name, _("Give the list a name."), max_length=LIST_NAME_MAX)
    errors.raise_if_any()
    taken = select(ContactList.id).where(
        ContactList.partner_id == partner.id, func.lower(ContactList.name) == name.lower()
    )
    if list_id is not None:
        taken = taken.where(ContactList.id != list_id)
    if db.session.scalar(taken) is not None:
        errors.add("name", _("You already have a list with this name."))
    errors.raise_if_any()
    return name


def create_list(partner: Partner, name: str, *, actor: User, commit: bool = True) -> ContactList:
    """A new empty list of the partner. Raises `ValidationFailed` (field "name") for an
    empty or too long name or one the partner already uses. With `commit=False` the list
    is only added to the caller's transaction."""
    contact_list = ContactList(partner=partner, name=_check_list_name(partner, name, list_id=None))
    contact_list.created_by_id = actor.id
    db.session.add(contact_list)
    if commit:
        db.session.commit()
    return contact_list


def rename_list(contact_list: ContactList, name: str, *, actor: User) -> ContactList:
    """Rename a list. Raises `ValidationFailed` as `create_list`."""
    contact_list.name = _check_list_name(contact_list.partner, name, list_id=contact_list.id)
    db.session.commit()
    return contact_list


def delete_list(contact_list: ContactList, *, actor: User) -> None:
    """Delete a list; its contacts stay in the partner's contacts."""
    db.session.execute(delete(contact_list_member).where(contact_list_member.c.list_id == contact_list.id))
    db.session.delete(contact_list)
    db.session.commit()


def add_to_list(contact_list: ContactList, contact_ids: list[int], *, actor: User) -> int:
    """Put the partner's contacts among `contact_ids` on the list (other partners' ids
    and contacts already on it are skipped). Returns how many were added."""
    already = select(contact_list_member.c.contact_id).where(contact_list_member.c.list_id == contact_list.id)
    new_ids = list(
        db.session.scalars(
            select(Contact.id).where(
                Contact.partner_id == contact_list.partner_id,
                Contact.id.in_(set(contact_ids)),
                Contact.id.not_in(already),
            )
        )
    )
    if new_ids:
        db.session.execute(
            contact_list_member.insert(), [{"list_id": contact_list.id, "contact_id": i} for i in new_ids]
        )
    db.session.commit()
    return len(new_ids)


def remove_from_list(contact_list: ContactList, contact: Contact, *, actor: User) -> None:
    """Take a contact off a list (the contact stays)."""
    db.session.execute(
        delete(contact_list_member).where(
            contact_list_member.c.list_id == contact_list.id, contact_list_member.c.contact_id == contact.id
        )
    )
    db.session.commit()


def erase_address(project: Project, address: str, *, actor: User) -> None:
    """Erase what the project holds about an address, at the person's request, in one
    transaction: every partner's contact with that address is deleted; the project's
    invitations to it keep only their answer, group, country and language (name, address,
    organisation and personal link are blanked); invitation mail to it is blanked (and
    mail still queued is cancelled); the address goes on the project's suppression list
    so no campaign invites it again. Raises `ValidationFailed` (field "address") for a
    malformed address; an address the project never held is still suppressed."""
    address = normalise_email(address)
    if not address or len(address) > 254 or not is_email(address, sendable=False):
        raise ValidationFailed({"address": [_("Enter a valid e-mail address, like name@example.org.")]})
    partner_ids = select(Partner.id).where(Partner.project_id == project.id)
    for contact in db.session.scalars(
        select(Contact).where(Contact.partner_id.in_(partner_ids), func.lower(Contact.email) == address)
    ):
        db.session.delete(contact)
    event_ids = select(Event.id).where(Event.partner_id.in_(partner_ids))
    forget_invitees(event_ids, address=address, reason="erased on request")
    suppress(project.id, address, SuppressionReason.ERASED)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise Conflict(_("The address could not be erased because of a parallel change. Try again.")) from None
    db.session.expire_all()
