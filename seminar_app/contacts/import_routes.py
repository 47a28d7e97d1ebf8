"""Importing contacts from a CSV or XLSX file: upload, choose the columns and preview
(nothing saved, as often as needed without uploading again), confirm."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from seminar_app import geo
from seminar_app.accounts.permissions import contacts_partner_or_404
from seminar_app.contacts import bp, import_services, queries
from seminar_app.contacts.forms import ImportForm, MappingForm
from seminar_app.contacts.imports import FIELDS, MAX_IMPORT_BYTES, Table, guess_mapping, is_workbook, read_table
from seminar_app.contacts.routes import ResponseValue
from seminar_app.errors import DomainError, ValidationFailed
from seminar_app.forms import show_domain_error
from seminar_app.projects.models import Partner

_BASE = "/partners/<int:partner_id>/contacts/import"


def _allow_big_forms() -> None:
    # The signed file travels in a hidden field: allow it, and cut off far bigger posts.
    request.max_content_length = 4 * MAX_IMPORT_BYTES
    request.max_form_memory_size = 4 * MAX_IMPORT_BYTES


def _signed_preview(partner: Partner) -> tuple[MappingForm, import_services.SignedImport] | None:
    """The posted mapping with the file and settings of the preview it came from; None (and
    the reason flashed) when that preview is stale, forged or made for another partner."""
    _allow_big_forms()
    form = MappingForm()
    try:
        signed = import_services.read_signed_import(partner, form.payload.data)
    except DomainError as exc:
        flash(exc.message, "error")
        return None
    form.setup(signed.table).validate()
    return form, signed


def _fresh_mapping(partner: Partner, table: Table, signed: import_services.SignedImport) -> MappingForm:
    """The mapping form of a table just read, its columns guessed and the file signed."""
    form = MappingForm(formdata=None).setup(table).fill(guess_mapping(table.headers))
    form.payload.data = import_services.sign_import(partner, table, signed.settings, signed.workbook)
    return form


def _preview_page(partner: Partner, form: MappingForm, signed: import_services.SignedImport) -> ResponseValue:
    preview = None
    try:
        preview = import_services.preview_import(partner, signed.table, form.mapping(), form.chosen_values())
    except DomainError as exc:
        show_domain_error(form, exc)
    page = render_template(
        "contacts/import_preview.html",
        partner=partner,
        table=signed.table,
        form=form,
        preview=preview,
        settings=signed.settings,
        list_name=_list_name(partner, signed.settings),
        fields=FIELDS,
        value_choices={
            "stakeholder_group": [(g.code, g.display_label) for g in partner.project.stakeholder_groups],
            "language": geo.language_choices(),
        },
    )
    return page, (422 if form.errors else 200)


def _list_name(partner: Partner, settings: import_services.ImportSettings) -> str:
    if settings.list_id is None:
        return settings.new_list_name
    return next((lst.name for lst, _n in queries.partner_lists(partner) if lst.id == settings.list_id), "")


@bp.route(_BASE, methods=["GET", "POST"])
@login_required
def import_upload(partner_id: int) -> ResponseValue:
    partner = contacts_partner_or_404(partner_id)
    _allow_big_forms()
    form = ImportForm().setup([lst for lst, _n in queries.partner_lists(partner)])
    if request.method == "GET" and request.args.get("list", "").isdigit():
        form.list_id.data = request.args["list"]
    if not form.validate_on_submit():
        return render_template("contacts/import.html", partner=partner, form=form), (422 if form.errors else 200)
    try:
        settings = form.to_settings()
        import_services.check_settings(partner, settings)
        data = form.file.data.read(MAX_IMPORT_BYTES + 1)
        table = read_table(data)
    except DomainError as exc:
        show_domain_error(form, exc)
        return render_template("contacts/import.html", partner=partner, form=form), exc.status
    signed = import_services.SignedImport(table, settings, data if is_workbook(data) else None)
    return _preview_page(partner, _fresh_mapping(partner, table, signed), signed)


@bp.post(f"{_BASE}/preview")
@login_required
def import_preview(partner_id: int) -> ResponseValue:
    partner = contacts_partner_or_404(partner_id)
    posted = _signed_preview(partner)
    if posted is None:
        return redirect(url_for(".import_upload", partner_id=partner.id))
    form, signed = posted
    wanted = form.sheet.data
    if signed.workbook is not None and wanted and wanted != signed.table.sheet:
        try:
            table = read_table(signed.workbook, sheet=wanted)
        except DomainError as exc:
            flash(exc.message, "error")
        else:
            signed = import_services.SignedImport(table, signed.settings, signed.workbook)
            form = _fresh_mapping(partner, table, signed)
    return _preview_page(partner, form, signed)


@bp.post(f"{_BASE}/confirm")
@login_required
def import_confirm(partner_id: int) -> ResponseValue:
    partner = contacts_partner_or_404(partner_id)
    posted = _signed_preview(partner)
    if posted is None:
        return redirect(url_for(".import_upload", partner_id=partner.id))
    form, signed = posted
    try:
        done = import_services.apply_import(
            partner,
            signed.table,
            form.mapping(),
            signed.settings,
            actor=current_user,
            chosen=form.chosen_values(),
        )
    except ValidationFailed as exc:
        if set(exc.errors) & {"list_id", "new_list_name", "source", "legal_basis"}:
            flash(" ".join(m for ms in exc.errors.values() for m in ms), "error")
            return redirect(url_for(".import_upload", partner_id=partner.id))
        return _preview_page(partner, form, signed)
    except DomainError as exc:
        flash(exc.message, "error")
        return _preview_page(partner, form, signed)
    flash(
        _(
            "Imported into “%(list)s”: %(new)s, %(merged)s.",
            list=done.list_name,
            new=ngettext("%(num)d new contact", "%(num)d new contacts", len(done.new)),
            merged=ngettext(
                "%(num)d merged into an existing contact", "%(num)d merged into existing contacts", len(done.merged)
            ),
        ),
        "success",
    )
    if done.suppressed:
        flash(
            ngettext(
                "%(num)d address is on the suppression list and will never be invited.",
                "%(num)d addresses are on the suppression list and will never be invited.",
                len(done.suppressed),
            ),
            "warning",
        )
    if done.erased_lines:
        flash(
            ngettext(
                "%(num)d row was left out: the person asked for their data to be erased.",
                "%(num)d rows were left out: the people asked for their data to be erased.",
                len(done.erased_lines),
            ),
            "warning",
        )
    if done.rejected:
        flash(ngettext("%(num)d row was rejected.", "%(num)d rows were rejected.", len(done.rejected)), "warning")
    return redirect(url_for(".partner_contacts", partner_id=partner.id))
