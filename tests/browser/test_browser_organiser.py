"""An organiser creates a hybrid seminar with a three-item agenda in a real browser,
publishes it, and the public finds it with the right local times.

The browser runs in America/New_York on purpose: the seminar is in Bucharest, and
every time shown must be Bucharest time with the zone named, whatever the reader's clock.
"""

from __future__ import annotations

import re
from datetime import date

import pytest

from seminar_app.enums import Role

pytestmark = pytest.mark.browser

YEAR = date.today().year + 1
DAY = f"{YEAR}-06-15"


def test_organiser_creates_publishes_and_public_sees_local_times(page, make_partner, make_user) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    partner = make_partner(
        country="RO", city="București", timezone="Europe/Bucharest", default_language="ro", name="Asociația Deschis"
    )
    organiser = make_user(Role.ORGANISER, partners=[partner])

    page.goto("/login")
    page.get_by_label("E-mail", exact=True).fill(organiser.email)
    page.get_by_label("Password", exact=True).fill("correct horse battery staple")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("My events")

    page.goto("/manage/events/new")
    page.get_by_label("Title", exact=True).fill("Seminar național despre mentorat")
    page.get_by_label("Format", exact=True).select_option("hybrid")
    expect(page.get_by_label("Time zone", exact=True)).to_have_value("Europe/Bucharest")
    page.get_by_label("Start (local time in the chosen time zone)", exact=True).fill(f"{DAY}T10:00")
    page.get_by_label("End (local time in the chosen time zone)", exact=True).fill(f"{DAY}T13:00")
    page.get_by_label("Venue name", exact=True).fill("Biblioteca Națională")
    page.get_by_label("City", exact=True).fill("București")
    page.get_by_label("Online platform", exact=True).fill("Zoom")
    page.get_by_label("Joining link", exact=True).fill("https://zoom.example/j/98765")
    page.get_by_role("button", name="Create draft").click()
    expect(page.locator(".alert-success")).to_contain_text("created")

    page.get_by_role("link", name="Agenda").click()
    for title, start, end in [
        ("Welcome", "10:00", "10:15"),
        ("The Mentoring Model", "10:15", "11:30"),
        ("Panel with probation officers", "11:30", "13:00"),
    ]:
        page.get_by_role("link", name="Add an agenda item").click()
        page.get_by_label("Title", exact=True).fill(title)
        page.get_by_label("Start (local time of the event)", exact=True).fill(f"{DAY}T{start}")
        page.get_by_label("End (local time of the event)", exact=True).fill(f"{DAY}T{end}")
        page.get_by_role("button", name="Save").click()
        expect(page.get_by_text(title).first).to_be_visible()

    page.get_by_role("link", name="Details").click()
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_role("heading", name=re.compile("Status: Published"))).to_be_visible()

    page.get_by_role("button", name="Log out").click()
    page.goto("/")
    page.get_by_role("link", name="Seminar național despre mentorat").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Seminar național despre mentorat")

    body = page.locator("main").inner_text()
    assert "Europe/Bucharest" in body
    assert "10:00" in body and "13:00" in body
    # New York time of the same instant must not appear as the event's time.
    assert re.search(r"(?<![+-])03:00", body) is None
    agenda = page.locator("#agenda-heading").locator("xpath=..")
    for title, start in [
        ("Welcome", "10:00"),
        ("The Mentoring Model", "10:15"),
        ("Panel with probation officers", "11:30"),
    ]:
        expect(agenda).to_contain_text(title)
        expect(agenda).to_contain_text(start)
    assert "zoom.example/j/98765" not in page.content(), "the joining link is for registrants only"
