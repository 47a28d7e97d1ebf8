"""Contact files (CSV with any common delimiter, or the first sheet of an XLSX workbook)
read into a table, their columns guessed, and their rows read into contacts. Pure
functions: no database, no request. What the rows mean for the partner's existing
contacts is decided in `services`.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache

import pycountry
from babel import Locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from seminar_app.contacts.models import normalise_email
from seminar_app.errors import DomainError, ValidationFailed
from seminar_app.geo import EVENT_LANGUAGES, is_country
from seminar_app.textfiles import UnreadableText, decode_text
from seminar_app.validation import is_email, storable
from seminar_app.workbooks import WorkbookTooLarge, sheet_rows

MAX_IMPORT_BYTES = 2 * 1024 * 1024
MAX_IMPORT_ROWS = 10_000
MAX_XLSX_CELLS = (MAX_IMPORT_ROWS + 1) * 100  # a sheet of the most rows, 100 columns wide
_DELIMITERS = (",", ";", "\t")
_NOT_TEXT = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f\ud800-\udfff]")

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
_MAX_LENGTHS = {"name": 200, "organisation": 200}

# Headings in English and the partners' languages (pt, es, ro, it, fr, de, el, nl...),
# compared without case, accents, punctuation or extra spaces.
_HEADINGS: dict[str, tuple[str, ...]] = {
    "email": (
        "email", "e mail", "mail", "email address", "e mail address", "mail address", "correo", "correo electronico",
        "endereco de e mail", "endereco de email", "endereco eletronico", "endereco electronico", "adresa de email",
        "adresa de e mail", "posta elettronica", "indirizzo email", "indirizzo e mail", "courriel", "adresse email",
        "adresse e mail", "e mail adresse", "emailadresse", "mailadres", "e mailadres", "ilektroniko tachydromeio",
    ),
    "name": (
        "name", "full name", "nome", "nome completo", "nombre", "nombre completo", "nume", "nume complet",
        "nom", "nom complet", "naam", "volledige naam", "contact", "contact name", "person", "participant",
    ),
    "first_name": (
        "first name", "firstname", "given name", "forename", "primeiro nome", "nombre de pila", "prenume",
        "prenom", "vorname", "voornaam",
    ),
    "last_name": (
        "last name", "lastname", "surname", "family name", "apelido", "sobrenome", "apellido", "apellidos",
        "nume de familie", "cognome", "nom de famille", "nachname", "achternaam",
    ),
    "organisation": (
        "organisation", "organization", "company", "institution", "entity", "employer", "affiliation",
        "organizacao", "organizacion", "organizatie", "organizzazione", "entidade", "entidad", "empresa",
        "instituicao", "institucion", "institutie", "instituzione", "societe", "firma", "organisatie",
    ),
    "country": ("country", "pais", "tara", "paese", "pays", "land", "country code", "nationality"),
    "stakeholder_group": (
        "stakeholder group", "group", "sector", "stakeholder", "target group", "audience", "category", "grupo",
        "grupo de interesse", "grupo de interes", "grup", "grup tinta", "gruppo", "groupe", "gruppe", "doelgroep",
        "setor", "categoria",
    ),
    "language": (
        "language", "preferred language", "idioma", "lingua", "limba", "langue", "sprache", "taal", "lang",
    ),
}  # fmt: skip


class ContactFileError(DomainError):
    """The uploaded file cannot be read as a table of contacts; nothing was saved."""

    code = "contact_file_unreadable"

    def __init__(self, message: str) -> None:
        super().__init__(message, field="file")


@dataclass(frozen=True)
class Table:
    """A file's header row and its data rows, each with its 1-based line in the file."""

    kind: str  # "CSV" or "XLSX"
    encoding: str
    headers: list[str]
    rows: list[tuple[int, list[str]]]

    @property
    def last_line(self) -> int:
        return self.rows[-1][0] if self.rows else 1


@dataclass
class ImportedContact:
    """One address of the file (several rows with the same address merged into one)."""

    line: int
    email: str
    name: str = ""
    organisation: str = ""
    country: str = ""
    stakeholder_group: str = ""
    language: str = ""
    notes: list[str] = field(default_factory=list)
    duplicate_lines: list[int] = field(default_factory=list)


@dataclass
class ReadContacts:
    contacts: list[ImportedContact]
    rejected: list[tuple[int, str]]

    @property
    def duplicates(self) -> list[ImportedContact]:
        return [c for c in self.contacts if c.duplicate_lines]


# --- reading the file ------------------------------------------------------------------


def _not_a_table() -> ContactFileError:
    return ContactFileError(_("This is not a CSV or XLSX file. Save the list as CSV or XLSX and upload that."))


def read_table(data: bytes) -> Table:
    """The header and rows of a CSV file (comma, semicolon or tab; UTF-8, UTF-16 or
    Windows-1252) or of an XLSX workbook's first sheet. Blank rows are skipped. Raises
    `ContactFileError` (and nothing else) for an empty, binary, oversized or header-only
    file, or one where no column holds an e-mail address."""
    if not data.strip():
        raise ContactFileError(_("The file is empty."))
    if len(data) > MAX_IMPORT_BYTES:
        raise ContactFileError(_("The file is larger than %(size)d MB.", size=MAX_IMPORT_BYTES // (1024 * 1024)))
    table = _read_xlsx(data) if data.startswith(b"PK\x03\x04") else _read_csv(data)
    if not any(h.strip() for h in table.headers):
        raise ContactFileError(_("The file is empty."))
    if not table.rows:
        raise ContactFileError(_("The file has only a header row and no contacts."))
    if len(table.rows) > MAX_IMPORT_ROWS:
        raise ContactFileError(
            ngettext("The file has more than %(num)d row.", "The file has more than %(num)d rows.", MAX_IMPORT_ROWS)
        )
    if not any("@" in value for _line, row in table.rows for value in row):
        raise ContactFileError(_("This file has no column of e-mail addresses."))
    return table


def _delimiter(text: str) -> str:
    sample = "\n".join(text.splitlines()[:50])
    try:
        return csv.Sniffer().sniff(sample, delimiters="".join(_DELIMITERS)).delimiter
    except csv.Error:
        first = text.splitlines()[0] if text.splitlines() else ""
        return max(_DELIMITERS, key=first.count)


def _read_csv(data: bytes) -> Table:
    try:
        text, encoding = decode_text(data)
    except UnreadableText as exc:
        raise (_not_a_table() if exc.binary else ContactFileError(exc.message)) from None
    if _NOT_TEXT.search(text):
        raise _not_a_table()
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    headers: list[str] | None = None
    rows: list[tuple[int, list[str]]] = []
    try:
        while True:
            first_line = reader.line_num + 1
            try:
                row = next(reader)
            except StopIteration:
                break
            if not any(cell.strip() for cell in row):
                continue
            if headers is None:
                headers = [cell.replace("\ufeff", "").strip() for cell in row]
            else:
                rows.append((first_line, row))
                if len(rows) > MAX_IMPORT_ROWS:
                    break
    except csv.Error as exc:
        raise ContactFileError(_("This file is not a well-formed CSV file (%(reason)s).", reason=str(exc))) from None
    return Table("CSV", encoding, headers or [], rows)


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def _read_xlsx(data: bytes) -> Table:
    headers: list[str] | None = None
    rows: list[tuple[int, list[str]]] = []
    try:
        for number, values in sheet_rows(data, max_cells=MAX_XLSX_CELLS):
            row = [_cell_text(v) for v in values]
            while row and not row[-1].strip():
                row.pop()  # spreadsheets pad rows to the widest one
            if not row:
                continue
            if headers is None:
                headers = [cell.strip() for cell in row]
            else:
                rows.append((number, row))
                if len(rows) > MAX_IMPORT_ROWS:
                    break
    except WorkbookTooLarge as exc:
        raise ContactFileError(exc.message) from None
    except Exception:  # a damaged or foreign zip file raises any of a dozen exception types
        raise _not_a_table() from None
    if any(_NOT_TEXT.search(cell) for cell in headers or []):
        raise _not_a_table()
    return Table("XLSX", "XLSX", headers or [], rows)


# --- mapping columns to fields -----------------------------------------------------------


def _plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    ascii_ish = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return " ".join(re.sub(r"[^\w]+", " ", ascii_ish).split())


def guess_mapping(headers: list[str]) -> dict[str, int | None]:
    """For each field, the column whose heading names it (in English or a partner's
    language), or None. A column is used for one field at most; when a full-name column
    exists, first and last name columns are not used."""
    plain = [_plain(h) for h in headers]
    mapping: dict[str, int | None] = dict.fromkeys(FIELDS)
    used: set[int] = set()
    for name in FIELDS:
        for heading in _HEADINGS[name]:
            index = next((i for i, h in enumerate(plain) if h == heading and i not in used), None)
            if index is not None:
                mapping[name] = index
                used.add(index)
                break
    if mapping["email"] is None:  # "E-mail of the contact person", "Email (work)"...
        for i, h in enumerate(plain):
            if i not in used and ("email" in h.replace(" ", "") or "correo" in h):
                mapping["email"] = i
                break
    if mapping["name"] is not None:
        mapping["first_name"] = mapping["last_name"] = None
    return mapping


def check_mapping(table: Table, mapping: dict[str, int | None]) -> None:
    """Raises `ValidationFailed` (per field) when no column is chosen for the e-mail
    address, a chosen column does not exist, or two fields use the same column."""
    errors: dict[str, list[str]] = {}
    seen: dict[int, str] = {}
    for name in FIELDS:
        index = mapping.get(name)
        if index is None:
            continue
        if not 0 <= index < len(table.headers):
            errors[name] = [_("Choose one of the file's columns.")]
        elif index in seen:
            errors[name] = [_("This column is already used for “%(field)s”.", field=str(FIELDS[seen[index]]))]
        else:
            seen[index] = name
    if mapping.get("email") is None:
        errors.setdefault("email", []).append(
            _("No column heading was recognised as the e-mail address: choose the column that holds it.")
        )
    if errors:
        raise ValidationFailed(errors, _("The columns chosen cannot be imported."))


# --- reading rows into contacts ---------------------------------------------------------


@cache
def _country_names() -> dict[str, str]:
    names: dict[str, str] = {}
    for country in pycountry.countries:
        for name in (country.name, getattr(country, "official_name", ""), getattr(country, "common_name", "")):
            if name:
                names[_plain(name)] = country.alpha_2
        names[_plain(country.alpha_3)] = country.alpha_2
    for language in EVENT_LANGUAGES:
        for code, name in Locale.parse(language).territories.items():
            if len(code) == 2 and code.isalpha() and is_country(code):
                names.setdefault(_plain(name), code)
    return names


@cache
def _language_names() -> dict[str, str]:
    names: dict[str, str] = {}
    for code in EVENT_LANGUAGES:
        names[code] = code
        for in_language in ("en", code):
            name = Locale.parse(in_language).languages.get(code)
            if name:
                names[_plain(name)] = code
        language = pycountry.languages.get(alpha_2=code)
        if language is not None:
            names.setdefault(language.alpha_3, code)
    return names


def country_code(value: str) -> str | None:
    """The ISO 3166 code for a code ("pt", "PRT") or a name in English or a partner
    language ("Portugal", "Espanha", "România"); None if unknown."""
    if is_country(value.strip()):
        return value.strip().upper()
    return _country_names().get(_plain(value))


def language_code(value: str) -> str | None:
    """The code of an event language given as a code ("pt", "pt-PT") or a name
    ("Portuguese", "português"); None if unknown."""
    names = _language_names()
    return names.get(_plain(value)) or names.get(re.split(r"[-_ ]", value.strip().casefold(), maxsplit=1)[0])


def read_contacts(table: Table, mapping: dict[str, int | None], groups: Iterable[tuple[str, str]]) -> ReadContacts:
    """The file's rows as contacts, one per address (rows repeating an address are merged
    into the first: a later row fills the fields the earlier ones left empty), and the
    rejected rows with their line and reason. Country, group (`groups`: the project's
    (code, label) pairs) and language values that cannot be recognised are left empty
    with a note. Expects a mapping accepted by `check_mapping`."""
    group_codes: dict[str, str] = {}
    for code, label in groups:
        group_codes[code.casefold()] = code
        group_codes[label.strip().casefold()] = code
    width = len(table.headers)
    by_email: dict[str, ImportedContact] = {}
    rejected: list[tuple[int, str]] = []
    for line, row in table.rows:
        if len(row) > width and any(v.strip() for v in row[width:]):
            rejected.append(
                (
                    line,
                    _(
                        "line %(line)d has %(values)d values but the header has %(columns)d columns",
                        line=line,
                        values=len(row),
                        columns=width,
                    ),
                )
            )
            continue

        def value(name: str, row: list[str] = row) -> str:
            index = mapping.get(name)
            return " ".join(row[index].split()) if index is not None and index < len(row) else ""

        address = value("email")
        if not address:
            rejected.append((line, _("line %(line)d has no e-mail address", line=line)))
            continue
        if not storable(address) or not is_email(address) or len(address) > 254:
            rejected.append(
                (line, _("line %(line)d: '%(value)s' is not a valid e-mail address", line=line, value=address[:80]))
            )
            continue
        name = value("name") or " ".join(p for p in (value("first_name"), value("last_name")) if p)
        entry = ImportedContact(
            line=line, email=normalise_email(address), name=name, organisation=value("organisation")
        )
        problem = next(
            (
                label
                for key, label in (("name", FIELDS["name"]), ("organisation", FIELDS["organisation"]))
                if len(getattr(entry, key)) > _MAX_LENGTHS[key] or not storable(getattr(entry, key))
            ),
            None,
        )
        if problem is not None:
            rejected.append(
                (
                    line,
                    _(
                        "line %(line)d: the %(field)s is too long or holds control characters",
                        line=line,
                        field=str(problem).lower(),
                    ),
                )
            )
            continue
        if raw := value("country"):
            entry.country = country_code(raw) or ""
            if not entry.country:
                entry.notes.append(_("country “%(value)s” not recognised, left empty", value=raw[:40]))
        if raw := value("stakeholder_group"):
            entry.stakeholder_group = group_codes.get(raw.casefold(), "")
            if not entry.stakeholder_group:
                entry.notes.append(_("stakeholder group “%(value)s” not recognised, left empty", value=raw[:40]))
        if raw := value("language"):
            entry.language = language_code(raw) or ""
            if not entry.language:
                entry.notes.append(_("language “%(value)s” not recognised, left empty", value=raw[:40]))
        first = by_email.get(entry.email)
        if first is None:
            by_email[entry.email] = entry
            continue
        first.duplicate_lines.append(line)
        for key in ("name", "organisation", "country", "stakeholder_group", "language"):
            if not getattr(first, key) and getattr(entry, key):
                setattr(first, key, getattr(entry, key))
        first.notes.extend(entry.notes)
    return ReadContacts(list(by_email.values()), rejected)
