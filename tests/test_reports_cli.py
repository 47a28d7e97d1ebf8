"""`flask report export` writes the dashboard's files, and stops with exit code 2 and a clear
message on wrong input; `flask demo-data --scale large` builds the large project."""

from __future__ import annotations

import io
import zipfile

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from seminar_app.attendance.models import Attendance
from seminar_app.enums import EventStatus, RegistrationStatus, Role
from seminar_app.events.models import Event
from seminar_app.extensions import db
from seminar_app.feedback.models import FeedbackResponse
from seminar_app.mail.models import OutboxMessage
from seminar_app.projects.models import Partner, Project
from seminar_app.registration.models import Registration
from seminar_app.reports.tables import TABLE_NAMES
from tests.test_reports_exports import read_csv, sheets
from tests.test_reports_queries import PEOPLE, World, build_world, expected


@pytest.fixture
def world(make_project, make_partner, make_event) -> World:  # type: ignore[no-untyped-def]
    return build_world(make_project, make_partner, make_event)


def export(runner, world: World, *args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(args=["report", "export", "--project", world.project.slug, *args])


def test_the_cli_writes_the_same_workbook_as_the_dashboard(runner, client, login, make_user, world, tmp_path) -> None:
    out = tmp_path / "report.xlsx"
    result = export(runner, world, "--format", "xlsx", "-o", str(out), "--kind", "conference", "--kind", "seminar")
    login(make_user(Role.MANAGER, projects=[world.project]))
    downloaded = client.get(f"/projects/{world.project.slug}/dashboard/export.xlsx?kind=conference&kind=seminar")

    assert result.exit_code == 0, result.output
    assert f"Wrote {out}" in result.output
    written = sheets(out.read_bytes())
    assert written == sheets(downloaded.data)
    events = written["Events"]
    assert [row[events[0].index("Title")] for row in events[1:]] == ["Event A1", "Event A3", "Event B1"]


def test_partners_by_short_name_or_id_and_a_period(runner, world, tmp_path) -> None:
    out = tmp_path / "tables.zip"
    a = world.partners["A"]
    result = export(
        runner,
        world,
        *("--partner", a.short_name.lower(), "--from", "2025-05-01", "--to", "2025-12-31"),
        *("--format", "csv", "-o", str(out)),
    )
    assert result.exit_code == 0, result.output
    archive = zipfile.ZipFile(out)
    assert archive.namelist() == [f"{name}.csv" for name in TABLE_NAMES]
    events = read_csv(archive.read("events.csv"))
    assert [row[events[0].index("Title")] for row in events[1:]] == ["Event A3", "Event A2"]

    by_id = export(runner, world, "--partner", str(a.id), "--format", "csv", "--table", "aggregates", "-o", "-")
    values = {row[0]: row[1] for row in read_csv(by_id.stdout_bytes)[1:]}
    assert values["Attended"] == str(expected(PEOPLE, {"A1", "A2", "A3"})["attended"])


def test_the_pdf_names_the_project_and_its_figures(runner, world, tmp_path) -> None:
    out = tmp_path / "report.pdf"
    result = export(runner, world, "--format", "pdf", "-o", str(out))

    assert result.exit_code == 0, result.output
    first = PdfReader(io.BytesIO(out.read_bytes())).pages[0].extract_text()
    assert world.project.grant_number in first
    assert f"Registered {expected(PEOPLE)['registered']}" in first


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--project", "no-such-project", "--format", "xlsx"], "There is no project with the slug “no-such-project”"),
        (["--partner", "NOPE", "--format", "xlsx"], "“NOPE” is not a partner of"),
        (["--format", "docx"], "'docx' is not one of 'xlsx', 'csv', 'pdf'"),
        (["--from", "2025-02-30", "--format", "xlsx"], "--from: “2025-02-30” is not a date: write it as YYYY-MM-DD."),
        (["--from", "2025-06-01", "--to", "2025-05-01", "--format", "pdf"], "--to: The end of the period is before"),
        (["--country", "XX", "--format", "csv"], "--country: “XX” is not a known country code"),
        (["--result", "PR9", "--format", "csv"], "“PR9” is not a result of"),
        (["--table", "events", "--format", "xlsx"], "--table goes with --format csv only."),
        (["--table", "people", "--format", "csv"], "'people' is not one of"),
    ],
)
def test_wrong_input_stops_with_exit_code_2_and_writes_nothing(runner, world, tmp_path, args, message) -> None:
    out = tmp_path / "report.out"
    if args[0] != "--project":
        args = ["--project", world.project.slug, *args]
    result = runner.invoke(args=["report", "export", *args, "-o", str(out)])

    assert result.exit_code == 2
    assert message in result.output
    assert not out.exists()


def test_the_partner_of_another_project_is_unknown(runner, world, tmp_path) -> None:
    result = export(runner, world, "--partner", world.partners["Q"].short_name, "--format", "csv", "-o", "-")
    assert result.exit_code == 2
    assert "is not a partner of" in result.output and "Event Q1" not in result.output


# --- the large demo project -----------------------------------------------------------------------


def _count(query) -> int:  # type: ignore[no-untyped-def]
    return db.session.scalar(select(func.count()).select_from(query.subquery())) or 0


def test_demo_data_at_large_scale_builds_the_numbers_asked_for(runner, client, login, make_user) -> None:
    result = runner.invoke(args=["demo-data", "--scale", "large", "--registrations", "2000"])

    assert result.exit_code == 0, result.output
    project = db.session.scalar(select(Project).where(Project.slug == "prism-large"))
    events = select(Event.id).join(Partner).where(Partner.project_id == project.id)
    registrations = select(Registration.id).where(Registration.event_id.in_(events))
    attended = select(Attendance.registration_id).where(Attendance.event_id.in_(events)).distinct()
    assert _count(events) == 300
    assert _count(registrations) == 2000
    assert 0.5 * 2000 <= _count(attended) <= 0.65 * 2000
    assert _count(select(FeedbackResponse.id).where(FeedbackResponse.event_id.in_(events))) > 0
    assert _count(select(Event.id).where(Event.id.in_(events), Event.status == EventStatus.DELIVERED)) > 150
    mail = select(OutboxMessage.id).where(OutboxMessage.event_id.in_(events))
    assert _count(mail) == 0, "no mail to the bulk-made people"
    assert "300 events, 2000 registrations" in result.output

    # The dashboard counts what was built: standing registrations (none cancelled late) and attendees.
    standing = registrations.where(Registration.status != RegistrationStatus.CANCELLED)
    login(make_user(Role.MANAGER, projects=[project]))
    html = client.get(f"/projects/{project.slug}/dashboard").get_data(as_text=True)
    assert 'id="kpi-events">300<' in html
    assert f'id="kpi-registered">{_count(standing):,}<' in html
    assert f'id="kpi-attended">{_count(attended):,}<' in html

    again = runner.invoke(args=["demo-data", "--scale", "large", "--registrations", "2000"])
    assert again.exit_code == 0 and "Already there" in again.output
    assert _count(registrations) == 2000


def test_the_default_demo_data_is_unchanged_by_the_option(runner) -> None:
    result = runner.invoke(args=["demo-data"])
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(Project).where(Project.slug == "prism-large")) is None
