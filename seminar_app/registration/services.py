"""Business rules for registrations: capacity, waiting list, approval, self-service, erasure.

The web form, the JSON API and the organiser pages all come through here. Every
change that affects seats first bumps the event's `registration_changes` counter:
that UPDATE holds the event's row lock (PostgreSQL) or the write lock (SQLite)
until commit, so seats are counted and handed out one registration at a time,
and waiting-list order is the order of arrival. Mail is queued in the same
transaction (outbox), so it is sent exactly when the change is committed.

A new registration in a mode without a seat limit has no seat to decide: it holds the
event's row in share mode instead (`_share_event`), so such registrations run side by
side, while anything that changes the event or its seats still waits for them and they
for it. Two registrations of one address wait for each other on a lock of their own.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from base64 import urlsafe_b64encode
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import (
    Column,
    Executable,
    Integer,
    Select,
    Update,
    and_,
    bindparam,
    exists,
    func,
    inspect,
    or_,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value

from seminar_app import geo, i18n, pagecache, sentences
from seminar_app.accounts.models import User
from seminar_app.audit import services as audit
from seminar_app.audit.models import AuditAction
from seminar_app.calendar import invitations
from seminar_app.campaigns import responses as invitation_responses
from seminar_app.campaigns.models import Invitation
from seminar_app.contacts.models import email_hash
from seminar_app.db_types import start_write_transaction, utcnow
from seminar_app.enums import AttendanceMode, ConsentPurpose, EventFormat, EventStatus, RegistrationStatus
from seminar_app.errors import DomainError, InvalidTransition, ValidationFailed
from seminar_app.events.models import Event
from seminar_app.extensions import db
from seminar_app.projects.models import PrivacyNotice
from seminar_app.projects.queries import shown_privacy_notice
from seminar_app.registration import emails
from seminar_app.registration.models import Consent, Registration
from seminar_app.validation import FieldErrors, is_email

ACTIVE = (RegistrationStatus.CONFIRMED, RegistrationStatus.PENDING)
# The one order of a waiting list, wherever it is shown or served: time of registration
# (taken under the event's lock, so it is the order of arrival), then id.
WAITLIST_ORDER = (Registration.created_at, Registration.id)
OPTIONAL_CONSENTS = (ConsentPurpose.PHOTOS, ConsentPurpose.ATTENDEE_LIST, ConsentPurpose.NEWS)


class RegistrationClosed(DomainError):
    code = "registration_closed"
    status = 409


@dataclass
class RegistrationInput:
    """What a person enters on the registration form (or an organiser on their behalf)."""

    name: str
    email: str
    organisation: str = ""
    organisation_city: str = ""
    organisation_country: str = ""
    function_role: str = ""
    stakeholder_group: str = ""
    mode: AttendanceMode | None = None
    is_partner_staff: bool = False
    access_needs: str = ""
    privacy_acknowledged: bool = False
    consent_photos: bool = False
    consent_attendee_list: bool = False
    consent_news: bool = False
    # The language the person registered in: their mails, calendar entries, questionnaire
    # and certificate follow it. One of the shipped languages (Config.LANGUAGES); empty:
    # the event's (`event_language_for_people`), never a silent English.
    language: str = ""
    # The language the form (and so the privacy notice) was shown in, if not `language`.
    notice_language: str = ""


@dataclass
class RegistrationOutcome:
    """`created` is False when the address was already registered: the caller must show
    the same page either way, so nobody learns who is registered."""

    registration: Registration
    created: bool


# --- private links ---------------------------------------------------------------------


def private_token(registration: Registration) -> str:
    """The token of the registration's private link, derived from its salt and SECRET_KEY."""
    if not registration.link_salt:
        raise DomainError(_("This registration no longer has a private link."), code="link_expired")
    digest = hmac.new(
        current_app.config["SECRET_KEY"].encode(), f"registration-link:{registration.link_salt}".encode(), "sha256"
    ).digest()
    return urlsafe_b64encode(digest).decode().rstrip("=")


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _give_link(registration: Registration) -> None:
    registration.link_salt = secrets.token_hex(16)
    registration.token_hash = _hash_token(private_token(registration))


def find_by_token(token: str) -> Registration | None:
    """The registration whose private link carries `token`, or None (unknown, erased or purged)."""
    if not token or len(token) > 100:
        return None
    return db.session.scalar(select(Registration).where(Registration.token_hash == _hash_token(token)))


# --- seats -------------------------------------------------------------------------------


def _lock_event(event: Event, *, refresh: bool = False) -> None:
    """Serialise seat decisions for this event until the transaction ends (see module docstring).
    Must come before anything the transaction writes. With `refresh`, the event's columns are
    read again in the same statement: for an event kept from an earlier request
    (`queries.event_to_register`), so that seats, SEQUENCE and status are decided on its row now.
    A registration is not an edit: the event's `updated_at` (a calendar's Last-Modified) stays."""
    start_write_transaction(db.session)
    if not refresh:
        db.session.execute(
            update(Event)
            .where(Event.id == event.id)
            .values(registration_changes=Event.registration_changes + 1, updated_at=Event.updated_at)
        )
        return
    _read_into(event, _lock_and_read_statement(), {"event_id": event.id})


def _share_event(event: Event, email: str) -> None:
    """Hold the event's row in share mode until the transaction ends, reading its columns again
    (as `_lock_event(refresh=True)` does), and, on PostgreSQL, a lock on the address in this event:
    for a new registration in a mode without a seat limit, which decides no seat. Nothing that
    changes the event's row (a seat decision, an edit of its limits) runs while it holds it, and
    two of them for one address, whatever its case, take turns, so `_existing` sees the first."""
    start_write_transaction(db.session)
    on_postgresql = db.session.get_bind().dialect.name == "postgresql"
    parameters = {"event_id": event.id, **({"address_key": _address_key(email)} if on_postgresql else {})}
    _read_into(event, _share_and_read_statement(address_lock=on_postgresql), parameters)


def _address_key(email: str) -> int:
    """A signed 32-bit key for the address in any case, the second half of its advisory lock."""
    digest = hashlib.blake2b(email.lower().encode(), digest_size=4).digest()
    return int.from_bytes(digest, "big", signed=True)


def _read_into(event: Event, columns_and_statement: tuple[list[str], Executable], parameters: dict[str, int]) -> None:
    """Set the event's columns, but those the request has changed, from the statement's row (which
    may go on with values of no column, such as an advisory lock's)."""
    keys, statement = columns_and_statement
    row = db.session.execute(statement, parameters).one()
    state = inspect(event)
    for key, value in zip(keys, row[: len(keys)], strict=True):
        if not state.modified or not state.attrs[key].history.has_changes():
            set_committed_value(event, key, value)


def _event_columns() -> dict[str, Column]:
    return {attribute.key: attribute.columns[0] for attribute in inspect(Event).column_attrs}


@cache
def _lock_and_read_statement() -> tuple[list[str], Update]:
    """The seat lock's UPDATE returning every column of the event's row (with the attribute
    each goes to), built once: a Core statement, as the ORM's bulk UPDATE cost twice as much."""
    columns = _event_columns()
    table = Event.__table__
    statement = (
        table.update()
        .where(table.c.id == bindparam("event_id"))
        .values(registration_changes=table.c.registration_changes + 1, updated_at=table.c.updated_at)
        .returning(*columns.values())
    )
    return list(columns), statement


@cache
def _share_and_read_statement(*, address_lock: bool = False) -> tuple[list[str], Select]:
    """`SELECT <the event's columns> ... FOR SHARE`, with PostgreSQL's transaction-level advisory
    lock on (event, address) taken in the same round trip when `address_lock`."""
    columns = _event_columns()
    table = Event.__table__
    taken = [*columns.values()]
    if address_lock:
        taken.append(func.pg_advisory_xact_lock(table.c.id, bindparam("address_key", type_=Integer)))
    statement = select(*taken).where(table.c.id == bindparam("event_id")).with_for_update(read=True)
    return list(columns), statement


def capacity(event: Event, mode: AttendanceMode) -> int | None:
    return event.capacity_onsite if mode is AttendanceMode.ONSITE else event.capacity_online


def seats_taken(event: Event, mode: AttendanceMode) -> int:
    """Confirmed and pending registrations in `mode` (pending ones hold a seat until decided)."""
    return db.session.scalar(_seats_taken_statement(), {"event_id": event.id, "mode": mode}) or 0


@cache
def _seats_taken_statement() -> Select[tuple[int]]:
    """Built once: it is counted under the seat lock (issue 18)."""
    return select(func.count()).where(
        Registration.event_id == bindparam("event_id"),
        Registration.mode == bindparam("mode"),
        Registration.status.in_(ACTIVE),
    )


def _has_seat(event: Event, mode: AttendanceMode, *, exclude: Registration | None = None) -> bool:
    limit = capacity(event, mode)
    if limit is None:
        return True
    taken = seats_taken(event, mode)
    if exclude is not None and exclude.status in ACTIVE and exclude.mode is mode:
        taken -= 1
    return taken < limit


def offered_modes(event: Event) -> list[AttendanceMode]:
    if event.format is EventFormat.HYBRID:
        return [AttendanceMode.ONSITE, AttendanceMode.ONLINE]
    return [AttendanceMode.ONLINE if event.format is EventFormat.ONLINE else AttendanceMode.ONSITE]


def waitlist_position(registration: Registration) -> int | None:
    """1 for the first person waiting in the registration's mode; None when not waiting."""
    if registration.status is not RegistrationStatus.WAITLISTED:
        return None
    ahead = db.session.scalar(
        select(func.count()).where(
            Registration.event_id == registration.event_id,
            Registration.mode == registration.mode,
            Registration.status == RegistrationStatus.WAITLISTED,
            or_(
                Registration.created_at < registration.created_at,
                and_(Registration.created_at == registration.created_at, Registration.id < registration.id),
            ),
        )
    )
    return (ahead or 0) + 1


def promote_waiting(event: Event, *, now: datetime | None = None) -> list[Registration]:
    """Give free seats to the first people on the waiting list, in order, and tell them.
    Nobody is promoted once the event has started: a seat freed then (a cancellation or an
    erasure during or after the event) is of no use, and would change the event's figures.
    The caller holds the event lock and commits."""
    promoted: list[Registration] = []
    if event.starts_at <= (now or utcnow()):
        return promoted
    for mode in offered_modes(event):
        while _has_seat(event, mode):
            first = db.session.scalar(
                select(Registration)
                .where(
                    Registration.event_id == event.id,
                    Registration.mode == mode,
                    Registration.status == RegistrationStatus.WAITLISTED,
                )
                .order_by(*WAITLIST_ORDER)
                .limit(1)
            )
            if first is None:
                break
            _seat(first, now=now)
            db.session.flush()
            emails.queue_promoted(first)
            promoted.append(first)
    return promoted


def _seat(registration: Registration, *, now: datetime | None = None) -> None:
    if registration.event.requires_approval:
        registration.status = RegistrationStatus.PENDING
    else:
        registration.status = RegistrationStatus.CONFIRMED
        registration.confirmed_at = now or utcnow()


# --- registering -------------------------------------------------------------------------


def ensure_open(event: Event, *, now: datetime | None = None) -> None:
    """Raise `RegistrationClosed` with the reason a person may not register now."""
    now = now or utcnow()
    if event.status is EventStatus.CANCELLED:
        raise RegistrationClosed(_("This event is cancelled."))
    if event.status is EventStatus.POSTPONED:
        raise RegistrationClosed(_("This event is postponed; registration will reopen with the new date."))
    if event.status is not EventStatus.PUBLISHED or event.ends_at <= now:
        raise RegistrationClosed(_("Registration is closed: this event is not open to registration."))
    if event.registration_opens_at and now < event.registration_opens_at:
        raise RegistrationClosed(_("Registration has not opened yet."))
    if event.registration_closes_at and now >= event.registration_closes_at:
        raise RegistrationClosed(_("Registration has closed."))


def _check(event: Event, data: RegistrationInput, *, by_organiser: bool) -> tuple[str, AttendanceMode]:
    errors = FieldErrors()
    errors.require("name", data.name, _("Give your name."), max_length=200)
    email = data.email.strip()
    if not is_email(email) or len(email) > 254:
        errors.add("email", _("Give a valid e-mail address, such as name@example.org."))
    errors.limit("organisation", data.organisation, 200)
    errors.limit("organisation_city", data.organisation_city, 120)
    errors.limit("function_role", data.function_role, 200)
    errors.limit("access_needs", data.access_needs, 2000)
    if data.organisation_country and not geo.is_country(data.organisation_country):
        errors.add("organisation_country", _("Choose a country from the list."))
    groups = {g.code for g in event.project.stakeholder_groups}
    if data.stakeholder_group and data.stakeholder_group not in groups:
        errors.add("stakeholder_group", _("Choose a group from the list."))
    modes = offered_modes(event)
    mode = data.mode or (modes[0] if len(modes) == 1 else None)
    if mode is None:
        errors.add("mode", _("Choose whether you will attend on site or online."))
    elif mode not in modes:
        errors.add("mode", sentences.cannot_attend(mode))
    if not by_organiser and not data.privacy_acknowledged:
        errors.add("privacy_acknowledged", _("Please confirm that you have read the privacy notice."))
    if data.language and not i18n.is_shipped(data.language):
        errors.add("language", unknown_language_message(data.language))
    errors.raise_if_any()
    return email, mode  # type: ignore[return-value]


def check_registration(event: Event, data: RegistrationInput) -> None:
    """Every problem `register` would find in `data` from the public form, registering
    nobody: lets a refused form show all its errors at once. Raises `ValidationFailed`."""
    _check(event, data, by_organiser=False)


def event_language_for_people(event: Event) -> str:
    """The language to write to someone added to `event` without saying theirs: the event's,
    else its project's, when the platform ships it."""
    return next(
        (code for code in (event.language, event.project.default_language) if i18n.is_shipped(code)),
        i18n.DEFAULT_LANGUAGE,
    )


def unknown_language_message(code: str) -> str:
    return _(
        "“%(code)s” is not one of the languages of this platform; choose one of: %(languages)s.",
        code=code,
        languages=", ".join(i18n.shipped_languages()),
    )


def _notice_shown(notice: PrivacyNotice | None, language: str) -> tuple[int | None, str | None]:
    """The version and the language of the privacy notice text a reader of `language` saw."""
    if notice is None:
        return None, None
    return notice.version, shown_privacy_notice(notice, language).text_language


def _consent_rows(
    registration: Registration, data: RegistrationInput, notice: PrivacyNotice | None
) -> list[dict[str, object]]:
    """The person's answers as consent rows, for one INSERT once the registration has its id:
    rows rather than objects, as this is written under the seat lock (issue 18)."""
    version, language = _notice_shown(notice, data.notice_language or registration.language)
    answers = {
        ConsentPurpose.PRIVACY_NOTICE: data.privacy_acknowledged,
        ConsentPurpose.PHOTOS: data.consent_photos,
        ConsentPurpose.ATTENDEE_LIST: data.consent_attendee_list,
        ConsentPurpose.NEWS: data.consent_news,
    }
    return [
        {
            "purpose": purpose,
            "given": bool(given),
            "privacy_notice_version": version,
            "privacy_notice_language": language,
        }
        for purpose, given in answers.items()
    ]


# A Core INSERT, built once (issue 18): the ORM's bulk INSERT cost a third more.
_CONSENTS_INSERT = Consent.__table__.insert()


def _existing(event: Event, email: str) -> Registration | None:
    """The event's registration with this address, in any case."""
    return _existing_and_invited(event, email)[0]


def _existing_and_invited(event: Event, email: str) -> tuple[Registration | None, bool]:
    """`_existing`, and whether the address was invited to the event, in one statement: it runs
    under the seat lock for every new registration (issue 18), and a repeated address costs no
    more statements than a new one."""
    found, invited = db.session.execute(
        _existing_and_invited_statement(),
        {"event_id": event.id, "email": email.lower(), "email_hash": email_hash(email)},
    ).one()
    return found, invited


@cache
def _existing_and_invited_statement() -> Select[tuple[Registration, bool]]:
    """Built once, with the event and address bound when it runs: building it for each
    registration cost more than running it (issue 18)."""
    invitations = Invitation.__table__
    invited = exists().where(
        invitations.c.event_id == bindparam("event_id"), invitations.c.email_hash == bindparam("email_hash")
    )
    same_address = and_(Registration.event_id == Event.id, func.lower(Registration.email) == bindparam("email"))
    return (
        select(Registration, invited)
        .select_from(Event)
        .outerjoin(Registration, same_address)
        .where(Event.id == bindparam("event_id"))
        .limit(1)
    )


def register(
    event: Event,
    data: RegistrationInput,
    *,
    actor: User | None = None,
    source: str = "form",
    invitation_id: int | None = None,
    now: datetime | None = None,
) -> RegistrationOutcome:
    """Register a person: confirmed while seats last in their mode, then waitlisted (or
    pending when the event needs approval). A second registration with the same
    address creates nothing and re-sends the private link, at most once per
    REGISTRATION_LINK_RESEND_MINUTES (the outcome is the same either way).

    An organiser (`actor` given) may add people outside the registration window. A new
    registration marks the invitation of its address to the event (and the one of
    `invitation_id`, the personal link it came through) as REGISTERED.
    Raises `ValidationFailed`, `RegistrationClosed`."""
    explicit_time = now is not None
    now = now or utcnow()
    by_organiser = actor is not None
    if by_organiser:
        if event.status in (EventStatus.DRAFT, EventStatus.CANCELLED):
            raise RegistrationClosed(_("People can be added only to a published event."))
    else:
        ensure_open(event, now=now)
    email, mode = _check(event, data, by_organiser=by_organiser)
    # Made before the lock, and only added to the session under it (or never, for an address
    # already registered), so that the lock is held for as little as may be.
    registration = Registration(
        event=event,
        mode=mode,
        status=RegistrationStatus.WAITLISTED,
        name=data.name.strip(),
        email=email,
        organisation=data.organisation.strip(),
        organisation_city=data.organisation_city.strip(),
        organisation_country=data.organisation_country.upper(),
        function_role=data.function_role.strip(),
        stakeholder_group=data.stakeholder_group,
        is_partner_staff=data.is_partner_staff,
        access_needs=data.access_needs.strip(),
        language=data.language or event_language_for_people(event),
        source=source,
    )
    _give_link(registration)

    _hold_event_to_register(event, mode, email)
    existing, invited = _existing_and_invited(event, email)
    if existing is not None:
        _send_link_again_unless_just_sent(existing, now)
        db.session.commit()
        return RegistrationOutcome(existing, created=False)

    notice = event.project.current_privacy_notice
    registered_at = now if explicit_time else utcnow()  # under the lock: times follow the order of arrival
    registration.created_at = registered_at
    if _has_seat(event, mode):
        _seat(registration, now=registered_at)
    consents = [] if by_organiser else _consent_rows(registration, data, notice)
    db.session.add(registration)
    try:
        db.session.flush()
    except IntegrityError:
        # The same address registered in a parallel request a moment ago.
        db.session.rollback()
        existing = _existing(event, email)
        if existing is None:
            raise
        _send_link_again_unless_just_sent(existing, now)
        db.session.commit()
        return RegistrationOutcome(existing, created=False)
    if capacity(event, mode) is None:
        pagecache.seats_shown_unchanged(db.session)
    if consents:
        db.session.execute(_CONSENTS_INSERT, [{**row, "registration_id": registration.id} for row in consents])
    # Conversion counts everyone invited who registered, through the personal link or not.
    if invited or invitation_id is not None:
        invitation_responses.record_registration(registration, invitation_id=invitation_id, now=now)
    emails.queue_registered_for_sender(registration)
    if by_organiser:
        # People registering themselves are the registrations' own record, not an audited act.
        _audit(AuditAction.REGISTRATION_ADDED, registration, actor, status=registration.status.value, source=source)
    db.session.commit()
    return RegistrationOutcome(registration, created=True)


def _hold_event_to_register(event: Event, mode: AttendanceMode, email: str) -> None:
    """The seat lock, or the share lock when the mode has no seat limit (module docstring). A
    limit set after this worker kept the event shows on the row the share lock reads: the seats
    must then be counted, so the transaction starts again under the seat lock."""
    if capacity(event, mode) is not None:
        _lock_event(event, refresh=True)
        return
    _share_event(event, email)
    if capacity(event, mode) is not None:
        db.session.rollback()
        _lock_event(event, refresh=True)


def _send_link_again_unless_just_sent(registration: Registration, now: datetime) -> None:
    """Someone registered again with a registered address: mail the private link, unless it
    was mailed again within REGISTRATION_LINK_RESEND_MINUTES (the caller holds the event lock)."""
    from seminar_app.mail.models import OutboxMessage

    since = now - timedelta(minutes=current_app.config["REGISTRATION_LINK_RESEND_MINUTES"])
    recent = db.session.scalar(
        select(OutboxMessage.id)
        .where(
            OutboxMessage.registration_id == registration.id,
            OutboxMessage.kind == emails.LINK_AGAIN,
            OutboxMessage.created_at > since,
        )
        .limit(1)
    )
    if recent is None:
        emails.queue_link_again(registration)


# --- changes by the attendee or the organiser --------------------------------------------


@dataclass
class DetailsInput:
    name: str
    organisation: str = ""
    organisation_city: str = ""
    organisation_country: str = ""
    function_role: str = ""
    stakeholder_group: str = ""
    is_partner_staff: bool = False
    access_needs: str = ""


def _ensure_changeable(registration: Registration) -> None:
    if registration.is_erased:
        raise InvalidTransition(_("This registration has been erased."))


def update_details(registration: Registration, data: DetailsInput, *, actor: User | None = None) -> Registration:
    """Correct a registration's personal details (not the e-mail, which identifies it)."""
    _ensure_changeable(registration)
    _check(
        registration.event,
        RegistrationInput(
            name=data.name,
            email=registration.email or "",
            organisation=data.organisation,
            organisation_city=data.organisation_city,
            organisation_country=data.organisation_country,
            function_role=data.function_role,
            stakeholder_group=data.stakeholder_group,
            mode=registration.mode,
            access_needs=data.access_needs,
        ),
        by_organiser=True,
    )
    registration.name = data.name.strip()
    registration.organisation = data.organisation.strip()
    registration.organisation_city = data.organisation_city.strip()
    registration.organisation_country = data.organisation_country.upper()
    registration.function_role = data.function_role.strip()
    registration.stakeholder_group = data.stakeholder_group
    registration.is_partner_staff = data.is_partner_staff
    registration.access_needs = data.access_needs.strip()
    db.session.commit()
    return registration


def change_language(registration: Registration, language: str, *, actor: User | None = None) -> Registration:
    """Set the language the person is written to in: the next mail, calendar update,
    reminder, feedback request, questionnaire and certificate use it. Sends nothing by
    itself. Raises `ValidationFailed` (field "language") for a code the platform does not
    ship, `InvalidTransition` for an erased registration."""
    _ensure_changeable(registration)
    language = (language or "").strip()
    if not i18n.is_shipped(language):
        raise ValidationFailed({"language": [unknown_language_message(language)]})
    registration.language = language
    db.session.commit()
    return registration


def switch_mode(registration: Registration, mode: AttendanceMode, *, actor: User | None = None) -> Registration:
    """Move to the other mode of a hybrid event if it has a seat; the seat left behind
    goes to the first person waiting for it. Raises `DomainError` when full."""
    _ensure_changeable(registration)
    event = registration.event
    if mode not in offered_modes(event):
        raise DomainError(sentences.cannot_attend(mode), field="mode")
    if mode is registration.mode:
        return registration
    if registration.status not in (*ACTIVE, RegistrationStatus.WAITLISTED):
        raise InvalidTransition(_("Only an active registration can change how it attends."))
    _lock_event(event)
    if registration.status in ACTIVE and not _has_seat(event, mode):
        db.session.rollback()
        raise DomainError(sentences.no_free_seat(mode), code="full", field="mode")
    registration.mode = mode
    emails.queue_mode_changed(registration)
    db.session.flush()
    promote_waiting(event)
    db.session.commit()
    return registration


def cancel_registration(registration: Registration, *, actor: User | None = None, reason: str = "") -> Registration:
    """Cancel; a freed seat goes to the first person waiting in that mode, who is told."""
    _ensure_changeable(registration)
    if registration.status in (RegistrationStatus.CANCELLED, RegistrationStatus.DECLINED):
        return registration
    _lock_event(registration.event)
    had_entry = invitations.has_entry(registration)
    previous = registration.status
    registration.status = RegistrationStatus.CANCELLED
    registration.cancelled_at = utcnow()
    emails.queue_cancelled(registration, by_organiser=actor is not None, had_entry=had_entry)
    _audit(AuditAction.REGISTRATION_CANCELLED, registration, actor, previous=previous.value)
    db.session.flush()
    promote_waiting(registration.event)
    db.session.commit()
    return registration


def register_again(registration: Registration, *, now: datetime | None = None) -> Registration:
    """Someone who cancelled takes part again through their private link, while the event is
    open to registration: a seat in their mode if one is free (pending when the event needs
    approval), else the end of the waiting list; they are mailed as when they first
    registered, with a calendar entry that replaces the cancelled one.
    Raises `InvalidTransition` unless the registration is cancelled, `RegistrationClosed`."""
    _ensure_changeable(registration)
    if registration.status is not RegistrationStatus.CANCELLED:
        raise InvalidTransition(_("Only a cancelled registration can be renewed."))
    event = registration.event
    now = now or utcnow()
    ensure_open(event, now=now)
    modes = offered_modes(event)
    _lock_event(event)
    if registration.mode not in modes:
        registration.mode = modes[0]
    registration.status = RegistrationStatus.WAITLISTED
    registration.cancelled_at = None
    registration.created_at = now  # a place in the waiting list's order as of now
    if _has_seat(event, registration.mode):
        _seat(registration, now=now)
    sequence = invitations.next_sequence(event) if invitations.has_entry(registration) else None
    emails.queue_registered(registration, sequence=sequence)
    db.session.commit()
    return registration


def approve(registration: Registration, *, actor: User | None = None) -> Registration:
    if registration.status is not RegistrationStatus.PENDING:
        raise InvalidTransition(_("Only a registration awaiting approval can be approved."))
    registration.status = RegistrationStatus.CONFIRMED
    registration.confirmed_at = utcnow()
    emails.queue_approved(registration)
    _audit(AuditAction.REGISTRATION_APPROVED, registration, actor)
    db.session.commit()
    return registration


def decline(registration: Registration, *, actor: User | None = None, reason: str = "") -> Registration:
    """Decline a pending registration and tell the person, with `reason` if given; a freed
    seat goes to the first person waiting. Raises `InvalidTransition`, and `ValidationFailed`
    (field "reason") for a reason longer than 1,000 characters or with control characters."""
    if registration.status is not RegistrationStatus.PENDING:
        raise InvalidTransition(_("Only a registration awaiting approval can be declined."))
    errors = FieldErrors()
    errors.limit("reason", reason, 1000)
    errors.raise_if_any()
    _lock_event(registration.event)
    registration.status = RegistrationStatus.DECLINED
    emails.queue_declined(registration, reason=reason)
    _audit(AuditAction.REGISTRATION_DECLINED, registration, actor)
    db.session.flush()
    promote_waiting(registration.event)
    db.session.commit()
    return registration


def move_from_waitlist(registration: Registration, *, actor: User | None = None) -> Registration:
    """An organiser gives a waiting person a seat, even beyond capacity."""
    if registration.status is not RegistrationStatus.WAITLISTED:
        raise InvalidTransition(_("This person is not on the waiting list."))
    _lock_event(registration.event)
    _seat(registration)
    emails.queue_promoted(registration)
    _audit(AuditAction.REGISTRATION_PROMOTED, registration, actor, status=registration.status.value)
    db.session.commit()
    return registration


def _audit(action: str, registration: Registration, actor: User | None, **details: str) -> None:
    """Log an act on one registration by its id only (never the person's data). Without an
    `actor` the attendee did it through their private link, which the entry says."""
    logged_in = actor is not None and bool(getattr(actor, "is_authenticated", False))
    audit.record(
        action,
        actor=actor,
        event=registration.event,
        target_id=registration.id,
        details={**details, "by": "organiser" if logged_in else "attendee"},
    )


def capacity_changed(event: Event) -> list[Registration]:
    """After capacity grew, seat people from the waiting list. Returns those promoted."""
    _lock_event(event)
    promoted = promote_waiting(event)
    db.session.commit()
    return promoted


def tell_attendees_of_change(event: Event, before: dict[str, object]) -> int:
    """After an edit of what calendar entries show (see invitations.CALENDAR_FIELDS),
    queue an update with a new SEQUENCE for every confirmed attendee, in the caller's
    transaction. Returns how many were told (0 for events nobody has an entry of)."""
    if event.status not in invitations.LIVE_STATUSES or invitations.snapshot(event) == before:
        return 0
    attendees = invitations.attendees_with_entries(event)
    if attendees:
        sequence = invitations.next_sequence(event)
        for registration in attendees:
            emails.queue_event_changed(registration, before, sequence)
    return len(attendees)


def tell_attendees_of_status(event: Event) -> int:
    """After the event was postponed, confirmed again or cancelled, tell everyone still
    registered (confirmed, pending, waiting); confirmed people's entries follow (a
    REQUEST, or a CANCEL with STATUS:CANCELLED). In the caller's transaction."""
    people = list(
        db.session.scalars(
            select(Registration)
            .where(
                Registration.event_id == event.id,
                Registration.status.in_((*ACTIVE, RegistrationStatus.WAITLISTED)),
                Registration.erased_at.is_(None),
            )
            .order_by(Registration.id)
        )
    )
    if people:
        sequence = invitations.next_sequence(event)
        for registration in people:
            emails.queue_event_status(registration, sequence)
    return len(people)


def resend_confirmation(registration: Registration, *, actor: User | None = None) -> None:
    _ensure_changeable(registration)
    emails.queue_link_again(registration)
    db.session.commit()


def change_consents(
    registration: Registration, answers: dict[ConsentPurpose, bool], *, notice_language: str = ""
) -> list[Consent]:
    """Record changed answers to the optional consents (a withdrawal is a new row with
    `given=False`, stamped with the current privacy-notice version and the language of its
    text a reader of `notice_language`, else of the registration's language, sees). Returns
    the new rows."""
    _ensure_changeable(registration)
    version, language = _notice_shown(
        registration.event.project.current_privacy_notice, notice_language or registration.language
    )
    added = []
    for purpose in OPTIONAL_CONSENTS:
        if purpose in answers and answers[purpose] != registration.consent_given(purpose):
            consent = Consent(
                purpose=purpose,
                given=answers[purpose],
                privacy_notice_version=version,
                privacy_notice_language=language,
            )
            registration.consents.append(consent)
            added.append(consent)
    db.session.commit()
    return added


# --- the person's rights -----------------------------------------------------------------


def personal_data(registration: Registration) -> dict[str, object]:
    """Everything stored about the person, for the "download my data" button."""
    event = registration.event
    return {
        "event": {"title": event.title, "starts_at": event.starts_at.isoformat(), "timezone": event.timezone},
        "registration": {
            "status": registration.status.value,
            "mode": registration.mode.value,
            "name": registration.name,
            "email": registration.email,
            "organisation": registration.organisation,
            "organisation_city": registration.organisation_city,
            "organisation_country": registration.organisation_country,
            "function_role": registration.function_role,
            "stakeholder_group": registration.stakeholder_group,
            "is_partner_staff": registration.is_partner_staff,
            "access_needs": registration.access_needs,
            "language": registration.language,
            "registered_at": registration.created_at.isoformat(),
            "confirmed_at": registration.confirmed_at.isoformat() if registration.confirmed_at else None,
            "cancelled_at": registration.cancelled_at.isoformat() if registration.cancelled_at else None,
        },
        "consents": [
            {
                "purpose": c.purpose.value,
                "given": c.given,
                "privacy_notice_version": c.privacy_notice_version,
                "privacy_notice_language": c.privacy_notice_language,
                "recorded_at": c.recorded_at.isoformat(),
            }
            for c in registration.consents
        ],
    }


def erase_registration(registration: Registration, *, actor: User | None = None) -> Registration:
    """Remove the person's data, keep an anonymous record (status, mode, country, group,
    partner flag) so counts stay right. An active seat is released first. Unsent mail
    to the person is dropped, sent mail blanked and its .eml copies deleted; the private
    link stops working."""
    from seminar_app.enums import OutboxStatus
    from seminar_app.mail.models import OutboxMessage
    from seminar_app.mail.retention import forget_file_copies

    _ensure_changeable(registration)
    had_entry = invitations.has_entry(registration)
    _audit(AuditAction.REGISTRATION_ERASED, registration, actor, previous=registration.status.value)
    if registration.status in (*ACTIVE, RegistrationStatus.WAITLISTED):
        _lock_event(registration.event)
        registration.status = RegistrationStatus.CANCELLED
        registration.cancelled_at = utcnow()
        db.session.flush()
        promote_waiting(registration.event)
    mails = list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.registration_id == registration.id)))
    for message in mails:
        if message.status in (OutboxStatus.QUEUED, OutboxStatus.FAILED):
            db.session.delete(message)
        else:
            message.to_address, message.to_name = "erased", ""
            message.body_text = message.body_html = message.calendar_ics = ""
    forget_file_copies([message.id for message in mails])
    if had_entry:
        emails.queue_erased(registration)
    anonymise(registration)
    db.session.commit()
    return registration


def anonymise(registration: Registration, *, now: datetime | None = None) -> None:
    """Blank every personal field of `registration` (in the caller's transaction) and stop
    its private link, keeping the anonymous record reports count: status and its dates, mode,
    country, stakeholder group, partner flag, language, attendance rows and consents (purpose,
    answer, notice version and time: no one is named once the registration is blank).
    The one rule for what an erased person leaves, shared by erasure on request and by the
    retention purges (seminar_app.privacy.retention)."""
    registration.name = ""
    registration.email = None
    registration.organisation = ""
    registration.organisation_city = ""
    registration.function_role = ""
    registration.access_needs = ""
    registration.link_salt = None
    registration.token_hash = None
    registration.erased_at = now or utcnow()
