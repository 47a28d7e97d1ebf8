"""Operations: health checks, request ids and logs, metrics, error reporting, start checks.

Nothing here is a page for people: these are the doors for the load balancer, systemd,
Prometheus and the operator's log tools.
"""

from flask import Blueprint

# Routes are imported by create_app() when the blueprint is registered, not here.
bp = Blueprint("ops", __name__)
