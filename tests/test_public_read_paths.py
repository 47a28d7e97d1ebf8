"""The hot public read paths: the exact number of SQL statements each one runs on a page-cache
miss, and conditional GETs of calendar files, feeds and API answers that build nothing."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlalchemy import event as sa_event

from seminar_app.extensions import db
from seminar_app.registration import services as registration_services

# Statements per request, whatever the number of events, agenda items, speakers or translations.
EVENT_PAGE = 5  # event + partner + project + translations + seats taken, results, agenda +
# translations, the items' speakers, the event's speakers
# events + their number + seats taken + when the next one ends, then the partner, project and
# translations of those whose cards are not kept (public.fragments); and the filters' choices
# (three statements) once per content generation. A list kept for both generations: none.
EVENT_LIST = 2
EVENT_LIST_KEPT_CARDS = 1
# The event page whose content is kept for this generation but not its registration box (a
# registration came since: public.fragments): the event's row and its seats taken.
EVENT_PAGE_KEPT_SECTIONS = 1
API_EVENT = 5  # the event page's
EVENT_ICS = 2  # event + partner + project + translations + agenda + translations, the UID settings


@contextmanager
def count_queries() -> Iterator[list[str]]:
    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        statements.append(statement)

    sa_event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        sa_event.remove(db.engine, "before_cursor_execute", record)


def statements_for(client, url: str) -> int:  # type: ignore[no-untyped-def]
    """Statements of one request as a new visitor's request would run them (nothing in the
    session's identity map)."""
    db.session.remove()
    with count_queries() as statements:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(statements)


@pytest.fixture
def rich_event(make_event, make_speaker, make_agenda_item, translated):  # type: ignore[no-untyped-def]
    """The translated event plus three more items, each with a speaker; and two more events."""
    for n in range(3):
        speaker = make_speaker(translated, name=f"Speaker {n}")
        make_agenda_item(translated, title=f"Item {n}", start_offset=timedelta(hours=n + 1), speakers=[speaker])
    make_event(title="Another seminar", days_ahead=40)
    make_event(title="A third seminar", days_ahead=50)
    return translated


@pytest.fixture
def no_page_cache(app, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setitem(app.config, "PUBLIC_PAGE_CACHE_SECONDS", 0)


def test_each_hot_page_runs_an_exact_number_of_statements(client, rich_event, no_page_cache) -> None:
    assert statements_for(client, f"/events/{rich_event.slug}") == EVENT_PAGE
    assert statements_for(client, f"/events/{rich_event.slug}?lang=pt") == EVENT_PAGE
    assert statements_for(client, "/") == EVENT_LIST + 3
    assert statements_for(client, f"/api/v1/events/{rich_event.id}") == API_EVENT
    assert statements_for(client, f"/events/{rich_event.slug}/calendar.ics") == EVENT_ICS


def test_an_event_page_whose_parts_are_kept_queries_nothing_and_after_a_registration_one_statement(
    client, rich_event
) -> None:  # type: ignore[no-untyped-def]

    # Each address is a page-cache miss of its own; the parts are kept from the first.
    assert statements_for(client, f"/events/{rich_event.slug}?v=1") == EVENT_PAGE
    assert statements_for(client, f"/events/{rich_event.slug}?v=2") == 0
    registration = {"name": "Ana", "email": "ana@example.org", "mode": "onsite", "privacy_acknowledged": True}
    assert client.post(f"/api/v1/events/{rich_event.id}/registrations", json=registration).status_code == 202
    assert statements_for(client, f"/events/{rich_event.slug}?v=3") == EVENT_PAGE_KEPT_SECTIONS
    page = client.get(f"/events/{rich_event.slug}?v=4").get_data(as_text=True)
    assert "Speaker 2" in page and "Item 2" in page
    assert client.get("/events/no-such-event?v=5").status_code == 404


def test_the_list_is_kept_until_a_registration_and_its_cards_and_choices_until_an_edit(
    client, rich_event, make_event
) -> None:  # type: ignore[no-untyped-def]
    event_id = rich_event.id
    # Each address is a page-cache miss of its own; all ask for the same list.
    assert statements_for(client, "/?page=1") == EVENT_LIST + 3
    assert statements_for(client, "/?page=01") == 0
    assert statements_for(client, "/?page=1&utm_source=newsletter") == 0
    registration = {"name": "Ana", "email": "ana@example.org", "mode": "onsite", "privacy_acknowledged": True}
    assert client.post(f"/api/v1/events/{event_id}/registrations", json=registration).status_code == 202
    assert statements_for(client, "/?page=0001") == EVENT_LIST_KEPT_CARDS  # new seats left, the same cards
    make_event(title="A new seminar", days_ahead=60)  # a new generation
    assert statements_for(client, "/?page=00001") == EVENT_LIST + 3


def test_a_filter_the_form_refuses_is_never_kept(client, rich_event) -> None:  # type: ignore[no-untyped-def]
    client.get("/?country=XX&v=1")
    db.session.remove()
    with count_queries() as statements:
        page = client.get("/?country=XX&v=2").get_data(as_text=True)
    assert 'aria-invalid="true"' in page  # its message again, from the list built again
    assert len(statements) == EVENT_LIST_KEPT_CARDS


@pytest.mark.parametrize(
    ("url", "builder"),
    [
        ("/events/{slug}/calendar.ics", "seminar_app.calendar.routes.publish_calendar"),
        ("/feeds/projects/{project}.ics", "seminar_app.calendar.routes.publish_calendar"),
        ("/feeds/countries/{country}.ics", "seminar_app.calendar.routes.publish_calendar"),
        ("/api/v1/events/{id}", "seminar_app.api.answers.EventDetailSchema.dump"),
        ("/api/v1/events", "seminar_app.api.routes.EventListSchema.dump"),
    ],
)
def test_a_conditional_get_of_unchanged_content_is_answered_without_building_it(
    client, rich_event, monkeypatch, url, builder
) -> None:  # type: ignore[no-untyped-def]
    url = url.format(
        slug=rich_event.slug, id=rich_event.id, project=rich_event.partner.project.slug, country=rich_event.country
    )
    first = client.get(url)
    assert first.status_code == 200
    etag = first.headers["ETag"]

    def must_not_build(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("built again for a client that has it")

    monkeypatch.setattr(builder, must_not_build)
    db.session.remove()
    with count_queries() as statements:
        again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.data == b""
    assert again.headers["ETag"] == etag
    assert statements == []


def test_the_etag_changes_with_any_public_edit_and_the_answer_with_it(client, rich_event, make_event) -> None:
    url = f"/api/v1/events/{rich_event.id}"
    first = client.get(url)
    assert client.get(url).get_data() == first.get_data()  # the kept answer

    make_event(title="Another event entirely", days_ahead=70)
    after = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert after.status_code == 200
    assert after.headers["ETag"] != first.headers["ETag"]


def test_a_kept_answer_is_per_language(client, translated) -> None:
    url = f"/api/v1/events/{translated.id}"
    english = client.get(url, headers={"Accept-Language": "en"})
    portuguese = client.get(url, headers={"Accept-Language": "pt"})
    assert english.get_json()["language"] == "en"
    assert portuguese.get_json()["language"] == "pt"
    assert english.headers["ETag"] != portuguese.headers["ETag"]
    assert client.get(url, headers={"Accept-Language": "pt"}).get_json()["language"] == "pt"


def test_without_the_page_cache_nothing_is_kept(client, rich_event, no_page_cache) -> None:
    url = f"/api/v1/events/{rich_event.id}"
    client.get(url)
    assert statements_for(client, url) == API_EVENT


def test_seats_left_are_counted_in_the_statement_that_loads_the_event_shown_or_the_events_listed(
    client, make_event, no_page_cache
) -> None:  # type: ignore[no-untyped-def]
    from tests.test_registration_manage import person

    first = make_event(title="First seminar", capacity_onsite=5, capacity_online=None, days_ahead=20)
    second = make_event(title="Second seminar", capacity_onsite=9, capacity_online=None, days_ahead=25)
    for n in (1, 2):
        registration_services.register(first, person(n))
    registration_services.register(second, person(3))
    slug = first.slug
    seat_counts: list[tuple[str, object]] = []

    def record(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        if "group by registration.event_id" in statement.lower():
            # psycopg passes named parameters (a dict), sqlite3 positional ones.
            values = list(parameters.values()) if isinstance(parameters, dict) else list(parameters)
            seat_counts.append((statement, values))

    sa_event.listen(db.engine, "before_cursor_execute", record)
    try:
        db.session.remove()
        page = client.get(f"/events/{slug}").get_data(as_text=True)
        assert "3 seats left" in page
        # Counted in the event's own statement (the exact counts above), not by a grouped query.
        assert seat_counts == []

        seat_counts.clear()
        db.session.remove()
        listing = client.get("/").get_data(as_text=True)
        assert "3 seats left" in listing and "8 seats left" in listing
        assert seat_counts == []  # both cards' seats came with the events
    finally:
        sa_event.remove(db.engine, "before_cursor_execute", record)


@pytest.fixture
def shared_cache_without_page_cache(app, monkeypatch):  # type: ignore[no-untyped-def]
    """Production's set-up with the page cache off: a cache every worker shares (Redis) still
    keeps what is built once per content generation (pagecache.keeps_values)."""
    monkeypatch.setitem(app.config, "PUBLIC_PAGE_CACHE_SECONDS", 0)
    monkeypatch.setitem(app.config, "CACHE_TYPE", "RedisCache")


def test_with_the_page_cache_off_a_calendar_file_is_built_once_per_content_generation(
    client, rich_event, shared_cache_without_page_cache
) -> None:  # type: ignore[no-untyped-def]
    url = f"/events/{rich_event.slug}/calendar.ics"
    first = client.get(url).get_data(as_text=True)
    assert statements_for(client, url) == 0
    assert client.get(url).get_data(as_text=True) == first

    from seminar_app.events.models import Event

    db.session.get(Event, rich_event.id).title = "A renamed seminar"  # type: ignore[union-attr]
    db.session.commit()
    assert statements_for(client, url) == EVENT_ICS
    body = client.get(url).get_data(as_text=True)
    assert any(line.startswith("SUMMARY") and line.endswith(":A renamed seminar") for line in body.split("\r\n"))


def test_with_the_page_cache_off_the_api_keeps_the_event_but_asks_the_clock_whether_registration_is_open(
    client, rich_event, shared_cache_without_page_cache, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    from seminar_app.db_types import utcnow

    url = f"/api/v1/events/{rich_event.id}"
    first = client.get(url).get_json()
    assert first["registration_open"] is True
    assert statements_for(client, url) == 0
    assert client.get(url).get_json() == first

    # The event is over an hour after it ends: the same kept answer, closed, with no query.
    later = rich_event.ends_at + timedelta(hours=1)
    assert later > utcnow()
    monkeypatch.setattr("seminar_app.api.answers.utcnow", lambda: later)
    assert statements_for(client, url) == 0
    assert client.get(url).get_json() == {**first, "registration_open": False}


@pytest.mark.parametrize("path", ["/api/v1/events/{id}", "/feeds/projects/{project}.ics"])
def test_a_304_repeats_the_caching_headers_of_the_answer_it_stands_for(client, rich_event, path) -> None:  # type: ignore[no-untyped-def]
    url = path.format(id=rich_event.id, project=rich_event.partner.project.slug)
    first = client.get(url)
    again = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    assert again.headers["Cache-Control"] == first.headers["Cache-Control"]
    assert again.headers.get("Vary") == first.headers.get("Vary")


def test_a_page_far_past_the_end_is_empty_and_still_counts_the_events(client, rich_event) -> None:  # type: ignore[no-untyped-def]
    listing = client.get("/?page=2147483647")
    assert listing.status_code == 200 and "3 events" in listing.get_data(as_text=True)
    answer = client.get("/api/v1/events?page=2147483647&per_page=100").get_json()
    assert answer["items"] == [] and answer["total"] == 3
