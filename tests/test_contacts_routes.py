"""Contacts pages: access, hand editing, lists, the import flow and erasure."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from seminar_app.contacts.models import Contact, ContactList
from seminar_app.enums import LegalBasis, Role
from seminar_app.extensions import db
from tests import xlsx_bombs

BASIS = LegalBasis.CONSENT.value


@pytest.fixture
def partner(make_partner):  # type: ignore[no-untyped-def]
    return make_partner()


@pytest.fixture
def organiser(client, login, make_user, partner):  # type: ignore[no-untyped-def]
    user = make_user(Role.ORGANISER, partners=[partner], name="Rita")
    login(user)
    return user


def _count() -> int:
    return db.session.scalar(select(func.count()).select_from(Contact)) or 0


def _upload(client, partner, data: bytes, filename: str = "list.csv", **fields):  # type: ignore[no-untyped-def]
    form = {"list_id": "", "new_list_name": "Conference", "source": "Conference 2024", "legal_basis": BASIS}
    form.update(fields)
    form["file"] = (io.BytesIO(data), filename)
    return client.post(f"/partners/{partner.id}/contacts/import", data=form, content_type="multipart/form-data")


def _payload(page: str) -> str:
    marker = 'name="payload" type="hidden" value="'
    start = page.index(marker) + len(marker) if marker in page else page.index('name="payload" value="') + 22
    return page[start : page.index('"', start)]


def test_contacts_link_leads_an_organiser_to_their_partner(client, organiser, partner) -> None:
    page = client.get("/").get_data(as_text=True)
    assert 'href="/contacts"' in page
    response = client.get("/contacts")
    assert response.headers["Location"].endswith(f"/partners/{partner.id}/contacts")


def test_add_edit_delete_a_contact_by_hand(client, organiser, partner) -> None:
    base = f"/partners/{partner.id}/contacts"
    assert "Added by hand by Rita" in client.get(f"{base}/new").get_data(as_text=True)
    data = {"email": "Ana@Example.org", "name": "Ana Sousa", "legal_basis": BASIS, "source": "", "country": "PT"}
    assert client.post(f"{base}/new", data=data).status_code == 302
    duplicate = client.post(f"{base}/new", data={**data, "email": "ana@example.org"})
    assert duplicate.status_code == 422
    assert "already in your contacts" in duplicate.get_data(as_text=True)
    page = client.get(f"{base}?q=sousa").get_data(as_text=True)
    assert "ana@example.org" in page and "Portugal" in page and "1 contact" in page
    contact = db.session.scalar(select(Contact))
    client.post(f"{base}/{contact.id}/edit", data={**data, "organisation": "DGRSP"})
    assert "DGRSP" in client.get(base).get_data(as_text=True)
    assert "Delete the contact" in client.get(f"{base}/{contact.id}/delete").get_data(as_text=True)
    assert _count() == 1
    client.post(f"{base}/{contact.id}/delete")
    assert _count() == 0


def test_list_create_add_rename_delete(client, organiser, partner) -> None:
    contact = Contact(partner=partner, email="ana@example.org", legal_basis=LegalBasis.CONSENT)
    db.session.add(contact)
    db.session.commit()
    response = client.post(f"/partners/{partner.id}/contact-lists", data={"name": "Researchers PT"})
    list_id = db.session.scalar(select(ContactList.id))
    assert response.headers["Location"].endswith(f"/contact-lists/{list_id}")
    client.post(f"/partners/{partner.id}/contacts/add-to-list", data={"list_id": list_id, "contact_ids": [contact.id]})
    page = client.get(f"/partners/{partner.id}/contact-lists/{list_id}").get_data(as_text=True)
    assert "ana@example.org" in page and "1 contact on this list" in page
    client.post(f"/partners/{partner.id}/contact-lists/{list_id}", data={"name": "Researchers"})
    assert "Researchers (1)" in client.get(f"/partners/{partner.id}/contacts").get_data(as_text=True)
    client.post(f"/partners/{partner.id}/contact-lists/{list_id}/delete")
    assert db.session.get(ContactList, list_id) is None and _count() == 1


def test_import_upload_preview_remap_confirm(client, organiser, partner) -> None:
    data = b"Who;Address;Org\nAna;ana@example.org;DGRSP\nBo;foo@;X\nAna;ANA@example.org;\n"
    response = _upload(client, partner, data)
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "choose the column that holds it" in page
    assert _count() == 0

    payload = _payload(page)
    mapping = {"payload": payload, "email": "1", "name": "0", "organisation": "2"}
    page = client.post(f"/partners/{partner.id}/contacts/import/preview", data=mapping).get_data(as_text=True)
    assert "line 3: &#39;foo@&#39; is not a valid e-mail address" in page
    assert "ana@example.org: lines 2, 4" in page and "Import 1 contact" in page
    assert _count() == 0  # nothing saved before the confirmation

    clash = client.post(f"/partners/{partner.id}/contacts/import/preview", data={**mapping, "organisation": "1"})
    assert clash.status_code == 422 and "already used" in clash.get_data(as_text=True)

    response = client.post(f"/partners/{partner.id}/contacts/import/confirm", data=mapping, follow_redirects=True)
    assert "Imported into “Conference”: 1 new contact" in response.get_data(as_text=True)
    contact = db.session.scalar(select(Contact))
    assert (contact.email, contact.organisation, contact.source) == ("ana@example.org", "DGRSP", "Conference 2024")


def test_upload_errors_are_shown_next_to_the_file(client, organiser, partner) -> None:
    response = _upload(client, partner, b"Name,Organisation\nAna,DGRSP\n")
    assert response.status_code == 422
    assert "This file has no column of e-mail addresses" in response.get_data(as_text=True)
    response = _upload(client, partner, b"Email\nana@example.org\n", new_list_name="")
    assert "Give the new list a name" in response.get_data(as_text=True)


def test_a_workbook_bomb_is_refused_with_a_clear_message(client, organiser, partner) -> None:
    response = _upload(client, partner, xlsx_bombs.shared_string_bomb(megabytes=60), filename="list.xlsx")
    assert response.status_code == 422
    assert "This workbook is too large to import" in response.get_data(as_text=True)
    assert _count() == 0 and db.session.scalar(select(ContactList.id)) is None


def test_forged_expired_or_foreign_payloads_are_refused(client, organiser, partner, make_partner, app) -> None:
    page = _upload(client, partner, b"Email\nana@example.org\n").get_data(as_text=True)
    payload = _payload(page)
    url = f"/partners/{partner.id}/contacts/import/confirm"
    forged = payload[:-3] + ("AAA" if not payload.endswith("AAA") else "BBB")
    response = client.post(url, data={"payload": forged, "email": "0"}, follow_redirects=True)
    assert "This preview has expired" in response.get_data(as_text=True) and _count() == 0
    from itsdangerous import URLSafeTimedSerializer

    from seminar_app.contacts import import_services

    other = make_partner(partner.project)
    organiser.partners.append(other)
    db.session.commit()
    response = client.post(f"/partners/{other.id}/contacts/import/confirm", data={"payload": payload, "email": "0"})
    assert response.status_code == 302 and _count() == 0
    old = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt="contacts-import")
    import time

    real_time = time.time
    try:
        time.time = lambda: real_time() - import_services.IMPORT_PREVIEW_MAX_AGE - 60  # type: ignore[assignment]
        expired = old.dumps(old.loads(payload))
    finally:
        time.time = real_time  # type: ignore[assignment]
    client.post(url, data={"payload": expired, "email": "0"})
    assert _count() == 0


@pytest.mark.parametrize("who", ["other_organiser", "manager"])
def test_contacts_are_invisible_to_other_partners_and_managers(client, login, make_user, make_partner, partner, who):  # type: ignore[no-untyped-def]
    contact = Contact(partner=partner, email="ana@example.org", legal_basis=LegalBasis.CONSENT)
    contact_list = ContactList(partner=partner, name="L", contacts=[contact])
    db.session.add(contact_list)
    db.session.commit()
    if who == "manager":
        login(make_user(Role.MANAGER, projects=[partner.project]))
    else:
        login(make_user(Role.ORGANISER, partners=[make_partner(partner.project)]))
    p, c, lst = partner.id, contact.id, contact_list.id
    urls = [
        f"/partners/{p}/contacts",
        f"/partners/{p}/contacts/new",
        f"/partners/{p}/contacts/{c}/edit",
        f"/partners/{p}/contacts/{c}/delete",
        f"/partners/{p}/contact-lists",
        f"/partners/{p}/contact-lists/{lst}",
        f"/partners/{p}/contact-lists/{lst}/delete",
        f"/partners/{p}/contacts/suppression",
        f"/partners/{p}/contacts/import",
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
        if not url.endswith(("/contacts", "/suppression")):  # GET-only pages
            assert client.post(url, data={"name": "x", "email": "x@example.org"}).status_code == 404, url
    for url in ("add-to-list", "import/preview", "import/confirm"):
        assert client.post(f"/partners/{p}/contacts/{url}").status_code == 404
    assert client.post(f"/partners/{p}/contact-lists/{lst}/contacts/{c}/remove").status_code == 404
    assert _count() == 1 and len(db.session.get(ContactList, lst).contacts) == 1


def test_erase_page_for_any_partner_of_the_project_without_naming_partners(
    client, login, make_user, make_partner, partner
) -> None:
    db.session.add(Contact(partner=partner, email="ana@example.org", legal_basis=LegalBasis.CONSENT))
    db.session.commit()
    login(make_user(Role.ORGANISER, partners=[make_partner(partner.project)]))
    url = f"/projects/{partner.project_id}/contacts/erase"
    assert client.post(url, data={"address": "ana@example.org"}).status_code == 422  # box not ticked
    assert _count() == 1
    page = client.post(url, data={"address": "ana@example.org", "confirm": "y"}, follow_redirects=True)
    text = page.get_data(as_text=True)
    assert "Any data the project held about this address has been erased" in text
    assert partner.name not in text and _count() == 0


def test_erase_page_is_hidden_from_other_projects(client, login, make_user, make_project, partner) -> None:
    login(make_user(Role.MANAGER, projects=[make_project()]))
    assert client.get(f"/projects/{partner.project_id}/contacts/erase").status_code == 404


def test_suppression_check(client, organiser, partner) -> None:
    from seminar_app.contacts.suppression import suppress
    from seminar_app.enums import SuppressionReason

    suppress(partner.project_id, "gone@example.org", SuppressionReason.UNSUBSCRIBED)
    db.session.commit()
    url = f"/partners/{partner.id}/contacts/suppression"
    assert "1 address of the project" in client.get(url).get_data(as_text=True)
    assert "is on the suppression list" in client.get(f"{url}?address=Gone@example.org").get_data(as_text=True)
    assert "is not on the suppression list" in client.get(f"{url}?address=x@example.org").get_data(as_text=True)


def test_an_erased_address_is_left_out_of_an_import_and_refused_by_hand(client, organiser, partner) -> None:
    from seminar_app.contacts import services

    services.erase_address(partner.project, "ana@example.org", actor=organiser)
    data = b"Name,Email,Organisation\nAna Sousa,ana@example.org,DGRSP\nBo Berg,bo@example.org,Uni\n"
    page = _upload(client, partner, data).get_data(as_text=True)
    assert 'id="count-erased">1<' in page and "Lines: 2." in page and 'id="count-new">1<' in page
    assert "ana@example.org" not in page and "Ana Sousa" not in page and "DGRSP" not in page
    mapping = {"payload": _payload(page), "email": "1", "name": "0", "organisation": "2"}
    response = client.post(f"/partners/{partner.id}/contacts/import/confirm", data=mapping, follow_redirects=True)
    assert "1 row was left out: the person asked for their data to be erased." in response.get_data(as_text=True)
    assert db.session.scalars(select(Contact.email)).all() == ["bo@example.org"]
    form = {"email": "ana@example.org", "name": "Ana Sousa", "legal_basis": BASIS, "source": ""}
    response = client.post(f"/partners/{partner.id}/contacts/new", data=form)
    assert response.status_code == 422 and "asked for their data to be erased" in response.get_data(as_text=True)
    assert _count() == 1


def test_another_partner_sees_only_suppressed_never_why(client, organiser, partner, make_partner) -> None:
    from seminar_app.contacts.suppression import suppress
    from seminar_app.enums import SuppressionReason

    other = make_partner(partner.project, name="Unsubscribed-From Org")
    suppress(partner.project_id, "gone@example.org", SuppressionReason.UNSUBSCRIBED)  # from the other's campaign
    gone = Contact(partner=partner, email="gone@example.org", legal_basis=LegalBasis.CONSENT)
    db.session.add_all([gone, ContactList(partner=partner, name="Mine", contacts=[gone])])
    db.session.commit()
    list_id = db.session.scalar(select(ContactList.id))
    pages = [
        client.get(f"/partners/{partner.id}/contacts").get_data(as_text=True),
        client.get(f"/partners/{partner.id}/contact-lists/{list_id}").get_data(as_text=True),
        client.get(f"/partners/{partner.id}/contacts/suppression?address=gone@example.org").get_data(as_text=True),
        _upload(client, partner, b"Email\ngone@example.org\n").get_data(as_text=True),
    ]
    assert ">suppressed</span>" in pages[0] and ">suppressed</span>" in pages[1]
    assert "is on the suppression list and will not be invited" in pages[2]
    for page in pages:
        assert ">unsubscribed<" not in page and "(Unsubscribed)" not in page and other.name not in page
        assert "unsubscribed or asked for their data to be erased" not in page


def test_contact_search_finds_accented_names_in_any_case_with_or_without_accents(client, organiser, partner) -> None:
    from seminar_app.contacts import services

    data = {"email": "angela@example.pt", "name": "Ângela Sousa", "organisation": "Câmara Municipal"}
    services.create_contact(partner, services.ContactInput(legal_basis=BASIS, **data), actor=organiser)
    services.create_contact(partner, services.ContactInput(email="bo@example.org", legal_basis=BASIS), actor=organiser)
    for q in ("ângela", "ÂNGELA", "angela", "Ângela Sousa", "CÂMARA", "camara", "ANGELA@EXAMPLE"):
        page = client.get(f"/partners/{partner.id}/contacts", query_string={"q": q}).get_data(as_text=True)
        assert "angela@example.pt" in page and "bo@example.org" not in page, q
    bo = db.session.scalar(select(Contact).where(Contact.email == "bo@example.org"))
    form = {"email": "bo@example.org", "name": "Bóris Ç", "legal_basis": BASIS, "source": "x"}
    client.post(f"/partners/{partner.id}/contacts/{bo.id}/edit", data=form)
    page = client.get(f"/partners/{partner.id}/contacts", query_string={"q": "boris c"}).get_data(as_text=True)
    assert "bo@example.org" in page and "angela@example.pt" not in page, "an edit updates what search finds"
    page = client.get(f"/partners/{partner.id}/contacts", query_string={"q": "%"}).get_data(as_text=True)
    assert "bo@example.org" not in page, "a % typed by the user is a character, not a wildcard"


def test_contacts_are_listed_by_name_whatever_the_accents_and_case(client, organiser, partner) -> None:
    for name in ("Zé Pinto", "bruno Costa", "Ângela Reis", "Álvaro Sá"):
        email = name.split()[0].lower().encode("ascii", "ignore").decode() + "@example.org"
        db.session.add(Contact(partner=partner, name=name, email=email, legal_basis=LegalBasis.CONSENT))
    db.session.commit()

    page = client.get(f"/partners/{partner.id}/contacts").get_data(as_text=True)

    positions = [page.index(name) for name in ("Álvaro Sá", "Ângela Reis", "bruno Costa", "Zé Pinto")]
    assert positions == sorted(positions)


FIRST_NAMES = ["João", "Maria da Conceição", "Ângela", "Luís"]
LAST_NAMES = ["Gonçalves", "Simões", "Araújo", "Brandão e Sá", "Mendes"]
PT_GROUPS = {
    "Investigadores": "researchers",
    "Decisores políticos": "policy_makers",
    "FORCAS DE SEGURANÇA": "law_enforcement",
    "Técnicos de reinserção": "prison_probation",  # mapped by the organiser in the preview
    "Autarquias": "",  # left empty
}
PT_LANGUAGES = {"Português": "pt", "Inglês": "en", "ingles": "en", "Espanhol": "es", "Crioulo": ""}


def _partner_file(rows: int) -> bytes:
    """A Portuguese partner's export, as Excel writes it on Windows (cp1252, semicolons)."""
    lines = ["Nome;Apelido;E-mail;Organização;Cargo;País;Grupo;Idioma"]
    groups, languages = list(PT_GROUPS), list(PT_LANGUAGES)
    for i in range(rows):
        first, last = FIRST_NAMES[i % 4], LAST_NAMES[i // 4 % 5]
        group, language = groups[i % 5], languages[i // 5 % 5]
        lines.append(
            f"{first};{last};pessoa{i}@exemplo.pt;Câmara Municipal de Évora;Técnica;Portugal;{group};{language}"
        )
    return ("\r\n".join(lines) + "\r\n").encode("cp1252")


def test_a_thousand_row_portuguese_export_keeps_names_groups_and_languages(client, organiser, partner) -> None:
    page = _upload(client, partner, _partner_file(1000)).get_data(as_text=True)
    assert "Import 1000 contacts" in page
    assert "João Gonçalves" in page and "Maria da Conceição Gonçalves" in page
    assert "Values to map" in page
    for value in ("Técnicos de reinserção", "Autarquias", "Crioulo"):
        assert f">{value}</label>" in page, value
    assert "Investigadores</label>" not in page and "Inglês</label>" not in page
    assert _count() == 0

    columns = {"email": "2", "first_name": "0", "last_name": "1", "organisation": "3", "country": "5"}
    data = {
        "payload": _payload(page),
        **columns,
        "stakeholder_group": "6",
        "language": "7",
        "stakeholder_group_values-0": "Técnicos de reinserção",
        "stakeholder_group_codes-0": "prison_probation",
        "stakeholder_group_values-1": "Autarquias",
        "stakeholder_group_codes-1": "",
        "language_values-0": "Crioulo",
        "language_codes-0": "",
    }
    page = client.post(f"/partners/{partner.id}/contacts/import/preview", data=data).get_data(as_text=True)
    assert '<option value="prison_probation" selected>' in page
    assert "Técnicos de reinserção</label>" in page, "a mapped value stays listed with its choice"
    response = client.post(f"/partners/{partner.id}/contacts/import/confirm", data=data, follow_redirects=True)
    assert "1000 new contacts" in response.get_data(as_text=True)

    saved = {c.email: c for c in db.session.scalars(select(Contact))}
    assert len(saved) == 1000
    groups, languages = list(PT_GROUPS.values()), list(PT_LANGUAGES.values())
    for i in range(1000):
        contact = saved[f"pessoa{i}@exemplo.pt"]
        expected_name = f"{FIRST_NAMES[i % 4]} {LAST_NAMES[i // 4 % 5]}"
        assert (contact.name, contact.stakeholder_group, contact.language) == (
            expected_name,
            groups[i % 5],
            languages[i // 5 % 5],
        ), i
        assert (contact.organisation, contact.country) == ("Câmara Municipal de Évora", "PT")


def test_an_unknown_group_code_posted_for_a_value_is_ignored(client, organiser, partner) -> None:
    page = _upload(client, partner, "E-mail;Grupo\nana@exemplo.pt;Autarquias\n".encode("cp1252")).get_data(as_text=True)
    data = {
        "payload": _payload(page),
        "email": "0",
        "stakeholder_group": "1",
        "stakeholder_group_values-0": "Autarquias",
        "stakeholder_group_codes-0": "not_a_group",
    }
    client.post(f"/partners/{partner.id}/contacts/import/confirm", data=data)
    assert db.session.scalar(select(Contact.stakeholder_group)) == ""


def _sheets() -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.title = "Instruções"
    workbook.active.append(["Preencha a folha Contactos."])
    contacts = workbook.create_sheet("Contactos")
    contacts.append(["Nome", "Apelido", "Email"])
    contacts.append(["Ana", "Sousa", "ana@exemplo.pt"])
    partners = workbook.create_sheet("Parceiros")
    partners.append(["Name", "Email"])
    partners.append(["Marco Rossi", "marco@uni.example"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_a_workbook_of_several_sheets_says_which_was_read_and_reads_another(client, organiser, partner) -> None:
    page = _upload(client, partner, _sheets(), filename="contactos.xlsx").get_data(as_text=True)
    assert "This workbook has 3 sheets; the contacts were read from “Contactos”." in page
    assert "It is the first sheet with a recognisable header row." in page
    assert "Ana Sousa" in page and "Marco Rossi" not in page

    url = f"/partners/{partner.id}/contacts/import/preview"
    page = client.post(url, data={"payload": _payload(page), "sheet": "Parceiros"}).get_data(as_text=True)
    assert "the contacts were read from “Parceiros”." in page
    assert "first sheet with a recognisable header" not in page
    assert "Marco Rossi" in page and "Ana Sousa" not in page and "Import 1 contact" in page

    missing = client.post(url, data={"payload": _payload(page), "sheet": "Folha 9", "email": "1", "name": "0"})
    assert "This workbook has no sheet “Folha 9”." in missing.get_data(as_text=True)
    assert "Marco Rossi" in missing.get_data(as_text=True), "the sheet read before stays"

    data = {"payload": _payload(page), "sheet": "Parceiros", "email": "1", "name": "0"}
    client.post(f"/partners/{partner.id}/contacts/import/confirm", data=data)
    assert [(c.name, c.email) for c in db.session.scalars(select(Contact))] == [("Marco Rossi", "marco@uni.example")]


def test_another_sheet_cannot_be_read_with_a_payload_of_another_partner(
    client, organiser, partner, make_partner
) -> None:
    page = _upload(client, partner, _sheets(), filename="contactos.xlsx").get_data(as_text=True)
    other = make_partner(partner.project)
    organiser.partners.append(other)
    db.session.commit()
    response = client.post(
        f"/partners/{other.id}/contacts/import/preview",
        data={"payload": _payload(page), "sheet": "Parceiros"},
        follow_redirects=True,
    )
    text = response.get_data(as_text=True)
    assert "This preview has expired" in text and "Marco Rossi" not in text
