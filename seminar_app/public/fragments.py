"""Parts of public pages rendered once per content generation, not once per request.

The public event page's content sections (description, agenda by day with its speakers, the
speakers, the results presented) and its funding block say the same to everyone who reads
that event in that language version with that interface language, until a public edit starts
a new generation; rendering them was most of the page's template time. They are kept through
`pagecache.per_generation` (shared by every worker), keyed by the event, both languages and the
generation, so that signed-in visitors, visitors with a message to show and second languages
(all of whom miss the whole-page cache) still get them ready-made. What depends on the request
(the registration box with its seats left, the user menu, CSRF tokens, messages) is rendered
per request by the page around them.
"""

from __future__ import annotations

from typing import NamedTuple

from flask import render_template
from flask_babel import get_locale
from markupsafe import Markup

from seminar_app.agenda.queries import group_by_local_day
from seminar_app.events.content import LocalizedEvent
from seminar_app.pagecache import per_generation


class EventContent(NamedTuple):
    sections: Markup
    funding: Markup


def event_content(shown: LocalizedEvent) -> EventContent:
    """The event's content sections and funding block as HTML, for the version `shown`."""

    def render() -> tuple[str, str]:
        agenda = group_by_local_day(shown.event, shown.agenda_items)
        return (
            render_template("public/_event_content.html", event=shown, agenda=agenda),
            render_template("public/_event_funding.html", project=shown.project),
        )

    key = f"event-content:{shown.event.id}:{get_locale()}:{shown.content_language}"
    sections, funding = per_generation(key, render)
    return EventContent(Markup(sections), Markup(funding))
