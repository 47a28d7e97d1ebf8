from seminar_app.api import bp  # noqa: F401
