from seminar_app.mail import bp  # noqa: F401
