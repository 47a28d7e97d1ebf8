"""Parts of public pages rendered once per content generation, not once per request.

Everything on the public event page but its registration box (title, language links, heading,
when and where with the "Add to calendar" menu, description, agenda by day with its speakers,
the speakers, the results presented, the funding block) says the same to everyone who reads
that event in that language version with that interface language, until a public edit starts
a new generation; rendering it, and loading what it shows, was most of the page's cost.
It is kept in the shared cache (`pagecache.kept_value`), keyed by the event, both languages
and the generation, and looked up before the event is loaded. The registration box depends on
the seats left and the clock as well: it is kept per seats generation too, for the phase of
registration the clock is in (worked out from the event's registration window, kept with the
content). A page that finds both loads nothing from the database.

The event list below its heading (filter, tabs, cards with their seats left, pages) is kept per
content and seats generation for each valid choice of filters, tab and page, until the clock
changes something on it; kept, it queries nothing. When it must be built, its cards (all but
their seats left) and its filter are found kept per content generation.

Signed-in visitors, visitors with a message to show and second languages (all of whom miss
the whole-page cache) get these parts ready-made too. What depends on the request (the user
menu, CSRF tokens, messages) is rendered per request by the page around them.
"""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple
from urllib.parse import urlencode

from flask import current_app
from flask_babel import get_locale
from jinja2.environment import TemplateModule
from markupsafe import Markup
from werkzeug.datastructures import MultiDict

from seminar_app import i18n
from seminar_app.agenda.queries import group_by_local_day
from seminar_app.converters import query_int
from seminar_app.db_types import utcnow
from seminar_app.events.content import LocalizedEvent, localized, pick_language, readable_languages, reader_languages
from seminar_app.events.models import Event, RegistrationWindow
from seminar_app.pagecache import kept_value, kept_values, per_generation
from seminar_app.public import queries
from seminar_app.public.forms import EventFilterForm, accepted_filters
from seminar_app.public.queries import WHEN_VALUES, EventFilters, EventPage, FilterOptions, When

TEMPLATE = "public/_event_content.html"
FILTER_TEMPLATE = "public/_event_filter.html"
LIST_TEMPLATE = "public/_event_list.html"
LIST_FILTERS = ("project", "country", "language", "format")


class EventPageParts(NamedTuple):
    """The event page's parts as HTML."""

    title: str
    head: Markup
    intro: Markup
    sections: Markup
    funding: Markup
    registration: Markup


def _fragment() -> TemplateModule:
    """The fragment template's macros, without the per-request context (user, CSRF, messages)
    that render_template would add and the parts must not use; only the two context values
    they need (both decided by the interface's language)."""
    context = {"current_language": i18n.current_language(), "interface_languages": i18n.offered_languages()}
    return current_app.jinja_env.get_template(TEMPLATE).make_module(vars=context)


def _content(shown: LocalizedEvent) -> tuple[object, ...]:
    fragment = _fragment()
    agenda = group_by_local_day(shown.event, shown.agenda_items)
    parts = (fragment.head(shown), fragment.intro(shown), fragment.sections(shown, agenda))
    parts += (fragment.funding(shown.project),)
    return (shown.title, *map(str, parts), tuple(shown.event.registration_window))


def event_cards(events: list[Event], wanted: list[str], heading: str = "h3") -> dict[int, Markup]:
    """What the cards of `events` say but their seats left, by event id, each in the first of
    `wanted` the event has: kept per content generation, keyed by the event, the languages and
    the heading level. Only the events whose cards are not kept get their partner, project and
    translations loaded (one statement for them all) and their cards rendered."""
    readable, locale = ",".join(readable_languages(wanted)), get_locale()
    names = {event.id: f"event-card:{event.id}:{readable}:{locale}:{heading}" for event in events}
    kept = kept_values(list(names.values()))
    missing = [event for event in events if kept.values[names[event.id]] is None]
    if missing:
        queries.load_card_content(missing)
        fragment = _fragment()
        rendered = {
            names[event.id]: str(fragment.card(localized(event, pick_language(event, wanted)), heading))
            for event in missing
        }
        kept.keep(rendered)
        kept.values.update(rendered)
    return {event_id: Markup(kept.values[name]) for event_id, name in names.items()}


def filter_section(options: FilterOptions, when: str, filters: EventFilters) -> Markup:
    """The event list's filter with `filters` chosen (accepted by `forms.accepted_filters`):
    kept per content generation, which decides the choices, for each choice of values."""
    chosen = {name: value or "" for name, value in vars(filters).items()}
    if filters.format is not None:
        chosen["format"] = filters.format.value
    kept = kept_value(f"event-filter:{get_locale()}:{when}:" + ":".join(chosen.values()))
    if kept.value is not None:
        return Markup(kept.value)
    form = EventFilterForm(formdata=MultiDict(chosen)).setup(options)
    form.validate()
    template = current_app.jinja_env.get_template(FILTER_TEMPLATE).make_module()
    return Markup(kept.keep(str(template.filter_section(form, when))))


class EventList(NamedTuple):
    """The event list for an address: its tab, its HTML, and the filter form when the form has
    something to say about the filters asked for (then the list is not kept)."""

    when: When
    html: Markup
    form: EventFilterForm | None


def event_list(args: MultiDict[str, str]) -> EventList:
    """The event list (filter, tabs, cards, pages) for the filters, tab and page in `args`.

    Kept per content and seats generation, keyed by those, the interface's language and the
    languages the visitor reads, when the form takes the filters without a message and the page
    has events; each kept list says until when the clock leaves it right (`_next_change`).
    Unknown arguments neither change the list nor reach its links.
    """
    when: When = args.get("when", "upcoming")  # type: ignore[assignment]
    when = when if when in WHEN_VALUES else "upcoming"
    page_number = query_int(args.get("page"), 1)
    list_args = {name: args[name] for name in LIST_FILTERS if args.get(name)}
    if when == "past":
        list_args["when"] = when
    readers, size = readable_languages(reader_languages()), current_app.config["PUBLIC_PAGE_SIZE"]
    name = f"event-list:{get_locale()}:{','.join(readers)}:{urlencode(list_args)}:{page_number}:{size}"
    kept, now = kept_value(name, seats=True), utcnow()
    if kept.value is not None:
        html, valid_until = kept.value
        if valid_until is None or now < valid_until:
            return EventList(when, Markup(html), None)

    options = per_generation("public-filter-options", queries.public_filter_options)
    form, filters = None, accepted_filters(options, args)
    if filters is None:
        form = EventFilterForm(formdata=args).setup(options)
        form.validate()
        filters = form.filters()
    page = queries.list_public_events(filters, when=when, page=page_number, per_page=size, now=now, with_content=False)
    filter_html = None if form else filter_section(options, when, filters)
    template = current_app.jinja_env.get_template(LIST_TEMPLATE).make_module()
    html = str(template.event_list(form, filter_html, when, page, event_cards(page.items, readers), list_args))
    if form is None and page.items:
        kept.keep((html, _next_change(page, now)))
    return EventList(when, Markup(html), form)


def _next_change(page: EventPage, now: datetime) -> datetime | None:
    """The first time after `now` at which the clock alone changes the list: the next public
    event ends (it moves to the past events), or registration opens or closes for one shown
    (its seats left appear or go)."""
    windows = ((event.registration_opens_at, event.registration_closes_at) for event in page.items)
    times = [page.next_end, *(time for window in windows for time in window)]
    return min((time for time in times if time is not None and time > now), default=None)


def event_page(slug: str, wanted: list[str]) -> EventPageParts | None:
    """The parts of the page of the public event `slug`, read in the first of `wanted` it has;
    `None` when there is no such event.

    The content is kept per content generation, keyed by the event, the language version and
    the interface's language. The registration box is kept per content and seats generation,
    keyed by the event, the interface's language and where the clock stands in the event's
    registration window (kept with the content): with both kept, the page queries nothing.
    """
    readable = readable_languages(wanted)
    locale = get_locale()
    event: Event | None = None
    kept = kept_value(f"event-content:v3:{slug}:{','.join(readable)}:{locale}")
    if kept.value is None:
        event = queries.get_public_event(slug)
        if event is None:
            return None
        content = kept.keep(_content(localized(event, pick_language(event, readable))))
    else:
        content = kept.value
    title, *html, window = content
    phase = RegistrationWindow(*window).phase(utcnow())
    box = kept_value(f"event-registration:{slug}:{locale}:{phase}", seats=True)
    if box.value is None:
        event = event or queries.get_public_event(slug, with_content=False)
        if event is None:
            return None
        registration = box.keep(str(_fragment().registration(event)))
    else:
        registration = box.value
    return EventPageParts(title, *map(Markup, html), Markup(registration))
