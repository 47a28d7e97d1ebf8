"""Whole sentences that depend on a value (a registration's status, an attendance mode, an
event's kind).

A label slotted into a sentence ("This registration is %(status)s") cannot agree in gender,
case or capitalisation in most of the shipped languages, so each value has its own sentence
for translators to write whole.
"""

from __future__ import annotations

from flask_babel import gettext as _

from seminar_app.enums import AttendanceMode, EventKind, RegistrationStatus


def registration_state(status: RegistrationStatus) -> str:
    """ "This registration is on the waiting list." and so on."""
    return {
        RegistrationStatus.PENDING: _("This registration is awaiting approval."),
        RegistrationStatus.CONFIRMED: _("This registration is confirmed."),
        RegistrationStatus.WAITLISTED: _("This registration is on the waiting list."),
        RegistrationStatus.DECLINED: _("This registration was declined."),
        RegistrationStatus.CANCELLED: _("This registration is cancelled."),
    }[status]


def your_registration_state(status: RegistrationStatus) -> str:
    """The same, said to the person in their own mail."""
    return {
        RegistrationStatus.PENDING: _("Your registration is awaiting approval."),
        RegistrationStatus.CONFIRMED: _("Your registration is confirmed."),
        RegistrationStatus.WAITLISTED: _("Your registration is on the waiting list."),
        RegistrationStatus.DECLINED: _("Your registration was declined."),
        RegistrationStatus.CANCELLED: _("Your registration is cancelled."),
    }[status]


def cannot_attend(mode: AttendanceMode) -> str:
    return {
        AttendanceMode.ONSITE: _("This event cannot be attended on site."),
        AttendanceMode.ONLINE: _("This event cannot be attended online."),
    }[mode]


def no_free_seat(mode: AttendanceMode) -> str:
    return {
        AttendanceMode.ONSITE: _("There is no free seat on site."),
        AttendanceMode.ONLINE: _("There is no free seat online."),
    }[mode]


def will_attend(mode: AttendanceMode) -> str:
    return {
        AttendanceMode.ONSITE: _("You will now attend on site."),
        AttendanceMode.ONLINE: _("You will now attend online."),
    }[mode]


def attend_instead(mode: AttendanceMode) -> str:
    return {
        AttendanceMode.ONSITE: _("Attend on site instead"),
        AttendanceMode.ONLINE: _("Attend online instead"),
    }[mode]


def no_seat_free(mode: AttendanceMode) -> str:
    return {
        AttendanceMode.ONSITE: _("No seat is free on site at the moment."),
        AttendanceMode.ONLINE: _("No seat is free online at the moment."),
    }[mode]


def invitation_intro(kind: EventKind, partner: str, *, reminder: bool = False) -> str:
    """The first sentence of a campaign's invitation, or of its reminder."""
    if reminder:
        return {
            EventKind.SEMINAR: _(
                "A reminder: %(partner)s invited you to the following seminar, and there is still time to register.",
                partner=partner,
            ),
            EventKind.CONFERENCE: _(
                "A reminder: %(partner)s invited you to the following conference, and there is still time to register.",
                partner=partner,
            ),
            EventKind.WORKSHOP: _(
                "A reminder: %(partner)s invited you to the following workshop, and there is still time to register.",
                partner=partner,
            ),
            EventKind.TRAINING: _(
                "A reminder: %(partner)s invited you to the following training, and there is still time to register.",
                partner=partner,
            ),
            EventKind.WEBINAR: _(
                "A reminder: %(partner)s invited you to the following webinar, and there is still time to register.",
                partner=partner,
            ),
            EventKind.MEETING: _(
                "A reminder: %(partner)s invited you to the following meeting, and there is still time to register.",
                partner=partner,
            ),
        }[kind]
    return {
        EventKind.SEMINAR: _("%(partner)s invites you to the following seminar.", partner=partner),
        EventKind.CONFERENCE: _("%(partner)s invites you to the following conference.", partner=partner),
        EventKind.WORKSHOP: _("%(partner)s invites you to the following workshop.", partner=partner),
        EventKind.TRAINING: _("%(partner)s invites you to the following training.", partner=partner),
        EventKind.WEBINAR: _("%(partner)s invites you to the following webinar.", partner=partner),
        EventKind.MEETING: _("%(partner)s invites you to the following meeting.", partner=partner),
    }[kind]
