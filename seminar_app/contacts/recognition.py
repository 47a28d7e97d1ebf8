"""Recognising what a contact file means: which column holds which field (from its heading,
in English or any partner's language) and which country, language or stakeholder group a
cell names. Pure functions: no database, no request; compared without case, accents,
punctuation or extra spaces.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache

import pycountry
from babel import Locale
from flask_babel import lazy_gettext as _l

from seminar_app.geo import EVENT_LANGUAGES, is_country
from seminar_app.i18n import LOCALES
from seminar_app.textsearch import fold

# The fields a column can be mapped to, in the order the mapping page shows them.
FIELDS: dict[str, object] = {
    "email": _l("E-mail address"),
    "name": _l("Name"),
    "first_name": _l("First name"),
    "last_name": _l("Last name"),
    "organisation": _l("Organisation"),
    "country": _l("Country"),
    "stakeholder_group": _l("Stakeholder group"),
    "language": _l("Preferred language"),
}

# Headings in English and the partners' languages (en, pt, it, ro, fi, tr, es, fr, de, pl,
# and el, nl), as `plain` writes them.
_HEADINGS: dict[str, tuple[str, ...]] = {
    "email": (
        "email", "e mail", "mail", "email address", "e mail address", "mail address", "correo", "correo electronico",
        "endereco de e mail", "endereco de email", "endereco eletronico", "endereco electronico", "adresa de email",
        "adresa de e mail", "posta elettronica", "indirizzo email", "indirizzo e mail", "courriel", "adresse email",
        "adresse e mail", "e mail adresse", "emailadresse", "mailadres", "e mailadres", "ilektroniko tachydromeio",
        "sahkoposti", "sahkopostiosoite", "e posta", "eposta", "e posta adresi", "adres e mail", "adres email",
    ),
    "organisation": (
        "organisation", "organization", "company", "institution", "entity", "employer", "affiliation",
        "organizacao", "organizacion", "organizatie", "organizzazione", "entidade", "entidad", "empresa",
        "instituicao", "institucion", "institutie", "instituzione", "societe", "firma", "organisatie",
        "organisaatio", "kurum", "kurulus", "organizacja", "instytucja",
    ),
    "country": (
        "country", "pais", "tara", "paese", "pays", "land", "country code", "nationality", "maa", "ulke", "kraj",
    ),
    "stakeholder_group": (
        "stakeholder group", "group", "sector", "stakeholder", "target group", "audience", "category", "grupo",
        "grupo de interesse", "grupo de interes", "grup", "grup tinta", "gruppo", "groupe", "gruppe", "doelgroep",
        "setor", "categoria", "ryhma", "kohderyhma", "hedef grup", "grupa", "grupa docelowa", "kategoria",
    ),
    "language": (
        "language", "preferred language", "idioma", "lingua", "limba", "langue", "sprache", "taal", "lang",
        "kieli", "dil", "jezyk",
    ),
}  # fmt: skip

# A person's name comes as one column, or as a given-name and a family-name column. Some
# headings mean the whole name alone but a part of it beside the other part: Portuguese
# "Nome" beside "Apelido" is the given name, French "Nom" beside "Prénom" the family name.
_FULL_NAME = (
    "full name", "name and surname", "first and last name", "contact", "contact name", "person", "participant",
    "nome completo", "nome e apelido", "nome e sobrenome", "nombre completo", "nombre y apellidos",
    "nombre y apellido", "nome e cognome", "nume complet", "nume si prenume", "prenume si nume", "nom complet",
    "nom et prenom", "prenom et nom", "vollstandiger name", "vor und nachname", "volledige naam", "nimi",
    "koko nimi", "ad soyad", "adi soyadi", "isim soyisim", "imie i nazwisko",
)  # fmt: skip
_GIVEN_NAME = (
    "first name", "firstname", "given name", "given names", "forename", "forenames", "primeiro nome",
    "nome proprio", "nombre de pila", "nome di battesimo", "prenume", "prenom", "vorname", "voornaam",
    "etunimi", "etunimet", "imie",
)  # fmt: skip
_FAMILY_NAME = (
    "last name", "lastname", "surname", "family name", "apelido", "apelidos", "sobrenome", "sobrenomes",
    "ultimo nome", "apellido", "apellidos", "cognome", "nume de familie", "nom de famille", "nachname",
    "familienname", "achternaam", "sukunimi", "soyad", "soyadi", "soyisim", "nazwisko",
)  # fmt: skip
_GIVEN_OR_FULL = ("nome", "nombre", "ad", "adi", "isim")
_FAMILY_OR_FULL = ("name", "nom", "nume", "naam")


def plain(text: str) -> str:
    """`text` as headings and values are compared: "E-mail:" and "e mail", "Adı" and "adi" alike."""
    folded = fold(text).replace("ı", "i")
    return " ".join(re.sub(r"[^\w]+", " ", folded).split())


def _column(plain_headers: list[str], headings: Iterable[str], used: set[int]) -> int | None:
    for heading in headings:
        index = next((i for i, h in enumerate(plain_headers) if h == heading and i not in used), None)
        if index is not None:
            return index
    return None


def _name_columns(plain_headers: list[str], used: set[int]) -> dict[str, int | None]:
    """The full-name column, or the given- and family-name columns (one way, not both)."""
    given = _column(plain_headers, _GIVEN_NAME, used)
    family = _column(plain_headers, _FAMILY_NAME, used | {given} if given is not None else used)
    if given is not None and family is None:
        family = _column(plain_headers, _FAMILY_OR_FULL, used | {given})
    if family is not None and given is None:
        given = _column(plain_headers, _GIVEN_OR_FULL, used | {family})
    full = _column(plain_headers, _FULL_NAME, used)
    if full is None and (given is None or family is None):
        full = _column(plain_headers, (*_GIVEN_OR_FULL, *_FAMILY_OR_FULL), used)
    if full is not None:
        return {"name": full, "first_name": None, "last_name": None}
    return {"name": None, "first_name": given, "last_name": family}


def guess_mapping(headers: list[str]) -> dict[str, int | None]:
    """For each field, the column whose heading names it (in English or a partner's
    language), or None. A column is used for one field at most. A name is read from a
    full-name column when there is one, else from a given-name and a family-name column
    ("Nome" + "Apelido", "Prénom" + "Nom", "Ad" + "Soyad")."""
    headings = [plain(h) for h in headers]
    mapping: dict[str, int | None] = dict.fromkeys(FIELDS)
    used: set[int] = set()
    for name, candidates in _HEADINGS.items():
        index = _column(headings, candidates, used)
        if index is not None:
            mapping[name] = index
            used.add(index)
    if mapping["email"] is None:  # "E-mail of the contact person", "Email (work)"...
        for i, h in enumerate(headings):
            if i not in used and ("email" in h.replace(" ", "") or "correo" in h):
                mapping["email"] = i
                used.add(i)
                break
    mapping.update(_name_columns(headings, used))
    return mapping


def has_known_header(headers: list[str]) -> bool:
    """Whether a row of a sheet reads as a header of contacts (it names an e-mail column)."""
    return any(plain(h) in _HEADINGS["email"] for h in headers)


# --- values ------------------------------------------------------------------------------


@cache
def _country_names() -> dict[str, str]:
    names: dict[str, str] = {}
    for country in pycountry.countries:
        for name in (country.name, getattr(country, "official_name", ""), getattr(country, "common_name", "")):
            if name:
                names[plain(name)] = country.alpha_2
        names[plain(country.alpha_3)] = country.alpha_2
    for language in EVENT_LANGUAGES:
        for code, name in Locale.parse(language).territories.items():
            if len(code) == 2 and code.isalpha() and is_country(code):
                names.setdefault(plain(name), code)
    return names


@cache
def _language_names() -> dict[str, str]:
    """Each event language's code by its code, its ISO 639-2 code, and its name in English,
    in itself and in every shipped interface language ("Inglês", "inglese", "İngilizce")."""
    names: dict[str, str] = {}
    for code in EVENT_LANGUAGES:
        names[code] = code
        for in_language in ("en", code):
            name = Locale.parse(in_language).languages.get(code)
            if name:
                names[plain(name)] = code
        language = pycountry.languages.get(alpha_2=code)
        if language is not None:
            names.setdefault(language.alpha_3, code)
    for locale in ("pt_BR", *LOCALES.values()):
        known = Locale.parse(locale).languages
        for code in EVENT_LANGUAGES:
            if known.get(code):
                names.setdefault(plain(known[code]), code)
    return names


def country_code(value: str) -> str | None:
    """The ISO 3166 code for a code ("pt", "PRT") or a name in English or a partner
    language ("Portugal", "Espanha", "România"); None if unknown."""
    if is_country(value.strip()):
        return value.strip().upper()
    return _country_names().get(plain(value))


def language_code(value: str) -> str | None:
    """The code of an event language given as a code ("pt", "pt-PT") or a name in English,
    in itself or in a shipped interface language ("Portuguese", "português", "Inglês");
    None if unknown."""
    names = _language_names()
    return names.get(plain(value)) or names.get(re.split(r"[-_ ]", value.strip().casefold(), maxsplit=1)[0])
