"""Online attendance from a video-conference report: the preview (nothing written), the
organiser's decisions on it, and the confirmation, which records once.

The parsed report travels from the preview to the confirmation signed (itsdangerous,
compressed) with the event, the organiser, the day, the threshold, whether its dates were
flagged, and a random nonce. Confirming records the nonce as a `JobDone` in the same
transaction as the attendance rows, so a confirmation replayed (twice clicked, resent,
copied) is refused and nothing is recorded twice; an altered one fails its signature."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadData, URLSafeTimedSerializer
from sqlalchemy import exists, select
from sqlalchemy.exc import IntegrityError

from seminar_app.accounts.models import User
from seminar_app.attendance import queries
from seminar_app.attendance.imports import ParsedReport, Participant, parse_report
from seminar_app.attendance.matching import ImportPreview, Match, Registrant, match_participants
from seminar_app.attendance.models import Attendance
from seminar_app.attendance.services import ensure_attendance_open, ensure_event_day
from seminar_app.audit import services as audit
from seminar_app.audit.models import AuditAction
from seminar_app.db_types import utcnow
from seminar_app.enums import AttendanceMode, CheckInSource
from seminar_app.errors import DomainError
from seminar_app.events.models import Event
from seminar_app.extensions import db
from seminar_app.jobs.models import JobDone
from seminar_app.timefmt import format_date

IMPORT_PREVIEW_MAX_AGE = 3 * 3600


class ImportReplayed(DomainError):
    code = "import_replayed"
    status = 409


@dataclass(frozen=True)
class PendingImport:
    """A previewed report waiting for the organiser's confirmation."""

    day: date
    min_minutes: int
    participants: list[Participant]
    nonce: str = field(default_factory=lambda: secrets.token_urlsafe(16))
    dates_flagged: bool = False


@dataclass
class Decisions:
    """The organiser's choices in the preview: `assign` gives a report row (Participant.row)
    to a registrant (rows not given are left out); `credit` counts rows that are too short."""

    assign: dict[int, int] = field(default_factory=dict)
    credit: set[int] = field(default_factory=set)


def preview_import(event: Event, day: date, participants: list[Participant], *, min_minutes: int) -> ImportPreview:
    """What `apply_import` would record without decisions, without writing anything."""
    ensure_attendance_open(event)
    ensure_event_day(event, day)
    return match_participants(
        participants,
        queries.import_candidates(event),
        min_minutes=min_minutes,
        already_present=queries.present_registration_ids(event, day),
    )


def _day_label(event: Event, day: date) -> str:
    return format_date(datetime.combine(day, time(12), tzinfo=event.tz), event.timezone)


def date_problems(event: Event, day: date, report: ParsedReport) -> list[str]:
    """Why the report may not be of this event's meeting on `day`: its dates could not be
    read, or its meeting took place on another day."""
    if report.date_problem:
        return [report.date_problem]
    if report.days and day not in report.days:
        return [
            _(
                "This report is of a meeting on %(found)s, but this import is for %(expected)s. "
                "Check that it is the report of this event's meeting and of that day.",
                found=", ".join(_day_label(event, d) for d in report.days),
                expected=_day_label(event, day),
            )
        ]
    return []


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="attendance-import")


def sign_import(event: Event, pending: PendingImport, *, actor: User) -> str:
    """The pending import, signed for this event and organiser (see the module's doc)."""
    rows = [[p.name, p.email, p.seconds, int(p.same_name), int(p.open_end)] for p in pending.participants]
    return _serializer().dumps(
        {
            "e": event.id,
            "u": actor.id,
            "n": pending.nonce,
            "d": pending.day.isoformat(),
            "m": pending.min_minutes,
            "f": int(pending.dates_flagged),
            "p": rows,
        }
    )


def read_signed_import(event: Event, payload: str, *, actor: User) -> PendingImport:
    """The import `sign_import` signed for this event and organiser. Raises `DomainError`
    for anything altered, expired, or made for another event or organiser."""
    expired = DomainError(
        _("This preview has expired or was not made for this event. Upload the report again."), code="stale_preview"
    )
    try:
        data = _serializer().loads(payload or "", max_age=IMPORT_PREVIEW_MAX_AGE)
        if data["e"] != event.id or data["u"] != actor.id:
            raise expired
        participants = [
            Participant(str(n), str(e), int(s), bool(same), bool(open_end), row)
            for row, (n, e, s, same, open_end) in enumerate(data["p"])
        ]
        return PendingImport(
            date.fromisoformat(data["d"]), int(data["m"]), participants, str(data["n"]), bool(data["f"])
        )
    except (BadData, KeyError, TypeError, ValueError):
        raise expired from None


@dataclass(frozen=True)
class ReportPreview:
    report: ParsedReport
    preview: ImportPreview
    date_problems: list[str]
    payload: str  # the pending import, signed for the confirmation


def preview_report(event: Event, day: date, data: bytes, *, min_minutes: int, actor: User) -> ReportPreview:
    """Read an uploaded report and say what importing it on `day` would do; nothing is
    written. Raises `ReportError` for a file we cannot read, `DomainError`."""
    report = parse_report(data, days=event.local_days, day_ends=event.local_end.time())
    preview = preview_import(event, day, report.participants, min_minutes=min_minutes)
    problems = date_problems(event, day, report)
    pending = PendingImport(day, min_minutes, report.participants, dates_flagged=bool(problems))
    return ReportPreview(report, preview, problems, sign_import(event, pending, actor=actor))


def _replay_key(event: Event, nonce: str) -> str:
    return f"attendance-import:event-{event.id}:{nonce}"[:120]


def _already_confirmed(key: str) -> bool:
    return bool(db.session.scalar(select(exists().where(JobDone.key == key))))


def _replayed() -> ImportReplayed:
    return ImportReplayed(_("This import has already been confirmed: nothing was recorded twice."))


def _decided(event: Event, day: date, preview: ImportPreview, decisions: Decisions, threshold: int) -> ImportPreview:
    """`preview` with the organiser's decisions applied: rows given to a registrant and
    too-short rows credited by hand join `matched` (added to that registrant's minutes when
    they are matched already), or `already` when the registrant is present that day."""
    registrants: dict[int, Registrant] = {r.id: r for r in queries.import_candidates(event)}
    matched = {m.registration.id: m for m in preview.matched}
    already = {m.registration.id: m for m in preview.already}
    open_rows = {p.row: p for p, _r in preview.ambiguous} | {p.row: p for p in preview.unmatched}
    open_rows |= {p.row: p for p, r in preview.too_short if r is None}
    chosen: list[tuple[Participant, Registrant]] = []
    for row, registration_id in decisions.assign.items():
        participant = open_rows.get(row)
        if participant is None:
            continue
        registrant = registrants.get(registration_id)
        if registrant is None:
            raise DomainError(
                _(
                    "The person chosen for “%(name)s” is not a confirmed registrant of this event. "
                    "Upload the report again.",
                    name=participant.name,
                ),
                code="not_a_registrant",
            )
        if participant.seconds >= threshold or row in decisions.credit:
            chosen.append((participant, registrant))
    chosen += [(p, r) for p, r in preview.too_short if r is not None and p.row in decisions.credit]
    present = queries.present_registration_ids(event, day)
    for participant, registrant in chosen:
        if registrant.id in present:
            already.setdefault(registrant.id, Match(participant, registrant, by_email=False))
        elif registrant.id in matched:
            earlier = matched[registrant.id]
            summed = replace(earlier.participant, seconds=earlier.participant.seconds + participant.seconds)
            matched[registrant.id] = Match(summed, registrant, earlier.by_email)
        else:
            matched[registrant.id] = Match(participant, registrant, by_email=False)
    return replace(preview, matched=list(matched.values()), already=list(already.values()))


def apply_import(
    event: Event,
    pending: PendingImport,
    *,
    decisions: Decisions | None = None,
    dates_accepted: bool = False,
    actor: User | None = None,
) -> ImportPreview:
    """Record online attendance on the pending import's day for every matched participant
    who stayed at least its minimum, and as the organiser decided; people with an
    attendance that day already are left unchanged. Returns what was done (`matched`:
    recorded now; `already`: unchanged). Raises `ImportReplayed` for a confirmation made
    before, `DomainError` when flagged dates were not accepted or a choice is not allowed."""
    if pending.dates_flagged and not dates_accepted:
        raise DomainError(
            _(
                "The report's dates do not fit this event. Tick the box to record it anyway, "
                "or upload the report of this event's meeting."
            ),
            code="dates_not_accepted",
        )
    key = _replay_key(event, pending.nonce)
    if _already_confirmed(key):
        raise _replayed()
    threshold = pending.min_minutes * 60
    for attempt in (1, 2):
        preview = preview_import(event, pending.day, pending.participants, min_minutes=pending.min_minutes)
        done = _decided(event, pending.day, preview, decisions or Decisions(), threshold)
        now = utcnow()
        db.session.add(JobDone(key=key))
        for match in done.matched:
            db.session.add(
                Attendance(
                    event_id=event.id,
                    registration_id=match.registration.id,
                    day=pending.day,
                    mode=AttendanceMode.ONLINE,
                    source=CheckInSource.IMPORT,
                    minutes=match.participant.minutes,
                    checked_in_at=now,
                    checked_in_by_id=actor.id if actor is not None else None,
                )
            )
        audit.record(
            AuditAction.ATTENDANCE_IMPORTED,
            actor=actor,
            event=event,
            details={"day": pending.day.isoformat(), "count": len(done.matched), "unchanged": len(done.already)},
        )
        try:
            db.session.commit()
        except IntegrityError:
            # A second confirmation at the same moment, or someone ticked in meanwhile.
            db.session.rollback()
            if _already_confirmed(key):
                raise _replayed() from None
            if attempt == 2:
                raise
            continue
        return done
    raise AssertionError("unreachable")
