"""JSON API v1: public events through the same queries as the public pages, and registration
through the same service as the registration form.

An event's texts are returned in the language asked for by `?lang=`, else by the
Accept-Language header (its first language, by quality, that the event is available in),
else in the event's main language; Content-Language says which.
"""

from __future__ import annotations

import json

from flask import Response, abort, current_app, jsonify, request
from flask_babel import gettext as _
from marshmallow import ValidationError

from seminar_app import i18n
from seminar_app.api import bp
from seminar_app.api.answers import event_answer
from seminar_app.api.openapi import build_spec
from seminar_app.api.schemas import (
    EventListQuerySchema,
    EventListSchema,
    EventQuerySchema,
    RegistrationRequestSchema,
)
from seminar_app.errors import api_error
from seminar_app.events.content import LocalizedEvent, localized, pick_language
from seminar_app.events.models import Event
from seminar_app.pagecache import cached_public_content
from seminar_app.public import queries
from seminar_app.registration import queries as registration_queries
from seminar_app.registration import services as registration_services
from seminar_app.registration.routes import rate_limit

CACHE_SECONDS = 60


def _cached(response: Response) -> Response:
    response.cache_control.public = True
    response.cache_control.max_age = CACHE_SECONDS
    return response


@bp.errorhandler(ValidationError)
def invalid_parameter(exc: ValidationError) -> tuple[Response, int]:
    return api_error(400, "invalid_parameter", "A query parameter is not valid.", errors=exc.messages)


def _wanted_languages(lang: str | None) -> list[str]:
    """`lang` when given, else the Accept-Language header's languages, most wanted first
    ("pt-PT" counts as "pt")."""
    return [lang] if lang else i18n.browser_languages()


def _in_language(events: list[Event], lang: str | None) -> list[LocalizedEvent]:
    wanted = _wanted_languages(lang)
    return [localized(event, pick_language(event, wanted)) for event in events]


def _say_language(response: Response, content_languages: list[str], lang: str | None) -> Response:
    """Content-Language of the texts returned; without `lang` the answer depends on Accept-Language."""
    codes = list(dict.fromkeys(content_languages)) or ([lang] if lang else [])
    if codes:
        response.headers["Content-Language"] = ", ".join(i18n.language_tag(code) for code in codes)
    if not lang:
        response.vary.add("Accept-Language")
    return response


@bp.get("/events")
@cached_public_content
def list_events() -> Response:
    args = EventListQuerySchema().load(request.args)
    filters = queries.EventFilters(
        project=args.get("project") or None,
        country=args.get("country") or None,
        language=args.get("language"),
        format=args.get("format"),
    )
    page = queries.list_public_events(
        filters,
        when=args["when"],
        page=args["page"],
        per_page=args.get("per_page") or current_app.config["API_PAGE_SIZE"],
    )
    items = _in_language(page.items, args.get("lang"))
    body = {"items": items, "page": page.page, "per_page": page.per_page, "total": page.total, "pages": page.pages}
    return _say_language(
        _cached(jsonify(EventListSchema().dump(body))), [e.content_language for e in items], args.get("lang")
    )


@bp.get("/events/<int:event_id>")
@cached_public_content
def get_event(event_id: int) -> Response:
    lang = EventQuerySchema().load(request.args).get("lang")
    answer = event_answer(event_id, _wanted_languages(lang))
    if answer is None:
        abort(404, description="No public event with this id.")
    return _say_language(_cached(jsonify(answer.data)), [answer.content_language], lang)


@bp.get("/openapi.json")
@cached_public_content
def openapi() -> Response:
    config = current_app.config
    return _cached(
        jsonify(build_spec(default_page_size=config["API_PAGE_SIZE"], max_page_size=config["API_MAX_PAGE_SIZE"]))
    )


@bp.post("/events/<int:event_id>/registrations")
@rate_limit
def create_registration(event_id: int) -> tuple[Response, int]:
    """The same answer for a new and a repeated registration, so nobody learns who is registered."""
    event = registration_queries.event_to_register(event_id)
    if event is None or not event.is_public:
        abort(404, description="No public event with this id.")
    if not request.is_json:
        return api_error(415, "unsupported_media_type", "Send the registration as application/json.")
    try:
        body = json.loads(request.get_data(as_text=True))
    except (ValueError, RecursionError):
        return api_error(400, "invalid_json", "The request body is not valid JSON.")
    try:
        data = RegistrationRequestSchema().load(body)
    except ValidationError as exc:
        errors = exc.messages if isinstance(exc.messages, dict) else {"_schema": exc.messages}
        return api_error(422, "validation_failed", "The data is not valid.", errors=errors)
    # The person's language: the one the client names, else the best the request accepts
    # among the shipped languages, else (no preference given) the event's.
    data.setdefault("language", request.accept_languages.best_match(list(i18n.shipped_languages())) or "")
    registration_services.register(event, registration_services.RegistrationInput(**data), source="api")
    message = _("Check your inbox: we have sent you a message with your private link.")
    return jsonify({"status": "received", "message": message}), 202
