"""The API's event answer, built once per content generation.

An event's answer says the same to every client that reads it in the same language until a
public edit starts a new generation, except whether registration is open, which the clock
decides. Loading the event with its agenda, speakers and results and serialising it was
nearly all of the answer's cost, so the serialised answer is kept in the shared cache
(`pagecache.kept_value`) with the event's registration window, and only `registration_open`
is worked out per request, from the kept window and the time.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from seminar_app.api.schemas import EventDetailSchema
from seminar_app.db_types import utcnow
from seminar_app.events.content import localized, pick_language, readable_languages
from seminar_app.events.models import RegistrationWindow
from seminar_app.pagecache import kept_value
from seminar_app.public import queries


class EventAnswer(NamedTuple):
    data: dict[str, Any]
    content_language: str


def event_answer(event_id: int, wanted: list[str]) -> EventAnswer | None:
    """The public event `event_id` as the API returns it, its texts in the first of `wanted`
    it can be read in; `None` for drafts and unknown ids."""
    readable = readable_languages(wanted)
    kept = kept_value(f"api-event:{event_id}:{','.join(readable)}")
    if kept.value is not None:
        data, content_language, window = kept.value
    else:
        event = queries.get_public_event(event_id)
        if event is None:
            return None
        shown = localized(event, pick_language(event, readable))
        data, content_language, window = kept.keep(
            (EventDetailSchema().dump(shown), shown.content_language, event.registration_window)
        )
    return EventAnswer({**data, "registration_open": RegistrationWindow(*window).open_at(utcnow())}, content_language)
