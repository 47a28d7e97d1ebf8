"""A person registers for a hybrid seminar in a real browser, follows the private link from
the confirmation received by a real SMTP server on loopback, switches to online, cancels,
and the people waiting get the seats (and a mail saying so).

Seats: on site 1, online 2. Olga already has an online seat before the test starts.
"""

from __future__ import annotations

import re
import time
from email.message import EmailMessage

import pytest

from seminar_app.enums import AttendanceMode
from seminar_app.mail.sender import deliver_due
from seminar_app.registration import services
from seminar_app.registration.services import RegistrationInput

pytestmark = pytest.mark.browser

PRIVATE_LINK = re.compile(r"https?://\S+/r/[A-Za-z0-9_-]+")


def someone(name: str, mode: AttendanceMode) -> RegistrationInput:
    email = f"{name.lower()}@example.org"
    return RegistrationInput(name=name, email=email, mode=mode, privacy_acknowledged=True)


def received_by(smtp, address: str, count: int) -> list[EmailMessage]:  # type: ignore[no-untyped-def]
    """The first `count` messages the SMTP server received for `address`. The live server
    delivers a request's mail after its response; mail queued by this test is delivered here."""
    deliver_due()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        messages = [m for m in smtp.messages if address in str(m["To"])]
        if len(messages) >= count:
            return messages[:count]
        time.sleep(0.05)
    raise AssertionError(f"{address} received {len(messages)} message(s), not {count}")


def private_link_in(message: EmailMessage) -> str:
    body = message.get_body(preferencelist=("plain",)).get_content()
    match = PRIVATE_LINK.search(body)
    assert match, body
    return match.group(0)


def test_register_follow_the_link_switch_mode_cancel_and_the_waiting_get_seats(  # type: ignore[no-untyped-def]
    page, live_server, app, smtp, make_event, monkeypatch
) -> None:
    from playwright.sync_api import expect

    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", live_server)
    event = make_event(title="Seminário nacional sobre mentoria", capacity_onsite=1, capacity_online=2)
    services.register(event, someone("Olga", AttendanceMode.ONLINE))

    page.goto(f"/events/{event.slug}")
    expect(page.locator(".registration-status")).to_contain_text("On site: 1 seat left")
    page.get_by_role("link", name="Register", exact=True).click()
    page.get_by_label("Name", exact=True).fill("Ana Silva")
    page.get_by_label("E-mail", exact=True).fill("ana@probation.example")
    page.get_by_label("Organisation", exact=True).fill("Direção-Geral de Reinserção")
    page.get_by_label("City of the organisation").fill("Lisboa")
    page.get_by_label("Country of the organisation").select_option("PT")
    page.get_by_label("Function or role").fill("Probation officer")
    page.get_by_label("Which group do you belong to?").select_option("prison_probation")
    page.get_by_role("radio", name=re.compile(r"^On site – 1 seat left")).check()
    page.locator("summary", has_text="Read the privacy notice").click()
    expect(page.get_by_text("We process your data to run the seminar.")).to_be_visible()
    page.get_by_label("I have read the privacy notice").check()
    page.get_by_role("button", name="Register").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your inbox")

    # The on-site seat is taken: the next person waits for it.
    wanda = services.register(event, someone("Wanda", AttendanceMode.ONSITE)).registration
    assert services.waitlist_position(wanda) == 1

    # Ana registered on English pages: her mail is in English too (the event has no English version,
    # so its title stays Portuguese). People registered without a page get the event's language.
    [confirmation] = received_by(smtp, "ana@probation.example", 1)
    assert confirmation["Subject"] == "Registration confirmed – Seminário nacional sobre mentoria"
    page.goto(private_link_in(confirmation))
    expect(page.get_by_role("heading", level=1)).to_have_text("My registration")
    expect(page.locator(".registration-state")).to_have_text("Confirmed")
    expect(page.get_by_text("Auditório Municipal")).to_be_visible()

    page.get_by_role("button", name="Attend online instead").click()
    expect(page.get_by_text("You will now attend online.")).to_be_visible()
    expect(page.locator(".joining-link")).to_have_text("https://zoom.example/j/123456")

    # Ana's on-site seat went to Wanda; online is now full, so Xavier waits.
    xavier = services.register(event, someone("Xavier", AttendanceMode.ONLINE)).registration
    assert services.waitlist_position(xavier) == 1

    page.get_by_role("link", name="Cancel my registration").click()
    page.get_by_role("button", name="Yes, cancel my registration").click()
    expect(page.get_by_text("Your registration is cancelled.")).to_be_visible()
    expect(page.locator(".registration-state")).to_have_text("Cancelled")
    expect(page.locator(".joining-link")).to_have_count(0)

    for address, where in (("wanda@example.org", "Auditório Municipal"), ("xavier@example.org", "zoom.example")):
        # Mail is delivered as it is committed, by whichever sender gets there first: order by subject, not arrival.
        subjects = {m["Subject"].split(" – ")[0]: m for m in received_by(smtp, address, 2)}
        assert set(subjects) == {"Está na lista de espera", "Há um lugar livre para si"}
        page.goto(private_link_in(subjects["Há um lugar livre para si"]))
        expect(page.locator(".registration-state")).to_have_text("Confirmed")
        expect(page.get_by_text(where).first).to_be_visible()


def test_a_refused_form_lists_every_error_and_takes_the_focus_there(page, make_event) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    event = make_event(title="Seminário nacional sobre mentoria")
    page.goto(f"/events/{event.slug}/register")
    page.get_by_label("E-mail", exact=True).fill("not-an-address")
    page.get_by_role("button", name="Register").click()

    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(page).to_have_title(re.compile(r"^Error: Register · "))
    expect(summary.get_by_role("link")).to_have_count(4)  # name, e-mail, mode, privacy: one round
    privacy = page.get_by_label("I have read the privacy notice")
    expect(privacy).to_have_attribute("aria-invalid", "true")
    expect(privacy).to_have_attribute("aria-describedby", "privacy_acknowledged-error")
    expect(page.get_by_label("E-mail", exact=True)).to_have_value("not-an-address")

    summary.get_by_role("link", name=re.compile("privacy notice")).click()
    expect(privacy).to_be_focused()
