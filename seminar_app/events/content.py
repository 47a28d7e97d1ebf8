"""The one place that picks which language's version of an event's texts a reader gets.

An event is written in its main language (`Event.language`) and may have translations
(`EventTranslation`, `AgendaItemTranslation`). Every page, mail, feed and export asks
`localized(event, language)` for the version to show instead of choosing itself: the
translation's value where it has one, the main language's otherwise, field by field.

Lists of events load translations with `content_loading()` so that localizing them costs a
bounded number of queries whatever the number of events.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from babel import Locale
from flask import has_request_context, session
from sqlalchemy import ColumnElement, or_
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.interfaces import LoaderOption

from seminar_app import geo, i18n
from seminar_app.agenda.models import AgendaItem
from seminar_app.events.models import Event, EventTranslation

# The texts a translation may carry; everything else (dates, places, capacity) has one value.
EVENT_FIELDS = ("title", "summary", "description", "objective")
AGENDA_FIELDS = ("title", "description")


def available_languages(event: Event) -> list[str]:
    """The languages the event can be read in: its main language first, then its translations'."""
    others = sorted({t.language for t in event.translations if t.language != event.language})
    return [event.language, *others]


def pick_language(event: Event, wanted: Iterable[str | None]) -> str:
    """The first of `wanted` the event can be read in, else its main language."""
    available = set(available_languages(event))
    return next((code for code in wanted if code and code in available), event.language)


def readable_languages(wanted: Iterable[str | None]) -> list[str]:
    """Those of `wanted` an event can be written in, in order: all that can decide the version
    `pick_language` picks, so that what is kept per version is keyed by them alone (made-up
    codes in `?lang=` or a header must not fill a cache with copies)."""
    return [code for code in wanted if code and code in geo.EVENT_LANGUAGES]


def reader_languages() -> list[str]:
    """The languages the current visitor reads, best first, for picking an event's version.

    A visitor who chose the interface language with the switcher reads that one. Otherwise
    their browser's languages count too, even those the interface does not speak yet: a
    Finnish reader of an English interface still gets an event's Finnish version where one
    exists. Outside a request: the interface language. Public page caching keys on this."""
    current = i18n.current_language()
    if not has_request_context() or session.get("lang") in i18n.offered_languages():
        return [current]
    wanted = [code for code in i18n.browser_languages() if i18n.is_shipped(code)]
    return list(dict.fromkeys([*wanted, current]))[:4]


def language_autonym(code: str) -> str:
    """A language's name in itself ("Deutsch"), for links to the version in that language."""
    shipped = i18n.shipped_languages()
    if code in shipped:
        return shipped[code]
    try:
        return Locale.parse(code).get_display_name(code) or code
    except (ValueError, TypeError):
        return code


def offered_in_clause(language: str) -> ColumnElement[bool]:
    """SQL condition: the event is written in `language` or has a translation into it."""
    return or_(Event.language == language, Event.translations.any(EventTranslation.language == language))


def content_loading(*, agenda: bool = False) -> list[LoaderOption]:
    """Loader options for a query of events about to be localized (translations, and with
    `agenda` the agenda items and their translations), one query each whatever the count."""
    options: list[LoaderOption] = [selectinload(Event.translations)]
    if agenda:
        options.append(selectinload(Event.agenda_items).selectinload(AgendaItem.translations))
    return options


class _ReadOnlyProxy:
    """Attributes not set on the proxy are read from the wrapped model; nothing can be written."""

    __slots__ = ("_languages", "_target", "_texts")

    def __init__(self, target: Any, texts: dict[str, str], languages: dict[str, str]) -> None:
        object.__setattr__(self, "_target", target)
        object.__setattr__(self, "_texts", texts)
        object.__setattr__(self, "_languages", languages)

    def __getattr__(self, name: str) -> Any:
        texts = object.__getattribute__(self, "_texts")
        if name in texts:
            return texts[name]
        return getattr(object.__getattribute__(self, "_target"), name)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"{type(self).__name__} is read-only: change the model through a service")

    def lang_of(self, field: str) -> str:
        """The language the shown value of `field` is written in (for lang="…" attributes)."""
        return object.__getattribute__(self, "_languages")[field]


class LocalizedAgendaItem(_ReadOnlyProxy):
    """An agenda item with its title and description in the reader's language where translated."""

    __slots__ = ()

    title: str
    description: str
    item: AgendaItem

    def __init__(self, item: AgendaItem, language: str, main_language: str) -> None:
        translation = None
        if language != main_language:
            translation = next((t for t in item.translations if t.language == language), None)
        texts: dict[str, str] = {}
        languages: dict[str, str] = {}
        for field in AGENDA_FIELDS:
            value = getattr(translation, field, "") if translation is not None else ""
            texts[field] = value or getattr(item, field)
            languages[field] = language if value else main_language
        texts["item"] = item  # type: ignore[assignment]
        super().__init__(item, texts, languages)

    def __repr__(self) -> str:
        return f"<LocalizedAgendaItem {self.item.id} {self.lang_of('title')}>"


class LocalizedEvent(_ReadOnlyProxy):
    """A read-only view of an event for rendering, with its texts in one language.

    `title`, `summary`, `description`, `objective` and the agenda items' titles and
    descriptions come from the translation into `content_language` where it has a
    non-empty value, else from the event's main language. Any other attribute is the
    event's own (dates, place, capacity, slug, ...). `event` is the real model.
    """

    __slots__ = ("_agenda",)

    event: Event
    content_language: str
    requested_language: str
    is_fallback: bool
    available_languages: list[str]
    title: str
    summary: str
    description: str
    objective: str

    def __init__(self, event: Event, language: str | None) -> None:
        languages_available = available_languages(event)
        requested = language or event.language
        content_language = requested if requested in languages_available else event.language
        translation = None
        if content_language != event.language:
            translation = next((t for t in event.translations if t.language == content_language), None)
        texts: dict[str, Any] = {}
        field_languages: dict[str, str] = {}
        for field in EVENT_FIELDS:
            value = getattr(translation, field, "") if translation is not None else ""
            texts[field] = value or getattr(event, field)
            field_languages[field] = content_language if value else event.language
        texts.update(
            event=event,
            content_language=content_language,
            requested_language=requested,
            is_fallback=requested != content_language,
            available_languages=languages_available,
        )
        super().__init__(event, texts, field_languages)
        object.__setattr__(self, "_agenda", None)

    @property
    def agenda_items(self) -> list[LocalizedAgendaItem]:
        """The event's agenda items in their order, localized (loaded on first use)."""
        agenda = object.__getattribute__(self, "_agenda")
        if agenda is None:
            event = self.event
            agenda = [LocalizedAgendaItem(item, self.content_language, event.language) for item in event.agenda_items]
            object.__setattr__(self, "_agenda", agenda)
        return agenda

    @property
    def other_languages(self) -> list[str]:
        """The languages the event can also be read in, besides the one shown."""
        return [code for code in self.available_languages if code != self.content_language]

    def __repr__(self) -> str:
        return f"<LocalizedEvent {self.event.slug} {self.content_language}>"


def localized(event: Event, language: str | None) -> LocalizedEvent:
    """The event as a reader of `language` sees it (None: in its main language).

    Falls back to the main language, as a whole when there is no translation into
    `language` and field by field where a translation leaves a field empty.
    """
    return LocalizedEvent(event, language)


def localized_agenda_item(item: AgendaItem, language: str) -> LocalizedAgendaItem:
    """One agenda item as a reader of `language` sees it (main language where untranslated)."""
    return LocalizedAgendaItem(item, language, item.event.language)
