"""axe-core (pinned in tests/tools) on the pages people use: zero WCAG 2.1 A/AA violations.

The browser context bypasses the Content-Security-Policy only so that the test can inject
axe; the application's policy stays strict."""

from __future__ import annotations

from pathlib import Path

import pytest

from seminar_app.attendance import services as attendance_services
from seminar_app.enums import AttendanceMode, Role
from seminar_app.registration import services
from seminar_app.registration.services import RegistrationInput, private_token
from tests.browser.conftest import _unavailable

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parent.parent / "tools" / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def violations(page) -> list[str]:  # type: ignore[no-untyped-def]
    """What axe finds on the page once its stylesheets have loaded (colours depend on app.css)."""
    page.wait_for_load_state("load")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})", TAGS
    )
    return [
        f"{v['id']}: {node['target']} {node.get('failureSummary', '')[:160]}"
        for v in result["violations"]
        for node in v["nodes"][:3]
    ]


@pytest.fixture
def axe_page(browser, live_server):  # type: ignore[no-untyped-def]
    if not AXE.exists():
        _unavailable(f"{AXE} is missing: run npm ci --prefix tests/tools")
    context = browser.new_context(base_url=live_server, locale="en-GB", bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def test_public_and_organiser_pages_have_no_wcag_violations(  # type: ignore[no-untyped-def]
    axe_page, make_partner, make_user, make_event, make_agenda_item
) -> None:
    page = axe_page
    partner = make_partner()
    organiser = make_user(Role.ORGANISER, partners=[partner])
    event = make_event(partner, title="National seminar on mentoring")
    make_agenda_item(event, title="Welcome")
    person = services.register(
        event,
        RegistrationInput(
            name="Ana Reis",
            email="ana@example.org",
            mode=AttendanceMode.ONSITE,
            privacy_acknowledged=True,
            language="en",
        ),
    ).registration
    attendance_services.check_in(person, event.local_days[0])  # the check-in page shows its "undo" button

    found: dict[str, list[str]] = {}

    def check(address: str) -> None:
        page.goto(address)
        found[address] = violations(page)

    for address in (
        "/",
        f"/events/{event.slug}",
        f"/events/{event.slug}/register",
        "/privacy",
        "/accessibility",
        f"/r/{private_token(person)}",
        "/login",
    ):
        check(address)
    page.goto(f"/events/{event.slug}/register")
    page.evaluate("document.querySelector('main form[method=post]').noValidate = true")  # the server's messages
    with page.expect_navigation(wait_until="load"):  # axe reads the answer once app.css applies
        page.get_by_role("button", name="Register").click()
    assert page.locator(".is-invalid").count(), "the form shows the server's messages"
    found["registration form with errors"] = violations(page)
    # What axe does not check: borders of controls at >= 3:1 (1.4.11), a strong focus outline,
    # and fields about the person that the browser may fill in (1.3.5).
    organisation = page.get_by_label("Organisation", exact=True)
    assert organisation.evaluate("e => getComputedStyle(e).borderTopColor") == "rgb(118, 118, 118)"
    organisation.focus()
    page.keyboard.press("Tab")
    page.keyboard.press("Shift+Tab")  # back to the organisation by keyboard, as :focus-visible needs
    assert organisation.evaluate("e => e === document.activeElement")
    assert organisation.evaluate("e => getComputedStyle(e).outlineStyle + ' ' + getComputedStyle(e).outlineWidth") == (
        "solid 3px"
    )
    for label, purpose in (("Name", "name"), ("E-mail", "email"), ("Organisation", "organization")):
        assert page.get_by_label(label, exact=True).get_attribute("autocomplete") == purpose

    page.goto("/login")
    page.get_by_label("E-mail", exact=True).fill(organiser.email)
    page.get_by_label("Password", exact=True).fill("correct horse battery staple")
    with page.expect_navigation():
        page.get_by_role("button", name="Log in").click()
    for address in (
        "/manage/events",
        f"/manage/events/{event.id}",
        f"/manage/events/{event.id}/translations",
        f"/manage/events/{event.id}/agenda",
        f"/manage/events/{event.id}/registrations",
        f"/manage/events/{event.id}/attendance",
        f"/manage/events/{event.id}/feedback",
        f"/partners/{partner.id}/contacts",
        f"/partners/{partner.id}/contacts/import",
        f"/projects/{partner.project.slug}/dashboard",
    ):
        check(address)

    failing = {where: v for where, v in found.items() if v}
    assert not failing, "\n".join(f"{where}: {v}" for where, v in failing.items())
