"""Helpers for tests of event content in several languages: an English event with a
Portuguese translation of its texts and agenda, written straight to the models."""

from __future__ import annotations

from seminar_app.agenda.models import AgendaItem, AgendaItemTranslation
from seminar_app.events.models import Event, EventTranslation
from seminar_app.extensions import db

TITLE_EN = "Mentoring seminar"
TITLE_PT = "Seminário de mentoria"
SUMMARY_EN = "Results presented to practitioners."
SUMMARY_PT = "Resultados apresentados aos profissionais."
ITEM_EN = "Welcome"
ITEM_PT = "Boas-vindas"


def translate(event: Event, language: str = "pt", **texts: str) -> EventTranslation:
    """Add a translation of `event` (Portuguese title and summary unless given)."""
    values = {"title": TITLE_PT, "summary": SUMMARY_PT} if language == "pt" else {}
    values.update(texts)
    translation = EventTranslation(event=event, language=language, **values)
    db.session.add(translation)
    db.session.commit()
    return translation


def translate_item(item: AgendaItem, language: str = "pt", title: str = ITEM_PT) -> AgendaItemTranslation:
    translation = AgendaItemTranslation(item=item, language=language, title=title)
    db.session.add(translation)
    db.session.commit()
    return translation
