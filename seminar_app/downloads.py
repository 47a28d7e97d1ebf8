"""Files handed to a logged-in reader (exports of attendees, feedback comments)."""

from __future__ import annotations

from flask import Response


def private_download(content: bytes, filename: str, mimetype: str) -> Response:
    """`content` as an attachment named `filename` that no shared cache or browser keeps:
    such files hold personal data or words people wrote. `filename` must already be safe
    for the header (the exports build it from slugs). `mimetype` is a bare type ("text/csv"):
    text types get "; charset=utf-8" added once."""
    response = Response(content, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response
