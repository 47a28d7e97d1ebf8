"""Routes: filled in by the area."""

from seminar_app.contacts import bp  # noqa: F401
