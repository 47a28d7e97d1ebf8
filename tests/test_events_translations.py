"""Event content in several languages: the rules for saving and deleting translations,
and who gets a calendar update when one changes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from seminar_app.agenda.models import AgendaItemTranslation
from seminar_app.enums import EventStatus
from seminar_app.errors import Conflict, DomainError, ValidationFailed
from seminar_app.events import translation_services as ts
from seminar_app.events.content import localized
from seminar_app.events.models import EventTranslation
from seminar_app.extensions import db
from seminar_app.registration import services as registration_services
from tests.test_registration_services import mails, person

Input = ts.EventTranslationInput
Text = ts.AgendaTextInput


@pytest.fixture
def event(make_event, make_partner, make_agenda_item):  # type: ignore[no-untyped-def]
    event = make_event(
        make_partner(default_language="pt"),
        title="Seminário nacional",
        summary="Resumo.",
        description="Descrição.",
        objective="Apresentar o PR2.",
        capacity_onsite=10,
    )
    make_agenda_item(event, title="Boas-vindas")
    make_agenda_item(event, title="Painel", start_offset=timedelta(minutes=30))
    return event


def registrant(event, n: int, language: str):  # type: ignore[no-untyped-def]
    registration = registration_services.register(event, person(n)).registration
    registration.language = language
    db.session.commit()
    return registration


def translations_count() -> int:
    return db.session.scalar(select(func.count(EventTranslation.id))) or 0


def test_an_organiser_adds_and_changes_a_translation_with_its_agenda(event) -> None:
    first, second = event.agenda_items
    saved = ts.save_event_translation(
        event,
        "en",
        Input(title="  National seminar ", summary="Summary.", agenda={first.id: Text("Welcome", "Coffee.")}),
        new=True,
    )
    assert saved.title == "National seminar"
    shown = localized(event, "en")
    assert (shown.title, shown.summary, shown.description) == ("National seminar", "Summary.", "Descrição.")
    assert [i.title for i in shown.agenda_items] == ["Welcome", "Painel"]

    ts.save_event_translation(
        event, "en", Input(title="National seminar 2026", agenda={first.id: Text(), second.id: Text("Panel")})
    )
    shown = localized(event, "en")
    assert shown.title == "National seminar 2026" and shown.summary == "Resumo."
    assert [i.title for i in shown.agenda_items] == ["Boas-vindas", "Panel"], "an emptied item has no translation"
    assert translations_count() == 1


@pytest.mark.parametrize(
    ("language", "message"),
    [("el", "product's languages"), ("xx", "product's languages"), ("", "product's languages"), ("pt", "main")],
)
def test_a_language_not_shipped_or_the_main_one_is_refused(event, language, message) -> None:
    with pytest.raises(ValidationFailed) as caught:
        ts.save_event_translation(event, language, Input(title="Title"))
    assert message in caught.value.errors["language"][0]
    assert translations_count() == 0


def test_a_duplicate_translation_is_refused_and_the_first_one_kept(event) -> None:
    ts.save_event_translation(event, "en", Input(title="National seminar"), new=True)
    with pytest.raises(Conflict) as caught:
        ts.save_event_translation(event, "en", Input(title="Another"), new=True)
    assert "already has a translation into English" in caught.value.message
    db.session.rollback()
    assert [t.title for t in event.translations] == ["National seminar"]


def test_an_empty_title_and_too_long_texts_are_refused_and_nothing_is_saved(event) -> None:
    item = event.agenda_items[0]
    with pytest.raises(ValidationFailed) as caught:
        ts.save_event_translation(
            event,
            "en",
            Input(
                title="   ",
                summary="x" * 501,
                objective="bad\x00text",
                agenda={item.id: Text("", "A description without title"), event.agenda_items[1].id: Text("y" * 201)},
            ),
        )
    errors = caught.value.errors
    assert errors["title"] == ["Give the translation a title."]
    assert errors["summary"] == ["Use at most 500 characters."]
    assert "control characters" in errors["objective"][0]
    assert "title" in errors[f"agenda-{item.id}-title"][0]
    assert errors[f"agenda-{event.agenda_items[1].id}-title"] == ["Use at most 200 characters."]
    db.session.rollback()
    assert translations_count() == 0
    assert db.session.scalar(select(func.count(AgendaItemTranslation.id))) == 0


def test_an_agenda_item_of_another_event_is_refused(event, make_event, make_agenda_item) -> None:
    other = make_event(title="Other event")
    foreign = make_agenda_item(other, title="Someone else's talk")
    with pytest.raises(DomainError) as caught:
        ts.save_event_translation(event, "en", Input(title="National seminar", agenda={foreign.id: Text("Hijack")}))
    assert caught.value.code == "foreign_agenda_item" and "another event" in caught.value.message
    db.session.rollback()
    assert translations_count() == 0

    ts.save_event_translation(event, "en", Input(title="National seminar"))
    with pytest.raises(DomainError) as caught:
        ts.save_agenda_item_translation(foreign, "en", "Hijack", event=event)
    assert caught.value.code == "foreign_agenda_item"
    db.session.rollback()
    assert foreign.translations == []


def test_an_agenda_item_translation_needs_the_event_translation_first(event) -> None:
    item = event.agenda_items[0]
    with pytest.raises(DomainError) as caught:
        ts.save_agenda_item_translation(item, "en", "Welcome", event=event)
    assert "before its agenda" in caught.value.message
    ts.save_event_translation(event, "en", Input(title="National seminar"))
    with pytest.raises(ValidationFailed) as caught:
        ts.save_agenda_item_translation(item, "en", " ", event=event)
    assert caught.value.errors["title"] == ["Give the translated agenda item a title."]
    ts.save_agenda_item_translation(item, "en", "Welcome", "Coffee.", event=event)
    assert localized(event, "en").agenda_items[0].title == "Welcome"
    ts.delete_agenda_item_translation(item, "en", event=event)
    assert localized(event, "en").agenda_items[0].title == "Boas-vindas"
    with pytest.raises(DomainError):
        ts.delete_agenda_item_translation(item, "en", event=event)


def test_a_translation_never_changes_dates_capacity_sequence_or_uid(event) -> None:
    before = (event.starts_at, event.ends_at, event.capacity_onsite, event.ical_sequence, event.slug, event.id)
    ts.save_event_translation(event, "en", Input(title="National seminar", summary="S."))
    ts.delete_event_translation(event, "en")
    db.session.expire_all()
    assert (event.starts_at, event.ends_at, event.capacity_onsite, event.ical_sequence, event.slug, event.id) == before
    assert mails("event_changed") == []


def test_deleting_a_translation_removes_its_agenda_texts_and_readers_get_the_main_text(event) -> None:
    item = event.agenda_items[0]
    ts.save_event_translation(event, "en", Input(title="National seminar", agenda={item.id: Text("Welcome")}))
    ts.delete_event_translation(event, "en")
    assert translations_count() == 0 and db.session.scalar(select(func.count(AgendaItemTranslation.id))) == 0
    shown = localized(event, "en")
    assert shown.is_fallback and shown.title == "Seminário nacional"
    with pytest.raises(DomainError) as caught:
        ts.delete_event_translation(event, "en")
    assert caught.value.code == "not_found"


def test_only_confirmed_readers_of_the_language_whose_entry_changed_get_an_update(event) -> None:
    english = registrant(event, 1, "en")
    registrant(event, 2, "pt")
    registrant(event, 3, "de")
    sequence = event.ical_sequence

    ts.save_event_translation(event, "en", Input(title="National seminar"))
    updates = mails("event_changed")
    assert [m.to_address for m in updates] == [english.email]
    assert updates[0].calendar_method == "REQUEST"
    assert event.ical_sequence == sequence + 1, "the update carries a higher SEQUENCE, or calendars ignore it"

    # The description is not in the calendar entry: correcting it sends nothing.
    ts.save_event_translation(event, "en", Input(title="National seminar", description="Fixed a typo."))
    assert len(mails("event_changed")) == 1 and event.ical_sequence == sequence + 1

    ts.delete_event_translation(event, "en")
    assert [m.to_address for m in mails("event_changed")] == [english.email] * 2


def test_deleting_a_translation_nobody_reads_sends_nothing(event) -> None:
    registrant(event, 1, "pt")
    ts.save_event_translation(event, "de", Input(title="Nationales Seminar"))
    sequence = event.ical_sequence
    ts.delete_event_translation(event, "de")
    assert mails("event_changed") == [] and event.ical_sequence == sequence
    assert ts.count_readers_with_entries(event, "de") == 0
    assert ts.count_readers_with_entries(event, "pt") == 1


def test_drafts_send_no_update(make_event, make_partner) -> None:
    draft = make_event(make_partner(default_language="pt"), status=EventStatus.DRAFT)
    ts.save_event_translation(draft, "en", Input(title="Draft seminar"))
    assert mails() == [] and ts.count_readers_with_entries(draft, "en") == 0


def test_statuses_say_what_is_missing_per_language(event) -> None:
    first, second = event.agenda_items
    second.description = "Debate."
    db.session.commit()
    ts.save_event_translation(
        event, "en", Input(title="National seminar", summary="S.", agenda={first.id: Text("Welcome")})
    )
    ts.save_event_translation(
        event,
        "de",
        Input(
            title="Seminar",
            summary="S.",
            description="B.",
            objective="Z.",
            agenda={first.id: Text("Willkommen"), second.id: Text("Podium", "Debatte.")},
        ),
    )
    statuses = {s.language: s for s in ts.translation_statuses(event)}
    assert list(statuses)[:2] == ["en", "pt"] and len(statuses) == 10
    assert statuses["pt"].state == "main"
    assert statuses["de"].state == "complete"
    assert statuses["fi"].state == "none"
    english = statuses["en"]
    assert english.state == "partial"
    assert english.missing_fields == ["description", "objective"]
    assert english.missing_items == [second]


def test_a_duplicated_event_keeps_its_translations(event) -> None:
    from seminar_app.events import services as event_services

    first = event.agenda_items[0]
    ts.save_event_translation(event, "en", Input(title="National seminar", agenda={first.id: Text("Welcome")}))
    copy = event_services.duplicate_event(event, event.local_start.replace(tzinfo=None) + timedelta(days=60))
    shown = localized(copy, "en")
    assert shown.title == "National seminar" and shown.agenda_items[0].title == "Welcome"
    assert copy.translations[0].id != event.translations[0].id


def test_the_main_language_cannot_become_one_the_event_is_translated_into(event) -> None:
    from seminar_app.events import services as event_services

    ts.save_event_translation(event, "en", Input(title="National seminar"))
    data = event_services.EventInput.from_event(event)
    data.language = "en"
    with pytest.raises(ValidationFailed) as caught:
        event_services.update_event(event, data)
    assert "translation into English" in caught.value.errors["language"][0]
    db.session.rollback()
    assert event.language == "pt"
