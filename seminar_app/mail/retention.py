"""What the outbox keeps once mail has gone: no private links, nothing past its time.

Guarantees:
- once a message is sent, every token of a private link in it (a path argument named
  `token` of this site's URL map, or an `invitation=` query value) is replaced in every
  stored field (text, HTML, calendar, List-Unsubscribe): the person's mailbox has the
  working link, the database and the admin view do not. A failed message keeps its links
  so that it can be sent again;
- sent and failed mail older than MAIL_RETENTION_DAYS is deleted, with its .eml copies;
  mail a campaign's figures count is blanked instead (its status stays); mail about an
  event of a project on legal hold is kept;
- `forget_file_copies` deletes the file backend's .eml copies of given messages;
- `forget_mail` blanks chosen messages whatever their state (queued ones are cancelled,
  one being sent blanks itself once sent), for the invitee and retention purges.
"""

from __future__ import annotations

import html
import re
from collections.abc import Collection
from datetime import datetime, timedelta
from functools import lru_cache
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from flask import current_app
from sqlalchemy import ColumnElement, delete, exists, func, or_, select, update
from werkzeug.exceptions import HTTPException, MethodNotAllowed
from werkzeug.routing import MapAdapter, RoutingException

from seminar_app.db_types import utcnow
from seminar_app.enums import OutboxStatus
from seminar_app.extensions import db
from seminar_app.mail.models import OutboxMessage

REMOVED = "removed"
PURGE_BATCH = 5000
_URL = re.compile(r"https?://[^\s\"'<>]+")
_TOKEN_QUERY_KEYS = ("invitation",)
_ICS_FOLD = re.compile(r"\r?\n[ \t]")


def _private_tokens(text: str) -> set[str]:
    base = current_app.config["PUBLIC_BASE_URL"].rstrip("/")
    tokens: set[str] = set()
    for url in set(_URL.findall(text)):  # the text and HTML parts give the same links
        tokens.update(_tokens_in_url(url, base))
    return {token for token in tokens if len(token) >= 16}


@lru_cache(maxsize=1024)
def _tokens_in_url(url: str, base_url: str) -> frozenset[str]:
    """The private tokens in one link of a mail to this site (at `base_url`). Kept per link:
    the same public links (the event page, the privacy notice...) are in every mail of a
    campaign, and matching them against the URL map was most of recording a sent message.
    Every app `create_app` makes has the same URL map, so the link and the base decide it."""
    base = urlsplit(base_url)
    parts = urlsplit(html.unescape(url))
    if parts.netloc != base.netloc:
        return frozenset()
    tokens = {value for key, values in parse_qs(parts.query).items() if key in _TOKEN_QUERY_KEYS for value in values}
    path = parts.path
    if base.path and path.startswith(base.path):
        path = path[len(base.path) :] or "/"
    adapter = _url_adapter(base_url)
    for method in ("GET", "POST"):
        try:
            _endpoint, arguments = adapter.match(path, method=method)
        except MethodNotAllowed:
            continue
        except (HTTPException, RoutingException):
            break
        if "token" in arguments:
            tokens.add(str(arguments["token"]))
        break
    return frozenset(tokens)


@lru_cache(maxsize=8)
def _url_adapter(base_url: str) -> MapAdapter:
    """The URL map bound to the site at `base_url` (see `_tokens_in_url`): each private link of
    a campaign is new, and binding the map for each cost as much as matching the link."""
    base = urlsplit(base_url)
    return current_app.url_map.bind(base.netloc, script_name=base.path or "/", url_scheme=base.scheme)


def scrub_private_links(message: OutboxMessage) -> None:
    """Replace the tokens of the private links in a sent message's stored fields."""
    calendar = _ICS_FOLD.sub("", message.calendar_ics or "")
    fields = {
        "body_text": message.body_text or "",
        "body_html": message.body_html or "",
        "calendar_ics": calendar,
        "list_unsubscribe": message.list_unsubscribe or "",
    }
    tokens = _private_tokens(" ".join(fields.values()))
    if not tokens:
        return
    # Longest first, so that no token is left half replaced by a shorter one it contains. Plain
    # replacing: a regular expression of a message's (new) tokens was compiled for each message.
    longest_first = sorted(tokens, key=len, reverse=True)
    for name, value in fields.items():
        for token in longest_first:
            value = value.replace(token, REMOVED)
        setattr(message, name, value)


def scrub_sent_mail(batch_size: int = 500) -> int:
    """Remove the private links from every sent message (those sent before links were
    removed at sending time), committing batch by batch. Returns how many were changed."""
    changed = 0
    last_id = 0
    while True:
        batch = list(
            db.session.scalars(
                select(OutboxMessage)
                .where(OutboxMessage.status == OutboxStatus.SENT, OutboxMessage.id > last_id)
                .order_by(OutboxMessage.id)
                .limit(batch_size)
            )
        )
        if not batch:
            return changed
        for message in batch:
            before = (message.body_text, message.body_html, message.calendar_ics, message.list_unsubscribe)
            scrub_private_links(message)
            changed += before != (message.body_text, message.body_html, message.calendar_ics, message.list_unsubscribe)
        last_id = batch[-1].id
        db.session.commit()


def forget_file_copies(message_ids: Collection[int]) -> int:
    """Delete the .eml files the file backend wrote for these messages. Returns how many."""
    wanted = set(message_ids)
    directory = Path(current_app.config["MAIL_FILE_DIR"])
    if not wanted or not directory.is_dir():
        return 0
    deleted = 0
    for path in directory.glob("*.eml"):
        number = path.stem.rpartition("-")[2]
        if number.isdigit() and int(number) in wanted:
            path.unlink(missing_ok=True)
            deleted += 1
    return deleted


BLANK_MAIL = {
    "to_address": "",
    "to_name": "",
    "reply_to": "",
    "subject": "",
    "body_text": "",
    "body_html": "",
    "calendar_ics": "",
    "list_unsubscribe": "",
    "deferred": None,
}


def forget_mail(which: ColumnElement[bool], *, reason: str) -> int:
    """Blank, in the caller's transaction (the caller commits), the address, subject and
    bodies of the messages `which` selects, and delete their .eml copies. Mail still queued
    is cancelled (failed, with `reason`); mail a sender is delivering right now blanks
    itself once sent (`scrub_after_send`); status, kind and dates stay, so the figures that
    count mail stay right. Returns how many messages still held something to blank."""
    holding = (which, or_(OutboxMessage.to_address != "", OutboxMessage.body_text != ""))
    ids = list(db.session.scalars(select(OutboxMessage.id).where(*holding)))
    if not ids:
        return 0
    forget_file_copies(ids)
    chosen = update(OutboxMessage).where(OutboxMessage.id.in_(ids)).execution_options(synchronize_session=False)
    db.session.execute(chosen.where(OutboxMessage.status == OutboxStatus.SENDING).values(scrub_after_send=True))
    db.session.execute(
        chosen.where(OutboxMessage.status == OutboxStatus.QUEUED).values(
            status=OutboxStatus.FAILED, last_error=reason, **BLANK_MAIL
        )
    )
    db.session.execute(
        chosen.where(OutboxMessage.status.in_([OutboxStatus.SENT, OutboxStatus.FAILED])).values(**BLANK_MAIL)
    )
    return len(ids)


def purge_delivered_mail(now: datetime | None = None) -> int:
    """Delete sent and failed mail older than MAIL_RETENTION_DAYS (at most PURGE_BATCH rows
    per call) and its .eml copies; blank instead the mail a campaign counts (invitations and
    their reminders keep their sent/failed status for the figures). Commits. Returns how
    many messages were deleted or blanked."""
    from seminar_app.campaigns.models import Invitation
    from seminar_app.projects.queries import events_on_legal_hold

    cutoff = (now or utcnow()) - timedelta(days=current_app.config["MAIL_RETENTION_DAYS"])
    old = (
        OutboxMessage.status.in_((OutboxStatus.SENT, OutboxStatus.FAILED)),
        func.coalesce(OutboxMessage.sent_at, OutboxMessage.created_at) < cutoff,
        or_(OutboxMessage.event_id.is_(None), OutboxMessage.event_id.not_in(events_on_legal_hold())),
    )
    counted = exists().where(
        or_(Invitation.message_id == OutboxMessage.id, Invitation.reminder_message_id == OutboxMessage.id)
    )
    blank_ids = list(
        db.session.scalars(
            select(OutboxMessage.id)
            .where(*old, counted, or_(OutboxMessage.to_address != "", OutboxMessage.body_text != ""))
            .limit(PURGE_BATCH)
        )
    )
    if blank_ids:
        db.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(blank_ids))
            .values(
                to_address="",
                to_name="",
                reply_to="",
                subject="",
                body_text="",
                body_html="",
                calendar_ics="",
                list_unsubscribe="",
            )
            .execution_options(synchronize_session=False)
        )
    ids = list(db.session.scalars(select(OutboxMessage.id).where(*old, ~counted).limit(PURGE_BATCH)))
    if ids:
        db.session.execute(
            delete(OutboxMessage).where(OutboxMessage.id.in_(ids)).execution_options(synchronize_session=False)
        )
    db.session.commit()
    forget_file_copies([*ids, *blank_ids])
    return len(ids) + len(blank_ids)
