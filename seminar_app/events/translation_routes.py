"""The workspace's Translations tab: what is translated into each shipped language, and the
form to write, change or delete one language's texts."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from seminar_app import i18n
from seminar_app.accounts.permissions import managed_event_or_404
from seminar_app.errors import DomainError
from seminar_app.events import bp, translation_queries
from seminar_app.events import translation_services as services
from seminar_app.events.forms import ConfirmForm
from seminar_app.events.models import Event
from seminar_app.events.routes import ResponseValue
from seminar_app.events.translation_forms import TranslationForm, translation_form
from seminar_app.forms import show_domain_error
from seminar_app.geo import language_name


def _language_or_404(event: Event, language: str) -> str:
    if not i18n.is_shipped(language):
        abort(404)
    return language


def _render_form(event: Event, language: str, form: TranslationForm, code: int = 200):  # type: ignore[no-untyped-def]
    return render_template(
        "events/translation_form.html",
        event=event,
        language=language,
        form=form,
        translation=services.translation_for(event, language),
        readers=translation_queries.count_readers_with_entries(event, language),
        active_tab="translations",
    ), code


def _flash_saved(message: str, told: int, language: str) -> None:
    if told:
        message += " " + ngettext(
            "%(num)d confirmed attendee who reads the event in %(language)s is sent an updated calendar entry.",
            "%(num)d confirmed attendees who read the event in %(language)s are sent an updated calendar entry.",
            told,
            language=language_name(language),
        )
    flash(message, "success")


@bp.route("/events/<int:event_id>/translations")
@login_required
def translations(event_id: int) -> ResponseValue:
    event = managed_event_or_404(event_id)
    return render_template(
        "events/translations.html",
        event=event,
        statuses=translation_queries.translation_statuses(event),
        active_tab="translations",
    )


@bp.route("/events/<int:event_id>/translations/<language>", methods=["GET", "POST"])
@login_required
def edit_translation(event_id: int, language: str) -> ResponseValue:
    event = managed_event_or_404(event_id)
    _language_or_404(event, language)
    if language == event.language:
        flash(_("This is the event's main language: its texts are edited on the Details tab."), "info")
        return redirect(url_for("events.details", event_id=event.id))
    form = translation_form(event, language)
    if form.validate_on_submit():
        sequence = event.ical_sequence
        try:
            services.save_event_translation(
                event, language, form.to_input(event), actor=current_user, new=form.new.data == "1"
            )
        except DomainError as exc:
            show_domain_error(form, exc)
            return _render_form(event, language, form, code=exc.status)
        told = translation_queries.count_readers_with_entries(event, language) if event.ical_sequence != sequence else 0
        _flash_saved(_("The %(language)s version is saved.", language=language_name(language)), told, language)
        return redirect(url_for("events.translations", event_id=event.id))
    return _render_form(event, language, form, code=422 if form.errors else 200)


@bp.route("/events/<int:event_id>/translations/<language>/delete", methods=["GET", "POST"])
@login_required
def delete_translation(event_id: int, language: str) -> ResponseValue:
    event = managed_event_or_404(event_id)
    _language_or_404(event, language)
    if services.translation_for(event, language) is None:
        abort(404)
    form = ConfirmForm()
    readers = translation_queries.count_readers_with_entries(event, language)
    if form.validate_on_submit():
        sequence = event.ical_sequence
        try:
            services.delete_event_translation(event, language, actor=current_user)
        except DomainError as exc:
            show_domain_error(form, exc)
        else:
            told = readers if event.ical_sequence != sequence else 0
            _flash_saved(_("The %(language)s version is deleted.", language=language_name(language)), told, language)
            return redirect(url_for("events.translations", event_id=event.id))
    return render_template(
        "events/translation_delete.html",
        event=event,
        language=language,
        form=form,
        readers=readers,
        active_tab="translations",
    ), 422 if form.errors else 200
