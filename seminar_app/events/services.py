"""Business rules for events: creation, editing, duplication, deletion and status changes.

Routes, the API and the CLI all come through here. Every function validates the
whole input, raises `ValidationFailed` (field -> messages) or a `DomainError`,
and commits on success. A rejected call changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from urllib.parse import urlparse

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from seminar_app import geo
from seminar_app.accounts.models import User
from seminar_app.agenda.models import AgendaItem, AgendaItemTranslation, Speaker
from seminar_app.audit import services as audit
from seminar_app.audit.models import AuditAction
from seminar_app.calendar import invitations
from seminar_app.db_types import utcnow
from seminar_app.enums import EventFormat, EventKind, EventStatus, TargetAudience
from seminar_app.errors import DomainError, InvalidTransition, ValidationFailed
from seminar_app.events.models import Event, EventTranslation
from seminar_app.extensions import db
from seminar_app.projects.models import Partner, ProjectResult
from seminar_app.registration.services import capacity_changed, tell_attendees_of_change, tell_attendees_of_status
from seminar_app.timefmt import to_utc
from seminar_app.validation import FieldErrors, slugify


@dataclass
class EventInput:
    """What an organiser enters for an event. Times are wall-clock times in `timezone`."""

    title: str
    starts_local: datetime
    ends_local: datetime
    timezone: str
    language: str
    format: EventFormat
    kind: EventKind = EventKind.SEMINAR
    slug: str = ""
    summary: str = ""
    description: str = ""
    venue_name: str = ""
    address: str = ""
    city: str = ""
    country: str = ""
    online_platform: str = ""
    joining_url: str = ""
    capacity_onsite: int | None = None
    capacity_online: int | None = None
    registration_opens_local: datetime | None = None
    registration_closes_local: datetime | None = None
    requires_approval: bool = False
    target_audiences: list[str] = field(default_factory=list)
    objective: str = ""
    outcome: str = ""
    result_ids: list[int] = field(default_factory=list)

    @classmethod
    def from_event(cls, event: Event) -> EventInput:
        """The input that would recreate `event` as it is now (used to pre-fill edit forms)."""
        from seminar_app.timefmt import to_local

        tz = event.timezone
        return cls(
            title=event.title,
            starts_local=to_local(event.starts_at, tz),
            ends_local=to_local(event.ends_at, tz),
            timezone=tz,
            language=event.language,
            format=event.format,
            kind=event.kind,
            slug=event.slug,
            summary=event.summary,
            description=event.description,
            venue_name=event.venue_name,
            address=event.address,
            city=event.city,
            country=event.country,
            online_platform=event.online_platform,
            joining_url=event.joining_url,
            capacity_onsite=event.capacity_onsite,
            capacity_online=event.capacity_online,
            registration_opens_local=to_local(event.registration_opens_at, tz) if event.registration_opens_at else None,
            registration_closes_local=to_local(event.registration_closes_at, tz)
            if event.registration_closes_at
            else None,
            requires_approval=event.requires_approval,
            target_audiences=list(event.target_audiences or []),
            objective=event.objective,
            outcome=event.outcome,
            result_ids=[r.id for r in event.results],
        )


def _slug_taken(slug: str, exclude_id: int | None = None) -> bool:
    query = select(Event.id).where(Event.slug == slug)
    if exclude_id is not None:
        query = query.where(Event.id != exclude_id)
    return db.session.scalar(query) is not None


def _free_slug(base: str) -> str:
    slug, n = base, 2
    while _slug_taken(slug):
        slug = f"{base[:95]}-{n}"
        n += 1
    return slug


def _has_translation(event_id: int, language: str) -> bool:
    query = select(EventTranslation.id).where(
        EventTranslation.event_id == event_id, EventTranslation.language == language
    )
    return db.session.scalar(query) is not None


def _is_web_url(value: str) -> bool:
    parsed = urlparse(value)
    return parsed.scheme in {"http", "https"} and bool(parsed.netloc)


def _instant(errors: FieldErrors, local: datetime | None, tz: str, name: str) -> datetime | None:
    """`local` as an instant, or None with the error recorded against `name`."""
    if local is None:
        return None
    try:
        return to_utc(local, tz, field=name)
    except DomainError as exc:
        errors.add(name, exc.message)
        return None


@dataclass
class _Checked:
    starts_at: datetime | None
    ends_at: datetime | None
    opens_at: datetime | None
    closes_at: datetime | None
    results: list[ProjectResult]
    slug: str


_TEXT_FIELDS = (
    "summary",
    "description",
    "venue_name",
    "address",
    "city",
    "online_platform",
    "joining_url",
    "objective",
    "outcome",
)


def _check(data: EventInput, partner: Partner, *, event_id: int | None = None) -> _Checked:
    """Validate everything that needs more than the shape of the input."""
    errors = FieldErrors()
    errors.fit("title", data.title, Event.title, required=_l("Give the event a title."))
    errors.fit_all(data, Event, *_TEXT_FIELDS)
    if not geo.is_timezone(data.timezone):
        errors.add("timezone", _("%(zone)s is not a known time zone.", zone=data.timezone))
        errors.raise_if_any()
    if data.language not in geo.EVENT_LANGUAGES:
        errors.add("language", _("Choose the language the event is held in."))
    elif event_id is not None and _has_translation(event_id, data.language):
        errors.add(
            "language",
            _(
                "The event has a translation into %(language)s: delete it on the Translations tab "
                "before making that language the main one.",
                language=geo.language_name(data.language),
            ),
        )

    starts_at = _instant(errors, data.starts_local, data.timezone, "starts_local")
    ends_at = _instant(errors, data.ends_local, data.timezone, "ends_local")
    if starts_at and ends_at and ends_at <= starts_at:
        errors.add("ends_local", _("The end must be after the start."))

    if data.format.has_venue:
        if not data.venue_name.strip():
            errors.add("venue_name", _("An event held in person needs a venue."))
        if not data.city.strip():
            errors.add("city", _("An event held in person needs a city."))
    if data.format.is_online:
        if not data.joining_url.strip():
            errors.add("joining_url", _("An online or hybrid event needs a joining link."))
        elif not _is_web_url(data.joining_url.strip()):
            errors.add("joining_url", _("The joining link must start with https:// or http://."))
    if data.country and not geo.is_country(data.country):
        errors.add("country", _("Choose a country from the list."))

    for name in ("capacity_onsite", "capacity_online"):
        value = getattr(data, name)
        if value is not None and value < 0:
            errors.add(name, _("Capacity cannot be negative; leave it empty for no limit."))

    opens_at = _instant(errors, data.registration_opens_local, data.timezone, "registration_opens_local")
    closes_at = _instant(errors, data.registration_closes_local, data.timezone, "registration_closes_local")
    if opens_at and closes_at and closes_at <= opens_at:
        errors.add("registration_closes_local", _("Registration must close after it opens."))
    if closes_at and ends_at and closes_at > ends_at:
        errors.add("registration_closes_local", _("Registration cannot close after the event ends."))

    allowed_audiences = {a.value for a in TargetAudience}
    if any(a not in allowed_audiences for a in data.target_audiences):
        errors.add("target_audiences", _("Choose target audiences from the list."))

    results = []
    if data.result_ids:
        results = list(
            db.session.scalars(
                select(ProjectResult).where(
                    ProjectResult.id.in_(data.result_ids), ProjectResult.project_id == partner.project_id
                )
            )
        )
        if len(results) != len(set(data.result_ids)):
            errors.add("result_ids", _("Choose results of this event's project."))

    slug = data.slug.strip().lower()
    if slug:
        if slugify(slug, max_length=100) != slug:
            errors.add("slug", _("Use only lower-case letters, digits and hyphens."))
        elif _slug_taken(slug, exclude_id=event_id):
            errors.add("slug", _("The address “%(slug)s” is already taken by another event.", slug=slug))

    errors.raise_if_any()
    return _Checked(starts_at, ends_at, opens_at, closes_at, results, slug)


def _apply(event: Event, data: EventInput, checked: _Checked, partner: Partner) -> None:
    event.title = data.title.strip()
    event.kind = data.kind
    event.summary = data.summary.strip()
    event.description = data.description
    event.language = data.language
    event.timezone = data.timezone
    event.starts_at = checked.starts_at  # type: ignore[assignment]
    event.ends_at = checked.ends_at  # type: ignore[assignment]
    event.format = data.format
    has_venue, online = data.format.has_venue, data.format.is_online
    event.venue_name = data.venue_name.strip() if has_venue else ""
    event.address = data.address.strip() if has_venue else ""
    event.city = data.city.strip() if has_venue else ""
    event.country = (data.country or partner.country).upper()
    event.online_platform = data.online_platform.strip() if online else ""
    event.joining_url = data.joining_url.strip() if online else ""
    event.capacity_onsite = data.capacity_onsite if has_venue else None
    event.capacity_online = data.capacity_online if online else None
    event.registration_opens_at = checked.opens_at
    event.registration_closes_at = checked.closes_at
    event.requires_approval = data.requires_approval
    event.target_audiences = list(dict.fromkeys(data.target_audiences))
    event.objective = data.objective.strip()
    event.outcome = data.outcome
    event.results = checked.results


def create_event(partner: Partner, data: EventInput, *, actor: User | None = None) -> Event:
    """Create a draft event for `partner`. Every text is checked to fit its column (no
    control characters, not too long), so nothing is saved that the database would refuse.
    Raises `ValidationFailed`."""
    checked = _check(data, partner)
    # The slug query must run before the new event exists: autoflushing a half-built event fails.
    slug = checked.slug or _free_slug(slugify(data.title, max_length=100) or "event")
    event = Event(partner=partner, status=EventStatus.DRAFT, slug=slug)
    _apply(event, data, checked, partner)
    db.session.add(event)
    db.session.flush()
    audit.record(AuditAction.EVENT_CREATED, actor=actor, event=event, details={"title": event.title})
    db.session.commit()
    return event


def update_event(event: Event, data: EventInput, *, actor: User | None = None) -> Event:
    """Change an event's details. Agenda items move with the start, keeping their offsets;
    if an item would then fall outside the event the change is refused. When a capacity
    grows, the first people on its waiting list get the new seats and are told by e-mail.
    Raises `ValidationFailed`, `InvalidTransition` for cancelled or delivered events."""
    if event.status in (EventStatus.CANCELLED, EventStatus.DELIVERED):
        raise InvalidTransition(_("A cancelled or delivered event can no longer be edited."))
    checked = _check(data, event.partner, event_id=event.id)
    shift = checked.starts_at - event.starts_at  # type: ignore[operator]
    outside = [
        item
        for item in event.agenda_items
        if item.starts_at + shift < checked.starts_at or item.ends_at + shift > checked.ends_at  # type: ignore[operator]
    ]
    if outside:
        message = _(
            "%(count)d agenda item(s) would fall outside the new times, such as “%(title)s”. Change the agenda first.",
            count=len(outside),
            title=outside[0].title,
        )
        raise ValidationFailed({"ends_local": [message]})
    for item in event.agenda_items:
        item.starts_at += shift
        item.ends_at += shift
    before = (event.capacity_onsite, event.capacity_online)
    entry_before = invitations.snapshot(event)
    fields_before = _audited_fields(event)
    _apply(event, data, checked, event.partner)
    event.slug = checked.slug or event.slug
    db.session.flush()
    fields_after = _audited_fields(event)
    changed = [name for name in fields_before if fields_before[name] != fields_after[name]]
    if changed:
        audit.record(AuditAction.EVENT_CHANGED, actor=actor, event=event, details={"fields": changed})
    tell_attendees_of_change(event, entry_before)
    db.session.commit()
    if any(_grew(old, new) for old, new in zip(before, (event.capacity_onsite, event.capacity_online), strict=True)):
        capacity_changed(event)
    return event


_NOT_AUDITED = {
    *("id", "partner_id", "created_at", "updated_at", "published_at", "status", "status_note"),
    *("registration_changes", "ical_sequence"),
}


def _audited_fields(event: Event) -> dict[str, object]:
    """The event's editable values by field name, to name what an edit changed (the audit
    log keeps the names, not the values)."""
    values: dict[str, object] = {
        column.key: getattr(event, column.key) for column in Event.__table__.columns if column.key not in _NOT_AUDITED
    }
    values["results"] = sorted(result.id for result in event.results)
    return values


def _grew(old: int | None, new: int | None) -> bool:
    """Whether a capacity (None: no limit) now offers more seats than before."""
    if old is None:
        return False
    return new is None or new > old


def duplicate_event(event: Event, new_start_local: datetime, *, actor: User | None = None) -> Event:
    """Copy an event as a new draft starting at `new_start_local` (in the event's zone),
    with its agenda, speakers and results shifted by the same amount of time."""
    new_start = to_utc(new_start_local, event.timezone, field="starts_local")
    shift: timedelta = new_start - event.starts_at
    with db.session.no_autoflush:
        copy = _copy_of(event, shift)
        db.session.add(copy)
    db.session.flush()
    audit.record(
        AuditAction.EVENT_CREATED, actor=actor, event=copy, details={"title": copy.title, "copied_from": event.id}
    )
    db.session.commit()
    return copy


def _copy_of(event: Event, shift: timedelta) -> Event:
    copy = Event(
        partner=event.partner,
        status=EventStatus.DRAFT,
        slug=_free_slug(slugify(event.title, max_length=100) or "event"),
        starts_at=event.starts_at + shift,
        ends_at=event.ends_at + shift,
        registration_opens_at=event.registration_opens_at + shift if event.registration_opens_at else None,
        registration_closes_at=event.registration_closes_at + shift if event.registration_closes_at else None,
        results=list(event.results),
        target_audiences=list(event.target_audiences or []),
    )
    skip = {"id", "slug", "status", "starts_at", "ends_at", "registration_opens_at", "registration_closes_at"}
    skip |= {"created_at", "updated_at", "published_at", "partner_id", "status_note", "outcome", "target_audiences"}
    for column in Event.__table__.columns:
        if column.key not in skip:
            setattr(copy, column.key, getattr(event, column.key))
    speakers = {s.id: Speaker(name=s.name, affiliation=s.affiliation, bio=s.bio) for s in event.speakers}
    copy.speakers = list(speakers.values())
    copy.agenda_items = [
        AgendaItem(
            starts_at=item.starts_at + shift,
            ends_at=item.ends_at + shift,
            title=item.title,
            description=item.description,
            kind=item.kind,
            speakers=[speakers[s.id] for s in item.speakers],
            translations=[
                AgendaItemTranslation(language=t.language, title=t.title, description=t.description)
                for t in item.translations
            ],
        )
        for item in event.agenda_items
    ]
    copy.translations = [
        EventTranslation(
            language=t.language, title=t.title, summary=t.summary, description=t.description, objective=t.objective
        )
        for t in event.translations
    ]
    return copy


def delete_event(event: Event, *, actor: User | None = None) -> None:
    """Delete a draft. Anything once published is kept for reporting: cancel it instead."""
    if event.status is not EventStatus.DRAFT:
        raise InvalidTransition(_("Only drafts can be deleted. Cancel a published event instead."))
    # The entry names the event by id and title only: it outlives the row.
    audit.record(
        AuditAction.EVENT_DELETED,
        actor=actor,
        partner=event.partner,
        target_id=event.id,
        details={"title": event.title},
    )
    db.session.delete(event)
    db.session.commit()


_TRANSITIONS: dict[EventStatus, set[EventStatus]] = {
    EventStatus.PUBLISHED: {EventStatus.DRAFT, EventStatus.POSTPONED},
    EventStatus.POSTPONED: {EventStatus.PUBLISHED},
    EventStatus.CANCELLED: {EventStatus.PUBLISHED, EventStatus.POSTPONED},
    EventStatus.DELIVERED: {EventStatus.PUBLISHED},
}


_STATUS_ACTIONS = {
    EventStatus.PUBLISHED: AuditAction.EVENT_PUBLISHED,
    EventStatus.POSTPONED: AuditAction.EVENT_POSTPONED,
    EventStatus.CANCELLED: AuditAction.EVENT_CANCELLED,
    EventStatus.DELIVERED: AuditAction.EVENT_DELIVERED,
}


def _has_taken_place(event: Event) -> bool:
    """A published event whose end has passed happened (a postponed one did not, whatever
    its old date): cancelling it would tell its attendees it never took place."""
    return event.status is EventStatus.PUBLISHED and event.is_past


def allowed_transitions(event: Event) -> list[EventStatus]:
    """The statuses `event` can move to now, in the order buttons are shown."""
    allowed = [target for target, sources in _TRANSITIONS.items() if event.status in sources]
    if EventStatus.DELIVERED in allowed and not event.is_past:
        allowed.remove(EventStatus.DELIVERED)
    if EventStatus.CANCELLED in allowed and _has_taken_place(event):
        allowed.remove(EventStatus.CANCELLED)
    return allowed


def change_status(event: Event, target: EventStatus, *, note: str = "", actor: User | None = None) -> Event:
    """Publish, postpone, cancel or mark delivered. Raises `InvalidTransition` when the
    move makes no sense (for example delivering an event that has not happened, or
    cancelling a published one that has already ended), and
    `ValidationFailed` (field "note") for a note that cannot be stored."""
    if target not in _TRANSITIONS or event.status not in _TRANSITIONS[target]:
        raise InvalidTransition(
            _(
                "This change of status is not possible: %(current)s → %(target)s.",
                current=event.status.label,
                target=target.label,
            )
        )
    if target is EventStatus.DELIVERED and not event.is_past:
        raise InvalidTransition(_("An event can be marked delivered only after it has ended."))
    if target is EventStatus.CANCELLED and _has_taken_place(event):
        raise InvalidTransition(_("This event has already ended, so it can no longer be cancelled."))
    errors = FieldErrors()
    errors.fit("note", note, Event.status_note)
    errors.raise_if_any()
    previous = event.status
    event.status = target
    event.status_note = note.strip() if target in (EventStatus.POSTPONED, EventStatus.CANCELLED) else ""
    if target is EventStatus.PUBLISHED and event.published_at is None:
        event.published_at = utcnow()
    if previous in invitations.LIVE_STATUSES and target is not EventStatus.DELIVERED:
        db.session.flush()
        tell_attendees_of_status(event)
    audit.record(
        _STATUS_ACTIONS[target], actor=actor, event=event, details={"from": previous.value, "to": target.value}
    )
    db.session.commit()
    return event


def publish_event(event: Event, *, actor: User | None = None) -> Event:
    return change_status(event, EventStatus.PUBLISHED, actor=actor)
