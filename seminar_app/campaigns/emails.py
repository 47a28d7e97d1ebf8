"""The invitation mail and its one reminder, in each invitee's language, queued in the outbox.
The event's texts (and the save-the-date's) are in that language too where the event is
translated into it, in its main language otherwise.

Each mail carries the invitee's personal links (register, "I cannot come", unsubscribe)
and the event page, nothing else: no tracking pixel, no redirecting links. The partner's
contact address is the Reply-To, and List-Unsubscribe offers RFC 8058 one-click
unsubscribing. A save-the-date is the event's public calendar file (METHOD:PUBLISH, the
same UID as "Add to calendar", no attendee): taking it does not register anyone.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from flask import render_template
from flask_babel import gettext as _
from markupsafe import escape

from seminar_app import i18n
from seminar_app.calendar.ics import event_location, publish_calendar
from seminar_app.calendar.invitations import uid_space
from seminar_app.campaigns.models import Campaign, Invitation
from seminar_app.campaigns.selection import Selection
from seminar_app.campaigns.tokens import invitation_token
from seminar_app.events.content import LocalizedEvent, localized
from seminar_app.events.models import Event
from seminar_app.mail.services import outbox_row
from seminar_app.registration.emails import event_page_url, external_url
from seminar_app.timefmt import format_span, zone_label

INVITATION = "invitation"
REMINDER = "invitation_reminder"
# Stands in for a personal token in the preview (the real links exist once the campaign starts).
PREVIEW_TOKEN = "personal-link"


@dataclass(frozen=True)
class RenderedMail:
    subject: str
    text: str
    html: str


def _links(event: LocalizedEvent, token: str) -> dict[str, str]:
    return {
        "register_url": external_url("registration.register", slug=event.slug, invitation=token),
        "decline_url": external_url("campaigns.decline", token=token),
        "unsubscribe_url": external_url("campaigns.unsubscribe", token=token),
        "event_url": event_page_url(event),
    }


def render_invitation(
    event: Event, *, name: str, personal_note: str, token: str, language: str, reminder: bool = False
) -> RenderedMail:
    """The subject and bodies of an invitation (or its reminder) in `language`, with the
    event's texts in `language` where translated."""
    shown = localized(event, language)
    with i18n.force_language(language):
        context = {
            "event": shown,
            "name": name,
            "personal_note": personal_note,
            "when": format_span(event.starts_at, event.ends_at, event.timezone),
            "zone": zone_label(event.starts_at, event.timezone),
            "where": event_location(event) or _("Online"),
            "language": language,
            **_links(shown, token),
        }
        template = "invitation_reminder" if reminder else "invitation"
        subject = (
            _("Reminder: you are invited to %(title)s", title=shown.title)
            if reminder
            else _("Invitation: %(title)s", title=shown.title)
        )
        return RenderedMail(
            subject=subject,
            text=render_template(f"email/{template}.txt", **context),
            html=render_template(f"email/{template}.html", **context),
        )


def save_the_date(event: Event, language: str) -> str:
    """The event's public calendar entry (METHOD:PUBLISH, no attendee), described in `language`
    (its texts too where translated), with the same UID and SEQUENCE in every language."""
    shown = localized(event, language)
    event_url = event_page_url(shown)
    with i18n.force_language(language):
        body = publish_calendar(
            [shown], calendar_name=shown.title, url_for_event=lambda _event: event_url, uids=uid_space()
        )
    return body.decode("utf-8")


# Stand-ins for the personal parts of a mail rendered once for a whole batch (see `_personal`):
# random letters and digits, which neither escaping nor URL quoting changes.
_NAME_SLOT = f"name{secrets.token_hex(12)}"
_TOKEN_SLOT = f"token{secrets.token_hex(12)}"
# Rendered mails of a batch, by (language, reminder, whether the invitee has a name).
RenderedMails = dict[tuple[str, bool, bool], RenderedMail]


def _personal(
    event: Event,
    *,
    name: str,
    personal_note: str,
    token: str,
    language: str,
    reminder: bool,
    rendered: RenderedMails | None,
) -> RenderedMail:
    """`render_invitation`, byte for byte, for the invitee of `name` and `token`.

    Rendering the templates is most of a campaign's cost, and the mails of one language
    differ only in the name and the personal links: each is rendered once per batch with
    stand-ins, which are then replaced (the name HTML-escaped in the HTML part, as Jinja
    escapes it; a token is URL-safe Base64, which neither URL quoting nor escaping changes).
    tests/test_campaign_rendering.py compares the result with a full rendering."""
    if rendered is None:
        return render_invitation(
            event, name=name, personal_note=personal_note, token=token, language=language, reminder=reminder
        )
    key = (language, reminder, bool(name))
    if key not in rendered:
        rendered[key] = render_invitation(
            event,
            name=_NAME_SLOT if name else "",
            personal_note=personal_note,
            token=_TOKEN_SLOT,
            language=language,
            reminder=reminder,
        )
    mail = rendered[key]
    return RenderedMail(
        subject=mail.subject,
        text=mail.text.replace(_TOKEN_SLOT, token).replace(_NAME_SLOT, name),
        html=mail.html.replace(_TOKEN_SLOT, token).replace(_NAME_SLOT, str(escape(name))),
    )


def _row(
    invitation: Invitation,
    campaign: Campaign,
    *,
    reminder: bool,
    calendars: dict[str, str] | None = None,
    rendered: RenderedMails | None = None,
) -> dict[str, Any]:
    event = campaign.event
    token = invitation_token(invitation)
    mail = _personal(
        event,
        name=invitation.name,
        personal_note=campaign.personal_note,
        token=token,
        language=invitation.language,
        reminder=reminder,
        rendered=rendered,
    )
    with_calendar = campaign.save_the_date and not reminder
    return outbox_row(
        kind=REMINDER if reminder else INVITATION,
        to_address=invitation.email or "",
        to_name=invitation.name,
        reply_to=event.partner.contact_email,
        subject=mail.subject,
        body_text=mail.text,
        body_html=mail.html,
        event_id=event.id,
        calendar_method="PUBLISH" if with_calendar else "",
        calendar_ics=_calendar(event, invitation.language, calendars) if with_calendar else "",
        campaign_id=campaign.id,
        list_unsubscribe=external_url("campaigns.unsubscribe_one_click", token=token),
    )


def _calendar(event: Event, language: str, calendars: dict[str, str] | None) -> str:
    """The save-the-date in `language`, built once per batch: it is the same for everyone."""
    if calendars is None:
        return save_the_date(event, language)
    if language not in calendars:
        calendars[language] = save_the_date(event, language)
    return calendars[language]


def invitation_row(
    invitation: Invitation,
    campaign: Campaign,
    *,
    calendars: dict[str, str] | None = None,
    rendered: RenderedMails | None = None,
) -> dict[str, Any]:
    """The outbox row of the invitation mail (`mail.services.outbox_row`), for the caller to
    write. `calendars` keeps the save-the-date files already built, by language, and `rendered`
    the mails already rendered, for the next mails of the batch."""
    return _row(invitation, campaign, reminder=False, calendars=calendars, rendered=rendered)


def reminder_row(
    invitation: Invitation, campaign: Campaign, *, rendered: RenderedMails | None = None
) -> dict[str, Any]:
    """The outbox row of the reminder mail (no save-the-date)."""
    return _row(invitation, campaign, reminder=True, rendered=rendered)


@dataclass(frozen=True)
class PreviewMail:
    language: str
    recipients: int
    mail: RenderedMail


def preview(event: Event, selection: Selection, *, personal_note: str) -> list[PreviewMail]:
    """The mail as it will look in each language the recipients need (most recipients
    first), addressed to the first recipient of that language, with stand-in links."""
    first_names: dict[str, str] = {}
    for recipient in selection.recipients:
        first_names.setdefault(recipient.language, recipient.contact.name)
    return [
        PreviewMail(
            language,
            count,
            render_invitation(
                event, name=first_names[language], personal_note=personal_note, token=PREVIEW_TOKEN, language=language
            ),
        )
        for language, count in selection.by_language.items()
    ]
