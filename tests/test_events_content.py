"""events.content: the one place that picks the reader's version of an event's texts."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlalchemy import event as sa_event
from sqlalchemy import select

from seminar_app.agenda.models import AgendaItemTranslation
from seminar_app.events.content import (
    available_languages,
    content_loading,
    localized,
    offered_in_clause,
    pick_language,
)
from seminar_app.events.models import Event, EventTranslation
from seminar_app.extensions import db


@contextmanager
def count_queries() -> Iterator[list[str]]:
    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    sa_event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        sa_event.remove(db.engine, "before_cursor_execute", record)


@pytest.fixture
def pt_event(make_event, make_partner, make_agenda_item):
    partner = make_partner(default_language="pt")
    event = make_event(
        partner,
        title="Seminário nacional",
        summary="Resumo em português.",
        description="Descrição.",
        objective="Apresentar o PR2.",
    )
    welcome = make_agenda_item(event, title="Boas-vindas")
    panel = make_agenda_item(event, title="Painel", start_offset=timedelta(minutes=30))
    panel.description = "Debate com convidados."
    event.translations.append(
        EventTranslation(language="en", title="National seminar", summary="Summary in English.", description="")
    )
    welcome.translations.append(AgendaItemTranslation(language="en", title="Welcome", description="Coffee."))
    db.session.commit()
    return event


def test_a_reader_of_a_translated_language_gets_the_translation_and_the_main_text_where_it_is_empty(pt_event):
    shown = localized(pt_event, "en")
    assert shown.content_language == "en" and shown.requested_language == "en" and not shown.is_fallback
    assert shown.title == "National seminar"
    assert shown.summary == "Summary in English."
    assert shown.description == "Descrição." and shown.lang_of("description") == "pt"
    assert shown.objective == "Apresentar o PR2."
    assert shown.lang_of("title") == "en"
    # Everything else is the event's own.
    assert shown.slug == pt_event.slug and shown.starts_at == pt_event.starts_at and shown.event is pt_event
    assert [i.title for i in shown.agenda_items] == ["Welcome", "Painel"]
    assert [i.description for i in shown.agenda_items] == ["Coffee.", "Debate com convidados."]
    assert shown.agenda_items[1].lang_of("title") == "pt"
    assert shown.agenda_items[0].item is pt_event.agenda_items[0]
    assert shown.agenda_items[0].local_start == pt_event.agenda_items[0].local_start


def test_a_language_without_translation_falls_back_to_the_main_language(pt_event):
    shown = localized(pt_event, "fi")
    assert shown.content_language == "pt" and shown.requested_language == "fi" and shown.is_fallback
    assert shown.title == "Seminário nacional"
    assert [i.title for i in shown.agenda_items] == ["Boas-vindas", "Painel"]
    assert shown.other_languages == ["en"]

    main = localized(pt_event, None)
    assert main.content_language == "pt" and not main.is_fallback and main.title == "Seminário nacional"


def test_the_proxy_is_read_only(pt_event):
    shown = localized(pt_event, "en")
    with pytest.raises(AttributeError):
        shown.title = "Changed"  # type: ignore[misc]
    assert pt_event.title == "Seminário nacional"


def test_available_languages_and_pick_language(pt_event):
    pt_event.translations.append(EventTranslation(language="de", title="Nationales Seminar"))
    db.session.commit()
    assert available_languages(pt_event) == ["pt", "de", "en"]
    assert pick_language(pt_event, ["fi", "en", "de"]) == "en"
    assert pick_language(pt_event, [None, "fi"]) == "pt"
    assert pick_language(pt_event, []) == "pt"


def test_offered_in_clause_finds_events_in_a_language_or_translated_into_it(pt_event, make_event, make_partner):
    english = make_event(make_partner(default_language="en"), title="English only")
    query = select(Event.title).order_by(Event.title)
    assert db.session.scalars(query.where(offered_in_clause("en"))).all() == ["English only", "Seminário nacional"]
    assert db.session.scalars(query.where(offered_in_clause("pt"))).all() == ["Seminário nacional"]
    assert db.session.scalars(query.where(offered_in_clause("fi"))).all() == []
    assert english.language == "en"


def test_deleting_an_event_or_an_item_removes_its_translations(pt_event):
    db.session.delete(pt_event.agenda_items[0])
    db.session.commit()
    assert db.session.scalar(select(db.func.count(AgendaItemTranslation.id))) == 0
    db.session.delete(pt_event)
    db.session.commit()
    assert db.session.scalar(select(db.func.count(EventTranslation.id))) == 0


def test_localizing_a_list_of_events_costs_a_bounded_number_of_queries(make_event, make_partner, make_agenda_item):
    def build(n: int) -> None:
        partner = make_partner(default_language="pt")
        for i in range(n):
            event = make_event(partner, title=f"Evento {i}")
            item = make_agenda_item(event, title="Abertura")
            event.translations.append(EventTranslation(language="en", title=f"Event {i}"))
            item.translations.append(AgendaItemTranslation(language="en", title="Opening"))
        db.session.commit()

    def measure() -> tuple[int, list[str]]:
        db.session.expire_all()
        with count_queries() as statements:
            events = db.session.scalars(select(Event).options(*content_loading(agenda=True))).all()
            shown = [localized(e, "en") for e in events]
            titles = [(s.title, [i.title for i in s.agenda_items]) for s in shown]
        return len(statements), [t for t, _ in titles]

    build(2)
    few, titles = measure()
    assert titles == ["Event 0", "Event 1"]
    build(8)
    many, titles = measure()
    assert len(titles) == 10 and many == few
