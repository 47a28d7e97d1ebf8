"""A Finnish visitor opens a Portuguese seminar that has an English version, reads it in
English, registers in English and gets English mail and an English calendar entry; the
Portuguese organiser, in a Portuguese interface, sees that the person registered in English."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from seminar_app.enums import Role
from seminar_app.events import translation_services as ts
from tests.browser.test_browser_registration import received_by

pytestmark = pytest.mark.browser


def test_a_finnish_visitor_registers_in_english_for_a_portuguese_seminar(  # type: ignore[no-untyped-def]
    browser, live_server, app, smtp, make_partner, make_user, make_event, make_agenda_item, monkeypatch
) -> None:
    from playwright.sync_api import expect

    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", live_server)
    partner = make_partner(
        name="Centro de Prevenção Lisboa", country="PT", timezone="Europe/Lisbon", default_language="pt"
    )
    organiser = make_user(Role.ORGANISER, partners=[partner])
    event = make_event(
        partner,
        title="Seminário nacional sobre mentoria",
        summary="Os resultados do projeto apresentados aos profissionais.",
        capacity_onsite=30,
    )
    welcome = make_agenda_item(event, title="Boas-vindas")
    make_agenda_item(event, title="Painel", start_offset=timedelta(minutes=30))
    ts.save_event_translation(
        event,
        "en",
        ts.EventTranslationInput(
            title="National seminar on mentoring", summary="The project's results presented to practitioners."
        ),
        actor=organiser,
        new=True,
    )
    ts.save_agenda_item_translation(welcome, "en", "Welcome", "", actor=organiser)

    visitor = browser.new_context(base_url=live_server, locale="fi-FI", timezone_id="Europe/Helsinki")
    page = visitor.new_page()
    page.set_default_timeout(10_000)
    page.goto(f"/events/{event.slug}")
    # A Finnish interface; no Finnish version of the seminar, so the Portuguese one, saying so.
    expect(page.locator("html")).to_have_attribute("lang", "fi-FI")
    expect(page.get_by_role("heading", level=1)).to_have_text("Seminário nacional sobre mentoria")
    expect(page.locator("h1")).to_have_attribute("lang", "pt-PT")
    english = page.locator(".content-language").get_by_role("link", name="English")
    expect(english).to_have_attribute("hreflang", "en-GB")

    english.click()
    expect(page.locator("html")).to_have_attribute("lang", "en-GB")
    expect(page.get_by_role("heading", level=1)).to_have_text("National seminar on mentoring")
    expect(page.get_by_text("Welcome", exact=True)).to_be_visible()
    page.get_by_role("link", name="Register", exact=True).click()
    page.get_by_label("Name", exact=True).fill("Aino Virtanen")
    page.get_by_label("E-mail", exact=True).fill("aino@example.fi")
    page.get_by_label("Organisation", exact=True).fill("Rikosseuraamuslaitos")
    page.get_by_role("radio", name=re.compile(r"^On site")).check()
    page.get_by_label("I have read the privacy notice").check()
    page.get_by_role("button", name="Register").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your inbox")
    visitor.close()

    [confirmation] = received_by(smtp, "aino@example.fi", 1)
    assert confirmation["Subject"] == "Registration confirmed – National seminar on mentoring"
    text = confirmation.get_body(preferencelist=("plain",)).get_content()
    assert "Thank you for registering." in text and "Obrigado" not in text
    [calendar] = [part for part in confirmation.walk() if part.get_content_type() == "text/calendar"]
    entry = calendar.get_content().replace("\r\n ", "")
    assert "SUMMARY;LANGUAGE=en-GB:National seminar on mentoring" in entry
    assert "Seminário" not in entry

    staff = browser.new_context(base_url=live_server, locale="pt-PT", timezone_id="Europe/Lisbon")
    page = staff.new_page()
    page.set_default_timeout(10_000)
    page.goto("/login")
    page.get_by_label("E-mail", exact=True).fill(organiser.email)
    page.get_by_label("Palavra-passe", exact=True).fill("correct horse battery staple")
    page.get_by_role("button", name="Iniciar sessão").click()
    page.goto(f"/manage/events/{event.id}/registrations")
    expect(page.locator("html")).to_have_attribute("lang", "pt-PT")
    row = page.locator("tr", has_text="Aino Virtanen")
    expect(row).to_contain_text("inglês")
    staff.close()
