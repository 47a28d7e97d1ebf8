"""Public pages: what a visitor without an account sees (and never sees)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

import pytest
from sqlalchemy import event as sa_event

from seminar_app.agenda.models import AgendaItem
from seminar_app.enums import EventFormat, EventStatus
from seminar_app.events.models import Event
from seminar_app.extensions import db
from seminar_app.projects.models import PrivacyNotice
from tests.test_public_read_paths import EVENT_LIST, EVENT_PAGE


def summer_day(hour: int = 10, month: int = 7, day: int = 7) -> datetime:
    """A naive wall-clock time next year, in summer time for European zones."""
    return datetime(datetime.now().year + 1, month, day, hour, 0)


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


def html(response) -> str:  # type: ignore[no-untyped-def]
    return response.get_data(as_text=True)


# --- event list -------------------------------------------------------------------------


def test_index_lists_public_events_and_never_drafts(client, make_event, make_partner):
    partner = make_partner()
    make_event(partner, title="Open seminar in Lisbon")
    make_event(partner, title="Secret draft seminar", status=EventStatus.DRAFT)
    make_event(partner, title="Cancelled seminar in Porto", status=EventStatus.CANCELLED)

    page = html(client.get("/"))

    assert "Open seminar in Lisbon" in page
    assert "Cancelled seminar in Porto" in page
    assert "Secret draft seminar" not in page


def test_upcoming_soonest_first_and_past_on_second_tab_most_recent_first(client, make_event, make_partner):
    partner = make_partner()
    make_event(partner, title="Later upcoming", days_ahead=20)
    make_event(partner, title="Sooner upcoming", days_ahead=5)
    make_event(partner, title="Long ago", days_ahead=-40, status=EventStatus.DELIVERED)
    make_event(partner, title="Recently held", days_ahead=-3, status=EventStatus.DELIVERED)

    upcoming = html(client.get("/"))
    past = html(client.get("/?when=past"))

    assert upcoming.index("Sooner upcoming") < upcoming.index("Later upcoming")
    assert "Recently held" not in upcoming
    assert past.index("Recently held") < past.index("Long ago")
    assert "Sooner upcoming" not in past
    assert 'aria-current="page" href="/?when=past"' in past


def test_filters_narrow_the_list_and_every_filter_has_a_label(client, make_event, make_partner, make_project):
    lisbon = make_partner(country="PT", city="Lisboa", timezone="Europe/Lisbon", default_language="pt")
    other_project = make_project(slug="other", acronym="OTHER")
    bucharest = make_partner(
        other_project, country="RO", city="București", timezone="Europe/Bucharest", default_language="ro"
    )
    make_event(lisbon, title="Seminário em Lisboa")
    make_event(
        bucharest,
        title="Seminar online în București",
        format=EventFormat.ONLINE,
        venue_name="",
        address="",
    )

    for query in ("country=RO", "language=ro", "format=online", "project=other"):
        page = html(client.get(f"/?{query}"))
        assert "Seminar online în București" in page, query
        assert "Seminário em Lisboa" not in page, query

    page = html(client.get("/"))
    for name in ("project", "country", "language", "format"):
        assert f'<label class="form-label" for="{name}">' in page
    assert '<form method="get"' in page


def test_a_bad_filter_value_is_shown_next_to_its_field_and_ignored(client, make_event):
    make_event(title="Still listed")

    response = client.get("/?format=bogus")

    assert response.status_code == 200
    assert "Not a valid choice" in html(response)
    assert "Still listed" in html(response)


def test_index_is_paginated(app, client, make_event, make_partner, monkeypatch):
    monkeypatch.setitem(app.config, "PUBLIC_PAGE_SIZE", 2)
    partner = make_partner()
    for n in range(3):
        make_event(partner, title=f"Seminar number {n}", days_ahead=10 + n)

    first, second = html(client.get("/")), html(client.get("/?page=2"))

    assert "Seminar number 0" in first and "Seminar number 1" in first
    assert "Seminar number 2" not in first
    assert 'href="/?page=2"' in first
    assert "Seminar number 2" in second and "Seminar number 0" not in second


def test_card_shows_time_in_the_event_zone_with_zone_named(client, make_event, make_partner):
    partner = make_partner(timezone="Europe/Lisbon")
    event = make_event(partner, starts_local=summer_day(10), hours=2, format=EventFormat.HYBRID)

    page = html(client.get("/"))

    assert f'datetime="{summer_day(10).isoformat()}+01:00"' in page
    assert "10:00" in page and "12:00" in page
    assert "Europe/Lisbon, UTC+01:00" in page
    assert "Hybrid" in page
    assert "Portuguese" in page
    assert partner.name in page and "Portugal" in page
    assert f'href="/events/{event.slug}"' in page


@pytest.mark.parametrize(
    ("status", "label"), [(EventStatus.POSTPONED, "Postponed"), (EventStatus.CANCELLED, "Cancelled")]
)
def test_card_shows_postponed_or_cancelled_badge(client, make_event, status, label):
    make_event(status=status)

    assert f'<span class="badge text-bg-{"warning" if label == "Postponed" else "danger"}">{label}</span>' in html(
        client.get("/")
    )


def test_index_makes_the_same_number_of_queries_for_3_or_30_events(client, make_event, make_partner):
    def queries_for_index() -> int:
        db.session.expunge_all()  # as in a real request: nothing already loaded
        with count_queries() as statements:
            assert client.get("/").status_code == 200
        return len(statements)

    for n in range(3):
        make_event(make_partner(), title=f"Event {n}", days_ahead=5 + n)
    with_3 = queries_for_index()
    for n in range(27):
        make_event(make_partner(), title=f"More {n}", days_ahead=10 + n)
    with_30 = queries_for_index()

    # Each make_event starts a new content generation, so the filters' choices are read too.
    assert with_30 == with_3 == EVENT_LIST + 3


# --- event page -------------------------------------------------------------------------


@pytest.mark.parametrize("slug", ["draft", "no-such-event"])
def test_event_page_is_404_for_drafts_and_unknown_slugs(client, make_event, slug):
    make_event(slug="draft", status=EventStatus.DRAFT)

    assert client.get(f"/events/{slug}").status_code == 404


def test_event_page_shows_details_but_never_the_joining_link(client, make_event, make_partner):
    partner = make_partner(name="Direção-Geral de Reinserção", country="PT", timezone="Europe/Lisbon")
    event = make_event(
        partner,
        title="Mentoring in probation",
        starts_local=summer_day(10),
        joining_url="https://zoom.example/j/987654321?pwd=secret",
        online_platform="Zoom",
        venue_name="Auditório Municipal",
        address="Rua Augusta 1",
        city="Lisboa",
        summary="Results for probation officers.",
        objective="Present PR2.",
        target_audiences=["prison_probation"],
        description="Intro **bold**\n\n<script>alert('x')</script>",
    )

    page = html(client.get(f"/events/{event.slug}"))

    assert "Mentoring in probation" in page
    assert "Seminar" in page
    assert "Direção-Geral de Reinserção" in page
    assert "Auditório Municipal" in page and "Rua Augusta 1" in page and "Lisboa" in page
    assert "Online" in page and "Zoom" in page
    assert "zoom.example" not in page and "987654321" not in page
    assert "<strong>bold</strong>" in page
    assert "<script>alert" not in page
    assert "Results for probation officers." in page
    assert "Present PR2." in page
    assert "Prison and probation staff" in page
    assert f'<time datetime="{summer_day(10).isoformat()}+01:00">' in page
    assert "Europe/Lisbon, UTC+01:00" in page


def test_online_event_says_online_and_shows_no_venue(client, make_event):
    event = make_event(format=EventFormat.ONLINE, venue_name="", address="", online_platform="Microsoft Teams")

    page = html(client.get(f"/events/{event.slug}"))

    assert "Online" in page and "Microsoft Teams" in page
    assert "<address" not in page


def test_multi_day_event_shows_both_dates(client, make_event, make_partner):
    partner = make_partner(timezone="Europe/Lisbon")
    start = summer_day(9, month=7, day=7)
    event = make_event(partner, starts_local=start, hours=24 + 8)

    page = html(client.get(f"/events/{event.slug}"))

    assert f'datetime="{start.isoformat()}+01:00"' in page
    assert f'datetime="{(start + timedelta(hours=32)).isoformat()}+01:00"' in page
    assert "7 July" in page and "8 July" in page


def test_agenda_is_grouped_by_day_with_times_in_event_zone_and_speakers(
    client, make_event, make_partner, make_agenda_item, make_speaker
):
    partner = make_partner(timezone="Europe/Bucharest", country="RO", city="București", default_language="ro")
    event = make_event(partner, starts_local=summer_day(9), hours=30)
    ana = make_speaker(event, name="Dr Ana Sousa", affiliation="University of Lisbon")
    make_agenda_item(event, title="Opening talk", speakers=[ana])
    make_agenda_item(event, title="Second-day panel", start_offset=timedelta(hours=24))

    page = html(client.get(f"/events/{event.slug}"))

    day_headings = re.findall(r'<h3 class="h5 mt-3">([^<]+)</h3>', page)
    assert len(day_headings) == 2
    assert "7 July" in day_headings[0] and "8 July" in day_headings[1]
    second_day = page.index(f'<h3 class="h5 mt-3">{day_headings[1]}')
    assert page.index("Opening talk") < second_day < page.index("Second-day panel")
    assert f'<time datetime="{summer_day(9).isoformat()}+03:00">09:00' in page
    assert "All times are in Europe/Bucharest, UTC+03:00." in page
    assert "Dr Ana Sousa (University of Lisbon)" in page
    assert "Criminologist." in page


def test_results_presented_and_funding_block(client, make_event, make_partner, make_project):
    project = make_project(grant_number="2024-1-PT01-KA220-ADU-000999999", disclaimer="Views are the authors' own.")
    event = make_event(make_partner(project), result_ids=[r.id for r in project.results if r.code == "PR2"])

    page = html(client.get(f"/events/{event.slug}"))

    assert "PR2</strong> – Mentoring Model and Programme" in page
    assert "State of the Art report" not in page
    assert 'alt="European Union emblem"' in page
    assert "/static/img/eu-emblem.svg" in page
    assert "Co-funded by the European Union." in page
    assert "2024-1-PT01-KA220-ADU-000999999" in page
    assert "Views are the authors&#39; own." in page


def _registration_text(client, event) -> str:  # type: ignore[no-untyped-def]
    page = html(client.get(f"/events/{event.slug}"))
    block = page[page.index('class="registration-status"') :]
    return block[: block.index("</aside>")]


def test_registration_status_open(client, make_event):
    assert "Registration is open." in _registration_text(client, make_event())


def test_registration_status_not_yet_open(client, make_event, make_partner):
    partner = make_partner(timezone="Europe/Lisbon")
    opens = summer_day(9, month=6, day=1)
    event = make_event(partner, starts_local=summer_day(10), registration_opens_local=opens)

    text = _registration_text(client, event)

    assert "Registration is not open yet." in text
    assert f'datetime="{opens.isoformat()}+01:00"' in text


def test_registration_status_closed(client, make_event):
    event = make_event()
    event.registration_closes_at = event.created_at - timedelta(minutes=1)
    db.session.commit()

    assert "Registration is closed." in _registration_text(client, event)


def test_registration_status_cancelled_shows_the_note(client, make_event):
    event = make_event(status=EventStatus.CANCELLED)
    event.status_note = "The venue flooded; we will announce a new seminar."
    db.session.commit()

    text = _registration_text(client, event)

    assert "This event has been cancelled." in text
    assert "The venue flooded; we will announce a new seminar." in text


def test_registration_status_postponed(client, make_event):
    assert "This event has been postponed." in _registration_text(client, make_event(status=EventStatus.POSTPONED))


def test_registration_status_after_the_event(client, make_event):
    event = make_event(days_ahead=-2, status=EventStatus.DELIVERED)

    assert "This event has taken place." in _registration_text(client, event)


def test_event_page_query_count_does_not_grow_with_the_agenda(client, make_event, make_agenda_item, make_speaker):
    event = make_event()
    event_id, slug = event.id, event.slug
    make_agenda_item(event, title="Only item", speakers=[make_speaker(event)])

    def queries_for_page() -> int:
        db.session.expunge_all()
        with count_queries() as statements:
            assert client.get(f"/events/{slug}").status_code == 200
        return len(statements)

    with_1 = queries_for_page()
    event = db.session.get(Event, event_id)
    for n in range(8):
        speaker = make_speaker(event, name=f"Speaker {n}")
        make_agenda_item(event, title=f"Item {n}", start_offset=timedelta(minutes=30 * n), speakers=[speaker])
    assert db.session.query(AgendaItem).count() == 9
    assert queries_for_page() == with_1 == EVENT_PAGE


# --- project, privacy, accessibility -----------------------------------------------------


def test_project_page(client, make_project, make_partner, make_event):
    project = make_project(name="Radicalisation Prevention in Prisons", acronym="R2PRIS")
    lisbon = make_partner(project, name="Universidade de Lisboa", country="PT", city="Lisboa")
    make_partner(project, name="Universitatea din București", country="RO", city="București")
    make_event(lisbon, title="Upcoming national seminar", days_ahead=10)
    make_event(lisbon, title="Past national seminar", days_ahead=-10, status=EventStatus.DELIVERED)
    make_event(lisbon, title="Hidden draft", status=EventStatus.DRAFT)

    page = html(client.get(f"/projects/{project.slug}"))

    assert "R2PRIS" in page and "Radicalisation Prevention in Prisons" in page
    assert project.grant_number in page and "Erasmus+ KA220-ADU" in page
    assert "<td>PR1</td><td>State of the Art report</td><td>WP2</td>" in page
    assert '<h3 class="h5">Portugal</h3>' in page and '<h3 class="h5">Romania</h3>' in page
    assert page.index("Portugal") < page.index("Universidade de Lisboa") < page.index("Romania")
    assert "Universitatea din București, București" in page
    assert page.index("Upcoming national seminar") < page.index("Past national seminar")
    assert "Hidden draft" not in page
    assert 'alt="European Union emblem"' in page


def test_unknown_project_is_404(client):
    assert client.get("/projects/nope").status_code == 404
    assert client.get("/projects/nope/privacy").status_code == 404


def test_privacy_pages_show_each_projects_current_notice(client, make_project):
    first = make_project(acronym="ALPHA")
    make_project(acronym="BETA")
    first.privacy_notices.append(PrivacyNotice(version=2, text="Second version: we keep **evidence** for 5 years."))
    db.session.commit()

    platform = html(client.get("/privacy"))
    project_page = html(client.get(f"/projects/{first.slug}/privacy"))

    assert "ALPHA" in platform and "BETA" in platform
    assert "Version 2" in platform and "<strong>evidence</strong>" in platform
    assert "Version 1" in platform
    assert "Version 2" in project_page and "<strong>evidence</strong>" in project_page
    assert "We process your data to run the seminar." not in project_page


def test_accessibility_statement(client):
    page = html(client.get("/accessibility"))

    assert "WCAG" in page and "2.1" in page and "AA" in page
    assert "keyboard" in page
    assert "Report a problem" in page


@pytest.mark.parametrize("path", ["/", "/privacy", "/accessibility", "/events/{slug}", "/projects/{project}"])
def test_pages_load_nothing_from_other_sites(client, make_event, path):
    event = make_event()
    page = html(client.get(path.format(slug=event.slug, project=event.project.slug)))

    external = re.findall(r'<(?:link|script|img|iframe|source)\b[^>]*(?:src|href)="(?!/)([^"]*)"', page)
    assert external == []


# --- language switch ----------------------------------------------------------------------


def test_set_language_stores_choice_and_returns_to_the_page(client):
    response = client.get("/lang/pt?next=/accessibility?x=1")

    assert response.status_code == 302
    assert response.headers["Location"] == "/accessibility?x=1"
    with client.session_transaction() as session:
        assert session["lang"] == "pt"


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example",
        "\\\\evil.example",
        "javascript:alert(1)",
        "evil.example",
        "/%0d%0aSet-Cookie:x",
        "/\tevil",
    ],
)
def test_set_language_never_redirects_off_site(client, target):
    response = client.get("/lang/pt", query_string={"next": target})

    assert response.status_code == 302
    location = response.headers["Location"]
    assert location == "/" or (location.startswith("/") and not location.startswith("//") and "evil" not in location)


def test_set_language_refuses_unknown_languages(client):
    assert client.get("/lang/xx?next=/").status_code == 404
    with client.session_transaction() as session:
        assert "lang" not in session
