"""Public pages show the visitor's language where the event is translated into it, say which
language the text is in, and link the other versions."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from seminar_app import i18n
from seminar_app.events import translation_services as ts
from seminar_app.extensions import db
from tests.test_public_routes import count_queries

ENGLISH = {"Accept-Language": "en-GB,en;q=0.9"}
FINNISH = {"Accept-Language": "fi-FI,fi;q=0.9,en;q=0.5"}


@pytest.fixture
def event(make_event, make_partner, make_agenda_item):  # type: ignore[no-untyped-def]
    event = make_event(
        make_partner(default_language="pt"),
        title="Seminário nacional",
        summary="Resultados para profissionais.",
        description="Apresentamos o **Modelo de Mentoria**.",
    )
    item = make_agenda_item(event, title="Boas-vindas")
    ts.save_event_translation(
        event,
        "en",
        ts.EventTranslationInput(
            title="National seminar",
            summary="Results for practitioners.",
            agenda={item.id: ts.AgendaTextInput("Welcome")},
        ),
    )
    return event


def squeezed(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_an_english_visitor_reads_the_english_version_and_is_offered_the_portuguese_one(client, event) -> None:
    page = squeezed(client.get(f"/events/{event.slug}", headers=ENGLISH).get_data(as_text=True))
    assert '<h1 lang="en-GB">National seminar</h1>' in page
    assert 'lang="en-GB">Results for practitioners.' in page and '<strong lang="en-GB">Welcome</strong>' in page
    assert "This event is described in" not in page
    # Portuguese is an interface language too: its version switches the whole page.
    link = '<a href="/lang/pt?next=/events/seminario-nacional?lang%3Dpt" lang="pt-PT" hreflang="pt-PT">Português</a>'
    assert f"Also available in: {link} </p>" in page
    # The description is not translated: the Portuguese text is shown, marked as Portuguese.
    assert '<div lang="pt-PT"><p>Apresentamos' in page
    assert '<link rel="alternate" hreflang="pt-PT" href="/events/seminario-nacional?lang=pt">' in page
    assert '<link rel="alternate" hreflang="en-GB" href="/events/seminario-nacional?lang=en">' in page


def test_lang_in_the_address_chooses_the_version_and_the_page_says_which_language_it_is(client, event) -> None:
    page = client.get(f"/events/{event.slug}?lang=pt", headers=ENGLISH).get_data(as_text=True)
    assert '<h1 lang="pt-PT">Seminário nacional</h1>' in page and "Boas-vindas" in page
    assert "This event is described in Portuguese." in page
    assert 'hreflang="en-GB">English</a>' in page
    assert '<html lang="en-GB">' in page, "the interface stays in the visitor's language"

    # A language the event is not offered in is ignored rather than refused.
    for unknown in ("fi", "xx", "", "../etc"):
        response = client.get(f"/events/{event.slug}", query_string={"lang": unknown}, headers=ENGLISH)
        assert response.status_code == 200 and "National seminar" in response.get_data(as_text=True)


def test_a_finnish_reader_gets_the_finnish_version_in_an_english_interface(client, event, monkeypatch) -> None:
    """A language the interface does not speak yet (its catalogue incomplete) still gets its version."""
    complete = i18n.catalogue_complete
    monkeypatch.setattr(i18n, "catalogue_complete", lambda code: code != "fi" and complete(code))
    page = client.get(f"/events/{event.slug}", headers=FINNISH).get_data(as_text=True)
    assert '<html lang="en-GB">' in page and "National seminar" in page, "no Finnish version yet: English next"

    ts.save_event_translation(event, "fi", ts.EventTranslationInput(title="Kansallinen seminaari"))
    page = squeezed(client.get(f"/events/{event.slug}", headers=FINNISH).get_data(as_text=True))
    assert '<h1 lang="fi-FI">Kansallinen seminaari</h1>' in page
    assert "This event is described in Finnish." in page
    assert 'hreflang="pt-PT">Português</a>, <a href="/lang/en?next=/events/seminario-nacional?lang%3Den"' in page
    assert ">Suomi</a>" not in page.split("Also available in:")[1][:400]
    # English readers are not affected by the cached Finnish page.
    assert "National seminar" in client.get(f"/events/{event.slug}", headers=ENGLISH).get_data(as_text=True)


def test_a_visitor_who_chose_the_interface_language_reads_that_version(client, event) -> None:
    client.get("/lang/pt")
    page = client.get(f"/events/{event.slug}", headers=ENGLISH).get_data(as_text=True)
    assert '<html lang="pt-PT">' in page and '<h1 lang="pt-PT">Seminário nacional</h1>' in page


def test_an_event_without_translations_says_nothing_about_languages(client, make_event, make_partner) -> None:
    event = make_event(make_partner(default_language="en"), title="Only in English")
    page = client.get(f"/events/{event.slug}", headers=ENGLISH).get_data(as_text=True)
    assert "Also available in" not in page and "described in" not in page
    assert 'hreflang="en-GB" href="/events/only-in-english?lang=en"' in page


def test_the_list_shows_translated_titles_and_its_language_filter_includes_translated_events(
    client, event, make_event, make_partner
) -> None:
    make_event(make_partner(default_language="de"), title="Nur auf Deutsch")
    page = client.get("/", headers=ENGLISH).get_data(as_text=True)
    assert ">National seminar</a>" in page and ">Nur auf Deutsch</a>" in page
    assert 'lang="de-DE">Nur auf Deutsch' in page, "a title in another language than the page's is marked"

    page = client.get("/?language=en", headers=ENGLISH).get_data(as_text=True)
    assert "National seminar" in page and "Nur auf Deutsch" not in page
    assert '<option selected value="en">English</option>' in page or 'value="en" selected' in page
    page = client.get("/?language=pt", headers=ENGLISH).get_data(as_text=True)
    assert "National seminar" in page and "1 event" in page


def test_the_list_runs_the_same_number_of_queries_for_many_translated_events(
    app, client, make_event, make_partner, monkeypatch
) -> None:
    # monkeypatch: the app outlives the test, and later tests count on the page cache being on.
    monkeypatch.setitem(app.config, "PUBLIC_PAGE_CACHE_SECONDS", 0)
    partner = make_partner(default_language="pt")

    def add(n: int) -> None:
        for i in range(n):
            event = make_event(partner, title=f"Evento {i}", days_ahead=10 + i)
            ts.save_event_translation(event, "en", ts.EventTranslationInput(title=f"Event {i}"))

    add(2)
    db.session.expire_all()
    with count_queries() as few:
        assert "Event 1" in client.get("/", headers=ENGLISH).get_data(as_text=True)
    add(10)
    db.session.expire_all()
    with count_queries() as many:
        assert "Event 9" in client.get("/", headers=ENGLISH).get_data(as_text=True)
    assert len(many) == len(few)


def test_a_changed_translation_shows_at_once_on_cached_pages(client, event) -> None:
    assert "National seminar" in client.get(f"/events/{event.slug}", headers=ENGLISH).get_data(as_text=True)
    assert "National seminar" in client.get("/", headers=ENGLISH).get_data(as_text=True)
    ts.save_event_translation(event, "en", ts.EventTranslationInput(title="National seminar 2027"))
    assert "National seminar 2027" in client.get(f"/events/{event.slug}", headers=ENGLISH).get_data(as_text=True)
    assert "National seminar 2027" in client.get("/", headers=ENGLISH).get_data(as_text=True)
    ts.delete_event_translation(event, "en")
    page = client.get(f"/events/{event.slug}", headers=ENGLISH).get_data(as_text=True)
    assert "Seminário nacional" in page and "This event is described in Portuguese." in page


def test_agenda_times_stay_in_order_in_every_language(client, event, make_agenda_item) -> None:
    make_agenda_item(event, title="Encerramento", start_offset=timedelta(hours=2))
    page = client.get(f"/events/{event.slug}", headers=ENGLISH).get_data(as_text=True)
    assert page.index("Welcome") < page.index("Encerramento")
    assert '<strong lang="pt-PT">Encerramento</strong>' in page


def test_the_project_page_lists_events_in_the_readers_language(client, event) -> None:
    page = client.get(f"/projects/{event.project.slug}", headers=ENGLISH).get_data(as_text=True)
    assert ">National seminar</a>" in page and "Seminário nacional" not in page
    page = client.get(f"/projects/{event.project.slug}", headers={"Accept-Language": "pt-PT"}).get_data(as_text=True)
    assert ">Seminário nacional</a>" in page
