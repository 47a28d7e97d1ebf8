"""Eligible participants: the funder's categories computed from attendance, compared with a
count made in the test from the people the world was built from; the organiser's decisions
with their reasons and history; the Eligibility tab and who may open it."""

from __future__ import annotations

import pytest

from seminar_app.audit.models import AuditAction, AuditEntry
from seminar_app.enums import Role
from seminar_app.errors import DomainError
from seminar_app.extensions import db
from seminar_app.funding import eligibility_services
from seminar_app.funding.eligibility_queries import counts_for_events
from seminar_app.funding.models import EligibilityDecision, FundingRules
from seminar_app.funding.rules import rules_for
from seminar_app.privacy.models import PersonalDataGrant
from tests.funding_world import PEOPLE, build_world, expected_counts


@pytest.fixture
def world(make_project, make_partner, make_event, make_user):  # type: ignore[no-untyped-def]
    return build_world(make_project, make_partner, make_event, make_user)


def _as_dict(counts) -> dict[str, int]:  # type: ignore[no-untyped-def]
    names = ("local", "international", "partner_staff", "no_country", "below_minutes", "marked")
    return {name: getattr(counts, name) for name in names}


def test_counts_per_event_match_the_rules_written_out(world) -> None:  # type: ignore[no-untyped-def]
    rules = rules_for(world.project)
    counts = counts_for_events(list(world.events.values()), rules)
    for key, event in world.events.items():
        assert _as_dict(counts[event.id]) == expected_counts({key}), key
    # The two-day attendee is one person; the erased one still counts.
    assert counts[world.events["A1"].id].local == 2
    assert counts[world.events["A1"].id].international == 2


def test_partner_staff_count_when_the_rules_say_so(world) -> None:  # type: ignore[no-untyped-def]
    rules = db.session.query(FundingRules).filter_by(project_id=world.project.id).one()
    rules.partner_staff_count = True
    db.session.commit()
    counts = counts_for_events([world.events["A1"]], rules)[world.events["A1"].id]
    assert _as_dict(counts) == expected_counts({"A1"}, partner_staff_count=True)
    assert counts.partner_staff == 0 and counts.local == 3


def test_decisions_are_kept_the_newest_applies_and_are_audited(world) -> None:  # type: ignore[no-untyped-def]
    event = world.events["A1"]
    person = world.registrations[0]  # local, counted
    rules = rules_for(world.project)
    with pytest.raises(DomainError):
        eligibility_services.mark_ineligible(event, person, "   ", actor=world.organiser)
    with pytest.raises(DomainError):
        eligibility_services.mark_ineligible(event, person, "x" * 501, actor=world.organiser)
    with pytest.raises(DomainError):
        eligibility_services.mark_ineligible(world.events["B1"], person, "wrong event", actor=world.organiser)
    eligibility_services.mark_ineligible(event, person, "Works for the venue", actor=world.organiser)
    assert counts_for_events([event], rules)[event.id].local == 1
    eligibility_services.mark_eligible_again(event, person, "Checked: an external trainer", actor=world.organiser)
    assert counts_for_events([event], rules)[event.id].local == 2
    history = db.session.query(EligibilityDecision).filter_by(registration_id=person.id).all()
    assert [d.eligible for d in history] == [False, True]
    actions = [e.action for e in db.session.query(AuditEntry).filter_by(target_id=person.id)]
    assert actions == [AuditAction.ELIGIBILITY_EXCLUDED, AuditAction.ELIGIBILITY_RESTORED]


def test_page_shows_categories_and_erased_people_without_names(world, login) -> None:  # type: ignore[no-untyped-def]
    client = login(world.organiser)
    event = world.events["A1"]
    page = client.get(f"/manage/events/{event.id}/eligibility").get_data(as_text=True)
    assert "Person 0" in page and "Person 5" not in page
    erased = world.registrations[next(n for n, p in enumerate(PEOPLE) if p.event == "A1" and p.erase)]
    assert f"Erased participant #{erased.id}" in page
    for label in ("Local", "International", "Partner staff", "Country not given", "Marked not eligible"):
        assert label in page
    assert "Speaker" in page  # the reason of the decision made in the world
    assert "Person 7" not in page  # registered, never came
    assert "4 eligible participants of 7 attendees" in page


def test_marking_from_the_page_then_counting_again(world, login) -> None:  # type: ignore[no-untyped-def]
    client = login(world.organiser)
    event = world.events["A1"]
    person = world.registrations[1]
    url = f"/manage/events/{event.id}/eligibility/{person.id}"
    refused = client.post(url, data={f"r{person.id}-reason": ""})
    assert refused.status_code == 400
    assert "Say why" in refused.get_data(as_text=True)
    done = client.post(url, data={f"r{person.id}-reason": "Member of the organising team"}, follow_redirects=True)
    page = done.get_data(as_text=True)
    assert "Member of the organising team" in page and world.organiser.name in page
    assert "3 eligible participants of 7 attendees" in page
    client.post(url, data={f"r{person.id}-reason": "Mistake"})
    assert "4 eligible participants" in client.get(f"/manage/events/{event.id}/eligibility").get_data(as_text=True)
    # Another event's registration through this event's address: not found.
    other = world.registrations[8]
    assert client.post(f"/manage/events/{event.id}/eligibility/{other.id}", data={}).status_code == 404


def test_who_may_open_the_page(world, make_user, make_partner, login, client) -> None:  # type: ignore[no-untyped-def]
    event = world.events["A1"]
    url = f"/manage/events/{event.id}/eligibility"
    assert client.get(url).status_code in (302, 401)
    other_partner = make_user(partners=[world.partners["B"]])
    assert login(other_partner).get(url).status_code == 404
    manager = make_user(Role.MANAGER, projects=[world.project])
    assert login(manager).get(url).status_code == 403
    db.session.add(PersonalDataGrant(partner=world.partners["A"], manager=manager, granted_by=world.organiser))
    db.session.commit()
    assert login(manager).get(url).status_code == 200
    stranger = make_user(partners=[make_partner()])
    assert login(stranger).get(url).status_code == 404
    assert login(make_user(Role.ADMIN)).get(url).status_code == 200
