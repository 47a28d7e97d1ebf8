"""The interface follows the reader's language; event times stay in the event's own zone."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from flask import Flask

from seminar_app.enums import EventFormat

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

    assert '<html lang="pt">' in listing
    assert "Próximos" in listing and "Anteriores" in listing and "Eventos" in listing
    assert "Aviso de privacidade" in listing and "Declaração de acessibilidade" in listing
    assert "de maio de" in listing
    assert "Programa" in page and "As inscrições estão abertas." in page
    assert "Financiamento" in page and "Emblema da União Europeia (provisório)" in page
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
    assert '<html lang="ro">' in page
    assert '<span aria-current="true" class="fw-bold" lang="ro">Română</span>' in page


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

    assert f'<html lang="{language}">' in page
    assert f'datetime="{day_next_year(7, 7, 10).isoformat()}+03:00">' in page
    assert f", {start}</time>–<time" in page and f">{end}</time>" in page
    assert "Europe/Bucharest, UTC+03:00" in page
    assert month in page
