# Stub: the registration-pages work replaces this file.
from flask import abort

from seminar_app.registration import bp


@bp.route("/r/<token>")
def private_page(token: str):  # type: ignore[no-untyped-def]
    abort(404)
