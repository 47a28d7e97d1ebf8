"""A Portuguese partner's workbook imported in a real browser: the preview says which sheet
was read and reads another on request; group and language values in Portuguese are
recognised, and one the application does not know is mapped by the organiser."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import select

from seminar_app.contacts.models import Contact
from seminar_app.enums import Role
from seminar_app.extensions import db
from tests.browser.test_browser_accessibility import axe_page, violations

__all__ = ["axe_page"]  # the fixture: a browser page into which axe can be injected

pytestmark = pytest.mark.browser


def _workbook(path: Path) -> None:
    workbook = Workbook()
    workbook.active.title = "Instruções"
    workbook.active.append(["Preencha a folha Contactos."])
    contacts = workbook.create_sheet("Contactos")
    contacts.append(["Nome", "Apelido", "E-mail", "Organização", "Cargo", "País", "Grupo", "Idioma"])
    contacts.append(
        ["João", "Gonçalves", "joao@dgrsp.example", "DGRSP", "Técnico", "Portugal", "Investigadores", "Inglês"]
    )
    contacts.append(["Inês", "Araújo", "ines@cm.example", "Câmara", "Vereadora", "Portugal", "Autarquias", "Português"])
    partners = workbook.create_sheet("Parceiros")
    partners.append(["Name", "Email"])
    partners.append(["Marco Rossi", "marco@uni.example"])
    workbook.save(path)


def test_a_workbook_sheet_is_chosen_and_an_unknown_group_mapped(  # type: ignore[no-untyped-def]
    axe_page, tmp_path: Path, make_partner, make_user
) -> None:
    from playwright.sync_api import expect

    page = axe_page

    partner = make_partner(name="Centro de Prevenção Lisboa")
    organiser = make_user(Role.ORGANISER, partners=[partner])
    path = tmp_path / "contactos.xlsx"
    _workbook(path)

    page.goto("/login")
    page.get_by_label("E-mail", exact=True).fill(organiser.email)
    page.get_by_label("Password", exact=True).fill("correct horse battery staple")
    page.get_by_role("button", name="Log in").click()
    page.goto(f"/partners/{partner.id}/contacts/import")
    page.get_by_label("File of contacts (CSV or XLSX)").set_input_files(str(path))
    page.get_by_label("Name of the new list").fill("Lisboa")
    page.get_by_label("Where these contacts come from").fill("The partner's workbook")
    page.get_by_label("Legal basis for holding them").select_option("legitimate_interest")
    page.get_by_role("button", name="Show the preview").click()

    expect(page.locator("#sheet-read")).to_contain_text("the contacts were read from “Contactos”")
    expect(page.locator("#new")).to_contain_text("João Gonçalves")
    page.get_by_label("Sheet to read").select_option("Parceiros")
    page.get_by_role("button", name="Read this sheet").click()
    expect(page.locator("#sheet-read")).to_contain_text("read from “Parceiros”")
    expect(page.locator("#new")).to_contain_text("Marco Rossi")
    page.get_by_label("Sheet to read").select_option("Contactos")
    page.get_by_role("button", name="Read this sheet").click()

    expect(page.locator("#unknown-stakeholder_group")).to_contain_text("Autarquias")
    assert violations(page) == []
    page.get_by_label("Autarquias").select_option("policy_makers")
    page.get_by_role("button", name="Update the preview").click()
    page.get_by_role("button", name="Import 2 contacts").click()
    expect(page.get_by_text("Imported into “Lisboa”: 2 new contacts")).to_be_visible()

    db.session.expire_all()
    saved = {c.email: (c.name, c.stakeholder_group, c.language) for c in db.session.scalars(select(Contact))}
    assert saved == {
        "joao@dgrsp.example": ("João Gonçalves", "researchers", "en"),
        "ines@cm.example": ("Inês Araújo", "policy_makers", "pt"),
    }
