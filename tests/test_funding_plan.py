"""The plan of multiplier events: adding, changing and deleting planned events, linking the
events that deliver them, who may do it, and bad input refused with clear messages that lose
nothing already saved."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select

from seminar_app.audit.models import AuditAction, AuditEntry
from seminar_app.audit.wording import describe
from seminar_app.enums import EventStatus, Role
from seminar_app.errors import Conflict, DomainError, NotAllowed, ValidationFailed
from seminar_app.extensions import db
from seminar_app.funding.models import FundingChange, PlannedEvent
from seminar_app.funding.plan_services import (
    PlanInput,
    create_planned,
    delete_planned,
    link_event,
    unlink_event,
    update_planned,
)


@pytest.fixture
def world(make_project, make_partner, make_user, make_event) -> dict[str, Any]:
    project = make_project()
    lisbon = make_partner(project, short_name="ULis", name="University of Lisbon", country="PT")
    ghent = make_partner(project, short_name="UGent", name="Ghent University", country="BE", timezone="Europe/Brussels")
    other_project = make_project()
    return {
        "project": project,
        "lisbon": lisbon,
        "ghent": ghent,
        "manager": make_user(Role.MANAGER, projects=[project], name="Maria Manager"),
        "admin": make_user(Role.ADMIN),
        "organiser": make_user(Role.ORGANISER, partners=[lisbon]),
        "other_manager": make_user(Role.MANAGER, projects=[other_project]),
        "seminar": make_event(lisbon, title="Seminar in Lisbon"),
        "repeat": make_event(lisbon, title="Seminar in Porto", days_ahead=60),
        "ghent_event": make_event(ghent, title="Workshop in Ghent"),
        "foreign": make_event(make_partner(other_project), title="Another project's seminar"),
    }


def plan_input(world: dict[str, Any], **values: Any) -> PlanInput:
    data = PlanInput(
        code="E1",
        title="National seminar in Portugal",
        partner_id=world["lisbon"].id,
        country="PT",
        planned_month=date(2026, 5, 1),
        format="in_person",
        planned_local=40,
        planned_international=10,
        budget=Decimal("6000"),
    )
    return replace(data, **values)


def form(world: dict[str, Any], **values: object) -> dict[str, object]:
    data: dict[str, object] = {
        "code": "E1",
        "title": "National seminar in Portugal",
        "partner_id": str(world["lisbon"].id),
        "country": "PT",
        "planned_month": "2026-05",
        "format": "in_person",
        "planned_local": "40",
        "planned_international": "10",
        "budget": "6000",
    }
    data.update(values)
    return data


def base(world: dict[str, Any]) -> str:
    return f"/projects/{world['project'].id}/funding/plan"


def text_of(response) -> str:  # type: ignore[no-untyped-def]
    return " ".join(response.get_data(as_text=True).split())


def test_a_manager_adds_edits_links_and_deletes_a_planned_event(client, login, world) -> None:
    login(world["manager"])
    assert client.get(base(world)).status_code == 200
    dashboard = client.get(f"/projects/{world['project'].slug}/dashboard").get_data(as_text=True)
    assert f'href="{base(world)}"' in dashboard

    added = client.post(f"{base(world)}/new", data=form(world), follow_redirects=True)
    assert added.status_code == 200
    planned = db.session.scalar(select(PlannedEvent))
    assert planned is not None
    assert (planned.code, planned.planned_month, planned.planned_local, planned.budget) == (
        "E1",
        date(2026, 5, 1),
        40,
        Decimal("6000"),
    )
    page = text_of(added)
    assert "E1 is added to the plan." in page and "National seminar in Portugal" in page
    # The Lisbon partner's events are offered first, the others after.
    html = added.get_data(as_text=True)
    assert html.index("Events of ULis") < html.index("Seminar in Lisbon") < html.index("Events of other partners")
    assert html.index("Events of other partners") < html.index("Workshop in Ghent")
    assert "Another project&#39;s seminar" not in html and "Another project's seminar" not in html

    edited = client.post(
        f"{base(world)}/{planned.id}/edit", data=form(world, planned_local="45", budget=""), follow_redirects=True
    )
    assert "Your changes are saved." in text_of(edited)
    db.session.expire_all()
    assert (planned.planned_local, planned.budget) == (45, None)

    for event in (world["seminar"], world["repeat"]):
        linked = client.post(
            f"{base(world)}/{planned.id}/link", data={"event_id": str(event.id)}, follow_redirects=True
        )
        assert f"“{event.title}” is linked to E1." in text_of(linked)
    db.session.expire_all()
    assert world["seminar"].planned_event_id == world["repeat"].planned_event_id == planned.id
    page = text_of(client.get(base(world)))
    assert "Seminar in Lisbon" in page and "Seminar in Porto" in page and "Unlink" in page
    assert "Maria Manager" in page and "E1, Planned local participants: 40 → 45" in page

    unlinked = client.post(f"{base(world)}/{planned.id}/events/{world['repeat'].id}/unlink", follow_redirects=True)
    assert "is no longer linked to E1" in text_of(unlinked)

    confirm = client.get(f"{base(world)}/{planned.id}/delete")
    assert confirm.status_code == 200
    assert "will be unlinked, not deleted" in text_of(confirm) and "Seminar in Lisbon" in text_of(confirm)
    deleted = client.post(f"{base(world)}/{planned.id}/delete", follow_redirects=True)
    assert "E1 is deleted from the plan." in text_of(deleted)
    assert "1 event is no longer linked to the plan; it is not deleted." in text_of(deleted)
    db.session.expire_all()
    assert db.session.scalar(select(PlannedEvent)) is None
    assert world["seminar"].planned_event_id is None and world["seminar"].status is EventStatus.PUBLISHED

    actions = [e.action for e in db.session.scalars(select(AuditEntry).order_by(AuditEntry.id))]
    assert actions.count(AuditAction.FUNDING_PLAN_CHANGED) == 3
    assert actions.count(AuditAction.FUNDING_EVENT_LINKED) == 3
    link_entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == AuditAction.FUNDING_EVENT_LINKED))
    assert "linked the event “Seminar in Lisbon” to E1 of the plan" in describe(link_entry, {})


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"code": ""}, "code", "Give the planned event a code"),
        ({"code": "E" * 21}, "code", "at most 20 characters"),
        ({"code": "e9"}, "code", "already has an event with the code e9"),
        ({"partner_id": "999999"}, "partner_id", "Choose one of the project&#39;s partners."),
        ({"country": "XX"}, "country", "Choose the country"),
        ({"planned_month": "2013-12"}, "planned_month", "within the project&#39;s duration"),
        ({"planned_month": "March"}, "planned_month", ""),
        ({"planned_local": "-1"}, "planned_local", "from 0 to 100,000"),
        ({"planned_international": "100001"}, "planned_international", "from 0 to 100,000"),
        ({"budget": "-10"}, "budget", "Enter an amount from 0 to 10,000,000"),
        ({"budget": "20000000"}, "budget", "Enter an amount from 0 to 10,000,000"),
        ({"format": "by carrier pigeon"}, "format", "Choose in person, online or hybrid."),
    ],
)
def test_bad_planned_events_are_refused_with_messages_and_lose_nothing(
    client, login, world, values, field, message
) -> None:
    existing = create_planned(world["project"], plan_input(world, code="E9"), actor=world["manager"])
    login(world["manager"])

    response = client.post(f"{base(world)}/new", data=form(world, **values))

    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'role="alert"' in html and f'id="{field}-error"' in html and message in html
    assert [p.code for p in db.session.scalars(select(PlannedEvent))] == ["E9"]

    changed = client.post(f"{base(world)}/{existing.id}/edit", data=form(world, **{"code": "E9", **values}))
    if field != "code" or values["code"] != "e9":  # its own code, in another case, is fine to keep
        assert changed.status_code == 422
    db.session.expire_all()
    assert existing.title == "National seminar in Portugal" and existing.planned_local == 40


def test_a_partner_of_another_project_is_refused(world, make_partner) -> None:
    outsider = make_partner()
    with pytest.raises(ValidationFailed) as refused:
        create_planned(world["project"], plan_input(world, partner_id=outsider.id), actor=world["manager"])
    assert set(refused.value.errors) == {"partner_id"}


def test_linking_rules(world) -> None:
    manager = world["manager"]
    e1 = create_planned(world["project"], plan_input(world), actor=manager)
    e2 = create_planned(world["project"], plan_input(world, code="E2", partner_id=world["ghent"].id), actor=manager)
    with pytest.raises(DomainError, match="another project"):
        link_event(world["foreign"], e1, actor=manager)
    link_event(world["ghent_event"], e1, actor=manager)  # another partner's event is allowed
    with pytest.raises(Conflict, match="already delivers E1"):
        link_event(world["ghent_event"], e2, actor=manager)
    assert world["ghent_event"].planned_event_id == e1.id, "nothing moves silently"
    world["seminar"].status = EventStatus.CANCELLED
    db.session.commit()
    with pytest.raises(DomainError, match="cancelled"):
        link_event(world["seminar"], e1, actor=manager)
    with pytest.raises(NotAllowed):
        link_event(world["repeat"], e1, actor=world["organiser"])
    with pytest.raises(NotAllowed):
        unlink_event(world["ghent_event"], actor=world["other_manager"])
    unlink_event(world["ghent_event"], actor=world["admin"])
    assert world["ghent_event"].planned_event_id is None
    logged = [c.setting for c in db.session.scalars(select(FundingChange).order_by(FundingChange.id))]
    assert logged == ["plan:E1:added", "plan:E2:added", "plan:E1:linked", "plan:E1:unlinked"]


def test_the_services_refuse_people_who_do_not_manage_the_project(world) -> None:
    planned = create_planned(world["project"], plan_input(world), actor=world["admin"])
    for who in ("organiser", "other_manager"):
        with pytest.raises(NotAllowed):
            create_planned(world["project"], plan_input(world, code="E2"), actor=world[who])
        with pytest.raises(NotAllowed):
            update_planned(planned, plan_input(world, title="Changed"), actor=world[who])
        with pytest.raises(NotAllowed):
            delete_planned(planned, actor=world[who])
    assert planned.title == "National seminar in Portugal"


def test_linking_from_the_page_refuses_other_projects_events_and_nonsense(client, login, world) -> None:
    planned = create_planned(world["project"], plan_input(world), actor=world["manager"])
    login(world["manager"])
    for value in (str(world["foreign"].id), "", "abc", "99999999999999999999", "-1"):
        response = client.post(f"{base(world)}/{planned.id}/link", data={"event_id": value}, follow_redirects=True)
        assert response.status_code == 200
        assert "another project" in text_of(response) or "Choose one of the project" in text_of(response)
    db.session.expire_all()
    assert world["foreign"].planned_event_id is None
    # An event linked to nothing (or to another line) cannot be "unlinked" from this line.
    assert client.post(f"{base(world)}/{planned.id}/events/{world['seminar'].id}/unlink").status_code == 404


@pytest.mark.parametrize("who", ["organiser", "other_manager"])
def test_people_who_do_not_manage_the_project_get_404_everywhere(client, login, world, who) -> None:
    planned = create_planned(world["project"], plan_input(world), actor=world["manager"])
    link_event(world["seminar"], planned, actor=world["manager"])
    login(world[who])
    urls = [
        ("GET", base(world)),
        ("GET", f"{base(world)}/new"),
        ("POST", f"{base(world)}/new"),
        ("GET", f"{base(world)}/{planned.id}/edit"),
        ("POST", f"{base(world)}/{planned.id}/edit"),
        ("GET", f"{base(world)}/{planned.id}/delete"),
        ("POST", f"{base(world)}/{planned.id}/delete"),
        ("POST", f"{base(world)}/{planned.id}/link"),
        ("POST", f"{base(world)}/{planned.id}/events/{world['seminar'].id}/unlink"),
        ("GET", f"{base(world)}/import"),
        ("POST", f"{base(world)}/import/confirm"),
    ]
    for method, address in urls:
        response = client.open(address, method=method, data=form(world, event_id=str(world["repeat"].id)))
        assert response.status_code == 404, f"{method} {address}"
    db.session.expire_all()
    assert [p.code for p in db.session.scalars(select(PlannedEvent))] == ["E1"]
    assert world["seminar"].planned_event_id == planned.id


def test_a_planned_event_of_another_project_is_not_found_under_this_one(client, login, world, make_project) -> None:
    planned = create_planned(world["project"], plan_input(world), actor=world["admin"])
    other = make_project()
    login(world["admin"])
    assert client.get(f"/projects/{other.id}/funding/plan/{planned.id}/edit").status_code == 404
    assert client.post(f"/projects/{other.id}/funding/plan/{planned.id}/delete").status_code == 404
    assert db.session.get(PlannedEvent, planned.id) is not None
