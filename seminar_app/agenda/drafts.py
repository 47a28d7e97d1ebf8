"""The agenda item being written while its author adds a speaker: the item form's fields
wait in the session and come back, with the new speaker ticked, once the speaker is saved
(or the speaker form is left). One draft at a time, tied to its event and item."""

from __future__ import annotations

import json

from flask import session
from werkzeug.datastructures import MultiDict

_KEY = "agenda_item_draft"
_FIELDS = ("title", "kind", "starts_local", "ends_local", "description", "speaker_ids")
# The session lives in a cookie, which browsers cap at 4 KB.
MAX_SIZE = 3000


def keep(event_id: int, item_id: int | None, form: MultiDict[str, str]) -> bool:
    """Keep the posted item fields; False (nothing kept) when they are too long for the session."""
    fields = {name: form.getlist(name) for name in _FIELDS if name in form}
    if len(json.dumps(fields)) > MAX_SIZE:
        return False
    session[_KEY] = {"event": event_id, "item": item_id, "fields": fields}
    return True


def pending(event_id: int) -> dict[str, object] | None:
    """The draft of an item of `event_id`, if one waits."""
    draft = session.get(_KEY)
    return draft if isinstance(draft, dict) and draft.get("event") == event_id else None


def add_speaker(event_id: int, speaker_id: int) -> None:
    """Tick the speaker just added in the waiting draft."""
    draft = pending(event_id)
    if draft is not None:
        fields = dict(draft["fields"])  # type: ignore[arg-type]
        fields["speaker_ids"] = [*fields.get("speaker_ids", []), str(speaker_id)]
        session[_KEY] = {**draft, "fields": fields}


def take(event_id: int, item_id: int | None) -> MultiDict[str, str] | None:
    """The draft's fields for the item form of `item_id` (None for a new item), removing it."""
    draft = pending(event_id)
    if draft is None or draft.get("item") != item_id:
        return None
    session.pop(_KEY, None)
    fields: dict[str, list[str]] = draft["fields"]  # type: ignore[assignment]
    return MultiDict([(name, value) for name, values in fields.items() for value in values])
