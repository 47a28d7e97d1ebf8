"""Uploading and deleting an event's evidence files (signed sheets, online participant
reports, agenda, material).

A file's kind is read from its first bytes, never from its name or the browser's content
type: a renamed program or web page is refused whatever it is called. PDF, PNG, JPEG and
TIFF (what scanners and phones produce) are accepted; TIFF's two byte orders have fixed
signatures, while HEIC's container is shared with other formats and is not accepted.

A day's signed sheet may be several files (a multi-page scan as several images), so
nothing is replaced by an upload: the organiser deletes a wrong file explicitly. Uploads
and deletions are audited; the file's name is not, as it may name a person.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime
from typing import IO, TYPE_CHECKING

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload, undefer

from seminar_app.audit.models import AuditAction
from seminar_app.audit.services import record
from seminar_app.enums import EvidenceKind
from seminar_app.errors import DomainError
from seminar_app.extensions import db
from seminar_app.funding.models import EvidenceFile

if TYPE_CHECKING:
    from seminar_app.accounts.models import User
    from seminar_app.events.models import Event

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
DAY_KINDS = (EvidenceKind.SIGNED_SHEET, EvidenceKind.ONLINE_REPORT)


@dataclass(frozen=True)
class FileType:
    content_type: str
    extension: str
    label: str


# (signature, type). TIFF: little-endian "II*\0" or big-endian "MM\0*".
_SIGNATURES: tuple[tuple[bytes, FileType], ...] = (
    (b"%PDF-", FileType("application/pdf", "pdf", "PDF")),
    (b"\x89PNG\r\n\x1a\n", FileType("image/png", "png", "PNG")),
    (b"\xff\xd8\xff", FileType("image/jpeg", "jpg", "JPEG")),
    (b"II*\x00", FileType("image/tiff", "tif", "TIFF")),
    (b"MM\x00*", FileType("image/tiff", "tif", "TIFF")),
)
ACCEPTED_LABELS = "PDF, PNG, JPEG, TIFF"
# What the file input offers to pick (a hint only: the content decides).
ACCEPT_ATTRIBUTE = ".pdf,.png,.jpg,.jpeg,.tif,.tiff,application/pdf,image/png,image/jpeg,image/tiff"


def sniff(content: bytes) -> FileType | None:
    """The file's type from its first bytes, or None when it is none of the accepted kinds."""
    for signature, file_type in _SIGNATURES:
        if content.startswith(signature):
            return file_type
    return None


def max_bytes() -> int:
    return int(current_app.config.get("EVIDENCE_MAX_BYTES", DEFAULT_MAX_BYTES))


def max_megabytes() -> int:
    return max(1, max_bytes() // (1024 * 1024))


def too_large_message() -> str:
    return _(
        "The file is larger than %(size)d MB. Scan at a lower resolution (200 dpi is enough for a signed "
        "sheet) or upload the pages as several files.",
        size=max_megabytes(),
    )


def _read(stream: IO[bytes]) -> bytes:
    content = stream.read(max_bytes() + 1)
    if len(content) > max_bytes():
        raise DomainError(too_large_message(), field="file", code="file_too_large")
    if not content:
        raise DomainError(_("The file is empty. Choose the scanned file again."), field="file", code="file_empty")
    return content


def _check_day(event: Event, kind: EvidenceKind, day: date | None, today: date) -> date | None:
    if kind not in DAY_KINDS:
        return None
    if kind is EvidenceKind.SIGNED_SHEET and not event.format.has_venue:
        raise DomainError(
            _("This event has no venue, so it has no signed attendance sheets: upload the online participant report."),
            field="kind",
        )
    if kind is EvidenceKind.ONLINE_REPORT and not event.format.is_online:
        raise DomainError(_("This event is not online, so it has no online participant report."), field="kind")
    if day is None:
        raise DomainError(_("Choose the day of the event this file proves."), field="day")
    if day not in event.local_days:
        raise DomainError(_("Choose one of the days of the event."), field="day")
    if day > today:
        raise DomainError(_("This day of the event has not come yet: upload its evidence afterwards."), field="day")
    return day


def upload_evidence(
    event: Event,
    kind: EvidenceKind,
    day: date | None,
    filename: str,
    stream: IO[bytes],
    *,
    actor: User | None,
    now: datetime | None = None,
) -> EvidenceFile:
    """Store one evidence file of `event` and commit. The day is required for a signed
    sheet or an online report and must be one of the event's days, not later than today
    in the event's zone; signed sheets only exist for events with a venue. Raises
    `DomainError` (with the form field it concerns) for anything else; nothing is stored then."""
    today = (now or datetime.now(event.tz)).astimezone(event.tz).date()
    checked_day = _check_day(event, kind, day, today)
    content = _read(stream)
    file_type = sniff(content)
    if file_type is None:
        raise DomainError(
            _(
                "This file is not a PDF or an image we accept. Upload a PDF, PNG, JPEG or TIFF file "
                "(a scan or a photo of the page)."
            ),
            field="file",
            code="file_type",
        )
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1].strip()[:200] or f"{kind.value}.{file_type.extension}"
    evidence = EvidenceFile(
        event_id=event.id,
        kind=kind.value,
        day=checked_day,
        filename=name,
        content_type=file_type.content_type,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        content=content,
        uploaded_by_id=actor.id if actor is not None and getattr(actor, "is_authenticated", False) else None,
    )
    db.session.add(evidence)
    db.session.flush()
    details = {"kind": kind.value, "size": len(content), "type": file_type.label}
    if checked_day is not None:
        details["day"] = checked_day.isoformat()
    record(AuditAction.EVIDENCE_UPLOADED, actor=actor, event=event, target_id=evidence.id, details=details)
    db.session.commit()
    return evidence


def delete_evidence(evidence: EvidenceFile, *, actor: User | None) -> None:
    """Delete one uploaded file (a wrong scan) and commit; the audit log keeps that it was
    there, of which kind and day, and who deleted it."""
    from seminar_app.events.models import Event

    event = db.session.get(Event, evidence.event_id)
    details = {"kind": evidence.kind, "size": evidence.size}
    if evidence.day is not None:
        details["day"] = evidence.day.isoformat()
    record(AuditAction.EVIDENCE_DELETED, actor=actor, event=event, target_id=evidence.id, details=details)
    db.session.delete(evidence)
    db.session.commit()


def files_of_event(event_id: int, *, with_content: bool = False) -> list[EvidenceFile]:
    """The event's files by kind, day and upload time; their bytes only `with_content`."""
    options = [selectinload(EvidenceFile.uploaded_by), *([undefer(EvidenceFile.content)] if with_content else [])]
    return list(
        db.session.scalars(
            select(EvidenceFile)
            .options(*options)
            .where(EvidenceFile.event_id == event_id)
            .order_by(EvidenceFile.kind, EvidenceFile.day, EvidenceFile.uploaded_at, EvidenceFile.id)
        )
    )


def download_name(evidence: EvidenceFile) -> str:
    """The name a download is saved under, its extension matching what the file is."""
    from werkzeug.utils import secure_filename

    file_type = sniff_content_type(evidence.content_type)
    stem = secure_filename(evidence.filename).rsplit(".", 1)[0] or evidence.kind
    return f"{stem}.{file_type}"


def sniff_content_type(content_type: str) -> str:
    return next((t.extension for _sig, t in _SIGNATURES if t.content_type == content_type), "bin")
