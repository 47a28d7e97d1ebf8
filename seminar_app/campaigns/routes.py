"""The Invitations tab of the event workspace: the event's campaigns, a new campaign
(preview, then confirm), each campaign's progress and conversion, and its one reminder.

Managers of the project see the figures; only the people acting for the event's partner
(and administrators) see the invitees or send anything (403 for the others, 404 for
people who may not see the event at all).
"""

from __future__ import annotations

from functools import partial

from flask import Response, abort, current_app, flash, jsonify, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from seminar_app.accounts.permissions import managed_event_or_404, may_use_contacts
from seminar_app.campaigns import bp, emails, queries, services
from seminar_app.campaigns.batches import run_campaign_quietly
from seminar_app.campaigns.forms import CampaignForm, ReminderForm
from seminar_app.campaigns.models import Campaign
from seminar_app.campaigns.selection import REASONS, select_recipients
from seminar_app.contacts.queries import partner_lists
from seminar_app.errors import DomainError
from seminar_app.events.models import Event
from seminar_app.forms import show_domain_error

ResponseValue = Response | str | tuple[str, int]
_BASE = "/manage/events/<int:event_id>/campaigns"


def _contacts_event(event_id: int) -> Event:
    """The event, if the user acts for its partner (404 if not theirs, 403 if figures only)."""
    event = managed_event_or_404(event_id)
    if not may_use_contacts(current_user, event.partner):
        abort(403)
    return event


def _campaign_or_404(event: Event, campaign_id: int) -> Campaign:
    campaign = queries.campaign_of_event(event, campaign_id)
    if campaign is None:
        abort(404)
    return campaign


def _to_campaign(campaign: Campaign) -> Response:
    """Redirect to the progress page; with inline delivery, run the campaign after the response."""
    response = redirect(url_for("campaigns.show", event_id=campaign.event_id, campaign_id=campaign.id))
    if current_app.config["MAIL_DELIVERY"] == "inline":
        response.call_on_close(partial(run_campaign_quietly, current_app._get_current_object(), campaign.id))  # type: ignore[attr-defined]
    return response


@bp.get(_BASE)
@login_required
def index(event_id: int) -> ResponseValue:
    event = managed_event_or_404(event_id)
    campaigns = queries.campaigns_of_event(event)
    try:
        services.check_can_invite(event)
        closed_reason = ""
    except DomainError as exc:
        closed_reason = exc.message
    return render_template(
        "campaigns/index.html",
        event=event,
        campaigns=campaigns,
        progress=queries.progress_of(campaigns),
        conversion=queries.conversion_by_campaign(campaigns),
        can_use=may_use_contacts(current_user, event.partner),
        closed_reason=closed_reason,
        active_tab="invitations",
    )


@bp.route(f"{_BASE}/new", methods=["GET", "POST"])
@login_required
def new(event_id: int) -> ResponseValue:
    event = _contacts_event(event_id)
    try:
        services.check_can_invite(event)
    except DomainError as exc:
        flash(exc.message, "warning")
        return redirect(url_for("campaigns.index", event_id=event.id))
    form = CampaignForm().setup(event, partner_lists(event.partner), *queries.contact_values(event.partner))
    status = 200
    if form.validate_on_submit() and form.send.data:
        try:
            campaign = services.start_campaign(
                event,
                form.criteria(),
                actor=current_user,
                personal_note=form.personal_note.data or "",
                save_the_date=form.save_the_date.data,
                expected_count=form.expected_count.data,
            )
        except services.AlreadySending as exc:
            flash(exc.message, "info")
            return redirect(url_for("campaigns.show", event_id=event.id, campaign_id=exc.campaign.id))
        except DomainError as exc:
            show_domain_error(form, exc)
            status = exc.status
        else:
            flash(_("The campaign has started: the invitations are being sent."), "success")
            return _to_campaign(campaign)
    elif form.errors:
        status = 422
    selection = select_recipients(event, form.criteria()) if form.is_submitted() and not form.lists.errors else None
    previews = emails.preview(event, selection, personal_note=form.personal_note.data or "") if selection else []
    return render_template(
        "campaigns/new.html",
        event=event,
        form=form,
        selection=selection,
        previews=previews,
        reasons=REASONS,
        active_tab="invitations",
    ), status


@bp.get(f"{_BASE}/<int:campaign_id>")
@login_required
def show(event_id: int, campaign_id: int) -> ResponseValue:
    event = managed_event_or_404(event_id)
    campaign = _campaign_or_404(event, campaign_id)
    can_use = may_use_contacts(current_user, event.partner)
    return render_template(
        "campaigns/show.html",
        event=event,
        campaign=campaign,
        number=queries.campaign_number(campaign),
        progress=queries.progress(campaign),
        conversion=queries.conversion(campaign),
        invitees=queries.invitees(campaign) if can_use else [],
        reminder_count=queries.reminder_recipients_count(campaign) if can_use else 0,
        group_labels={g.code: g.label for g in event.project.stakeholder_groups},
        can_use=can_use,
        active_tab="invitations",
    )


@bp.get(f"{_BASE}/<int:campaign_id>/progress.json")
@login_required
def progress_json(event_id: int, campaign_id: int) -> Response:
    event = managed_event_or_404(event_id)
    return jsonify(queries.progress(_campaign_or_404(event, campaign_id)).as_dict())


@bp.route(f"{_BASE}/<int:campaign_id>/reminder", methods=["GET", "POST"])
@login_required
def reminder(event_id: int, campaign_id: int) -> ResponseValue:
    event = _contacts_event(event_id)
    campaign = _campaign_or_404(event, campaign_id)
    form = ReminderForm()
    if form.validate_on_submit():
        try:
            count = services.request_reminder(campaign, actor=current_user, expected_count=form.expected_count.data)
        except services.SelectionChanged as exc:
            flash(exc.message, "warning")
        except DomainError as exc:
            flash(exc.message, "warning")
            return redirect(url_for("campaigns.show", event_id=event.id, campaign_id=campaign.id))
        else:
            flash(
                ngettext(
                    "The reminder is being sent to %(num)d person.",
                    "The reminder is being sent to %(num)d people.",
                    count,
                ),
                "success",
            )
            return _to_campaign(campaign)
    if campaign.reminder_requested_at is not None:
        flash(_("This campaign's reminder was already sent; there is only one per campaign."), "warning")
        return redirect(url_for("campaigns.show", event_id=event.id, campaign_id=campaign.id))
    return render_template(
        "campaigns/reminder.html",
        event=event,
        campaign=campaign,
        number=queries.campaign_number(campaign),
        count=queries.reminder_recipients_count(campaign),
        form=ReminderForm(formdata=None),
        active_tab="invitations",
    )
