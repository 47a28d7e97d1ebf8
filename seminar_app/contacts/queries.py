"""Read-only questions about a partner's contacts, shared by the pages and campaigns."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, distinct, func, select
from sqlalchemy.orm import selectinload

from seminar_app import geo
from seminar_app.accounts.models import User
from seminar_app.contacts.models import Contact, ContactList, Suppression, contact_list_member, email_hash
from seminar_app.enums import Role, SuppressionReason
from seminar_app.extensions import db
from seminar_app.projects.models import Partner, Project
from seminar_app.textsearch import fold


@dataclass(frozen=True)
class ContactFilters:
    text: str = ""
    list_id: int | None = None
    group: str = ""
    country: str = ""
    language: str = ""


def contacts_query(partner: Partner, filters: ContactFilters) -> Select[tuple[Contact]]:
    """The partner's contacts matching `filters` (text in name, address or organisation,
    in any case, with or without accents, on every database), by name then address, with
    their lists loaded in one more query."""
    query = select(Contact).where(Contact.partner_id == partner.id).options(selectinload(Contact.lists))
    if filters.text.strip():
        query = query.where(Contact.search_text.contains(fold(filters.text.strip()), autoescape=True))
    if filters.list_id is not None:
        members = select(contact_list_member.c.contact_id).where(contact_list_member.c.list_id == filters.list_id)
        query = query.where(Contact.id.in_(members))
    for column, value in (
        (Contact.stakeholder_group, filters.group),
        (Contact.country, filters.country),
        (Contact.language, filters.language),
    ):
        if value:
            query = query.where(column == value)
    # Folded (no case, no accents), so "Ângela" sorts with the A's on every database.
    return query.order_by(Contact.search_text, Contact.email)


def suppression_reasons(project_id: int, contacts: list[Contact]) -> dict[int, SuppressionReason]:
    """For the contacts among `contacts` whose address is on the project's suppression
    list, why it is there (one query)."""
    hashes = {email_hash(c.email): c.id for c in contacts}
    if not hashes:
        return {}
    rows = db.session.execute(
        select(Suppression.email_hash, Suppression.reason).where(
            Suppression.project_id == project_id, Suppression.email_hash.in_(hashes)
        )
    )
    return {hashes[h]: reason for h, reason in rows}


@dataclass(frozen=True)
class ContactCounts:
    contacts: int
    lists: int
    suppressed_contacts: int
    suppressed_in_project: int


def contact_counts(partner: Partner) -> ContactCounts:
    """How many contacts and lists the partner has, how many of its contacts are on the
    suppression list, and how many addresses the project's list holds."""
    contacts = db.session.scalar(select(func.count()).where(Contact.partner_id == partner.id)) or 0
    lists = db.session.scalar(select(func.count()).where(ContactList.partner_id == partner.id)) or 0
    project_hashes = list(
        db.session.scalars(select(Suppression.email_hash).where(Suppression.project_id == partner.project_id))
    )
    suppressed = 0
    if project_hashes:
        wanted = set(project_hashes)
        suppressed = sum(
            1 for e in db.session.scalars(select(Contact.email).where(Contact.partner_id == partner.id))
            if email_hash(e) in wanted
        )  # fmt: skip
    return ContactCounts(contacts, lists, suppressed, len(project_hashes))


def filter_values(partner: Partner) -> tuple[list[str], list[str]]:
    """The countries and languages the partner's contacts have (for the filter selects)."""
    countries = db.session.scalars(
        select(distinct(Contact.country)).where(Contact.partner_id == partner.id, Contact.country != "")
    )
    languages = db.session.scalars(
        select(distinct(Contact.language)).where(Contact.partner_id == partner.id, Contact.language != "")
    )
    return geo.sorted_countries(countries), geo.sorted_languages(languages)


def partner_lists(partner: Partner) -> list[tuple[ContactList, int]]:
    """The partner's lists by name, each with its number of contacts (one query)."""
    count = func.count(contact_list_member.c.contact_id)
    query = (
        select(ContactList, count)
        .outerjoin(contact_list_member, contact_list_member.c.list_id == ContactList.id)
        .where(ContactList.partner_id == partner.id)
        .group_by(ContactList.id)
        .order_by(func.lower(ContactList.name), ContactList.id)
    )
    return [(contact_list, int(n)) for contact_list, n in db.session.execute(query)]


def contacts_for_campaign(
    partner: Partner, *, list_ids: list[int], groups: list[str], countries: list[str], languages: list[str]
) -> list[Contact]:
    """The partner's contacts on any of `list_ids` (every contact when empty) whose group,
    country and language are among the chosen ones (a filter left empty does not
    restrict), each once, by address, in one query (lists are not loaded). Suppressed
    addresses are included: the caller leaves them out (`suppression.suppressed_hashes`)."""
    query = select(Contact).where(Contact.partner_id == partner.id)
    if list_ids:
        members = select(contact_list_member.c.contact_id).where(contact_list_member.c.list_id.in_(list_ids))
        query = query.where(Contact.id.in_(members))
    if groups:
        query = query.where(Contact.stakeholder_group.in_(groups))
    if countries:
        query = query.where(Contact.country.in_(countries))
    if languages:
        query = query.where(Contact.language.in_(languages))
    return list(db.session.scalars(query.order_by(Contact.email)))


def contact_partners(user: User) -> list[Partner]:
    """The partners whose contacts `user` may use (all of them for an administrator)."""
    if user.role is Role.ADMIN:
        return list(db.session.scalars(select(Partner).join(Partner.project).order_by(Project.acronym, Partner.name)))
    return list(user.partners)


def may_erase_in(user: User, project: Project) -> bool:
    """Whether `user` may erase an address on a person's request in the project:
    administrators, its managers and the organisers of any of its partners (a person
    may ask any member of the consortium)."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.role is Role.ADMIN:
        return True
    if user.role is Role.MANAGER and any(p.id == project.id for p in user.projects):
        return True
    return any(p.project_id == project.id for p in user.partners)
