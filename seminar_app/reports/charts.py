"""Charts for the dashboard and the PDF report: inline SVG drawn on the server.

No script and nothing fetched from elsewhere (the pages' CSP forbids both). Every text is
escaped (`Markup.format`); colours come from classes in static/css/app.css, with SVG
presentation attributes as a fallback for documents without that stylesheet. Each chart
is an image (`role="img"`) named by its <title> and summarised in its <desc>; the page
shows the same numbers in a table right after it, which is what screen readers use.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from flask_babel import format_date, format_decimal, ngettext
from flask_babel import gettext as _
from markupsafe import Markup

from seminar_app.reports.queries import REPORTED_STATUSES, Aggregates, FeedbackSummary, status_label

WIDTH = 520
BAR = 14
GAP = 6
LABEL_LINE = 18
VALUE_ROOM = 56  # right of the longest bar, for its number

# Fallback fills (the CSS classes win in the browser), contrast >= 3:1 on white.
FILLS = {
    "registered": "#6c757d",
    "attended": "#0b5ed7",
    "published": "#0b5ed7",
    "delivered": "#146c43",
    "postponed": "#997404",
    "cancelled": "#b02a37",
    "v1": "#b02a37",
    "v2": "#d63384",
    "v3": "#6c757d",
    "v4": "#479f76",
    "v5": "#146c43",
}


@dataclass(frozen=True)
class Series:
    """One set of values drawn in one colour; `key` names its colour (see FILLS)."""

    key: str
    name: str
    values: Sequence[int]


def _number(value: float) -> str:
    return format_decimal(value)


def _open(chart_id: str, title: str, description: str, height: int) -> Markup:
    return Markup(
        '<svg class="chart" id="{id}" viewBox="0 0 {w} {h}" width="100%" preserveAspectRatio="xMinYMin meet" '
        'role="img" aria-labelledby="{id}-title {id}-desc" focusable="false">'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>'
    ).format(id=chart_id, w=WIDTH, h=height, title=title, desc=description)


def _rect(key: str, x: float, y: float, width: float, height: float, tip: str) -> Markup:
    return Markup(
        '<rect class="chart-{key}" fill="{fill}" x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}">'
        "<title>{tip}</title></rect>"
    ).format(key=key, fill=FILLS.get(key, "#0b5ed7"), x=x, y=y, w=width, h=height, tip=tip)


def _text(x: float, y: float, text: str, css: str = "chart-text", anchor: str = "start") -> Markup:
    size = 11 if css == "chart-label-small" else 13
    return Markup(
        '<text class="{css}" x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="{size}" fill="#212529">'
        "{text}</text>"
    ).format(css=css, x=x, y=y, anchor=anchor, size=size, text=text)


def _legend(series: Sequence[tuple[str, str]], y: float) -> tuple[list[Markup], float]:
    """Colour keys in lines that fit the width; returns them and the y below them."""
    parts, x = [], 0.0
    for key, name in series:
        item_width = 28 + 7.5 * len(name)
        if x and x + item_width > WIDTH:
            x, y = 0.0, y + LABEL_LINE
        parts.append(_rect(key, x, y - 11, 12, 12, name))
        parts.append(_text(x + 16, y, name))
        x += item_width
    return parts, y + LABEL_LINE


def _see_table() -> str:
    return _("The table after the chart gives the same numbers.")


def bar_chart(chart_id: str, title: str, labels: Sequence[str], series: Sequence[Series]) -> Markup:
    """Horizontal bars: for each label (written above its bars) one bar per series."""
    largest = max((v for s in series for v in s.values), default=0) or 1
    scale = (WIDTH - VALUE_ROOM) / largest
    parts, y = _legend([(s.key, s.name) for s in series], 14)
    for index, label in enumerate(labels):
        y += LABEL_LINE - 4
        parts.append(_text(0, y, label, "chart-label"))
        y += 4
        for s in series:
            value = s.values[index]
            parts.append(_rect(s.key, 0, y, value * scale, BAR, f"{label}, {s.name}: {_number(value)}"))
            parts.append(_text(value * scale + 4, y + BAR - 2, _number(value)))
            y += BAR + 2
        y += GAP
    description = ngettext("%(num)d row.", "%(num)d rows.", len(labels)) + " " + _see_table()
    return _open(chart_id, title, description, int(y) + 2) + Markup("").join(parts) + Markup("</svg>")


def column_chart(chart_id: str, title: str, labels: Sequence[str], series: Sequence[Series]) -> Markup:
    """Stacked columns, one per label (months for a timeline), with the total on top."""
    plot_height = 160
    totals = [sum(s.values[i] for s in series) for i in range(len(labels))]
    largest = max(totals, default=0) or 1
    step = WIDTH / max(len(labels), 1)
    width = max(min(step * 0.7, 48), 2)
    parts, plot_top = _legend([(s.key, s.name) for s in series], 14)
    plot_top += 16  # room for the totals above the columns
    base = plot_top + plot_height
    axis = Markup('<line class="chart-axis" x1="0" x2="{w}" y1="{y}" y2="{y}" stroke="#6c757d"/>')
    parts.append(axis.format(w=WIDTH, y=base))
    every = max(1, -(-len(labels) // 8))  # at most eight month names under the axis, so they never overlap
    for index, label in enumerate(labels):
        x, top = index * step + (step - width) / 2, base
        for s in series:
            height = s.values[index] / largest * plot_height
            if height:
                top -= height
                parts.append(_rect(s.key, x, top, width, height, f"{label}, {s.name}: {_number(s.values[index])}"))
        if totals[index]:
            parts.append(_text(x + width / 2, top - 4, _number(totals[index]), anchor="middle"))
        if index % every == 0:
            parts.append(_text(x + width / 2, base + 16, label, "chart-label-small", anchor="middle"))
    description = ngettext("%(num)d column.", "%(num)d columns.", len(labels)) + " " + _see_table()
    return _open(chart_id, title, description, base + 24) + Markup("").join(parts) + Markup("</svg>")


def distribution_chart(
    chart_id: str, title: str, questions: Sequence[str], counts: Sequence[dict[int, int]], value_names: Sequence[str]
) -> Markup:
    """For each question (written above its bar) a bar split into the shares of answers
    1 to 5, low end first; `value_names` names the five values in the legend."""
    parts, y = _legend([(f"v{v}", value_names[v - 1]) for v in range(1, 6)], 14)
    for text, by_value in zip(questions, counts, strict=True):
        n = sum(by_value.values())
        y += LABEL_LINE - 4
        parts.append(_text(0, y, f"{text} (n = {_number(n)})", "chart-label"))
        y += 4
        x = 0.0
        for value in range(1, 6):
            width = by_value.get(value, 0) / n * WIDTH if n else 0
            if width:
                tip = f"{text}, {value_names[value - 1]}: {_number(by_value[value])}"
                parts.append(_rect(f"v{value}", x, y, width, BAR + 4, tip))
            x += width
        y += BAR + 4 + GAP
    description = ngettext("%(num)d question.", "%(num)d questions.", len(questions)) + " " + _see_table()
    return _open(chart_id, title, description, int(y) + 2) + Markup("").join(parts) + Markup("</svg>")


def month_label(month: date) -> str:
    return format_date(month, "MMM y")


def dashboard_charts(figures: Aggregates, feedback: FeedbackSummary) -> dict[str, Markup]:
    """The dashboard's (and the PDF report's) charts, by name; a chart without data is left out."""
    registered, attended = _("Registered"), _("Attended")
    charts: dict[str, Markup] = {}
    for name, title, rows in (
        ("country", _("People by country of their organisation"), figures.by_country),
        ("group", _("People by stakeholder group"), figures.by_stakeholder_group),
    ):
        if rows:
            charts[name] = bar_chart(
                f"chart-{name}",
                title,
                [r.label for r in rows],
                [
                    Series("registered", registered, [r.registered for r in rows]),
                    Series("attended", attended, [r.attended for r in rows]),
                ],
            )
    if figures.timeline:
        charts["timeline"] = column_chart(
            "chart-timeline",
            _("Events per month"),
            [month_label(m.month) for m in figures.timeline],
            [Series(s.value, status_label(s), [m.by_status[s] for m in figures.timeline]) for s in REPORTED_STATUSES],
        )
    answered = [q for q in feedback.questions if q.n]
    if answered:
        charts["feedback"] = distribution_chart(
            "chart-feedback",
            _("Answers from 1 (lowest) to 5 (highest)"),
            [q.text for q in answered],
            [q.counts for q in answered],
            [_("1 (lowest)"), "2", "3", "4", _("5 (highest)")],
        )
    return charts
