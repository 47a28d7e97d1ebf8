"""The OpenAPI 3 document of API v1, generated from the marshmallow schemas that serialise it."""

from __future__ import annotations

from typing import Any

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin

from seminar_app.api.schemas import (
    ErrorSchema,
    EventDetailSchema,
    EventListQuerySchema,
    EventListSchema,
    EventQuerySchema,
    EventSchema,
    RegistrationAcceptedSchema,
    RegistrationRequestSchema,
)

OPENAPI_VERSION = "3.0.3"


def _json(schema: str, description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _in_a_language(response: dict[str, Any]) -> dict[str, Any]:
    """A response whose event texts are in a language named by Content-Language."""
    header = {
        "description": "BCP 47 tags of the languages the events' texts are in (e.g. pt-PT), comma-separated.",
        "schema": {"type": "string"},
    }
    return {**response, "headers": {"Content-Language": header}}


def build_spec(*, default_page_size: int, max_page_size: int, base_path: str = "/api/v1") -> dict[str, Any]:
    """The document as a dict; paths are absolute on this site (e.g. /api/v1/events).

    The page-size limits come from the configuration, so they are added to the
    generated `per_page` parameter rather than written in the schema."""
    spec = APISpec(
        title="seminar_app public API",
        version="1.0.0",
        openapi_version=OPENAPI_VERSION,
        plugins=[MarshmallowPlugin()],
        info={
            "description": "The published seminars, and registration for them. Times are in each event's own "
            "time zone, with the UTC offset. Attendee data is never exposed."
        },
    )
    spec.components.schema("Error", schema=ErrorSchema)
    spec.components.schema("Event", schema=EventSchema)
    spec.components.schema("EventDetail", schema=EventDetailSchema)
    spec.components.schema("EventList", schema=EventListSchema)
    spec.components.schema("RegistrationRequest", schema=RegistrationRequestSchema)
    spec.components.schema("RegistrationAccepted", schema=RegistrationAcceptedSchema)
    spec.components.response("BadRequest", _json("Error", "A query parameter is not valid (code invalid_parameter)."))
    spec.components.response("NotFound", _json("Error", "No public event with this id (code not_found)."))
    spec.components.response("ServerError", _json("Error", "An unexpected error (code internal_error)."))

    spec.path(
        path=f"{base_path}/events",
        operations={
            "get": {
                "operationId": "listEvents",
                "summary": "Public events, upcoming (soonest first) or past (most recent first).",
                "description": "Each event's texts are in the language asked for (lang, else the "
                "Accept-Language header) where the event is translated into it, else in its main language.",
                "parameters": [{"in": "query", "schema": EventListQuerySchema}],
                "responses": {
                    "200": _in_a_language(_json("EventList", "One page of events.")),
                    "400": "BadRequest",
                    "500": "ServerError",
                },
            }
        },
    )
    spec.path(
        path=f"{base_path}/events/{{event_id}}",
        operations={
            "get": {
                "operationId": "getEvent",
                "summary": "One public event with its agenda, speakers and results presented.",
                "description": "The texts (agenda included) are in the language asked for (lang, else the "
                "Accept-Language header) where the event is translated into it, else in its main language.",
                "parameters": [
                    {"in": "path", "name": "event_id", "required": True, "schema": {"type": "integer"}},
                    {"in": "query", "schema": EventQuerySchema},
                ],
                "responses": {
                    "200": _in_a_language(_json("EventDetail", "The event.")),
                    "400": "BadRequest",
                    "404": "NotFound",
                    "500": "ServerError",
                },
            }
        },
    )
    spec.path(
        path=f"{base_path}/events/{{event_id}}/registrations",
        operations={
            "post": {
                "operationId": "createRegistration",
                "summary": "Register a person for a public event open to registration.",
                "description": "The answer is the same whether the address was already registered or not "
                "(the person is sent their private link again), so nobody learns who is registered. Whether "
                "the place is confirmed, waitlisted or awaiting approval is told by e-mail. Rate-limited per "
                "client address, together with the registration form.",
                "parameters": [{"in": "path", "name": "event_id", "required": True, "schema": {"type": "integer"}}],
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": "RegistrationRequest"}},
                },
                "responses": {
                    "202": _json("RegistrationAccepted", "Received; the person is told the outcome by e-mail."),
                    "400": _json("Error", "The body is not valid JSON (code invalid_json)."),
                    "404": "NotFound",
                    "409": _json("Error", "Registration is not open (code registration_closed)."),
                    "415": _json("Error", "The body is not application/json (code unsupported_media_type)."),
                    "422": _json(
                        "Error", "A field is missing or wrong (code validation_failed, messages per field in errors)."
                    ),
                    "429": _json("Error", "Too many registrations from this address; wait a minute."),
                    "500": "ServerError",
                },
            }
        },
    )
    spec.path(
        path=f"{base_path}/openapi.json",
        operations={
            "get": {
                "operationId": "getOpenAPI",
                "summary": "This document.",
                "responses": {"200": {"description": "OpenAPI 3 document.", "content": {"application/json": {}}}},
            }
        },
    )
    document = spec.to_dict()
    for parameter in document["paths"][f"{base_path}/events"]["get"]["parameters"]:
        if parameter["name"] == "per_page":
            parameter["schema"].update(default=default_page_size, maximum=max_page_size)
    return document
