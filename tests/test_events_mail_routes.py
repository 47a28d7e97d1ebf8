"""The event workspace's Mail tab: what the event sent, for those who run it; addresses and
bodies only for those who may see the partner's personal data; never the private links."""

from __future__ import annotations

import pytest

from seminar_app.enums import AttendanceMode, OutboxStatus, Role
from seminar_app.extensions import db
from seminar_app.mail.services import queue_mail
from seminar_app.privacy.models import PersonalDataGrant
from seminar_app.registration.services import private_token
from tests.test_jobs import register
from tests.test_registration_services import mails


@pytest.fixture
def partner(make_partner):  # type: ignore[no-untyped-def]
    return make_partner()


@pytest.fixture
def event(make_event, partner):  # type: ignore[no-untyped-def]
    return make_event(partner, language="en", title="Mentoring in probation")


@pytest.fixture
def ana(event):  # type: ignore[no-untyped-def]
    return register(event, "Ana Sousa", AttendanceMode.ONLINE)


@pytest.fixture
def organiser(make_user, partner):  # type: ignore[no-untyped-def]
    return make_user(Role.ORGANISER, partners=[partner])


def test_the_organiser_sees_every_mail_of_the_event_with_recipient_kind_status_and_time(
    client, login, organiser, event, ana, make_event, partner
) -> None:
    other = make_event(partner, language="en", title="Another seminar")
    register(other, "Someone Else")
    (confirmation,) = mails("registration_confirmed")[:1]
    confirmation.status = OutboxStatus.SENT
    db.session.commit()
    login(organiser)

    html = client.get(f"/manage/events/{event.id}/mails").get_data(as_text=True)

    row = html.split(f'id="mail-{confirmation.id}"', 1)[1].split("</tr>", 1)[0]
    assert "Ana Sousa &lt;ana.sousa@probation.example&gt;" in row
    assert "Registration confirmed – Mentoring in probation" in row
    assert "Registration confirmed" in row and "Sent" in row
    assert "someone.else@" not in html and "Another seminar" not in html.split('id="mail-list"', 1)[1]
    assert "1 message" in html
    counts = html.split('id="mail-kind-registration_confirmed"', 1)[1].split("</tr>", 1)[0]
    assert ">1<" in counts
    assert f'href="/manage/events/{event.id}/mails"' in html, "the workspace has a Mail tab"


def test_one_mail_shows_text_and_html_without_the_private_links(client, login, organiser, event, ana) -> None:
    (confirmation,) = mails("registration_confirmed")
    token = private_token(ana)
    assert token in confirmation.body_text and token in confirmation.body_html
    login(organiser)

    response = client.get(f"/manage/events/{event.id}/mails/{confirmation.id}")
    html = response.get_data(as_text=True)

    assert response.status_code == 200
    assert token not in html
    assert "[private link, not shown]" in html
    text = html.split('id="text-body">', 1)[1].split("</pre>", 1)[0]
    assert text.startswith("Hello Ana Sousa,\n\nThank you for registering.\n")
    assert "Join online: https://zoom.example/j/123456" in text, "other links stay"
    assert "<iframe sandbox srcdoc=" in html
    assert "ana.sousa@probation.example" in html.split('id="mail-to">', 1)[1].split("</dd>", 1)[0]


def test_a_manager_without_a_grant_sees_counts_and_subjects_only(client, login, make_user, event, ana) -> None:
    manager = make_user(Role.MANAGER, projects=[event.partner.project])
    (confirmation,) = mails("registration_confirmed")
    login(manager)

    html = client.get(f"/manage/events/{event.id}/mails").get_data(as_text=True)
    assert "ana.sousa@" not in html and "Ana Sousa" not in html
    assert "Registration confirmed – Mentoring in probation" in html
    assert 'id="mail-counts-only"' in html
    assert f"/mails/{confirmation.id}" not in html
    assert client.get(f"/manage/events/{event.id}/mails/{confirmation.id}").status_code == 403


def test_a_manager_with_a_grant_sees_the_recipients(client, login, make_user, organiser, event, ana) -> None:
    manager = make_user(Role.MANAGER, projects=[event.partner.project])
    db.session.add(PersonalDataGrant(partner=event.partner, manager=manager, granted_by=organiser))
    db.session.commit()
    (confirmation,) = mails("registration_confirmed")
    login(manager)

    assert "ana.sousa@probation.example" in client.get(f"/manage/events/{event.id}/mails").get_data(as_text=True)
    assert client.get(f"/manage/events/{event.id}/mails/{confirmation.id}").status_code == 200


def test_another_partners_organiser_and_another_events_mail_get_404(
    client, login, make_user, make_partner, make_event, organiser, event, ana
) -> None:
    (confirmation,) = mails("registration_confirmed")
    outsider = make_user(Role.ORGANISER, partners=[make_partner(event.partner.project)])
    login(outsider)
    assert client.get(f"/manage/events/{event.id}/mails").status_code == 404
    assert client.get(f"/manage/events/{event.id}/mails/{confirmation.id}").status_code == 404

    own_event = make_event(outsider.partners[0])
    response = client.get(f"/manage/events/{own_event.id}/mails/{confirmation.id}")
    assert response.status_code == 404, "a mail is only found under its own event"


def test_a_mail_without_event_or_of_another_event_is_not_found(client, login, organiser, event) -> None:
    stray = queue_mail(kind="other", to_address="x@example.org", subject="Stray", body_text="Hello")
    db.session.commit()
    login(organiser)
    assert client.get(f"/manage/events/{event.id}/mails/{stray.id}").status_code == 404
    assert "Stray" not in client.get(f"/manage/events/{event.id}/mails").get_data(as_text=True)
