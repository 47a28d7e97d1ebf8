"""The interface follows the reader's language; event times stay in the event's own zone."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from flask import Flask

from seminar_app import i18n
from seminar_app.enums import EventFormat, Role

TRANSLATIONS = Path(__file__).resolve().parent.parent / "seminar_app" / "translations"


@pytest.fixture(scope="session", autouse=True)
def compiled_catalogues(_app: Flask) -> None:
    """Compile the .po files (the .mo files are not committed), as `make translations` does."""
    from babel.messages.mofile import write_mo

    for po_path in TRANSLATIONS.glob("*/LC_MESSAGES/messages.po"):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file)
        with mo_path.open("wb") as mo_file:
            write_mo(mo_file, catalog)
    # Translations looked up before the catalogue existed would be cached as empty.
    with _app.app_context():
        _app.extensions["babel"].instance.domain_instance.cache.clear()


def day_next_year(month: int, day: int, hour: int) -> datetime:
    return datetime(datetime.now().year + 1, month, day, hour, 0)


def test_portuguese_catalogue_compiles_and_translates_the_public_interface():
    with (TRANSLATIONS / "pt" / "LC_MESSAGES" / "messages.mo").open("rb") as f:
        catalog = read_mo(f)

    for english in ("Upcoming", "Past", "Agenda", "Registration is open.", "Funding", "Privacy notice", "Country"):
        assert catalog[english].string, english


def test_accept_language_pt_gives_portuguese_text_and_month_names(client, make_event, make_partner):
    partner = make_partner(timezone="Europe/Lisbon")
    event = make_event(partner, starts_local=day_next_year(5, 4, 10), hours=2)
    headers = {"Accept-Language": "pt-PT,pt;q=0.9,en;q=0.5"}

    listing = client.get("/", headers=headers).get_data(as_text=True)
    page = client.get(f"/events/{event.slug}", headers=headers).get_data(as_text=True)

    assert '<html lang="pt-PT">' in listing
    assert "Próximos" in listing and "Anteriores" in listing and "Eventos" in listing
    assert "Aviso de privacidade" in listing and "Declaração de acessibilidade" in listing
    assert "de maio de" in listing
    assert "Programa" in page and "As inscrições estão abertas." in page
    assert "Financiamento" in page and "Emblema da União Europeia" in page
    assert "Cofinanciado pela União Europeia" in page
    assert "de maio de" in page and "May" not in page
    assert f'datetime="{day_next_year(5, 4, 10).isoformat()}+01:00">' in page
    assert "10:00" in page and "12:00" in page
    assert "Europe/Lisbon, UTC+01:00" in page


def test_filter_labels_are_translated(client, make_event):
    make_event()

    page = client.get("/", headers={"Accept-Language": "pt"}).get_data(as_text=True)

    assert '<label class="form-label" for="country">País</label>' in page
    assert '<label class="form-label" for="format">Formato</label>' in page


def test_language_switch_persists_in_the_session(client):
    response = client.get("/lang/ro?next=/accessibility")

    assert response.headers["Location"] == "/accessibility"
    with client.session_transaction() as session:
        assert session["lang"] == "ro"
    # The choice wins over the browser's preference on later pages.
    page = client.get("/", headers={"Accept-Language": "pt"}).get_data(as_text=True)
    assert '<html lang="ro-RO">' in page
    assert '<span aria-current="true" class="fw-bold" lang="ro-RO">Română</span>' in page


@pytest.mark.parametrize(
    ("language", "month", "start", "end"),
    [
        ("en", "July", "10:00", "13:00"),
        ("pt", "julho", "10:00", "13:00"),
        ("ro", "iulie", "10:00", "13:00"),
    ],
)
def test_bucharest_event_shows_its_local_time_and_zone_whatever_the_readers_language(
    client, make_event, make_partner, language, month, start, end
):
    partner = make_partner(timezone="Europe/Bucharest", country="RO", city="Cluj-Napoca", default_language="ro")
    event = make_event(partner, starts_local=day_next_year(7, 7, 10), hours=3, format=EventFormat.ONLINE, venue_name="")

    page = client.get(f"/events/{event.slug}", headers={"Accept-Language": language}).get_data(as_text=True)

    assert f'<html lang="{i18n.language_tag(language)}">' in page
    assert f'datetime="{day_next_year(7, 7, 10).isoformat()}+03:00">' in page
    assert f", {start}</time>–<time" in page and f">{end}</time>" in page
    assert "Europe/Bucharest, UTC+03:00" in page
    assert month in page


def test_choice_lists_speak_the_readers_language_and_keep_each_enums_own_label(client, login, make_user, make_event):
    """The lists are built at import time; their labels must still be translated per request,
    and the agenda's "Other" is not the audience "Other practitioners" (both are stored as "other")."""
    event = make_event()
    login(make_user(Role.ORGANISER, partners=[event.partner]))

    english = client.get(f"/manage/events/{event.id}/agenda/new").get_data(as_text=True)
    client.get("/lang/pt")
    portuguese = client.get(f"/manage/events/{event.id}/agenda/new").get_data(as_text=True)
    event_form = client.get(f"/manage/events/{event.id}").get_data(as_text=True)

    assert '<option value="other">Other</option>' in english
    assert "Other practitioners" not in english
    assert '<option value="other">Outro</option>' in portuguese
    assert '<option selected value="seminar">Seminário</option>' in event_form
    assert ">Seminar<" not in event_form


def test_country_names_are_those_of_portugal_and_sorted_as_a_portuguese_reader_expects(client, make_event):
    event = make_event()

    page = client.get(f"/events/{event.slug}/register", headers={"Accept-Language": "pt-PT"}).get_data(as_text=True)

    for name in ("Roménia", "Polónia", "Estónia", "Irão", "Vietname"):
        assert f">{name}</option>" in page, name
    for brazilian in ("Romênia", "Polônia", "Estônia", "Irã<", "Vietnã"):
        assert brazilian not in page, brazilian
    assert page.index(">Argélia<") < page.index(">Argentina<")
    assert page.index(">Áustria<") < page.index(">Bélgica<")
    assert page.index(">Zâmbia<") > page.index(">Áustria<")


def test_collation_follows_each_languages_alphabet() -> None:
    names = ["Zambia", "Österreich", "Ozean", "Çad", "Cuba", "Ángela", "Ana"]

    assert i18n.sorted_by_name(names, str, "fi") == ["Ana", "Ángela", "Çad", "Cuba", "Ozean", "Zambia", "Österreich"]
    assert i18n.sorted_by_name(names, str, "tr") == ["Ana", "Ángela", "Cuba", "Çad", "Ozean", "Österreich", "Zambia"]
    assert i18n.sorted_by_name(names, str, "de") == ["Ana", "Ángela", "Çad", "Cuba", "Österreich", "Ozean", "Zambia"]


def test_the_switcher_offers_only_languages_whose_catalogue_is_complete(client, monkeypatch) -> None:
    complete = i18n.catalogue_complete
    monkeypatch.setattr(i18n, "catalogue_complete", lambda code: code != "it" and complete(code))

    page = client.get("/", headers={"Accept-Language": "it-IT,it;q=0.9"}).get_data(as_text=True)

    assert '<html lang="en-GB">' in page
    assert "Italiano" not in page
    assert 'lang="pt-PT" hreflang="pt-PT">Português</a>' in page
    assert client.get("/lang/it").status_code == 404


def test_an_incomplete_catalogue_is_recognised(tmp_path, monkeypatch) -> None:
    catalogue = tmp_path / "el" / "LC_MESSAGES"
    catalogue.mkdir(parents=True)
    (catalogue / "messages.po").write_text(
        'msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgid "Events"\nmsgstr "Εκδηλώσεις"\n\nmsgid "Register"\nmsgstr ""\n',
        encoding="utf-8",
    )
    (catalogue / "messages.mo").write_bytes(b"")
    monkeypatch.setattr(i18n, "CATALOGUES", tmp_path)

    assert not i18n.catalogue_complete("el")
    (catalogue / "messages.po").write_text(
        'msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgid "Events"\nmsgstr "Εκδηλώσεις"\n\nmsgid "Register"\nmsgstr "Εγγραφή"\n',
        encoding="utf-8",
    )
    assert i18n.catalogue_complete("el")
