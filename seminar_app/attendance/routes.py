"""Check-in and attendance pages (organisers) and the QR check-in address."""

from seminar_app.attendance import bp  # noqa: F401
