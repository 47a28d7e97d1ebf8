"""An organiser translates a Portuguese seminar into English on the Translations tab; an
English-speaking visitor then reads the English version and can switch to the Portuguese one."""

from __future__ import annotations

from datetime import timedelta

import pytest

from seminar_app.enums import Role

pytestmark = pytest.mark.browser


def test_organiser_translates_and_an_english_reader_sees_the_translation(  # type: ignore[no-untyped-def]
    page, make_partner, make_user, make_event, make_agenda_item
) -> None:
    from playwright.sync_api import expect

    partner = make_partner(default_language="pt")
    organiser = make_user(Role.ORGANISER, partners=[partner])
    event = make_event(partner, title="Seminário nacional sobre mentoria", summary="Resultados do projeto.")
    welcome = make_agenda_item(event, title="Boas-vindas")
    make_agenda_item(event, title="Painel", start_offset=timedelta(minutes=30))

    page.goto("/login")
    page.get_by_label("E-mail", exact=True).fill(organiser.email)
    page.get_by_label("Password", exact=True).fill("correct horse battery staple")
    page.get_by_role("button", name="Log in").click()
    page.goto(f"/manage/events/{event.id}")
    page.get_by_role("link", name="Translations").click()
    expect(page.locator("#language-pt")).to_contain_text("Main language")
    page.locator("#language-en").get_by_role("link", name="Translate").click()

    expect(page.locator("#update-notice")).to_contain_text("Saving sends nothing")
    page.get_by_label("Title", exact=True).first.fill("National seminar on mentoring")
    page.get_by_label("Summary", exact=True).fill("The project's results.")
    page.locator(f"#item-{welcome.id}").get_by_label("Title", exact=True).fill("Welcome")
    page.get_by_role("button", name="Save the translation").click()
    expect(page.locator(".alert-success")).to_contain_text("The English version is saved.")
    expect(page.locator("#language-en")).to_contain_text("Partial")
    expect(page.locator("#language-en")).to_contain_text("Painel")

    page.get_by_role("button", name="Log out").click()
    page.goto("/")
    page.get_by_role("link", name="National seminar on mentoring").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("National seminar on mentoring")
    expect(page.locator("h1")).to_have_attribute("lang", "en-GB")
    expect(page.get_by_text("Welcome", exact=True)).to_be_visible()
    # Portuguese is an interface language too: choosing its version switches the whole page.
    page.locator(".content-language").get_by_role("link", name="Português").click()
    expect(page.locator("html")).to_have_attribute("lang", "pt-PT")
    expect(page.get_by_role("heading", level=1)).to_have_text("Seminário nacional sobre mentoria")
    expect(page.locator(".content-language")).to_contain_text("Também disponível em:")
    expect(page.locator(".content-language").get_by_role("link", name="English")).to_have_attribute("hreflang", "en-GB")
