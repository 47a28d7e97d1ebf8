"""Post-event feedback: the project's standard questionnaire plus an event's own questions,
anonymous answers through single-use links, and results."""

from flask import Blueprint

bp = Blueprint("feedback", __name__)
