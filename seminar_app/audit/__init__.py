"""Audit log: who did what and when, for the actions that matter in a dispute or a funder audit."""

from flask import Blueprint

# Routes are imported by create_app() when the blueprint is registered, not here.
bp = Blueprint("audit", __name__)
