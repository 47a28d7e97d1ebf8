"""Rendered public pages, cached and dropped as soon as public content changes.

Anonymous visitors make almost all requests to public pages, and every one of them
gets the same HTML for the same address and language. Such pages are kept in the
cache (Flask-Caching: in-process by default, Redis when CACHE_REDIS_URL is set, so
that every worker shares it) under a *generation* number. Any committed change to
an event, agenda, speaker, partner, project or result starts a new generation, so
nobody sees a stale page after an edit. Time-dependent text (whether registration
is open) is at most PUBLIC_PAGE_CACHE_SECONDS old.

Calendar files, feeds and JSON API answers are kept the same way (`cached_public_content`)
and also carry an ETag made from the generation, so a client that already has the current
answer gets 304 before anything is queried or built.

The cache is only a shortcut: while its Redis is unreachable, pages are rendered for each
request and a warning is logged, never an error shown.
"""

from __future__ import annotations

import hashlib
import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache as cache_once
from functools import wraps
from typing import Any, TypeVar

from flask import Flask, current_app, make_response, request, session
from flask_babel import get_locale
from flask_login import current_user
from redis.exceptions import RedisError
from sqlalchemy import event as sa_event
from sqlalchemy.orm import Session

from seminar_app.events.content import reader_languages
from seminar_app.extensions import cache

T = TypeVar("T")

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
    from seminar_app.projects.models import Partner, PrivacyNotice, PrivacyNoticeText, Project, ProjectResult
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
        PrivacyNoticeText,
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


def current_generation() -> str:
    """The generation of public content now; one is started when the cache knows none (and
    each call gets a new one while the cache is unreachable, so nothing is wrongly reused)."""
    generation = _quietly(cache.get, GENERATION_KEY)
    if generation is None:
        generation = uuid.uuid4().hex
        _quietly(cache.add, GENERATION_KEY, generation, timeout=0)
        generation = _quietly(cache.get, GENERATION_KEY) or generation
    return generation


def _keeps_values() -> bool:
    """Values are kept only with a cache every worker shares (Redis; or the page cache on,
    which production allows only with Redis), so that no worker can miss another's new
    generation; with the page cache off they are still kept when Redis is there."""
    config = current_app.config
    return config["PUBLIC_PAGE_CACHE_SECONDS"] > 0 or config["CACHE_TYPE"] == "RedisCache"


@dataclass
class KeptValue:
    """What is kept under a name in the content generation current when it was looked up:
    `value` (None when nothing is), and `keep` to store one under that same generation (so
    that what was built from older content is never stored under a newer generation)."""

    key: str | None
    value: Any

    def keep(self, value: T) -> T:
        if self.key is not None:
            _quietly(cache.set, self.key, value, timeout=current_app.config["CACHE_DEFAULT_TIMEOUT"])
        return value


def kept_value(name: str) -> KeptValue:
    """The value kept under `name` in this content generation, and where to keep one."""
    if not _keeps_values():
        return KeptValue(None, None)
    key = f"public-value:{current_generation()}:{name}"
    return KeptValue(key, _quietly(cache.get, key))


def per_generation(name: str, compute: Callable[[], T]) -> T:
    """`compute()`, worked out once per content generation: for what every request would
    otherwise ask the database for again although only a public edit can change it (the
    public filters' choices). The value must not depend on the request or the clock, and
    must pickle (plain values, not ORM objects). Kept only with a shared cache (`_keeps_values`)."""
    kept = kept_value(name)
    return kept.keep(compute()) if kept.value is None else kept.value


def _may_share_answer() -> bool:
    """Whether this request gets what every visitor gets: a GET by nobody signed in, with no
    message waiting for them."""
    return request.method == "GET" and not current_user.is_authenticated and "_flashes" not in session


def _cacheable() -> bool:
    return current_app.config["PUBLIC_PAGE_CACHE_SECONDS"] > 0 and _may_share_answer()


def cached_public_page(view: Callable[..., Any]) -> Callable[..., Any]:
    """Serve the page from the cache to anonymous visitors; render and store it on a miss."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if not _cacheable():
            return view(*args, **kwargs)
        generation = current_generation()
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


# Response headers that belong to one visitor and are never stored with a shared answer.
_PERSONAL_HEADERS = frozenset({"set-cookie"})


def cached_public_content(view: Callable[..., Any] | None = None, *, clock: bool = True) -> Any:
    """For calendar files, feeds and API answers: an ETag per content generation, 304 to a
    matching If-None-Match without calling the view, and the answer kept per generation.

    With `clock` (the default) the answer may depend on the time (registration open or closed):
    the tag then also names the period of PUBLIC_PAGE_CACHE_SECONDS it was made in, so that it
    is never older than on the pages, and nothing is kept while the page cache is off. Without
    it (calendar files, whose every line comes from the content) the answer is kept for the
    whole generation whenever a shared cache keeps values (`_keeps_values`), page cache or not:
    it cannot change before the content does.
    """
    if view is None:
        return lambda view: cached_public_content(view, clock=clock)

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if not (_cacheable() if clock else _keeps_values() and _may_share_answer()):
            return view(*args, **kwargs)
        seconds = current_app.config["PUBLIC_PAGE_CACHE_SECONDS"]
        # What the answer depends on: the content, the interface's language (the calendar's own
        # words), the languages the client reads (the API's texts) and the address.
        key = ":".join(
            (
                "public-content",
                current_generation(),
                str(int(time.time() // seconds)) if clock else "-",
                str(get_locale()),
                request.headers.get("Accept-Language", ""),
                request.full_path,
            )
        )
        etag = hashlib.sha256(key.encode()).hexdigest()[:40]
        if request.if_none_match.contains_weak(etag):
            response = current_app.response_class(status=304)
        else:
            stored = _quietly(cache.get, key)
            if stored is not None:
                body, headers = stored
                response = current_app.response_class(body, headers=headers)
            else:
                response = make_response(view(*args, **kwargs))
                if response.status_code != 200:
                    return response
                headers = [(k, v) for k, v in response.headers.items() if k.lower() not in _PERSONAL_HEADERS]
                timeout = seconds if clock else current_app.config["CACHE_DEFAULT_TIMEOUT"]
                _quietly(cache.set, key, (response.get_data(), headers), timeout=timeout)
        response.set_etag(etag)
        return response.make_conditional(request)

    return wrapped
