"""Parts of public pages rendered once per content generation, not once per request.

Everything on the public event page but its registration box (title, language links, heading,
when and where with the "Add to calendar" menu, description, agenda by day with its speakers,
the speakers, the results presented, the funding block) says the same to everyone who reads
that event in that language version with that interface language, until a public edit starts
a new generation; rendering it, and loading what it shows, was most of the page's cost.
It is kept in the shared cache (`pagecache.kept_value`), keyed by the event, both languages
and the generation, and looked up before the event is loaded: a page that finds it loads only
the event's row and its seats taken, in one statement. Signed-in visitors, visitors with a
message to show and second languages (all of whom miss the whole-page cache) get it
ready-made too. What depends on the request or the clock (the registration box with its seats
left, the user menu, CSRF tokens, messages) is rendered per request by the page around it.
"""

from __future__ import annotations

from typing import NamedTuple

from flask import current_app
from flask_babel import get_locale
from markupsafe import Markup

from seminar_app import geo, i18n
from seminar_app.agenda.queries import group_by_local_day
from seminar_app.events.content import LocalizedEvent
from seminar_app.pagecache import KeptValue, kept_value

TEMPLATE = "public/_event_content.html"


class EventContent(NamedTuple):
    title: str
    head: Markup
    intro: Markup
    sections: Markup
    funding: Markup


def _name(slug: str, wanted: list[str]) -> str:
    # What decides the sections: the event, the language version picked from `wanted` (the
    # same inputs pick the same version within a generation) and the interface's language.
    # Only codes an event can be read in count (any other is never picked), so that made-up
    # ?lang= values cannot fill the cache with copies.
    readable = [code for code in wanted if code in geo.EVENT_LANGUAGES or i18n.is_shipped(code)]
    return f"event-content:v2:{slug}:{','.join(readable)}:{get_locale()}"


def kept_event_content(slug: str, wanted: list[str]) -> KeptValue:
    """The sections kept for the event `slug` read in the first of `wanted` it has, if any:
    then the page need not load the agenda, speakers and results at all."""
    return kept_value(_name(slug, wanted))


def _render(shown: LocalizedEvent) -> tuple[str, ...]:
    """Every part from the fragment's macros: the template alone, without the per-request
    context (user, CSRF, messages) that render_template would add and the parts must not use;
    only the two context values they need (both decided by the interface's language)."""
    context = {"current_language": i18n.current_language(), "interface_languages": i18n.offered_languages()}
    fragment = current_app.jinja_env.get_template(TEMPLATE).make_module(vars=context)
    agenda = group_by_local_day(shown.event, shown.agenda_items)
    parts = (fragment.head(shown), fragment.intro(shown), fragment.sections(shown, agenda))
    parts += (fragment.funding(shown.project),)
    return (shown.title, *map(str, parts))


def event_content(kept: KeptValue, shown: LocalizedEvent | None) -> EventContent:
    """The event page's parts as HTML: those `kept_event_content` found, else rendered now from
    the version `shown` (which must then be given) and kept there."""
    if kept.value is not None:
        parts = kept.value
    else:
        assert shown is not None, "nothing kept: the event's version to render is needed"
        parts = kept.keep(_render(shown))
    title, *html = parts
    return EventContent(title, *map(Markup, html))
