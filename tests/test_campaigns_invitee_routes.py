"""The invitee's pages behind an invitation mail's links: the pre-filled registration form,
"I cannot come", unsubscribe and RFC 8058 one-click."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from seminar_app.contacts.models import Suppression
from seminar_app.enums import InvitationStatus
from seminar_app.extensions import db
from seminar_app.registration.models import Registration
from tests.test_campaigns_invitee import invite, start_now

I = InvitationStatus  # noqa: E741


def text(response) -> str:  # type: ignore[no-untyped-def]
    return response.get_data(as_text=True)


def form(**overrides: str) -> dict[str, str]:
    values = {
        "name": "Maria Invitee",
        "email": "maria.invitee@probation.example",
        "organisation": "Probation Service of Porto",
        "organisation_country": "PT",
        "stakeholder_group": "prison_probation",
        "mode": "onsite",
        "privacy_acknowledged": "y",
    }
    values.update(overrides)
    return values


def registrations() -> list[Registration]:
    return list(db.session.scalars(select(Registration).order_by(Registration.id)))


def suppressions() -> int:
    return db.session.scalar(select(func.count()).select_from(Suppression)) or 0


def input_value(page: str, name: str) -> str | None:
    tag = re.search(rf'<input[^>]*name="{name}"[^>]*>', page)
    assert tag, name
    value = re.search(r'value="([^"]*)"', tag.group(0))
    return value.group(1) if value else None


def selected(page: str, name: str) -> str | None:
    select_tag = re.search(rf'<select[^>]*name="{name}".*?</select>', page, re.S)
    assert select_tag, name
    option = re.search(r'<option selected value="([^"]*)"', select_tag.group(0))
    return option.group(1) if option else None


@pytest.fixture
def event(make_event):  # type: ignore[no-untyped-def]
    return make_event(slug="mentoring", title="Seminar on mentoring")


# --- the personal registration link --------------------------------------------------------


def test_the_personal_link_prefills_the_form_and_leaves_every_consent_unticked(client, event) -> None:
    _invitation, token = invite(event)

    page = text(client.get(f"/events/mentoring/register?invitation={token}"))

    assert "Invitation for Maria Invitee" in page
    assert input_value(page, "name") == "Maria Invitee"
    assert input_value(page, "email") == "maria.invitee@probation.example"
    assert input_value(page, "organisation") == "Probation Service of Porto"
    assert selected(page, "organisation_country") == "PT"
    assert selected(page, "stakeholder_group") == "prison_probation"
    for box in ("privacy_acknowledged", "consent_photos", "consent_attendee_list", "consent_news"):
        tag = re.search(rf'<input[^>]*name="{box}"[^>]*>', page)
        assert tag and "checked" not in tag.group(0), f"{box} must be unticked"
    assert f'action="/events/mentoring/register?invitation={token}"' in page, "the form posts the link on"


def test_registering_through_the_link_marks_the_invitation_and_the_source(client, event) -> None:
    invitation, token = invite(event, language="it")

    response = client.post(f"/events/mentoring/register?invitation={token}", data=form())

    assert response.status_code == 302 and response.headers["Location"].endswith("/register/done")
    [registration] = registrations()
    assert registration.source == "invitation"
    assert registration.language == "it", "mails continue in the language of the invitation"
    db.session.refresh(invitation)
    assert invitation.status is I.REGISTERED and invitation.registration_id == registration.id


def test_registering_through_the_link_with_another_address_still_counts_the_invitation(client, event) -> None:
    invitation, token = invite(event)

    client.post(f"/events/mentoring/register?invitation={token}", data=form(email="maria@home.example"))

    [registration] = registrations()
    assert registration.email == "maria@home.example"
    db.session.refresh(invitation)
    assert invitation.status is I.REGISTERED and invitation.registration_id == registration.id


def test_registering_on_the_public_form_with_the_same_address_also_counts(client, event) -> None:
    invitation, _token = invite(event)

    client.post("/events/mentoring/register", data=form(email="Maria.Invitee@PROBATION.example"))

    [registration] = registrations()
    assert registration.source == "form"
    db.session.refresh(invitation)
    assert invitation.status is I.REGISTERED and invitation.registration_id == registration.id


def test_a_link_for_another_event_names_it_and_prefills_nothing(client, event, make_event) -> None:
    make_event(event.partner, slug="other", title="Workshop on risk assessment")
    invitation, token = invite(event)

    page = text(client.get(f"/events/other/register?invitation={token}"))

    assert "invitation to another event: “Seminar on mentoring”" in page
    assert f'href="/events/mentoring/register?invitation={token}"' in page
    assert not input_value(page, "name") and not input_value(page, "email")
    assert 'action="/events/other/register"' in page, "the empty form registers without the link"

    response = client.post(f"/events/other/register?invitation={token}", data=form())
    assert response.status_code == 422 and "invitation to another event" in text(response)
    assert registrations() == []
    db.session.refresh(invitation)
    assert invitation.status is I.INVITED


@pytest.mark.parametrize("when", ["started", "over"])
def test_a_link_to_an_event_that_has_taken_place_says_so_and_saves_nothing(client, make_event, when) -> None:
    event = make_event(slug="mentoring", days_ahead=-5) if when == "over" else start_now(make_event(slug="mentoring"))
    invitation, token = invite(event)

    page = text(client.get(f"/events/mentoring/register?invitation={token}"))
    assert "This invitation was for an event that has already taken place" in page
    assert "Maria Invitee" not in page

    response = client.post(f"/events/mentoring/register?invitation={token}", data=form())
    assert response.status_code == 409
    assert registrations() == []
    db.session.refresh(invitation)
    assert invitation.status is I.INVITED


@pytest.mark.parametrize("erased", [False, True])
def test_an_unknown_or_erased_link_says_it_does_not_work_and_the_form_still_does(client, event, erased) -> None:
    invitation, token = invite(event)
    if erased:
        invitation.email, invitation.name, invitation.erased_at = None, "", invitation.campaign.created_at
        db.session.commit()
    else:
        token = token[:-3]

    page = text(client.get(f"/events/mentoring/register?invitation={token}"))

    assert "This personal link does not work" in page
    assert not input_value(page, "name")
    assert 'action="/events/mentoring/register"' in page
    assert client.post("/events/mentoring/register", data=form()).status_code == 302
    assert [r.source for r in registrations()] == ["form"]


# --- "I cannot come" -----------------------------------------------------------------------


def test_cannot_come_asks_on_get_and_records_on_post_once(client, event) -> None:
    invitation, token = invite(event)

    page = text(client.get(f"/invitations/{token}/decline"))
    assert "Seminar on mentoring" in page and 'method="post"' in page
    db.session.refresh(invitation)
    assert invitation.status is I.INVITED, "a prefetching mail scanner changes nothing"

    thanks = client.post(f"/invitations/{token}/decline")
    assert thanks.status_code == 200 and "Thank you for letting us know" in text(thanks)
    assert f'href="/invitations/{token}/unsubscribe"' in text(thanks)
    db.session.refresh(invitation)
    assert invitation.status is I.DECLINED and invitation.responded_at is not None
    answered = invitation.responded_at

    again = client.post(f"/invitations/{token}/decline")
    assert again.status_code == 409 and "You already told us you cannot come" in text(again)
    assert "You already told us you cannot come" in text(client.get(f"/invitations/{token}/decline"))
    db.session.refresh(invitation)
    assert invitation.responded_at == answered


def test_cannot_come_after_registering_points_to_the_confirmation_mail(client, event) -> None:
    invitation, token = invite(event)
    client.post(f"/events/mentoring/register?invitation={token}", data=form())

    response = client.post(f"/invitations/{token}/decline")

    assert response.status_code == 409
    assert "You are registered for this event" in text(response) and "confirmation e-mail" in text(response)
    db.session.refresh(invitation)
    assert invitation.status is I.REGISTERED


def test_cannot_come_after_the_event_says_so_and_changes_nothing(client, make_event) -> None:
    invitation, token = invite(make_event(days_ahead=-5))
    response = client.post(f"/invitations/{token}/decline")
    assert response.status_code == 409 and "already taken place" in text(response)
    assert 'method="post"' not in text(client.get(f"/invitations/{token}/decline"))
    db.session.refresh(invitation)
    assert invitation.status is I.INVITED


# --- unsubscribe ---------------------------------------------------------------------------


def test_unsubscribe_asks_on_get_and_suppresses_on_post(client, event, make_event, make_partner) -> None:
    invitation, token = invite(event)
    other_event = make_event(make_partner(event.project), slug="other")
    _second, second_token = invite(other_event, email="MARIA.INVITEE@probation.example")

    page = text(client.get(f"/invitations/{token}/unsubscribe"))
    assert f"You will get no more invitations from {event.project.acronym}" in page
    assert suppressions() == 0, "a prefetching mail scanner changes nothing"

    done = client.post(f"/invitations/{token}/unsubscribe")
    assert done.status_code == 200 and "You are unsubscribed" in text(done)
    assert suppressions() == 1
    db.session.refresh(invitation)
    assert invitation.status is I.UNSUBSCRIBED
    answered = invitation.responded_at

    again = client.post(f"/invitations/{token}/unsubscribe")
    assert again.status_code == 409 and "This address is already unsubscribed (since" in text(again)
    other = client.get(f"/invitations/{second_token}/unsubscribe")
    assert "This address is already unsubscribed (since" in text(other) and 'method="post"' not in text(other)
    db.session.refresh(invitation)
    assert (suppressions(), invitation.responded_at) == (1, answered)


def test_one_click_unsubscribes_without_a_csrf_token_and_the_form_needs_one(app, client, event) -> None:
    invitation, token = invite(event)
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        refused = client.post(f"/invitations/{token}/unsubscribe")
        assert refused.status_code == 400 and suppressions() == 0

        for _ in range(2):  # idempotent: the same answer the second time
            response = client.post(
                f"/invitations/{token}/unsubscribe/one-click", data={"List-Unsubscribe": "One-Click"}
            )
            assert response.status_code == 200 and response.mimetype == "text/plain"
            assert "unsubscribed" in text(response)
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert suppressions() == 1
    db.session.refresh(invitation)
    assert invitation.status is I.UNSUBSCRIBED


# --- unknown links and headers -------------------------------------------------------------


@pytest.mark.parametrize("path", ["decline", "unsubscribe", "unsubscribe/one-click"])
def test_unknown_links_get_a_404_page_that_shows_nothing(client, event, path) -> None:
    invite(event)
    for method in ("GET", "POST") if "one-click" not in path else ("POST",):
        response = client.open(f"/invitations/not-a-real-token/{path}", method=method)
        assert response.status_code == 404
        page = text(response)
        assert "Maria Invitee" not in page and "maria.invitee" not in page and "Seminar on mentoring" not in page
        if "one-click" not in path:
            assert "We have no invitation for this link" in page
    assert suppressions() == 0


def test_pages_with_a_personal_link_are_not_cached_nor_sent_as_referrer(client, event) -> None:
    _invitation, token = invite(event)
    for url in (
        f"/invitations/{token}/decline",
        f"/invitations/{token}/unsubscribe",
        f"/events/mentoring/register?invitation={token}",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.headers["Referrer-Policy"] == "no-referrer", url
        assert "no-store" in response.headers["Cache-Control"], url
    plain = client.get("/events/mentoring/register")
    assert plain.headers["Referrer-Policy"] == "same-origin"


# --- rate limits ---------------------------------------------------------------------------


@pytest.fixture
def limited_app(tmp_path):  # type: ignore[no-untyped-def]
    """Rate limits on. Flask-Limiter's switch is global to the process, so it is put back."""
    from seminar_app import create_app
    from seminar_app.extensions import limiter

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'limited.db'}",
            "RATELIMIT_ENABLED": True,
            "REGISTRATION_RATE_LIMIT": "3 per minute",
        }
    )
    with app.app_context():
        db.create_all()
    yield app
    limiter.reset()
    limiter.enabled = False


def test_answers_share_the_registration_budget_and_one_click_is_limited_per_link(limited_app) -> None:
    client = limited_app.test_client()
    statuses = [
        client.post("/invitations/a/decline").status_code,
        client.post("/events/none/register").status_code,
        client.post("/invitations/b/unsubscribe").status_code,
        client.post("/invitations/c/decline").status_code,
    ]
    assert statuses == [404, 404, 404, 429]
    assert client.get("/invitations/a/decline").status_code == 404, "only answering is limited, not reading"

    # Mail providers send many people's one-click requests from one address: each link has its own budget.
    one_click = [client.post(f"/invitations/{n}/unsubscribe/one-click").status_code for n in range(5)]
    assert one_click == [404] * 5
    repeated = [client.post("/invitations/x/unsubscribe/one-click").status_code for _ in range(4)]
    assert repeated == [404, 404, 404, 429]


def test_once_the_invitee_is_forgotten_only_the_unsubscribe_link_still_works(client, event) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import select as sql_select

    from seminar_app.campaigns.retention import forget_invitees
    from seminar_app.events.models import Event

    invitation, token = invite(event)
    forget_invitees(sql_select(Event.id).where(Event.id == event.id), reason="retention period over")
    db.session.commit()

    assert client.get(f"/invitations/{token}/decline").status_code == 404
    page = text(client.get(f"/events/mentoring/register?invitation={token}"))
    assert "This personal link does not work" in page and "Maria Invitee" not in page
    unsubscribe_page = client.get(f"/invitations/{token}/unsubscribe")
    assert unsubscribe_page.status_code == 200 and "Maria" not in text(unsubscribe_page)

    response = client.post(f"/invitations/{token}/unsubscribe/one-click", data={"List-Unsubscribe": "One-Click"})

    assert response.status_code == 200 and suppressions() == 1
    db.session.refresh(invitation)
    assert invitation.status is I.UNSUBSCRIBED and invitation.email is None
