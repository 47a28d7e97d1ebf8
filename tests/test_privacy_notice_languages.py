"""Privacy notices per language: each version has a text per language, the visitor reads
theirs (or is told which language they read), and each consent names version and language."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from seminar_app.enums import AttendanceMode, ConsentPurpose, Role
from seminar_app.errors import ValidationFailed
from seminar_app.extensions import db
from seminar_app.projects import services as project_services
from seminar_app.projects.models import PrivacyNotice, PrivacyNoticeText, Project
from seminar_app.registration import services
from seminar_app.registration.models import Consent, Registration
from seminar_app.registration.services import RegistrationInput

ENGLISH = "We process your data to run the seminar."
PORTUGUESE = "Tratamos os seus dados para organizar o seminário."


def texts() -> list[tuple[int, str, str]]:
    rows = db.session.execute(select(PrivacyNoticeText.notice_id, PrivacyNoticeText.language, PrivacyNoticeText.text))
    return [tuple(row) for row in rows]  # type: ignore[misc]


def form(**overrides: str) -> dict[str, str]:
    values = {
        "name": "Inês Carvalho",
        "email": "ines@probation.example",
        "organisation_country": "PT",
        "stakeholder_group": "prison_probation",
        "mode": "onsite",
        "privacy_acknowledged": "y",
        "consent_photos": "y",
    }
    values.update(overrides)
    return values


@pytest.fixture
def project(make_project) -> Project:  # type: ignore[no-untyped-def]
    """A project whose notice (version 1) is written in English."""
    return make_project()


@pytest.fixture
def notice(project: Project) -> PrivacyNotice:
    notice = project.current_privacy_notice
    assert notice is not None and notice.language == "en" and notice.text == ENGLISH
    return notice


@pytest.fixture
def event(make_event, make_partner, project):  # type: ignore[no-untyped-def]
    return make_event(make_partner(project), slug="mentoring", language="en")


@pytest.fixture
def admin(make_user):  # type: ignore[no-untyped-def]
    return make_user(Role.ADMIN)


# --- the service ------------------------------------------------------------------------------------


def test_a_version_gains_a_text_in_another_language(notice) -> None:
    added = project_services.add_privacy_notice_text(notice, "pt", f"  {PORTUGUESE}\n")
    assert (added.language, added.text) == ("pt", PORTUGUESE)
    assert notice.languages == ["en", "pt"]
    assert texts() == [(notice.id, "pt", PORTUGUESE)]


@pytest.mark.parametrize(
    ("language", "text", "field", "message"),
    [
        ("xx", PORTUGUESE, "language", "Choose one of the languages of the list."),
        ("el", PORTUGUESE, "language", "Choose one of the languages of the list."),  # Greek: not shipped
        ("", PORTUGUESE, "language", "Choose one of the languages of the list."),
        ("en", "Another English text.", "language", "Version 1 already has its text in English."),
        ("pt", "   ", "text", "Write the text of the privacy notice."),
        ("pt", "Texto\x00com NUL", "text", "Remove the invisible control characters from this text."),
    ],
)
def test_bad_texts_are_refused_with_a_clear_message_and_nothing_is_saved(
    notice, language, text, field, message
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        project_services.add_privacy_notice_text(notice, language, text)
    assert refused.value.errors[field][0].startswith(message)
    assert texts() == []


def test_a_language_is_added_once_and_never_edited(notice) -> None:
    project_services.add_privacy_notice_text(notice, "pt", PORTUGUESE)
    with pytest.raises(ValidationFailed) as refused:
        project_services.add_privacy_notice_text(notice, "pt", "Uma correção.")
    assert "Version 1 already has its text in Portuguese." in refused.value.errors["language"][0]
    assert "publish a new version" in refused.value.errors["language"][0]
    assert texts() == [(notice.id, "pt", PORTUGUESE)]


def test_only_the_current_version_gains_texts(project, notice) -> None:
    newer = project_services.publish_privacy_notice(project, "We now keep lists for five years.")
    assert (newer.version, newer.language) == (2, "en")
    with pytest.raises(ValidationFailed) as refused:
        project_services.add_privacy_notice_text(notice, "pt", PORTUGUESE)
    assert "Version 1 is no longer the current privacy notice" in refused.value.errors["text"][0]
    assert texts() == []


def test_a_new_version_is_written_in_the_projects_default_language(make_project) -> None:
    project = make_project(default_language="pt")
    notice = project_services.publish_privacy_notice(project, PORTUGUESE)
    assert notice.language == "pt"


# --- the administrator's page ------------------------------------------------------------------------


def test_the_admin_adds_the_portuguese_text_to_the_current_version(client, login, admin, project, notice) -> None:
    login(admin)
    page = client.get(f"/admin/projects/{project.id}/privacy").get_data(as_text=True)
    assert "Add the text in another language" in page
    options = re.findall(r'<option value="([a-z]+)">', page)
    assert "pt" in options and "en" not in options, "the version's own language is not offered again"

    response = client.post(
        f"/admin/projects/{project.id}/privacy/1/texts",
        data={"translation-language": "pt", "translation-text": PORTUGUESE},
        follow_redirects=True,
    )

    page = response.get_data(as_text=True)
    assert "Version 1 of the privacy notice is now shown in Portuguese too." in page
    assert f'<div class="border rounded p-3 mt-2" lang="pt-PT"><p>{PORTUGUESE}</p>' in page
    assert texts() == [(notice.id, "pt", PORTUGUESE)]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"translation-language": "xx", "translation-text": PORTUGUESE}, "Choose one of the languages of the list."),
        ({"translation-language": "pt", "translation-text": ""}, "Write the text of the privacy notice."),
        ({"translation-language": "en", "translation-text": PORTUGUESE}, "already has its text in English"),
    ],
)
def test_the_admin_page_refuses_bad_input_with_a_message_and_saves_nothing(
    client, login, admin, project, notice, data, message
) -> None:
    login(admin)
    response = client.post(f"/admin/projects/{project.id}/privacy/1/texts", data=data)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert texts() == []


def test_a_duplicate_language_on_the_page_is_refused(client, login, admin, project, notice) -> None:
    project_services.add_privacy_notice_text(notice, "pt", PORTUGUESE)
    login(admin)
    response = client.post(
        f"/admin/projects/{project.id}/privacy/1/texts",
        data={"translation-language": "pt", "translation-text": "Outro texto."},
    )
    assert response.status_code == 422
    assert "Version 1 already has its text in Portuguese." in response.get_data(as_text=True)
    assert texts() == [(notice.id, "pt", PORTUGUESE)]


def test_an_earlier_or_unknown_version_cannot_gain_texts(client, login, admin, project, notice) -> None:
    project_services.publish_privacy_notice(project, "Version two.")
    login(admin)
    data = {"translation-language": "pt", "translation-text": PORTUGUESE}
    response = client.post(f"/admin/projects/{project.id}/privacy/1/texts", data=data)
    assert response.status_code == 422
    assert "Version 1 is no longer the current privacy notice" in response.get_data(as_text=True)
    assert client.post(f"/admin/projects/{project.id}/privacy/9/texts", data=data).status_code == 404
    assert texts() == []


@pytest.mark.parametrize("who", ["manager_of_the_project", "manager_of_another_project", "organiser_of_a_partner"])
def test_nobody_but_an_administrator_adds_texts(
    client, login, make_user, make_project, make_partner, project, notice, who
) -> None:
    if who == "manager_of_the_project":
        user = make_user(Role.MANAGER, projects=[project])
    elif who == "manager_of_another_project":
        user = make_user(Role.MANAGER, projects=[make_project()])
    else:
        user = make_user(Role.ORGANISER, partners=[make_partner(project)])
    login(user)
    response = client.post(
        f"/admin/projects/{project.id}/privacy/1/texts",
        data={"translation-language": "pt", "translation-text": PORTUGUESE},
    )
    assert response.status_code in (403, 404)
    assert texts() == []


# --- what visitors read -------------------------------------------------------------------------------


def test_a_portuguese_visitor_reads_the_portuguese_text_on_the_form(client, notice, event) -> None:
    project_services.add_privacy_notice_text(notice, "pt", PORTUGUESE)
    client.get("/lang/pt")
    page = client.get("/events/mentoring/register").get_data(as_text=True)
    assert f'<div lang="pt-PT"><p>{PORTUGUESE}</p>' in page
    assert ENGLISH not in page and "This notice is shown in" not in page


def test_without_a_text_in_their_language_the_visitor_is_told_which_language_they_read(client, notice, event) -> None:
    client.get("/lang/pt")
    page = client.get("/events/mentoring/register").get_data(as_text=True)
    assert f'<div lang="en-GB"><p>{ENGLISH}</p>' in page
    # The sentence is translated by the lead after merging; the language is named in Portuguese.
    assert re.search(r'role="note">[^<]*inglês', page), "a visible note names the language of the text"


def test_an_english_visitor_reads_the_english_text_without_a_note(client, notice, event) -> None:
    project_services.add_privacy_notice_text(notice, "pt", PORTUGUESE)
    page = client.get("/events/mentoring/register", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert f'<div lang="en-GB"><p>{ENGLISH}</p>' in page
    assert PORTUGUESE not in page and "This notice is shown in" not in page


def test_the_public_notice_pages_show_the_visitors_language(client, project, notice) -> None:
    project_services.add_privacy_notice_text(notice, "pt", PORTUGUESE)
    client.get("/lang/pt")
    for address in ("/privacy", f"/projects/{project.slug}/privacy"):
        page = client.get(address).get_data(as_text=True)
        assert f'<div lang="pt-PT"><p>{PORTUGUESE}</p>' in page, address


def test_the_fallback_note_is_in_english_for_a_finnish_visitor(client, monkeypatch, notice, event) -> None:
    from seminar_app import i18n

    offered = {"en": "English", "pt": "Português", "fi": "Suomi"}
    monkeypatch.setattr(i18n, "offered_languages", lambda: offered)
    project_services.add_privacy_notice_text(notice, "pt", PORTUGUESE)
    page = client.get("/events/mentoring/register", headers={"Accept-Language": "fi"}).get_data(as_text=True)
    assert f'<div lang="en-GB"><p>{ENGLISH}</p>' in page and PORTUGUESE not in page
    assert 'role="note">' in page


# --- consents -----------------------------------------------------------------------------------------


def consents() -> list[tuple[ConsentPurpose, int | None, str | None]]:
    rows = db.session.execute(
        select(Consent.purpose, Consent.privacy_notice_version, Consent.privacy_notice_language).order_by(Consent.id)
    )
    return [tuple(row) for row in rows]  # type: ignore[misc]


def test_the_consent_records_the_version_and_the_language_of_the_text_shown(client, notice, event) -> None:
    project_services.add_privacy_notice_text(notice, "pt", PORTUGUESE)
    client.get("/lang/pt")
    assert client.post("/events/mentoring/register", data=form()).status_code == 302

    recorded = consents()
    assert len(recorded) == 4
    assert {(version, language) for _purpose, version, language in recorded} == {(1, "pt")}


def test_a_fallback_text_is_recorded_in_its_own_language(client, notice, event) -> None:
    client.get("/lang/pt")
    assert client.post("/events/mentoring/register", data=form()).status_code == 302
    assert {(version, language) for _purpose, version, language in consents()} == {(1, "en")}
    registration = db.session.scalars(select(Registration)).one()
    assert registration.language == "pt", "the person's language is still the page's"


def test_an_invitee_reading_the_english_page_consents_to_the_english_text(notice, event) -> None:
    """The notice is what was on screen: a Portuguese person reading the form in English
    consented to the English text."""
    project_services.add_privacy_notice_text(notice, "pt", PORTUGUESE)
    data = RegistrationInput(
        name="Rui",
        email="rui@x.example",
        mode=AttendanceMode.ONSITE,
        privacy_acknowledged=True,
        language="pt",
        notice_language="en",
    )
    services.register(event, data)
    assert {language for *_rest, language in consents()} == {"en"}


def test_changed_consents_and_the_persons_data_name_the_language(notice, event) -> None:
    project_services.add_privacy_notice_text(notice, "pt", PORTUGUESE)
    data = RegistrationInput(
        name="Rui", email="rui@x.example", mode=AttendanceMode.ONSITE, privacy_acknowledged=True, language="pt"
    )
    registration = services.register(event, data).registration
    [added] = services.change_consents(registration, {ConsentPurpose.PHOTOS: True})
    assert (added.privacy_notice_version, added.privacy_notice_language) == (1, "pt")
    exported = services.personal_data(registration)["consents"]
    assert {(c["privacy_notice_version"], c["privacy_notice_language"]) for c in exported} == {(1, "pt")}


def test_people_added_by_an_organiser_record_no_consent(notice, event, make_user) -> None:
    data = RegistrationInput(name="Rui", email="rui@x.example", mode=AttendanceMode.ONSITE, language="pt")
    services.register(event, data, actor=make_user(Role.ORGANISER, partners=[event.partner]), source="organiser")
    assert db.session.scalar(select(func.count()).select_from(Consent)) == 0


@pytest.mark.parametrize(("with_portuguese", "recorded"), [(True, "pt"), (False, "en")])
def test_an_api_consent_names_the_text_a_reader_of_the_persons_language_gets(
    client, notice, event, with_portuguese, recorded
) -> None:
    if with_portuguese:
        project_services.add_privacy_notice_text(notice, "pt", PORTUGUESE)
    body = {"name": "Rui", "email": "rui@x.example", "mode": "onsite", "privacy_acknowledged": True, "language": "pt"}
    assert client.post(f"/api/v1/events/{event.id}/registrations", json=body).status_code == 202
    assert {(version, language) for _purpose, version, language in consents()} == {(1, recorded)}
