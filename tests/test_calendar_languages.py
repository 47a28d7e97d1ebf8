"""Feeds and .ics files in the language asked for: events offered in a language are in its
feed and shown in it, other calendars take `?lang=`, and the UID and SEQUENCE never change."""

from __future__ import annotations

import icalendar
import pytest

from seminar_app.calendar.routes import add_to_calendar_links
from seminar_app.events.content import localized
from seminar_app.registration import services
from tests.content_translations import ITEM_EN, ITEM_PT, TITLE_EN, TITLE_PT
from tests.test_registration_services import person


def _vevents(body: bytes) -> dict[str, icalendar.Event]:
    """Each VEVENT by its UID."""
    return {str(v["UID"]): v for v in icalendar.Calendar.from_ical(body).walk("VEVENT")}


def _summaries(body: bytes) -> set[str]:
    return {str(v["SUMMARY"]) for v in _vevents(body).values()}


def test_the_language_feed_holds_events_translated_into_it_shown_in_it(client, translated, make_event) -> None:
    make_event(language="pt", title="Seminário escrito em português")
    make_event(language="en", title="Only in English")

    response = client.get("/feeds/languages/pt.ics")

    assert response.status_code == 200
    assert _summaries(response.data) == {TITLE_PT, "Seminário escrito em português"}
    calendar = icalendar.Calendar.from_ical(response.data)
    assert str(calendar["X-WR-CALNAME"]).startswith("Eventos em "), "the calendar speaks the feed's language"
    for vevent in calendar.walk("VEVENT"):
        assert vevent["SUMMARY"].params["LANGUAGE"] == "pt-PT"
        assert vevent["DESCRIPTION"].params["LANGUAGE"] == "pt-PT"
    assert _summaries(client.get("/feeds/languages/en.ics").data) == {TITLE_EN, "Only in English"}


def test_the_language_filter_of_other_feeds_counts_translations(client, translated, make_event) -> None:
    make_event(translated.partner, language="en", title="Only in English")
    project = translated.partner.project.slug

    assert _summaries(client.get(f"/feeds/projects/{project}.ics?language=pt").data) == {TITLE_PT}


def test_other_feeds_show_each_event_in_its_main_language_or_in_lang(client, translated, make_event) -> None:
    make_event(translated.partner, language="en", title="Only in English")
    partner_feed = f"/feeds/partners/{translated.partner_id}.ics"

    main = _vevents(client.get(partner_feed).data)
    response = client.get(f"{partner_feed}?lang=pt")
    in_pt = _vevents(response.data)

    assert {str(v["SUMMARY"]) for v in main.values()} == {TITLE_EN, "Only in English"}
    assert {str(v["SUMMARY"]) for v in in_pt.values()} == {TITLE_PT, "Only in English"}
    assert main.keys() == in_pt.keys(), "the UID does not depend on the language"
    for uid, vevent in in_pt.items():
        assert vevent["SEQUENCE"] == main[uid]["SEQUENCE"]
    untranslated_entry = next(v for v in in_pt.values() if str(v["SUMMARY"]) == "Only in English")
    assert untranslated_entry["SUMMARY"].params["LANGUAGE"] == "en-GB", "says it is English, not Portuguese"
    assert set(response.headers["Content-Language"].split(", ")) == {"pt-PT", "en-GB"}


def test_the_event_download_is_in_lang_with_its_agenda_and_the_same_uid(client, translated) -> None:
    url = f"/events/{translated.slug}/calendar.ics"

    (main,) = _vevents(client.get(url).data).items()
    response = client.get(f"{url}?lang=pt")
    (in_pt,) = _vevents(response.data).items()

    assert main[0] == in_pt[0] and main[1]["SEQUENCE"] == in_pt[1]["SEQUENCE"]
    assert str(main[1]["SUMMARY"]) == TITLE_EN and main[1]["SUMMARY"].params["LANGUAGE"] == "en-GB"
    assert ITEM_EN in str(main[1]["DESCRIPTION"])
    vevent = in_pt[1]
    assert str(vevent["SUMMARY"]) == TITLE_PT
    description = str(vevent["DESCRIPTION"])
    assert ITEM_PT in description and ITEM_EN not in description
    assert "Programa (horas em" in description, "the calendar's own words in Portuguese too"
    assert vevent["DESCRIPTION"].params["LANGUAGE"] == "pt-PT"
    assert vevent["LOCATION"].params["LANGUAGE"] == "pt-PT"
    assert str(icalendar.Calendar.from_ical(response.data)["X-WR-CALNAME"]) == TITLE_PT
    assert response.headers["Content-Language"] == "pt-PT"


def test_a_language_without_translation_gets_the_main_language(client, translated, monkeypatch) -> None:
    monkeypatch.setattr(
        "seminar_app.i18n.offered_languages", lambda: {"en": "English", "pt": "Português", "fi": "Suomi"}
    )
    response = client.get(f"/events/{translated.slug}/calendar.ics?lang=fi")

    assert response.status_code == 200
    assert _summaries(response.data) == {TITLE_EN}


@pytest.mark.parametrize("query", ["lang=xx", "lang=", "lang=portuguese", "language=zz"])
def test_an_unknown_lang_is_a_400_naming_the_known_codes(client, translated, query) -> None:
    for url in (f"/events/{translated.slug}/calendar.ics", f"/feeds/partners/{translated.partner_id}.ics"):
        response = client.get(f"{url}?{query}")
        assert response.status_code == 400, url
        page = response.get_data(as_text=True)
        assert "is not a known language code" in page and "pt" in page


def test_a_registrants_own_download_is_in_their_language(client, translated) -> None:
    portuguese = services.register(translated, person(1, language="pt")).registration
    english = services.register(translated, person(2, language="en")).registration

    in_pt = client.get(f"/r/{services.private_token(portuguese)}/calendar.ics").data
    in_en = client.get(f"/r/{services.private_token(english)}/calendar.ics").data

    assert _summaries(in_pt) == {TITLE_PT}
    assert _summaries(in_en) == {TITLE_EN}
    assert _vevents(in_pt).keys() == _vevents(in_en).keys()


def test_add_to_calendar_links_follow_the_language_shown(app, translated) -> None:
    with app.test_request_context("/"):
        in_pt = add_to_calendar_links(localized(translated, "pt"))
        main = add_to_calendar_links(localized(translated, None))

    assert in_pt["ics"].endswith(f"/events/{translated.slug}/calendar.ics?lang=pt")
    assert main["ics"].endswith(f"/events/{translated.slug}/calendar.ics")
    assert "Semin%C3%A1rio+de+mentoria" in in_pt["google"]
