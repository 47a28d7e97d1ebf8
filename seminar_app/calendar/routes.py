"""Calendar files: one public event's .ics download, a registrant's own download, and
subscribable feeds of public events per project, partner, country and language (drafts
never appear). Every feed also takes the filters `country`, `language` and `kind` in its
query string; a value that is not known is a 400 saying so.

Languages: an event is in a language's feed (and passes the `language` filter) when it is
written in it or translated into it. Each calendar shows its events' texts in one
language where they have it, their main language otherwise: `lang` in the query string,
else the `language` filter, else the language the feed is named after, else each event's
main language. The calendar's own text (its name, "Agenda", "Details") is in that
language too when the interface speaks it. The UID and SEQUENCE never depend on it."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime

from flask import abort, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import contains_eager
from sqlalchemy.sql import ColumnElement
from werkzeug.wrappers import Response

from seminar_app import i18n
from seminar_app.calendar import bp
from seminar_app.calendar.ics import Shown, calendar_links, publish_calendar
from seminar_app.calendar.invitations import event_as_seen, has_entry, personal_download, uid_space
from seminar_app.enums import EventKind
from seminar_app.events.content import LocalizedEvent, content_loading, localized, offered_in_clause
from seminar_app.events.models import PUBLIC_STATUSES, Event
from seminar_app.extensions import db
from seminar_app.geo import EVENT_LANGUAGES, country_name, is_country, language_name
from seminar_app.pagecache import cached_public_content
from seminar_app.projects.models import Partner, Project
from seminar_app.public import queries
from seminar_app.registration.emails import event_page_url, mail_language, private_link
from seminar_app.registration.services import find_by_token

# A feed holds at most this many events, the latest first: calendars only need recent ones.
FEED_LIMIT = 500
_DTSTAMP_LINE = re.compile(rb"^DTSTAMP:[^\r\n]*\r\n", re.MULTILINE)
_TWO_LETTERS = re.compile(r"^[A-Za-z]{2}$")


def _event_url(event: Shown) -> str:
    return event_page_url(event)


def _country(code: str) -> str:
    if not _TWO_LETTERS.match(code) or not is_country(code):
        abort(400, description=_("“%(value)s” is not a known country code (use two letters, such as PT).", value=code))
    return code.upper()


def _language(code: str) -> str:
    if code.lower() not in EVENT_LANGUAGES:
        known = ", ".join(sorted(EVENT_LANGUAGES))
        abort(
            400,
            description=_("“%(value)s” is not a known language code (use one of %(known)s).", value=code, known=known),
        )
    return code.lower()


def _query_filters() -> list[ColumnElement[bool]]:
    """The optional `country`, `language` and `kind` filters of a feed's query string."""
    conditions = []
    if "country" in request.args:
        conditions.append(Event.country == _country(request.args["country"]))
    if "language" in request.args:
        conditions.append(offered_in_clause(_language(request.args["language"])))
    if "kind" in request.args:
        kinds = {k.value: k for k in EventKind}
        if request.args["kind"] not in kinds:
            known = ", ".join(kinds)
            abort(
                400,
                description=_(
                    "“%(value)s” is not a known kind of event (use one of %(known)s).",
                    value=request.args["kind"],
                    known=known,
                ),
            )
        conditions.append(Event.kind == kinds[request.args["kind"]])
    return conditions


def _feed_events(condition: ColumnElement[bool]) -> list[Event]:
    """Public events (past and future) matching `condition` and the query-string filters,
    partner, project, agenda and translations loaded."""
    query = (
        select(Event)
        .join(Event.partner)
        .join(Partner.project)
        .where(Event.status.in_(PUBLIC_STATUSES), condition, *_query_filters())
        .options(contains_eager(Event.partner).contains_eager(Partner.project), *content_loading(agenda=True))
        .order_by(Event.starts_at.desc(), Event.id.desc())
        .limit(FEED_LIMIT)
    )
    return list(db.session.scalars(query))


def _shown_language(default: str | None = None) -> str | None:
    """The language a calendar shows its events in (None: each event's main language)."""
    for name in ("lang", "language"):
        if name in request.args:
            return _language(request.args[name])
    return default


@contextmanager
def _speaking(language: str | None) -> Iterator[None]:
    """The calendar's own text in `language` when the interface speaks it, else as the request is."""
    if language and i18n.is_offered(language):
        with i18n.force_language(language):
            yield
    else:
        yield


def _last_modified(events: list[LocalizedEvent], owners: Iterable[Partner | Project]) -> datetime | None:
    """The latest change to anything a calendar shows: its events (agenda and translations
    included), their partners and projects, and the partner or project the feed is named after."""
    changed = [e.updated_at for e in events] + [o.updated_at for o in owners]
    changed += [t.updated_at for e in events for t in e.translations]
    changed += [e.partner.updated_at for e in events] + [e.partner.project.updated_at for e in events]
    return max(changed, default=None)


def _calendar_response(
    body: bytes,
    events: list[LocalizedEvent],
    *,
    filename: str | None = None,
    owners: Iterable[Partner | Project] = (),
) -> Response:
    """text/calendar with an ETag of the content (DTSTAMP aside) and Last-Modified, 304 when
    unchanged; Content-Language names the languages the events' texts are in."""
    response = Response(body, content_type="text/calendar; charset=utf-8")
    languages = dict.fromkeys(event.content_language for event in events)
    if languages:
        response.headers["Content-Language"] = ", ".join(i18n.language_tag(code) for code in languages)
    response.set_etag(hashlib.sha256(_DTSTAMP_LINE.sub(b"", body)).hexdigest())
    last_modified = _last_modified(events, owners)
    if last_modified is not None:
        response.last_modified = last_modified
    if filename:
        response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    else:
        response.headers["Cache-Control"] = "public, max-age=300"
    return response.make_conditional(request)


def _feed(
    events: list[Event], name: str, owners: Iterable[Partner | Project] = (), *, language: str | None = None
) -> Response:
    """The feed of `events` shown in `language` (None: each in its main language); call it
    inside `_speaking(language)`."""
    shown = [localized(event, language) for event in events]
    body = publish_calendar(shown, calendar_name=name, url_for_event=_event_url, uids=uid_space())
    return _calendar_response(body, shown, owners=owners)


@bp.route("/events/<slug>/calendar.ics")
@cached_public_content(clock=False)
def event_ics(slug: str) -> Response:
    """One event's calendar file, in `?lang=` where the event is translated into it, else in
    its main language."""
    event = queries.get_public_event_for_calendar(slug)
    if event is None:
        abort(404)
    shown = localized(event, _shown_language())
    with _speaking(shown.content_language):
        body = publish_calendar([shown], calendar_name=shown.title, url_for_event=_event_url, uids=uid_space())
    return _calendar_response(body, [shown], filename=f"{event.slug}.ics")


@bp.route("/r/<token>/calendar.ics")
def personal_ics(token: str) -> Response:
    """A confirmed registrant's own entry, with their private and joining links."""
    registration = find_by_token(token)
    if registration is None or not has_entry(registration):
        abort(404)
    event = registration.event
    with i18n.force_language(mail_language(registration)):
        event_url = _event_url(event_as_seen(registration))
        body = personal_download(registration, private_url=private_link(registration), event_url=event_url)
    response = _calendar_response(body, [event_as_seen(registration)], filename=f"{event.slug}.ics")
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/feeds/projects/<slug>.ics")
@cached_public_content(clock=False)
def project_feed(slug: str) -> Response:
    project = db.session.scalars(select(Project).where(Project.slug == slug)).first()
    if project is None:
        abort(404)
    language = _shown_language()
    with _speaking(language):
        name = _("%(project)s events", project=project.acronym)
        return _feed(_feed_events(Project.id == project.id), name, owners=[project], language=language)


@bp.route("/feeds/partners/<int:partner_id>.ics")
@cached_public_content(clock=False)
def partner_feed(partner_id: int) -> Response:
    partner = db.session.get(Partner, partner_id)
    if partner is None:
        abort(404)
    language = _shown_language()
    with _speaking(language):
        name = _("%(partner)s events (%(project)s)", partner=partner.name, project=partner.project.acronym)
        events = _feed_events(Event.partner_id == partner.id)
        return _feed(events, name, owners=[partner, partner.project], language=language)


@bp.route("/feeds/countries/<code>.ics")
@cached_public_content(clock=False)
def country_feed(code: str) -> Response:
    code = _country(code)
    language = _shown_language()
    with _speaking(language):
        name = _("Events in %(country)s", country=country_name(code))
        return _feed(_feed_events(Event.country == code), name, language=language)


@bp.route("/feeds/languages/<code>.ics")
@cached_public_content(clock=False)
def language_feed(code: str) -> Response:
    """Events written in or translated into the language, shown in it (or in `?lang=`)."""
    code = _language(code)
    language = _shown_language(code)
    with _speaking(language):
        name = _("Events in %(language)s", language=language_name(code))
        return _feed(_feed_events(offered_in_clause(code)), name, language=language)


@bp.app_template_global()
def add_to_calendar_links(event: Shown, token: str = "") -> dict[str, str]:
    """The "Add to calendar" addresses of an event for the template macro, in the language
    it is shown in; with a registrant's `token`, the download is their own entry."""
    lang = None
    if isinstance(event, LocalizedEvent) and event.content_language != event.language:
        lang = event.content_language
    if token:
        ics = url_for("calendar.personal_ics", token=token)
    else:
        ics = url_for("calendar.event_ics", slug=event.slug, lang=lang)
    return {"ics": ics, **calendar_links(event, event_url=_event_url(event))}
