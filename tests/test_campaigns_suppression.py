"""The suppression list across the whole life of an address: someone unsubscribes from one
partner's invitation, the contact is deleted, the same address comes back in an import,
and no later campaign of the project (any partner, any event) writes to it."""

from __future__ import annotations

from sqlalchemy import select

from seminar_app.campaigns import responses
from seminar_app.campaigns.models import Invitation
from seminar_app.campaigns.selection import Criteria, select_recipients
from seminar_app.campaigns.services import start_campaign
from seminar_app.contacts import services as contacts
from seminar_app.contacts.import_services import ImportSettings, apply_import
from seminar_app.contacts.imports import guess_mapping, read_table
from seminar_app.contacts.models import Contact, ContactList
from seminar_app.enums import InvitationStatus, Role
from seminar_app.extensions import db

CSV = b"email,name,organisation\nmaria@probation.example,Maria Lopes,Probation Porto\njoao@pj.example,Joao Reis,PJ\n"


def _import(partner, actor, list_name: str) -> ContactList:  # type: ignore[no-untyped-def]
    table = read_table(CSV)
    settings = ImportSettings(list_id=None, new_list_name=list_name, source="Conference 2025", legal_basis="consent")
    apply_import(partner, table, guess_mapping(table.headers), settings, actor=actor)
    return db.session.scalars(select(ContactList).where(ContactList.name == list_name)).one()


def test_an_unsubscribed_address_stays_out_after_deletion_and_reimport(make_event, make_partner, make_user) -> None:  # type: ignore[no-untyped-def]
    first_event = make_event(title="Seminar in Porto")
    partner = first_event.partner
    actor = make_user(Role.ORGANISER, partners=[partner])
    people = _import(partner, actor, "Conference")
    start_campaign(first_event, Criteria((people.id,)), actor=actor)
    maria = db.session.scalars(select(Invitation).where(Invitation.email == "maria@probation.example")).one()

    responses.unsubscribe_invitee(maria)
    contacts.delete_contact(
        db.session.scalars(select(Contact).where(Contact.email == "maria@probation.example")).one(), actor=actor
    )
    again = _import(partner, actor, "Conference again")

    assert db.session.scalar(select(Contact.id).where(Contact.email == "maria@probation.example")), "re-imported"
    next_event = make_event(partner, title="Workshop in Lisbon")
    selection = select_recipients(next_event, Criteria((again.id,)))
    assert [r.email for r in selection.recipients] == ["joao@pj.example"]
    assert selection.left_out["suppressed"] == 1

    # Another partner of the same project who holds the address is bound by it too.
    other = make_partner(partner.project)
    other_actor = make_user(Role.ORGANISER, partners=[other])
    theirs = _import(other, other_actor, "Their list")
    their_event = make_event(other, title="Seminar in Rome")
    campaign = start_campaign(their_event, Criteria((theirs.id,)), actor=other_actor)
    assert [i.email for i in campaign.invitations] == ["joao@pj.example"]
    assert maria.status is InvitationStatus.UNSUBSCRIBED
