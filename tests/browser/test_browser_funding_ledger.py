"""The funder's ledger clicked through in a real browser: a manager imports the plan from a
CSV file and links the delivered seminar to E1; the ledger says E1's signed sheet is missing;
the organiser uploads the scan on the event's Evidence tab; the manager's ledger line turns
complete, with the seminar's one local participant and the grant for them."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from seminar_app.attendance.models import Attendance
from seminar_app.enums import AttendanceMode, CheckInSource, EventFormat, EventStatus, RegistrationStatus, Role
from seminar_app.extensions import db
from seminar_app.funding.models import EvidenceFile, PlannedEvent
from seminar_app.registration.models import Registration
from seminar_app.timefmt import format_date
from tests.browser.test_browser_accessibility import axe_page, violations

__all__ = ["axe_page"]

pytestmark = pytest.mark.browser

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def _log_in(page, user) -> None:  # type: ignore[no-untyped-def]
    page.context.clear_cookies()
    page.goto("/login")
    page.get_by_label("E-mail", exact=True).fill(user.email)
    page.get_by_label("Password", exact=True).fill("correct horse battery staple")
    page.get_by_role("button", name="Log in").click()


def test_a_plan_imported_linked_and_given_its_signed_sheet_makes_the_ledger_line_complete(  # type: ignore[no-untyped-def]
    axe_page, tmp_path: Path, make_project, make_partner, make_user, make_event, make_agenda_item
) -> None:
    from playwright.sync_api import expect

    page = axe_page
    project = make_project()
    partner = make_partner(project, short_name="CPL", country="PT", city="Lisboa")
    manager = make_user(Role.MANAGER, projects=[project])
    organiser = make_user(Role.ORGANISER, partners=[partner])
    event = make_event(
        partner, status=EventStatus.DELIVERED, days_ahead=-10, format=EventFormat.IN_PERSON, title="Lisbon seminar"
    )
    make_agenda_item(event)
    day = event.local_days[0]
    person = Registration(
        event=event,
        status=RegistrationStatus.CONFIRMED,
        mode=AttendanceMode.ONSITE,
        name="Ana Lopes",
        email="ana@dgrsp.example",
        organisation="DGRSP",
        organisation_country="PT",
        language="pt",
    )
    db.session.add(person)
    db.session.flush()
    db.session.add_all(
        [
            Attendance(
                event_id=event.id,
                registration_id=person.id,
                day=day,
                mode=AttendanceMode.ONSITE,
                source=CheckInSource.MANUAL,
            ),
            EvidenceFile(
                event_id=event.id,
                kind="material",
                filename="slides.pdf",
                content_type="application/pdf",
                size=len(PDF),
                sha256="0" * 64,
                content=PDF,
            ),
        ]
    )
    db.session.commit()
    month = day.replace(day=1) - timedelta(days=1)  # planned a month earlier than delivered
    plan = tmp_path / "plan.csv"
    plan.write_text(
        "code;title;partner;country;month;format;local;international;budget\n"
        f"E1;Lisbon multiplier seminar;CPL;PT;{month:%Y-%m};in person;20;5;3000\n"
        "E1;Duplicate line;CPL;PT;2026-01;in person;1;1;10\n",
        encoding="utf-8",
    )

    _log_in(page, manager)
    page.goto(f"/projects/{project.id}/funding/plan/import")
    page.get_by_label("Plan file (CSV or XLSX)").set_input_files(str(plan))
    page.get_by_role("button", name="Show the preview").click()
    expect(page.locator("#preview-caption")).to_be_visible()
    expect(page.locator("#preview-summary")).to_contain_text("1 refused")
    refused = page.locator("tr", has_text="Duplicate line")
    expect(refused.locator("td").first).to_have_text("3")
    expect(refused).to_contain_text("Refused")
    assert violations(page) == []
    page.get_by_role("button", name="Import 1 row").click()
    expect(page.locator("main")).to_contain_text("Lisbon multiplier seminar")

    planned = db.session.scalar(select(PlannedEvent).where(PlannedEvent.project_id == project.id))
    assert (planned.code, planned.planned_local, planned.planned_international) == ("E1", 20, 5)
    page.get_by_label("Link an event to E1").select_option(str(event.id))
    page.get_by_role("button", name="Link", exact=True).click()
    expect(page.locator(f"#planned-{planned.id}")).to_contain_text("Lisbon seminar")

    page.goto(f"/projects/{project.slug}/ledger")
    line = page.locator("#line-E1")
    shown_day = format_date(event.starts_at, event.timezone, "d MMM")
    expect(line).to_contain_text(f"E1: sheet for {shown_day} missing")
    assert violations(page) == []

    _log_in(page, organiser)
    page.goto(f"/manage/events/{event.id}/evidence")
    expect(page.locator("#planned-event")).to_contain_text("E1")
    sheet = tmp_path / "signed-sheet.pdf"
    sheet.write_bytes(PDF)
    page.get_by_label("What the file is").select_option("signed_sheet")
    page.get_by_label("Day it proves").select_option(day.isoformat())
    page.get_by_label("File", exact=True).set_input_files(str(sheet))
    page.get_by_role("button", name="Upload").click()
    expect(page.locator("main")).to_contain_text("signed-sheet.pdf")
    assert violations(page) == []

    _log_in(page, manager)
    page.goto(f"/projects/{project.slug}/ledger")
    cells = line.locator("td")
    expect(cells.last).to_have_text("complete")
    assert [cells.nth(i).inner_text() for i in (5, 6)] == ["1", "0"]  # local, international
    expect(line).to_contain_text("100")
    db.session.expire_all()
    stored = db.session.scalars(select(EvidenceFile).where(EvidenceFile.kind == "signed_sheet")).one()
    assert (stored.event_id, stored.day, stored.content) == (event.id, day, PDF)
