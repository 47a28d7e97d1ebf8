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

from flask import render_template
from flask_babel import get_locale
from markupsafe import Markup

from seminar_app.agenda.queries import group_by_local_day
from seminar_app.events.content import LocalizedEvent
from seminar_app.pagecache import KeptValue, kept_value


class EventContent(NamedTuple):
    sections: Markup
    funding: Markup


def _name(slug: str, wanted: list[str]) -> str:
    # What decides the sections: the event, the language version picked from `wanted` (the
    # same inputs pick the same version within a generation) and the interface's language.
    return f"event-content:{slug}:{','.join(wanted)}:{get_locale()}"


def kept_event_content(slug: str, wanted: list[str]) -> KeptValue:
    """The sections kept for the event `slug` read in the first of `wanted` it has, if any:
    then the page need not load the agenda, speakers and results at all."""
    return kept_value(_name(slug, wanted))


def event_content(shown: LocalizedEvent, kept: KeptValue) -> EventContent:
    """The event's content sections and funding block as HTML for the version `shown`,
    rendered now and kept where `kept_event_content` looked."""
    if kept.value is None:
        agenda = group_by_local_day(shown.event, shown.agenda_items)
        sections = render_template("public/_event_content.html", event=shown, agenda=agenda)
        funding = render_template("public/_event_funding.html", project=shown.project)
        kept.keep((str(sections), str(funding)))
        return EventContent(Markup(sections), Markup(funding))
    sections, funding = kept.value
    return EventContent(Markup(sections), Markup(funding))
