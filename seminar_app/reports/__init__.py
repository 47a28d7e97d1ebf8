"""Reporting for the funder: read-only queries over events, registrations, attendance and
feedback, the project dashboard, and (built on the same queries) the exports.

No models of its own: everything here reads what the other areas wrote.
"""

from flask import Blueprint

bp = Blueprint("reports", __name__)

from seminar_app.reports import export_routes  # noqa: E402, F401
