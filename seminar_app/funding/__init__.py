"""The funder's ledger: the programme's funding rules per project, the plan of multiplier
events (E1, E2, ...), the signed sheets and other evidence files of delivered events, and
the ledger that compares the plan with what was delivered."""

from flask import Blueprint

# Routes are imported by create_app() when the blueprint is registered, not here.
bp = Blueprint("funding", __name__)
