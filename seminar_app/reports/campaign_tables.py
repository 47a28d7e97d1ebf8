"""The invitation campaigns of a report as tables: per event (with a total) and per
stakeholder group. Invitees are counted, never named."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from flask_babel import gettext as _

from seminar_app import geo
from seminar_app.campaigns.queries import Conversion
from seminar_app.reports.tables import Cell, Labels, Report, Table, percent


def _conversion_cells(c: Conversion) -> list[Cell]:
    return [c.invited, c.registered, c.declined, c.unsubscribed, c.no_answer, percent(c.rate if c.invited else None)]


def _conversion_columns() -> list[tuple[str, int]]:
    return [
        (_("Invited"), 10), (_("Registered"), 11), (_("Cannot come"), 11), (_("Unsubscribed"), 12),
        (_("No answer yet"), 11), (_("Conversion (registered / invited, %)"), 14),
    ]  # fmt: skip


def campaigns(report: Report) -> Table:
    """One row per event with a campaign, in the events' order, then the total."""
    columns = [(_("Title"), 48), (_("Partner"), 12), (_("Country"), 16), (_("Date"), 11), (_("Campaigns"), 10)]

    def rows() -> Iterator[Sequence[Cell]]:
        by_event, label = report.campaigns_by_event, Labels()
        shown = [(r, *by_event[r.event_id]) for r in report.events if r.event_id in by_event]
        for r, count, c in shown:
            yield [
                r.title, r.partner, label(geo.country_name, r.country), f"{r.starts_local:%Y-%m-%d}", count,
                *_conversion_cells(c),
            ]  # fmt: skip
        if shown:
            answers = [c for _r, _count, c in shown]
            total = Conversion(
                invited=sum(c.invited for c in answers),
                registered=sum(c.registered for c in answers),
                declined=sum(c.declined for c in answers),
                unsubscribed=sum(c.unsubscribed for c in answers),
                no_answer=sum(c.no_answer for c in answers),
            )
            yield [_("Total"), None, None, None, sum(n for _r, n, _c in shown), *_conversion_cells(total)]

    return Table.named("campaigns", columns + _conversion_columns(), rows)


def campaigns_by_group(report: Report) -> Table:
    """What the invitees did, by stakeholder group, then the total (the dashboard's figures)."""

    def rows() -> Iterator[Sequence[Cell]]:
        conversion = report.conversion
        for group in conversion.by_group:
            yield [group.label, *_conversion_cells(group)]
        if conversion.by_group:
            yield [_("Total"), *_conversion_cells(conversion.overall)]

    return Table.named("campaigns_by_group", [(_("Stakeholder group"), 40), *_conversion_columns()], rows)
