"""The public .ics download, the subscribable feeds and the "Add to calendar" menu."""

from __future__ import annotations

import html
import re
import time
from datetime import datetime
from urllib.parse import parse_qs, urlsplit

import icalendar
import pytest

from seminar_app.enums import EventKind, EventStatus
from seminar_app.events import services as event_services
from seminar_app.extensions import db


def _summaries(body: bytes) -> set[str]:
    return {str(v["SUMMARY"]) for v in icalendar.Calendar.from_ical(body).walk("VEVENT")}


def _statuses(body: bytes) -> dict[str, str]:
    return {str(v["SUMMARY"]): str(v["STATUS"]) for v in icalendar.Calendar.from_ical(body).walk("VEVENT")}


def _block(page: str, start: str, end: str) -> str:
    """The HTML from the element whose opening tag matches `start` up to the next `end`."""
    match = re.search(start + r".*?" + end, page, re.S)
    assert match is not None, f"no {start!r} in the page"
    return match.group(0)


def _links(fragment: str) -> list[tuple[str, dict[str, str]]]:
    """(text, attributes) of every link in an HTML fragment."""
    found = []
    for attrs, text in re.findall(r"<a\s([^>]*)>(.*?)</a>", fragment, re.S):
        values = {k: html.unescape(v) for k, v in re.findall(r'([\w-]+)="([^"]*)"', attrs)}
        found.append((html.unescape(re.sub(r"<[^>]+>", "", text)).strip(), values))
    return found


def test_download_is_a_publish_calendar_attachment(client, make_event) -> None:
    event = make_event(title="Seminar in Lisbon")
    response = client.get(f"/events/{event.slug}/calendar.ics")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert response.headers["Content-Disposition"] == f'attachment; filename="{event.slug}.ics"'
    calendar = icalendar.Calendar.from_ical(response.data)
    assert calendar["METHOD"] == "PUBLISH"
    assert _summaries(response.data) == {"Seminar in Lisbon"}
    assert b"ATTENDEE" not in response.data
    assert b"zoom.example/j/123456" not in response.data.replace(b"\r\n ", b"")


def test_download_of_a_draft_or_unknown_event_is_404(client, make_event) -> None:
    draft = make_event(status=EventStatus.DRAFT)
    assert client.get(f"/events/{draft.slug}/calendar.ics").status_code == 404
    assert client.get("/events/no-such-event/calendar.ics").status_code == 404


@pytest.fixture
def two_projects(make_project, make_partner, make_event):  # type: ignore[no-untyped-def]
    """Project A with a Portuguese and a Romanian partner, project B with a Portuguese one."""
    project_a, project_b = make_project(acronym="PRISM", slug="prism"), make_project(acronym="OTHER", slug="other")
    pt = make_partner(project_a, country="PT", timezone="Europe/Lisbon", default_language="pt")
    ro = make_partner(project_a, country="RO", city="Iași", timezone="Europe/Bucharest", default_language="ro")
    other_pt = make_partner(project_b, country="PT", timezone="Europe/Lisbon", default_language="pt")
    make_event(pt, title="A PT published")
    make_event(pt, title="A PT past delivered", status=EventStatus.DELIVERED, days_ahead=-40)
    make_event(pt, title="A PT cancelled", status=EventStatus.CANCELLED)
    make_event(pt, title="A PT postponed", status=EventStatus.POSTPONED)
    make_event(pt, title="A PT draft", status=EventStatus.DRAFT)
    make_event(ro, title="A RO published")
    make_event(ro, title="A RO in English", language="en", kind=EventKind.WORKSHOP)
    make_event(ro, title="A RO draft in English", status=EventStatus.DRAFT, language="en")
    make_event(other_pt, title="B PT published")
    make_event(other_pt, title="B PT draft", status=EventStatus.DRAFT)
    return {"a": project_a, "b": project_b, "pt": pt, "ro": ro, "other_pt": other_pt}


def test_project_feed_holds_only_that_projects_public_events(client, two_projects) -> None:
    response = client.get("/feeds/projects/prism.ics")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert "Content-Disposition" not in response.headers
    assert _summaries(response.data) == {
        "A PT published",
        "A PT past delivered",
        "A PT cancelled",
        "A PT postponed",
        "A RO published",
        "A RO in English",
    }
    statuses = _statuses(response.data)
    assert statuses["A PT cancelled"] == "CANCELLED"
    assert statuses["A PT postponed"] == "TENTATIVE"
    assert statuses["A PT published"] == "CONFIRMED"
    calendar = icalendar.Calendar.from_ical(response.data)
    assert calendar["X-WR-CALNAME"] == "PRISM events"
    assert b"REFRESH-INTERVAL;VALUE=DURATION:PT1H" in response.data
    assert b"X-PUBLISHED-TTL:PT1H" in response.data


def test_partner_feed(client, two_projects) -> None:
    response = client.get(f"/feeds/partners/{two_projects['ro'].id}.ics")
    assert response.status_code == 200
    assert _summaries(response.data) == {"A RO published", "A RO in English"}
    assert two_projects["ro"].name in str(icalendar.Calendar.from_ical(response.data)["X-WR-CALNAME"])


def test_country_feed_crosses_projects(client, two_projects) -> None:
    response = client.get("/feeds/countries/pt.ics")
    assert response.status_code == 200
    assert _summaries(response.data) == {
        "A PT published",
        "A PT past delivered",
        "A PT cancelled",
        "A PT postponed",
        "B PT published",
    }
    assert icalendar.Calendar.from_ical(response.data)["X-WR-CALNAME"] == "Events in Portugal"


def test_language_feed(client, two_projects) -> None:
    response = client.get("/feeds/languages/en.ics")
    assert response.status_code == 200
    assert _summaries(response.data) == {"A RO in English"}
    assert icalendar.Calendar.from_ical(response.data)["X-WR-CALNAME"] == "Events in English"
    assert _summaries(client.get("/feeds/languages/ro.ics").data) == {"A RO published"}


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/feeds/projects/no-such-project.ics", 404),
        ("/feeds/partners/999999.ics", 404),
        ("/feeds/countries/zz.ics", 400),
        ("/feeds/languages/zz.ics", 400),
        ("/feeds/countries/portugal.ics", 400),
        ("/feeds/languages/p1.ics", 400),
        ("/feeds/projects/prism.ics?country=XX", 400),
        ("/feeds/projects/prism.ics?language=klingon", 400),
        ("/feeds/projects/prism.ics?kind=party", 400),
        ("/feeds/partners/999999.ics?kind=party", 404),
    ],
)
def test_unknown_feeds_are_refused(client, two_projects, url, status) -> None:  # type: ignore[no-untyped-def]
    """Unknown projects and partners are not found; unknown filter values are a 400 that says which."""
    response = client.get(url)
    assert response.status_code == status
    if status == 400:
        value = url.rsplit("=", 1)[-1] if "?" in url else url.rsplit("/", 1)[-1].removesuffix(".ics")
        assert f"“{value}” is not a known" in response.get_data(as_text=True)


def test_feed_query_filters_narrow_the_feed(client, two_projects) -> None:
    everything = _summaries(client.get("/feeds/projects/prism.ics").data)
    in_english = _summaries(client.get("/feeds/projects/prism.ics?language=en").data)
    assert in_english == {"A RO in English"}
    assert in_english < everything
    assert _summaries(client.get("/feeds/projects/prism.ics?country=ro&language=en").data) == {"A RO in English"}
    assert _summaries(client.get("/feeds/projects/prism.ics?kind=workshop").data) == {"A RO in English"}
    assert _summaries(client.get("/feeds/countries/pt.ics?kind=workshop").data) == set()


def test_feed_answers_304_until_an_event_changes(client, two_projects) -> None:
    first = client.get("/feeds/projects/prism.ics")
    etag, last_modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert etag and last_modified

    again = client.get("/feeds/projects/prism.ics", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.data == b""
    since = client.get("/feeds/projects/prism.ics", headers={"If-Modified-Since": last_modified})
    assert since.status_code == 304

    time.sleep(1.1)  # Last-Modified has a resolution of one second.
    event = next(e for e in two_projects["pt"].events if e.title == "A PT published")
    event_services.change_status(event, EventStatus.CANCELLED, note="Speaker ill")
    db.session.expire_all()

    changed = client.get("/feeds/projects/prism.ics", headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["ETag"] != etag
    assert _statuses(changed.data)["A PT published"] == "CANCELLED"
    assert client.get("/feeds/projects/prism.ics", headers={"If-Modified-Since": last_modified}).status_code == 200


def test_editing_an_event_changes_its_download_etag(client, make_event) -> None:
    event = make_event(title="Before the edit")
    etag = client.get(f"/events/{event.slug}/calendar.ics").headers["ETag"]
    assert client.get(f"/events/{event.slug}/calendar.ics", headers={"If-None-Match": etag}).status_code == 304

    data = event_services.EventInput.from_event(event)
    data.title = "After the edit"
    event_services.update_event(event, data)

    response = client.get(f"/events/{event.slug}/calendar.ics", headers={"If-None-Match": etag})
    assert response.status_code == 200
    assert response.headers["ETag"] != etag
    assert _summaries(response.data) == {"After the edit"}


def test_event_page_offers_add_to_calendar_with_utc_dates(client, make_partner, make_event) -> None:
    lisbon = make_partner(timezone="Europe/Lisbon")
    event = make_event(lisbon, starts_local=datetime(2027, 10, 30, 18), ends_local=datetime(2027, 10, 31, 12))
    page = client.get(f"/events/{event.slug}")
    assert page.status_code == 200
    menu = _block(page.get_data(as_text=True), r'<details class="add-to-calendar', r"</details>")
    assert re.search(r"<summary[^>]*>\s*Add to calendar\s*</summary>", menu)
    found = _links(menu)
    links = {text: attrs["href"] for text, attrs in found}
    assert links["Download (.ics)"] == f"/events/{event.slug}/calendar.ics"
    google = parse_qs(urlsplit(links["Google Calendar"]).query)
    assert google["dates"] == ["20271030T170000Z/20271031T120000Z"]
    assert parse_qs(urlsplit(links["Outlook.com"]).query)["startdt"] == ["2027-10-30T17:00:00Z"]
    assert urlsplit(links["Office 365"]).netloc == "outlook.office.com"
    external = [attrs for _, attrs in found if attrs.get("target") == "_blank"]
    assert len(external) == 3
    assert all(attrs["rel"] == "noopener" for attrs in external)
    assert "zoom.example/j/123456" not in page.get_data(as_text=True)
    assert client.get(links["Download (.ics)"]).status_code == 200


def test_cancelled_event_page_offers_no_add_to_calendar(client, make_event) -> None:
    event = make_event(status=EventStatus.CANCELLED)
    page = client.get(f"/events/{event.slug}")
    assert page.status_code == 200
    assert "add-to-calendar" not in page.get_data(as_text=True)


def test_project_page_lists_subscribable_feeds(client, two_projects) -> None:
    page = client.get("/projects/prism").get_data(as_text=True)
    section = _block(page, r'<section[^>]*aria-labelledby="subscribe-heading"', r"</section>")
    hrefs = [attrs["href"] for _, attrs in _links(section)]
    public_host = urlsplit(client.application.config["PUBLIC_BASE_URL"]).netloc
    assert f"webcal://{public_host}/feeds/projects/prism.ics" in hrefs
    assert f"/feeds/partners/{two_projects['ro'].id}.ics" in hrefs
    for href in hrefs:
        assert client.get(urlsplit(href).path).status_code == 200
