"""The event's agenda as a PDF for the funder's evidence: when and where, the items of each
day with their times and speakers, and the project's funding block on every page.

Built on the page layout of `attendance.evidence` (same font, funding block and page
numbers), in the event's language like the other evidence documents, or in another
language the event is translated into.
"""

from __future__ import annotations

from flask_babel import gettext as _

from seminar_app import i18n
from seminar_app.agenda.queries import agenda_with_speakers, group_by_local_day
from seminar_app.attendance.evidence import event_facts, venue_line
from seminar_app.events.content import LocalizedAgendaItem, localized
from seminar_app.events.models import Event
from seminar_app.pdf import Document
from seminar_app.timefmt import format_date, format_span, format_time, zone_label


def _when(event: Event) -> str:
    span = format_span(event.starts_at, event.ends_at, event.timezone)
    return f"{span} ({zone_label(event.starts_at, event.timezone)})"


def _time(event: Event, item: LocalizedAgendaItem) -> str:
    return f"{format_time(item.starts_at, event.timezone)}–{format_time(item.ends_at, event.timezone)}"


def _item(item: LocalizedAgendaItem) -> str:
    return f"{item.title}\n({item.kind.label})"


def _speakers(item: LocalizedAgendaItem) -> str:
    return "\n".join(f"{s.name} ({s.affiliation})" if s.affiliation else s.name for s in item.speakers)


def agenda_pdf(event: Event, language: str | None = None) -> bytes:
    """The agenda, day by day in the event's zone, with the event's texts in `language` where
    it is translated into it (None: its main language), and the document's own words in that
    language where the interface speaks it. Says so when no item has been entered."""
    shown = localized(event, language)
    wanted = i18n.language_or_default(shown.content_language, event.language, event.project.default_language)
    with i18n.force_language(wanted):
        title = _("Agenda")
        pdf = Document(event.project, f"{title} – {shown.title}", landscape=False)
        facts = [(_("Date:"), _when(event)), (_("Type:"), event.kind.label)]
        if event.format.has_venue:
            facts.append((_("Venue:"), venue_line(event)))
        if event.format.is_online:
            facts.append((_("Online platform:"), event.online_platform or _("Online")))
        pdf.heading(title, shown, [*facts, *event_facts(event)])
        if event.results:
            pdf.paragraph(_("Project results presented:"), style="B")
            for result in event.results:
                pdf.paragraph(result.label)
            pdf.ln(3)
        items = [
            LocalizedAgendaItem(item, shown.content_language, event.language) for item in agenda_with_speakers(event)
        ]
        days = group_by_local_day(event, items)
        if not days:
            pdf.paragraph(_("No agenda items have been entered for this event."), size=11, style="B")
        headings = [_("Time"), _("Item"), _("Speakers")]
        for _day, items in days:
            pdf.paragraph(format_date(items[0].starts_at, event.timezone, "full"), size=11, style="B")
            pdf.ln(1)
            rows = [[_time(event, item), _item(item), _speakers(item)] for item in items]
            pdf.grid(headings, (28, 90, 68), rows, min_height=7)
            pdf.ln(4)
        pdf.paragraph(_("All times are in %(zone)s.", zone=zone_label(event.starts_at, event.timezone)), size=8)
        return pdf.pdf_bytes()
