"""The Invitations tab: preview and confirm, progress page and its JSON, the reminder's
confirm step, and who may see and do what."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from seminar_app.accounts.models import User
from seminar_app.campaigns.models import Campaign, Invitation
from seminar_app.campaigns.selection import Criteria
from seminar_app.campaigns.services import start_campaign
from seminar_app.contacts.models import ContactList
from seminar_app.enums import EventStatus, InvitationStatus, OutboxStatus, Role
from seminar_app.events.models import Event
from seminar_app.extensions import db
from seminar_app.mail.models import OutboxMessage
from tests.test_campaigns_services import add_contacts, people


@pytest.fixture
def event(make_event) -> Event:  # type: ignore[no-untyped-def]
    return make_event(title="Mentoring in probation")


@pytest.fixture
def organiser(event: Event, make_user) -> User:  # type: ignore[no-untyped-def]
    return make_user(Role.ORGANISER, partners=[event.partner])


@pytest.fixture
def officers(event: Event) -> ContactList:
    return add_contacts(
        event.partner,
        "Probation officers",
        [{"email": "ana@x.example", "name": "Ana Sousa", "language": "en"}, *people(2, language="ro")],
    )


def url(event: Event, rest: str = "") -> str:
    return f"/manage/events/{event.id}/campaigns{rest}"


def test_the_tab_lists_campaigns_and_offers_a_new_one(login, organiser: User, event: Event, officers) -> None:  # type: ignore[no-untyped-def]
    start_campaign(event, Criteria((officers.id,)), actor=organiser)
    page = login(organiser).get(url(event)).get_data(as_text=True)
    assert "New campaign" in page and "Campaign 1" in page and 'aria-current="page">Invitations' in page


def test_campaigns_are_numbered_per_event_with_their_start_time_zone(  # type: ignore[no-untyped-def]
    login, organiser: User, event: Event, officers, make_event
) -> None:
    other = make_event(event.partner, title="Another seminar")
    start_campaign(other, Criteria((officers.id,)), actor=organiser)
    first = start_campaign(event, Criteria((officers.id,)), actor=organiser)
    client = login(organiser)

    page = client.get(url(event, f"/{first.id}")).get_data(as_text=True)

    assert "Campaign 1" in page and "Campaign 2" not in page
    assert "(Europe/Lisbon" in page, "the start time names its zone"


def test_no_new_campaign_for_a_draft_event(login, make_event, make_user) -> None:  # type: ignore[no-untyped-def]
    draft = make_event(status=EventStatus.DRAFT)
    client = login(make_user(Role.ORGANISER, partners=[draft.partner]))
    assert "New campaign" not in client.get(url(draft)).get_data(as_text=True)
    response = client.get(url(draft, "/new"))
    assert response.status_code == 302


def test_the_preview_shows_counts_left_out_and_the_mail_in_each_language(
    login, organiser: User, event: Event, officers: ContactList
) -> None:
    again = add_contacts(event.partner, "Again", [{"email": "ana@x.example"}])
    client = login(organiser)
    assert "Probation officers (3)" in client.get(url(event, "/new")).get_data(as_text=True)

    response = client.post(
        url(event, "/new"), data={"lists": [officers.id, again.id], "personal_note": "See you!", "preview": "1"}
    )

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "3 people will be invited." in page
    assert "Duplicate addresses" in page
    assert 'data-preview-language="en"' in page and 'data-preview-language="ro"' in page
    assert "See you!" in page and "Invitation: Mentoring in probation" in page
    assert "Send 3 invitations" in page and 'name="expected_count" value="3"' in page
    assert db.session.scalar(select(func.count()).select_from(Campaign)) == 0


def test_confirming_starts_the_campaign_and_sends_it_after_the_response(
    login, organiser: User, event: Event, officers: ContactList, smtp
) -> None:  # type: ignore[no-untyped-def]
    client = login(organiser)
    response = client.post(url(event, "/new"), data={"lists": [officers.id], "expected_count": "3", "send": "1"})
    response.close()  # runs the campaign, as the server does after the response

    campaign = db.session.scalars(select(Campaign)).one()
    assert response.status_code == 302 and response.headers["Location"].endswith(url(event, f"/{campaign.id}"))
    assert smtp.wait_for(3)
    page = client.get(url(event, f"/{campaign.id}")).get_data(as_text=True)
    assert '<progress class="campaign-progress" max="100" value="100"' in page
    assert "Ana Sousa" in page
    progress = client.get(url(event, f"/{campaign.id}/progress.json")).get_json()
    assert progress["invitations"]["sent"] == 3 and progress["done"] is True


def test_a_changed_selection_asks_again_with_the_new_count(
    login, organiser: User, event: Event, officers: ContactList
) -> None:
    response = login(organiser).post(
        url(event, "/new"), data={"lists": [officers.id], "expected_count": "7", "send": "1"}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "would now go to 3 people" in page and "Send 3 invitations" in page
    assert db.session.scalar(select(func.count()).select_from(Invitation)) == 0


def test_nobody_to_invite_says_so_and_saves_nothing(login, organiser: User, event: Event) -> None:
    empty = add_contacts(event.partner, "Empty", [])
    response = login(organiser).post(url(event, "/new"), data={"lists": [empty.id], "expected_count": "0", "send": "1"})
    assert "Nobody is left to invite" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Campaign)) == 0


def test_the_reminder_is_confirmed_with_its_count_and_sent_once(
    login, organiser: User, event: Event, officers: ContactList
) -> None:
    campaign = start_campaign(event, Criteria((officers.id,)), actor=organiser)
    from seminar_app.campaigns.batches import queue_all_batches

    queue_all_batches(campaign.id)
    for message in db.session.scalars(select(OutboxMessage)):
        message.status = OutboxStatus.SENT
    campaign.invitations[0].status = InvitationStatus.REGISTERED
    db.session.commit()
    client = login(organiser)

    assert "Send one reminder to the 2 people who have not answered" in client.get(
        url(event, f"/{campaign.id}")
    ).get_data(as_text=True)
    assert "Send the reminder to 2 people" in client.get(url(event, f"/{campaign.id}/reminder")).get_data(as_text=True)
    client.post(url(event, f"/{campaign.id}/reminder"), data={"expected_count": "2"}).close()

    reminders = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "invitation_reminder")).all()
    assert len(reminders) == 2
    again = client.post(url(event, f"/{campaign.id}/reminder"), data={"expected_count": "2"}, follow_redirects=True)
    assert "only one per campaign" in again.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).where(OutboxMessage.kind == "invitation_reminder")) == 2


def test_a_manager_sees_the_figures_but_no_names_and_cannot_send(
    login, make_user, organiser: User, event: Event, officers: ContactList
) -> None:
    campaign = start_campaign(event, Criteria((officers.id,)), actor=organiser)
    client = login(make_user(Role.MANAGER, projects=[event.project]))

    page = client.get(url(event, f"/{campaign.id}")).get_data(as_text=True)
    assert 'data-figure="invited">3<' in page
    assert "Ana Sousa" not in page and "ana@x.example" not in page
    assert client.get(url(event, f"/{campaign.id}/progress.json")).status_code == 200
    assert "New campaign" not in client.get(url(event)).get_data(as_text=True)
    assert client.get(url(event, "/new")).status_code == 403
    assert client.post(url(event, "/new"), data={"lists": [officers.id], "send": "1"}).status_code == 403
    assert client.post(url(event, f"/{campaign.id}/reminder"), data={"expected_count": "3"}).status_code == 403
    assert db.session.scalar(select(func.count()).select_from(Campaign)) == 1


def test_an_organiser_of_another_partner_gets_404(
    login, make_user, make_partner, organiser: User, event: Event, officers: ContactList
) -> None:
    campaign = start_campaign(event, Criteria((officers.id,)), actor=organiser)
    other = login(make_user(Role.ORGANISER, partners=[make_partner(event.project)]))
    for path in ("", "/new", f"/{campaign.id}", f"/{campaign.id}/progress.json", f"/{campaign.id}/reminder"):
        assert other.get(url(event, path)).status_code == 404, path


def test_a_campaign_of_another_event_is_not_found(
    login, make_event, organiser: User, event: Event, officers: ContactList
) -> None:
    campaign = start_campaign(event, Criteria((officers.id,)), actor=organiser)
    second = make_event(event.partner)
    assert login(organiser).get(url(second, f"/{campaign.id}")).status_code == 404


def test_the_dashboard_shows_campaign_conversion_by_group_without_names(
    login, make_user, organiser: User, event: Event, officers: ContactList
) -> None:
    campaign = start_campaign(event, Criteria((officers.id,)), actor=organiser)
    campaign.invitations[0].status = InvitationStatus.REGISTERED
    db.session.commit()
    client = login(make_user(Role.MANAGER, projects=[event.project]))

    page = client.get(f"/projects/{event.project.slug}/dashboard").get_data(as_text=True)

    section = page.split('id="report-campaigns"')[1].split("</section>")[0]
    assert 'data-figure="invited">3<' in section and 'data-figure="registered">1<' in section
    assert "33 %" in section and "Prison and probation staff" in section
    assert "Ana Sousa" not in page


def test_a_second_click_on_send_says_the_campaign_is_already_being_sent(
    login, organiser: User, event: Event, officers: ContactList
) -> None:
    client = login(organiser)
    data = {"lists": [officers.id], "expected_count": "3", "send": "1"}
    first = client.post(url(event, "/new"), data=data)  # not closed: its mail is not sent yet
    campaign = db.session.scalars(select(Campaign)).one()

    second = client.post(url(event, "/new"), data=data)

    assert second.status_code == 302 and second.headers["Location"].endswith(url(event, f"/{campaign.id}"))
    page = client.get(second.headers["Location"]).get_data(as_text=True)
    assert "This campaign is already being sent: 0 of 3 invitations sent so far." in page
    assert "Nobody is left to invite" not in page
    assert db.session.scalar(select(func.count()).select_from(Campaign)) == 1
    first.close()


def test_the_progress_page_shows_queued_and_sent_mail_apart(
    login, organiser: User, event: Event, officers: ContactList
) -> None:
    from seminar_app.campaigns.batches import queue_all_batches

    campaign = start_campaign(event, Criteria((officers.id,)), actor=organiser)
    queue_all_batches(campaign.id)
    message = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).first()
    message.status = OutboxStatus.SENT
    db.session.commit()
    client = login(organiser)

    page = client.get(url(event, f"/{campaign.id}")).get_data(as_text=True)

    assert "1 mail sent. 2 mails queued in the outbox, not sent yet." in page
    assert 'max="100" value="33"' in page and "Sending is in progress" in page
    figures = client.get(url(event, f"/{campaign.id}/progress.json")).get_json()["invitations"]
    assert (figures["percent"], figures["done"], figures["queued"]) == (33, False, 2)
