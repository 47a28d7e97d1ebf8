"""Contacts pages: a partner's contacts and lists, edited by hand, the suppression check,
and erasure of an address on request. Imports are in import_routes."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from seminar_app.accounts.permissions import contacts_partner_or_404
from seminar_app.contacts import bp, queries, services
from seminar_app.contacts.forms import (
    AddToListForm,
    ConfirmForm,
    ContactForm,
    EraseForm,
    ListForm,
    SuppressionCheckForm,
)
from seminar_app.contacts.models import Contact, ContactList
from seminar_app.contacts.suppression import suppression_for
from seminar_app.converters import query_int, query_text
from seminar_app.errors import DomainError
from seminar_app.extensions import db
from seminar_app.forms import show_domain_error
from seminar_app.projects.models import Partner, Project

ResponseValue = Response | str | tuple[str, int]
PAGE_SIZE = 50
_PARTNER = "/partners/<int:partner_id>"


def contact_or_404(partner: Partner, contact_id: int) -> Contact:
    contact = db.session.get(Contact, contact_id)
    if contact is None or contact.partner_id != partner.id:
        abort(404)
    return contact


def list_or_404(partner: Partner, list_id: int) -> ContactList:
    contact_list = db.session.get(ContactList, list_id)
    if contact_list is None or contact_list.partner_id != partner.id:
        abort(404)
    return contact_list


@bp.get("/contacts")
@login_required
def index() -> ResponseValue:
    partners = queries.contact_partners(current_user)
    if len(partners) == 1:
        return redirect(url_for(".partner_contacts", partner_id=partners[0].id))
    return render_template("contacts/index.html", partners=partners)


@bp.get(f"{_PARTNER}/contacts")
@login_required
def partner_contacts(partner_id: int) -> ResponseValue:
    partner = contacts_partner_or_404(partner_id)
    args = request.args
    filters = queries.ContactFilters(
        text=query_text(args.get("q")),
        list_id=query_int(args.get("list"), None),
        group=query_text(args.get("group")),
        country=query_text(args.get("country")),
        language=query_text(args.get("language")),
    )
    page = db.paginate(
        queries.contacts_query(partner, filters),
        page=query_int(args.get("page"), 1),
        per_page=PAGE_SIZE,
        error_out=False,
    )
    lists = queries.partner_lists(partner)
    countries, languages = queries.filter_values(partner)
    return render_template(
        "contacts/contacts.html",
        partner=partner,
        page=page,
        filters=filters,
        lists=lists,
        countries=countries,
        languages=languages,
        groups={g.code: g.display_label for g in partner.project.stakeholder_groups},
        counts=queries.contact_counts(partner),
        suppressed=queries.suppression_reasons(partner.project_id, list(page.items)),
        add_form=AddToListForm().setup([lst for lst, _n in lists]),
        page_args={k: v for k, v in args.items() if k != "page" and v},
    )


def _render_contact_form(
    partner: Partner, form: ContactForm, contact: Contact | None, code: int = 200
) -> ResponseValue:
    return render_template("contacts/contact_form.html", partner=partner, form=form, contact=contact), code


@bp.route(f"{_PARTNER}/contacts/new", methods=["GET", "POST"])
@login_required
def new_contact(partner_id: int) -> ResponseValue:
    partner = contacts_partner_or_404(partner_id)
    form = ContactForm().setup(partner, [lst for lst, _n in queries.partner_lists(partner)])
    if request.method == "GET":
        form.source.data = _("Added by hand by %(name)s", name=current_user.name)
        form.lists.data = [lst for lst in [query_int(request.args.get("list"), None)] if lst]
    if not form.validate_on_submit():
        return _render_contact_form(partner, form, None, 422 if form.errors else 200)
    try:
        contact = services.create_contact(partner, form.to_input(), actor=current_user)
    except DomainError as exc:
        show_domain_error(form, exc)
        return _render_contact_form(partner, form, None, exc.status)
    flash(_("%(address)s was added to your contacts.", address=contact.email), "success")
    return redirect(url_for(".partner_contacts", partner_id=partner.id))


@bp.route(f"{_PARTNER}/contacts/<int:contact_id>/edit", methods=["GET", "POST"])
@login_required
def edit_contact(partner_id: int, contact_id: int) -> ResponseValue:
    partner = contacts_partner_or_404(partner_id)
    contact = contact_or_404(partner, contact_id)
    form = ContactForm(obj=contact).setup(partner, [lst for lst, _n in queries.partner_lists(partner)])
    if request.method == "GET":
        form.lists.data = [lst.id for lst in contact.lists]
        form.legal_basis.data = contact.legal_basis.value
    if not form.validate_on_submit():
        return _render_contact_form(partner, form, contact, 422 if form.errors else 200)
    try:
        services.update_contact(contact, form.to_input(), actor=current_user)
    except DomainError as exc:
        show_domain_error(form, exc)
        return _render_contact_form(partner, form, contact, exc.status)
    flash(_("The contact %(address)s was saved.", address=contact.email), "success")
    return redirect(url_for(".partner_contacts", partner_id=partner.id))


@bp.route(f"{_PARTNER}/contacts/<int:contact_id>/delete", methods=["GET", "POST"])
@login_required
def delete_contact(partner_id: int, contact_id: int) -> ResponseValue:
    partner = contacts_partner_or_404(partner_id)
    contact = contact_or_404(partner, contact_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        return render_template("contacts/confirm_delete.html", partner=partner, contact=contact, form=form)
    address = contact.email
    services.delete_contact(contact, actor=current_user)
    flash(_("%(address)s was deleted from your contacts.", address=address), "success")
    return redirect(url_for(".partner_contacts", partner_id=partner.id))


@bp.post(f"{_PARTNER}/contacts/add-to-list")
@login_required
def add_to_list(partner_id: int) -> ResponseValue:
    partner = contacts_partner_or_404(partner_id)
    form = AddToListForm().setup([lst for lst, _n in queries.partner_lists(partner)])
    if not form.validate_on_submit() or not form.contact_ids.data:
        flash(_("Tick the contacts and choose a list."), "error")
        return redirect(url_for(".partner_contacts", partner_id=partner.id))
    contact_list = list_or_404(partner, form.list_id.data)
    added = services.add_to_list(contact_list, form.contact_ids.data, actor=current_user)
    flash(
        ngettext(
            "%(num)d contact added to “%(list)s”.",
            "%(num)d contacts added to “%(list)s”.",
            added,
            list=contact_list.name,
        ),
        "success",
    )
    return redirect(url_for(".contact_list", partner_id=partner.id, list_id=contact_list.id))


@bp.route(f"{_PARTNER}/contact-lists", methods=["GET", "POST"])
@login_required
def lists(partner_id: int) -> ResponseValue:
    partner = contacts_partner_or_404(partner_id)
    form = ListForm()
    if form.validate_on_submit():
        try:
            contact_list = services.create_list(partner, form.name.data, actor=current_user)
        except DomainError as exc:
            show_domain_error(form, exc)
        else:
            flash(_("The list “%(name)s” was created.", name=contact_list.name), "success")
            return redirect(url_for(".contact_list", partner_id=partner.id, list_id=contact_list.id))
    code = 422 if form.errors else 200
    return render_template(
        "contacts/lists.html", partner=partner, lists=queries.partner_lists(partner), form=form
    ), code


@bp.route(f"{_PARTNER}/contact-lists/<int:list_id>", methods=["GET", "POST"])
@login_required
def contact_list(partner_id: int, list_id: int) -> ResponseValue:
    partner = contacts_partner_or_404(partner_id)
    contact_list = list_or_404(partner, list_id)
    form = ListForm(obj=contact_list)
    if form.validate_on_submit():
        try:
            services.rename_list(contact_list, form.name.data, actor=current_user)
        except DomainError as exc:
            show_domain_error(form, exc)
        else:
            flash(_("The list is now called “%(name)s”.", name=contact_list.name), "success")
            return redirect(url_for(".contact_list", partner_id=partner.id, list_id=contact_list.id))
    members = db.session.scalars(queries.contacts_query(partner, queries.ContactFilters(list_id=contact_list.id))).all()
    return render_template(
        "contacts/list.html",
        partner=partner,
        contact_list=contact_list,
        members=members,
        form=form,
        remove_form=ConfirmForm(),
        suppressed=queries.suppression_reasons(partner.project_id, list(members)),
    ), (422 if form.errors else 200)


@bp.post(f"{_PARTNER}/contact-lists/<int:list_id>/contacts/<int:contact_id>/remove")
@login_required
def remove_from_list(partner_id: int, list_id: int, contact_id: int) -> ResponseValue:
    partner = contacts_partner_or_404(partner_id)
    contact_list = list_or_404(partner, list_id)
    contact = contact_or_404(partner, contact_id)
    if ConfirmForm().validate_on_submit():
        services.remove_from_list(contact_list, contact, actor=current_user)
        flash(_("%(address)s was taken off the list.", address=contact.email), "success")
    return redirect(url_for(".contact_list", partner_id=partner.id, list_id=contact_list.id))


@bp.route(f"{_PARTNER}/contact-lists/<int:list_id>/delete", methods=["GET", "POST"])
@login_required
def delete_list(partner_id: int, list_id: int) -> ResponseValue:
    partner = contacts_partner_or_404(partner_id)
    contact_list = list_or_404(partner, list_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        return render_template("contacts/confirm_delete.html", partner=partner, contact_list=contact_list, form=form)
    name = contact_list.name
    services.delete_list(contact_list, actor=current_user)
    flash(_("The list “%(name)s” was deleted; its contacts are still in your contacts.", name=name), "success")
    return redirect(url_for(".lists", partner_id=partner.id))


@bp.get(f"{_PARTNER}/contacts/suppression")
@login_required
def suppression(partner_id: int) -> ResponseValue:
    partner = contacts_partner_or_404(partner_id)
    form = SuppressionCheckForm(request.args)
    entry, checked = None, False
    if request.args and form.validate():
        checked, entry = True, suppression_for(partner.project_id, form.address.data)
    counts = queries.contact_counts(partner)
    return render_template(
        "contacts/suppression.html", partner=partner, form=form, entry=entry, checked=checked, counts=counts
    )


@bp.route("/projects/<int:project_id>/contacts/erase", methods=["GET", "POST"])
@login_required
def erase(project_id: int) -> ResponseValue:
    project = db.session.get(Project, project_id)
    if project is None or not queries.may_erase_in(current_user, project):
        abort(404)
    form = EraseForm()
    if form.validate_on_submit():
        try:
            services.erase_address(project, form.address.data, actor=current_user)
        except DomainError as exc:
            show_domain_error(form, exc)
        else:
            flash(
                _(
                    "Any data the project held about this address has been erased; "
                    "the address will not be invited again."
                ),
                "success",
            )
            return redirect(url_for(".erase", project_id=project.id))
    return render_template("contacts/erase.html", project=project, form=form), (422 if form.errors else 200)


@bp.app_template_global()
def contacts_nav_visible() -> bool:
    """Whether the main menu shows "Contacts" (people acting for a partner, administrators)."""
    if not current_user.is_authenticated:
        return False
    return bool(current_user.is_admin or current_user.partners)
