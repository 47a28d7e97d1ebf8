"""The participant-level exports are streamed (issue 18): the same file as the previous
implementation, which loaded every registration as an ORM object into a list, byte for
byte in CSV and cell for cell in XLSX; formulas and control characters still neutralised;
the same log entry; no Registration object loaded; the body sent in chunks."""

from __future__ import annotations

import io
from collections import defaultdict
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import event as sa_event
from sqlalchemy import select

from seminar_app import geo
from seminar_app.attendance.models import Attendance
from seminar_app.enums import AttendanceMode
from seminar_app.events.models import Event
from seminar_app.extensions import db
from seminar_app.privacy.exports import columns
from seminar_app.projects.models import Partner
from seminar_app.registration.exports import to_csv, to_xlsx
from seminar_app.registration.forms import stakeholder_group_choices
from seminar_app.registration.models import Registration
from tests import test_privacy_exports
from tests.test_privacy_exports import FORMULA, HEADER, csv_url, log_rows, register

world = test_privacy_exports.world
people = test_privacy_exports.people


def _previous_cells(partner: Partner) -> list[list[str]]:
    """The previous implementation's rows (ORM objects, all in a list), kept as the oracle."""
    found = db.session.execute(
        select(Registration, Event)
        .join(Event, Event.id == Registration.event_id)
        .where(Event.partner_id == partner.id)
        .order_by(Event.starts_at, Event.id, Registration.id)
    ).all()
    days: dict[int, list[tuple[date, AttendanceMode]]] = defaultdict(list)
    for registration_id, day, mode in db.session.execute(
        select(Attendance.registration_id, Attendance.day, Attendance.mode)
        .join(Event, Event.id == Attendance.event_id)
        .where(Event.partner_id == partner.id)
        .order_by(Attendance.day)
    ):
        days[registration_id].append((day, mode))
    groups = dict(stakeholder_group_choices(partner.project))
    rows = []
    for r, event in found:
        erased, attended = r.is_erased, days[r.id]
        rows.append(
            [
                event.title,
                event.local_start.date().isoformat(),
                "Erased" if erased else r.name,
                "" if erased else r.function_role,
                "" if erased else r.organisation,
                "" if erased else r.organisation_city,
                geo.country_name(r.organisation_country) if r.organisation_country else "",
                "" if erased else r.email or "",
                groups.get(r.stakeholder_group, r.stakeholder_group),
                r.mode.label,
                r.status.label,
                "Yes" if attended else "No",
                "; ".join(f"{day.isoformat()} {mode.label}" for day, mode in attended),
                "Yes" if r.is_partner_staff else "No",
            ]
        )
    return rows


@pytest.fixture
def tricky(world, people) -> Iterator[dict[str, Any]]:
    """Besides the formulas of `people`: XML's own characters and a control character
    hiding a formula (XLSX may not hold it; dropping it must not uncover the formula)."""
    register(people["later"], "Zé <b>&amp; Co</b>", organisation="A & B <Ltd>")
    hidden = register(people["later"], "Hidden formula")
    hidden.name, hidden.organisation = "\x01=1+1", "Org\x02anisation"
    db.session.commit()
    return people


def test_the_streamed_csv_is_byte_for_byte_the_previous_file(client, login, world, tricky) -> None:
    login(world["organiser_a"])
    expected = to_csv(HEADER, _previous_cells(world["a"]))

    response = client.get(csv_url(world))

    assert response.status_code == 200 and response.is_streamed
    assert response.data == expected
    assert len(expected.splitlines()) == 8  # the header and seven registrations of partner A


def test_the_streamed_xlsx_holds_the_previous_workbooks_cells_and_layout(client, login, world, tricky) -> None:
    login(world["organiser_a"])
    widths = [w for _h, w in columns()]
    before = load_workbook(io.BytesIO(to_xlsx(HEADER, widths, _previous_cells(world["a"]), "Participants"))).active

    response = client.get(csv_url(world, "xlsx"))

    assert response.status_code == 200 and response.is_streamed
    after = load_workbook(io.BytesIO(response.data)).active
    cells = [[cell.value for cell in row] for row in after.iter_rows()]
    assert cells == [[cell.value for cell in row] for row in before.iter_rows()]
    assert after.title == before.title == "Participants"
    assert after.freeze_panes == "A2"
    assert all(cell.font.b for cell in after[1]) and not any(cell.font.b for cell in after[2])
    assert [after.column_dimensions[c].width for c in "ABM"] == [36, 12, 34]
    names = [row[2] for row in cells[1:]]
    assert "Zé <b>&amp; Co</b>" in names and "'=1+1" in names  # the control character dropped, then neutralised
    assert "Organisation" in [row[4] for row in cells[1:]]
    assert "'" + FORMULA in names
    assert all(cell.data_type == "s" for row in after.iter_rows() for cell in row if cell.value is not None)


def test_the_export_loads_no_registration_objects_and_logs_as_before(client, login, world, people) -> None:
    login(world["organiser_a"])
    urls, email = (csv_url(world), csv_url(world, "xlsx")), world["organiser_a"].email
    loaded: list[object] = []

    def count(target: object, _context: object) -> None:
        loaded.append(target)

    for held in [o for o in db.session.identity_map.values() if isinstance(o, Registration)]:
        db.session.expunge(held)  # any Registration read through the ORM would now be loaded anew
    sa_event.listen(Registration, "load", count)
    try:
        text = client.get(urls[0]).get_data(as_text=True)
        client.get(urls[1]).get_data()
    finally:
        sa_event.remove(Registration, "load", count)

    assert "Carla Dias" in text
    assert loaded == []
    assert log_rows() == [(email, "participants.csv", 5, None), (email, "participants.xlsx", 5, None)]


def test_the_file_is_streamed_after_the_log_entry(client, login, world, people) -> None:
    login(world["organiser_a"])

    response = client.get(csv_url(world, "xlsx"), buffered=False)
    logged_before_the_body = log_rows()
    body = b"".join(response.iter_encoded())
    response.close()

    assert response.is_streamed and "Content-Length" not in response.headers
    assert response.headers["Cache-Control"] == "no-store"
    assert logged_before_the_body == [(world["organiser_a"].email, "participants.xlsx", 5, None)]
    assert len(list(load_workbook(io.BytesIO(body)).active.iter_rows())) == 6


def test_an_empty_partner_gets_a_file_with_the_header_only(client, login, world) -> None:
    login(world["organiser_b"])

    csv_data = client.get(f"/partners/{world['b'].id}/participants.csv").data
    xlsx_data = client.get(f"/partners/{world['b'].id}/participants.xlsx").data

    assert csv_data.decode("utf-8-sig").splitlines() == [",".join(HEADER)]
    assert [[c.value for c in row] for row in load_workbook(io.BytesIO(xlsx_data)).active.iter_rows()] == [HEADER]
