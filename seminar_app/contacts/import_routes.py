"""Importing contacts from a CSV or XLSX file: upload, choose the columns and preview
(nothing saved, as often as needed without uploading again), confirm."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from seminar_app.accounts.permissions import contacts_partner_or_404
from seminar_app.contacts import bp, import_services, queries
from seminar_app.contacts.forms import ImportForm, MappingForm
from seminar_app.contacts.imports import MAX_IMPORT_BYTES, Table, guess_mapping, read_table
from seminar_app.contacts.routes import ResponseValue
from seminar_app.errors import DomainError, ValidationFailed
from seminar_app.forms import show_domain_error
from seminar_app.projects.models import Partner

_BASE = "/partners/<int:partner_id>/contacts/import"


def _allow_big_forms() -> None:
    # The signed file travels in a hidden field: allow it, and cut off far bigger posts.
    request.max_content_length = 4 * MAX_IMPORT_BYTES
    request.max_form_memory_size = 4 * MAX_IMPORT_BYTES


def _signed_preview(partner: Partner) -> tuple[MappingForm, Table, import_services.ImportSettings] | None:
    """The posted mapping with the file and settings of the preview it came from; None (and
    the reason flashed) when that preview is stale, forged or made for another partner."""
    _allow_big_forms()
    form = MappingForm()
    try:
        table, settings = import_services.read_signed_import(partner, form.payload.data)
    except DomainError as exc:
        flash(exc.message, "error")
        return None
    form.setup(table).validate()
    return form, table, settings


def _preview_page(
    partner: Partner, table: Table, form: MappingForm, settings: import_services.ImportSettings
) -> ResponseValue:
    preview = None
    try:
        preview = import_services.preview_import(partner, table, form.mapping())
    except DomainError as exc:
        show_domain_error(form, exc)
    page = render_template(
        "contacts/import_preview.html",
        partner=partner,
        table=table,
        form=form,
        preview=preview,
        settings=settings,
        list_name=_list_name(partner, settings),
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
        table = read_table(form.file.data.read(MAX_IMPORT_BYTES + 1))
    except DomainError as exc:
        show_domain_error(form, exc)
        return render_template("contacts/import.html", partner=partner, form=form), exc.status
    mapping_form = MappingForm(formdata=None).setup(table).fill(guess_mapping(table.headers))
    mapping_form.payload.data = import_services.sign_import(partner, table, settings)
    return _preview_page(partner, table, mapping_form, settings)


@bp.post(f"{_BASE}/preview")
@login_required
def import_preview(partner_id: int) -> ResponseValue:
    partner = contacts_partner_or_404(partner_id)
    signed = _signed_preview(partner)
    if signed is None:
        return redirect(url_for(".import_upload", partner_id=partner.id))
    form, table, settings = signed
    return _preview_page(partner, table, form, settings)


@bp.post(f"{_BASE}/confirm")
@login_required
def import_confirm(partner_id: int) -> ResponseValue:
    partner = contacts_partner_or_404(partner_id)
    signed = _signed_preview(partner)
    if signed is None:
        return redirect(url_for(".import_upload", partner_id=partner.id))
    form, table, settings = signed
    try:
        done = import_services.apply_import(partner, table, form.mapping(), settings, actor=current_user)
    except ValidationFailed as exc:
        if set(exc.errors) & {"list_id", "new_list_name", "source", "legal_basis"}:
            flash(" ".join(m for ms in exc.errors.values() for m in ms), "error")
            return redirect(url_for(".import_upload", partner_id=partner.id))
        return _preview_page(partner, table, form, settings)
    except DomainError as exc:
        flash(exc.message, "error")
        return _preview_page(partner, table, form, settings)
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
