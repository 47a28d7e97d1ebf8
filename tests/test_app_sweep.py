"""The 500 sweep: every route of the URL map, every method it allows, for every kind of
visitor, with hostile values in each path parameter and in the common query parameters.

Whatever a visitor types into the address bar, the answer is a page or a refusal (302,
4xx), never a server error. The routes are read from the app, so a route added later is
swept without editing this file, and fails the sweep if it answers 500.
"""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.routing import Rule

from seminar_app.agenda.models import AgendaItem
from seminar_app.campaigns.models import Campaign
from seminar_app.contacts.models import Contact, ContactList, LegalBasis
from seminar_app.enums import AttendanceMode, RegistrationStatus, Role
from seminar_app.events.models import EventTranslation
from seminar_app.extensions import db
from seminar_app.funding.models import EvidenceFile, PlannedEvent
from seminar_app.mail.services import queue_mail
from seminar_app.registration.models import Registration
from tests.conftest import PASSWORD

# What people and robots type: numbers past every integer column (64 and 32 bits), signs and
# wrong types, NUL and a line break, a very long word, non-Latin text, a path escape and bytes
# that are not UTF-8. Percent-encoded as they would arrive on the wire.
HOSTILE = (
    "99999999999999999999",
    "9223372036854775808",
    "2147483648",
    "-1",
    "1.5",
    "a%00b",
    "%0D%0Ax",
    "x" * 3000,
    "%C3%87%C3%A3o%E2%9C%93%F0%9F%98%80",
    "..%2F..%2Fetc%2Fpasswd",
    "%FF%FE",
)

# The query parameters the app's pages and API read (lists, filters, pagination, redirects).
QUERY_PARAMETERS = (
    "page", "per_page", "q", "list", "day", "status", "sort", "dir", "when", "country",
    "language", "format", "kind", "partner", "project", "group", "code", "next", "invitation", "lang",
)  # fmt: skip

_PARAMETER = re.compile(r"<(?:[^<>:]+:)?([^<>]+)>")

# Sending these would end the session the rest of the sweep relies on.
SESSION_ENDING = {"accounts.logout"}


@pytest.fixture
def seeded(make_project, make_partner, make_user, make_event, make_agenda_item, make_speaker) -> dict[str, Any]:
    """Partner A's event with one of everything, so that valid ids exist beside the hostile ones."""
    project = make_project()
    partner = make_partner(project)
    owner = make_user(Role.ORGANISER, partners=[partner])
    event = make_event(partner)
    speaker = make_speaker(event)
    item = make_agenda_item(event, speakers=[speaker])
    event.translations.append(EventTranslation(language="de", title="Nationales Seminar"))
    registration = Registration(
        event=event,
        status=RegistrationStatus.CONFIRMED,
        mode=AttendanceMode.ONSITE,
        name="Ana Attendee",
        email="ana@example.org",
    )
    db.session.add(registration)
    db.session.flush()
    message = queue_mail(
        kind="registration_confirmed",
        to_address="ana@example.org",
        subject="Your registration",
        body_text="Hello",
        event_id=event.id,
        registration_id=registration.id,
    )
    contact = Contact(partner=partner, email="ana@example.org", name="Ana", legal_basis=LegalBasis.LEGITIMATE_INTEREST)
    contact_list = ContactList(partner=partner, name="Practitioners", contacts=[contact])
    campaign = Campaign(event=event, personal_note="Welcome")
    evidence = EvidenceFile(
        event_id=event.id,
        kind="agenda",
        filename="agenda.pdf",
        content_type="application/pdf",
        size=9,
        sha256="0" * 64,
        content=b"%PDF-1.4\n",
    )
    planned = PlannedEvent(
        project_id=project.id, code="E1", title="Seminar", partner_id=partner.id, country="PT",
        planned_month=event.local_days[0].replace(day=1),
    )  # fmt: skip
    db.session.add_all([contact_list, campaign, evidence, planned])
    db.session.flush()
    event.planned_event_id = planned.id
    db.session.commit()
    assert isinstance(item, AgendaItem)
    return {
        "project": project,
        "partner": partner,
        "valid": {
            "event_id": event.id,
            "planned_id": planned.id,
            "partner_id": partner.id,
            "project_id": project.id,
            "registration_id": registration.id,
            "contact_id": contact.id,
            "list_id": contact_list.id,
            "campaign_id": campaign.id,
            "result_id": project.results[0].id,
            "version": project.current_privacy_notice.version,
            "item_id": item.id,
            "speaker_id": speaker.id,
            "message_id": message.id,
            "file_id": evidence.id,
            "user_id": owner.id,
            "slug": event.slug,
            "day": event.local_days[0].isoformat(),
            "code": "en",
            "language": "de",
            "table": "events",
        },
    }


def _visitor(app: Flask, role: str, seeded: dict[str, Any], make_partner, make_user) -> FlaskClient:  # type: ignore[no-untyped-def]
    client = app.test_client()
    if role == "anonymous":
        return client
    if role == "organiser_of_other_partner":
        user = make_user(Role.ORGANISER, partners=[make_partner(seeded["project"])])
    elif role == "manager_without_grant":
        user = make_user(Role.MANAGER, projects=[seeded["project"]])
    else:
        user = make_user(Role.ADMIN)
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302, "log-in failed"
    return client


def _urls(rule: Rule, method: str, valid: dict[str, Any]) -> list[str]:
    """The rule's path with one hostile value at a time in each parameter (the others valid),
    and for reads, the valid path with every common query parameter set to a hostile value."""

    def path(hostile_name: str | None, hostile: str) -> str:
        def value(match: re.Match[str]) -> str:
            name = match.group(1)
            return hostile if name == hostile_name else str(valid.get(name, 1))

        return _PARAMETER.sub(value, rule.rule)

    urls = [path(name, hostile) for name in sorted(rule.arguments) for hostile in HOSTILE]
    if method == "GET" or not rule.arguments:
        base = path(None, "")
        urls += [base + "?" + "&".join(f"{p}={hostile}" for p in QUERY_PARAMETERS) for hostile in HOSTILE]
    return urls


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/api/v1/events/9223372036854775808", 404),
        ("/api/v1/events/2147483648", 404),
        ("/api/v1/events?page=99999999999999999999", 400),
        ("/feeds/partners/99999999999999999999.ics", 404),
        ("/events/a%00b", 404),
        ("/events/a%0Ab", 404),
        ("/projects/a%00b", 404),
    ],
)
def test_ids_past_the_database_integers_and_control_characters_in_slugs_are_not_found(
    client, seeded, url, status
) -> None:
    assert client.get(url).status_code == status


@pytest.mark.parametrize("page", ["99999999999999999999", "9223372036854775808", "-1", "0", "x"])
def test_any_page_number_shows_the_event_list(client, seeded, page) -> None:
    response = client.get(f"/?page={page}")

    assert response.status_code == 200
    assert "National seminar on mentoring in probation" in response.get_data(as_text=True)


@pytest.mark.parametrize("role", ["anonymous", "organiser_of_other_partner", "manager_without_grant", "admin"])
def test_no_route_answers_500_to_hostile_addresses(  # type: ignore[no-untyped-def]
    app, seeded, make_partner, make_user, role, at_migrations_head
) -> None:
    """(The database is stamped as migrated, so that /readyz's honest 503 is not counted.)"""
    rules = [rule for rule in app.url_map.iter_rules() if rule.endpoint != "static"]
    assert len(rules) > 100, "the sweep should see the whole URL map"
    assert {rule.endpoint for rule in rules} >= SESSION_ENDING, "rename the log-out endpoint in SESSION_ENDING"
    client = _visitor(app, role, seeded, make_partner, make_user)
    failures: list[str] = []
    started = time.monotonic()
    requests = 0
    for rule in sorted(rules, key=lambda r: (r.endpoint in SESSION_ENDING, r.rule)):
        # HEAD runs the GET view, and OPTIONS is answered by Flask itself.
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            for url in _urls(rule, method, seeded["valid"]):
                requests += 1
                try:
                    status = client.open(url, method=method).status_code
                except Exception as exc:  # TESTING propagates what would be a 500
                    db.session.rollback()
                    failures.append(f"{method} {url[:200]} as {role}: {type(exc).__name__}: {str(exc)[:200]}")
                    continue
                if status >= 500:
                    failures.append(f"{method} {url[:200]} as {role}: {status}")
    elapsed = time.monotonic() - started
    print(f"500 sweep as {role}: {requests} requests in {elapsed:.1f} s")
    assert not failures, f"{len(failures)} server errors:\n" + "\n".join(failures[:80])


@pytest.mark.parametrize("role", ["anonymous", "organiser_of_other_partner", "manager_without_grant", "admin"])
def test_funding_routes_never_answer_500(app, seeded, make_partner, make_user, role) -> None:  # type: ignore[no-untyped-def]
    """The funder's ledger takes a project's slug (the sweep above gives an event's): the
    funding routes again, with the project's slug valid, a plan, a decision and a file."""
    from seminar_app.events.models import Event
    from seminar_app.funding.models import EligibilityDecision, EvidenceFile

    event = db.session.get(Event, seeded["valid"]["event_id"])
    assert event.planned_event_id == seeded["valid"]["planned_id"]  # the seeded plan line E1
    registration_id = seeded["valid"]["registration_id"]
    db.session.add_all(
        [
            EligibilityDecision(event_id=event.id, registration_id=registration_id, eligible=False, reason="x"),
            EvidenceFile(event_id=event.id, kind="material", filename="m.pdf", content_type="application/pdf",
                         size=4, sha256="0" * 64, content=b"%PDF"),
        ]
    )  # fmt: skip
    db.session.commit()
    valid = {**seeded["valid"], "slug": seeded["project"].slug}
    client = _visitor(app, role, seeded, make_partner, make_user)
    failures = []
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("funding."):
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            for url in [
                *_urls(rule, method, valid),
                _PARAMETER.sub(lambda m: str(valid.get(m.group(1), 1)), rule.rule),
            ]:
                try:
                    status = client.open(url, method=method).status_code
                except Exception as exc:  # TESTING propagates what would be a 500
                    db.session.rollback()
                    failures.append(f"{method} {url[:200]} as {role}: {type(exc).__name__}: {str(exc)[:200]}")
                    continue
                if status >= 500:
                    failures.append(f"{method} {url[:200]} as {role}: {status}")
    assert not failures, "\n".join(failures[:40])
