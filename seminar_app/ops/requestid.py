"""The request id: one reference per request that the visitor, the logs, the mail sent
because of the request and the error report all share.

nginx sets `X-Request-ID` ($request_id); a valid incoming id (8 to 64 letters, digits and
hyphens) is kept so that the proxy's and the app's logs agree, anything else is replaced
by a new one. Outside a request (the mail sender, the job runner) `bound_request_id`
gives the lines and the mail of one piece of work their own id.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from flask import has_request_context, request

HEADER = "X-Request-ID"
_VALID = re.compile(r"[A-Za-z0-9-]{8,64}")
# Kept in the WSGI environ rather than in `g`: `g` belongs to the app context, which a
# request does not always push anew (tests, CLI commands serving a request).
_ENVIRON_KEY = "seminar_app.request_id"
_bound: ContextVar[str | None] = ContextVar("seminar_app_request_id", default=None)


def new_request_id() -> str:
    return uuid.uuid4().hex


def is_valid(value: str | None) -> bool:
    return bool(value) and _VALID.fullmatch(value or "") is not None


def current_request_id() -> str | None:
    """The current request's id (taken from X-Request-ID or made), or the id bound by
    `bound_request_id` outside a request, or None."""
    if has_request_context():
        environ = request.environ
        if _ENVIRON_KEY not in environ:
            incoming = request.headers.get(HEADER)
            environ[_ENVIRON_KEY] = incoming if is_valid(incoming) else new_request_id()
        return str(environ[_ENVIRON_KEY])
    return _bound.get()


@contextmanager
def bound_request_id(value: str | None = None) -> Iterator[str]:
    """Give the log lines and mail of the work inside the block this id (a new one by default)."""
    value = value or new_request_id()
    token = _bound.set(value)
    try:
        yield value
    finally:
        _bound.reset(token)
