"""Rendered public pages, cached and dropped as soon as public content changes.

Anonymous visitors make almost all requests to public pages, and every one of them
gets the same HTML for the same address and language. Such pages are kept in the
cache (Flask-Caching: in-process by default, Redis when CACHE_REDIS_URL is set, so
that every worker shares it) under a *generation* number. Any committed change to
an event, agenda, speaker, partner, project or result starts a new generation, so
nobody sees a stale page after an edit. Time-dependent text (whether registration
is open) is at most PUBLIC_PAGE_CACHE_SECONDS old.

The cache is only a shortcut: while its Redis is unreachable, pages are rendered for each
request and a warning is logged, never an error shown.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from functools import cache as cache_once
from functools import wraps
from typing import Any

from flask import Flask, current_app, make_response, request, session
from flask_babel import get_locale
from flask_login import current_user
from redis.exceptions import RedisError
from sqlalchemy import event as sa_event
from sqlalchemy.orm import Session

from seminar_app.events.content import reader_languages
from seminar_app.extensions import cache

GENERATION_KEY = "public-pages:generation"
_CHANGED = "public_content_changed"

logger = logging.getLogger(__name__)


def _quietly(operation: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """`operation` on the cache, or None (logged) when the cache's server cannot be reached."""
    try:
        return operation(*args, **kwargs)
    except RedisError as exc:
        logger.warning("Page cache unreachable, serving without it: %s", exc)
        return None


def _public_models() -> tuple[type, ...]:
    from seminar_app.agenda.models import AgendaItem, AgendaItemTranslation, Speaker
    from seminar_app.events.models import Event, EventTranslation
    from seminar_app.projects.models import Partner, PrivacyNotice, Project, ProjectResult
    from seminar_app.registration.models import Registration

    # Registrations change the seats left shown on event pages and cards.
    return (
        Event,
        EventTranslation,
        AgendaItem,
        AgendaItemTranslation,
        Speaker,
        Partner,
        Project,
        ProjectResult,
        PrivacyNotice,
        Registration,
    )


def init_app(app: Flask) -> None:
    cache.init_app(app)
    _watch_commits()


@cache_once
def _watch_commits() -> None:
    """Listen on every ORM session (once per process, however many apps are created)."""
    models = _public_models()

    @sa_event.listens_for(Session, "after_flush")
    def note_public_changes(session: Session, _context: Any) -> None:
        if any(isinstance(obj, models) for obj in (*session.new, *session.dirty, *session.deleted)):
            session.info[_CHANGED] = True

    @sa_event.listens_for(Session, "after_commit")
    def new_generation(session: Session) -> None:
        if session.info.pop(_CHANGED, False):
            start_new_generation()

    @sa_event.listens_for(Session, "after_rollback")
    def forget(session: Session) -> None:
        session.info.pop(_CHANGED, None)


def start_new_generation() -> None:
    """Make every cached public page obsolete."""
    _quietly(cache.set, GENERATION_KEY, uuid.uuid4().hex, timeout=0)


def _cacheable() -> bool:
    return (
        current_app.config["PUBLIC_PAGE_CACHE_SECONDS"] > 0
        and request.method == "GET"
        and not current_user.is_authenticated
        and "_flashes" not in session
    )


def cached_public_page(view: Callable[..., Any]) -> Callable[..., Any]:
    """Serve the page from the cache to anonymous visitors; render and store it on a miss."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if not _cacheable():
            return view(*args, **kwargs)
        generation = _quietly(cache.get, GENERATION_KEY)
        if generation is None:
            generation = uuid.uuid4().hex
            _quietly(cache.add, GENERATION_KEY, generation, timeout=0)
            generation = _quietly(cache.get, GENERATION_KEY) or generation
        # The interface's language and the languages the visitor reads event content in (their
        # browser's, see events.content.reader_languages) both decide what the page says.
        readers = ",".join(reader_languages())
        key = f"public-page:{generation}:{get_locale()}:{readers}:{request.full_path}"
        body = _quietly(cache.get, key)
        if body is not None:
            response = make_response(body)
        else:
            response = make_response(view(*args, **kwargs))
            if response.status_code == 200:
                seconds = current_app.config["PUBLIC_PAGE_CACHE_SECONDS"]
                _quietly(cache.set, key, response.get_data(), timeout=seconds)
        response.vary.update(("Cookie", "Accept-Language"))
        return response

    return wrapped
