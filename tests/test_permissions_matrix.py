"""Every route that takes an id or a slug, for every kind of outsider.

The rules are read from the app's URL map, so a route added later is checked
automatically (and this test fails until its id parameter is mapped below).
Each outsider must get a refusal (log-in redirect, 403 or 404), never the data,
and nothing may change in the database.
"""

from __future__ import annotations

import io
import zipfile
from typing import Any

import pytest
from sqlalchemy import func, select

from seminar_app.accounts.models import User
from seminar_app.agenda.models import AgendaItem, AgendaItemTranslation, Speaker
from seminar_app.campaigns.models import Campaign, Invitation
from seminar_app.campaigns.tokens import give_link
from seminar_app.contacts.models import Contact, ContactList, Suppression, email_hash
from seminar_app.enums import AttendanceMode, EventStatus, LegalBasis, RegistrationStatus, Role
from seminar_app.events.models import Event, EventTranslation
from seminar_app.extensions import db
from seminar_app.funding.models import EligibilityDecision, EvidenceFile, FundingChange, FundingRules, PlannedEvent
from seminar_app.mail.services import queue_mail
from seminar_app.privacy.models import PersonalDataGrant
from seminar_app.projects.models import Partner, PrivacyNotice, PrivacyNoticeText, ProjectResult
from seminar_app.registration.models import Registration

SECRET_TITLE = "Confidential seminar of partner A"

# Public calendar files: a partner's or a language's feed is open to everyone (200), so
# instead of a refusal these must simply never show the victim's draft or its details.
PUBLIC_ENDPOINTS = {
    "calendar.event_ics",
    "calendar.project_feed",
    "calendar.partner_feed",
    "calendar.country_feed",
    "calendar.language_feed",
}


@pytest.fixture
def victim(make_project, make_partner, make_user, make_event, make_agenda_item, make_speaker) -> dict[str, Any]:
    """Partner A's data: a draft event with agenda and speaker, in project A."""
    project = make_project()
    partner = make_partner(project)
    owner = make_user(Role.ORGANISER, partners=[partner], name="Owner of partner A")
    event = make_event(partner, status=EventStatus.DRAFT, title=SECRET_TITLE)
    speaker = make_speaker(event, name="Secret Speaker")
    item = make_agenda_item(event, title="Secret agenda item", speakers=[speaker])
    registration = Registration(
        event=event,
        status=RegistrationStatus.PENDING,
        mode=AttendanceMode.ONSITE,
        name="Secret Attendee",
        email="secret.attendee@partner-a.example",
    )
    db.session.add(registration)
    db.session.flush()
    # A's grant of its attendees' data to a manager of the project (the Data access page).
    grant = PersonalDataGrant(partner=partner, manager=make_user(Role.MANAGER, projects=[project]), granted_by=owner)
    db.session.add(grant)
    message = queue_mail(
        kind="registration_pending",
        to_address="secret.attendee@partner-a.example",
        subject="Secret Attendee's registration",
        body_text="Hello Secret Attendee",
        event_id=event.id,
        registration_id=registration.id,
    )
    # A's contact list, a contact on it, and a campaign that invited that contact.
    contact = Contact(
        partner=partner,
        email="secret.attendee@partner-a.example",
        name="Secret Attendee",
        legal_basis=LegalBasis.LEGITIMATE_INTEREST,
    )
    contact_list = ContactList(partner=partner, name="Secret list", contacts=[contact])
    campaign = Campaign(event=event, personal_note="Hello Secret Attendee")
    invitation = Invitation(
        campaign=campaign,
        event_id=event.id,
        email=contact.email,
        email_hash=email_hash(contact.email),
        name=contact.name,
    )
    give_link(invitation)
    event.translations.append(EventTranslation(language="de", title="Secret translated title"))
    item.translations.append(AgendaItemTranslation(language="de", title="Secret translated item"))
    # A's scan of a signed sheet (its name names the attendee, as a careless upload might).
    evidence = EvidenceFile(
        event_id=event.id,
        kind="signed_sheet",
        day=event.local_days[0],
        filename="Secret Attendee signed.pdf",
        content_type="application/pdf",
        size=32,
        sha256="0" * 64,
        content=b"%PDF-1.4 Secret Attendee signed",
    )
    db.session.add_all([contact_list, campaign, invitation, evidence])
    db.session.commit()
    invitation.contact_id = contact.id
    # A's multiplier event in the project's plan, delivered by A's event.
    planned = PlannedEvent(
        project_id=project.id,
        code="E1",
        title="Secret planned seminar",
        partner_id=partner.id,
        country="PT",
        planned_month=event.local_days[0].replace(day=1),
    )
    db.session.add(planned)
    db.session.flush()
    event.planned_event_id = planned.id
    db.session.commit()
    return {
        "planned_id": planned.id,
        "contact_id": contact.id,
        "list_id": contact_list.id,
        "campaign_id": campaign.id,
        "invitation_id": invitation.id,
        "message_id": message.id,
        "file_id": evidence.id,
        "event_id": event.id,
        "item_id": item.id,
        "registration_id": registration.id,
        "grant_id": grant.id,
        "speaker_id": speaker.id,
        "project_id": project.id,
        "partner_id": partner.id,
        "result_id": project.results[0].id,
        "version": project.current_privacy_notice.version,
        "user_id": owner.id,
        "slug": event.slug,
        "code": "en",
        "language": "de",  # a language partner A's event is translated into
        "day": event.local_days[0].isoformat(),
        "token": "an-unknown-private-link-token",
        "table": "events",  # a report table (the dashboard's CSV downloads)
    }


def _snapshot() -> tuple[Any, ...]:
    counts = tuple(
        db.session.scalar(select(func.count()).select_from(model))
        for model in (
            Event,
            AgendaItem,
            Speaker,
            ProjectResult,
            Partner,
            User,
            PrivacyNotice,
            PrivacyNoticeText,
            Registration,
            Contact,
            ContactList,
            Campaign,
            Invitation,
            Suppression,
            EventTranslation,
            AgendaItemTranslation,
            EvidenceFile,
            PlannedEvent,
            FundingRules,
            FundingChange,
            EligibilityDecision,
        )
    )
    event = db.session.scalars(select(Event)).first()
    assert event is not None
    roles = tuple(u.role for u in db.session.scalars(select(User)))
    statuses = tuple(r.status for r in db.session.scalars(select(Registration)))
    contacts = tuple((c.name, c.email) for c in db.session.scalars(select(Contact)))
    invitations = tuple((i.status, i.email) for i in db.session.scalars(select(Invitation)))
    planned = tuple((p.code, p.title) for p in db.session.scalars(select(PlannedEvent)))
    links = tuple(db.session.scalars(select(Event.planned_event_id).order_by(Event.id)))
    return (*counts, event.title, event.status, event.starts_at, roles, statuses, contacts, invitations, planned, links)


def _id_taking_rules(app) -> list[Any]:  # type: ignore[no-untyped-def]
    return [r for r in app.url_map.iter_rules() if r.arguments and r.endpoint != "static"]


@pytest.mark.parametrize("outsider", ["anonymous", "organiser_of_other_partner", "manager_of_other_project"])
def test_outsiders_never_see_or_change_another_partners_data(
    app, client, login, victim, make_project, make_partner, make_user, outsider
) -> None:
    if outsider == "organiser_of_other_partner":
        # Same project, other partner: the closest an organiser gets without being allowed.
        other = make_partner(db.session.get(Partner, victim["partner_id"]).project)
        login(make_user(Role.ORGANISER, partners=[other]))
    elif outsider == "manager_of_other_project":
        login(make_user(Role.MANAGER, projects=[make_project()]))
    before = _snapshot()

    rules = _id_taking_rules(app)
    assert len(rules) >= 20, "the URL map should hold every id-taking route"
    for rule in rules:
        unknown = rule.arguments - victim.keys()
        assert not unknown, f"{rule.rule}: map {unknown} to partner A's object in the victim fixture"
        url = rule.build({name: victim[name] for name in rule.arguments}, append_unknown=False)[1]
        for method in sorted(rule.methods & {"GET", "POST"}):
            response = client.open(url, method=method, data={})
            status = response.status_code
            if rule.endpoint == "public.set_language":
                continue
            page = response.get_data(as_text=True)
            if rule.endpoint in PUBLIC_ENDPOINTS:
                assert status in (200, 400, 404), f"{method} {url} answered {status} to {outsider}"
                page = page.replace("\r\n ", "")  # unfold iCalendar lines before looking for secrets
            elif rule.endpoint == "contacts.erase" and outsider == "organiser_of_other_partner":
                # A person may ask any partner of the consortium to erase their data; the page
                # reveals nothing about who held it (the loop below checks no secret shows).
                assert status in (200, 422), f"{method} {url} answered {status} to {outsider}"
            elif outsider == "anonymous" and status == 302:
                assert "/login" in response.headers["Location"], f"{method} {url}"
            else:
                assert status in (403, 404), f"{method} {url} answered {status} to {outsider}"
            for secret in (
                SECRET_TITLE,
                "Secret Speaker",
                "Secret agenda item",
                "Owner of partner A",
                "Secret Attendee",
                "secret.attendee@partner-a.example",
                "Secret translated title",
                "Secret translated item",
                "Secret planned seminar",
            ):
                assert secret not in page, f"{method} {url} showed {secret!r} to {outsider}"

    db.session.expire_all()
    assert _snapshot() == before


@pytest.mark.parametrize("outsider", ["anonymous", "organiser_of_other_partner", "manager_of_other_project"])
def test_outsiders_never_see_another_partners_ledger_lines(
    app, client, login, victim, make_project, make_partner, make_user, outsider
) -> None:
    """The ledger takes the project's slug (the matrix above gives it an event's): an
    organiser of another partner of the same project opens it, without partner A's lines,
    events or evidence files; anyone else is refused."""
    partner = db.session.get(Partner, victim["partner_id"])
    event = db.session.get(Event, victim["event_id"])
    # The victim fixture's plan line E1, delivered by A's event.
    db.session.get(PlannedEvent, victim["planned_id"]).title = "Secret planned event"
    db.session.add(
        EvidenceFile(event_id=event.id, kind="material", filename="secret-material.pdf",
                     content_type="application/pdf", size=4, sha256="0" * 64, content=b"%PDF")
    )  # fmt: skip
    db.session.commit()
    if outsider == "organiser_of_other_partner":
        login(make_user(Role.ORGANISER, partners=[make_partner(partner.project)]))
    elif outsider == "manager_of_other_project":
        login(make_user(Role.MANAGER, projects=[make_project()]))
    slug = partner.project.slug
    for suffix in ("/ledger", "/ledger.xlsx", "/ledger.pdf", "/ledger/evidence-pack.zip"):
        response = client.get(f"/projects/{slug}{suffix}")
        if outsider == "organiser_of_other_partner":
            assert response.status_code == 200, suffix
            body = response.get_data()
            if suffix.endswith((".xlsx", ".zip")):  # the parts of a zip, unpacked, and their names
                with zipfile.ZipFile(io.BytesIO(body)) as archive:
                    body = b"".join(name.encode() + archive.read(name) for name in archive.namelist())
            for secret in (b"Secret planned event", SECRET_TITLE.encode(), b"secret-material", event.slug.encode()):
                assert secret not in body, f"{suffix} showed {secret!r}"
        elif outsider == "anonymous":
            assert response.status_code == 302 and "/login" in response.headers["Location"]
        else:
            assert response.status_code == 404, suffix
