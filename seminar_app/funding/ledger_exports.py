"""The ledger as files for the final report: XLSX (three sheets: the multiplier events in
the layout of the final report's table, the totals with the cap, the evidence still
missing and the warnings), CSV (the first of those tables) and PDF (landscape, with the
project's funding block on every page).

Counts only, no one is named, so the files carry no personal data; text cells go through
the report exports' writers, which neutralise formulas. Money is written as numbers (the
line's grant, the totals), with the currency in the heading; a lump-sum project has no
amount per head and its grant cells are empty ("—" in the PDF).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date
from decimal import Decimal
from typing import IO

from flask_babel import format_date, format_decimal
from flask_babel import gettext as _

from seminar_app import geo
from seminar_app.funding.ledger import Ledger, LedgerLine
from seminar_app.funding.ledger_format import month_label
from seminar_app.pdf import Document
from seminar_app.projects.models import Project
from seminar_app.reports.exports import write_csv, write_xlsx
from seminar_app.reports.tables import Cell, Table


def _money(value: Decimal | None) -> Cell:
    return None if value is None else value  # type: ignore[return-value]  (openpyxl and csv take Decimal)


def _line_row(line: LedgerLine) -> list[Cell]:
    return [
        line.code if line.planned else _("not in the plan"),
        line.title,
        geo.country_name(line.country),
        line.delivered_dates,
        line.counts.local,
        line.counts.international,
        _money(line.grant),
        line.partner,
        month_label(line.planned_month) if line.planned_month else "",
        line.planned_local,
        line.planned_international,
        line.counts.partner_staff,
        line.counts.no_country,
        line.counts.not_eligible,
        _money(line.budget),
        line.evidence_words,
    ]


def ledger_table(ledger: Ledger) -> Table:
    currency = ledger.rules.currency
    columns = [
        (_("Event code"), 10),
        (_("Title"), 40),
        (_("Country"), 16),
        (_("Date"), 22),
        (_("Local participants"), 12),
        (_("International participants"), 14),
        (_("Grant (%(currency)s)", currency=currency), 12),
        (_("Partner"), 12),
        (_("Planned month"), 16),
        (_("Planned local"), 10),
        (_("Planned international"), 12),
        (_("Partner staff (not counted)"), 12),
        (_("Country not given"), 10),
        (_("Not eligible"), 10),
        (_("Budgeted (%(currency)s)", currency=currency), 12),
        (_("Evidence"), 60),
    ]

    def rows() -> Iterator[Sequence[Cell]]:
        for line in ledger.lines:
            yield _line_row(line)
        t = ledger.totals
        yield [
            _("Total"), "", "", "", t.local, t.international, _money(ledger.total_before_cap), "", "",
            ledger.planned_local, ledger.planned_international, t.partner_staff, t.no_country, t.not_eligible,
            _money(ledger.budget_total), "",
        ]  # fmt: skip
        for line in ledger.unplanned:
            yield _line_row(line)

    return Table("ledger", _("Multiplier events"), columns, rows)


def totals_rows(ledger: Ledger) -> list[tuple[str, Cell]]:
    """The totals and the cap as label and value (the value None under a lump sum)."""
    if not ledger.per_head:
        return [(_("Funding model"), _("Lump sum: no amount per participant"))]
    rows: list[tuple[str, Cell]] = [(_("Grant before the cap"), _money(ledger.total_before_cap))]
    if ledger.cap is not None:
        rows.append((_("Cap of the project"), _money(ledger.cap)))
        rows.append((_("Grant after the cap"), _money(ledger.total_after_cap)))
        rows.append((_("Cap reached"), _("yes") if ledger.cap_reached else _("no")))
    elif not ledger.whole_project:
        rows.append((_("Cap"), _("applied to the whole project by its managers")))
    return rows


def totals_table(ledger: Ledger) -> Table:
    columns = [(_("Figure"), 30), (_("Value (%(currency)s)", currency=ledger.rules.currency), 40)]
    return Table("ledger_totals", _("Totals and cap"), columns, lambda: iter(totals_rows(ledger)))


def status_table(ledger: Ledger) -> Table:
    columns = [(_("Kind"), 18), (_("What"), 90)]

    def rows() -> Iterator[Sequence[Cell]]:
        for words in ledger.evidence_missing:
            yield [_("Missing evidence"), words]
        for words in ledger.warnings:
            yield [_("Warning"), words]

    return Table("ledger_status", _("Evidence and warnings"), columns, rows)


def ledger_tables(ledger: Ledger) -> list[Table]:
    return [ledger_table(ledger), totals_table(ledger), status_table(ledger)]


def write_ledger_xlsx(ledger: Ledger, fileobj: IO[bytes]) -> None:
    write_xlsx(ledger_tables(ledger), fileobj)


def write_ledger_csv(ledger: Ledger, fileobj: IO[bytes]) -> None:
    write_csv(ledger_table(ledger), fileobj)


def _pdf_cell(value: Cell) -> str:
    if value is None:
        return "—"
    return value if isinstance(value, str) else format_decimal(value)


def write_ledger_pdf(project: Project, ledger: Ledger, fileobj: IO[bytes], *, generated_on: date) -> None:
    title = _("Multiplier events: plan and delivery")
    pdf = Document(project, f"{title} – {project.acronym}", landscape=True)
    pdf.paragraph(title, size=16, style="B")
    pdf.paragraph(f"{project.name} ({project.acronym})", size=12, style="B")
    pdf.paragraph(_("Generated on: %(date)s", date=format_date(generated_on, "long")), size=9)
    if not ledger.whole_project:
        pdf.paragraph(_("These lines cover only the planned events of your organisation."), size=9)
    pdf.ln(3)
    table = ledger_table(ledger)
    keep = (0, 1, 2, 3, 4, 5, 6, 7, 11, 13, 15)
    rows = [[_pdf_cell(row[i]) for i in keep] for row in table.rows()]
    pdf.grid([table.header[i] for i in keep], (16, 42, 20, 28, 17, 22, 17, 17, 18, 16, 60), rows, min_height=5)
    pdf.ln(4)
    pdf.paragraph(_("Totals and cap"), size=12, style="B")
    pdf.grid(
        [_("Figure"), _("Value (%(currency)s)", currency=ledger.rules.currency)],
        (80, 60),
        [[label, _pdf_cell(value)] for label, value in totals_rows(ledger)],
        min_height=5,
    )
    status = [[str(kind), str(what)] for kind, what in status_table(ledger).rows()]  # type: ignore[misc]
    pdf.ln(4)
    pdf.paragraph(_("Evidence and warnings"), size=12, style="B")
    if status:
        pdf.grid([_("Kind"), _("What")], (40, 220), status, min_height=5)
    else:
        pdf.paragraph(_("Every line has its evidence; no warnings."), size=9)
    fileobj.write(pdf.pdf_bytes())
