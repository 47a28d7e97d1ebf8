"""After the seminar, in a real browser and with real mail: the organiser checks an
attendee in on the Attendance tab, the event ends, the job runner sends the feedback
request to the loopback SMTP server, the attendee answers through the link in that mail,
and the organiser reads the result on the Feedback tab."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from sqlalchemy import update

from seminar_app.db_types import utcnow
from seminar_app.enums import AttendanceMode, Role
from seminar_app.events.models import Event
from seminar_app.extensions import db
from seminar_app.registration import services
from seminar_app.registration.services import RegistrationInput
from seminar_app.timefmt import to_local

pytestmark = pytest.mark.browser


def _mail_text(message) -> str:  # type: ignore[no-untyped-def]
    return message.get_body(preferencelist=("plain",)).get_content()


def test_check_in_then_feedback_request_answer_and_result(  # type: ignore[no-untyped-def]
    page, app, smtp, make_partner, make_user, make_event
) -> None:
    from playwright.sync_api import expect

    partner = make_partner(name="Centro de Prevenção Lisboa")
    partner.project.feedback_min_answers = 1
    db.session.commit()
    organiser = make_user(Role.ORGANISER, partners=[partner])
    running_since = to_local(utcnow() - timedelta(hours=1), partner.timezone).replace(
        minute=0, second=0, microsecond=0, tzinfo=None
    )
    event = make_event(
        partner, title="Seminário nacional de mentoria", starts_local=running_since, hours=3, language="en"
    )
    ana, _joao = (
        services.register(
            event,
            RegistrationInput(
                name=name, email=email, mode=AttendanceMode.ONSITE, organisation="DGRSP", privacy_acknowledged=True
            ),
        ).registration
        for name, email in (("Ana Sousa", "ana@dgrsp.example"), ("João Martins", "joao@pj.example"))
    )

    page.goto("/login")
    page.get_by_label("E-mail", exact=True).fill(organiser.email)
    page.get_by_label("Password", exact=True).fill("correct horse battery staple")
    page.get_by_role("button", name="Log in").click()
    page.goto(f"/manage/events/{event.id}")
    page.get_by_role("link", name="Attendance", exact=True).click()
    expect(page.locator("#day-counts")).to_contain_text("0 present, 2 confirmed")
    page.get_by_label("Find by name or organisation").fill("sousa")
    page.get_by_role("button", name="Search").click()
    expect(page.locator(f"#registration-{ana.id}")).to_be_visible()
    expect(page.locator(f"#registration-{_joao.id}")).to_have_count(0)
    page.get_by_role("button", name="Check in Ana Sousa").click()
    expect(page.locator("#day-counts")).to_contain_text("1 present, 2 confirmed")
    expect(page.get_by_text(re.compile(r"Checked in at"))).to_be_visible()

    # The event ends: it is moved into the past, as the clock would.
    db.session.execute(
        update(Event)
        .where(Event.id == event.id)
        .values(starts_at=event.starts_at - timedelta(hours=3), ends_at=event.ends_at - timedelta(hours=3))
    )
    db.session.commit()
    before = len(smtp.messages)
    result = app.test_cli_runner().invoke(args=["jobs", "run"])
    assert result.exit_code == 0, result.output
    assert smtp.wait_for(before + 1)
    requests = [m for m in smtp.messages[before:] if "feedback" in _mail_text(m).lower()]
    assert [str(m["To"]) for m in requests] == ["Ana Sousa <ana@dgrsp.example>"], "only the attendee is asked"
    link = re.search(r"https?://\S+/feedback/\S+", _mail_text(requests[0]))
    assert link, _mail_text(requests[0])
    feedback_path = urlsplit(link.group(0)).path

    page.context.clear_cookies()
    page.goto(feedback_path)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Seminário nacional de mentoria")
    page.get_by_role("button", name="Send my answers").click()
    expect(page.locator("#error-summary")).to_contain_text("Overall, how satisfied are you with the event?")
    page.get_by_role("group", name="Overall, how satisfied are you with the event?").get_by_label(
        "4", exact=True
    ).check()
    page.get_by_role("group", name="How relevant was the event to your work?").get_by_label(re.compile(r"^5")).check()
    page.get_by_label("Any other comments or suggestions?").fill("Mais casos práticos, por favor.")
    page.get_by_role("button", name="Send my answers").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you!")
    page.goto(feedback_path)
    expect(page.get_by_role("status")).to_contain_text("already been used")

    page.goto("/login")
    page.get_by_label("E-mail", exact=True).fill(organiser.email)
    page.get_by_label("Password", exact=True).fill("correct horse battery staple")
    page.get_by_role("button", name="Log in").click()
    page.goto(f"/manage/events/{event.id}")
    page.get_by_role("link", name="Feedback", exact=True).click()
    numbers = page.get_by_role("table").first
    expect(numbers.get_by_role("row", name=re.compile("^Answers"))).to_contain_text("1")
    expect(numbers.get_by_role("row", name=re.compile("^Response rate"))).to_contain_text("100")
    expect(page.get_by_text("Mais casos práticos, por favor.")).to_be_visible()
