"""An invitation campaign in a real browser with real mail: the organiser imports a CSV of
stakeholders, runs a campaign for the seminar and watches it being sent to the loopback
SMTP server; an invitee opens the personal link from that mail, finds the form filled in
and registers; the campaign then shows one registration."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from seminar_app.enums import Role
from seminar_app.extensions import db

pytestmark = pytest.mark.browser

CSV = (
    "E-mail;Full name;Organisation;Country;Stakeholder group;Language\n"
    "ana.sousa@dgrsp.example;Ana Sousa;Direção-Geral de Reinserção;Portugal;prison_probation;pt\n"
    "luca.bianchi@unibo.example;Luca Bianchi;Università di Bologna;IT;researchers;en\n"
    "marta.lopes@psp.example;Marta Lopes;Polícia de Segurança Pública;PT;law_enforcement;en\n"
    "not-an-address@;Broken Row;Nowhere;PT;;en\n"
)


def _mail_text(message) -> str:  # type: ignore[no-untyped-def]
    return message.get_body(preferencelist=("plain",)).get_content()


def test_import_contacts_run_a_campaign_and_an_invitee_registers(  # type: ignore[no-untyped-def]
    browser, page, live_server, smtp, tmp_path: Path, make_partner, make_user, make_event
) -> None:
    from playwright.sync_api import expect

    partner = make_partner(name="Centro de Prevenção Lisboa")
    organiser = make_user(Role.ORGANISER, partners=[partner])
    event = make_event(partner, title="Seminário nacional de mentoria", language="en")
    csv_file = tmp_path / "stakeholders.csv"
    csv_file.write_text(CSV, encoding="utf-8")

    page.goto("/login")
    page.get_by_label("E-mail", exact=True).fill(organiser.email)
    page.get_by_label("Password", exact=True).fill("correct horse battery staple")
    page.get_by_role("button", name="Log in").click()

    # Import: upload, check the mapping and the figures, confirm.
    page.get_by_role("link", name="Contacts", exact=True).first.click()
    page.get_by_role("link", name="Import", exact=True).click()
    page.get_by_label("File of contacts (CSV or XLSX)").set_input_files(str(csv_file))
    page.get_by_label("Put the contacts on the list").select_option(label="A new list")
    page.get_by_label("Name of the new list").fill("Porto stakeholders")
    page.get_by_label("Where these contacts come from").fill("Participants of our 2025 conference")
    page.get_by_label("Legal basis for holding them").select_option("legitimate_interest")
    page.get_by_role("button", name="Show the preview").click()
    expect(page.get_by_role("heading", name="Preview of the import")).to_be_visible()
    expect(page.locator("#count-new")).to_have_text("3")
    expect(page.locator("#count-rejected")).to_have_text("1")
    expect(page.locator("#rejected")).to_contain_text("line 5")
    page.get_by_role("button", name="Import 3 contacts").click()
    expect(page.get_by_text("Ana Sousa")).to_be_visible()
    expect(page.get_by_text("not-an-address@")).to_have_count(0)

    # Campaign: choose the list, preview in each language, confirm the count.
    page.goto(f"/manage/events/{event.id}")
    page.get_by_role("link", name="Invitations", exact=True).click()
    page.get_by_role("link", name="New campaign").click()
    page.get_by_label(re.compile(r"^Porto stakeholders")).check()
    page.get_by_label("Personal note (optional)").fill("We would be glad to see you in Lisbon.")
    page.get_by_role("button", name="Preview", exact=True).click()
    expect(page.locator("[data-figure=recipients]")).to_have_text("3 people will be invited.")
    expect(page.locator("[data-preview-language]")).to_have_count(2)  # English and Portuguese
    smtp.delay = 0.5  # slow enough to see the campaign in progress
    page.get_by_role("button", name="Send 3 invitations").click()

    # Progress: the bar moves while the server receives the mail, then the page settles.
    bar = page.locator('[data-progress-part="invitations"] progress')
    expect(bar).to_be_visible()
    assert int(bar.get_attribute("value") or 0) < 100, "the first look at the page should find mail still going"
    expect(page.locator('[data-progress-part="invitations"] [data-field="sent"]')).to_have_text("3", timeout=20_000)
    expect(bar).to_have_attribute("value", "100")
    assert smtp.wait_for(3)
    invitation = next(m for m in smtp.messages if "luca.bianchi@unibo.example" in str(m["To"]))
    assert invitation["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    text = _mail_text(invitation)
    assert "Seminário nacional de mentoria" in text and "We would be glad to see you in Lisbon." in text
    link = re.search(r"(http://\S+/register\?invitation=\S+)", text)
    assert link, text

    # The invitee, in a browser of their own, opens the personal link.
    smtp.delay = 0
    invitee = browser.new_context(base_url=live_server, locale="en-GB")
    try:
        their_page = invitee.new_page()
        parts = urlsplit(link.group(1))
        their_page.goto(f"{parts.path}?{parts.query}")
        expect(their_page.get_by_text("Invitation for Luca Bianchi")).to_be_visible()
        expect(their_page.get_by_label("Name", exact=True)).to_have_value("Luca Bianchi")
        expect(their_page.get_by_label("E-mail", exact=True)).to_have_value("luca.bianchi@unibo.example")
        expect(their_page.get_by_label("Organisation", exact=True)).to_have_value("Università di Bologna")
        expect(their_page.get_by_label("I have read the privacy notice")).not_to_be_checked()
        their_page.get_by_role("radio", name=re.compile(r"^On site")).check()
        their_page.get_by_label("I have read the privacy notice").check()
        their_page.get_by_role("button", name="Register").click()
        expect(their_page.get_by_role("heading", level=1)).to_have_text("Check your inbox")
    finally:
        invitee.close()

    # The organiser's campaign page counts the registration.
    page.reload()
    expect(page.locator("tfoot [data-figure=registered]").first).to_have_text("1")
    expect(page.locator("tfoot [data-figure=no_answer]").first).to_have_text("2")
    db.session.expire_all()
