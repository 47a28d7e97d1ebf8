"""The app on a phone (390 × 844 CSS px, touch): nothing is wider than the screen, the
logged-in menu folds behind a button that opens by touch and by keyboard, the workspace tabs
are one row that scrolls, selects show their whole text, radio buttons are big enough to hit,
and axe-core finds nothing on the way."""

from __future__ import annotations

from datetime import timedelta

import pytest

from seminar_app.attendance import services as attendance_services
from seminar_app.enums import AttendanceMode, Role
from seminar_app.extensions import db
from seminar_app.registration import services
from seminar_app.registration.services import RegistrationInput, private_token
from tests.browser.conftest import _unavailable
from tests.browser.test_browser_accessibility import AXE, violations
from tests.conftest import PASSWORD
from tests.test_feedback_services import invited_tokens

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}

# Elements wider than the screen, outside any region that scrolls sideways on purpose.
OVERFLOWING = """() => {
  const width = document.documentElement.clientWidth;
  const scrolls = e => { for (let p = e.parentElement; p; p = p.parentElement) {
    const x = getComputedStyle(p).overflowX; if (x === 'auto' || x === 'scroll' || x === 'hidden') return true; }
    return false; };
  const wide = [...document.body.querySelectorAll('*')].filter(e => {
    const box = e.getBoundingClientRect();
    return box.width > 0 && (box.right > width + 0.5 || box.left < -0.5) && !scrolls(e);
  });
  return {page: document.documentElement.scrollWidth, width,
          wide: wide.slice(0, 5).map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + '.' + e.className)};
}"""

# Selects that do not show the whole of their chosen option (a text field scrolls its text, a
# select cannot): a select drawn by the browser shows one line, a styled one may wrap it.
CLIPPED = """() => {
  const canvas = document.createElement('canvas').getContext('2d');
  const clipped = [];
  for (const e of document.querySelectorAll('select')) {
    if (!e.offsetParent) continue;
    const style = getComputedStyle(e);
    const text = (e.selectedOptions[0] || {text: ''}).text;
    canvas.font = style.font;
    const room = e.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    const cut = style.appearance === 'base-select'
      ? e.scrollWidth > e.clientWidth + 1 || e.scrollHeight > e.clientHeight + 1
      : canvas.measureText(text).width > room + 1;
    if (cut) clipped.push(`${e.id || e.name}: "${text}"`);
  }
  return clipped;
}"""


@pytest.fixture
def phone(browser, live_server):  # type: ignore[no-untyped-def]
    if not AXE.exists():
        _unavailable(f"{AXE} is missing: run npm ci --prefix tests/tools")
    context = browser.new_context(
        base_url=live_server,
        locale="en-GB",
        viewport=PHONE,
        screen=PHONE,
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        bypass_csp=True,  # only so that axe can be injected; the app's policy stays strict
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def fits_the_screen(page, where: str) -> None:  # type: ignore[no-untyped-def]
    page.wait_for_load_state("load")  # measured with its stylesheets, not before they apply
    found = page.evaluate(OVERFLOWING)
    assert found["page"] <= found["width"] and not found["wide"], f"{where} is wider than the phone: {found}"
    clipped = page.evaluate(CLIPPED)
    assert not clipped, f"{where}: text cut off in {clipped}"
    problems = violations(page)
    assert not problems, f"{where}: {problems}"


def log_in(page, user) -> None:  # type: ignore[no-untyped-def]
    page.goto("/login")
    page.get_by_label("E-mail", exact=True).fill(user.email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Log in").click()


@pytest.fixture
def people(make_partner, make_user, make_event, make_agenda_item):  # type: ignore[no-untyped-def]
    partner = make_partner(name="Centro de Prevenção e Reinserção Social de Lisboa")
    organiser = make_user(Role.ORGANISER, partners=[partner], name="Maria Fernanda de Albuquerque Sousa")
    event = make_event(partner, title="National seminar on mentoring in probation and community sanctions")
    make_agenda_item(event, title="Welcome and presentation of the Mentoring Model and Programme")
    registrations = [
        services.register(
            event,
            RegistrationInput(
                name=f"Ana Cristina Rodrigues dos Reis {n}",
                email=f"ana.cristina.rodrigues.dos.reis.{n}@direccao-geral-de-reinsercao.example.org",
                organisation="Direcção-Geral de Reinserção e Serviços Prisionais",
                mode=AttendanceMode.ONSITE,
                privacy_acknowledged=True,
                language="en",
            ),
        ).registration
        for n in range(3)
    ]
    attendance_services.check_in(registrations[0], event.local_days[0])
    return {"partner": partner, "organiser": organiser, "event": event, "registrations": registrations}


def test_public_pages_fit_a_phone_and_the_feedback_radios_are_big_enough(  # type: ignore[no-untyped-def]
    phone, people, make_event
) -> None:
    page = phone
    event = people["event"]
    for address in ("/", f"/events/{event.slug}", f"/r/{private_token(people['registrations'][1])}"):
        page.goto(address)
        fits_the_screen(page, address)

    page.goto(f"/events/{event.slug}/register")
    fits_the_screen(page, "the registration form")
    page.evaluate("document.querySelector('main form[method=post]').noValidate = true")  # the server's messages
    with page.expect_navigation(wait_until="load"):  # the answer, once its stylesheets apply
        page.get_by_role("button", name="Register").click()
    assert page.get_by_role("alert").count() >= 1
    fits_the_screen(page, "the registration form with errors")

    ended = make_event(people["partner"], title="Regional workshop", days_ahead=-2, language="en")
    (token,) = invited_tokens(ended, 1)
    page.goto(f"/feedback/{token}")
    fits_the_screen(page, "the feedback form")
    for radio in page.locator("input[type=radio]").all():
        box = radio.bounding_box()
        assert box and box["width"] >= 24 and box["height"] >= 24, f"a radio button of {box}"
        label = page.locator(f"label[for='{radio.get_attribute('id')}']").bounding_box()
        assert label and label["height"] >= 44, f"a radio button's label of {label}"
    # The label is part of the target: a tap on the text ticks the button.
    first = page.locator("input[type=radio]").first
    page.locator(f"label[for='{first.get_attribute('id')}']").tap()
    assert first.is_checked()
    first.evaluate("e => { e.value = '9'; }")  # a rating the server refuses, to see its message
    page.evaluate("document.querySelector('main form[method=post]').noValidate = true")
    with page.expect_navigation(wait_until="load"):
        page.get_by_role("button", name="Send my answers").click()
    assert page.get_by_role("alert").count() >= 1
    fits_the_screen(page, "the feedback form with errors")


def test_the_organisers_pages_fit_a_phone_with_a_folding_menu_and_one_row_of_tabs(  # type: ignore[no-untyped-def]
    phone, people, make_user
) -> None:
    page = phone
    event = people["event"]
    log_in(page, people["organiser"])

    page.goto("/manage/events")
    menu = page.locator("#site-menu")
    toggle = page.get_by_role("button", name="Menu")
    assert toggle.get_attribute("aria-expanded") == "false" and not menu.is_visible(), "the menu starts folded"
    assert not page.get_by_role("link", name="Dashboard").is_visible()
    toggle.tap()
    assert toggle.get_attribute("aria-expanded") == "true"
    assert page.get_by_role("link", name="Dashboard").is_visible()
    fits_the_screen(page, "the open menu")
    page.keyboard.press("Escape")
    assert toggle.get_attribute("aria-expanded") == "false" and not menu.is_visible()
    assert toggle.evaluate("e => e === document.activeElement"), "Escape returns to the button"
    page.keyboard.press("Enter")
    assert menu.is_visible(), "the button opens by keyboard too"
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.textContent.trim()") == "Events", "the menu comes next"

    tabs_shown = (
        "", "/agenda", "/translations", "/registrations", "/attendance", "/eligibility", "/evidence", "/feedback",
        "/campaigns", "/mails",
    )  # fmt: skip
    for tab in tabs_shown:
        address = f"/manage/events/{event.id}{tab}"
        page.goto(address)
        tabs = page.get_by_role("navigation", name="Event workspace").get_by_role("link")
        tops = {link.evaluate("e => e.offsetTop") for link in tabs.all()}
        assert tabs.count() == len(tabs_shown) and len(tops) == 1, f"{address}: the tabs are on {len(tops)} rows"
        current = page.locator(".workspace-tabs [aria-current=page]")
        box, row = current.bounding_box(), page.locator(".workspace-tabs").bounding_box()
        assert box and row and box["x"] >= row["x"] - 1 and box["x"] + box["width"] <= row["x"] + row["width"] + 1, (
            f"{address}: the current tab is scrolled out of sight"
        )
        fits_the_screen(page, address)

    page.goto(f"/projects/{people['partner'].project.slug}/dashboard")
    fits_the_screen(page, "the dashboard")
    for name in ("Country of the event", "Result presented", "Kind of event"):
        select = page.get_by_label(name, exact=True)
        box = select.bounding_box()
        assert box and box["width"] >= 300, f"the {name} select is {box} wide"
        longest = select.evaluate("e => [...e.options].sort((a, b) => b.text.length - a.text.length)[0].value")
        select.select_option(longest)
        assert not page.evaluate(CLIPPED), f"the longest choice of {name} is cut off"

    admin = make_user(Role.ADMIN, name="Administrator with a rather long name")
    services.register(
        event,
        RegistrationInput(
            name="Somebody with a long address",
            email="somebody.with.a.very.long.address.that.does.not.break@subdomain.of-a-long-domain.example.org",
            mode=AttendanceMode.ONLINE,
            privacy_acknowledged=True,
        ),
    )
    db.session.commit()
    page.context.clear_cookies()
    log_in(page, admin)
    page.goto("/admin/mail/")
    fits_the_screen(page, "the admin's mail outbox")
    region = page.get_by_role("region", name="Messages, newest first")
    assert region.evaluate("e => e.scrollWidth > e.clientWidth"), "the wide table scrolls inside its region"
    assert region.get_attribute("tabindex") == "0", "the keyboard can reach and scroll it"


def test_the_check_in_page_fits_a_phone(phone, people) -> None:  # type: ignore[no-untyped-def]
    page = phone
    event = people["event"]
    event.starts_at -= timedelta(days=30)  # today, so that the check-in buttons are live
    event.ends_at -= timedelta(days=30)
    db.session.commit()
    log_in(page, people["organiser"])
    page.goto(f"/manage/events/{event.id}/attendance")
    fits_the_screen(page, "the check-in page")
