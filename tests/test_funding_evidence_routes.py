"""The event's Evidence tab as its users meet it: uploading a day's signed sheet, refusals
in words (a renamed program, a file too large, a wrong day), what the funder still lacks,
downloads that no cache keeps, deletion after confirmation, and who may see the tab."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from seminar_app.enums import EventFormat, EvidenceKind, Role
from seminar_app.extensions import db
from seminar_app.funding.models import EvidenceFile, PlannedEvent
from seminar_app.privacy.models import PersonalDataAccess
from seminar_app.privacy.services import grant_personal_data

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 40
EXE = b"MZ\x90\x00\x03" + b"\x00" * 200
HTML = b"<html><body><script>alert(document.cookie)</script></body></html>"


@pytest.fixture
def event(make_event):  # type: ignore[no-untyped-def]
    """A two-day hybrid event, over."""
    return make_event(days_ahead=-5, hours=30)


@pytest.fixture
def organiser(make_user, event):  # type: ignore[no-untyped-def]
    return make_user(Role.ORGANISER, partners=[event.partner])


def url(event, *rest: object) -> str:  # type: ignore[no-untyped-def]
    return "/".join([f"/manage/events/{event.id}/evidence", *(str(part) for part in rest)])


def post_file(client, event, content=PDF, name="day1.pdf", kind="signed_sheet", day=None):  # type: ignore[no-untyped-def]
    day = event.local_days[0].isoformat() if day is None else day
    data = {"kind": kind, "day": day, "file": (io.BytesIO(content), name)}
    return client.post(url(event), data=data, content_type="multipart/form-data", follow_redirects=True)


def stored() -> list[EvidenceFile]:
    return list(db.session.scalars(select(EvidenceFile).order_by(EvidenceFile.id)))


def test_the_organiser_uploads_each_days_sheet_and_the_lack_disappears(client, login, event, organiser):
    login(organiser)
    page = client.get(url(event)).get_data(as_text=True)
    assert "What the funder still lacks" in page and page.count("missing") >= 2
    assert 'accept=".pdf' in page
    first, second = event.local_days
    response = post_file(client, event, name="day1.pdf")
    assert response.status_code == 200 and "day1.pdf is stored" in response.get_data(as_text=True)
    response = post_file(client, event, JPEG, "day2-page1.jpg", day=second.isoformat())
    post_file(client, event, JPEG, "day2-page2.jpg", day=second.isoformat())
    assert [(f.day, f.filename) for f in stored()] == [
        (first, "day1.pdf"),
        (second, "day2-page1.jpg"),
        (second, "day2-page2.jpg"),
    ]
    page = client.get(url(event)).get_data(as_text=True)
    assert "sheet for" not in page.split("What the funder still lacks")[1].split("Every piece")[0]


@pytest.mark.parametrize(("content", "name"), [(EXE, "signed-sheet.pdf"), (HTML, "sheet.pdf"), (EXE, "setup.exe")])
def test_a_renamed_program_or_web_page_is_refused_in_words(client, login, event, organiser, content, name):
    login(organiser)
    post_file(client, event, name="kept.pdf")
    response = post_file(client, event, content, name)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "not a PDF or an image we accept" in page and "PDF, PNG, JPEG or TIFF" in page
    assert 'id="error-summary"' in page
    assert [f.filename for f in stored()] == ["kept.pdf"]


def test_an_oversized_file_gets_a_clear_message_and_nothing_saved_is_lost(app, client, login, event, organiser):
    login(organiser)
    post_file(client, event, name="kept.pdf")
    app.config["EVIDENCE_MAX_BYTES"] = 1024 * 1024
    try:
        response = post_file(client, event, PDF + b"0" * (1024 * 1024), "huge.pdf")
    finally:
        app.config["EVIDENCE_MAX_BYTES"] = 20 * 1024 * 1024
    assert response.status_code == 422
    assert "larger than 1 MB" in response.get_data(as_text=True)
    assert [f.filename for f in stored()] == ["kept.pdf"]


def test_a_file_just_over_the_default_20_mb_is_refused_on_the_form(client, login, event, organiser):
    login(organiser)
    response = post_file(client, event, PDF + b"0" * (20 * 1024 * 1024), "scan-600dpi.pdf")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "larger than 20 MB" in page and "several files" in page
    assert stored() == []


def test_a_request_over_the_servers_limit_gets_a_page_in_words(app, client):
    response = client.get("/request-too-large")
    assert response.status_code == 413
    page = response.get_data(as_text=True)
    assert "The file is too large" in page and "at most 20 MB" in page and "nothing of it was saved" in page


def test_a_wrong_or_missing_day_is_named_next_to_the_field(client, login, event, organiser):
    login(organiser)
    response = post_file(client, event, day="")
    assert response.status_code == 422 and "Choose the day of the event this file proves." in response.get_data(
        as_text=True
    )
    response = post_file(client, event, day="2001-01-01")
    assert response.status_code == 422 and "Not a valid choice" in response.get_data(as_text=True)
    assert stored() == []


def test_an_online_event_offers_no_signed_sheet(client, login, make_event, make_user):
    online = make_event(days_ahead=-3, format=EventFormat.ONLINE, venue_name="", address="", city="")
    login(make_user(Role.ORGANISER, partners=[online.partner]))
    page = client.get(url(online)).get_data(as_text=True)
    assert 'value="signed_sheet"' not in page and 'value="online_report"' in page
    assert post_file(client, online).status_code == 422


def test_download_is_an_attachment_of_its_type_that_no_cache_keeps(client, login, event, organiser):
    login(organiser)
    post_file(client, event, name="Day 1 – signed.PDF")
    evidence = stored()[0]
    response = client.get(url(event, evidence.id))
    assert response.status_code == 200 and response.data == PDF
    assert response.mimetype == "application/pdf"
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and ".pdf" in disposition
    # A scan of a signed sheet carries names: its download is logged like any personal-data export.
    assert db.session.scalar(select(func.count()).select_from(PersonalDataAccess)) == 1


def test_deleting_asks_first_then_removes_the_file(client, login, event, organiser):
    login(organiser)
    post_file(client, event, name="wrong.pdf")
    evidence = stored()[0]
    confirm = client.get(url(event, evidence.id, "delete"))
    assert confirm.status_code == 200 and "wrong.pdf" in confirm.get_data(as_text=True)
    assert len(stored()) == 1
    response = client.post(url(event, evidence.id, "delete"), follow_redirects=True)
    assert "wrong.pdf is deleted" in response.get_data(as_text=True)
    assert stored() == []


def test_the_planned_event_it_delivers_is_named(client, login, event, organiser):
    planned = PlannedEvent(
        project_id=event.project.id,
        code="E2",
        title="National seminar in Portugal",
        partner_id=event.partner_id,
        country="PT",
        planned_month=event.local_days[0].replace(day=1),
    )
    db.session.add(planned)
    db.session.flush()
    event.planned_event_id = planned.id
    db.session.commit()
    login(organiser)
    assert "planned event E2 “National seminar in Portugal”" in client.get(url(event)).get_data(as_text=True)


def test_another_partners_organiser_gets_404_everywhere(client, login, event, organiser, make_user, make_partner):
    login(organiser)
    post_file(client, event)
    evidence = stored()[0]
    client.get("/logout")
    other = make_user(Role.ORGANISER, partners=[make_partner(project=event.project)])
    login(other)
    for path in (url(event), url(event, evidence.id), url(event, evidence.id, "delete")):
        assert client.get(path).status_code == 404
    assert client.post(url(event, evidence.id, "delete")).status_code == 404
    assert len(stored()) == 1


def test_a_manager_sees_the_files_only_with_the_partners_grant_and_never_changes_them(
    client, login, event, organiser, make_user
):
    login(organiser)
    post_file(client, event)
    evidence = stored()[0]
    client.get("/logout")
    manager = make_user(Role.MANAGER, projects=[event.project])
    login(manager)
    assert client.get(url(event)).status_code == 403
    assert client.get(url(event, evidence.id)).status_code == 403
    grant_personal_data(event.partner, manager, actor=organiser)
    page = client.get(url(event))
    assert page.status_code == 200 and "day1.pdf" in page.get_data(as_text=True)
    assert 'id="evidence-upload"' not in page.get_data(as_text=True)
    assert client.get(url(event, evidence.id)).status_code == 200
    assert post_file(client, event).status_code == 403
    assert client.post(url(event, evidence.id, "delete")).status_code == 403
    assert len(stored()) == 1


def test_a_file_of_another_event_is_not_found_under_this_one(client, login, event, organiser, make_event):
    login(organiser)
    post_file(client, event)
    sibling = make_event(event.partner, days_ahead=-2)
    evidence = stored()[0]
    assert client.get(url(sibling, evidence.id)).status_code == 404
    assert client.get(url(event, 999999)).status_code == 404


def test_the_workspace_has_an_evidence_tab(client, login, event, organiser):
    login(organiser)
    page = client.get(f"/manage/events/{event.id}/attendance").get_data(as_text=True)
    assert f'href="/manage/events/{event.id}/evidence"' in page


def test_the_kind_labels_are_offered(client, login, event, organiser):
    login(organiser)
    page = client.get(url(event)).get_data(as_text=True)
    for kind in EvidenceKind:
        assert kind.label in page
