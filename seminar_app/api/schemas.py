"""Marshmallow schemas of API v1: they serialise every response and validate the query
string, and the OpenAPI document is generated from them, so the two cannot drift apart.

Times are ISO 8601 in the event's own zone, with its UTC offset (2027-05-04T10:00:00+01:00).

Events are dumped as `events.content.localized` shows them: their texts (title, summary,
description, agenda) in one language, named by `language`.
"""

from __future__ import annotations

from typing import Any

import pycountry
from flask import current_app
from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate, validates

from config import Config
from seminar_app import geo
from seminar_app.converters import DB_INT_MAX
from seminar_app.enums import AgendaItemKind, AttendanceMode, EventFormat, EventKind, TargetAudience
from seminar_app.events.content import LocalizedEvent
from seminar_app.events.models import PUBLIC_STATUSES
from seminar_app.markup import render_markdown
from seminar_app.public.queries import WHEN_VALUES
from seminar_app.registration.emails import event_page_url

# ISO 3166-1 alpha-2 codes, in upper case as the standard writes them or in lower case.
_ALPHA_2 = sorted(country.alpha_2 for country in pycountry.countries)
COUNTRY_CODES = _ALPHA_2 + [code.lower() for code in _ALPHA_2]

_ZONED = {"description": "ISO 8601 in the event's time zone, with its UTC offset."}


class ErrorBodySchema(Schema):
    code = fields.String(required=True, metadata={"description": "Machine-readable error code, e.g. not_found."})
    message = fields.String(required=True, metadata={"description": "Human-readable explanation."})
    errors = fields.Dict(
        keys=fields.String(),
        values=fields.List(fields.String()),
        metadata={"description": "Per-parameter messages, when the request was invalid."},
    )


class ErrorSchema(Schema):
    error = fields.Nested(ErrorBodySchema, required=True)


class ProjectRefSchema(Schema):
    slug = fields.String(required=True)
    acronym = fields.String(required=True)
    name = fields.String(required=True)


class PartnerRefSchema(Schema):
    name = fields.String(required=True)
    short_name = fields.String(required=True)
    country = fields.String(required=True, metadata={"description": "ISO 3166-1 alpha-2 code."})


class SpeakerRefSchema(Schema):
    name = fields.String(required=True)
    affiliation = fields.String(required=True)


class SpeakerSchema(SpeakerRefSchema):
    bio = fields.String(required=True)


class ResultSchema(Schema):
    code = fields.String(required=True)
    title = fields.String(required=True)
    work_package = fields.String(required=True)


class AgendaItemSchema(Schema):
    start = fields.DateTime(attribute="local_start", format="iso", required=True, metadata=_ZONED)
    end = fields.DateTime(attribute="local_end", format="iso", required=True, metadata=_ZONED)
    title = fields.String(required=True)
    kind = fields.Enum(AgendaItemKind, by_value=True, required=True, metadata={"type": "string"})
    description = fields.String(required=True, metadata={"description": "Markdown, as written by the organiser."})
    speakers = fields.List(fields.Nested(SpeakerRefSchema), required=True)


def _blank_to_none(value: str) -> str | None:
    return value or None


class EventSchema(Schema):
    """An event as listed: never its joining link, never anything about attendees."""

    id = fields.Integer(required=True)
    slug = fields.String(required=True)
    title = fields.String(required=True)
    kind = fields.Enum(EventKind, by_value=True, required=True, metadata={"type": "string"})
    format = fields.Enum(EventFormat, by_value=True, required=True, metadata={"type": "string"})
    language = fields.String(
        attribute="content_language",
        required=True,
        metadata={
            "description": "ISO 639-1 code of the language the texts are returned in: the one asked for "
            "(lang, else Accept-Language) when the event is available in it, else its main language. A "
            "field its translation leaves empty is in the main language."
        },
    )
    main_language = fields.String(
        attribute="language",
        required=True,
        metadata={"description": "ISO 639-1 code of the language the event is written in."},
    )
    available_languages = fields.List(
        fields.String(),
        required=True,
        metadata={"description": "ISO 639-1 codes of the languages the event can be read in, its main one first."},
    )
    timezone = fields.String(required=True, metadata={"description": "IANA time zone the event is held in."})
    start = fields.DateTime(attribute="local_start", format="iso", required=True, metadata=_ZONED)
    end = fields.DateTime(attribute="local_end", format="iso", required=True, metadata=_ZONED)
    status = fields.String(
        required=True,
        validate=validate.OneOf([s.value for s in PUBLIC_STATUSES]),
        metadata={"description": "Drafts are never public."},
    )
    registration_open = fields.Method("get_registration_open", required=True, metadata={"type": "boolean"})
    url = fields.Method(
        "get_url",
        required=True,
        metadata={"type": "string", "format": "uri", "description": "Public event page, in the language returned."},
    )
    project = fields.Nested(ProjectRefSchema, required=True)
    partner = fields.Nested(PartnerRefSchema, required=True)
    country = fields.String(required=True, metadata={"description": "ISO 3166-1 alpha-2 code."})
    city = fields.String(required=True)
    venue_name = fields.Function(
        lambda e: _blank_to_none(e.venue_name), allow_none=True, required=True, metadata={"type": "string"}
    )
    online_platform = fields.Function(
        lambda e: _blank_to_none(e.online_platform),
        allow_none=True,
        required=True,
        metadata={"type": "string", "description": "Name of the platform; the joining link is never public."},
    )
    summary = fields.String(required=True)
    target_audiences = fields.List(
        fields.String(validate=validate.OneOf([a.value for a in TargetAudience])), required=True
    )

    def get_registration_open(self, event: LocalizedEvent) -> bool:
        return event.registration_open()

    def get_url(self, event: LocalizedEvent) -> str:
        return event_page_url(event)


class EventDetailSchema(EventSchema):
    description_html = fields.Method(
        "get_description_html", required=True, metadata={"type": "string", "description": "Sanitised HTML."}
    )
    agenda = fields.List(fields.Nested(AgendaItemSchema), attribute="agenda_items", required=True)
    speakers = fields.List(fields.Nested(SpeakerSchema), required=True)
    results = fields.List(fields.Nested(ResultSchema), required=True)

    def get_description_html(self, event: LocalizedEvent) -> str:
        return str(render_markdown(event.description))


class EventListSchema(Schema):
    items = fields.List(fields.Nested(EventSchema), required=True)
    page = fields.Integer(required=True)
    per_page = fields.Integer(required=True)
    total = fields.Integer(required=True, metadata={"description": "Number of matching events on all pages."})
    pages = fields.Integer(required=True)


_LANG = {
    "description": "ISO 639-1 code of the language to return the events' texts in, where an event is "
    "translated into it (else in its main language). Without it, the Accept-Language header decides."
}


class EventQuerySchema(Schema):
    """The query string of GET /events/{event_id}; anything else in it is ignored."""

    class Meta:
        unknown = EXCLUDE

    lang = fields.String(validate=validate.OneOf(geo.EVENT_LANGUAGES), metadata=_LANG)


class EventListQuerySchema(EventQuerySchema):
    """The query string of GET /events; anything else in it is ignored."""

    project = fields.String(
        # A slug is lower-case letters, digits and hyphens; anything else names no project and
        # some of it (a NUL byte) cannot even be sent to PostgreSQL.
        validate=validate.Regexp(r"^[a-z0-9-]{0,80}$", error="Give a project's slug (letters, digits and hyphens)."),
        metadata={"description": "Project slug; empty for every project."},
    )
    country = fields.String(
        validate=validate.OneOf(["", *COUNTRY_CODES]),
        metadata={"description": "ISO 3166-1 alpha-2 code of the event's country; empty for every country."},
    )
    language = fields.String(
        validate=validate.OneOf(geo.EVENT_LANGUAGES),
        metadata={"description": "ISO 639-1 code: events written in this language or translated into it."},
    )
    format = fields.Enum(EventFormat, by_value=True, metadata={"type": "string"})
    when = fields.String(validate=validate.OneOf(WHEN_VALUES), load_default="upcoming")
    page = fields.Integer(validate=validate.Range(min=1, max=DB_INT_MAX), load_default=1)
    per_page = fields.Integer(validate=validate.Range(min=1), metadata={"description": "Events per page."})

    @validates("per_page")
    def _per_page(self, value: int | None, **_: Any) -> None:
        limit = current_app.config["API_MAX_PAGE_SIZE"]
        if value is not None and value > limit:
            raise ValidationError(f"Must be at most {limit}.")


# --- registration ---------------------------------------------------------------------------


# What `validation.storable` accepts, stated in the document so that a schema-valid body is
# never refused: no NUL or other control characters (tab and line breaks are fine). Escapes
# that Python's `re` and ECMA-262 read alike. Lone surrogates, which no UTF-8 text holds
# (RFC 8259, 8.2), are refused by the service; a pattern cannot name them portably.
PRINTABLE_PATTERN = r"^[^\x00-\x08\x0B\x0C\x0E-\x1F\x7F]*$"
# The same, with at least one character that is not white space (a required field).
FILLED_PATTERN = (
    r"^[^\x00-\x08\x0B\x0C\x0E-\x1F\x7F]*"
    r"[^\s\x00-\x08\x0B\x0C\x0E-\x1F\x7F]"
    r"[^\x00-\x08\x0B\x0C\x0E-\x1F\x7F]*$"
)


def _text(max_length: int, description: str, **kwargs: Any) -> fields.String:
    printable = validate.Regexp(
        FILLED_PATTERN if kwargs.get("required") else PRINTABLE_PATTERN,
        error="Control characters and unpaired surrogates are not allowed; required text is not blank.",
    )
    return fields.String(
        validate=[validate.Length(max=max_length), printable], metadata={"description": description}, **kwargs
    )


class RegistrationRequestSchema(Schema):
    """The body of POST /events/{event_id}/registrations. Field names and rules are those of
    the registration form; unknown fields are refused."""

    name = _text(200, "Full name.", required=True)
    email = fields.Email(required=True, validate=validate.Length(max=254))
    organisation = _text(200, "Sending organisation.", load_default="")
    organisation_city = _text(120, "City of the sending organisation.", load_default="")
    organisation_country = fields.String(
        load_default="",
        validate=validate.OneOf(["", *COUNTRY_CODES]),
        metadata={"description": "ISO 3166-1 alpha-2 code of the organisation's country."},
    )
    function_role = _text(200, "Function or role.", load_default="")
    stakeholder_group = fields.String(
        load_default="",
        validate=validate.Length(max=40),
        metadata={"description": "Code of one of the project's stakeholder groups (e.g. researchers)."},
    )
    mode = fields.Enum(
        AttendanceMode,
        by_value=True,
        load_default=None,
        metadata={
            "type": "string",
            "description": "Required for hybrid events; otherwise the event's only mode is used.",
        },
    )
    is_partner_staff = fields.Boolean(
        load_default=False, metadata={"description": "The person works for a partner organisation of the project."}
    )
    access_needs = _text(2000, "Access needs or dietary requirements; deleted after the event.", load_default="")
    privacy_acknowledged = fields.Boolean(
        required=True,
        validate=validate.Equal(True, error="The privacy notice must be acknowledged."),
        metadata={
            "description": "The person has read the project's current privacy notice, in their language where "
            "it has a text in it (else in the language it was written in); the consent records version and language."
        },
    )
    consent_photos = fields.Boolean(load_default=False, metadata={"description": "Photos and recording."})
    consent_attendee_list = fields.Boolean(
        load_default=False, metadata={"description": "Name on the attendee list shared with participants."}
    )
    consent_news = fields.Boolean(load_default=False, metadata={"description": "News about the project."})
    language = fields.String(
        validate=validate.OneOf(list(Config.LANGUAGES)),
        metadata={
            "description": "Language of the person's e-mails, calendar entries, questionnaire and certificate; "
            "defaults to the best Accept-Language match, else the event's language."
        },
    )


class RegistrationAcceptedSchema(Schema):
    status = fields.String(required=True, validate=validate.OneOf(["received"]))
    message = fields.String(required=True)
