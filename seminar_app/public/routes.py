# Stub pages so the layout renders; the public-pages work replaces this file.
from flask import abort, redirect, render_template_string, request, session

from seminar_app.public import bp


@bp.route("/")
def index():  # type: ignore[no-untyped-def]
    return render_template_string("{% extends 'base.html' %}{% block content %}<h1>Events</h1>{% endblock %}")


@bp.route("/privacy")
def privacy():  # type: ignore[no-untyped-def]
    abort(404)


@bp.route("/accessibility")
def accessibility():  # type: ignore[no-untyped-def]
    abort(404)


@bp.route("/lang/<code>")
def set_language(code: str):  # type: ignore[no-untyped-def]
    session["lang"] = code
    return redirect(request.args.get("next") or "/")
