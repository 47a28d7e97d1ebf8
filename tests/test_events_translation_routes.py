"""The workspace's Translations tab: status per language, the side-by-side form, deleting
with confirmation, and access like every other workspace tab."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from seminar_app.enums import Role
from seminar_app.events import translation_services as ts
from seminar_app.events.models import EventTranslation
from seminar_app.extensions import db
from tests.test_events_translations import registrant


@pytest.fixture
def partner(make_partner):  # type: ignore[no-untyped-def]
    return make_partner(default_language="pt")


@pytest.fixture
def event(make_event, make_agenda_item, partner):  # type: ignore[no-untyped-def]
    event = make_event(partner, title="Seminário nacional", summary="Resumo.", objective="Apresentar o PR2.")
    make_agenda_item(event, title="Boas-vindas")
    make_agenda_item(event, title="Painel", start_offset=timedelta(minutes=30))
    return event


@pytest.fixture
def organiser(login, make_user, partner):  # type: ignore[no-untyped-def]
    return login(make_user(Role.ORGANISER, partners=[partner]))


def form(event, **overrides) -> dict[str, str]:  # type: ignore[no-untyped-def]
    data = {"new": "1", "title": "National seminar", "summary": "Summary.", "description": "", "objective": ""}
    for item in event.agenda_items:
        data[f"agenda-{item.id}-title"] = ""
        data[f"agenda-{item.id}-description"] = ""
    data.update(overrides)
    return data


def test_the_tab_lists_every_shipped_language_with_its_status(organiser, event) -> None:
    ts.save_event_translation(event, "en", ts.EventTranslationInput(title="National seminar"))
    page = organiser.get(f"/manage/events/{event.id}/translations").get_data(as_text=True)
    assert 'aria-current="page"' in page and "Translations" in page
    assert 'id="language-pt"' in page and "Main language" in page
    assert "Partial" in page and "Boas-vindas, Painel" in page and "summary, description, objective" in page
    assert page.count("Not translated") == 8
    assert 'lang="fi-FI"' in page and "Suomi" in page


def test_the_form_shows_the_main_text_beside_each_field_and_saves(organiser, event) -> None:
    page = organiser.get(f"/manage/events/{event.id}/translations/en").get_data(as_text=True)
    assert "Translate the event into English" in page
    assert 'lang="pt-PT"' in page and "Resumo." in page and "Boas-vindas" in page
    assert 'lang="en-GB"' in page, "inputs are marked with the translation's language (spelling checkers)"
    assert "Saving sends nothing" in page

    first = event.agenda_items[0]
    response = organiser.post(
        f"/manage/events/{event.id}/translations/en", data=form(event, **{f"agenda-{first.id}-title": "Welcome"})
    )
    assert response.status_code == 302 and response.headers["Location"].endswith(
        f"/manage/events/{event.id}/translations"
    )
    assert "The English version is saved." in organiser.get(response.headers["Location"]).get_data(as_text=True)
    (translation,) = event.translations
    assert translation.title == "National seminar" and first.translations[0].title == "Welcome"

    page = organiser.get(f"/manage/events/{event.id}/translations/en").get_data(as_text=True)
    assert "The event in English" in page and 'value="National seminar"' in page and 'value="Welcome"' in page


def test_bad_input_is_shown_next_to_the_field_and_nothing_is_saved(organiser, event) -> None:
    second = event.agenda_items[1]
    response = organiser.post(
        f"/manage/events/{event.id}/translations/en",
        data=form(event, title="", summary="x" * 501, **{f"agenda-{second.id}-description": "Sem título"}),
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Give the translation a title." in page and "Use at most 500 characters." in page
    assert "Give the translated agenda item a title" in page
    assert "x" * 501 in page, "what was typed is kept"
    assert db.session.scalar(select(func.count(EventTranslation.id))) == 0


def test_a_duplicate_created_from_a_stale_form_is_refused(organiser, event) -> None:
    ts.save_event_translation(event, "en", ts.EventTranslationInput(title="First one"))
    response = organiser.post(f"/manage/events/{event.id}/translations/en", data=form(event, title="Second one"))
    assert response.status_code == 409
    assert "already has a translation into English" in response.get_data(as_text=True)
    db.session.expire_all()
    assert [t.title for t in event.translations] == ["First one"]


def test_unknown_and_main_languages_are_not_edited_here(organiser, event) -> None:
    assert organiser.get(f"/manage/events/{event.id}/translations/el").status_code == 404
    assert organiser.post(f"/manage/events/{event.id}/translations/xx", data=form(event)).status_code == 404
    response = organiser.get(f"/manage/events/{event.id}/translations/pt")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/manage/events/{event.id}")
    assert db.session.scalar(select(func.count(EventTranslation.id))) == 0


def test_the_note_says_who_will_be_told_and_saving_tells_them(organiser, event) -> None:
    registrant(event, 1, "en")
    registrant(event, 2, "pt")
    page = organiser.get(f"/manage/events/{event.id}/translations/en").get_data(as_text=True)
    assert "1 confirmed attendee who reads the event in English will be sent an updated calendar entry" in page
    response = organiser.post(f"/manage/events/{event.id}/translations/en", data=form(event), follow_redirects=True)
    assert "1 confirmed attendee who reads the event in English is sent an updated calendar entry." in (
        response.get_data(as_text=True)
    )

    page = organiser.get(f"/manage/events/{event.id}/translations/en/delete").get_data(as_text=True)
    assert "Delete the English version?" in page and "1 confirmed attendee who reads" in page
    response = organiser.post(f"/manage/events/{event.id}/translations/en/delete", follow_redirects=True)
    assert "The English version is deleted." in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(EventTranslation.id))) == 0


def test_deleting_asks_first_and_a_missing_translation_is_not_found(organiser, event) -> None:
    assert organiser.get(f"/manage/events/{event.id}/translations/de/delete").status_code == 404
    ts.save_event_translation(event, "de", ts.EventTranslationInput(title="Nationales Seminar"))
    page = organiser.get(f"/manage/events/{event.id}/translations/de/delete").get_data(as_text=True)
    assert "Nobody is sent anything" in page
    assert db.session.scalar(select(func.count(EventTranslation.id))) == 1


@pytest.mark.parametrize("outsider", ["other_partner", "manager_of_other_project"])
def test_other_partners_get_not_found(login, make_user, make_partner, make_project, event, outsider) -> None:
    ts.save_event_translation(event, "en", ts.EventTranslationInput(title="National seminar"))
    user = (
        make_user(Role.ORGANISER, partners=[make_partner(event.partner.project)])
        if outsider == "other_partner"
        else make_user(Role.MANAGER, projects=[make_project()])
    )
    client = login(user)
    for url in ("/translations", "/translations/en", "/translations/en/delete"):
        assert client.get(f"/manage/events/{event.id}{url}").status_code == 404
    assert (
        client.post(f"/manage/events/{event.id}/translations/en", data=form(event, title="Hijack")).status_code == 404
    )
    assert client.post(f"/manage/events/{event.id}/translations/en/delete").status_code == 404
    db.session.expire_all()
    assert [t.title for t in event.translations] == ["National seminar"]
