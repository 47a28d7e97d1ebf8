"""Importing a file of contacts: a preview of what would change (nothing saved), then the
confirmed import in one transaction. The parsed file travels between the two signed, so it
is neither uploaded twice nor trusted from the browser."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadData, URLSafeTimedSerializer
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from seminar_app.accounts.models import User
from seminar_app.contacts.imports import (
    FIELDS,
    MAPPABLE_VALUES,
    ImportedContact,
    Table,
    check_mapping,
    read_contacts,
)
from seminar_app.contacts.models import Contact, ContactList, contact_list_member, email_hash
from seminar_app.contacts.recognition import plain
from seminar_app.contacts.services import create_list
from seminar_app.contacts.suppression import suppressed_hashes
from seminar_app.enums import LegalBasis, SuppressionReason
from seminar_app.errors import Conflict, DomainError, ValidationFailed
from seminar_app.extensions import db
from seminar_app.geo import EVENT_LANGUAGES
from seminar_app.i18n import catalogue_translations
from seminar_app.projects.models import Partner
from seminar_app.validation import FieldErrors

IMPORT_PREVIEW_MAX_AGE = 3 * 3600
MAX_LISTED_UNKNOWN = 50  # distinct unknown values offered for mapping, per field
_MERGED_FIELDS = ("name", "organisation", "country", "stakeholder_group", "language")


@dataclass
class ImportSettings:
    """What the person chose for the whole file: the list (an existing one, or a new one
    by name), where the contacts come from and the legal basis for holding them."""

    list_id: int | None
    new_list_name: str
    source: str
    legal_basis: str


@dataclass(frozen=True)
class SignedImport:
    """What travels between the steps: the table read, the choices made for it and, for a
    workbook of several sheets, the workbook itself (to read another of its sheets)."""

    table: Table
    settings: ImportSettings
    workbook: bytes | None = None


@dataclass(frozen=True)
class UnknownValue:
    """A group or language value of the file that was not recognised: as first written, in
    how many rows, and the code the organiser mapped it to ("" for none yet)."""

    value: str
    count: int
    chosen: str


@dataclass
class Merge:
    imported: ImportedContact
    contact: Contact
    changes: list[str]  # labels of the fields the file fills in


@dataclass
class ImportPreview:
    new: list[ImportedContact] = field(default_factory=list)
    merged: list[Merge] = field(default_factory=list)
    suppressed: list[ImportedContact] = field(default_factory=list)
    erased_lines: list[int] = field(default_factory=list)  # their data is left out, and never shown
    duplicates: list[ImportedContact] = field(default_factory=list)
    rejected: list[tuple[int, str]] = field(default_factory=list)
    warnings: list[ImportedContact] = field(default_factory=list)
    list_name: str = ""  # the list the contacts were put on, once imported
    unknown: dict[str, list[UnknownValue]] = field(default_factory=dict)  # per field of MAPPABLE_VALUES

    @property
    def importable(self) -> int:
        return len(self.new) + len(self.merged)


class StalePreview(DomainError):
    code = "stale_preview"


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="contacts-import")


def check_settings(partner: Partner, settings: ImportSettings) -> None:
    """Raises `ValidationFailed` when the chosen list is not the partner's, no new list
    name is given, the source is too long or the legal basis is missing."""
    errors = FieldErrors()
    if settings.list_id is not None:
        owned = select(ContactList.id).where(ContactList.id == settings.list_id, ContactList.partner_id == partner.id)
        if db.session.scalar(owned) is None:
            errors.add("list_id", _("Choose one of your lists."))
    else:
        errors.require(
            "new_list_name", settings.new_list_name, _("Give the new list a name or choose a list."), max_length=120
        )
    errors.require("source", settings.source, _("Say where these contacts come from."), max_length=200)
    if settings.legal_basis not in {b.value for b in LegalBasis}:
        errors.add("legal_basis", _("Choose the legal basis on which you hold these contacts."))
    errors.raise_if_any()


def sign_import(partner: Partner, table: Table, settings: ImportSettings, workbook: bytes | None = None) -> str:
    """The parsed file and the choices made for it, signed and tied to the partner; with
    the workbook itself when it has several sheets (so another can be read without a
    second upload)."""
    keep = workbook if workbook is not None and len(table.sheets) > 1 else None
    return _serializer().dumps(
        {
            "p": partner.id,
            "k": table.kind,
            "e": table.encoding,
            "h": table.headers,
            "r": [[line, row] for line, row in table.rows],
            "t": [table.sheet, list(table.sheets), table.skipped_sheets],
            "x": base64.b64encode(keep).decode("ascii") if keep else None,
            "s": asdict(settings),
        }
    )


def read_signed_import(partner: Partner, payload: str) -> SignedImport:
    """What `sign_import` signed for this partner. Raises `StalePreview` for anything
    altered, expired (after 3 hours) or made for another partner."""
    stale = StalePreview(_("This preview has expired or was not made for these contacts. Upload the file again."))
    try:
        data = _serializer().loads(payload or "", max_age=IMPORT_PREVIEW_MAX_AGE)
        if data["p"] != partner.id:
            raise stale
        rows = [(int(line), [str(v) for v in row]) for line, row in data["r"]]
        sheet, sheets, skipped = data["t"]
        table = Table(
            str(data["k"]),
            str(data["e"]),
            [str(h) for h in data["h"]],
            rows,
            sheet=str(sheet),
            sheets=tuple(str(name) for name in sheets),
            skipped_sheets=int(skipped),
        )
        workbook = base64.b64decode(data["x"], validate=True) if data["x"] else None
        return SignedImport(table, ImportSettings(**data["s"]), workbook)
    except (BadData, KeyError, TypeError, ValueError, binascii.Error):
        raise stale from None


def _group_names(partner: Partner) -> list[tuple[str, str]]:
    """Every name a project's group may be given in a file: its code, its label as stored
    and as each shipped language's catalogue translates it ("Investigadores")."""
    names: list[tuple[str, str]] = []
    for group in partner.project.stakeholder_groups:
        names += [(group.code, group.label), (group.code, group.display_label)]
        names += [(group.code, label) for label in sorted(catalogue_translations(group.label))]
    return names


def _valid_choices(partner: Partner, chosen: Mapping[str, Mapping[str, str]]) -> dict[str, dict[str, str]]:
    """The organiser's value mappings, folded, keeping only codes that exist."""
    allowed = {
        "stakeholder_group": {g.code for g in partner.project.stakeholder_groups},
        "language": set(EVENT_LANGUAGES),
    }
    return {
        name: {plain(value): code for value, code in chosen.get(name, {}).items() if code in allowed[name]}
        for name in MAPPABLE_VALUES
    }


def preview_import(
    partner: Partner,
    table: Table,
    mapping: dict[str, int | None],
    chosen: Mapping[str, Mapping[str, str]] | None = None,
) -> ImportPreview:
    """What importing `table` with `mapping` would do, nothing saved: new contacts,
    contacts merged into existing ones with the fields that change (a file only fills
    empty fields), rows merged because they repeat an address, addresses on the
    project's suppression list (imported but never invited), the lines of addresses whose
    data was erased at the person's request (left out: only their lines are given) and
    rejected rows. Group and language values are recognised in every shipped language;
    `chosen` maps others (field -> {value as written: code}; unknown codes are ignored),
    and those still unknown are listed in `unknown` with their counts.
    Raises `ValidationFailed` for a mapping `imports.check_mapping` refuses."""
    check_mapping(table, mapping)
    choices = _valid_choices(partner, chosen or {})
    read = read_contacts(table, mapping, _group_names(partner), choices)
    emails = [c.email for c in read.contacts]
    existing: dict[str, Contact] = {}
    for start in range(0, len(emails), 1000):
        chunk = emails[start : start + 1000]
        query = select(Contact).where(Contact.partner_id == partner.id, Contact.email.in_(chunk))
        existing.update((c.email, c) for c in db.session.scalars(query))
    hashes = [email_hash(e) for e in emails]
    suppressed = suppressed_hashes(partner.project_id, hashes)
    erased = suppressed_hashes(partner.project_id, hashes, reason=SuppressionReason.ERASED) if suppressed else set()
    preview = ImportPreview(rejected=read.rejected)
    for name, counts in read.unknown.items():
        preview.unknown[name] = [
            UnknownValue(value, count, choices[name].get(plain(value), ""))
            for value, count in counts.most_common(MAX_LISTED_UNKNOWN)
        ]
    for imported in read.contacts:
        if email_hash(imported.email) in erased:
            preview.erased_lines.extend([imported.line, *imported.duplicate_lines])
            continue
        if imported.duplicate_lines:
            preview.duplicates.append(imported)
        contact = existing.get(imported.email)
        if contact is None:
            preview.new.append(imported)
        else:
            changes = [
                str(FIELDS[key]) for key in _MERGED_FIELDS if getattr(imported, key) and not getattr(contact, key)
            ]
            preview.merged.append(Merge(imported, contact, changes))
        if email_hash(imported.email) in suppressed:
            preview.suppressed.append(imported)
        if imported.notes:
            preview.warnings.append(imported)
    return preview


def apply_import(
    partner: Partner,
    table: Table,
    mapping: dict[str, int | None],
    settings: ImportSettings,
    *,
    actor: User,
    chosen: Mapping[str, Mapping[str, str]] | None = None,
) -> ImportPreview:
    """Import the file as `preview_import` describes it at this moment, all or nothing:
    new contacts are created with the file's source and legal basis, existing ones get
    their empty fields filled (their source and legal basis stay), and all of them are
    put on the chosen list (created when new); `chosen` maps group and language values
    as in `preview_import`. Returns what was done. Raises
    `ValidationFailed` for a refused mapping or settings, `DomainError` when the file
    has nothing to import, `Conflict` when the contacts changed meanwhile. Addresses
    whose data was erased on request are not imported."""
    check_settings(partner, settings)
    preview = preview_import(partner, table, mapping, chosen)
    if not preview.importable:
        raise DomainError(_("No row of this file can be imported."), code="nothing_to_import")
    if settings.list_id is not None:
        contact_list = db.session.get(ContactList, settings.list_id)
        assert contact_list is not None  # checked above
    else:
        try:
            contact_list = create_list(partner, settings.new_list_name, actor=actor, commit=False)
        except ValidationFailed as exc:
            raise ValidationFailed({"new_list_name": exc.errors.get("name", [])}) from None
    source = " ".join(settings.source.split())
    created: list[Contact] = []
    for imported in preview.new:
        contact = Contact(partner=partner, email=imported.email, source=source)
        contact.legal_basis = LegalBasis(settings.legal_basis)
        for key in _MERGED_FIELDS:
            setattr(contact, key, getattr(imported, key))
        db.session.add(contact)
        created.append(contact)
    for merge in preview.merged:
        for key in _MERGED_FIELDS:
            if getattr(merge.imported, key) and not getattr(merge.contact, key):
                setattr(merge.contact, key, getattr(merge.imported, key))
    try:
        db.session.flush()
        already = set(
            db.session.scalars(
                select(contact_list_member.c.contact_id).where(contact_list_member.c.list_id == contact_list.id)
            )
        )
        ids = {c.id for c in created} | {m.contact.id for m in preview.merged}
        rows = [{"list_id": contact_list.id, "contact_id": i} for i in sorted(ids - already)]
        if rows:
            db.session.execute(contact_list_member.insert(), rows)
        db.session.commit()
    except IntegrityError:  # a contact with one of these addresses was added meanwhile
        db.session.rollback()
        raise Conflict(
            _("Your contacts changed while you were looking at the preview. Check the preview again.")
        ) from None
    preview.list_name = contact_list.name
    return preview
