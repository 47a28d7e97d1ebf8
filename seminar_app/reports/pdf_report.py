"""The dissemination report as a PDF, for a periodic report to the funder: a title page
with the project, grant, period and filter, the key figures, the dashboard's charts, then
the aggregates, the breakdowns, the multiplier events, the feedback summary and the
invitation campaigns (by event and by stakeholder group).

The charts are the dashboard's own SVG (`charts.dashboard_charts`), which fpdf2 draws as
vector graphics; the tables are the export's (`tables.report_tables`), so the numbers are
the dashboard's and the files'. Every page carries the project's funding block
(`seminar_app.pdf.Document`). No personal data: like the other exports, counts only.
"""

from __future__ import annotations

import html
import io
import re
from collections.abc import Callable, Sequence
from datetime import date
from typing import IO

from flask_babel import format_date, format_decimal
from flask_babel import gettext as _
from markupsafe import Markup

from seminar_app import geo
from seminar_app.pdf import FONT, Document
from seminar_app.reports.charts import WIDTH, dashboard_charts
from seminar_app.reports.filters import ReportFilter
from seminar_app.reports.rates import format_rate
from seminar_app.reports.tables import Cell, Report, Table, report_tables

_SVG_NAMESPACE = 'xmlns="http://www.w3.org/2000/svg"'


def _chart_for_pdf(svg: Markup) -> tuple[str, bytes, float]:
    """The chart's title, its SVG as fpdf2 reads it, and its height for a width of `WIDTH`.

    fpdf2 needs the SVG namespace and a font it has (DejaVu covers every partner's
    language); it would warn about every <title> and <desc>, which the PDF gives as a
    heading instead."""
    text = str(svg)
    title = re.search(r"<title id=\"[^\"]*-title\">(.*?)</title>", text, re.S)
    height = float(re.search(r'viewBox="0 0 [\d.]+ ([\d.]+)"', text).group(1))  # type: ignore[union-attr]
    text = re.sub(r"<(title|desc)\b[^>]*>.*?</\1>", "", text, flags=re.S).replace(' width="100%"', "", 1)
    text = text.replace("<svg ", f'<svg {_SVG_NAMESPACE} font-family="DejaVu" ', 1)
    return html.unescape(title.group(1)) if title else "", text.encode("utf-8"), height


def _cell(value: Cell) -> str:
    if value is None:
        return "–"
    if isinstance(value, str):
        return value
    return format_decimal(value)


def _period(report_filter: ReportFilter) -> str:
    start, end = report_filter.date_from, report_filter.date_to
    if start and end:
        return f"{format_date(start, 'long')} – {format_date(end, 'long')}"
    if start:
        return _("From %(date)s", date=format_date(start, "long"))
    if end:
        return _("Up to %(date)s", date=format_date(end, "long"))
    return _("Every event, whatever its date")


def _filter_facts(report: Report) -> list[tuple[str, str]]:
    project, chosen = report.project, report.filter
    partners = [p for p in project.partners if p.id in report.scope.partner_ids_for(chosen)]
    every = _("All")
    return [
        (_("Period:"), _period(chosen)),
        (_("Partners:"), ", ".join(f"{p.short_name} ({p.country})" for p in partners) or every),
        (_("Countries of the events:"), ", ".join(geo.country_name(c) for c in chosen.countries) or every),
        (_("Results presented:"), ", ".join(r.label for r in project.results if r.id in chosen.result_ids) or every),
        (_("Types of event:"), ", ".join(k.label for k in chosen.kinds) or every),
    ]


def _title_page(pdf: Document, report: Report, generated_on: date) -> None:
    project = report.project
    pdf.ln(6)
    pdf.paragraph(_("Dissemination report"), size=22, style="B")
    pdf.ln(2)
    pdf.paragraph(f"{project.name} ({project.acronym})", size=14, style="B")
    pdf.ln(3)
    facts = [
        (_("Programme:"), project.funding_programme),
        (_("Grant agreement number:"), project.grant_number),
        *_filter_facts(report),
        (_("Generated on:"), format_date(generated_on, "long")),
    ]
    for label, value in facts:
        if value:
            pdf.set_font(FONT, "B", 10)
            pdf.cell(pdf.get_string_width(label) + 2, 6, label)
            pdf.paragraph(value, size=10)
    if not report.scope.whole_project:
        pdf.ln(2)
        pdf.paragraph(_("These figures cover only the events of the partners listed above."), size=9)
    pdf.ln(2)
    pdf.paragraph(
        _(
            "Drafts are not counted. Registered: confirmed, awaiting approval or on the waiting list. Attended: "
            "present on at least one day. The attendance rate is attended divided by confirmed, at delivered events "
            "only. People who erased their data after the event still count, anonymously. No personal data is "
            "included."
        ),
        size=8,
    )


def _key_figures(pdf: Document, report: Report) -> None:
    figures, feedback = report.figures, report.feedback
    people = figures.people

    rows = [
        [_("Events"), _cell(figures.events_total)],
        [_("Registered"), _cell(people.registered)],
        [_("Attended"), _cell(people.attended)],
        [_("Attendance rate (delivered events only)"), format_rate(figures.attendance_rate)],
        [_("Attendees from outside the consortium"), _cell(people.attended_external)],
        [_("Feedback response rate"), format_rate(feedback.response_rate)],
    ]
    _heading(pdf, _("Key figures"))
    pdf.grid([_("Figure"), _("Value")], (120, 40), rows, min_height=6)


def _heading(pdf: Document, text: str, *, space: float = 30) -> None:
    if pdf.will_page_break(space):
        pdf.add_page()
    pdf.ln(4)
    pdf.paragraph(text, size=13, style="B")
    pdf.ln(1)


def _charts(pdf: Document, report: Report) -> None:
    for svg in dashboard_charts(report.figures, report.feedback).values():
        title, data, height = _chart_for_pdf(svg)
        room = pdf.h - pdf.b_margin - pdf.t_margin - 20
        width = min(pdf.epw, room * WIDTH / height)
        _heading(pdf, title, space=width * height / WIDTH + 12)
        pdf.image(io.BytesIO(data), x=pdf.l_margin, w=width, alt_text=title)


def _table(
    pdf: Document,
    table: Table,
    columns: Sequence[int],
    widths: Sequence[int],
    *,
    headers: Sequence[str] = (),
    keep: Callable[[Sequence[Cell]], bool] | None = None,
    note: str = "",
    space: float = 60,
) -> None:
    """Some columns of `table` (under `headers` if given, else its own), the rows `keep`
    accepts, under the table's title; rows never split across pages."""
    _heading(pdf, table.title, space=space)
    if note:
        pdf.paragraph(note, size=8)
        pdf.ln(1)
    rows = [[_cell(row[i]) for i in columns] for row in table.rows() if keep is None or keep(row)]
    if not rows:
        pdf.paragraph(_("Nothing to show."), size=9)
        return
    pdf.grid(list(headers) or [table.header[i] for i in columns], tuple(widths), rows, min_height=5)


def _multiplier_events(pdf: Document, table: Table) -> None:
    headers = [
        _("Event"), _("Partner"), _("Date"), _("From outside the consortium"), _("of whom local"),
        _("of whom international"), _("of whom country not given"), _("Partner staff"), _("Attended in total"),
    ]  # fmt: skip
    _table(
        pdf,
        table,
        (1, 2, 4, 6, 7, 8, 9, 10, 11),
        (50, 19, 21, 19, 15, 17, 15, 15, 15),
        headers=headers,
        keep=lambda row: bool(row[11]),
        space=85,
        note=_(
            "Events with recorded attendance. Local: the participant's organisation is in the event's country. "
            "The spreadsheet export lists every event."
        ),
    )


def _campaigns(pdf: Document, tables: dict[str, Table]) -> None:
    """Per event only the invited, the registered and the conversion (the page is too
    narrow for every answer); by stakeholder group every answer."""
    rate = _("Conversion (%)")
    headers = [_("Event"), _("Partner"), _("Date"), _("Campaigns"), _("Invited"), _("Registered"), rate]
    note = _(
        "What the people invited by the partners' campaigns did. Conversion: registered per invited. "
        "The spreadsheet export gives every answer per event."
    )
    _table(pdf, tables["campaigns"], (0, 1, 3, 4, 5, 6, 10), (57, 18, 22, 22, 17, 22, 22), headers=headers, note=note)
    by_group = tables["campaigns_by_group"]
    _table(pdf, by_group, tuple(range(7)), (58, 17, 22, 17, 27, 17, 22), headers=[*by_group.header[:6], rate])


def write_pdf(report: Report, fileobj: IO[bytes], *, generated_on: date) -> None:
    """Write the report's PDF summary to `fileobj`."""
    project = report.project
    pdf = Document(project, f"{_('Dissemination report')} – {project.acronym}", landscape=False)
    _title_page(pdf, report, generated_on)
    _key_figures(pdf, report)
    pdf.add_page()
    _charts(pdf, report)
    tables = {t.name: t for t in report_tables(report)}
    _table(pdf, tables["aggregates"], (0, 1), (140, 40))
    for name in ("by_country", "by_stakeholder_group", "by_mode"):
        _table(pdf, tables[name], (1, 2, 3), (110, 35, 35))
    for name in ("by_kind", "by_result"):
        _table(pdf, tables[name], (1, 2, 3, 4), (95, 28, 28, 29))
    _multiplier_events(pdf, tables["multiplier_events"])
    _table(pdf, tables["feedback_summary"], tuple(range(10)), (54, 14, 13, 16, 17, 14, 14, 14, 15, 15))
    _campaigns(pdf, tables)
    fileobj.write(pdf.pdf_bytes())
