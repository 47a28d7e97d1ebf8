"""The project's evidence pack for the funder: the ledger (XLSX and PDF), a README listing
the evidence still missing and the warnings, and every uploaded evidence file of the events
the ledger lists, in a folder per line and event ("E3/lisbon-seminar/signed-sheet.pdf").

The signed sheets name people, so the pack is built only for a reader who may see the
personal data of every partner whose events it includes (`ledger_routes`), and each
download is logged per partner like the per-event pack (privacy.services)."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from seminar_app.events.models import Event
from seminar_app.extensions import db
from seminar_app.funding.ledger import Ledger
from seminar_app.funding.ledger_exports import totals_rows, write_ledger_pdf, write_ledger_xlsx
from seminar_app.funding.models import EvidenceFile
from seminar_app.projects.models import Project

README = "README.txt"
_UNSAFE = re.compile(r"[^\w.\- ]+", re.UNICODE)


@dataclass
class LedgerPack:
    content: bytes
    files: list[str]
    files_by_partner: dict[int, int]


def _safe(name: str) -> str:
    """A file or folder name that stays inside its folder on every system."""
    cleaned = _UNSAFE.sub("_", name).strip(" .") or "file"
    return cleaned[:120]


def pack_events(ledger: Ledger) -> list[tuple[str, Event]]:
    """(folder, event) for every event the ledger lists, cancelled ones too (their files, if
    any, are evidence of what happened)."""
    folders = []
    for line in ledger.lines:
        for one in line.events:
            folders.append((f"{_safe(line.code)}/{_safe(one.event.slug)}", one.event))
    for line in ledger.unplanned:
        for one in line.events:
            folders.append((f"{_safe(_('not-in-the-plan'))}/{_safe(one.event.slug)}", one.event))
    return folders


def _readme(project: Project, ledger: Ledger, files: Iterable[str], generated_on: date) -> str:
    lines = [
        _("Evidence pack of the multiplier events of %(project)s", project=f"{project.name} ({project.acronym})"),
        _("Generated on %(date)s.", date=generated_on.isoformat()),
        "",
        _("ledger.xlsx and ledger.pdf: the plan against the delivered events, the participants and the grant."),
        "",
    ]
    lines += [f"{label}: {value if value is not None else '—'}" for label, value in totals_rows(ledger)]
    lines += ["", _("Evidence still missing:")]
    lines += [f"- {words}" for words in ledger.evidence_missing] or [_("- none")]
    lines += ["", _("Warnings:")]
    lines += [f"- {words}" for words in ledger.warnings] or [_("- none")]
    lines += ["", _("Uploaded evidence files:")]
    lines += [f"- {name}" for name in files] or [_("- none")]
    lines += [
        "",
        _(
            "The signed attendance sheets name the participants: keep this pack as personal data, for the "
            "project's evidence period only."
        ),
    ]
    return "\n".join(lines) + "\n"


def build_pack(project: Project, ledger: Ledger, *, generated_on: date) -> LedgerPack:
    folders = pack_events(ledger)
    folder_of = {event.id: folder for folder, event in folders}
    partner_of = {event.id: event.partner_id for _folder, event in folders}
    buffer = io.BytesIO()
    names: list[str] = []
    by_partner: dict[int, int] = {}
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        xlsx = io.BytesIO()
        write_ledger_xlsx(ledger, xlsx)
        archive.writestr("ledger.xlsx", xlsx.getvalue())
        pdf = io.BytesIO()
        write_ledger_pdf(project, ledger, pdf, generated_on=generated_on)
        archive.writestr("ledger.pdf", pdf.getvalue())
        if folder_of:
            query = (
                select(EvidenceFile.id, EvidenceFile.event_id, EvidenceFile.kind, EvidenceFile.day,
                       EvidenceFile.filename, EvidenceFile.content)
                .where(EvidenceFile.event_id.in_(list(folder_of)))
                .order_by(EvidenceFile.event_id, EvidenceFile.kind, EvidenceFile.day, EvidenceFile.id)
                .execution_options(yield_per=20)
            )  # fmt: skip
            for file_id, event_id, kind, day, filename, content in db.session.execute(query):
                stem = f"{kind}-{day.isoformat()}" if day else kind
                name = f"{folder_of[event_id]}/{stem}-{file_id}-{_safe(filename)}"
                archive.writestr(name, content)
                names.append(name)
                by_partner[partner_of[event_id]] = by_partner.get(partner_of[event_id], 0) + 1
        archive.writestr(README, _readme(project, ledger, names, generated_on))
    return LedgerPack(buffer.getvalue(), ["ledger.xlsx", "ledger.pdf", README, *names], by_partner)
