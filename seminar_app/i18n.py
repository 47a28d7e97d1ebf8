"""The product's languages: which are shipped, which locale each one means, and collation.

A language is known to the application by its code ("pt"); Babel and CLDR know it by its
regional locale ("pt_PT"), which decides country names, dates, numbers and plural rules, and
the web knows it by its tag ("pt-PT"), which `<html lang>` and Content-Language carry.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from functools import cache, lru_cache
from pathlib import Path
from typing import TypeVar

import icu
from babel import Locale
from babel.messages.pofile import read_po
from babel.support import Translations
from flask import Flask, current_app, has_app_context, has_request_context, request, session
from flask_babel import force_locale, get_locale, refresh

T = TypeVar("T")

DEFAULT_LANGUAGE = "en"

# Each shipped language's regional variant: the consortium's countries, and British English.
LOCALES = {
    "en": "en_GB",
    "pt": "pt_PT",
    "it": "it_IT",
    "ro": "ro_RO",
    "fi": "fi_FI",
    "tr": "tr_TR",
    "es": "es_ES",
    "fr": "fr_FR",
    "de": "de_DE",
    "pl": "pl_PL",
}

CATALOGUES = Path(__file__).parent / "translations"


def init_app(app: Flask) -> None:
    # Flask-Babel keeps the locale on `g`; a request must choose its own even when it runs
    # inside an application context that outlives it (the test client, CLI-driven requests).
    app.before_request(refresh)


def locale_id(code: str) -> str:
    """The CLDR locale a language code stands for: "pt" → "pt_PT"."""
    return LOCALES.get(code, code)


def language_tag(code: str | None = None) -> str:
    """The BCP 47 tag for `<html lang>` and Content-Language: "pt" → "pt-PT"."""
    return locale_id(code or current_language()).replace("_", "-")


def babel_locale(code: str | None = None) -> Locale:
    return _parsed_locale(locale_id(code or current_language()))


@lru_cache(maxsize=64)
def _parsed_locale(identifier: str) -> Locale:
    """Babel's Locale of an identifier, parsed once per process (dates ask for it on every page)."""
    try:
        return Locale.parse(identifier)
    except (ValueError, TypeError):
        return Locale.parse(LOCALES[DEFAULT_LANGUAGE])


@cache
def _catalogue_state(code: str, mtime: float) -> tuple[int, int]:
    """(entries, untranslated or fuzzy entries) of a language's catalogue."""
    path = CATALOGUES / code / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as handle:
        catalogue = read_po(handle)
    entries = missing = 0
    for message in catalogue:
        if not message.id:
            continue
        entries += 1
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(strings):
            missing += 1
    return entries, missing


def catalogue_complete(code: str) -> bool:
    """English is the source; any other language counts only when every entry is translated."""
    if code == DEFAULT_LANGUAGE:
        return True
    po = CATALOGUES / code / "LC_MESSAGES" / "messages.po"
    mo = po.with_suffix(".mo")
    if not po.exists() or not mo.exists():
        return False
    entries, missing = _catalogue_state(code, po.stat().st_mtime)
    return entries > 0 and missing == 0


def offered_languages() -> dict[str, str]:
    """The configured languages whose catalogue is complete, code → name in that language.

    Every page asks (the language menu, the locale selector) and the answer reads the
    catalogues' files, so a production process works it out once: its catalogues only change
    with a deployment, which restarts it. In development and tests it is read each time."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if app.debug or app.testing:
        return _complete_languages(app.config["LANGUAGES"])
    if "offered_languages" not in app.extensions:
        app.extensions["offered_languages"] = _complete_languages(app.config["LANGUAGES"])
    return dict(app.extensions["offered_languages"])


def _complete_languages(configured: dict[str, str]) -> dict[str, str]:
    return {code: name for code, name in configured.items() if catalogue_complete(code)}


def is_offered(code: str | None) -> bool:
    return bool(code) and code in offered_languages()


def shipped_languages() -> dict[str, str]:
    """Every configured language, complete or not, code → name in that language: what a
    person's language or a translated text may be stored in."""
    return dict(current_app.config["LANGUAGES"])


def is_shipped(code: str | None) -> bool:
    return bool(code) and code in current_app.config["LANGUAGES"]


def shipped_language_choices() -> list[tuple[str, str]]:
    """(code, name in that language) of every shipped language, in the reader's collation."""
    return sorted_by_name(shipped_languages().items(), lambda item: item[1])


def language_or_default(*wanted: str | None) -> str:
    """The first of `wanted` the interface speaks, else the default language."""
    offered = offered_languages()
    return next((code for code in wanted if code and code in offered), DEFAULT_LANGUAGE)


def browser_languages() -> list[str]:
    """The language codes the request's Accept-Language asks for, most wanted first
    ("pt-PT" counts as "pt"; "*" and q=0 are not wishes)."""
    if not has_request_context():
        return []
    wanted: list[str] = []
    for value, quality in request.accept_languages:
        code = value.split("-")[0].split("_")[0].lower()
        if quality > 0 and code != "*" and code not in wanted:
            wanted.append(code)
    return wanted


def current_language() -> str:
    """The code of the language the interface is speaking now ("pt", not "pt_PT")."""
    locale = get_locale() if has_app_context() else None
    code = locale.language if locale is not None else DEFAULT_LANGUAGE
    return code if code in LOCALES else DEFAULT_LANGUAGE


def select_locale() -> str:
    """Flask-Babel's selector: the visitor's chosen language, else their browser's best match."""
    if not has_request_context():
        return LOCALES[DEFAULT_LANGUAGE]
    offered = offered_languages()
    chosen = session.get("lang")
    if chosen not in offered:
        chosen = request.accept_languages.best_match(list(offered)) or DEFAULT_LANGUAGE
    return locale_id(chosen)


@contextmanager
def force_language(code: str | None) -> Iterator[None]:
    """Render in a language by its code, with its regional locale (dates, countries, plurals)."""
    if not has_app_context():  # like force_locale: nothing to switch outside an application
        yield
        return
    with force_locale(locale_id(language_or_default(code))):
        yield


@cache
def _collator(locale: str) -> icu.Collator:
    return icu.Collator.createInstance(icu.Locale(locale))


def collation_key(code: str | None = None) -> Callable[[str], bytes]:
    """A sort key that orders text as the language's readers expect ("Argélia" before "Argentina")."""
    return _collator(locale_id(code or current_language())).getSortKey


def sorted_by_name(items: Iterable[T], name: Callable[[T], str], code: str | None = None) -> list[T]:
    key = collation_key(code)
    return sorted(items, key=lambda item: key(name(item)))


@cache
def _catalogue(code: str) -> Translations:
    return Translations.load(str(CATALOGUES), [code])


def catalogue_translations(text: str) -> set[str]:
    """`text` as every shipped language's compiled catalogue translates it, `text` itself
    included (a text no catalogue knows, such as a project's own label, is only itself).
    Complete or not, every catalogue counts: this reads what people may write, not what
    the interface offers."""
    return {text, *(_catalogue(code).gettext(text) for code in LOCALES)}
