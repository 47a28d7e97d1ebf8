"""Public pages: the event list, event and project pages, privacy, accessibility, language."""

from __future__ import annotations

from dataclasses import replace
from urllib.parse import urlsplit

from flask import abort, current_app, redirect, render_template, request, session, url_for
from werkzeug.wrappers import Response

from seminar_app import i18n
from seminar_app.events.content import localized, pick_language, reader_languages
from seminar_app.pagecache import cached_public_page
from seminar_app.public import bp, fragments, queries


def _for_reader(page: queries.EventPage) -> queries.EventPage:
    """The page's events in the visitor's language where translated (no query: translations
    and seats taken are loaded with the list)."""
    wanted = reader_languages()
    return replace(page, items=[localized(e, pick_language(e, wanted)) for e in page.items])


@bp.route("/")
@cached_public_page
def index() -> str:
    listing = fragments.event_list(request.args)
    return render_template("public/index.html", when=listing.when, event_list=listing.html, form=listing.form)


@bp.route("/events/<slug>")
@cached_public_page
def event_detail(slug: str) -> str:
    # The version asked for with ?lang= if the event has it, else the visitor's.
    page = fragments.event_page(slug, [request.args.get("lang", ""), *reader_languages()])
    if page is None:
        abort(404)
    return render_template("public/event_detail.html", page=page)


@bp.route("/projects/<slug>")
@cached_public_page
def project_detail(slug: str) -> str:
    project = queries.get_public_project(slug)
    if project is None:
        abort(404)
    filters = queries.EventFilters(project=project.slug)
    size = current_app.config["PUBLIC_PAGE_SIZE"]
    return render_template(
        "public/project_detail.html",
        project=project,
        upcoming=_for_reader(queries.list_public_events(filters, when="upcoming", per_page=size)),
        past=_for_reader(queries.list_public_events(filters, when="past", per_page=size)),
    )


@bp.route("/privacy")
def privacy() -> str:
    return render_template("public/privacy.html", projects=queries.projects_with_privacy_notices())


@bp.route("/projects/<slug>/privacy")
def project_privacy(slug: str) -> str:
    project = queries.get_public_project(slug)
    if project is None:
        abort(404)
    return render_template("public/project_privacy.html", project=project)


@bp.route("/accessibility")
def accessibility() -> str:
    return render_template("public/accessibility.html")


def _is_local_path(target: str) -> bool:
    """Only a path on this site: no scheme, no host, no protocol-relative or backslash tricks."""
    if not target.startswith("/") or target.startswith(("//", "/\\")) or "\\" in target:
        return False
    if any(ord(ch) < 32 for ch in target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


@bp.route("/lang/<code>")
def set_language(code: str) -> Response:
    if code not in i18n.offered_languages():
        abort(404)
    session["lang"] = code
    target = request.args.get("next", "")
    return redirect(target if _is_local_path(target) else url_for("public.index"))
