"""Read-only figures of campaigns: how far their mail has got (progress) and what the
invitees did (conversion), per campaign, per stakeholder group and for a set of events.

Answers come only from what people did through their links and registrations, never from
tracking. Each function runs a fixed number of queries whatever the number of invitees.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import Select, func, select
from sqlalchemy.orm import InstrumentedAttribute

from seminar_app import geo
from seminar_app.campaigns.models import Campaign, Invitation
from seminar_app.contacts.models import Contact, Suppression
from seminar_app.enums import InvitationStatus, OutboxStatus
from seminar_app.events.models import Event
from seminar_app.extensions import db
from seminar_app.mail.models import OutboxMessage
from seminar_app.projects.models import Partner, StakeholderGroup, group_label

# --- who is still to be written to --------------------------------------------------------


def _not_suppressed(project_id: int) -> Any:
    return Invitation.email_hash.not_in(select(Suppression.email_hash).where(Suppression.project_id == project_id))


def invitations_to_queue(campaign: Campaign, project_id: int) -> Any:
    """Conditions for the campaign's invitations still to be queued: no mail yet, no answer
    yet, not erased and not suppressed now (a suppressed address is never written to)."""
    return (
        Invitation.campaign_id == campaign.id,
        Invitation.message_id.is_(None),
        Invitation.status == InvitationStatus.INVITED,
        Invitation.email.is_not(None),
        _not_suppressed(project_id),
    )


def reminders_to_queue(campaign: Campaign, project_id: int) -> Any:
    """Conditions for the reminder's recipients (join OutboxMessage on `message_id`): their
    invitation was sent, they have not answered, had no reminder, are not erased or suppressed."""
    return (
        Invitation.campaign_id == campaign.id,
        Invitation.status == InvitationStatus.INVITED,
        Invitation.reminder_message_id.is_(None),
        Invitation.email.is_not(None),
        OutboxMessage.status == OutboxStatus.SENT,
        _not_suppressed(project_id),
    )


def reminder_recipients_count(campaign: Campaign) -> int:
    """How many people the campaign's reminder would reach now."""
    query = (
        select(func.count())
        .select_from(Invitation)
        .join(OutboxMessage, OutboxMessage.id == Invitation.message_id)
        .where(*reminders_to_queue(campaign, campaign.event.partner.project_id))
    )
    return db.session.scalar(query) or 0


def unfinished_campaign_ids() -> list[int]:
    """Campaigns with invitations or a reminder still to be queued (the work left, oldest first)."""
    unfinished = Campaign.queued_at.is_(None) | (
        Campaign.reminder_requested_at.is_not(None) & Campaign.reminder_queued_at.is_(None)
    )
    return list(db.session.scalars(select(Campaign.id).where(unfinished).order_by(Campaign.id)))


# --- progress -----------------------------------------------------------------------------


@dataclass
class MailProgress:
    """Where one kind of a campaign's mail is: waiting to be queued, in the outbox (queued
    or being sent), sent, failed; `left_out`: people it will not go to (they answered,
    unsubscribed or were erased before their mail was queued)."""

    waiting: int = 0
    queued: int = 0
    sent: int = 0
    failed: int = 0
    left_out: int = 0
    finished_queueing: bool = False

    @property
    def total(self) -> int:
        return self.waiting + self.queued + self.sent + self.failed

    @property
    def percent(self) -> int:
        """The share of the mail that has left the outbox (sent, or failed for good), rounded
        down: 100 only once nothing is waiting or queued, never while a mail is in the outbox."""
        return 100 * (self.sent + self.failed) // self.total if self.total else 100

    @property
    def summary(self) -> list[str]:
        """How many were sent and, while any are, how many are still in the outbox, as sentences."""
        sentences = [ngettext("%(num)d mail sent.", "%(num)d mails sent.", self.sent)]
        if self.queued:
            sentences.append(
                ngettext(
                    "%(num)d mail queued in the outbox, not sent yet.",
                    "%(num)d mails queued in the outbox, not sent yet.",
                    self.queued,
                )
            )
        return sentences

    @property
    def done(self) -> bool:
        return self.finished_queueing and self.waiting == 0 and self.queued == 0

    def as_dict(self) -> dict[str, int | bool]:
        return {
            "waiting": self.waiting,
            "queued": self.queued,
            "sent": self.sent,
            "failed": self.failed,
            "left_out": self.left_out,
            "total": self.total,
            "percent": self.percent,
            "done": self.done,
            "summary": " ".join(self.summary),
        }


@dataclass
class Progress:
    invitations: MailProgress
    reminder: MailProgress | None = None

    @property
    def done(self) -> bool:
        return self.invitations.done and (self.reminder is None or self.reminder.done)

    def as_dict(self) -> dict[str, Any]:
        return {
            "invitations": self.invitations.as_dict(),
            "reminder": self.reminder.as_dict() if self.reminder else None,
            "done": self.done,
        }


def _outbox_counts(campaign_ids: Sequence[int], column: InstrumentedAttribute[Any]) -> dict[int, dict[Any, int]]:
    rows = db.session.execute(
        select(Invitation.campaign_id, OutboxMessage.status, func.count())
        .join(OutboxMessage, OutboxMessage.id == column)
        .where(Invitation.campaign_id.in_(campaign_ids))
        .group_by(Invitation.campaign_id, OutboxMessage.status)
    )
    counts: dict[int, dict[Any, int]] = defaultdict(dict)
    for campaign_id, status, count in rows:
        counts[campaign_id][status] = count
    return counts


def progress_of(campaigns: Sequence[Campaign]) -> dict[int, Progress]:
    """The progress of each of one event's campaigns, in five queries whatever their size."""
    if not campaigns:
        return {}
    ids = [c.id for c in campaigns]
    project_id = campaigns[0].event.partner.project_id
    totals = dict(
        db.session.execute(
            select(Invitation.campaign_id, func.count())
            .where(Invitation.campaign_id.in_(ids))
            .group_by(Invitation.campaign_id)
        ).all()
    )
    waiting = dict(
        db.session.execute(
            select(Invitation.campaign_id, func.count())
            .where(
                Invitation.campaign_id.in_(ids),
                Invitation.message_id.is_(None),
                Invitation.status == InvitationStatus.INVITED,
                Invitation.email.is_not(None),
                _not_suppressed(project_id),
            )
            .group_by(Invitation.campaign_id)
        ).all()
    )
    invitation_mail = _outbox_counts(ids, Invitation.message_id)
    reminder_mail = _outbox_counts(ids, Invitation.reminder_message_id)
    reminder_waiting = _reminders_waiting(campaigns, project_id)
    result: dict[int, Progress] = {}
    for campaign in campaigns:
        mails = invitation_mail.get(campaign.id, {})
        invitations = _mail_progress(mails, 0 if campaign.queued_at else waiting.get(campaign.id, 0))
        invitations.finished_queueing = campaign.queued_at is not None
        invitations.left_out = totals.get(campaign.id, 0) - invitations.total
        reminder = None
        if campaign.reminder_requested_at is not None:
            pending = 0 if campaign.reminder_queued_at else reminder_waiting.get(campaign.id, 0)
            reminder = _mail_progress(reminder_mail.get(campaign.id, {}), pending)
            reminder.finished_queueing = campaign.reminder_queued_at is not None
        result[campaign.id] = Progress(invitations, reminder)
    return result


def _mail_progress(counts: dict[Any, int], waiting: int) -> MailProgress:
    return MailProgress(
        waiting=waiting,
        queued=counts.get(OutboxStatus.QUEUED, 0) + counts.get(OutboxStatus.SENDING, 0),
        sent=counts.get(OutboxStatus.SENT, 0),
        failed=counts.get(OutboxStatus.FAILED, 0),
    )


def _reminders_waiting(campaigns: Sequence[Campaign], project_id: int) -> dict[int, int]:
    asked = [c for c in campaigns if c.reminder_requested_at is not None and c.reminder_queued_at is None]
    if not asked:
        return {}
    rows = db.session.execute(
        select(Invitation.campaign_id, func.count())
        .join(OutboxMessage, OutboxMessage.id == Invitation.message_id)
        .where(
            Invitation.campaign_id.in_([c.id for c in asked]),
            Invitation.status == InvitationStatus.INVITED,
            Invitation.reminder_message_id.is_(None),
            Invitation.email.is_not(None),
            OutboxMessage.status == OutboxStatus.SENT,
            _not_suppressed(project_id),
        )
        .group_by(Invitation.campaign_id)
    )
    return dict(rows.all())


def progress(campaign: Campaign) -> Progress:
    """Where the campaign's invitations (and its reminder, once asked for) are."""
    return progress_of([campaign])[campaign.id]


# --- conversion ---------------------------------------------------------------------------


@dataclass
class Conversion:
    """What the invitees did: registered, said they cannot come, unsubscribed, or nothing yet."""

    label: str = ""
    invited: int = 0
    registered: int = 0
    declined: int = 0
    unsubscribed: int = 0
    no_answer: int = 0

    @property
    def rate(self) -> float:
        """Registered per invited, 0.0 to 1.0."""
        return self.registered / self.invited if self.invited else 0.0

    def add(self, status: InvitationStatus, count: int) -> None:
        self.invited += count
        if status is InvitationStatus.REGISTERED:
            self.registered += count
        elif status is InvitationStatus.DECLINED:
            self.declined += count
        elif status is InvitationStatus.UNSUBSCRIBED:
            self.unsubscribed += count
        else:
            self.no_answer += count


@dataclass
class ConversionReport:
    overall: Conversion
    by_group: list[Conversion] = field(default_factory=list)


def _group_labels(project_ids: Collection[int]) -> dict[str, str]:
    rows = db.session.execute(
        select(StakeholderGroup.code, StakeholderGroup.label)
        .where(StakeholderGroup.project_id.in_(list(project_ids)))
        .order_by(StakeholderGroup.position)
    )
    return {code: group_label(code, label) for code, label in rows.all()}


def _conversion(condition: Any, project_ids: Collection[int]) -> ConversionReport:
    rows = db.session.execute(
        select(Invitation.stakeholder_group, Invitation.status, func.count())
        .where(condition)
        .group_by(Invitation.stakeholder_group, Invitation.status)
    ).all()
    labels = _group_labels(project_ids)
    overall = Conversion(label=_("All invitees"))
    groups: dict[str, Conversion] = {}
    for code, status, count in rows:
        overall.add(status, count)
        label = labels.get(code, code) if code else _("No group given")
        groups.setdefault(code or "", Conversion(label=label)).add(status, count)
    order = {code: n for n, code in enumerate(labels)}
    by_group = [groups[code] for code in sorted(groups, key=lambda c: (order.get(c, len(order)), c == "", c))]
    return ConversionReport(overall, by_group)


def conversion(campaign: Campaign) -> ConversionReport:
    """The campaign's invitees by answer, overall and by stakeholder group (two queries)."""
    return _conversion(Invitation.campaign_id == campaign.id, [campaign.event.partner.project_id])


def conversion_for_events(
    event_ids: Collection[int] | Select[tuple[int]], *, project_ids: Collection[int] | None = None
) -> ConversionReport:
    """Every campaign's invitees of these events (ids, or a SELECT of ids such as the
    reports' `selected_events`) by answer, overall and by group: two or three queries.
    Group labels come from `project_ids`, by default the events' projects."""
    ids = event_ids if isinstance(event_ids, Select) else list(event_ids)
    if project_ids is None:
        project_ids = set(
            db.session.scalars(
                select(Partner.project_id).join(Event, Event.partner_id == Partner.id).where(Event.id.in_(ids))
            )
        )
    return _conversion(Invitation.event_id.in_(ids), project_ids)


# --- lists ----------------------------------------------------------------------------------


def campaigns_of_event(event: Event) -> list[Campaign]:
    """The event's campaigns, the latest first."""
    return list(db.session.scalars(select(Campaign).where(Campaign.event_id == event.id).order_by(Campaign.id.desc())))


def campaign_number(campaign: Campaign) -> int:
    """The campaign's number within its event (1 for the first), as organisers count them."""
    earlier = select(func.count()).where(Campaign.event_id == campaign.event_id, Campaign.id <= campaign.id)
    return db.session.scalar(earlier) or 1


def campaign_of_event(event: Event, campaign_id: int) -> Campaign | None:
    """The campaign if it belongs to `event` (so an id from another event answers None)."""
    return db.session.scalar(select(Campaign).where(Campaign.id == campaign_id, Campaign.event_id == event.id))


def invitees(campaign: Campaign) -> list[Invitation]:
    """The campaign's invitees by name (personal data: only for people who may use the contacts)."""
    return list(
        db.session.scalars(
            select(Invitation).where(Invitation.campaign_id == campaign.id).order_by(Invitation.name, Invitation.id)
        )
    )


def conversion_by_campaign(campaigns: Sequence[Campaign]) -> dict[int, Conversion]:
    """Each campaign's overall conversion, in one query."""
    rows = db.session.execute(
        select(Invitation.campaign_id, Invitation.status, func.count())
        .where(Invitation.campaign_id.in_([c.id for c in campaigns]))
        .group_by(Invitation.campaign_id, Invitation.status)
    )
    result = {c.id: Conversion() for c in campaigns}
    for campaign_id, status, count in rows:
        result[campaign_id].add(status, count)
    return result


def conversion_by_event(event_ids: Select[tuple[int]]) -> dict[int, tuple[int, Conversion]]:
    """For each of `event_ids` that had a campaign: how many campaigns, and what all their
    invitees did. Two grouped queries, whatever the number of events."""
    counts = db.session.execute(
        select(Campaign.event_id, func.count()).where(Campaign.event_id.in_(event_ids)).group_by(Campaign.event_id)
    )
    result = {event_id: (int(n), Conversion()) for event_id, n in counts}
    rows = db.session.execute(
        select(Invitation.event_id, Invitation.status, func.count())
        .where(Invitation.event_id.in_(event_ids))
        .group_by(Invitation.event_id, Invitation.status)
    )
    for event_id, status, count in rows:
        if event_id in result:
            result[event_id][1].add(status, count)
    return result


# --- what the campaign form offers -----------------------------------------------------------


def contact_values(partner: Partner) -> tuple[list[str], list[str]]:
    """The countries and languages the partner's contacts have (to offer as filters)."""
    rows = db.session.execute(
        select(Contact.country, Contact.language).where(Contact.partner_id == partner.id).distinct()
    )
    countries, languages = set(), set()
    for country, language in rows:
        if country:
            countries.add(country)
        if language:
            languages.add(language)
    return geo.sorted_countries(countries), geo.sorted_languages(languages)
