"""Reporting for the funder: read-only queries over events, registrations, attendance and
feedback, the project dashboard, and (built on the same queries) the exports.

Its only tables are the tallies (`models`): each event's people counted ahead of time,
kept right by triggers on what the other areas write.
"""

from flask import Blueprint

bp = Blueprint("reports", __name__)

from seminar_app.reports import export_routes  # noqa: E402, F401
