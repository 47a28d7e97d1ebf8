from flask import Blueprint

# Routes are imported by create_app() when the blueprint is registered, not here:
# importing them with the package would make every models import drag in the views.
bp = Blueprint("registration", __name__)
