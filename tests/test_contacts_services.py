"""Contacts, lists, imports and erasure at the service layer."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from seminar_app.campaigns.models import Campaign, Invitation
from seminar_app.campaigns.tokens import give_link
from seminar_app.contacts import import_services, queries, services
from seminar_app.contacts.imports import guess_mapping, read_table
from seminar_app.contacts.models import Contact, ContactList, email_hash
from seminar_app.contacts.suppression import suppress, suppression_for
from seminar_app.enums import InvitationStatus, LegalBasis, OutboxStatus, Role, SuppressionReason
from seminar_app.errors import DomainError, ValidationFailed
from seminar_app.extensions import db
from seminar_app.mail.models import OutboxMessage
from seminar_app.mail.services import queue_mail

BASIS = LegalBasis.LEGITIMATE_INTEREST.value


@pytest.fixture
def partner(make_partner):  # type: ignore[no-untyped-def]
    return make_partner()


@pytest.fixture
def actor(make_user, partner):  # type: ignore[no-untyped-def]
    return make_user(Role.ORGANISER, partners=[partner], name="Rita Organiser")


def test_hand_contact_is_stored_lower_case_with_a_default_source(partner, actor) -> None:
    contact = services.create_contact(
        partner, services.ContactInput(email=" Ana@Example.ORG ", legal_basis=BASIS, name="Ana"), actor=actor
    )
    assert contact.email == "ana@example.org"
    assert contact.source == "Added by hand by Rita Organiser"


def test_an_address_already_in_the_contacts_is_refused_whatever_its_case(partner, actor) -> None:
    services.create_contact(partner, services.ContactInput(email="ana@example.org", legal_basis=BASIS), actor=actor)
    with pytest.raises(ValidationFailed) as caught:
        services.create_contact(partner, services.ContactInput(email="ANA@example.org", legal_basis=BASIS), actor=actor)
    assert caught.value.errors["email"] == ["This address is already in your contacts."]


def test_bad_fields_are_all_reported(partner, actor) -> None:
    with pytest.raises(ValidationFailed) as caught:
        services.create_contact(
            partner,
            services.ContactInput(email="foo@", legal_basis="", country="XX", stakeholder_group="spies"),
            actor=actor,
        )
    assert set(caught.value.errors) == {"email", "legal_basis", "country", "stakeholder_group"}


def test_lists_rename_delete_keep_contacts(partner, actor, make_partner) -> None:
    contact_list = services.create_list(partner, "Conference 2024", actor=actor)
    other = make_partner(partner.project)
    foreign = Contact(partner=other, email="x@other.example", legal_basis=LegalBasis.CONSENT)
    contact = Contact(partner=partner, email="ana@example.org", legal_basis=LegalBasis.CONSENT)
    db.session.add_all([foreign, contact])
    db.session.commit()
    assert services.add_to_list(contact_list, [contact.id, foreign.id], actor=actor) == 1
    assert queries.partner_lists(partner) == [(contact_list, 1)]
    with pytest.raises(ValidationFailed):
        services.create_list(partner, "conference 2024", actor=actor)
    services.rename_list(contact_list, "Conference", actor=actor)
    services.remove_from_list(contact_list, contact, actor=actor)
    assert queries.partner_lists(partner) == [(contact_list, 0)]
    services.delete_list(contact_list, actor=actor)
    assert db.session.scalars(select(Contact.email).where(Contact.partner_id == partner.id)).all() == [
        "ana@example.org"
    ]


def test_contacts_for_campaign_filters_by_list_and_fields(partner, actor) -> None:
    a = Contact(partner=partner, email="a@example.org", country="PT", language="pt", legal_basis=LegalBasis.CONSENT)
    b = Contact(partner=partner, email="b@example.org", country="ES", language="es", legal_basis=LegalBasis.CONSENT)
    db.session.add_all([a, b, ContactList(partner=partner, name="L", contacts=[a, b])])
    db.session.commit()
    list_id = db.session.scalar(select(ContactList.id))
    found = queries.contacts_for_campaign(partner, list_ids=[list_id], groups=[], countries=["ES"], languages=[])
    assert [c.email for c in found] == ["b@example.org"]
    assert len(queries.contacts_for_campaign(partner, list_ids=[], groups=[], countries=[], languages=[])) == 2


def _import(partner, actor, data: bytes, **settings):  # type: ignore[no-untyped-def]
    table = read_table(data)
    values = {"list_id": None, "new_list_name": "Imported", "source": "Conference 2024", "legal_basis": BASIS}
    values.update(settings)
    return import_services.apply_import(
        partner, table, guess_mapping(table.headers), import_services.ImportSettings(**values), actor=actor
    )


def test_import_merges_into_existing_contacts_and_flags_suppressed(partner, actor) -> None:
    services.create_contact(
        partner, services.ContactInput(email="ana@example.org", legal_basis=BASIS, name="Ana"), actor=actor
    )
    suppress(partner.project_id, "gone@example.org", SuppressionReason.UNSUBSCRIBED)
    db.session.commit()
    data = b"Name,Email,Organisation\nAna Other,ANA@example.org,DGRSP\nG,gone@example.org,\nNew,new@example.org,\n"
    table = read_table(data)
    preview = import_services.preview_import(partner, table, guess_mapping(table.headers))
    assert [m.changes for m in preview.merged] == [["Organisation"]]
    assert [c.email for c in preview.suppressed] == ["gone@example.org"]
    assert db.session.scalar(select(ContactList.id)) is None  # nothing saved by the preview
    done = _import(partner, actor, data)
    assert (len(done.new), len(done.merged), done.list_name) == (2, 1, "Imported")
    ana = db.session.scalar(select(Contact).where(Contact.email == "ana@example.org"))
    assert (ana.name, ana.organisation, ana.source) == ("Ana", "DGRSP", "Added by hand by Rita Organiser")
    assert queries.partner_lists(partner)[0][1] == 3


def test_erase_address_removes_it_everywhere_and_suppresses_it(partner, actor, make_partner, make_event) -> None:
    other = make_partner(partner.project)
    for p in (partner, other):
        db.session.add(Contact(partner=p, email="ana@example.org", name="Ana", legal_basis=LegalBasis.CONSENT))
    event = make_event(partner)
    invitation = Invitation(
        campaign=Campaign(event=event),
        event_id=event.id,
        email="ana@example.org",
        email_hash=email_hash("ana@example.org"),
        name="Ana",
        organisation="DGRSP",
        country="PT",
        status=InvitationStatus.REGISTERED,
    )
    give_link(invitation)
    db.session.add(invitation)
    message = queue_mail(
        kind="invitation", to_address="ana@example.org", subject="Hello Ana", body_text="Dear Ana", event_id=event.id
    )
    db.session.commit()

    services.erase_address(partner.project, "ANA@example.org", actor=actor)

    assert db.session.scalar(select(Contact).where(Contact.email == "ana@example.org")) is None
    invitation = db.session.get(Invitation, invitation.id)
    assert (invitation.email, invitation.name, invitation.organisation, invitation.link_salt) == (None, "", "", None)
    assert (invitation.status, invitation.country, invitation.erased_at is not None) == (
        InvitationStatus.REGISTERED,
        "PT",
        True,
    )
    message = db.session.get(OutboxMessage, message.id)
    assert (message.status, message.to_address, message.body_text, message.last_error) == (
        OutboxStatus.FAILED,
        "",
        "",
        "erased on request",
    )
    assert suppression_for(partner.project_id, "ana@example.org").reason is SuppressionReason.ERASED


def test_an_erased_address_does_not_come_back_through_an_import(partner, actor, make_partner, make_user) -> None:
    services.erase_address(partner.project, "ana@example.org", actor=actor)
    data = b"Name,Email,Organisation\nAna Sousa,ana@example.org,DGRSP\nBo,bo@example.org,\nA. Sousa,ANA@example.org,\n"
    table = read_table(data)
    preview = import_services.preview_import(partner, table, guess_mapping(table.headers))
    assert preview.erased_lines == [2, 4]
    assert [c.email for c in preview.new] == ["bo@example.org"]
    assert (preview.suppressed, preview.duplicates, preview.merged) == ([], [], [])
    done = _import(partner, actor, data)
    assert [c.email for c in done.new] == ["bo@example.org"]
    assert db.session.scalar(select(Contact).where(Contact.email == "ana@example.org")) is None
    other = make_partner(partner.project)  # the erasure holds for every partner of the project
    with pytest.raises(DomainError, match="No row of this file can be imported"):
        _import(other, make_user(Role.ORGANISER, partners=[other]), b"Email\nana@example.org\n")
    assert db.session.scalar(select(Contact).where(Contact.email == "ana@example.org")) is None


def test_an_erased_address_cannot_be_added_or_set_by_hand(partner, actor) -> None:
    services.erase_address(partner.project, "ana@example.org", actor=actor)
    with pytest.raises(ValidationFailed) as caught:
        services.create_contact(partner, services.ContactInput(email="Ana@example.org", legal_basis=BASIS), actor=actor)
    assert caught.value.errors["email"] == [
        "This person asked for their data to be erased: the address cannot be added."
    ]
    bo = services.create_contact(partner, services.ContactInput(email="bo@example.org", legal_basis=BASIS), actor=actor)
    with pytest.raises(ValidationFailed):
        services.update_contact(bo, services.ContactInput(email="ana@example.org", legal_basis=BASIS), actor=actor)
    suppress(partner.project_id, "gone@example.org", SuppressionReason.UNSUBSCRIBED)
    db.session.commit()
    gone = services.create_contact(
        partner, services.ContactInput(email="gone@example.org", legal_basis=BASIS), actor=actor
    )
    assert gone.id is not None  # an unsubscribed address may be kept, it is never invited


def test_erase_refuses_a_malformed_address(partner, actor) -> None:
    with pytest.raises(ValidationFailed) as caught:
        services.erase_address(partner.project, "not an address", actor=actor)
    assert "address" in caught.value.errors


def test_a_file_may_name_a_group_as_the_organiser_reads_it_in_their_language(partner) -> None:
    from seminar_app import i18n

    data = (
        "Nome,Email,Grupo\n"
        "Ana,ana@example.org,Profissionais prisionais e de reinserção\n"
        "Bo,bo@example.org,Researchers\n"
    )
    table = read_table(data.encode())
    with i18n.force_language("pt"):
        preview = import_services.preview_import(partner, table, guess_mapping(table.headers))
    assert [c.stakeholder_group for c in preview.new] == ["prison_probation", "researchers"]
