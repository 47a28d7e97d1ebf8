"""Invitation campaigns at the service layer: who is selected and left out, starting a
campaign, queueing its mail in batches exactly once, progress, conversion, the one
reminder, and the job runner continuing an unfinished campaign."""

from __future__ import annotations

import threading
from datetime import timedelta
from email import message_from_bytes, policy
from typing import Any

import pytest
from icalendar import Calendar
from sqlalchemy import func, select

from seminar_app.accounts.models import User
from seminar_app.calendar.ics import event_uid
from seminar_app.calendar.invitations import uid_space
from seminar_app.campaigns import batches, queries, services
from seminar_app.campaigns.models import Campaign, Invitation
from seminar_app.campaigns.selection import Criteria, select_recipients
from seminar_app.campaigns.services import NoRecipients, SelectionChanged, request_reminder, start_campaign
from seminar_app.campaigns.tokens import find_by_token
from seminar_app.contacts.models import Contact, ContactList
from seminar_app.contacts.suppression import suppress
from seminar_app.enums import (
    AttendanceMode,
    EventStatus,
    InvitationStatus,
    LegalBasis,
    OutboxStatus,
    RegistrationStatus,
    Role,
    SuppressionReason,
)
from seminar_app.errors import InvalidTransition
from seminar_app.events.models import Event
from seminar_app.extensions import db
from seminar_app.jobs.services import run_due_jobs
from seminar_app.mail.models import OutboxMessage
from seminar_app.mail.sender import build_message, deliver_due
from seminar_app.projects.models import Partner
from seminar_app.registration.models import Registration


def add_contacts(partner: Partner, list_name: str, people: list[dict[str, Any]]) -> ContactList:
    """A list of the partner's contacts (existing contacts with the same address are reused)."""
    members = []
    for person in people:
        email = person["email"]
        contact = db.session.scalar(select(Contact).where(Contact.partner_id == partner.id, Contact.email == email))
        if contact is None:
            contact = Contact(
                partner=partner,
                email=email,
                name=person.get("name", email.split("@")[0].title()),
                organisation=person.get("organisation", "Probation Service"),
                country=person.get("country", "PT"),
                stakeholder_group=person.get("group", "prison_probation"),
                language=person.get("language", "pt"),
                legal_basis=LegalBasis.LEGITIMATE_INTEREST,
            )
        members.append(contact)
    contact_list = ContactList(partner=partner, name=list_name, contacts=members)
    db.session.add(contact_list)
    db.session.commit()
    return contact_list


@pytest.fixture
def event(make_event) -> Event:  # type: ignore[no-untyped-def]
    return make_event(title="Mentoring in probation")


@pytest.fixture
def organiser(event: Event, make_user) -> User:  # type: ignore[no-untyped-def]
    return make_user(Role.ORGANISER, partners=[event.partner])


def people(n: int, **extra: Any) -> list[dict[str, Any]]:
    return [{"email": f"person{i}@probation.example", **extra} for i in range(n)]


def start(event: Event, *lists: ContactList, actor: User | None = None, **options: Any) -> Campaign:
    return start_campaign(event, Criteria(tuple(lst.id for lst in lists)), actor=actor, **options)


def outbox(kind: str = "invitation") -> list[OutboxMessage]:
    return list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == kind).order_by(OutboxMessage.id)))


# --- selection -------------------------------------------------------------------------------------------


def test_the_preview_leaves_out_registered_suppressed_invited_and_duplicate_addresses(event: Event) -> None:
    partner = event.partner
    first = add_contacts(
        partner,
        "Probation officers",
        [
            {"email": "ana@probation.example"},
            {"email": "Registered@Probation.example"},
            {"email": "gone@probation.example"},
            {"email": "cancelled@probation.example"},
        ],
    )
    second = add_contacts(partner, "Researchers", [{"email": "ana@probation.example"}, {"email": "rui@uni.example"}])
    db.session.add_all(
        [
            Registration(
                event=event,
                status=RegistrationStatus.PENDING,
                mode=AttendanceMode.ONSITE,
                name="R",
                email="registered@probation.example",
            ),
            Registration(
                event=event,
                status=RegistrationStatus.CANCELLED,
                mode=AttendanceMode.ONSITE,
                name="C",
                email="cancelled@probation.example",
            ),
        ]
    )
    suppress(partner.project_id, "GONE@probation.example", SuppressionReason.UNSUBSCRIBED)
    db.session.commit()
    start(event, add_contacts(partner, "Earlier", [{"email": "rui@uni.example"}]))

    selection = select_recipients(event, Criteria((first.id, second.id)))

    assert sorted(r.email for r in selection.recipients) == ["ana@probation.example", "cancelled@probation.example"]
    assert selection.left_out == {"duplicate": 1, "suppressed": 1, "registered": 1, "invited": 1}


def test_filters_narrow_by_group_country_and_language(event: Event) -> None:
    contacts = add_contacts(
        event.partner,
        "Everyone",
        [
            {"email": "a@x.example", "group": "researchers", "country": "PT", "language": "pt"},
            {"email": "b@x.example", "group": "researchers", "country": "RO", "language": "ro"},
            {"email": "c@x.example", "group": "students", "country": "PT", "language": "pt"},
            {"email": "d@x.example", "group": "researchers", "country": "PT", "language": "en"},
        ],
    )

    def emails(**filters: tuple[str, ...]) -> list[str]:
        return sorted(r.email for r in select_recipients(event, Criteria((contacts.id,), **filters)).recipients)

    assert emails(groups=("researchers",)) == ["a@x.example", "b@x.example", "d@x.example"]
    assert emails(groups=("researchers",), countries=("PT",)) == ["a@x.example", "d@x.example"]
    assert emails(groups=("researchers",), countries=("PT",), languages=("pt",)) == ["a@x.example"]


def test_another_partners_lists_are_never_used(event: Event, make_partner) -> None:  # type: ignore[no-untyped-def]
    other = add_contacts(make_partner(event.partner.project), "Not ours", people(3))
    assert select_recipients(event, Criteria((other.id,))).count == 0


def test_each_recipient_gets_their_language_else_the_events_else_english(event: Event, make_event) -> None:
    contacts = add_contacts(
        event.partner,
        "Mixed",
        [
            {"email": "pt@x.example", "language": "pt"},
            {"email": "ro@x.example", "language": "ro"},
            {"email": "nl@x.example", "language": "nl"},  # not an interface language: the event's (pt)
            {"email": "none@x.example", "language": ""},
        ],
    )
    assert select_recipients(event, Criteria((contacts.id,))).by_language == {"pt": 3, "ro": 1}
    dutch_event = make_event(event.partner, language="nl")
    assert select_recipients(dutch_event, Criteria((contacts.id,))).by_language == {"en": 2, "pt": 1, "ro": 1}


# --- starting ------------------------------------------------------------------------------------------------


def test_starting_creates_one_invitation_per_recipient_with_a_personal_link(event: Event, organiser: User) -> None:
    contacts = add_contacts(
        event.partner,
        "Officers",
        [
            {"email": " Ana@Probation.example ", "name": "Ana Sousa", "organisation": "DGRSP", "group": "researchers"},
            *people(2),
        ],
    )

    campaign = start(event, contacts, actor=organiser, personal_note="Dear colleagues", expected_count=3)

    invitations = sorted(campaign.invitations, key=lambda i: i.email or "")
    ana = invitations[0]
    assert ana.email == "ana@probation.example", "the address is stored normalised"
    assert (ana.name, ana.organisation, ana.stakeholder_group, ana.language) == (
        "Ana Sousa",
        "DGRSP",
        "researchers",
        "pt",
    )
    assert all(i.status is InvitationStatus.INVITED and i.message_id is None for i in invitations)
    assert campaign.created_by_id == organiser.id and campaign.personal_note == "Dear colleagues"
    assert outbox() == [], "mail is queued by the batches, not by the start"


def test_nobody_to_invite_is_an_error_and_saves_nothing(event: Event) -> None:
    empty = add_contacts(event.partner, "Empty", [])
    with pytest.raises(NoRecipients):
        start(event, empty)
    assert db.session.scalar(select(func.count()).select_from(Campaign)) == 0


def test_a_changed_selection_is_refused_with_the_new_count(event: Event) -> None:
    contacts = add_contacts(event.partner, "Officers", people(3))
    with pytest.raises(SelectionChanged) as refused:
        start(event, contacts, expected_count=5)
    assert refused.value.count == 3
    assert db.session.scalar(select(func.count()).select_from(Invitation)) == 0


@pytest.mark.parametrize("status", [EventStatus.DRAFT, EventStatus.CANCELLED, EventStatus.POSTPONED])
def test_only_a_published_event_can_have_invitations(make_event, status: EventStatus) -> None:  # type: ignore[no-untyped-def]
    event = make_event(status=status)
    with pytest.raises(InvalidTransition):
        start(event, add_contacts(event.partner, "Officers", people(1)))


def test_no_invitations_once_the_event_has_started(make_event) -> None:  # type: ignore[no-untyped-def]
    event = make_event(days_ahead=0, hours=30)
    event.starts_at = event.starts_at.replace(year=event.starts_at.year - 1)
    db.session.commit()
    with pytest.raises(InvalidTransition):
        start(event, add_contacts(event.partner, "Officers", people(1)))


# --- batches and mail ----------------------------------------------------------------------------------------


def test_batches_queue_every_invitation_once_then_close_the_campaign(event: Event) -> None:
    campaign = start(event, add_contacts(event.partner, "Officers", people(5)))

    assert batches.queue_next_batch(campaign, size=2) == 2
    assert batches.queue_next_batch(campaign, size=2) == 2
    assert batches.queue_next_batch(campaign, size=2) == 1
    assert batches.queue_next_batch(campaign, size=2) == 0

    db.session.expire_all()
    assert campaign.queued_at is not None
    assert sorted(m.to_address for m in outbox()) == sorted(p["email"] for p in people(5))
    assert all(i.message_id is not None for i in campaign.invitations)
    assert queries.progress(campaign).invitations.queued == 5


def test_an_address_suppressed_after_the_start_is_not_written_to(event: Event) -> None:
    campaign = start(event, add_contacts(event.partner, "Officers", people(3)))
    suppress(event.partner.project_id, "person1@probation.example", SuppressionReason.UNSUBSCRIBED)
    db.session.commit()

    batches.queue_next_batch(campaign)

    assert sorted(m.to_address for m in outbox()) == ["person0@probation.example", "person2@probation.example"]
    figures = queries.progress(campaign).invitations
    assert (figures.queued, figures.left_out, figures.waiting) == (2, 1, 0)


def test_two_runners_at_once_queue_each_invitation_once(app, event: Event) -> None:  # type: ignore[no-untyped-def]
    campaign = start(event, add_contacts(event.partner, "Officers", people(30)))
    campaign_id = campaign.id
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []
    counts: list[int] = []

    def runner() -> None:
        with app.app_context():
            try:
                barrier.wait()
                counts.append(batches.queue_all_batches(campaign_id, batch_size=4))
            except BaseException as exc:  # reported below
                errors.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=runner) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)

    assert errors == []
    assert sum(counts) == 30
    db.session.expire_all()
    assert sorted(m.to_address for m in outbox()) == sorted(p["email"] for p in people(30)), "everyone exactly once"


def test_the_invitation_mail_has_the_personal_links_and_unsubscribe_headers(event: Event) -> None:
    add_contacts(event.partner, "Other", [{"email": "ro@x.example", "language": "ro", "name": "Ioana Pop"}])
    contacts = add_contacts(
        event.partner, "Officers", [{"email": "ana@x.example", "language": "en", "name": "Ana Sousa"}]
    )
    ro_list = db.session.scalar(select(ContactList).where(ContactList.name == "Other"))
    campaign = start(event, contacts, ro_list, personal_note="We would love to see you there.", save_the_date=True)
    batches.queue_next_batch(campaign)

    english = next(m for m in outbox() if m.to_address == "ana@x.example")
    romanian = next(m for m in outbox() if m.to_address == "ro@x.example")
    assert english.reply_to == event.partner.contact_email
    assert english.subject == "Invitation: Mentoring in probation"
    # Each recipient in their own language (the catalogues are not complete yet: the mail says which it is in).
    assert '<html lang="ro-RO">' in romanian.body_html and '<html lang="en-GB">' in english.body_html
    body = english.body_text
    assert "We would love to see you there." in body and "Ana Sousa" in body
    assert f"/events/{event.slug}/register?invitation=" in body
    token = body.split("?invitation=")[1].split()[0]
    invitation = find_by_token(token)
    assert invitation is not None and invitation.email == "ana@x.example"
    assert f"/invitations/{token}/decline" in body and f"/invitations/{token}/unsubscribe" in body
    assert f"/invitations/{token}/decline" in english.body_html
    assert "<img" not in english.body_html.replace('<img src="cid:eu-emblem"', ""), "no tracking pixel"

    mime = message_from_bytes(build_message(english).as_bytes(), policy=policy.default)
    assert mime["List-Unsubscribe"] == f"<{english.list_unsubscribe}>"
    assert english.list_unsubscribe.endswith(f"/invitations/{token}/unsubscribe/one-click")
    assert mime["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    calendar_part = next(p for p in mime.walk() if p.get_content_type() == "text/calendar")
    assert calendar_part.get_param("method") == "PUBLISH"
    calendar = Calendar.from_ical(calendar_part.get_content())
    assert calendar["METHOD"] == "PUBLISH"
    vevent = calendar.walk("VEVENT")[0]
    assert "ATTENDEE" not in vevent and str(vevent["UID"]) == event_uid(event, uid_space())


def test_without_save_the_date_there_is_no_calendar(event: Event) -> None:
    campaign = start(event, add_contacts(event.partner, "Officers", people(1)))
    batches.queue_next_batch(campaign)
    assert outbox()[0].calendar_ics == "" and outbox()[0].campaign_id == campaign.id


def test_progress_counts_sent_and_failed_mail(event: Event, smtp) -> None:  # type: ignore[no-untyped-def]
    campaign = start(event, add_contacts(event.partner, "Officers", people(3)))

    batches.queue_next_batch(campaign)
    failing = outbox()[0]
    failing.status = OutboxStatus.FAILED
    db.session.commit()
    assert batches.run_campaign(campaign.id) == 0, "nothing left to queue"
    deliver_due()

    db.session.expire_all()
    figures = queries.progress(campaign)
    assert (figures.invitations.sent, figures.invitations.failed, figures.invitations.queued) == (2, 1, 0)
    assert figures.done and figures.invitations.percent == 100
    assert len(smtp.messages) == 2


def test_run_campaign_delivers_every_batch_to_the_mail_server(event: Event, smtp) -> None:  # type: ignore[no-untyped-def]
    campaign = start(event, add_contacts(event.partner, "Officers", people(5)))

    assert batches.run_campaign(campaign.id, batch_size=2) == 5

    assert smtp.wait_for(5)
    received = sorted(str(m["To"]) for m in smtp.messages)
    assert len(received) == 5 and all("@probation.example" in r for r in received)
    assert all(m["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click" for m in smtp.messages)
    db.session.expire_all()
    assert queries.progress(campaign).invitations.sent == 5


def test_the_job_runner_continues_an_unfinished_campaign(event: Event) -> None:
    campaign = start(event, add_contacts(event.partner, "Officers", people(5)))
    batches.queue_next_batch(campaign, size=2)  # then the process "crashed"

    report = run_due_jobs()

    assert report.campaign_mails == 3 and report.failures == 0
    assert len(outbox()) == 5
    db.session.expire_all()
    assert campaign.queued_at is not None
    assert run_due_jobs().campaign_mails == 0, "nothing is queued twice"


# --- reminder and conversion -----------------------------------------------------------------------------------


def _sent_campaign(event: Event, n: int) -> Campaign:
    campaign = start(event, add_contacts(event.partner, "Officers", people(n)))
    batches.queue_next_batch(campaign)
    for message in outbox():
        message.status = OutboxStatus.SENT
    db.session.commit()
    return campaign


def test_one_reminder_goes_only_to_the_people_who_have_not_answered(event: Event, organiser: User) -> None:
    campaign = _sent_campaign(event, 4)
    answered = sorted(campaign.invitations, key=lambda i: i.id)
    answered[0].status = InvitationStatus.REGISTERED
    answered[1].status = InvitationStatus.DECLINED
    db.session.commit()

    assert request_reminder(campaign, actor=organiser, expected_count=2) == 2
    batches.queue_all_batches(campaign.id)

    reminders = outbox("invitation_reminder")
    assert sorted(m.to_address for m in reminders) == sorted(i.email for i in answered[2:])
    assert "reminder" in reminders[0].subject.lower() or "lembrete" in reminders[0].subject.lower()
    with pytest.raises(InvalidTransition):
        request_reminder(campaign, actor=organiser)
    db.session.expire_all()
    assert campaign.reminder_queued_at is not None
    assert queries.progress(campaign).reminder is not None


def test_no_reminder_when_everybody_answered(event: Event, organiser: User) -> None:
    campaign = _sent_campaign(event, 1)
    campaign.invitations[0].status = InvitationStatus.REGISTERED
    db.session.commit()
    with pytest.raises(NoRecipients):
        request_reminder(campaign, actor=organiser)
    db.session.expire_all()
    assert campaign.reminder_requested_at is None


def test_conversion_overall_and_by_stakeholder_group(event: Event) -> None:
    contacts = add_contacts(
        event.partner,
        "Mixed",
        [
            {"email": "r1@x.example", "group": "researchers"},
            {"email": "r2@x.example", "group": "researchers"},
            {"email": "s1@x.example", "group": "students"},
            {"email": "s2@x.example", "group": "students"},
        ],
    )
    campaign = start(event, contacts)
    status = {
        "r1@x.example": InvitationStatus.REGISTERED,
        "r2@x.example": InvitationStatus.DECLINED,
        "s1@x.example": InvitationStatus.UNSUBSCRIBED,
    }
    for invitation in campaign.invitations:
        invitation.status = status.get(invitation.email or "", InvitationStatus.INVITED)
    db.session.commit()

    report = queries.conversion(campaign)

    overall = report.overall
    assert (overall.invited, overall.registered, overall.declined, overall.unsubscribed, overall.no_answer) == (
        4,
        1,
        1,
        1,
        1,
    )
    assert overall.rate == 0.25
    groups = {g.label: (g.invited, g.registered, g.rate) for g in report.by_group}
    assert groups == {"Researchers": (2, 1, 0.5), "University students": (2, 0, 0.0)}
    assert queries.conversion_for_events([event.id]).overall.registered == 1


def test_services_module_names_its_errors() -> None:
    assert issubclass(services.NoRecipients, services.DomainError)
    assert issubclass(services.SelectionChanged, services.Conflict)


def test_invitees_are_forgotten_a_month_after_the_event_and_the_figures_stay(event: Event) -> None:
    campaign = _sent_campaign(event, 3)
    first = campaign.invitations[0]
    first.status = InvitationStatus.REGISTERED
    db.session.commit()
    before = queries.conversion(campaign).overall
    ended = event.ends_at

    assert run_due_jobs(ended + timedelta(days=29)).invitees_forgotten == 0
    assert all(i.email for i in campaign.invitations), "kept during the retention period"

    report = run_due_jobs(ended + timedelta(days=31))

    assert report.invitees_forgotten == 3 and report.failures == 0
    db.session.expire_all()
    assert all(i.email is None and i.name == "" and i.link_salt is None for i in campaign.invitations)
    assert all(m.to_address == "" and m.body_text == "" for m in outbox())
    after = queries.conversion(campaign).overall
    assert (after.invited, after.registered, after.no_answer) == (before.invited, before.registered, before.no_answer)
    assert run_due_jobs(ended + timedelta(days=32)).invitees_forgotten == 0


def test_a_second_start_while_the_campaign_is_sending_says_so_and_saves_nothing(event: Event) -> None:
    officers = add_contacts(event.partner, "Officers", people(3))
    campaign = start(event, officers)
    batches.queue_next_batch(campaign, size=2)  # two in the outbox, one waiting for the next batch

    with pytest.raises(services.AlreadySending) as refused:
        start(event, officers)

    assert refused.value.message == "This campaign is already being sent: 0 of 3 invitations sent so far."
    assert refused.value.campaign.id == campaign.id
    assert db.session.scalar(select(func.count()).select_from(Campaign)) == 1

    batches.queue_next_batch(campaign)
    for message in outbox()[:2]:
        message.status = OutboxStatus.SENT
    db.session.commit()
    with pytest.raises(services.AlreadySending, match="2 of 3 invitations sent so far"):
        start(event, officers)

    outbox()[2].status = OutboxStatus.SENT
    db.session.commit()
    with pytest.raises(NoRecipients):  # all sent: nobody is left, and nothing is being sent
        start(event, officers)


def test_other_lists_with_nobody_left_are_not_taken_for_the_campaign_being_sent(event: Event) -> None:
    officers = add_contacts(event.partner, "Officers", people(2))
    again = add_contacts(event.partner, "Again", people(1))
    start(event, officers)
    with pytest.raises(NoRecipients):
        start(event, again)


@pytest.mark.parametrize(("sent", "queued", "percent"), [(995, 5, 99), (999, 1, 99), (1, 2, 33), (0, 0, 100)])
def test_progress_reaches_100_only_when_no_mail_is_left_in_the_outbox(sent: int, queued: int, percent: int) -> None:
    progress = queries.MailProgress(queued=queued, sent=sent, finished_queueing=True)
    assert progress.percent == percent
    assert progress.done is (queued == 0)


def test_progress_tells_sent_and_queued_mail_apart(event: Event) -> None:
    campaign = start(event, add_contacts(event.partner, "Officers", people(3)))
    batches.queue_all_batches(campaign.id)
    outbox()[0].status = OutboxStatus.SENT
    db.session.commit()

    figures = queries.progress(campaign).invitations

    assert (figures.sent, figures.queued, figures.percent, figures.done) == (1, 2, 33, False)
    assert figures.summary == ["1 mail sent.", "2 mails queued in the outbox, not sent yet."]
    assert figures.as_dict()["summary"] == "1 mail sent. 2 mails queued in the outbox, not sent yet."
