"""Evidence files as the service stores them: only PDFs and images (by their content), the
size limit, the day rules, several files per day, deletion, and the audit entries."""

from __future__ import annotations

import hashlib
import io
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from seminar_app.audit.models import AuditEntry
from seminar_app.audit.wording import describe
from seminar_app.enums import EventFormat, EvidenceKind, Role
from seminar_app.errors import DomainError
from seminar_app.extensions import db
from seminar_app.funding.evidence_files import delete_evidence, files_of_event, sniff, upload_evidence
from seminar_app.funding.models import EvidenceFile

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 40
TIFF = b"II*\x00" + b"\x00" * 40
EXE = b"MZ\x90\x00\x03" + b"\x00" * 40
HTML = b"<!DOCTYPE html><html><script>alert(1)</script></html>"


@pytest.fixture
def past_event(make_event):  # type: ignore[no-untyped-def]
    """A two-day hybrid event that ended yesterday or before."""
    return make_event(days_ahead=-5, hours=30)


@pytest.fixture
def organiser(make_user, past_event):  # type: ignore[no-untyped-def]
    return make_user(Role.ORGANISER, partners=[past_event.partner])


def upload(event, kind=EvidenceKind.SIGNED_SHEET, day=None, content=PDF, name="sheet.pdf", actor=None):  # type: ignore[no-untyped-def]
    day = (
        day
        if day is not None or kind not in (EvidenceKind.SIGNED_SHEET, EvidenceKind.ONLINE_REPORT)
        else event.local_days[0]
    )
    return upload_evidence(event, kind, day, name, io.BytesIO(content), actor=actor)


def count() -> int:
    return db.session.scalar(select(func.count()).select_from(EvidenceFile))


@pytest.mark.parametrize(
    ("content", "content_type"),
    [(PDF, "application/pdf"), (PNG, "image/png"), (JPEG, "image/jpeg"), (TIFF, "image/tiff")],
)
def test_pdfs_and_images_are_stored_with_their_type_size_and_hash(past_event, organiser, content, content_type):
    stored = upload(past_event, content=content, name="scan.bin", actor=organiser)
    assert (stored.content_type, stored.size) == (content_type, len(content))
    assert stored.sha256 == hashlib.sha256(content).hexdigest()
    assert stored.content == content and stored.uploaded_by_id == organiser.id
    assert stored.day == past_event.local_days[0]


@pytest.mark.parametrize("content", [EXE, HTML, b"just some text", b"GIF89a" + b"\x00" * 10])
def test_anything_else_is_refused_whatever_its_name(past_event, organiser, content):
    with pytest.raises(DomainError) as refused:
        upload(past_event, content=content, name="signed-sheet.pdf", actor=organiser)
    assert refused.value.field == "file"
    assert "PDF, PNG, JPEG or TIFF" in refused.value.message
    assert count() == 0


def test_sniffing_reads_content_not_names():
    assert sniff(PDF).content_type == "application/pdf"
    assert sniff(EXE) is None and sniff(b"") is None


def test_an_empty_file_is_refused(past_event, organiser):
    with pytest.raises(DomainError, match="empty"):
        upload(past_event, content=b"", actor=organiser)


def test_a_file_over_the_limit_is_refused_with_the_limit_named(app, past_event, organiser, monkeypatch):
    monkeypatch.setitem(app.config, "EVIDENCE_MAX_BYTES", 2 * 1024 * 1024)
    with pytest.raises(DomainError) as refused:
        upload(past_event, content=PDF + b"0" * (2 * 1024 * 1024), actor=organiser)
    assert "larger than 2 MB" in refused.value.message and refused.value.field == "file"
    assert count() == 0
    upload(past_event, content=PDF + b"0" * (1024 * 1024), actor=organiser)
    assert count() == 1


def test_a_sheet_needs_one_of_the_events_days(past_event, organiser):
    with pytest.raises(DomainError) as no_day:
        upload_evidence(past_event, EvidenceKind.SIGNED_SHEET, None, "a.pdf", io.BytesIO(PDF), actor=organiser)
    assert no_day.value.field == "day"
    other_day = past_event.local_days[0] - timedelta(days=1)
    with pytest.raises(DomainError, match="one of the days"):
        upload(past_event, day=other_day, actor=organiser)
    assert count() == 0


def test_a_day_still_to_come_cannot_have_its_sheet_yet(make_event, make_user):
    event = make_event(days_ahead=3)
    with pytest.raises(DomainError, match="not come yet"):
        upload(event, day=event.local_days[0])


def test_signed_sheets_only_for_events_with_a_venue_and_reports_only_online(make_event):
    online = make_event(days_ahead=-3, format=EventFormat.ONLINE, venue_name="", address="", city="")
    with pytest.raises(DomainError, match="no venue"):
        upload(online)
    assert upload(online, kind=EvidenceKind.ONLINE_REPORT).kind == "online_report"
    in_person = make_event(days_ahead=-3, format=EventFormat.IN_PERSON, online_platform="", joining_url="")
    with pytest.raises(DomainError, match="not online"):
        upload(in_person, kind=EvidenceKind.ONLINE_REPORT)


def test_several_pages_of_one_day_and_agenda_and_material_without_a_day(past_event, organiser):
    day = past_event.local_days[1]
    upload(past_event, day=day, content=JPEG, name="page-1.jpg", actor=organiser)
    upload(past_event, day=day, content=JPEG, name="page-2.jpg", actor=organiser)
    agenda = upload_evidence(
        past_event, EvidenceKind.AGENDA, past_event.local_days[0], "agenda.pdf", io.BytesIO(PDF), actor=organiser
    )
    assert agenda.day is None
    files = files_of_event(past_event.id)
    assert sorted(f.filename for f in files) == ["agenda.pdf", "page-1.jpg", "page-2.jpg"]


def test_a_path_in_the_name_is_dropped(past_event, organiser):
    assert upload(past_event, name="C:\\scans\\day1.pdf", actor=organiser).filename == "day1.pdf"


def test_upload_and_deletion_are_audited_in_plain_words(past_event, organiser):
    stored = upload(past_event, actor=organiser)
    delete_evidence(stored, actor=organiser)
    assert count() == 0
    entries = list(
        db.session.scalars(select(AuditEntry).where(AuditEntry.action.like("evidence.%")).order_by(AuditEntry.id))
    )
    assert [e.action for e in entries] == ["evidence.uploaded", "evidence.deleted"]
    assert all(e.event_id == past_event.id and e.actor_id == organiser.id for e in entries)
    assert "sheet.pdf" not in str(entries[0].details)
    uploaded, deleted = (describe(e, {}) for e in entries)
    assert uploaded.startswith(organiser.name + " uploaded a file (Signed attendance sheet,")
    assert deleted.startswith(organiser.name + " deleted a file (Signed attendance sheet,")
    assert past_event.title in uploaded
