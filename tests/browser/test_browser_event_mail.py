"""In a real browser: the organiser sends the feedback request from the Feedback tab once
the event is over and finds it on the Mail tab, whose mail view keeps the lines of the
plain text (as the admin's outbox view does)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from seminar_app.db_types import utcnow
from seminar_app.enums import AttendanceMode, Role
from seminar_app.extensions import db
from seminar_app.mail.services import queue_mail
from seminar_app.registration import services
from seminar_app.registration.services import RegistrationInput

pytestmark = pytest.mark.browser


def _log_in(page, user) -> None:  # type: ignore[no-untyped-def]
    page.goto("/login")
    page.get_by_label("E-mail", exact=True).fill(user.email)
    page.get_by_label("Password", exact=True).fill("correct horse battery staple")
    page.get_by_role("button", name="Log in").click()


def _line_height_count(page) -> float:  # type: ignore[no-untyped-def]
    return page.locator("#text-body").evaluate(
        "el => el.getBoundingClientRect().height / parseFloat(getComputedStyle(el).lineHeight || '20')"
    )


def test_send_the_feedback_request_now_and_read_it_on_the_mail_tab(  # type: ignore[no-untyped-def]
    page, app, make_partner, make_user, make_event
) -> None:
    from playwright.sync_api import expect

    partner = make_partner()
    organiser = make_user(Role.ORGANISER, partners=[partner])
    event = make_event(partner, title="Mentoring in probation", days_ahead=3, language="en")
    for name in ("Ana Sousa", "Eve Brown"):
        services.register(
            event,
            RegistrationInput(
                name=name,
                email=name.split()[0].lower() + "@probation.example",
                mode=AttendanceMode.ONSITE,
                language="en",
                privacy_acknowledged=True,
            ),
        )
    shift = event.ends_at - utcnow() + timedelta(hours=1)
    event.starts_at -= shift
    event.ends_at -= shift
    db.session.commit()

    _log_in(page, organiser)
    page.goto(f"/manage/events/{event.id}")
    page.get_by_role("link", name="Feedback", exact=True).click()
    page.get_by_role("link", name="Feedback request", exact=True).click()
    expect(page.locator("#request-who")).to_contain_text("2 people")
    expect(page.locator("#preview-subject")).to_contain_text("Your feedback, please – Mentoring in probation")

    page.get_by_role("button", name="Send to 2 people now").click()
    expect(page.locator("#confirm-error")).to_contain_text("Tick the box")
    page.get_by_label("Yes, send the feedback request now to the people listed above").check()
    page.get_by_role("button", name="Send to 2 people now").click()
    expect(page.get_by_text("The feedback request is on its way to 2 people.")).to_be_visible()
    expect(page.locator("#send-done")).to_be_visible()

    page.get_by_role("link", name="Mail", exact=True).click()
    expect(page.locator("#mail-kind-feedback_request")).to_contain_text("2")
    page.get_by_role("link", name="Your feedback, please – Mentoring in probation").first.click()
    text = page.locator("#text-body")
    expect(text).to_have_css("white-space", "pre-wrap")  # waits for the stylesheet, as a reader does
    expect(text).to_contain_text("[private link, not shown]")
    assert _line_height_count(page) > 8, "the plain text keeps its lines"


def test_the_admin_mail_view_keeps_the_lines_of_the_plain_text(page, app, make_user) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    admin = make_user(Role.ADMIN)
    message = queue_mail(
        kind="registration_confirmed",
        to_address="ana@example.org",
        subject="Registration confirmed",
        body_text="Hello Ana,\n\nYour place is confirmed.\n\nSee you there.\n\n--\nThe organisers",
    )
    db.session.commit()

    _log_in(page, admin)
    page.goto(f"/admin/mail/{message.id}")
    text = page.locator("#text-body")
    expect(text).to_have_css("white-space", "pre-wrap")  # waits for the stylesheet, as a reader does
    assert text.inner_text().splitlines()[:3] == ["Hello Ana,", "", "Your place is confirmed."]
    assert _line_height_count(page) > 6
