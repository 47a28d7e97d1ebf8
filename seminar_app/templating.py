"""Jinja filters and globals shared by every template."""

from __future__ import annotations

from typing import Any

from flask import Flask, before_render_template, has_request_context, request
from flask_wtf import FlaskForm

from seminar_app import geo, i18n, sentences, timefmt
from seminar_app.db_types import utcnow
from seminar_app.events.content import language_autonym
from seminar_app.markup import render_markdown
from seminar_app.projects.eu_wording import FundedProject, FundingBlock, funding_block
from seminar_app.registration.emails import external_url


def init_app(app: Flask) -> None:
    app.jinja_env.filters.update(
        markdown=render_markdown,
        country_name=geo.country_name,
        language_name=geo.language_name,
        language_autonym=language_autonym,
        local_date=timefmt.format_date,
        local_time=timefmt.format_time,
        local_datetime=timefmt.format_datetime,
        zone_label=timefmt.zone_label,
    )
    # Absolute addresses come from PUBLIC_BASE_URL, never from the request's Host header.
    app.jinja_env.globals.update(
        format_span=timefmt.format_span,
        now=utcnow,
        external_url=external_url,
        eu_funding=eu_funding,
        # Also a global (not only in the context) so that imported macros can mark content's language.
        language_tag=i18n.language_tag,
    )
    app.jinja_env.globals.update(
        registration_state=sentences.registration_state,
        attend_instead=sentences.attend_instead,
        no_seat_free=sentences.no_seat_free,
        invitation_intro=sentences.invitation_intro,
    )

    before_render_template.connect(mark_form_errors, app)

    @app.context_processor
    def inject_common() -> dict[str, object]:
        return {
            "interface_languages": i18n.offered_languages(),
            "current_language": i18n.current_language(),
            "language_tag": i18n.language_tag,
            "current_path": (request.full_path if request.query_string else request.path)
            if has_request_context()
            else "/",
        }


def mark_form_errors(_app: Flask, template: object = None, context: dict[str, Any] | None = None, **_: object) -> None:
    """Tell base.html that the page shows a form with errors, so that its <title> starts
    with "Error:" (the first thing a screen reader announces after a failed submit)."""
    if context is not None and "page_has_errors" not in context:
        context["page_has_errors"] = any(isinstance(v, FlaskForm) and v.errors for v in context.values())


def eu_funding(project: FundedProject) -> FundingBlock:
    """The project's funding statement and disclaimer in the language being rendered (the
    page's, or the one a mail is forced into)."""
    return funding_block(project, i18n.current_language())
