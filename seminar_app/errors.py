"""Domain errors raised by services, and the HTML/JSON handlers for HTTP errors.

Services raise a `DomainError` (or a child) with a machine-readable `code`, a
translated message and, where one input is at fault, the `field` it belongs to.
Routes map them onto form fields; the API returns them as JSON.
"""

from __future__ import annotations

from flask import Flask, Response, jsonify, make_response, render_template, request
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException, SecurityError


class DomainError(Exception):
    code = "invalid"
    status = 422

    def __init__(self, message: str, *, field: str | None = None, code: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        if code:
            self.code = code


class ValidationFailed(DomainError):
    """Several fields are wrong at once; `errors` maps field name to messages."""

    code = "validation_failed"

    def __init__(self, errors: dict[str, list[str]], message: str = "The data is not valid."):
        super().__init__(message)
        self.errors = errors

    def __str__(self) -> str:
        return f"{self.message} {self.errors}"


class NotAllowed(DomainError):
    code = "forbidden"
    status = 403


class Conflict(DomainError):
    code = "conflict"
    status = 409


class InvalidTransition(DomainError):
    code = "invalid_transition"
    status = 409


def wants_json() -> bool:
    return request.path.startswith("/api/")


def api_error(status: int, code: str, message: str, **extra: object) -> tuple[Response, int]:
    body: dict[str, object] = {"code": code, "message": message}
    body.update(extra)
    return jsonify({"error": body}), status


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def handle_http(exc: HTTPException):  # type: ignore[no-untyped-def]
        status = exc.code or 500
        if wants_json():
            code = (exc.name or "error").lower().replace(" ", "_")
            response, _status = api_error(status, code, exc.description or exc.name)
        elif status in (400, 403, 404, 413, 429):
            response = make_response(render_template(f"errors/{status}.html", error=exc))
        else:
            return exc
        # The exception's own headers (Allow on a 405, Retry-After on a 429...) go with the answer.
        for name, value in exc.get_headers():
            if name.lower() != "content-type":
                response.headers[name] = value
        return response, status

    # nginx answers a request over its client_max_body_size by fetching this page (its
    # `error_page 413`), so that the person gets the limits in words rather than a bare 413.
    app.add_url_rule("/request-too-large", "request_too_large", _request_too_large)

    @app.errorhandler(DomainError)
    def handle_domain(exc: DomainError):  # type: ignore[no-untyped-def]
        if wants_json():
            extra = {"errors": exc.errors} if isinstance(exc, ValidationFailed) else {}
            if exc.field:
                extra["field"] = exc.field
            return api_error(exc.status, exc.code, exc.message, **extra)
        return render_template("errors/domain.html", error=exc), exc.status

    @app.errorhandler(SecurityError)
    def handle_untrusted_host(exc: SecurityError) -> tuple[str, int, dict[str, str]]:
        # Raised before routing (an unknown Host): no page can be built, since every
        # address in it would need the host that was refused.
        return _("This site is not served at this address."), 400, {"Content-Type": "text/plain; charset=utf-8"}

    @app.errorhandler(500)
    def handle_500(exc: Exception):  # type: ignore[no-untyped-def]
        if wants_json():
            return api_error(500, "internal_error", "An unexpected error occurred.")
        return render_template("errors/500.html"), 500


def _request_too_large() -> tuple[str, int]:
    return render_template("errors/413.html"), 413
