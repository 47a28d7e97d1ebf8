"""Files handed to a logged-in reader (exports of attendees, feedback comments)."""

from __future__ import annotations

from collections.abc import Iterable

from flask import Response


def private_download(content: bytes | Iterable[bytes], filename: str, mimetype: str) -> Response:
    """`content` as an attachment named `filename` that no shared cache or browser keeps:
    such files hold personal data or words people wrote. `filename` must already be safe
    for the header (the exports build it from slugs). `mimetype` is a bare type ("text/csv"):
    text types get "; charset=utf-8" added once. `content` may be a stream of chunks
    (wrapped in `stream_with_context` when it reads the database as it is sent)."""
    response = Response(content, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response
