"""The ledger's files: the XLSX read back with openpyxl, the CSV and PDF of the CLI, and the
project's evidence pack, each compared with the counts made in the test."""

from __future__ import annotations

import csv
import io
import zipfile
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from seminar_app.enums import Role
from seminar_app.extensions import db
from seminar_app.privacy.models import PersonalDataAccess, PersonalDataGrant
from tests.funding_world import CAP, build_world, expected_counts, expected_grant


@pytest.fixture
def world(make_project, make_partner, make_event, make_user):  # type: ignore[no-untyped-def]
    return build_world(make_project, make_partner, make_event, make_user)


def _check_rows(rows: list[list[object]]) -> None:
    header, *body = rows
    assert header[:7] == [
        "Event code", "Title", "Country", "Date", "Local participants", "International participants", "Grant (EUR)",
    ]  # fmt: skip
    by_code = {row[0]: row for row in body}
    for code, keys in (("E1", {"A1"}), ("E2", {"B1", "B2"})):
        counts = expected_counts(keys)
        assert [int(by_code[code][4]), int(by_code[code][5])] == [counts["local"], counts["international"]]  # type: ignore[call-overload]
        assert Decimal(str(by_code[code][6])) == expected_grant(keys)
    assert by_code["E2"][15] == "E2: sheet for 20 May missing"
    total = by_code["Total"]
    assert Decimal(str(total[6])) == expected_grant({"A1", "B1", "B2"})
    assert "not in the plan" in by_code


def test_xlsx_holds_the_lines_totals_and_cap(world, make_user, login) -> None:  # type: ignore[no-untyped-def]
    manager = make_user(Role.MANAGER, projects=[world.project])
    response = login(manager).get(f"/projects/{world.project.slug}/ledger.xlsx")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, no-store"
    book = load_workbook(io.BytesIO(response.data))
    sheets = book.worksheets
    _check_rows([[c.value for c in row] for row in sheets[0].iter_rows()])
    totals = {row[0].value: row[1].value for row in sheets[1].iter_rows(min_row=2)}
    assert Decimal(str(totals["Grant after the cap"])) == CAP
    assert totals["Cap reached"] == "yes"
    status = [row[1].value for row in sheets[2].iter_rows(min_row=2)]
    assert "E2: sheet for 20 May missing" in status


def test_a_formula_in_a_title_stays_text(world, make_user, login) -> None:  # type: ignore[no-untyped-def]
    world.plan["E1"].title = '=HYPERLINK("http://x")'
    db.session.commit()
    response = login(make_user(Role.ADMIN)).get(f"/projects/{world.project.slug}/ledger.xlsx")
    sheet = load_workbook(io.BytesIO(response.data)).worksheets[0]
    titles = [row[1].value for row in sheet.iter_rows(min_row=2)]
    assert not any(str(t).startswith("=") for t in titles)


def test_pdf_is_a_pdf(world, login) -> None:  # type: ignore[no-untyped-def]
    response = login(world.organiser).get(f"/projects/{world.project.slug}/ledger.pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")


def test_cli_writes_the_ledger_in_three_formats(world, runner, tmp_path) -> None:  # type: ignore[no-untyped-def]
    base = ["report", "export", "--project", world.project.slug, "--table", "ledger"]
    out = tmp_path / "ledger.csv"
    result = runner.invoke(args=[*base, "--format", "csv", "-o", str(out)])
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(out.read_bytes().decode("utf-8-sig"))))
    _check_rows([list(r) for r in rows])
    xlsx = tmp_path / "ledger.xlsx"
    assert runner.invoke(args=[*base, "--format", "xlsx", "-o", str(xlsx)]).exit_code == 0
    _check_rows([[c.value for c in row] for row in load_workbook(xlsx).worksheets[0].iter_rows()])
    pdf = tmp_path / "ledger.pdf"
    assert runner.invoke(args=[*base, "--format", "pdf", "-o", str(pdf)]).exit_code == 0
    assert pdf.read_bytes().startswith(b"%PDF")
    refused = runner.invoke(args=[*base, "--format", "csv", "--from", "2025-01-01", "-o", "-"])
    assert refused.exit_code == 2 and "takes no filter" in refused.output
    other = runner.invoke(args=["report", "export", "--project", world.project.slug, "--table", "events",
                                "--format", "xlsx", "-o", "-"])  # fmt: skip
    assert other.exit_code == 2 and "--table goes with --format csv only." in other.output


def test_evidence_pack_holds_the_files_and_is_logged(world, make_user, login) -> None:  # type: ignore[no-untyped-def]
    url = f"/projects/{world.project.slug}/ledger/evidence-pack.zip"
    manager = make_user(Role.MANAGER, projects=[world.project])
    refused = login(manager).get(url)
    assert refused.status_code == 403 and "signed attendance sheets" in refused.get_data(as_text=True)
    for partner in world.partners.values():
        db.session.add(PersonalDataGrant(partner=partner, manager=manager, granted_by=world.organiser))
    db.session.commit()
    response = login(manager).get(url)
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    names = archive.namelist()
    assert {"ledger.xlsx", "ledger.pdf", "README.txt"} <= set(names)
    slug_a1 = world.events["A1"].slug
    assert sum(1 for n in names if n.startswith(f"E1/{slug_a1}/signed_sheet-")) == 2
    assert any(n.startswith("E2/") and "online_report-" in n for n in names)
    readme = archive.read("README.txt").decode()
    assert "E2: sheet for 20 May missing" in readme
    logged = db.session.query(PersonalDataAccess).filter_by(user_id=manager.id).all()
    assert {entry.partner_id for entry in logged} == {p.id for p in world.partners.values()}
    # The organiser's pack holds only their partner's events.
    own = zipfile.ZipFile(io.BytesIO(login(world.organiser).get(url).data)).namelist()
    assert not any(n.startswith("E2/") for n in own)
