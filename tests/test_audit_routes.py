"""The audit log's pages: who reads which entries, the filters, the CSV, and bad values."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event as sa_event

from seminar_app.audit import services as audit
from seminar_app.audit.models import AuditAction, AuditEntry
from seminar_app.audit.wording import describe
from seminar_app.enums import EventStatus, Role
from seminar_app.events import services as event_services
from seminar_app.extensions import db


@pytest.fixture
def world(make_project, make_partner, make_user, make_event):  # type: ignore[no-untyped-def]
    """Two projects; project A has partners A1 and A2, project B has B1. Each partner's
    organiser postpones one event of theirs."""
    project_a, project_b = make_project(), make_project()
    a1, a2, b1 = make_partner(project_a), make_partner(project_a), make_partner(project_b)
    people = {
        "org_a1": make_user(Role.ORGANISER, partners=[a1], name="Ana Silva"),
        "org_a2": make_user(Role.ORGANISER, partners=[a2], name="Bruno Reis"),
        "org_b1": make_user(Role.ORGANISER, partners=[b1], name="Carla Dias"),
        "manager_a": make_user(Role.MANAGER, projects=[project_a], name="Diana Manager"),
        "admin": make_user(Role.ADMIN, name="Eva Admin"),
    }
    events = {
        "a1": make_event(a1, title="Seminar of A1"),
        "a2": make_event(a2, title="Seminar of A2"),
        "b1": make_event(b1, title='=HYPERLINK("http://evil.example")'),
    }
    for key, who in (("a1", "org_a1"), ("a2", "org_a2"), ("b1", "org_b1")):
        event_services.change_status(events[key], EventStatus.POSTPONED, actor=people[who])
    return {"projects": (project_a, project_b), "partners": {"a1": a1, "a2": a2, "b1": b1}, **people, "events": events}


def page(client, url: str, status: int = 200) -> str:  # type: ignore[no-untyped-def]
    response = client.get(url)
    assert response.status_code == status, response.get_data(as_text=True)[:2000]
    return response.get_data(as_text=True)


def test_an_organiser_reads_only_their_partners_entries(world, login) -> None:
    client = login(world["org_a1"])
    html = page(client, "/manage/audit")
    assert "Ana Silva postponed the event “Seminar of A1”." in html
    assert "Seminar of A2" not in html and "HYPERLINK" not in html


def test_a_manager_reads_their_projects_entries_and_an_admin_everything(world, login, client) -> None:
    html = page(login(world["manager_a"]), "/manage/audit")
    assert "Seminar of A1" in html and "Seminar of A2" in html and "HYPERLINK" not in html
    client.post("/logout")
    admin = login(world["admin"])
    html = page(admin, "/admin/audit")
    assert "Seminar of A1" in html and "Seminar of A2" in html and "HYPERLINK" in html
    assert "Time (UTC)" in html


def test_outsiders_are_refused(world, login, client) -> None:
    assert client.get("/manage/audit").status_code == 302
    assert client.get("/admin/audit").status_code == 302
    organiser = login(world["org_a1"])
    assert organiser.get("/admin/audit").status_code == 403
    assert organiser.get("/admin/audit.csv").status_code == 403


@pytest.mark.parametrize(
    "query",
    [
        lambda w: f"partner={w['partners']['a2'].id}",
        lambda w: f"project={w['projects'][1].id}",
        lambda w: f"event={w['events']['b1'].id}",
        lambda w: "partner=999999",
    ],
)
def test_another_partners_filter_values_answer_404(world, login, query) -> None:
    client = login(world["org_a1"])
    assert client.get(f"/manage/audit?{query(world)}").status_code == 404
    assert client.get(f"/manage/audit.csv?{query(world)}").status_code == 404


def test_a_manager_may_not_filter_by_another_projects_partner(world, login) -> None:
    client = login(world["manager_a"])
    assert client.get(f"/manage/audit?partner={world['partners']['b1'].id}").status_code == 404
    assert client.get(f"/manage/audit?partner={world['partners']['a2'].id}").status_code == 200


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("project=abc", "Choose a project from the list."),
        ("partner=-3", "Choose a partner from the list."),
        ("event=99999999999999", "Choose an event from the list."),
        ("action=event.exploded", "Choose an action from the list."),
        ("since=2026-13-45", "Give a date as YYYY-MM-DD"),
        ("since=2026-03-10&until=2026-03-01", "The end of the period must not be before its start."),
    ],
)
def test_bad_filter_values_get_a_clear_message(world, login, query, message) -> None:
    client = login(world["admin"])
    html = page(client, f"/admin/audit?{query}", 400)
    assert message in html
    assert 'aria-invalid="true"' in html
    assert client.get(f"/admin/audit.csv?{query}").status_code == 400


def test_filters_by_partner_event_action_actor_and_dates(world, login) -> None:
    client = login(world["admin"])
    a1 = world["partners"]["a1"]
    html = page(client, f"/admin/audit?partner={a1.id}")
    assert "Seminar of A1" in html and "Seminar of A2" not in html
    assert f'<option value="{world["events"]["a1"].id}">Seminar of A1 (' in html  # the partner's events to choose
    html = page(client, f"/admin/audit?partner={a1.id}&event={world['events']['a1'].id}")
    assert "postponed the event “Seminar of A1”" in html
    html = page(client, f"/admin/audit?action={AuditAction.EVENT_POSTPONED}")
    assert html.count("postponed the event") == 3
    html = page(client, f"/admin/audit?actor={world['org_a2'].email.upper()}")
    assert "Bruno Reis postponed" in html and "Ana Silva" not in html
    today = datetime.now(UTC).date()
    html = page(client, f"/admin/audit?since={today + timedelta(days=1)}")
    assert "No entries match these filters." in html
    html = page(client, f"/admin/audit?since={today}&until={today}&action=event.postponed")
    assert "3 entries" in html


def test_the_csv_holds_the_filtered_entries_and_neutralises_formulas(world, login) -> None:
    client = login(world["admin"])
    response = client.get(f"/admin/audit.csv?action={AuditAction.EVENT_POSTPONED}")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    assert response.headers["Cache-Control"] == "no-store"
    rows = list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))
    assert rows[0][0] == "Time (UTC)" and len(rows) == 4
    titles = [row[8] for row in rows[1:]]
    assert '\'=HYPERLINK("http://evil.example")' in titles
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)

    organiser_csv = login(world["org_a1"]).get("/manage/audit.csv").get_data().decode("utf-8-sig")
    assert "Seminar of A1" in organiser_csv and "Seminar of A2" not in organiser_csv


def test_pages_cost_the_same_queries_whatever_the_size_of_the_log(world, login, app) -> None:
    client = login(world["admin"])
    event = world["events"]["a1"]
    manager = world["manager_a"]

    def add(count: int) -> None:
        for _ in range(count):
            audit.record(
                AuditAction.GRANT_GIVEN, actor=world["org_a1"], event=event, details={"manager_id": manager.id}
            )
            audit.record(
                AuditAction.USER_CREATED, actor=world["admin"], target_id=manager.id, details={"role": "manager"}
            )
        db.session.commit()

    def queries_for(url: str) -> int:
        statements: list[str] = []

        def count(conn, cursor, statement, *args):  # type: ignore[no-untyped-def]
            statements.append(statement)

        sa_event.listen(db.engine, "before_cursor_execute", count)
        try:
            page(client, url)
        finally:
            sa_event.remove(db.engine, "before_cursor_execute", count)
        return len(statements)

    add(5)
    small = queries_for("/admin/audit")
    add(60)
    large = queries_for("/admin/audit")
    assert large == small
    html = page(client, "/admin/audit?page=2")
    assert "Diana Manager" in html and 'rel="prev"' in html


def test_entries_of_accounts_are_for_administrators_only(world, login, client) -> None:
    audit.record(AuditAction.USER_DEACTIVATED, actor=world["admin"], target_id=world["org_a2"].id)
    db.session.commit()
    assert "deactivated the account of Bruno Reis" in page(login(world["admin"]), "/admin/audit")
    client.post("/logout")
    html = page(login(world["manager_a"]), "/manage/audit")
    assert "deactivated the account" not in html and "user.deactivated" not in html


def test_the_menus_link_the_audit_log(world, login, client) -> None:
    assert 'href="/manage/audit"' in page(login(world["org_a1"]), "/manage/audit")
    client.post("/logout")
    assert 'href="/admin/audit"' in page(login(world["admin"]), "/admin/")


def test_counts_in_entries_take_the_plural_they_need(world, login) -> None:
    entry = AuditEntry(action=AuditAction.ATTENDANCE_IMPORTED, details={"day": "2026-03-31", "count": 1})
    entry.event = world["events"]["a1"]
    assert "imported 1 online attendance for" in describe(entry, {})
    entry.details = {"day": "2026-03-31", "count": 4}
    assert "imported 4 online attendances for" in describe(entry, {})
