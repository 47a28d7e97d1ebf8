"""The Feedback tab's request page: when the request goes, to how many, what it says,
and sending it now (once the event is over, never twice to the same person)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from seminar_app.attendance import services as attendance_services
from seminar_app.db_types import utcnow
from seminar_app.enums import AttendanceMode, EventStatus, Role
from seminar_app.errors import Conflict
from seminar_app.events.models import Event
from seminar_app.extensions import db
from seminar_app.feedback.requests import FeedbackNotDue, feedback_request_plan, send_feedback_requests_now
from seminar_app.jobs import services as jobs
from seminar_app.jobs.services import run_due_jobs
from seminar_app.mail.models import OutboxMessage
from tests.test_jobs import register


def requests_sent() -> list[OutboxMessage]:
    return list(
        db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.kind == "feedback_request").order_by(OutboxMessage.id)
        )
    )


def move_to_past(event: Event, hours_ago: int = 1) -> Event:
    """The event as if it had ended `hours_ago` hours ago (registrations are closed by then)."""
    shift = event.ends_at - utcnow() + timedelta(hours=hours_ago)
    event.starts_at -= shift
    event.ends_at -= shift
    db.session.commit()
    return event


@pytest.fixture
def partner(make_partner):  # type: ignore[no-untyped-def]
    return make_partner()


@pytest.fixture
def event(make_event, partner) -> Event:  # type: ignore[no-untyped-def]
    return make_event(partner, days_ahead=3, language="en", title="Mentoring in probation")


@pytest.fixture
def people(event):  # type: ignore[no-untyped-def]
    return [
        register(event, "Ana Sousa", AttendanceMode.ONSITE, language="pt"),
        register(event, "Joao Martins", AttendanceMode.ONLINE, language="pt"),
        register(event, "Eve Brown", AttendanceMode.ONSITE, language="en"),
    ]


@pytest.fixture
def organiser(make_user, partner):  # type: ignore[no-untyped-def]
    return make_user(Role.ORGANISER, partners=[partner])


def page(client, event) -> str:  # type: ignore[no-untyped-def]
    response = client.get(f"/manage/events/{event.id}/feedback/request")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def send(client, event, **data):  # type: ignore[no-untyped-def]
    return client.post(f"/manage/events/{event.id}/feedback/request/send", data=data, follow_redirects=True)


# --- the page ------------------------------------------------------------------------------------


def test_before_the_event_the_page_says_when_and_to_how_many_and_shows_the_mail(
    client, login, organiser, event, people
) -> None:
    login(organiser)
    html = page(client, event)

    when = html.split('id="request-when">', 1)[1].split("</p>", 1)[0]
    assert "goes automatically when the event ends" in when
    local_end = event.ends_at.astimezone(event.tz)
    assert f"{local_end:%-H:%M}" in when and "Europe/Lisbon, UTC+" in when
    assert "3 people: attendance is not recorded" in html
    assert "You can send it yourself once the event is over." in html
    assert "/feedback/request/send" not in html

    # The preview, in the language most recipients read (Portuguese), greeting the first of them.
    assert 'id="preview-subject"><strong>Subject:</strong> A sua opinião, por favor – Mentoring in probation' in html
    text = html.split('id="text-body">', 1)[1].split("</pre>", 1)[0]
    assert "Ana Sousa" in text.splitlines()[0], "greets the first Portuguese recipient"
    assert requests_sent() == [], "a preview sends nothing"

    english = client.get(f"/manage/events/{event.id}/feedback/request?lang=en").get_data(as_text=True)
    assert "Your feedback, please – Mentoring in probation" in english
    assert "Hello Eve Brown," in english.split('id="text-body">', 1)[1]


def test_the_number_on_the_page_is_the_number_the_runner_sends(client, login, organiser, event, people) -> None:
    ana, _joao, eve = people
    move_to_past(event)
    attendance_services.check_in(ana, event.local_days[0])
    attendance_services.check_in(eve, event.local_days[0])
    login(organiser)

    html = page(client, event)
    assert "2 people: those marked as attended, with an e-mail address." in html
    assert "the request goes automatically within minutes, or now with the button below" in html

    run_due_jobs()
    assert len(requests_sent()) == 2
    html = page(client, event)
    assert "Sent on" in html and "to 2 people." in html
    assert "Everyone it is for has been sent it. Nobody gets it twice." in html


def test_a_manager_without_a_grant_sees_no_name_and_cannot_send(client, login, make_user, event, people) -> None:
    login(make_user(Role.MANAGER, projects=[event.partner.project]))
    move_to_past(event)

    html = page(client, event)
    assert "Ana Sousa" not in html and "Eve Brown" not in html
    assert "Name of the recipient" in html
    assert "/feedback/request/send" not in html
    assert client.post(f"/manage/events/{event.id}/feedback/request/send", data={"confirm": "y"}).status_code == 403
    assert requests_sent() == []


# --- sending now ---------------------------------------------------------------------------------


def test_the_organiser_sends_it_now_once_the_event_is_over_and_only_once(
    client, login, organiser, event, people
) -> None:
    login(organiser)
    move_to_past(event)
    html = page(client, event)
    assert "Send to 3 people now" in html

    refused = send(client, event)
    assert refused.status_code == 422
    assert "Tick the box to confirm that the request should go now." in refused.get_data(as_text=True)
    assert requests_sent() == []

    done = send(client, event, confirm="y").get_data(as_text=True)
    assert "The feedback request is on its way to 3 people." in done
    assert sorted(m.to_address for m in requests_sent()) == [
        "ana.sousa@probation.example",
        "eve.brown@probation.example",
        "joao.martins@probation.example",
    ]

    again = send(client, event, confirm="y").get_data(as_text=True)
    assert "nobody is left to ask" in again
    run_due_jobs()
    assert len(requests_sent()) == 3, "the scheduled job sends nothing more"


def test_a_second_send_goes_only_to_those_not_asked_yet(event, people) -> None:
    ana, joao, eve = people
    move_to_past(event)
    attendance_services.check_in(ana, event.local_days[0])
    assert send_feedback_requests_now(event) == 1

    attendance_services.check_in(eve, event.local_days[0])
    plan = feedback_request_plan(event)
    assert [r.name for r in plan.not_asked] == ["Eve Brown"]
    assert send_feedback_requests_now(event) == 1
    assert [m.to_address for m in requests_sent()] == ["ana.sousa@probation.example", "eve.brown@probation.example"]
    assert joao.id not in jobs.asked_for_feedback(event)


def test_not_before_the_end_and_not_for_an_event_that_did_not_take_place(
    client, login, organiser, event, people
) -> None:
    with pytest.raises(FeedbackNotDue, match="once the event is over"):
        send_feedback_requests_now(event)

    login(organiser)
    refused = send(client, event, confirm="y").get_data(as_text=True)
    assert "The feedback request can be sent once the event is over, not before." in refused
    assert requests_sent() == []

    move_to_past(event)
    event.status = EventStatus.CANCELLED
    db.session.commit()
    with pytest.raises(FeedbackNotDue, match="did not take place"):
        send_feedback_requests_now(event)
    assert "No feedback request is sent for this event" in page(client, event)


def test_nobody_to_ask_is_said_plainly(make_event, partner) -> None:
    lonely = move_to_past(make_event(partner, days_ahead=3, language="en"))
    with pytest.raises(Conflict, match="Nobody can be asked"):
        send_feedback_requests_now(lonely)


@pytest.mark.parametrize("method, suffix", [("GET", ""), ("POST", "/send")])
def test_another_partners_organiser_gets_404(
    client, login, make_user, make_partner, event, people, method, suffix
) -> None:
    move_to_past(event)
    login(make_user(Role.ORGANISER, partners=[make_partner()]))
    response = client.open(f"/manage/events/{event.id}/feedback/request{suffix}", method=method, data={"confirm": "y"})
    assert response.status_code == 404
    assert requests_sent() == []
