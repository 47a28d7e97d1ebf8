"""Forms of an event's Evidence tab. Shape only: the day, kind and file rules live in
`funding.evidence_files`."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import SelectField

from seminar_app.attendance.forms import day_choices
from seminar_app.enums import EvidenceKind
from seminar_app.events.forms import select_choices
from seminar_app.events.models import Event
from seminar_app.funding.evidence_files import ACCEPT_ATTRIBUTE


def kinds_for(event: Event) -> list[EvidenceKind]:
    """The kinds of evidence an event can have: signed sheets need a venue, online reports
    an online part."""
    kinds = []
    if event.format.has_venue:
        kinds.append(EvidenceKind.SIGNED_SHEET)
    if event.format.is_online:
        kinds.append(EvidenceKind.ONLINE_REPORT)
    return [*kinds, EvidenceKind.AGENDA, EvidenceKind.MATERIAL]


class EvidenceUploadForm(FlaskForm):
    kind = SelectField(_l("What the file is"))
    day = SelectField(_l("Day it proves"))
    file = FileField(
        _l("File"),
        validators=[FileRequired(_l("Choose the file to upload."))],
        render_kw={"accept": ACCEPT_ATTRIBUTE},
    )

    def setup(self, event: Event) -> EvidenceUploadForm:
        self.kind.choices = select_choices((k.value, k.label) for k in kinds_for(event))
        self.day.choices = select_choices([("", _l("No day (agenda, material)")), *day_choices(event)])
        return self

    def parsed_kind(self) -> EvidenceKind:
        return EvidenceKind(self.kind.data)

    def parsed_day(self) -> date | None:
        try:
            return date.fromisoformat(self.day.data or "")
        except ValueError:
            return None


class EvidenceDeleteForm(FlaskForm):
    """The confirmation of a deletion: the CSRF token only."""
