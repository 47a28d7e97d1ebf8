"""API v1 in the reader's language: `?lang=`, else Accept-Language among the languages the
event is available in, else its main language, with the language returned named."""

from __future__ import annotations

import pytest

from tests.content_translations import (
    ITEM_EN,
    ITEM_PT,
    SUMMARY_PT,
    TITLE_EN,
    TITLE_PT,
)


def test_lang_returns_the_translation_and_says_so(client, translated) -> None:
    response = client.get(f"/api/v1/events/{translated.id}?lang=pt")

    assert response.status_code == 200
    body = response.get_json()
    assert (body["title"], body["summary"], body["agenda"][0]["title"]) == (TITLE_PT, SUMMARY_PT, ITEM_PT)
    assert (body["language"], body["main_language"], body["available_languages"]) == ("pt", "en", ["en", "pt"])
    assert response.headers["Content-Language"] == "pt-PT"
    assert body["url"].endswith(f"/events/{translated.slug}?lang=pt"), "the page in the language returned"
    assert body["start"] == client.get(f"/api/v1/events/{translated.id}").get_json()["start"], "same event"


def test_without_lang_the_main_language(client, translated) -> None:
    response = client.get(f"/api/v1/events/{translated.id}")

    body = response.get_json()
    assert (body["title"], body["agenda"][0]["title"], body["language"]) == (TITLE_EN, ITEM_EN, "en")
    assert response.headers["Content-Language"] == "en-GB"
    assert "Accept-Language" in response.headers["Vary"], "a shared cache keeps one answer per language"


@pytest.mark.parametrize(
    ("header", "title", "language"),
    [
        ("pt-PT,pt;q=0.9,en;q=0.5", TITLE_PT, "pt"),
        ("fi, pt;q=0.5, en;q=0.3", TITLE_PT, "pt"),  # Finnish is not available: the next wanted one
        ("en-US, pt;q=0.9", TITLE_EN, "en"),
        ("fi, de;q=0.8", TITLE_EN, "en"),  # none available: the main language
        ("pt;q=0", TITLE_EN, "en"),  # "not Portuguese"
    ],
)
def test_accept_language_picks_among_the_available_languages(client, translated, header, title, language) -> None:
    response = client.get(f"/api/v1/events/{translated.id}", headers={"Accept-Language": header})

    body = response.get_json()
    assert (body["title"], body["language"]) == (title, language)
    assert response.headers["Content-Language"].split("-")[0] == language


def test_lang_wins_over_the_header_and_falls_back_to_the_main_language(client, translated) -> None:
    asked_fi = client.get(f"/api/v1/events/{translated.id}?lang=fi", headers={"Accept-Language": "pt"})

    body = asked_fi.get_json()
    assert (body["title"], body["language"], body["main_language"]) == (TITLE_EN, "en", "en")
    assert "Accept-Language" not in asked_fi.headers.get("Vary", "")


@pytest.mark.parametrize("url", ["/api/v1/events?lang={}", "/api/v1/events/{id}?lang={}"])
@pytest.mark.parametrize("value", ["xx", "", "PT-pt", "português"])
def test_an_unknown_lang_is_a_400_listing_the_known_codes(client, translated, url, value) -> None:
    response = client.get(url.replace("{id}", str(translated.id)).format(value))

    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == "invalid_parameter"
    (message,) = error["errors"]["lang"]
    assert "pt" in message and "fi" in message and "en" in message


def test_the_language_filter_includes_translated_events_and_lang_shows_them(client, translated, make_event) -> None:
    make_event(language="pt", title="Seminário escrito em português", days_ahead=40)
    make_event(language="en", title="Only in English", days_ahead=50)

    filtered = client.get("/api/v1/events?language=pt").get_json()
    assert [item["title"] for item in filtered["items"]] == [TITLE_EN, "Seminário escrito em português"]
    assert filtered["total"] == 2

    response = client.get("/api/v1/events?lang=pt")
    items = response.get_json()["items"]
    assert [(item["title"], item["language"]) for item in items] == [
        (TITLE_PT, "pt"),
        ("Seminário escrito em português", "pt"),
        ("Only in English", "en"),
    ]
    assert [item["available_languages"] for item in items] == [["en", "pt"], ["pt"], ["en"]]
    assert response.headers["Content-Language"] == "pt-PT, en-GB"


def test_the_list_follows_accept_language_event_by_event(client, translated, make_event) -> None:
    make_event(language="en", title="Only in English", days_ahead=50)

    response = client.get("/api/v1/events", headers={"Accept-Language": "pt-PT"})

    assert [item["title"] for item in response.get_json()["items"]] == [TITLE_PT, "Only in English"]
    assert "Accept-Language" in response.headers["Vary"]
