"""Forms of the contacts pages. They check shape only; the rules live in
contacts.services and contacts.import_services."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired, FileSize
from wtforms import BooleanField, EmailField, FieldList, HiddenField, SelectField, StringField
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional

from seminar_app import geo
from seminar_app.contacts.import_services import ImportSettings
from seminar_app.contacts.imports import FIELDS, MAPPABLE_VALUES, MAX_IMPORT_BYTES, Table
from seminar_app.contacts.models import ContactList
from seminar_app.contacts.services import ContactInput
from seminar_app.enums import LegalBasis
from seminar_app.events.forms import select_choices
from seminar_app.forms import MultiCheckboxField
from seminar_app.projects.models import Partner


def _legal_basis_choices() -> list[tuple[str, str]]:
    return [("", _l("Choose…")), *LegalBasis.choices()]  # type: ignore[list-item]


def _group_choices(partner: Partner) -> list[tuple[str, str]]:
    return [(g.code, g.display_label) for g in partner.project.stakeholder_groups]


class ContactForm(FlaskForm):
    name = StringField(_l("Name"), validators=[Length(max=200)])
    email = EmailField(_l("E-mail address"), validators=[DataRequired(), Email(), Length(max=254)])
    organisation = StringField(_l("Organisation"), validators=[Length(max=200)])
    country = SelectField(_l("Country"), validators=[Optional()])
    stakeholder_group = SelectField(_l("Stakeholder group"), validators=[Optional()])
    language = SelectField(_l("Preferred language"), validators=[Optional()])
    lists = MultiCheckboxField(_l("Lists"), coerce=int, validators=[Optional()])
    source = StringField(_l("Source"), validators=[Length(max=200)])
    legal_basis = SelectField(_l("Legal basis"), validators=[InputRequired()])

    def setup(self, partner: Partner, lists: list[ContactList]) -> ContactForm:
        none = ("", _l("Not known"))
        self.country.choices = select_choices([none, *geo.country_choices()])
        self.stakeholder_group.choices = select_choices([none, *_group_choices(partner)])
        self.language.choices = select_choices([none, *geo.language_choices()])
        self.lists.choices = select_choices((lst.id, lst.name) for lst in lists)
        self.legal_basis.choices = select_choices(_legal_basis_choices())
        return self

    def to_input(self) -> ContactInput:
        return ContactInput(
            email=self.email.data or "",
            legal_basis=self.legal_basis.data or "",
            name=self.name.data or "",
            organisation=self.organisation.data or "",
            country=self.country.data or "",
            stakeholder_group=self.stakeholder_group.data or "",
            language=self.language.data or "",
            source=self.source.data or "",
            list_ids=list(self.lists.data or []),
        )


class ListForm(FlaskForm):
    name = StringField(_l("Name of the list"), validators=[DataRequired(), Length(max=120)])


class ConfirmForm(FlaskForm):
    """A POST with nothing but the CSRF token (deletions after a confirmation page)."""


class AddToListForm(FlaskForm):
    list_id = SelectField(_l("Add the ticked contacts to"), coerce=int, validators=[InputRequired()])
    contact_ids = MultiCheckboxField(_l("Contacts"), coerce=int, validate_choice=False)

    def setup(self, lists: list[ContactList]) -> AddToListForm:
        self.list_id.choices = select_choices((lst.id, lst.name) for lst in lists)
        return self


class EraseForm(FlaskForm):
    address = EmailField(_l("E-mail address to erase"), validators=[DataRequired(), Email(), Length(max=254)])
    confirm = BooleanField(
        _l("I confirm that this person asked for their data to be erased; this cannot be undone."),
        validators=[DataRequired(_l("Tick the box to confirm the erasure."))],
    )


class SuppressionCheckForm(FlaskForm):
    class Meta:
        csrf = False

    address = EmailField(_l("Is this address suppressed?"), validators=[DataRequired(), Email(), Length(max=254)])


class ImportForm(FlaskForm):
    file = FileField(
        _l("File of contacts (CSV or XLSX)"),
        validators=[
            FileRequired(_l("Choose the file to upload.")),
            FileSize(MAX_IMPORT_BYTES, message=_l("The file is larger than 2 MB.")),
        ],
    )
    list_id = SelectField(_l("Put the contacts on the list"))
    new_list_name = StringField(_l("Name of the new list"), validators=[Length(max=120)])
    source = StringField(_l("Where these contacts come from"), validators=[DataRequired(), Length(max=200)])
    legal_basis = SelectField(_l("Legal basis for holding them"), validators=[InputRequired()])

    def setup(self, lists: list[ContactList]) -> ImportForm:
        self.list_id.choices = select_choices([("", _l("A new list")), *((str(lst.id), lst.name) for lst in lists)])
        self.legal_basis.choices = select_choices(_legal_basis_choices())
        return self

    def to_settings(self) -> ImportSettings:
        return ImportSettings(
            list_id=int(self.list_id.data) if self.list_id.data else None,
            new_list_name=self.new_list_name.data or "",
            source=self.source.data or "",
            legal_basis=self.legal_basis.data or "",
        )


class MappingForm(FlaskForm):
    """Which column holds which field, the sheet of a workbook to read, what the file's
    unknown group and language values mean, and the signed file (see
    import_services.sign_import). The values come as two lists each: the value as written
    and the code chosen for it (checked by the service)."""

    payload = HiddenField(validators=[InputRequired()])
    sheet = SelectField(_l("Sheet to read"), validators=[Optional()], validate_choice=False)
    stakeholder_group_values = FieldList(StringField())
    stakeholder_group_codes = FieldList(StringField())
    language_values = FieldList(StringField())
    language_codes = FieldList(StringField())
    email = SelectField(FIELDS["email"], validators=[Optional()])
    name = SelectField(FIELDS["name"], validators=[Optional()])
    first_name = SelectField(FIELDS["first_name"], validators=[Optional()])
    last_name = SelectField(FIELDS["last_name"], validators=[Optional()])
    organisation = SelectField(FIELDS["organisation"], validators=[Optional()])
    country = SelectField(FIELDS["country"], validators=[Optional()])
    stakeholder_group = SelectField(FIELDS["stakeholder_group"], validators=[Optional()])
    language = SelectField(FIELDS["language"], validators=[Optional()])

    def setup(self, table: Table) -> MappingForm:
        columns = [("", _l("Not in the file"))]
        columns += [(str(i), h or _l("Column %(number)d", number=i + 1)) for i, h in enumerate(table.headers)]
        for name in FIELDS:
            self[name].choices = select_choices(columns)
        self.sheet.choices = select_choices((name, name) for name in table.sheets)
        if not self.sheet.data:
            self.sheet.data = table.sheet
        return self

    def fill(self, mapping: dict[str, int | None]) -> MappingForm:
        for name, index in mapping.items():
            self[name].data = "" if index is None else str(index)
        return self

    def mapping(self) -> dict[str, int | None]:
        result: dict[str, int | None] = {}
        for name in FIELDS:
            value = self[name].data or ""
            result[name] = int(value) if value.isdigit() else None
        return result

    def chosen_values(self) -> dict[str, dict[str, str]]:
        """Per field of MAPPABLE_VALUES, each unknown value mapped to the code chosen for it."""
        chosen: dict[str, dict[str, str]] = {}
        for name in MAPPABLE_VALUES:
            values = self[f"{name}_values"].data or []
            codes = self[f"{name}_codes"].data or []
            chosen[name] = {value: code for value, code in zip(values, codes, strict=False) if value and code}
        return chosen
