"""JSON API v1: read-only, public events only, through the same queries as the public pages."""

from __future__ import annotations

from flask import Response, abort, current_app, jsonify, request
from marshmallow import ValidationError

from seminar_app.api import bp
from seminar_app.api.openapi import build_spec
from seminar_app.api.schemas import EventDetailSchema, EventListQuerySchema, EventListSchema
from seminar_app.errors import api_error
from seminar_app.public import queries

CACHE_SECONDS = 60


def _cached(response: Response) -> Response:
    response.cache_control.public = True
    response.cache_control.max_age = CACHE_SECONDS
    return response


@bp.errorhandler(ValidationError)
def invalid_parameter(exc: ValidationError) -> tuple[Response, int]:
    return api_error(400, "invalid_parameter", "A query parameter is not valid.", errors=exc.messages)


@bp.get("/events")
def list_events() -> Response:
    args = EventListQuerySchema().load(request.args)
    filters = queries.EventFilters(
        project=args.get("project"),
        country=args.get("country"),
        language=args.get("language"),
        format=args.get("format"),
    )
    page = queries.list_public_events(
        filters,
        when=args["when"],
        page=args["page"],
        per_page=args.get("per_page") or current_app.config["API_PAGE_SIZE"],
    )
    body = {"items": page.items, "page": page.page, "per_page": page.per_page, "total": page.total, "pages": page.pages}
    return _cached(jsonify(EventListSchema().dump(body)))


@bp.get("/events/<int:event_id>")
def get_event(event_id: int) -> Response:
    event = queries.get_public_event(event_id)
    if event is None:
        abort(404, description="No public event with this id.")
    return _cached(jsonify(EventDetailSchema().dump(event)))


@bp.get("/openapi.json")
def openapi() -> Response:
    config = current_app.config
    return _cached(
        jsonify(build_spec(default_page_size=config["API_PAGE_SIZE"], max_page_size=config["API_MAX_PAGE_SIZE"]))
    )
