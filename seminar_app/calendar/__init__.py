from flask import Blueprint

# Routes are imported by create_app() when the blueprint is registered, not here.
bp = Blueprint("calendar", __name__)
