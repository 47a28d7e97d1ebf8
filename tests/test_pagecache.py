"""Public pages are served from the cache to anonymous visitors, and never stale after an edit."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from flask_babel import refresh
from sqlalchemy import event as sa_event

from seminar_app.agenda import services as agenda_services
from seminar_app.enums import EventStatus, Role
from seminar_app.events import services as event_services
from seminar_app.extensions import db
from seminar_app.timefmt import to_local


@contextmanager
def counted_queries() -> Iterator[list[str]]:
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:  # type: ignore[no-untyped-def]
        statements.append(statement)

    sa_event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        sa_event.remove(db.engine, "before_cursor_execute", count)


def test_second_anonymous_visit_is_served_without_touching_the_database(client, make_event) -> None:
    event = make_event()
    first = client.get(f"/events/{event.slug}")
    with counted_queries() as statements:
        second = client.get(f"/events/{event.slug}")
    assert second.status_code == 200
    assert second.get_data() == first.get_data()
    assert statements == []
    assert "Accept-Language" in second.headers["Vary"]


def test_an_edit_shows_at_once_on_the_event_page_and_the_list(client, make_event) -> None:
    event = make_event(title="Seminar on mentoring")
    assert "Seminar on mentoring" in client.get(f"/events/{event.slug}").get_data(as_text=True)
    assert "Seminar on mentoring" in client.get("/").get_data(as_text=True)

    data = event_services.EventInput.from_event(event)
    data.title = "Seminar on multi-agency cooperation"
    event_services.update_event(event, data)

    assert "Seminar on multi-agency cooperation" in client.get(f"/events/{event.slug}").get_data(as_text=True)
    assert "Seminar on multi-agency cooperation" in client.get("/").get_data(as_text=True)


def test_a_new_agenda_item_shows_at_once(client, make_event) -> None:
    event = make_event()
    assert "Closing remarks" not in client.get(f"/events/{event.slug}").get_data(as_text=True)
    start = to_local(event.starts_at, event.timezone)
    agenda_services.add_agenda_item(
        event,
        agenda_services.AgendaItemInput(
            title="Closing remarks", starts_local=start + timedelta(hours=2), ends_local=start + timedelta(hours=3)
        ),
    )
    assert "Closing remarks" in client.get(f"/events/{event.slug}").get_data(as_text=True)


def test_a_cancelled_event_says_so_at_once(client, make_event) -> None:
    event = make_event()
    client.get(f"/events/{event.slug}")
    event_services.change_status(event, EventStatus.CANCELLED, note="The venue is closed.")
    assert "The venue is closed." in client.get(f"/events/{event.slug}").get_data(as_text=True)


def test_a_draft_answers_404_and_appears_once_published(client, make_event) -> None:
    event = make_event(status=EventStatus.DRAFT)
    assert client.get(f"/events/{event.slug}").status_code == 404
    event_services.publish_event(event)
    assert client.get(f"/events/{event.slug}").status_code == 200


def test_logged_in_people_never_get_the_anonymous_copy(client, login, make_event, make_user) -> None:
    event = make_event()
    anonymous = client.get(f"/events/{event.slug}").get_data(as_text=True)
    assert "Log out" not in anonymous
    user = make_user(Role.ORGANISER, partners=[event.partner], name="Maria Organiser")
    login(user)
    page = client.get(f"/events/{event.slug}").get_data(as_text=True)
    assert "Maria Organiser" in page and "Log out" in page


def test_each_language_has_its_own_copy(client, make_event) -> None:
    event = make_event()
    english = client.get(f"/events/{event.slug}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    refresh()  # the test's app context outlives the request; a server starts each request afresh
    portuguese = client.get(f"/events/{event.slug}", headers={"Accept-Language": "pt"}).get_data(as_text=True)
    assert '<html lang="en-GB">' in english
    assert '<html lang="pt-PT">' in portuguese
