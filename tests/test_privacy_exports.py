"""Participant-level exports across a partner's events (CSV and XLSX): the fields, erased
people, formula neutralisation, who may download them and the access log each download
writes; and the log of the per-event registration list downloads."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from seminar_app.attendance.models import Attendance
from seminar_app.enums import AttendanceMode, CheckInSource, EventFormat
from seminar_app.errors import NotAllowed
from seminar_app.extensions import db
from seminar_app.privacy import services
from seminar_app.privacy.models import PersonalDataAccess
from seminar_app.registration import services as registration_services
from seminar_app.registration.models import Registration
from tests import test_privacy_grants

FORMULA = '=HYPERLINK("http://x")'
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER = [
    "Event",
    "Event date",
    "Name",
    "Function or role",
    "Organisation",
    "City",
    "Country",
    "E-mail",
    "Stakeholder group",
    "Attends",
    "Status",
    "Attended",
    "Attendance per day",
    "Partner staff",
]

register = test_privacy_grants.register
world = test_privacy_grants.world  # the same people and partners as the grant tests


def attend(registration: Registration, day_index: int, mode: AttendanceMode = AttendanceMode.ONSITE) -> None:
    event = registration.event
    db.session.add(
        Attendance(
            event_id=event.id,
            registration=registration,
            day=event.local_days[day_index],
            mode=mode,
            source=CheckInSource.MANUAL,
        )
    )
    db.session.commit()


def log_rows() -> list[tuple[str, str, int, int | None]]:
    entries = db.session.scalars(select(PersonalDataAccess).order_by(PersonalDataAccess.id))
    return [(e.user_email, e.what, e.row_count, e.event_id) for e in entries]


def read_csv(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")  # Excel reads the accents right
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


@pytest.fixture
def people(world, make_event) -> dict[str, Any]:
    """Partner A: a two-day hybrid event (Ana from the fixture, Bea with a formula for a name,
    Carla online and partner staff, Duarte erased after attending) and a one-day event;
    partner B: one event with Eve, who must never appear in A's files."""
    two_days = world["event"]
    two_days.ends_at = two_days.starts_at.replace() + (two_days.ends_at - two_days.starts_at) * 10
    db.session.commit()
    assert len(two_days.local_days) == 2
    ana = db.session.scalars(select(Registration).where(Registration.name == "Ana Sousa")).one()
    bea = register(
        two_days,
        FORMULA,
        organisation="@SUM(A1)",
        organisation_city="-Porto",
        function_role="+Mentor",
        organisation_country="PT",
        stakeholder_group="prison_probation",
    )
    carla = register(
        two_days,
        "Carla Dias",
        mode=AttendanceMode.ONLINE,
        organisation="Universidade de Coimbra",
        organisation_city="Coimbra",
        organisation_country="PT",
        function_role="Researcher",
        stakeholder_group="researchers",
        is_partner_staff=True,
    )
    duarte = register(two_days, "Duarte Erased", organisation="Secret Org", organisation_country="ES")
    attend(ana, 0)
    attend(ana, 1)
    attend(carla, 1, AttendanceMode.ONLINE)
    attend(duarte, 0)
    registration_services.erase_registration(duarte)
    later = make_event(world["a"], title="Workshop in Porto", days_ahead=60, format=EventFormat.IN_PERSON)
    register(later, "Filipa Reis", organisation="Câmara do Porto")
    other = make_event(world["b"], title="Seminar in Tallinn")
    register(other, "Eve Estonian", organisation="Tallinn Prison")
    return {"ana": ana, "bea": bea, "carla": carla, "duarte": duarte, "event": two_days, "later": later}


def csv_url(world: dict[str, Any], ext: str = "csv") -> str:
    return f"/partners/{world['a'].id}/participants.{ext}"


def test_the_csv_holds_every_participant_of_the_partners_events_with_the_funders_fields(
    client,
    login,
    world,
    people,
) -> None:
    login(world["organiser_a"])

    response = client.get(csv_url(world))

    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert "participants.csv" in response.headers["Content-Disposition"]
    assert response.headers["Cache-Control"] == "no-store"
    rows = read_csv(response.data)
    assert rows[0] == HEADER
    by_name = {row[2]: dict(zip(HEADER, row, strict=True)) for row in rows[1:]}
    assert set(by_name) == {"Ana Sousa", "'" + FORMULA, "Carla Dias", "Erased", "Filipa Reis"}
    first_day, second_day = (d.isoformat() for d in people["event"].local_days)
    assert by_name["Ana Sousa"]["Attended"] == "Yes"
    assert by_name["Ana Sousa"]["Attendance per day"] == f"{first_day} On site; {second_day} On site"
    carla = by_name["Carla Dias"]
    assert (carla["Function or role"], carla["Organisation"], carla["City"], carla["Country"]) == (
        "Researcher",
        "Universidade de Coimbra",
        "Coimbra",
        "Portugal",
    )
    assert carla["E-mail"] == "carla.dias@example.org"
    assert (carla["Stakeholder group"], carla["Attends"], carla["Partner staff"]) == ("Researchers", "Online", "Yes")
    assert carla["Attendance per day"] == f"{second_day} Online"
    assert by_name["Filipa Reis"]["Event"] == "Workshop in Porto"
    assert by_name["Filipa Reis"]["Attended"] == "No" and by_name["Filipa Reis"]["Partner staff"] == "No"
    assert "Eve Estonian" not in response.get_data(as_text=True)  # partner B's attendee


def test_an_erased_person_stays_as_an_anonymous_row_so_totals_match(client, login, world, people) -> None:
    login(world["organiser_a"])

    rows = read_csv(client.get(csv_url(world)).data)

    erased = dict(zip(HEADER, next(r for r in rows if r[2] == "Erased"), strict=True))
    assert erased["E-mail"] == erased["Organisation"] == erased["Function or role"] == erased["City"] == ""
    assert erased["Country"] == "Spain" and erased["Attended"] == "Yes"
    text = client.get(csv_url(world)).get_data(as_text=True)
    assert "Duarte" not in text and "Secret Org" not in text and "duarte" not in text


def test_formulas_typed_by_registrants_arrive_as_text_in_the_csv(client, login, world, people) -> None:
    login(world["organiser_a"])

    rows = read_csv(client.get(csv_url(world)).data)

    bea = dict(zip(HEADER, next(r for r in rows if FORMULA in r[2]), strict=True))
    assert bea["Name"] == "'" + FORMULA
    assert (bea["Organisation"], bea["City"], bea["Function or role"]) == ("'@SUM(A1)", "'-Porto", "'+Mentor")
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


def test_formulas_typed_by_registrants_arrive_as_text_in_the_xlsx(client, login, world, people) -> None:
    login(world["organiser_a"])

    response = client.get(csv_url(world, "xlsx"))

    assert response.status_code == 200 and response.mimetype == XLSX
    sheet = load_workbook(io.BytesIO(response.data)).active
    assert sheet.title == "Participants"
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0] == HEADER
    bea = next(row for row in sheet.iter_rows(min_row=2) if FORMULA in (row[2].value or ""))
    assert bea[2].value == "'" + FORMULA and bea[2].data_type == "s"
    assert bea[4].value == "'@SUM(A1)"
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    assert len(values) == 6  # header and the five registrations of partner A


def test_each_download_is_logged_with_who_what_and_how_many_people(client, login, world, people) -> None:
    login(world["organiser_a"])

    client.get(csv_url(world))
    client.get(csv_url(world, "xlsx"))

    email = world["organiser_a"].email
    assert log_rows() == [(email, "participants.csv", 5, None), (email, "participants.xlsx", 5, None)]
    entry = db.session.scalars(select(PersonalDataAccess)).first()
    assert entry.partner_id == world["a"].id and entry.user_id == world["organiser_a"].id


def test_a_granted_manager_downloads_and_is_logged_and_a_revoked_one_is_refused_at_once(
    client,
    login,
    world,
    people,
) -> None:
    grant = services.grant_personal_data(world["a"], world["manager"], actor=world["organiser_a"])
    login(world["manager"])

    assert "Ana Sousa" in client.get(csv_url(world)).get_data(as_text=True)
    services.revoke_personal_data(grant, actor=world["organiser_a"])
    refused = client.get(csv_url(world))

    assert refused.status_code == 403
    assert "ask Centro de Prevenção Lisboa to grant you access" in refused.get_data(as_text=True)
    assert log_rows() == [(world["manager"].email, "participants.csv", 5, None)]


def test_the_service_refuses_anyone_who_may_not_see_the_people(world, people) -> None:
    for outsider in (world["manager"], world["organiser_b"], world["foreign_manager"]):
        with pytest.raises(NotAllowed):
            services.export_participants(world["a"], "csv", actor=outsider)
    assert log_rows() == []


# --- every personal-data route of partner A, for everyone who may not see A's people -----------

ROUTES = [
    lambda w: f"/partners/{w['a'].id}/participants.csv",
    lambda w: f"/partners/{w['a'].id}/participants.xlsx",
    lambda w: f"/manage/events/{w['event'].id}/evidence-pack.zip",
    lambda w: f"/manage/events/{w['event'].id}/registrations.csv",
    lambda w: f"/manage/events/{w['event'].id}/registrations.xlsx",
]
ROUTE_IDS = ["participants.csv", "participants.xlsx", "evidence-pack", "registrations.csv", "registrations.xlsx"]


@pytest.mark.parametrize("route", ROUTES, ids=ROUTE_IDS)
@pytest.mark.parametrize(
    ("who", "status"),
    [("organiser_b", 404), ("foreign_manager", 404), ("manager", 403), ("anonymous", 302)],
)
def test_personal_data_routes_refuse_other_partners_and_ungranted_managers(
    client,
    login,
    world,
    people,
    route,
    who: str,
    status: int,
) -> None:
    services.grant_personal_data(world["b"], world["manager"], actor=world["organiser_b"])  # B's grant is not A's
    if who != "anonymous":
        login(world[who])

    response = client.get(route(world))

    assert response.status_code == status
    page = response.get_data(as_text=True)
    assert "Ana Sousa" not in page and "carla.dias@example.org" not in page
    if who == "manager" and "/partners/" in route(world):
        assert "ask Centro de Prevenção Lisboa to grant you access" in page
    assert log_rows() == []


@pytest.mark.parametrize("ext", ["csv", "xlsx"])
def test_the_registration_list_download_is_logged_for_organisers_and_granted_managers(
    client,
    login,
    world,
    people,
    ext: str,
) -> None:
    event = people["event"]
    services.grant_personal_data(world["a"], world["manager"], actor=world["organiser_a"])
    login(world["manager"])

    response = client.get(f"/manage/events/{event.id}/registrations.{ext}")

    assert response.status_code == 200
    assert log_rows() == [(world["manager"].email, f"registrations.{ext}", 4, event.id)]
