"""Countries, languages and time zones: validation and names in the reader's language."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from zoneinfo import available_timezones

import pycountry

from seminar_app import i18n

# Languages an event can be held in: the EU's official languages plus those of
# Erasmus+ associated and candidate countries.
EVENT_LANGUAGES = (
    "bg", "cs", "da", "de", "el", "en", "es", "et", "fi", "fr", "ga", "hr", "hu", "it", "lt",
    "lv", "mt", "nl", "pl", "pt", "ro", "sk", "sl", "sv", "is", "no", "tr", "mk", "sr", "sq", "uk",
)  # fmt: skip


def is_country(code: str | None) -> bool:
    return bool(code) and len(code) == 2 and pycountry.countries.get(alpha_2=code.upper()) is not None


def country_name(code: str | None) -> str:
    if not code:
        return ""
    name = i18n.babel_locale().territories.get(code.upper())
    if name:
        return name
    country = pycountry.countries.get(alpha_2=code.upper())
    return country.name if country else code


def language_name(code: str | None) -> str:
    if not code:
        return ""
    return i18n.babel_locale().languages.get(code, code)


@cache
def timezone_names() -> tuple[str, ...]:
    return tuple(sorted(z for z in available_timezones() if "/" in z and not z.startswith(("Etc/", "SystemV/"))))


def is_timezone(name: str | None) -> bool:
    return bool(name) and name in set(timezone_names())


def country_choices() -> list[tuple[str, str]]:
    """Countries named and sorted for the reader (CLDR names, the language's collation)."""
    return i18n.sorted_by_name(((c.alpha_2, country_name(c.alpha_2)) for c in pycountry.countries), lambda c: c[1])


def language_choices() -> list[tuple[str, str]]:
    return i18n.sorted_by_name(((code, language_name(code)) for code in EVENT_LANGUAGES), lambda c: c[1])


def sorted_countries(codes: Iterable[str]) -> list[str]:
    """Country codes in the order of their names in the reader's language."""
    return i18n.sorted_by_name(codes, country_name)


def sorted_languages(codes: Iterable[str]) -> list[str]:
    return i18n.sorted_by_name(codes, language_name)
