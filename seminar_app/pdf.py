"""The page layout every PDF of the product shares: A4 pages set in the vendored DejaVu Sans
(which covers the Latin, Greek and Cyrillic names of every partner country), with the
project's funding block (EU emblem with the funding statement beside it, programme, grant
number, disclaimer; the official wording in the document's language, see
`seminar_app.projects.eu_wording`) and "Page n of N" at the foot of each page.

Used by the evidence documents (`seminar_app.attendance.evidence`), the agenda PDF and
the dissemination report (`seminar_app.reports.pdf_report`).
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Protocol

from flask import current_app
from flask_babel import gettext as _
from fpdf import FPDF, FontFace, XPos, YPos

from seminar_app import i18n
from seminar_app.projects.eu_wording import funding_block
from seminar_app.projects.models import Project

FONT = "DejaVu"
_MARGIN = 12.0
_EMBLEM_W, _EMBLEM_H = 18.0, 12.0
_FUNDING_LINE = 3.4
_PAGE_LABEL_W = 28.0
HEADING = FontFace(emphasis="BOLD", fill_color=(225, 230, 240))


class Titled(Protocol):
    """What a document is about (an event): only its title is printed."""

    @property
    def title(self) -> str: ...


@cache
def emblem(path: str) -> bytes:
    """The emblem's SVG without its <title>, which fpdf2 would warn about on every page."""
    return re.sub(rb"<title[^>]*>.*?</title>", b"", Path(path).read_bytes(), flags=re.S)


class Document(FPDF):
    """A4 pages with the funding block and "Page n of N" at the foot of each one."""

    def __init__(self, project: Project, title: str, *, landscape: bool) -> None:
        super().__init__(orientation="L" if landscape else "P", unit="mm", format="A4")
        static = Path(current_app.static_folder or "static")
        self.add_font(FONT, "", str(static / "fonts" / "DejaVuSans.ttf"))
        self.add_font(FONT, "B", str(static / "fonts" / "DejaVuSans-Bold.ttf"))
        self.emblem = str(static / "img" / "eu-emblem.svg")
        self.emblem_text = _("European Union emblem")
        self.set_title(title)
        self.set_creator("seminar_app")
        self.set_lang(i18n.language_tag())
        self.set_margins(_MARGIN, _MARGIN, _MARGIN)
        programme = [
            _("Programme:") + f" {project.funding_programme}." if project.funding_programme else "",
            _("Grant agreement number:") + f" {project.grant_number}." if project.grant_number else "",
        ]
        funding = funding_block(project, i18n.current_language())
        # The statement first, beside the emblem (the Commission's rule), then the facts and the disclaimer.
        self.funding = [
            ("B", funding.statement),
            ("", f"{project.name} ({project.acronym}). " + " ".join(p for p in programme if p)),
            ("", funding.disclaimer),
        ]
        self.page_label = _("Page %(page)s of %(pages)s", page="{page}", pages=self.str_alias_nb_pages)
        self.funding_width = self.epw - _EMBLEM_W - 4 - _PAGE_LABEL_W
        self.add_page()
        self.footer_height = max(_EMBLEM_H, self._funding_text_height()) + 2
        self.set_auto_page_break(True, margin=_MARGIN + self.footer_height + 4)

    def _funding_text_height(self) -> float:
        lines = 0
        for style, text in self.funding:
            self.set_font(FONT, style, 7)
            lines += len(self.multi_cell(self.funding_width, _FUNDING_LINE, text, dry_run=True, output="LINES"))
        return lines * _FUNDING_LINE

    def footer(self) -> None:
        top = self.h - _MARGIN - self.footer_height
        self.set_draw_color(150)
        self.line(self.l_margin, top, self.w - self.r_margin, top)
        self.image(emblem(self.emblem), x=self.l_margin, y=top + 2, w=_EMBLEM_W, h=_EMBLEM_H, alt_text=self.emblem_text)
        self.set_font(FONT, "", 8)
        self.set_xy(self.w - self.r_margin - _PAGE_LABEL_W, top + 2)
        self.cell(_PAGE_LABEL_W, _FUNDING_LINE, self.page_label.replace("{page}", str(self.page_no())), align="R")
        self.set_xy(self.l_margin + _EMBLEM_W + 4, top + 2)
        for style, text in self.funding:
            self.set_font(FONT, style, 7)
            self.multi_cell(self.funding_width, _FUNDING_LINE, text, align="L", new_x=XPos.LEFT, new_y=YPos.NEXT)

    def heading(self, title: str, subject: Titled, facts: list[tuple[str, str]]) -> None:
        """The document's title, the title of its subject (an event), then one "label: value" line per fact."""
        self.set_font(FONT, "B", 16)
        self.multi_cell(0, 8, title, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_font(FONT, "B", 12)
        self.multi_cell(0, 6, subject.title, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(1)
        for label, value in facts:
            if value:
                self.set_font(FONT, "B", 9)
                self.cell(self.get_string_width(label) + 2, 5, label)
                self.set_font(FONT, "", 9)
                self.multi_cell(0, 5, value, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(3)

    def paragraph(self, text: str, *, size: float = 9, style: str = "", align: str = "L") -> None:
        self.set_font(FONT, style, size)
        self.multi_cell(0, size * 0.55, text, align=align, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def grid(self, headings: list[str], widths: tuple[int, ...], rows: list[list[str]], *, min_height: float) -> None:
        """A table whose headings repeat on every page; no row is split across pages."""
        self.set_font(FONT, "", 9)
        with self.table(
            col_widths=widths,
            headings_style=HEADING,
            line_height=4.5,
            min_row_height=min_height,
            text_align="LEFT",
            padding=1,
        ) as table:
            table.row(headings)
            for cells in rows:
                table.row(cells)

    def pdf_bytes(self) -> bytes:
        return bytes(self.output())
