"""The Agenda tab of the event workspace: items by day, and the event's speakers."""

from __future__ import annotations

from datetime import timedelta

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from seminar_app.accounts.permissions import managed_event_or_404
from seminar_app.agenda import bp, drafts, services
from seminar_app.agenda.forms import AgendaItemForm, SpeakerForm, item_form_data, speaker_form_data
from seminar_app.agenda.models import AgendaItem, Speaker
from seminar_app.agenda.queries import agenda_with_speakers, group_by_local_day
from seminar_app.enums import EventStatus
from seminar_app.errors import DomainError
from seminar_app.events.forms import ConfirmForm
from seminar_app.events.models import Event
from seminar_app.extensions import db
from seminar_app.forms import show_domain_error

ResponseValue = Response | str | tuple[str, int]


def _item_or_404(event: Event, item_id: int) -> AgendaItem:
    item = db.session.get(AgendaItem, item_id)
    if item is None or item.event_id != event.id:
        abort(404)
    return item


def _speaker_or_404(event: Event, speaker_id: int) -> Speaker:
    speaker = db.session.get(Speaker, speaker_id)
    if speaker is None or speaker.event_id != event.id:
        abort(404)
    return speaker


def _next_item_times(event: Event) -> dict[str, object]:
    """A new item starts where the agenda ends so far (or at the event's start), for 30 minutes."""
    last_end = max((i.ends_at for i in event.agenda_items), default=event.starts_at)
    start = min(last_end, event.ends_at - timedelta(minutes=30))
    local = start.astimezone(event.tz).replace(tzinfo=None)
    return {"starts_local": local, "ends_local": local + timedelta(minutes=30)}


def _render_item_form(event: Event, form: AgendaItemForm, item: AgendaItem | None = None, code: int = 200):  # type: ignore[no-untyped-def]
    return render_template("agenda/item_form.html", event=event, form=form, item=item, active_tab="agenda"), code


def _render_speaker_form(event: Event, form: SpeakerForm, speaker: Speaker | None = None, code: int = 200):  # type: ignore[no-untyped-def]
    return render_template(
        "agenda/speaker_form.html",
        event=event,
        form=form,
        speaker=speaker,
        back_to_item=_back_to_item(event) if speaker is None else None,
        active_tab="agenda",
    ), code


def _item_form_url(event: Event, item_id: int | None) -> str:
    if item_id is None:
        return url_for("agenda.new_item", event_id=event.id, draft=1)
    return url_for("agenda.edit_item", event_id=event.id, item_id=item_id, draft=1)


def _back_to_item(event: Event) -> str | None:
    """The item form waiting for this new speaker, when the speaker form was opened from it."""
    draft = drafts.pending(event.id) if request.args.get("draft") else None
    return _item_form_url(event, draft["item"]) if draft else None  # type: ignore[arg-type]


def _item_form(event: Event, item: AgendaItem | None) -> AgendaItemForm:
    """The item form: what was posted, or the draft kept while a speaker was added, or the item."""
    waiting = (
        drafts.take(event.id, item.id if item else None)
        if request.method == "GET" and request.args.get("draft")
        else None
    )
    if waiting is not None:
        return AgendaItemForm(formdata=waiting).setup(event.speakers)
    data = item_form_data(item) if item else _next_item_times(event)
    return AgendaItemForm(data=data).setup(event.speakers)


def _to_new_speaker(event: Event, form: AgendaItemForm, item: AgendaItem | None):  # type: ignore[no-untyped-def]
    """Keep what was typed in the item form when its "Add a speaker" button is pressed,
    then open the speaker form."""
    if not drafts.keep(event.id, item.id if item else None, request.form):
        form.form_errors.append(
            _(
                "This item's text is too long to keep while you add a speaker: "
                "save the item first, then add the speaker."
            )
        )
        return _render_item_form(event, form, item, code=422)
    return redirect(url_for("agenda.new_speaker", event_id=event.id, draft=1))


@bp.route("/events/<int:event_id>/agenda")
@login_required
def index(event_id: int) -> ResponseValue:
    event = managed_event_or_404(event_id)
    return render_template(
        "agenda/index.html",
        event=event,
        days=group_by_local_day(event, agenda_with_speakers(event)),
        overlapping=services.overlapping_item_ids(event),
        editable=event.status not in (EventStatus.CANCELLED, EventStatus.DELIVERED),
        delete_form=ConfirmForm(formdata=None),
        active_tab="agenda",
    )


@bp.route("/events/<int:event_id>/agenda/new", methods=["GET", "POST"])
@login_required
def new_item(event_id: int) -> ResponseValue:
    event = managed_event_or_404(event_id)
    form = _item_form(event, None)
    if request.form.get("add_speaker") and ConfirmForm().validate_on_submit():
        return _to_new_speaker(event, form, None)
    if form.validate_on_submit():
        try:
            services.add_agenda_item(event, form.to_input(), actor=current_user)
        except DomainError as exc:
            show_domain_error(form, exc)
            return _render_item_form(event, form, code=exc.status)
        flash(_("The item is added to the agenda."), "success")
        return redirect(url_for("agenda.index", event_id=event.id))
    return _render_item_form(event, form, code=422 if form.errors else 200)


@bp.route("/events/<int:event_id>/agenda/<int:item_id>/edit", methods=["GET", "POST"])
@login_required
def edit_item(event_id: int, item_id: int) -> ResponseValue:
    event = managed_event_or_404(event_id)
    item = _item_or_404(event, item_id)
    form = _item_form(event, item)
    if request.form.get("add_speaker") and ConfirmForm().validate_on_submit():
        return _to_new_speaker(event, form, item)
    if form.validate_on_submit():
        try:
            services.update_agenda_item(item, form.to_input(), actor=current_user)
        except DomainError as exc:
            show_domain_error(form, exc)
            return _render_item_form(event, form, item, code=exc.status)
        flash(_("The agenda item is saved."), "success")
        return redirect(url_for("agenda.index", event_id=event.id))
    return _render_item_form(event, form, item, code=422 if form.errors else 200)


@bp.route("/events/<int:event_id>/agenda/<int:item_id>/delete", methods=["POST"])
@login_required
def delete_item(event_id: int, item_id: int) -> ResponseValue:
    event = managed_event_or_404(event_id)
    item = _item_or_404(event, item_id)
    if ConfirmForm().validate_on_submit():
        try:
            services.remove_agenda_item(item, actor=current_user)
        except DomainError as exc:
            flash(exc.message, "error")
        else:
            flash(_("The item is removed from the agenda."), "success")
    return redirect(url_for("agenda.index", event_id=event.id))


@bp.route("/events/<int:event_id>/speakers/new", methods=["GET", "POST"])
@login_required
def new_speaker(event_id: int) -> ResponseValue:
    event = managed_event_or_404(event_id)
    form = SpeakerForm()
    if form.validate_on_submit():
        try:
            speaker = services.add_speaker(event, form.to_input(), actor=current_user)
        except DomainError as exc:
            show_domain_error(form, exc)
            return _render_speaker_form(event, form, code=exc.status)
        back = _back_to_item(event)
        if back:
            drafts.add_speaker(event.id, speaker.id)
            flash(_("The speaker is added and chosen for this item. Check the item, then save it."), "success")
            return redirect(back)
        flash(_("The speaker is added. You can now choose them in agenda items."), "success")
        return redirect(url_for("agenda.index", event_id=event.id))
    return _render_speaker_form(event, form, code=422 if form.errors else 200)


@bp.route("/events/<int:event_id>/speakers/<int:speaker_id>/edit", methods=["GET", "POST"])
@login_required
def edit_speaker(event_id: int, speaker_id: int) -> ResponseValue:
    event = managed_event_or_404(event_id)
    speaker = _speaker_or_404(event, speaker_id)
    form = SpeakerForm(data=speaker_form_data(speaker))
    if form.validate_on_submit():
        try:
            services.update_speaker(speaker, form.to_input(), actor=current_user)
        except DomainError as exc:
            show_domain_error(form, exc)
            return _render_speaker_form(event, form, speaker, code=exc.status)
        flash(_("The speaker is saved."), "success")
        return redirect(url_for("agenda.index", event_id=event.id))
    return _render_speaker_form(event, form, speaker, code=422 if form.errors else 200)


@bp.route("/events/<int:event_id>/speakers/<int:speaker_id>/delete", methods=["POST"])
@login_required
def delete_speaker(event_id: int, speaker_id: int) -> ResponseValue:
    event = managed_event_or_404(event_id)
    speaker = _speaker_or_404(event, speaker_id)
    if ConfirmForm().validate_on_submit():
        try:
            services.remove_speaker(speaker, actor=current_user)
        except DomainError as exc:
            flash(exc.message, "error")
        else:
            flash(_("The speaker is removed; their agenda items stay."), "success")
    return redirect(url_for("agenda.index", event_id=event.id))
