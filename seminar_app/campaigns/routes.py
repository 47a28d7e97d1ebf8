"""Routes: filled in by the area."""

from seminar_app.campaigns import bp  # noqa: F401
