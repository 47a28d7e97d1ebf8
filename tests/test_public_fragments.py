"""The public event page's parts, rendered once per content generation (public.fragments):
kept between requests that miss the page cache, per language, and replaced as soon as a
public edit starts a new generation; the registration box also as soon as a registration
changes the seats left or the clock moves the event to another phase of registration."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import template_rendered

from seminar_app.extensions import db
from seminar_app.public import fragments
from tests import content_translations

FRAGMENT = fragments.TEMPLATE


@contextmanager
def rendered_templates(app, monkeypatch) -> Iterator[list[str]]:  # type: ignore[no-untyped-def]
    """The templates rendered meanwhile: whole pages, and the content sections' fragment."""
    names: list[str] = []
    render = fragments._content

    def spy(shown):  # type: ignore[no-untyped-def]
        names.append(FRAGMENT)
        return render(shown)

    def record(sender, template, context, **extra):  # type: ignore[no-untyped-def]
        names.append(template.name)

    monkeypatch.setattr(fragments, "_content", spy)
    template_rendered.connect(record, app)
    try:
        yield names
    finally:
        template_rendered.disconnect(record, app)
        monkeypatch.setattr(fragments, "_content", render)


def test_a_second_request_does_not_render_the_content_sections_again(app, client, translated, monkeypatch) -> None:
    # Each address misses the whole-page cache, as a signed-in visitor's request would.
    with rendered_templates(app, monkeypatch) as names:
        first = client.get(f"/events/{translated.slug}?v=1").get_data(as_text=True)
    assert FRAGMENT in names
    with rendered_templates(app, monkeypatch) as names:
        second = client.get(f"/events/{translated.slug}?v=2").get_data(as_text=True)
    assert "public/event_detail.html" in names
    assert FRAGMENT not in names
    assert content_translations.ITEM_EN in second
    assert 'aria-labelledby="agenda-heading"' in first and 'aria-labelledby="agenda-heading"' in second


def test_a_public_edit_shows_its_new_text_at_once(client, translated) -> None:
    assert "Mentoring Model" in client.get(f"/events/{translated.slug}?v=1").get_data(as_text=True)
    translated.description = "We now present the **Revised Model**."
    db.session.commit()  # a new content generation
    page = client.get(f"/events/{translated.slug}?v=2").get_data(as_text=True)
    assert "Revised Model" in page and "Mentoring Model" not in page


def test_each_language_gets_its_own_sections(app, client, translated, monkeypatch) -> None:
    english = client.get(f"/events/{translated.slug}?lang=en").get_data(as_text=True)
    portuguese = client.get(f"/events/{translated.slug}?lang=pt").get_data(as_text=True)
    assert content_translations.ITEM_EN in english and content_translations.ITEM_PT not in english
    assert content_translations.ITEM_PT in portuguese
    # Kept apart, not only rendered apart: the second request of each still has its own.
    with rendered_templates(app, monkeypatch) as names:
        english = client.get(f"/events/{translated.slug}?lang=en&v=2").get_data(as_text=True)
        portuguese = client.get(f"/events/{translated.slug}?lang=pt&v=2").get_data(as_text=True)
    assert FRAGMENT not in names
    assert content_translations.ITEM_EN in english and content_translations.ITEM_PT not in english
    assert content_translations.ITEM_PT in portuguese


def test_the_interface_language_gets_its_own_sections(client, translated) -> None:
    url = f"/events/{translated.slug}?lang=en"
    english = client.get(url).get_data(as_text=True)
    assert "All times are in" in english
    client.get("/lang/de")
    german = client.get(url + "&v=2").get_data(as_text=True)
    assert "Alle Zeitangaben in" in german and "All times are in" not in german


def test_made_up_language_codes_share_the_sections_of_the_version_they_get(
    app, client, translated, monkeypatch
) -> None:
    client.get(f"/events/{translated.slug}?v=1")
    with rendered_templates(app, monkeypatch) as names:
        page = client.get(f"/events/{translated.slug}?lang=zz-nonsense").get_data(as_text=True)
    assert FRAGMENT not in names
    assert content_translations.ITEM_EN in page


def test_a_registration_renews_the_seats_left_but_not_the_content(app, client, make_event, monkeypatch) -> None:
    from seminar_app.registration import services as registration_services
    from tests.test_registration_manage import person

    event = make_event(title="Small seminar", capacity_onsite=5, capacity_online=None, days_ahead=20)
    slug = event.slug
    assert "5 seats left" in client.get(f"/events/{slug}?v=1").get_data(as_text=True)
    registration_services.register(event, person(1))
    with rendered_templates(app, monkeypatch) as names:
        page = client.get(f"/events/{slug}?v=2").get_data(as_text=True)
    assert "4 seats left" in page and "5 seats left" not in page
    assert FRAGMENT not in names  # the content was kept: a registration changes none of it


def test_the_registration_box_follows_the_clock_without_an_edit(client, make_event, monkeypatch) -> None:
    from datetime import timedelta

    from seminar_app.db_types import utcnow

    event = make_event(title="Closing seminar", days_ahead=20)
    event.registration_closes_at = utcnow() + timedelta(days=1)
    db.session.commit()
    slug, closes = event.slug, event.registration_closes_at
    assert "Registration is open." in client.get(f"/events/{slug}?v=1").get_data(as_text=True)
    later = closes + timedelta(minutes=1)
    monkeypatch.setattr(fragments, "utcnow", lambda: later)
    monkeypatch.setattr("seminar_app.events.models.utcnow", lambda: later)
    page = client.get(f"/events/{slug}?v=2").get_data(as_text=True)
    assert "Registration is closed." in page and "Registration is open." not in page


def test_list_cards_keep_their_content_but_show_the_seats_left_and_edits_at_once(
    app, client, make_event, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    from seminar_app.events.models import Event
    from seminar_app.registration import services as registration_services
    from tests.test_registration_manage import person

    event = make_event(title="Listed seminar", capacity_onsite=5, capacity_online=None, days_ahead=20)
    event_id = event.id
    assert "5 seats left" in client.get("/?v=1").get_data(as_text=True)

    cards_rendered: list[object] = []
    render = fragments._fragment

    def spy():  # type: ignore[no-untyped-def]
        cards_rendered.append(1)
        return render()

    monkeypatch.setattr(fragments, "_fragment", spy)
    registration_services.register(db.session.get(Event, event_id), person(1))
    listing = client.get("/?v=2").get_data(as_text=True)
    assert "4 seats left" in listing and "Listed seminar" in listing
    assert cards_rendered == []  # the card's content was kept through the registration

    db.session.get(Event, event_id).title = "Renamed seminar"  # type: ignore[union-attr]
    db.session.commit()
    listing = client.get("/?v=3").get_data(as_text=True)
    assert "Renamed seminar" in listing and "Listed seminar" not in listing and "4 seats left" in listing


def test_the_list_filter_is_kept_for_valid_choices_and_a_bad_value_still_gets_its_message(
    app, client, make_event, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    from seminar_app.public import forms

    event = make_event(title="Filtered seminar", days_ahead=20)
    country = event.country
    first = client.get(f"/?country={country}&v=1").get_data(as_text=True)
    assert f'<option selected value="{country}">' in first

    built: list[object] = []
    monkeypatch.setattr(fragments, "EventFilterForm", lambda *a, **k: built.append(1) or forms.EventFilterForm(*a, **k))
    again = client.get(f"/?country={country}&v=2").get_data(as_text=True)
    assert built == [] and f'<option selected value="{country}">' in again and "Filtered seminar" in again

    bad = client.get("/?country=XX&v=3").get_data(as_text=True)
    assert 'aria-invalid="true"' in bad and "Filtered seminar" in bad  # the bad filter is ignored, and said


def test_the_kept_list_follows_the_clock_without_an_edit(client, make_event, monkeypatch) -> None:
    from datetime import timedelta

    from seminar_app.db_types import utcnow

    closing = make_event(title="Closing seminar", capacity_onsite=5, capacity_online=None, days_ahead=20)
    closing.registration_closes_at = utcnow() + timedelta(days=1)
    ending = make_event(title="Ending seminar", days_ahead=3)
    db.session.commit()
    closes, ends = closing.registration_closes_at, ending.ends_at
    listing = client.get("/?v=1").get_data(as_text=True)
    assert "5 seats left" in listing and "Ending seminar" in listing

    def at(moment):  # type: ignore[no-untyped-def]
        monkeypatch.setattr(fragments, "utcnow", lambda: moment)
        monkeypatch.setattr("seminar_app.events.models.utcnow", lambda: moment)

    at(closes - timedelta(minutes=1))
    assert "5 seats left" in client.get("/?v=2").get_data(as_text=True)
    at(closes)  # registration closes: its seats left go from the kept list
    listing = client.get("/?v=3").get_data(as_text=True)
    assert "Closing seminar" in listing and "5 seats left" not in listing
    at(ends)  # an event ends: it leaves the upcoming list for the past one
    assert "Ending seminar" not in client.get("/?v=4").get_data(as_text=True)
    assert "Ending seminar" in client.get("/?when=past&v=5").get_data(as_text=True)


def test_the_lists_links_keep_its_filters_and_tab_but_no_other_argument(client, make_event) -> None:
    event = make_event(title="Linked seminar", days_ahead=20)
    country = event.country
    listing = client.get(f"/?when=past&country={country}&utm_source=newsletter").get_data(as_text=True)
    assert f'href="/?country={country}&amp;when=past"' in listing  # the "Past" tab, this page
    assert f'href="/?country={country}"' in listing  # the "Upcoming" tab
    assert "utm_source=" not in listing  # (the language links name this address, encoded)


def test_a_registration_where_seats_are_unlimited_keeps_the_cached_seats(app, client, make_event) -> None:
    """Online seats have no limit ("places available" however many register): an online
    registration starts no new seats generation, so cached pages stay; an on-site one does."""
    from seminar_app import pagecache
    from seminar_app.enums import AttendanceMode, EventFormat
    from seminar_app.events.models import Event
    from seminar_app.registration import services as registration_services
    from seminar_app.registration.services import RegistrationInput

    def seats_generation() -> str:
        with app.test_request_context():
            return pagecache._generations()[1]

    def register(n: int, mode: AttendanceMode) -> None:
        data = RegistrationInput(name=f"P {n}", email=f"p{n}@example.org", mode=mode, privacy_acknowledged=True)
        registration_services.register(db.session.get(Event, event_id), data)

    event = make_event(format=EventFormat.HYBRID, capacity_onsite=5, capacity_online=None, days_ahead=20)
    event_id, slug = event.id, event.slug
    before = seats_generation()
    register(1, AttendanceMode.ONLINE)
    assert seats_generation() == before
    assert "On site: 5 seats left" in client.get(f"/events/{slug}?v=1").get_data(as_text=True)

    register(2, AttendanceMode.ONSITE)
    assert seats_generation() != before
    assert "On site: 4 seats left" in client.get(f"/events/{slug}?v=2").get_data(as_text=True)
