"""The filtered audit log as CSV, for the auditor."""

from __future__ import annotations

import json
from collections.abc import Iterable

from flask_babel import gettext as _

from seminar_app.audit.models import AuditEntry
from seminar_app.audit.wording import actor_name, describe
from seminar_app.registration.exports import to_csv


def audit_csv(entries: Iterable[AuditEntry], people: dict[int, str]) -> bytes:
    """One row per entry, newest first, every cell safe from spreadsheet formulas (the
    details hold text an organiser typed, such as an event title)."""
    header = [
        _("Time (UTC)"),
        _("Who"),
        _("E-mail at the time"),
        _("Role at the time"),
        _("Action"),
        _("Project"),
        _("Partner"),
        _("Event id"),
        _("Event"),
        _("Acted on (id)"),
        _("What happened"),
        _("Details"),
    ]
    rows = (
        [
            entry.at.strftime("%Y-%m-%d %H:%M:%S"),
            actor_name(entry),
            entry.actor_email,
            entry.actor_role,
            entry.action,
            entry.project.acronym if entry.project is not None else "",
            entry.partner.short_name if entry.partner is not None else "",
            str(entry.event_id or ""),
            entry.event.title if entry.event is not None else str(entry.details.get("title", "")),
            str(entry.target_id or ""),
            describe(entry, people),
            json.dumps(entry.details, ensure_ascii=False, sort_keys=True),
        ]
        for entry in entries
    )
    return to_csv(header, rows)
