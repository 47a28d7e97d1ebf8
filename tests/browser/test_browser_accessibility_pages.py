"""axe-core on every page of the URL map, and on the states a form or a link can be in.

The pages are read from the app's URL map, so a page added later is checked without editing
this file: every GET route that is not a file, a feed or the JSON API is opened with valid
ids and tokens, by the visitor it is meant for (anybody, the event's organiser, an
administrator), and must answer 200 and have no WCAG 2.1 A/AA violation. The same pages are
checked on a desktop and on a phone-sized screen, where the layout differs."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask

from seminar_app.attendance import services as attendance_services
from seminar_app.campaigns.models import Campaign
from seminar_app.contacts.models import Contact, ContactList, LegalBasis
from seminar_app.enums import AttendanceMode, Role
from seminar_app.events.models import EventTranslation
from seminar_app.extensions import db
from seminar_app.funding.models import EvidenceFile, PlannedEvent
from seminar_app.mail.models import OutboxMessage
from seminar_app.registration import services
from seminar_app.registration.models import Registration
from seminar_app.registration.services import RegistrationInput, private_token
from tests.browser.conftest import _unavailable
from tests.browser.test_browser_accessibility import AXE, violations
from tests.conftest import PASSWORD
from tests.test_campaigns_invitee import invite
from tests.test_feedback_results import answer_all
from tests.test_feedback_services import invited_tokens

pytestmark = pytest.mark.browser

VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}

_PARAMETER = re.compile(r"<(?:[^<>:]+:)?([^<>]+)>")
# Files, feeds and JSON: not pages (a browser downloads them); nor are the operations
# endpoints for the load balancer and Prometheus (seminar_app/ops).
_NOT_A_PAGE = re.compile(r"\.[a-z]+$|^/(?:healthz|readyz|metrics)$")
# Routes without a file extension that are not 200 pages: an uploaded evidence file (its
# type is the upload's), and the 413 page nginx shows (checked among the extra states).
_NOT_LISTED = {"funding.evidence_download", "request_too_large"}


@dataclass
class Site:
    valid: dict[str, Any]
    tokens: dict[str, str]
    extra: dict[str, list[tuple[str, int]]]
    users: dict[str, Any]


@pytest.fixture
def site(make_project, make_partner, make_user, make_event, make_agenda_item, make_speaker) -> Site:
    """A project with one of everything a page can show: an event with its agenda, a
    translation, registrations (one checked in), a campaign and its invitee, contacts, mail,
    and an event that took place with feedback to show."""
    project = make_project()
    partner = make_partner(project)
    organiser = make_user(Role.ORGANISER, partners=[partner])
    admin = make_user(Role.ADMIN)
    event = make_event(partner, title="National seminar on mentoring in probation", language="en")
    speaker = make_speaker(event)
    item = make_agenda_item(event, title="Welcome", speakers=[speaker])
    db.session.add(EventTranslation(event_id=event.id, language="de", title="Nationales Seminar"))
    db.session.commit()
    people = [
        services.register(
            event,
            RegistrationInput(
                name=f"Ana Reis {n}",
                email=f"ana{n}@example.org",
                organisation="Probation Service",
                mode=AttendanceMode.ONSITE,
                privacy_acknowledged=True,
                language="en",
            ),
        ).registration
        for n in range(3)
    ]
    attendance_services.check_in(people[0], event.local_days[0])
    invitation, invitation_token = invite(event, language="en")
    contact = Contact(
        partner=partner, email="rita@example.org", name="Rita", legal_basis=LegalBasis.LEGITIMATE_INTEREST
    )
    contact_list = ContactList(partner=partner, name="Practitioners", contacts=[contact])
    db.session.add_all([contact_list, Campaign(event=event, personal_note="Welcome")])
    db.session.commit()

    past = make_event(partner, title="Regional workshop", days_ahead=-3, language="en")
    planned = PlannedEvent(
        project_id=project.id,
        code="E1",
        title="National seminar in Portugal",
        partner_id=partner.id,
        country="PT",
        planned_month=event.local_days[0].replace(day=1),
        planned_local=40,
        planned_international=10,
    )
    db.session.add(planned)
    db.session.flush()
    event.planned_event_id = planned.id
    db.session.commit()
    answer_all(past, invited_tokens(past, 8))
    (feedback_token,) = invited_tokens(past, 1, start=50)
    message = db.session.scalars(db.select(OutboxMessage).limit(1)).one()
    evidence = EvidenceFile(
        event_id=event.id,
        kind="signed_sheet",
        day=event.local_days[0],
        filename="signed-sheet-day-1.pdf",
        content_type="application/pdf",
        size=9,
        sha256="0" * 64,
        content=b"%PDF-1.4\n",
    )
    db.session.add(evidence)
    db.session.commit()
    return Site(
        valid={
            "event_id": event.id,
            "planned_id": planned.id,
            "partner_id": partner.id,
            "project_id": project.id,
            "registration_id": people[1].id,
            "contact_id": contact.id,
            "list_id": contact_list.id,
            "campaign_id": invitation.campaign_id,
            "result_id": project.results[0].id,
            "version": project.current_privacy_notice.version,
            "item_id": item.id,
            "speaker_id": speaker.id,
            "message_id": message.id,
            "file_id": evidence.id,
            "user_id": organiser.id,
            "slug": event.slug,
            "project_slug": project.slug,
            "code": "en",
            "language": "de",
        },
        tokens={
            "/r/": private_token(people[1]),
            "/feedback/": feedback_token,
            "/invitations/": invitation_token,
            "/manage/checkin/": attendance_services.check_in_token(people[1]),
        },
        extra={
            # States a link or a form leads to, beside the URL map's pages.
            "anonymous": [
                ("/no-such-page", 404),
                (f"/events/{event.slug}-no-such-event", 404),
                ("/r/an-unknown-link", 404),
                ("/feedback/an-unknown-link", 404),
                ("/invitations/an-unknown-link/decline", 404),
                ("/request-too-large", 413),
                (f"/events/{event.slug}?lang=de", 200),
            ],
            "organiser": [
                (f"/manage/events/{past.id}/feedback", 200),
                (f"/manage/events/{past.id}/evidence", 200),
                (f"/manage/events/{past.id}", 200),
                (f"/projects/{project.slug}/dashboard?from=not-a-date", 400),
                ("/manage/checkin/an-unknown-code", 404),
                (f"/manage/audit?partner={partner.id}&event={event.id}", 200),
            ],
            "admin": [
                ("/admin/audit?since=not-a-date&action=nothing", 400),
                (f"/projects/{project.id}/funding?preset=erasmus_2021_2027", 200),
            ],
        },
        users={"organiser": organiser, "admin": admin, "event": event, "past": past},
    )


def visitor(rule: str) -> str:
    """Who a page is for: administrators, the organisers who manage, or anybody."""
    if rule.startswith("/admin") or rule.endswith(("/retention", "/funding")) or "/funding/plan" in rule:
        return "admin"
    if rule.startswith(("/manage", "/partners", "/projects/<int", "/contacts", "/dashboard")) or rule.endswith(
        ("/dashboard", "/ledger")
    ):
        return "organiser"
    return "anonymous"


def pages(app: Flask, site: Site) -> dict[str, list[str]]:
    """Every HTML page of the URL map, with valid values, by the visitor it is for."""
    found: dict[str, list[str]] = {"anonymous": [], "organiser": [], "admin": []}
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if "GET" not in rule.methods or rule.endpoint == "static" or rule.rule.startswith("/api/"):
            continue
        if _NOT_A_PAGE.search(rule.rule) or rule.endpoint in _NOT_LISTED:
            continue
        token = next((t for prefix, t in site.tokens.items() if rule.rule.startswith(prefix)), "")

        def value(match: re.Match[str], token: str = token, rule: str = rule.rule) -> str:
            name = match.group(1)
            if name == "token":
                return token
            if name == "slug" and rule.startswith("/projects/"):
                return str(site.valid["project_slug"])
            return str(site.valid[name])

        found[visitor(rule.rule)].append(_PARAMETER.sub(value, rule.rule))
    return found


def _context(browser, live_server: str, viewport: dict[str, int], user=None):  # type: ignore[no-untyped-def]
    phone = viewport["width"] < 500
    context = browser.new_context(
        base_url=live_server,
        locale="en-GB",
        viewport=viewport,
        is_mobile=phone,
        has_touch=phone,
        bypass_csp=True,  # only so that axe can be injected; the app's policy stays strict
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    if user is not None:
        page.goto("/login")
        page.get_by_label("E-mail", exact=True).fill(user.email)
        page.get_by_label("Password", exact=True).fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url(lambda url: "/login" not in url)
    return context, page


def _submitted(page, button) -> None:  # type: ignore[no-untyped-def]
    """Send the page's form without the browser's own checks, to see the server's messages.

    `button` is a name or a locator. The answer is read only once its page has loaded with
    its stylesheets: read earlier, axe sees Bootstrap's colours without app.css's darker links.
    """
    page.evaluate("document.querySelectorAll('main form').forEach(f => f.noValidate = true)")
    target = page.get_by_role("button", name=button, exact=True) if isinstance(button, str) else button
    with page.expect_navigation(wait_until="load"):
        target.click()


@pytest.mark.parametrize("screen", sorted(VIEWPORTS))
def test_every_page_and_form_state_has_no_wcag_violations(  # type: ignore[no-untyped-def]
    browser, live_server, app, site, screen
) -> None:
    if not AXE.exists():
        _unavailable(f"{AXE} is missing: run npm ci --prefix tests/tools")
    viewport = VIEWPORTS[screen]
    found: dict[str, list[str]] = {}
    wrong: list[str] = []
    addresses = pages(app, site)
    assert len(addresses["anonymous"]) >= 15 and len(addresses["organiser"]) >= 40 and len(addresses["admin"]) >= 10
    event, past = site.users["event"], site.users["past"]

    for who in ("anonymous", "organiser", "admin"):
        context, page = _context(browser, live_server, viewport, site.users.get(who))
        try:
            for address, expected in [(a, 200) for a in addresses[who]] + site.extra[who]:
                response = page.goto(address)
                status = response.status if response else 0
                if status != expected or ("/login" in page.url and address != "/login"):
                    wrong.append(f"{address} as {who}: {status} at {page.url}")
                found[f"{address} ({who})"] = violations(page)

            if who == "anonymous":
                page.goto(f"/events/{event.slug}/register")
                _submitted(page, "Register")
                assert page.get_by_role("alert").count(), "the registration form shows its errors"
                found["the registration form with errors"] = violations(page)

                page.goto(f"/feedback/{site.tokens['/feedback/']}")
                page.locator("input[type=radio]").first.evaluate("e => { e.value = '9'; e.checked = true; }")
                _submitted(page, "Send my answers")
                assert page.get_by_role("alert").count(), "the feedback form shows its errors"
                found["the feedback form with errors"] = violations(page)
                page.locator("input[type=radio]").first.check()
                _submitted(page, "Send my answers")
                assert "/thanks" in page.url
                found["the feedback form's thanks"] = violations(page)
                page.goto(f"/feedback/{site.tokens['/feedback/']}")
                found["a feedback link used already"] = violations(page)

                page.goto(f"/invitations/{site.tokens['/invitations/']}/decline")
                _submitted(page, page.locator("main form button[type=submit]").first.inner_text().strip())
                found["an invitation declined"] = violations(page)

                page.goto("/login")
                page.get_by_label("E-mail", exact=True).fill("nobody@example.org")
                page.get_by_label("Password", exact=True).fill("wrong")
                _submitted(page, "Log in")
                found["the log-in form with an error"] = violations(page)

            if who == "organiser":
                # A required text emptied, so that the server answers with its messages.
                for address in (
                    "/manage/events/new",
                    f"/manage/events/{event.id}/agenda/new",
                    f"/manage/events/{event.id}/speakers/new",
                ):
                    page.goto(address)
                    page.locator("main form input[type=text], main form textarea").first.fill("")
                    _submitted(page, page.locator("main form button[type=submit]").last)
                    assert page.locator(".is-invalid").count(), f"{address} shows its errors"
                    found[f"{address} with errors"] = violations(page)
                page.goto(f"/manage/events/{past.id}/feedback")
                found["the feedback results with answers"] = violations(page)
                page.goto(f"/manage/events/{past.id}/evidence")
                _submitted(page, "Upload")
                assert page.get_by_role("alert").count(), "the evidence upload shows its errors"
                found["the evidence upload with errors"] = violations(page)

            if who == "admin":
                page.goto(f"/projects/{site.valid['project_id']}/retention")
                page.get_by_label("Days after each event before operational data is deleted").fill("-1")
                page.get_by_label("Legal hold: stop every deletion of this project's data").check()
                _submitted(page, "Save")
                assert page.get_by_role("alert").count(), "the retention settings show their errors"
                found["the retention settings with errors"] = violations(page)

                funding = f"/projects/{site.valid['project_id']}/funding"
                page.goto(funding)
                page.get_by_label("Amount per local participant").fill("-1")
                _submitted(page, "Save")
                assert page.get_by_role("alert").count(), "the funding rules show their errors"
                found["the funding rules with errors"] = violations(page)
                page.goto(f"{funding}/plan/new")
                page.get_by_label("Planned local participants").fill("-1")
                _submitted(page, "Save")
                assert page.get_by_role("alert").count(), "the planned event's form shows its errors"
                found["a planned event with errors"] = violations(page)
                page.goto(f"{funding}/plan/import")
                rows = "code;title;partner;month;local\nE2;Seminar;Nobody;2026-05;-3\nE3;Workshop;Nobody;May;4\n"
                page.get_by_label("Plan file (CSV or XLSX)").set_input_files(
                    {"name": "plan.csv", "mimeType": "text/csv", "buffer": rows.encode()}
                )
                _submitted(page, "Show the preview")
                found["a plan import's preview with refused rows"] = violations(page)
        finally:
            context.close()

    assert not wrong, "pages that did not open as expected:\n" + "\n".join(wrong)
    failing = {where: v for where, v in found.items() if v}
    assert not failing, f"{len(failing)} of {len(found)} page states on a {screen}:\n" + "\n".join(
        f"{where}: {v}" for where, v in failing.items()
    )


@pytest.mark.parametrize("screen", sorted(VIEWPORTS))
def test_funding_pages_have_no_wcag_violations(browser, live_server, app, site, screen) -> None:  # type: ignore[no-untyped-def]
    """The ledger with lines, a warning, the cap and missing evidence, and the Eligibility tab
    with a decision and with a form in error (the sweep above opens them without content)."""
    from datetime import date

    from seminar_app.funding.models import EligibilityDecision, FundingRules, PlannedEvent

    if not AXE.exists():
        _unavailable(f"{AXE} is missing: run npm ci --prefix tests/tools")
    event, past, organiser = site.users["event"], site.users["past"], site.users["organiser"]
    partner_id, project_id = site.valid["partner_id"], site.valid["project_id"]
    db.session.add(FundingRules(project_id=project_id, cap=1))
    for n, linked in enumerate((past, event, None), start=1):
        planned = PlannedEvent(
            project_id=project_id, code=f"E{n + 1}", title=f"Multiplier seminar {n}", partner_id=partner_id,
            country="PT", planned_month=date.today().replace(day=1), planned_local=20, planned_international=5,
        )  # fmt: skip
        db.session.add(planned)
        db.session.flush()
        if linked is not None:
            linked.planned_event_id = planned.id
    attendee = db.session.scalars(db.select(Registration).where(Registration.event_id == event.id)).first()
    db.session.add(EligibilityDecision(event_id=event.id, registration_id=attendee.id, eligible=False, reason="Staff"))
    db.session.commit()
    found: dict[str, Any] = {}
    wrong: list[str] = []
    for user in (organiser, site.users["admin"]):
        context, page = _context(browser, live_server, VIEWPORTS[screen], user)
        try:
            for address in (f"/projects/{site.valid['project_slug']}/ledger", f"/manage/events/{event.id}/eligibility"):
                response = page.goto(address)
                if not response or response.status != 200:
                    wrong.append(f"{address} as {user.role}: {response.status if response else 0}")
                found[f"{address} ({user.role})"] = violations(page)
            page.goto(f"/manage/events/{past.id}/eligibility")
            found["eligibility without attendees"] = violations(page)
            page.goto(f"/manage/events/{event.id}/eligibility")
            _submitted(page, page.locator("main form button[type=submit]").first)
            assert page.locator(".is-invalid").count(), "the decision form shows its error"
            found[f"the decision form with an error ({user.role})"] = violations(page)
        finally:
            context.close()
    assert not wrong, "\n".join(wrong)
    failing = {where: v for where, v in found.items() if v}
    assert not failing, "\n".join(f"{where}: {v}" for where, v in failing.items())
