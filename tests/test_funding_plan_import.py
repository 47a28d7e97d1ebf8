"""Importing the plan of multiplier events from CSV or XLSX: the preview says what each row
would do (new, update, refused with its line and reason), the confirmed import saves the
valid rows in one transaction, and a refused row never loses existing data."""

from __future__ import annotations

import io
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from seminar_app.audit.models import AuditAction, AuditEntry
from seminar_app.enums import Role
from seminar_app.extensions import db
from seminar_app.funding.models import FundingChange, PlannedEvent
from seminar_app.funding.plan_import import PlanFileError, read_plan_table
from seminar_app.funding.plan_import_services import sign_plan
from seminar_app.funding.plan_rows import read_plan_row
from seminar_app.funding.plan_services import PlanInput, create_planned

SAMPLE = Path(__file__).parent / "fixtures" / "funding_plan.csv"
HEADER = "code;title;partner;country;month;format;local;international;budget"


@pytest.fixture
def world(make_project, make_partner, make_user) -> dict[str, Any]:
    project = make_project()
    lisbon = make_partner(project, short_name="ULis", name="University of Lisbon", country="PT")
    ghent = make_partner(project, short_name="UGent", name="Ghent University", country="BE", timezone="Europe/Brussels")
    return {
        "project": project,
        "lisbon": lisbon,
        "ghent": ghent,
        "manager": make_user(Role.MANAGER, projects=[project], name="Maria Manager"),
    }


def url(world: dict[str, Any]) -> str:
    return f"/projects/{world['project'].id}/funding/plan/import"


def upload(client, world: dict[str, Any], data: bytes, name: str = "plan.csv"):  # type: ignore[no-untyped-def]
    return client.post(url(world), data={"file": (io.BytesIO(data), name)}, content_type="multipart/form-data")


def payload_of(response) -> str:  # type: ignore[no-untyped-def]
    html = response.get_data(as_text=True)
    start = html.index('name="payload"')
    value = html.index('value="', start) + len('value="')
    return html[value : html.index('"', value)]


def text_of(response) -> str:  # type: ignore[no-untyped-def]
    return " ".join(response.get_data(as_text=True).split())


def plan(world: dict[str, Any]) -> dict[str, PlannedEvent]:
    db.session.expire_all()
    query = select(PlannedEvent).where(PlannedEvent.project_id == world["project"].id)
    return {p.code: p for p in db.session.scalars(query)}


def test_the_sample_file_is_previewed_then_imported(client, login, world) -> None:
    login(world["manager"])
    assert client.get(url(world)).status_code == 200

    preview = upload(client, world, SAMPLE.read_bytes())

    assert preview.status_code == 200
    page = text_of(preview)
    assert "Nothing is saved yet. 4 new planned events, 0 updates, 0 unchanged, 0 refused." in page
    assert plan(world) == {}, "the preview saves nothing"

    done = client.post(f"{url(world)}/confirm", data={"payload": payload_of(preview)}, follow_redirects=True)

    assert "The plan is imported: 4 new planned events, 0 updated." in text_of(done)
    saved = plan(world)
    assert sorted(saved) == ["E1", "E2", "E3", "E4"]
    assert (saved["E2"].partner_id, saved["E2"].planned_month, saved["E2"].format) == (
        world["ghent"].id,
        date(2026, 6, 1),
        "hybrid",
    )
    assert saved["E2"].budget == Decimal("7000")
    assert saved["E3"].partner_id == world["lisbon"].id and saved["E3"].country == "PT", "the partner's country"
    assert saved["E4"].country == "BE" and saved["E4"].budget is None and saved["E4"].planned_month == date(2026, 11, 1)
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == AuditAction.FUNDING_PLAN_IMPORTED))
    assert entry is not None and entry.details["new"] == 4
    assert len(db.session.scalars(select(FundingChange)).all()) == 4


def test_an_xlsx_plan_with_date_cells_updates_existing_codes(client, login, world) -> None:
    create_planned(
        world["project"],
        PlanInput("E1", "Old title", world["lisbon"].id, "PT", date(2026, 1, 1), "in_person", 10, 5, None),
        actor=world["manager"],
    )
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Code", "Title", "Partner", "Country", "Planned month", "Format", "Local participants",
                  "International participants", "Budget"])  # fmt: skip
    sheet.append(["e1", "National seminar in Portugal", "ULis", "PT", datetime(2026, 5, 14), "In person", 40, 10, 6000])
    sheet.append(["E2", "Seminar in Ghent", "Ghent University", "BE", datetime(2026, 6, 1), "Online", 30.0, 12, 4500.5])
    data = io.BytesIO()
    book.save(data)
    login(world["manager"])

    preview = upload(client, world, data.getvalue(), "plan.xlsx")

    assert preview.status_code == 200
    assert "1 new planned event, 1 update" in text_of(preview) and "Updates E1" in text_of(preview)
    client.post(f"{url(world)}/confirm", data={"payload": payload_of(preview)})
    saved = plan(world)
    assert sorted(saved) == ["E1", "E2"], "e1 updates E1 and keeps its code"
    assert (saved["E1"].title, saved["E1"].planned_month, saved["E1"].planned_local) == (
        "National seminar in Portugal",
        date(2026, 5, 1),
        40,
    )
    assert (saved["E2"].format, saved["E2"].planned_local, saved["E2"].budget) == ("online", 30, Decimal("4500.50"))
    changes = {c.setting for c in db.session.scalars(select(FundingChange))}
    assert {"plan:E1:title", "plan:E1:planned_month", "plan:E1:planned_local", "plan:E2:added"} <= changes


def test_refused_rows_are_listed_with_their_line_and_reason_and_lose_nothing(client, login, world) -> None:
    create_planned(
        world["project"],
        PlanInput("E1", "Kept title", world["lisbon"].id, "PT", date(2026, 1, 1), "in_person", 10, 5, None),
        actor=world["manager"],
    )
    rows = [
        HEADER,
        "E1;Changed title;Nobody Ltd;PT;2026-05;in person;40;10;6000",  # line 2: unknown partner
        "E2;Seminar;ULis;PT;2026-05;in person;40;10;6000",  # line 3: fine
        "e2;Again;ULis;PT;2026-06;in person;40;10;6000",  # line 4: duplicate code
        "E3;Negative;ULis;PT;2026-05;in person;-4;10;6000",  # line 5
        "E4;Absurd;ULis;PT;2026-05;in person;40;1000000;6000",  # line 6
        "E5;Too early;ULis;PT;2010-05;in person;40;10;6000",  # line 7
        "E6;Bad format;ULis;PT;2026-05;by pigeon;40;10;6000",  # line 8
        "E7;Bad month;ULis;PT;May;in person;40;10;6000",  # line 9
        "E8;Absurd budget;ULis;PT;2026-05;in person;40;10;99999999",  # line 10
        "E9;Bad country;ULis;Atlantis;2026-05;in person;40;10;",  # line 11
    ]
    login(world["manager"])

    preview = upload(client, world, "\n".join(rows).encode())

    page = text_of(preview)
    assert "1 new planned event, 0 updates, 0 unchanged, 9 refused" in page
    for line, reason in [
        (2, "the partner “Nobody Ltd” is not a partner of this project"),
        (4, "the code e2 is used on line 3 already"),
        (5, "local: enter a number of participants from 0 to 100,000"),
        (6, "international: enter a number of participants from 0 to 100,000"),
        (7, "month: the month must lie within the project's duration"),
        (8, "“by pigeon” is not a format"),
        (9, "“May” is not a month"),
        (10, "budget: enter an amount from 0 to 10,000,000"),
        (11, "“Atlantis” is not a country"),
    ]:
        assert f"<td>{line}</td>" in preview.get_data(as_text=True)
        assert reason in page.replace("&#39;", "'"), reason
    client.post(f"{url(world)}/confirm", data={"payload": payload_of(preview)})
    saved = plan(world)
    assert sorted(saved) == ["E1", "E2"]
    assert saved["E1"].title == "Kept title", "a refused row never changes what was saved"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty."),
        (b"%PDF-1.4\x00\x01\x02 binary", "This is not a CSV or XLSX file."),
        (HEADER.encode(), "only a header row"),
        (b"name,when\nSeminar,2026-05\n", "missing: code, partner"),
        (b"PK\x03\x04 not really a workbook", "This workbook is damaged"),
        (b"code,title\n" + b"x" * (1024 * 1024 + 10), "larger than 1 MB"),
    ],
)
def test_unreadable_files_are_refused_with_a_message(client, login, world, data, message) -> None:
    login(world["manager"])
    response = upload(client, world, data)
    assert response.status_code == 422
    assert message in text_of(response).replace("&#39;", "'")
    assert plan(world) == {}


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_any_common_delimiter_and_encoding_is_read(world, encoding, delimiter) -> None:
    text = delimiter.join(["code", "title", "partner", "month"]) + "\r\n"
    text += delimiter.join(["E1", "Séminaire à Liège", "UGent", "2026-05"]) + "\r\n"
    table = read_plan_table(text.encode(encoding))
    [(line, values)] = table.rows
    assert (line, values["title"], values["partner"]) == (2, "Séminaire à Liège", "UGent")


def test_a_forged_stale_or_foreign_preview_saves_nothing(client, login, world, make_project) -> None:
    login(world["manager"])
    preview = upload(client, world, SAMPLE.read_bytes())
    payload = payload_of(preview)
    forged = payload[:-3] + ("AAA" if not payload.endswith("AAA") else "BBB")
    for value in (forged, "", "nonsense"):
        response = client.post(f"{url(world)}/confirm", data={"payload": value}, follow_redirects=True)
        assert "This preview has expired or was not made for this project." in text_of(response)
    other = make_project()
    with client.application.test_request_context():
        foreign = sign_plan(other, read_plan_table(SAMPLE.read_bytes()))
    response = client.post(f"{url(world)}/confirm", data={"payload": foreign}, follow_redirects=True)
    assert "was not made for this project" in text_of(response)
    assert plan(world) == {}


@settings(max_examples=300, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.binary(max_size=400)
    | st.text(max_size=300).map(lambda t: (HEADER + "\n" + t).encode())
    | st.lists(st.text(max_size=12), min_size=9, max_size=9).map(
        lambda cells: (HEADER + "\n" + ";".join(cells)).encode()
    )
)
def test_reading_a_plan_never_fails_with_anything_but_a_plan_file_error(app, data: bytes) -> None:
    try:
        table = read_plan_table(data)
    except PlanFileError as exc:
        assert exc.message
    else:
        for line, values in table.rows:
            row = read_plan_row(line, values)
            assert row.problems or (row.code and row.title and row.month is not None)


def test_the_sample_workbook_reads_as_the_sample_csv(app) -> None:
    def rows(name: str) -> list[tuple[object, ...]]:
        table = read_plan_table((SAMPLE.parent / name).read_bytes())
        read = [read_plan_row(line, values) for line, values in table.rows]
        return [(r.code, r.partner, r.month, r.format, r.local, r.international, r.budget, r.problems) for r in read]

    assert rows("funding_plan.xlsx") == rows("funding_plan.csv")
