"""Evidence documents (PDF): attendance sheets, online participant lists, certificates."""

from seminar_app.attendance import bp  # noqa: F401
