"""Calendar files: one public event's .ics download, a registrant's own download, and
subscribable feeds of public events per project, partner, country and language (drafts
never appear). Every feed also takes the filters `country`, `language` and `kind` in its
query string; a value that is not known is a 400 saying so."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from datetime import datetime

from flask import abort, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import contains_eager, selectinload
from sqlalchemy.sql import ColumnElement
from werkzeug.wrappers import Response

from seminar_app.calendar import bp
from seminar_app.calendar.ics import calendar_links, publish_calendar
from seminar_app.calendar.invitations import has_entry, personal_download, uid_space
from seminar_app.enums import EventKind
from seminar_app.events.models import PUBLIC_STATUSES, Event
from seminar_app.extensions import db
from seminar_app.geo import EVENT_LANGUAGES, country_name, is_country, language_name
from seminar_app.projects.models import Partner, Project
from seminar_app.public import queries
from seminar_app.registration.emails import external_url, private_link
from seminar_app.registration.services import find_by_token

# A feed holds at most this many events, the latest first: calendars only need recent ones.
FEED_LIMIT = 500
_DTSTAMP_LINE = re.compile(rb"^DTSTAMP:[^\r\n]*\r\n", re.MULTILINE)
_TWO_LETTERS = re.compile(r"^[A-Za-z]{2}$")


def _event_url(event: Event) -> str:
    return external_url("public.event_detail", slug=event.slug)


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
        conditions.append(Event.language == _language(request.args["language"]))
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
    partner, project and agenda loaded."""
    query = (
        select(Event)
        .join(Event.partner)
        .join(Partner.project)
        .where(Event.status.in_(PUBLIC_STATUSES), condition, *_query_filters())
        .options(contains_eager(Event.partner).contains_eager(Partner.project), selectinload(Event.agenda_items))
        .order_by(Event.starts_at.desc(), Event.id.desc())
        .limit(FEED_LIMIT)
    )
    return list(db.session.scalars(query))


def _last_modified(events: list[Event], owners: Iterable[Partner | Project]) -> datetime | None:
    """The latest change to anything a calendar shows: its events (agenda included), their
    partners and projects, and the partner or project the feed is named after."""
    changed = [e.updated_at for e in events] + [o.updated_at for o in owners]
    changed += [e.partner.updated_at for e in events] + [e.partner.project.updated_at for e in events]
    return max(changed, default=None)


def _calendar_response(
    body: bytes, events: list[Event], *, filename: str | None = None, owners: Iterable[Partner | Project] = ()
) -> Response:
    """text/calendar with an ETag of the content (DTSTAMP aside) and Last-Modified, 304 when unchanged."""
    response = Response(body, content_type="text/calendar; charset=utf-8")
    response.set_etag(hashlib.sha256(_DTSTAMP_LINE.sub(b"", body)).hexdigest())
    last_modified = _last_modified(events, owners)
    if last_modified is not None:
        response.last_modified = last_modified
    if filename:
        response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    else:
        response.headers["Cache-Control"] = "public, max-age=300"
    return response.make_conditional(request)


def _feed(events: list[Event], name: str, owners: Iterable[Partner | Project] = ()) -> Response:
    body = publish_calendar(events, calendar_name=name, url_for_event=_event_url, uids=uid_space())
    return _calendar_response(body, events, owners=owners)


@bp.route("/events/<slug>/calendar.ics")
def event_ics(slug: str) -> Response:
    event = queries.get_public_event(slug)
    if event is None:
        abort(404)
    body = publish_calendar([event], calendar_name=event.title, url_for_event=_event_url, uids=uid_space())
    return _calendar_response(body, [event], filename=f"{event.slug}.ics")


@bp.route("/r/<token>/calendar.ics")
def personal_ics(token: str) -> Response:
    """A confirmed registrant's own entry, with their private and joining links."""
    registration = find_by_token(token)
    if registration is None or not has_entry(registration):
        abort(404)
    event = registration.event
    body = personal_download(registration, private_url=private_link(registration), event_url=_event_url(event))
    response = _calendar_response(body, [event], filename=f"{event.slug}.ics")
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/feeds/projects/<slug>.ics")
def project_feed(slug: str) -> Response:
    project = db.session.scalars(select(Project).where(Project.slug == slug)).first()
    if project is None:
        abort(404)
    name = _("%(project)s events", project=project.acronym)
    return _feed(_feed_events(Project.id == project.id), name, owners=[project])


@bp.route("/feeds/partners/<int:partner_id>.ics")
def partner_feed(partner_id: int) -> Response:
    partner = db.session.get(Partner, partner_id)
    if partner is None:
        abort(404)
    name = _("%(partner)s events (%(project)s)", partner=partner.name, project=partner.project.acronym)
    return _feed(_feed_events(Event.partner_id == partner.id), name, owners=[partner, partner.project])


@bp.route("/feeds/countries/<code>.ics")
def country_feed(code: str) -> Response:
    code = _country(code)
    return _feed(_feed_events(Event.country == code), _("Events in %(country)s", country=country_name(code)))


@bp.route("/feeds/languages/<code>.ics")
def language_feed(code: str) -> Response:
    code = _language(code)
    name = _("Events in %(language)s", language=language_name(code))
    return _feed(_feed_events(Event.language == code), name)


@bp.app_template_global()
def add_to_calendar_links(event: Event, token: str = "") -> dict[str, str]:
    """The "Add to calendar" addresses of an event for the template macro; with a
    registrant's `token`, the download is their own entry."""
    ics = url_for("calendar.personal_ics", token=token) if token else url_for("calendar.event_ics", slug=event.slug)
    return {"ics": ics, **calendar_links(event, event_url=_event_url(event))}
