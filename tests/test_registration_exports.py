"""CSV and XLSX exports of an event's registrations: content, formula neutralisation, access."""

from __future__ import annotations

import csv
import io
from datetime import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from seminar_app.enums import AttendanceMode, Role
from seminar_app.registration import services
from seminar_app.registration.exports import FORMULA_TRIGGERS, neutralise, to_csv, to_xlsx
from seminar_app.registration.services import RegistrationInput

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER = [
    "Name",
    "E-mail",
    "Organisation",
    "City",
    "Country",
    "Function or role",
    "Stakeholder group",
    "Attends",
    "Status",
    "Partner staff",
    "Language",
    "Registered at (time in Europe/Lisbon)",
    "Consent: photos and recording",
    "Consent: name on attendee list",
    "Consent: news about the project",
    "Access needs",
]


# --- neutralising formulas ---------------------------------------------------------------

# Arbitrary text, half of it starting with a character a spreadsheet reads as a formula.
cell_text = st.builds(lambda lead, rest: lead + rest, st.sampled_from(("", "", "", *FORMULA_TRIGGERS)), st.text())


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://evil.example","Click")', '\'=HYPERLINK("http://evil.example","Click")'),
        ("+1", "'+1"),
        ("-1+2", "'-1+2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("Ana = Sousa", "Ana = Sousa"),
        ("", ""),
        ("Probation Service", "Probation Service"),
    ],
)
def test_neutralise_explicit_cases(value: str, expected: str) -> None:
    assert neutralise(value) == expected


@given(cell_text)
def test_neutralised_text_never_starts_a_formula_and_keeps_the_text(value: str) -> None:
    result = neutralise(value)
    assert not result.startswith(FORMULA_TRIGGERS)
    assert result in (value, "'" + value)
    assert (result == value) == (not value.startswith(FORMULA_TRIGGERS))


@given(st.lists(cell_text, min_size=1, max_size=4))
def test_csv_cells_read_back_neutralised(cells: list[str]) -> None:
    data = to_csv(["Name"], [cells])
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert rows == [["Name"], [neutralise(c) for c in cells]]
    assert not any(cell.startswith(FORMULA_TRIGGERS) for cell in rows[1])


@given(st.lists(cell_text, min_size=1, max_size=4))
def test_xlsx_cells_are_text_and_never_formulas(cells: list[str]) -> None:
    data = to_xlsx(["Name"], [20], [cells], "Registrations")
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet["A1"].value == "Name"
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if cell.value is not None:
                assert cell.data_type == "s"
                assert not str(cell.value).startswith(FORMULA_TRIGGERS)


def test_xlsx_drops_control_characters_before_neutralising() -> None:
    data = to_xlsx(["Name"], [20], [["\x01=1+1", "ok\x00"]], "Registrations")
    sheet = load_workbook(io.BytesIO(data)).active
    assert (sheet["A2"].value, sheet["A2"].data_type) == ("'=1+1", "s")
    assert sheet["B2"].value == "ok"


# --- the downloads -------------------------------------------------------------------------


@pytest.fixture
def partner(make_partner):  # type: ignore[no-untyped-def]
    return make_partner(name="Centro de Prevenção Lisboa")


@pytest.fixture
def organiser(make_user, partner):  # type: ignore[no-untyped-def]
    return make_user(Role.ORGANISER, partners=[partner])


@pytest.fixture
def event(make_event, partner):  # type: ignore[no-untyped-def]
    return make_event(partner, title="Lisbon seminar", slug="lisbon-seminar", capacity_onsite=1)


@pytest.fixture
def registrations(event, organiser):  # type: ignore[no-untyped-def]
    """Ana registers herself with some consents; Bruno (a formula as a name) waits; a third
    is added by an organiser; a fourth has erased her data."""
    ana = services.register(
        event,
        RegistrationInput(
            name="Ana Sousa",
            email="ana@probation.example",
            organisation="Direção-Geral de Reinserção",
            organisation_city="Lisboa",
            organisation_country="PT",
            function_role="Probation officer",
            stakeholder_group="prison_probation",
            mode=AttendanceMode.ONSITE,
            is_partner_staff=True,
            access_needs="Wheelchair access",
            privacy_acknowledged=True,
            consent_photos=True,
            consent_news=True,
        ),
    ).registration
    bruno = services.register(
        event,
        RegistrationInput(
            name='=HYPERLINK("http://evil.example","Bruno")',
            email="bruno@ngo.example",
            organisation="@SUM(A1)",
            organisation_country="RO",
            mode=AttendanceMode.ONSITE,
            privacy_acknowledged=True,
            language="ro",
        ),
    ).registration
    carla = services.register(
        event,
        RegistrationInput(name="Carla Dias", email="carla@uni.example", mode=AttendanceMode.ONLINE),
        actor=organiser,
        source="organiser",
    ).registration
    erased = services.register(
        event,
        RegistrationInput(
            name="Dora Erased", email="dora@ngo.example", mode=AttendanceMode.ONLINE, privacy_acknowledged=True
        ),
    ).registration
    services.erase_registration(erased)
    return ana, bruno, carla, erased


def csv_rows(response) -> list[list[str]]:  # type: ignore[no-untyped-def]
    data = response.get_data()
    assert data.startswith(b"\xef\xbb\xbf"), "Excel needs the byte-order mark to read UTF-8"
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_csv_has_one_row_per_registration_with_everything_the_funder_needs(
    client, login, organiser, event, registrations
) -> None:
    ana = registrations[0]
    login(organiser)
    response = client.get(f"/manage/events/{event.id}/registrations.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    date = event.local_start.strftime("%Y-%m-%d")
    assert response.headers["Content-Disposition"] == f'attachment; filename="lisbon-seminar-registrations-{date}.csv"'
    assert response.headers["Cache-Control"] == "no-store"

    rows = csv_rows(response)
    assert rows[0] == HEADER
    assert len(rows) == 5
    by_name = {row[0]: dict(zip(HEADER, row, strict=True)) for row in rows[1:]}

    first = by_name["Ana Sousa"]
    local = ana.created_at.astimezone(event.tz)
    assert first["E-mail"] == "ana@probation.example"
    assert first["Organisation"] == "Direção-Geral de Reinserção"
    assert first["City"] == "Lisboa"
    assert first["Country"] == "Portugal"
    assert first["Function or role"] == "Probation officer"
    assert first["Stakeholder group"] == "Prison and probation staff"
    assert first["Attends"] == "On site"
    assert first["Status"] == "Confirmed"
    assert first["Partner staff"] == "Yes"
    assert first["Registered at (time in Europe/Lisbon)"] == f"{local:%Y-%m-%d %H:%M}"
    assert (
        first["Consent: photos and recording"],
        first["Consent: name on attendee list"],
        first["Consent: news about the project"],
    ) == ("Yes", "No", "Yes")
    assert first["Access needs"] == "Wheelchair access"

    waiting = by_name['\'=HYPERLINK("http://evil.example","Bruno")']
    assert waiting["Organisation"] == "'@SUM(A1)"
    assert waiting["Status"] == "On the waiting list (number 1)"
    assert waiting["Country"] == "Romania"
    assert waiting["Language"] == "Romanian", "the language the person is written to in"

    added = by_name["Carla Dias"]
    assert added["Consent: photos and recording"] == "Not asked"
    assert added["Attends"] == "Online"

    erased = by_name["Erased"]
    assert erased["E-mail"] == "" and erased["Status"] == "Cancelled"
    assert "Dora" not in response.get_data(as_text=True) and "dora@" not in response.get_data(as_text=True)


def test_xlsx_opens_with_the_same_rows_a_bold_header_and_no_formula(
    client, login, organiser, event, registrations
) -> None:
    login(organiser)
    response = client.get(f"/manage/events/{event.id}/registrations.xlsx")
    assert response.status_code == 200
    assert response.mimetype == XLSX
    assert ".xlsx" in response.headers["Content-Disposition"]

    sheet = load_workbook(io.BytesIO(response.get_data())).active
    rows = [[c.value or "" for c in row] for row in sheet.iter_rows()]
    assert rows[0] == HEADER
    assert all(c.font.bold for c in sheet[1])
    assert sheet.column_dimensions["A"].width >= 20
    assert len(rows) == 5
    names = [r[0] for r in rows[1:]]
    assert "Ana Sousa" in names and "Erased" in names
    formula = next(c for c in sheet["A"] if "HYPERLINK" in str(c.value))
    assert formula.data_type == "s"
    assert formula.value == '\'=HYPERLINK("http://evil.example","Bruno")'
    column = HEADER.index("Registered at (time in Europe/Lisbon)") + 1
    ana = next(r for r in registrations if r.name == "Ana Sousa")
    ana_cell = sheet.cell(row=names.index("Ana Sousa") + 2, column=column)
    assert ana_cell.is_date and ana_cell.number_format == "yyyy-mm-dd hh:mm", "a date Excel can sort, not text"
    assert ana_cell.value == ana.created_at.astimezone(event.tz).replace(tzinfo=None, second=0, microsecond=0)
    csv_response = client.get(f"/manage/events/{event.id}/registrations.csv")
    as_text = [[f"{v:%Y-%m-%d %H:%M}" if isinstance(v, datetime) else v for v in row] for row in rows]
    assert csv_rows(csv_response) == as_text


def test_export_of_an_event_without_registrations_has_the_header_only(client, login, organiser, event) -> None:
    login(organiser)
    assert csv_rows(client.get(f"/manage/events/{event.id}/registrations.csv")) == [HEADER]


def test_the_list_page_offers_both_downloads(client, login, organiser, event) -> None:
    login(organiser)
    page = client.get(f"/manage/events/{event.id}/registrations").get_data(as_text=True)
    assert f"/manage/events/{event.id}/registrations.csv" in page
    assert f"/manage/events/{event.id}/registrations.xlsx" in page


@pytest.mark.parametrize("extension", ["csv", "xlsx"])
def test_organiser_of_another_partner_gets_404(
    client, login, make_user, make_partner, event, registrations, extension
) -> None:
    login(make_user(Role.ORGANISER, partners=[make_partner(event.project)]))
    response = client.get(f"/manage/events/{event.id}/registrations.{extension}")
    assert response.status_code == 404
    assert b"ana@probation.example" not in response.get_data()


@pytest.mark.parametrize("extension", ["csv", "xlsx"])
def test_project_manager_gets_403_with_the_reason(client, login, make_user, event, registrations, extension) -> None:
    login(make_user(Role.MANAGER, projects=[event.project]))
    response = client.get(f"/manage/events/{event.id}/registrations.{extension}")
    assert response.status_code == 403
    page = response.get_data(as_text=True)
    assert "personal data held by Centro de Prevenção Lisboa" in page
    assert "Project managers need an explicit grant" in page
    assert "ana@probation.example" not in page


def test_anonymous_is_sent_to_log_in(client, event) -> None:
    response = client.get(f"/manage/events/{event.id}/registrations.csv")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_admin_may_export(client, login, make_user, event, registrations) -> None:
    login(make_user(Role.ADMIN))
    rows = csv_rows(client.get(f"/manage/events/{event.id}/registrations.csv"))
    assert len(rows) == 5
