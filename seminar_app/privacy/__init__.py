"""Privacy: who may see which partner's personal data (grants to project managers), the log
of every participant-level export, and the per-event evidence pack for the funder."""

from flask import Blueprint

bp = Blueprint("privacy", __name__)
