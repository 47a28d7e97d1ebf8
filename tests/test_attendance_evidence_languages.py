"""PDFs with the event's texts in the reader's language: the certificate in the attendee's
(where the event is translated into it), the agenda in the language asked for."""

from __future__ import annotations

from datetime import timedelta

import pytest

from seminar_app.attendance import evidence, services
from seminar_app.privacy.agenda_pdf import agenda_pdf
from tests.content_translations import ITEM_EN, ITEM_PT, TITLE_EN, TITLE_PT, translate, translate_item
from tests.test_attendance_evidence import end_an_hour_ago, read_pdf, register


def _flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture
def translated(make_event, make_partner, make_agenda_item):  # type: ignore[no-untyped-def]
    """An English event with a Portuguese translation of its texts and agenda."""
    event = make_event(make_partner(default_language="en"), language="en", title=TITLE_EN)
    item = make_agenda_item(event, title=ITEM_EN, duration=timedelta(minutes=45))
    translate(event)
    translate_item(item)
    return event


def test_the_certificate_carries_the_title_in_the_attendees_language(translated) -> None:
    portuguese = register(translated, "Inês Carvalho", language="pt")
    english = register(translated, "Mary Byrne", language="en")
    finnish = register(translated, "Aino Virtanen", language="fi")
    end_an_hour_ago(translated)
    for registration in (portuguese, english, finnish):
        services.check_in(registration, translated.local_days[0])

    in_pt, _pages = read_pdf(evidence.certificate_pdf(portuguese))
    in_en, _pages = read_pdf(evidence.certificate_pdf(english))
    in_fi, _pages = read_pdf(evidence.certificate_pdf(finnish))

    assert TITLE_PT in _flat(in_pt) and TITLE_EN not in _flat(in_pt)
    assert "Certificado de presença" in _flat(in_pt)
    assert TITLE_EN in _flat(in_en) and TITLE_PT not in _flat(in_en)
    assert TITLE_EN in _flat(in_fi), "no Finnish translation: the main language"


def test_the_agenda_pdf_in_the_language_asked_for_else_the_main_one(translated) -> None:
    main = _flat(read_pdf(agenda_pdf(translated))[0])
    in_pt = _flat(read_pdf(agenda_pdf(translated, "pt"))[0])
    in_fi = _flat(read_pdf(agenda_pdf(translated, "fi"))[0])

    assert TITLE_EN in main and ITEM_EN in main and "All times are in" in main
    assert TITLE_PT in in_pt and ITEM_PT in in_pt and ITEM_EN not in in_pt
    assert "Programa" in in_pt, "the document's own words in Portuguese too"
    assert in_fi == main
