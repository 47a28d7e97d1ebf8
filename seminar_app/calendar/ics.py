"""Calendar data for public events: iCalendar (RFC 5545) files and feeds, and
"Add to calendar" links for Google Calendar and Outlook.

Pure functions: URLs, names and the domain are passed in, nothing here reads the
request or the app.

DECISION on time zones: one-off events are written with DTSTART/DTEND in UTC
(``...Z``). Every client converts UTC instants to the reader's zone correctly,
across daylight-saving changes, and no VTIMEZONE block is needed; the date-list
VTIMEZONE blocks that icalendar generates are reported to be misread by Outlook.
The event's own zone is still named in the description next to the agenda times.

Public calendars (`publish_calendar`) never carry an ATTENDEE or the joining link;
invitations (`itip_calendar`) are addressed to one registrant and may carry both.

UIDs are stable per event and unique to the installation (see `UidSpace`); SEQUENCE
is the event's `ical_sequence`, raised whenever attendees' entries change, so every
client replaces its entry instead of adding one.

Any text that can be stored (line breaks, commas, semicolons, backslashes) is written
as RFC 5545 TEXT by `_text`, and links as URIs by `_uri`.

Event texts come in one language: each function takes the event as `localized` shows it
(a bare `Event` is shown in its main language). SUMMARY and DESCRIPTION carry that
language in their LANGUAGE parameter, LOCATION the language of the interface text in it
(country names, "Online"); the UID and SEQUENCE are the event's whatever the language.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import quote, urlencode

from flask_babel import gettext as _
from icalendar import Alarm, Calendar, vCalAddress, vDuration, vText
from icalendar import Event as VEvent

from seminar_app import i18n
from seminar_app.enums import EventStatus
from seminar_app.events.content import LocalizedEvent, localized
from seminar_app.events.models import Event
from seminar_app.geo import country_name

# What the functions below take: an event as a reader sees it, or an event in its main language.
Shown = Event | LocalizedEvent

PRODID = "-//seminar_app//Seminar calendar//EN"

_ICS_STATUS = {
    EventStatus.CANCELLED: "CANCELLED",
    EventStatus.POSTPONED: "TENTATIVE",
}

GOOGLE_URL = "https://calendar.google.com/calendar/render"
OUTLOOK_COM_URL = "https://outlook.live.com/calendar/0/deeplink/compose"
OFFICE_365_URL = "https://outlook.office.com/calendar/0/deeplink/compose"


@dataclass(frozen=True)
class UidSpace:
    """Where this installation's UIDs live: the public site's host name and the random id
    the installation was given once, so that two installations (or a rebuilt database)
    never write the same UID for different events. Events up to `legacy_through` were
    sent before installations had an id and keep the UID they were sent with."""

    domain: str
    installation_id: str
    legacy_through: int = 0


def shown(event: Shown) -> LocalizedEvent:
    """`event` as given, or in its main language when it is a bare `Event`."""
    return event if isinstance(event, LocalizedEvent) else localized(event, None)


def event_uid(event: Shown, uids: UidSpace) -> str:
    """The UID of an event in every calendar object written for it; it never changes."""
    if event.id <= uids.legacy_through:
        return f"event-{event.id}@{uids.domain}"
    return f"event-{event.id}-{uids.installation_id}@{uids.domain}"


class _Text(vText):
    """RFC 5545 TEXT (section 3.3.11) for any text: icalendar's own escaping turns a
    backslash followed by "N" (as in "Edifício\\Norte") into a line break."""

    def to_ical(self) -> bytes:
        escaped = str(self).replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
        escaped = escaped.replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n")
        return escaped.encode(self.encoding)


def _text(value: str) -> _Text:
    return _Text(value)


# Characters a URI may hold as they are (RFC 3986, with "%" so that existing escapes stay).
_URI_SAFE = "!#$%&'()*+,-./:;=?@[]_~"


def _uri(value: str) -> str:
    """`value` with spaces, line breaks and other characters a URI cannot hold percent-encoded."""
    return quote(value.strip(), safe=_URI_SAFE)


def event_location(event: Shown) -> str:
    """Venue, address, city and country; or "Online (platform)"; both for hybrid events."""
    parts: list[str] = []
    if event.format.has_venue:
        place = [event.venue_name, event.address, event.city, country_name(event.country)]
        parts.append(", ".join(p for p in place if p))
    if event.format.is_online:
        platform = event.online_platform
        parts.append(_("Online (%(platform)s)", platform=platform) if platform else _("Online"))
    return " / ".join(p for p in parts if p)


def agenda_outline(event: Shown) -> list[str]:
    """One line per agenda item, "HH:MM–HH:MM Title", in the event's zone (dated for multi-day events)."""
    event = shown(event)
    tz = event.tz
    lines = []
    for item in event.agenda_items:
        start, end = item.starts_at.astimezone(tz), item.ends_at.astimezone(tz)
        prefix = f"{start:%Y-%m-%d} " if event.is_multi_day else ""
        lines.append(f"{prefix}{start:%H:%M}–{end:%H:%M} {item.title}")
    return lines


def event_description(event: Shown, event_url: str) -> str:
    """Plain text: the summary, the agenda outline with its zone named, and the event page."""
    event = shown(event)
    blocks: list[str] = []
    if event.summary:
        blocks.append(event.summary)
    outline = agenda_outline(event)
    if outline:
        heading = _("Agenda (times in %(zone)s):", zone=event.timezone)
        blocks.append("\n".join([heading, *outline]))
    blocks.append(_("Details: %(url)s", url=event_url))
    return "\n\n".join(blocks)


def _language(code: str) -> dict[str, str]:
    return {"LANGUAGE": i18n.language_tag(code)}


def _vevent(
    event: LocalizedEvent,
    *,
    event_url: str,
    uids: UidSpace,
    dtstamp: datetime,
    sequence: int,
    extra_description: Iterable[str] = (),
    status: str | None = None,
) -> VEvent:
    vevent = VEvent()
    vevent.add("uid", event_uid(event, uids))
    vevent.add("sequence", sequence)
    vevent.add("dtstamp", dtstamp)
    vevent.add("dtstart", event.starts_at.astimezone(UTC))
    vevent.add("dtend", event.ends_at.astimezone(UTC))
    vevent.add("summary", _text(event.title), parameters=_language(event.lang_of("title")))
    description = "\n\n".join([event_description(event, event_url), *extra_description])
    vevent.add("description", _text(description), parameters=_language(event.content_language))
    location = event_location(event)
    if location:
        vevent.add("location", _text(location), parameters=_language(i18n.current_language()))
    vevent.add("url", _uri(event_url))
    vevent.add("status", status or _ICS_STATUS.get(event.status, "CONFIRMED"))
    # RFC 5546 wants an ORGANIZER in PUBLISH too: the partner's public contact address.
    vevent.add("organizer", _address(event.partner.contact_email, event.partner.name))
    return vevent


def _stamp(now: datetime | None) -> datetime:
    return (now or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)


def _address(email: str, name: str, **parameters: str) -> vCalAddress:
    address = vCalAddress(f"mailto:{email}")
    if name:
        address.params["CN"] = vText(name)
    for key, value in parameters.items():
        address.params[key.replace("_", "-").upper()] = vText(value)
    return address


def _new_calendar(method: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    return calendar


@dataclass(frozen=True)
class Invitee:
    """The one registrant an invitation is addressed to, and what only they may see."""

    email: str
    name: str
    private_url: str = ""
    joining_url: str = ""


def _private_lines(invitee: Invitee) -> list[str]:
    """What only the registrant may see: the joining link (when they may have it) and their private link."""
    lines = []
    if invitee.joining_url:
        lines.append(_("Join online: %(url)s", url=invitee.joining_url))
    if invitee.private_url:
        lines.append(_("Your registration (see, change or cancel): %(url)s", url=invitee.private_url))
    return lines


ITIP_METHODS = ("REQUEST", "CANCEL")
REMINDER_BEFORE = timedelta(hours=1)


def itip_calendar(
    event: Shown,
    invitee: Invitee,
    *,
    method: str,
    sequence: int,
    event_url: str,
    uids: UidSpace,
    now: datetime | None = None,
) -> bytes:
    """An iTIP (RFC 5546) REQUEST or CANCEL for one registrant's entry of `event`.

    ORGANIZER is the organising partner's contact address; the registrant is the one
    ATTENDEE, already accepted (registering was the answer), so RSVP is FALSE: replies
    would reach a mailbox, not seminar_app, and changes go through the private link.
    A REQUEST carries the private link, the joining link when the registrant may have
    it, and a reminder; a CANCEL has STATUS:CANCELLED and makes clients remove the entry.
    """
    if method not in ITIP_METHODS:
        raise ValueError(f"Unsupported iTIP method {method!r}")
    event = shown(event)
    calendar = _new_calendar(method)
    extra = _private_lines(invitee) if method == "REQUEST" else []
    status = "CANCELLED" if method == "CANCEL" else None
    vevent = _vevent(
        event,
        event_url=event_url,
        uids=uids,
        dtstamp=_stamp(now),
        sequence=sequence,
        extra_description=extra,
        status=status,
    )
    vevent.add(
        "attendee",
        _address(
            invitee.email,
            invitee.name,
            cutype="INDIVIDUAL",
            role="REQ-PARTICIPANT",
            partstat="ACCEPTED",
            rsvp="FALSE",
        ),
    )
    if method == "REQUEST":
        if invitee.joining_url:
            vevent.add("conference", _uri(invitee.joining_url), parameters={"VALUE": "URI", "FEATURE": "VIDEO"})
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", _text(event.title), parameters=_language(event.lang_of("title")))
        alarm.add("trigger", -REMINDER_BEFORE)
        vevent.add_component(alarm)
    calendar.add_component(vevent)
    return calendar.to_ical()


def publish_calendar(
    events: Iterable[Shown],
    *,
    calendar_name: str,
    url_for_event: Callable[[Shown], str],
    uids: UidSpace,
    refresh_minutes: int = 60,
    now: datetime | None = None,
) -> bytes:
    """A METHOD:PUBLISH calendar of `events`, for a download or a subscribed feed.

    Each VEVENT carries its event's SEQUENCE; `now` (UTC) is the DTSTAMP, the current
    time by default.
    """
    dtstamp = _stamp(now)
    refresh = timedelta(minutes=refresh_minutes)
    calendar = _new_calendar("PUBLISH")
    # NAME (RFC 7986) and X-WR-CALNAME are TEXT, though icalendar does not know them as such.
    calendar.add("name", _text(calendar_name))
    calendar.add("x-wr-calname", _text(calendar_name))
    calendar.add("refresh-interval", refresh, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(refresh))
    for event in map(shown, events):
        calendar.add_component(
            _vevent(event, event_url=url_for_event(event), uids=uids, dtstamp=dtstamp, sequence=event.ical_sequence)
        )
    return calendar.to_ical()


def personal_calendar(
    event: Shown, invitee: Invitee, *, event_url: str, uids: UidSpace, now: datetime | None = None
) -> bytes:
    """The registrant's own download: METHOD:PUBLISH with no ATTENDEE, but with their
    private link and (when they may have it) the joining link. Same UID as their invitation."""
    calendar = _new_calendar("PUBLISH")
    extra = _private_lines(invitee)
    calendar.add_component(
        _vevent(
            shown(event),
            event_url=event_url,
            uids=uids,
            dtstamp=_stamp(now),
            sequence=event.ical_sequence,
            extra_description=extra,
        )
    )
    return calendar.to_ical()


def _utc_compact(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _utc_iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def calendar_links(event: Shown, *, event_url: str) -> dict[str, str]:
    """ "Add to calendar" links for Google Calendar, Outlook.com and Office 365 (UTC times,
    without the joining link), keyed "google", "outlook_com" and "office_365"."""
    event = shown(event)
    details = "\n\n".join(p for p in (event.summary, event_url) if p)
    location = event_location(event)
    google = {
        "action": "TEMPLATE",
        "text": event.title,
        "dates": f"{_utc_compact(event.starts_at)}/{_utc_compact(event.ends_at)}",
        "details": details,
        "location": location,
    }
    outlook = urlencode(
        {
            "path": "/calendar/action/compose",
            "rru": "addevent",
            "subject": event.title,
            "startdt": _utc_iso(event.starts_at),
            "enddt": _utc_iso(event.ends_at),
            "body": details,
            "location": location,
        }
    )
    return {
        "google": f"{GOOGLE_URL}?{urlencode(google)}",
        "outlook_com": f"{OUTLOOK_COM_URL}?{outlook}",
        "office_365": f"{OFFICE_365_URL}?{outlook}",
    }
