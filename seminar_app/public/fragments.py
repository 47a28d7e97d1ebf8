"""Parts of public pages rendered once per content generation, not once per request.

The public event page's content sections (description, agenda by day with its speakers, the
speakers, the results presented) and its funding block say the same to everyone who reads
that event in that language version with that interface language, until a public edit starts
a new generation; rendering them, and loading what they show, was most of the page's cost.
They are kept in the shared cache (`pagecache.kept_value`), keyed by the event, both languages
and the generation, and looked up before the event is loaded: a page that finds them loads
neither the agenda nor the speakers nor the results. Signed-in visitors, visitors with a
message to show and second languages (all of whom miss the whole-page cache) get them
ready-made too. What depends on the request (the registration box with its seats left, the
user menu, CSRF tokens, messages) is rendered per request by the page around them.
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
    sections: Markup
    funding: Markup


def _name(slug: str, wanted: list[str]) -> str:
    # What decides the sections: the event, the language version picked from `wanted` (the
    # same inputs pick the same version within a generation) and the interface's language.
    # Only codes an event can be read in count (any other is never picked), so that made-up
    # ?lang= values cannot fill the cache with copies.
    readable = [code for code in wanted if code in geo.EVENT_LANGUAGES or i18n.is_shipped(code)]
    return f"event-content:{slug}:{','.join(readable)}:{get_locale()}"


def kept_event_content(slug: str, wanted: list[str]) -> KeptValue:
    """The sections kept for the event `slug` read in the first of `wanted` it has, if any:
    then the page need not load the agenda, speakers and results at all."""
    return kept_value(_name(slug, wanted))


def _render(shown: LocalizedEvent) -> tuple[str, str]:
    """Both parts from the fragment's macros: the template alone, without the per-request
    context (user, CSRF, messages) that render_template would add and the parts must not use."""
    fragment = current_app.jinja_env.get_template(TEMPLATE).make_module()
    agenda = group_by_local_day(shown.event, shown.agenda_items)
    return str(fragment.sections(shown, agenda)), str(fragment.funding(shown.project))


def event_content(shown: LocalizedEvent, kept: KeptValue) -> EventContent:
    """The event's content sections and funding block as HTML for the version `shown`:
    those `kept_event_content` found, else rendered now and kept there."""
    sections, funding = kept.value if kept.value is not None else kept.keep(_render(shown))
    return EventContent(Markup(sections), Markup(funding))
