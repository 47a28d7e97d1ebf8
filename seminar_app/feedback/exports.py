"""An event's feedback results as CSV and XLSX: the same rows as the results page.

The small-group rule applies as on the page: below the project's minimum, only the
counts. Comments are typed by the public, so every text cell goes through `neutralise`
(a comment such as "=HYPERLINK(...)" must stay text when the file is opened).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from seminar_app.events.models import Event
from seminar_app.feedback.results import SCALE_VALUES, FeedbackResults
from seminar_app.registration.exports import xlsx_text
from seminar_app.workbooks import sheet_title

Cell = str | int | float | None
Row = list[Cell]


def _number(value: float | None, digits: int = 2) -> float | None:
    return None if value is None else round(value, digits)


def _percent(share: float | None) -> float | None:
    return None if share is None else round(share * 100, 1)


def summary_rows(event: Event, results: FeedbackResults) -> list[Row]:
    rows: list[Row] = [
        [_("Event"), event.title],
        [_("Answers"), results.answers],
        [_("Invited to answer"), results.invited],
        [_("Response rate (%)"), _percent(results.response_rate)],
    ]
    if not results.detailed:
        rows.append([_("Note"), small_group_note(results)])
    elif results.before_after and results.before_after.change is not None:
        change = _number(results.before_after.change)
        rows.append([_("Change in self-rated knowledge (mean after minus mean before)"), change])
    return rows


def small_group_note(results: FeedbackResults) -> str:
    return _(
        "Fewer than %(count)d answers: only their number is given, so that nobody's answers can be recognised.",
        count=results.min_answers,
    )


def question_rows(results: FeedbackResults) -> list[Row]:
    """One row per scale question (n, mean, median, counts 1 to 5, share of 4 and 5),
    then one row per option of the choice questions."""
    if not results.detailed:
        return []
    header: Row = [_("Question"), "n", _("Mean"), _("Median"), *map(str, SCALE_VALUES), _("Share of 4 and 5 (%)")]
    rows: list[Row] = [header]
    for scale in results.scales:
        counts = [scale.counts[v] for v in SCALE_VALUES]
        rows.append([scale.text, scale.n, _number(scale.mean), scale.median, *counts, _percent(scale.share_high)])
    if results.choices:
        rows += [[], [_("Question"), _("Option"), _("Chosen by")]]
        for choice in results.choices:
            rows += [[choice.text, label, count] for label, count in choice.options]
    return rows


def comment_rows(results: FeedbackResults) -> list[Row]:
    if not results.detailed:
        return []
    rows: list[Row] = [[_("Question"), _("Comment")]]
    for item in results.texts:
        rows += [[item.text, comment] for comment in item.comments]
    return rows


def _text(value: Cell) -> Cell:
    return xlsx_text(value) if isinstance(value, str) else value


def results_csv(event: Event, results: FeedbackResults) -> bytes:
    """UTF-8 with a byte-order mark (Excel reads accents right): the summary, the
    questions and the comments, separated by empty lines."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    sections = [summary_rows(event, results), question_rows(results), comment_rows(results)]
    for section in filter(None, sections):
        if buffer.tell():
            writer.writerow([])
        writer.writerows([["" if cell is None else _text(cell) for cell in row] for row in section])
    return buffer.getvalue().encode("utf-8-sig")


def _append(sheet, row: Sequence[Cell], *, bold: bool = False) -> None:  # type: ignore[no-untyped-def]
    if not bold:
        sheet.append([_text(cell) for cell in row])
        return
    cells = []
    for value in row:
        cell = WriteOnlyCell(sheet, value=_text(value))
        cell.font = Font(bold=True)
        cells.append(cell)
    sheet.append(cells)


def results_xlsx(event: Event, results: FeedbackResults) -> bytes:
    """Two sheets written in openpyxl's streaming mode: "Results" (summary and questions,
    numbers as numbers) and "Comments"."""
    workbook = Workbook(write_only=True)
    taken: set[str] = set()
    sheet = workbook.create_sheet(title=sheet_title(_("Results"), taken))
    sheet.column_dimensions["A"].width = 50
    for row in summary_rows(event, results):
        _append(sheet, row)
    questions = question_rows(results)
    if questions:
        sheet.append([])
    for row in questions:
        _append(sheet, row, bold=bool(row) and row[0] == _("Question"))
    comments = workbook.create_sheet(title=sheet_title(_("Comments"), taken))
    comments.column_dimensions["A"].width = 40
    comments.column_dimensions["B"].width = 80
    for index, row in enumerate(comment_rows(results)):
        _append(comments, row, bold=index == 0)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def export_filename(event: Event, extension: str) -> str:
    """`<event-slug>-feedback-<local start date>.<extension>`."""
    return f"{event.slug}-feedback-{event.local_start:%Y-%m-%d}.{extension}"
