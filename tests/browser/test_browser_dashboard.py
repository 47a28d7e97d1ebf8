"""The project manager's dashboard in a real browser: the figures, a filter that narrows
them, and the XLSX download of the filtered view, opened with openpyxl."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook

from seminar_app.attendance import services as attendance
from seminar_app.enums import AttendanceMode, EventKind, Role
from seminar_app.extensions import db
from seminar_app.registration import services
from seminar_app.registration.services import RegistrationInput

pytestmark = pytest.mark.browser


def _register(event, n: int, mode: AttendanceMode = AttendanceMode.ONSITE):  # type: ignore[no-untyped-def]
    data = RegistrationInput(name=f"Person {n}", email=f"p{n}@example.org", mode=mode, privacy_acknowledged=True)
    return services.register(event, data).registration


def test_manager_filters_the_dashboard_and_downloads_the_xlsx(  # type: ignore[no-untyped-def]
    page, make_project, make_partner, make_user, make_event
) -> None:
    from playwright.sync_api import expect

    project = make_project()
    lisbon = make_partner(project, name="Centro de Prevenção Lisboa", short_name="CPL")
    tallinn = make_partner(
        project, name="Probation Academy Tallinn", short_name="PAT", country="EE", timezone="Europe/Tallinn"
    )
    seminar = make_event(lisbon, title="Seminário nacional", days_ahead=10)
    workshop = make_event(tallinn, title="Workshop in Tallinn", days_ahead=12, kind=EventKind.WORKSHOP)
    seminar_people = [_register(seminar, n) for n in range(3)]
    for n in range(3, 8):
        _register(workshop, n)
    for event in (seminar, workshop):  # both took place
        event.starts_at, event.ends_at = event.starts_at - timedelta(days=20), event.ends_at - timedelta(days=20)
    db.session.commit()
    attendance.check_in(seminar_people[0], seminar.local_days[0])
    manager = make_user(Role.MANAGER, projects=[project])

    page.goto("/login")
    page.get_by_label("E-mail", exact=True).fill(manager.email)
    page.get_by_label("Password", exact=True).fill("correct horse battery staple")
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("link", name="Dashboard").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(project.acronym)
    expect(page.locator("#kpi-events")).to_have_text("2")
    expect(page.locator("#kpi-registered")).to_have_text("8")
    expect(page.locator("#kpi-attended")).to_have_text("1")
    expect(page.get_by_role("img").first).to_be_visible()

    page.get_by_label("Kind of event", exact=True).select_option(EventKind.SEMINAR.value)
    page.get_by_role("button", name="Apply").click()
    expect(page.locator("#kpi-events")).to_have_text("1")
    expect(page.locator("#kpi-registered")).to_have_text("3")
    assert f"kind={EventKind.SEMINAR.value}" in page.url

    with page.expect_download() as download_info:
        page.get_by_role("link", name="All tables (XLSX)").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    workbook = load_workbook(io.BytesIO(Path(download.path()).read_bytes()), read_only=True)
    events = list(workbook[workbook.sheetnames[0]].iter_rows(values_only=True))
    titles = [cell for row in events[1:] for cell in row if cell in ("Seminário nacional", "Workshop in Tallinn")]
    assert titles == ["Seminário nacional"], "the file holds the filtered view"
    cells = {str(c) for sheet in workbook.worksheets for row in sheet.iter_rows(values_only=True) for c in row}
    assert not any("@example.org" in c or c.startswith("Person ") for c in cells), "no personal data"
