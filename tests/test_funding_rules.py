"""A project's funding rules page: who may open and change it, the presets, the change log
(who changed what, from and to), the audit entry, and bad input answered with clear
messages that lose nothing already saved."""

from __future__ import annotations

import re
from dataclasses import replace
from decimal import Decimal

import pytest
from sqlalchemy import select

from seminar_app.audit.models import AuditAction, AuditEntry
from seminar_app.audit.wording import describe
from seminar_app.enums import Role
from seminar_app.errors import NotAllowed, ValidationFailed
from seminar_app.extensions import db
from seminar_app.funding.models import FundingChange, FundingRules
from seminar_app.funding.rules import rules_for
from seminar_app.funding.rules_services import RulesInput, update_rules
from seminar_app.projects.models import Project


@pytest.fixture
def project(make_project) -> Project:  # type: ignore[no-untyped-def]
    return make_project()


def url(project: Project) -> str:
    return f"/projects/{project.id}/funding"


def form(**values: object) -> dict[str, object]:
    data: dict[str, object] = {
        "model": "unit_costs",
        "amount_local": "100",
        "amount_international": "200",
        "cap": "30000",
        "currency": "EUR",
        "min_online_minutes": "30",
        "needs_signed_sheet": "y",
        "needs_online_report": "y",
        "needs_agenda": "y",
        "needs_material": "y",
    }
    data.update(values)
    return {k: v for k, v in data.items() if v is not None}


def saved_rules(project: Project) -> FundingRules | None:
    db.session.expire_all()
    return db.session.scalar(select(FundingRules).where(FundingRules.project_id == project.id))


def test_a_manager_changes_the_rules_from_the_dashboard_and_sees_who_changed_what(
    client, login, make_user, project
) -> None:
    manager = make_user(Role.MANAGER, projects=[project], name="Maria Manager")
    login(manager)
    dashboard = client.get(f"/projects/{project.slug}/dashboard").get_data(as_text=True)
    assert f'href="{url(project)}"' in dashboard, "the manager finds the page from the dashboard"
    page = client.get(url(project)).get_data(as_text=True)
    assert "never saved" in page and 'value="100.00"' in page, "the Erasmus+ 2014-2020 defaults are shown"
    assert "changes its figures" in page, "the page says the ledger follows the rules live"

    response = client.post(url(project), data=form(amount_local="110", cap="", currency="eur"), follow_redirects=True)

    assert response.status_code == 200
    rules = saved_rules(project)
    assert rules is not None
    assert (rules.amount_local, rules.cap, rules.currency) == (Decimal("110"), None, "EUR")
    changes = {
        c.setting: (c.old_value, c.new_value, c.changed_by_name) for c in db.session.scalars(select(FundingChange))
    }
    assert changes == {
        "amount_local": ("100.00", "110.00", "Maria Manager"),
        "cap": ("30000.00", "", "Maria Manager"),
    }
    text = " ".join(response.get_data(as_text=True).split())
    assert "Maria Manager" in text and "Amount per local participant: 100.00 → 110.00" in text
    assert "Cap for the whole project: 30000.00 → no cap" in text
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == AuditAction.FUNDING_RULES_CHANGED))
    assert entry is not None and entry.project_id == project.id
    assert "changed the funding rules: amount per local participant, cap" in describe(entry, {})
    audit_page = " ".join(client.get("/manage/audit").get_data(as_text=True).split())
    assert "Maria Manager changed the funding rules: amount per local participant, cap." in audit_page
    assert "Funding rules changed" in audit_page, "the action is offered in the log's filter"


def test_saving_the_same_rules_changes_nothing(client, login, make_user, project) -> None:
    login(make_user(Role.ADMIN))
    response = client.post(url(project), data=form(), follow_redirects=True)
    assert "Nothing was changed." in response.get_data(as_text=True)
    assert saved_rules(project) is None, "the project keeps following the defaults"
    assert db.session.scalars(select(FundingChange)).all() == []


def test_the_lump_sum_preset_fills_the_form_without_saving(client, login, make_user, project) -> None:
    login(make_user(Role.MANAGER, projects=[project]))
    page = client.get(url(project) + "?preset=erasmus_2021_2027").get_data(as_text=True)
    assert re.search(r'<input checked[^>]*value="lump_sum"', page), "the lump-sum model is chosen"
    assert 'value="0.00"' in page
    assert "not yet saved" in page
    assert saved_rules(project) is None
    assert client.get(url(project) + "?preset=nonsense").status_code == 200


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"amount_local": "-5"}, "amount_local", "Enter an amount of 0 or more."),
        ({"amount_international": "5000000"}, "amount_international", "not plausible"),
        ({"cap": "0"}, "cap", "Leave the cap empty"),
        ({"cap": "99999999999"}, "cap", "not plausible"),
        ({"currency": "EURO"}, "currency", "three-letter code"),
        ({"currency": "XYZ"}, "currency", "not a currency code"),
        ({"min_online_minutes": "-1"}, "min_online_minutes", "from 0 to 1440"),
        ({"amount_local": "abc"}, "amount_local", ""),
        ({"model": "free_money"}, "model", ""),
    ],
)
def test_bad_rules_are_refused_with_a_message_and_lose_nothing(
    client, login, make_user, project, values, field, message
) -> None:
    manager = make_user(Role.MANAGER, projects=[project])
    update_rules(project, replace(RulesInput.from_rules(rules_for(project)), amount_local=Decimal("90")), actor=manager)
    login(manager)

    response = client.post(url(project), data=form(**values))

    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert 'role="alert"' in text and f'id="{field}-error"' in text
    assert message in text
    rules = saved_rules(project)
    assert rules is not None and rules.amount_local == Decimal("90"), "what was saved stays"
    assert len(db.session.scalars(select(FundingChange)).all()) == 1


def test_the_service_refuses_outsiders_and_bad_values(make_user, make_project, project) -> None:
    data = RulesInput.from_preset("erasmus_2014_2020")
    with pytest.raises(NotAllowed):
        update_rules(project, data, actor=make_user(Role.MANAGER, projects=[make_project()]))
    with pytest.raises(NotAllowed):
        update_rules(project, data, actor=make_user(Role.ORGANISER))
    admin = make_user(Role.ADMIN)
    with pytest.raises(ValidationFailed) as refused:
        update_rules(project, replace(data, amount_local=Decimal("NaN"), currency="€€€"), actor=admin)
    assert set(refused.value.errors) == {"amount_local", "currency"}
    changes = update_rules(project, RulesInput.from_preset("erasmus_2021_2027"), actor=admin)
    assert {c.setting for c in changes} == {"model", "amount_local", "amount_international", "cap"}
    assert rules_for(project).model == "lump_sum"


@pytest.mark.parametrize("who", ["organiser", "organiser_of_the_project", "manager_of_another_project", "nobody"])
def test_people_who_do_not_manage_the_project_get_404(
    client, login, make_user, make_partner, make_project, project, who
) -> None:
    if who == "organiser":
        login(make_user(Role.ORGANISER))
    elif who == "organiser_of_the_project":
        login(make_user(Role.ORGANISER, partners=[make_partner(project)]))
    elif who == "manager_of_another_project":
        login(make_user(Role.MANAGER, projects=[make_project()]))
    for method in ("GET", "POST"):
        response = client.open(url(project), method=method, data=form(amount_local="1"))
        expected = (302,) if who == "nobody" else (404,)
        assert response.status_code in expected
    assert saved_rules(project) is None
    assert client.get("/projects/999999/funding").status_code in (302, 404)
