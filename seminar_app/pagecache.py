"""Rendered public pages, cached and dropped as soon as public content changes.

Anonymous visitors make almost all requests to public pages, and every one of them
gets the same HTML for the same address and language. Such pages are kept in the
cache (Flask-Caching: in-process by default, Redis when CACHE_REDIS_URL is set, so
that every worker shares it) under a *generation* number. Any committed change to
an event, agenda, speaker, partner, project or result starts a new generation, so
nobody sees a stale page after an edit; any change to a registration starts a new
*seats generation*, which only what shows seats left depends on. Time-dependent text
(whether registration is open) is at most PUBLIC_PAGE_CACHE_SECONDS old.

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

from flask import Flask, current_app, has_request_context, make_response, request, session
from flask_babel import get_locale
from flask_login import current_user
from redis.exceptions import RedisError
from sqlalchemy import event as sa_event
from sqlalchemy.orm import Session

from seminar_app.events.content import reader_languages
from seminar_app.extensions import cache

T = TypeVar("T")

GENERATION_KEY = "public-pages:generation"
SEATS_GENERATION_KEY = "public-pages:seats-generation"
_CHANGED = "public_content_changed"
_SEATS_CHANGED = "public_seats_changed"

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
    )


def _seat_models() -> tuple[type, ...]:
    from seminar_app.registration.models import Registration

    return (Registration,)


def init_app(app: Flask) -> None:
    cache.init_app(app)
    _watch_commits()


@cache_once
def _watch_commits() -> None:
    """Listen on every ORM session (once per process, however many apps are created)."""
    watched = ((_public_models(), _CHANGED), (_seat_models(), _SEATS_CHANGED))

    @sa_event.listens_for(Session, "after_flush")
    def note_public_changes(session: Session, _context: Any) -> None:
        changed = (*session.new, *session.dirty, *session.deleted)
        for models, flag in watched:
            if any(isinstance(obj, models) for obj in changed):
                session.info[flag] = True

    @sa_event.listens_for(Session, "after_commit")
    def new_generation(session: Session) -> None:
        if session.info.pop(_CHANGED, False):
            start_new_generation()
        if session.info.pop(_SEATS_CHANGED, False):
            _start_new_seats_generation()

    @sa_event.listens_for(Session, "after_rollback")
    def forget(session: Session) -> None:
        session.info.pop(_CHANGED, None)
        session.info.pop(_SEATS_CHANGED, None)


def seats_shown_unchanged(session: Session) -> None:
    """Tell the commit that what the session changed in registrations so far changes no seats
    left a visitor sees (a new registration in a mode without a seat limit, shown as "places
    available" however many take them), so that it starts no new seats generation and the
    cached pages stay (issue 18: a public page is not rendered again for every registration)."""
    session.info.pop(_SEATS_CHANGED, None)


def start_new_generation() -> None:
    """Make every cached public page obsolete."""
    _quietly(cache.set, GENERATION_KEY, uuid.uuid4().hex, timeout=0)
    _forget_generations()


def _start_new_seats_generation() -> None:
    _quietly(cache.set, SEATS_GENERATION_KEY, uuid.uuid4().hex, timeout=0)
    _forget_generations()


_REQUEST_GENERATIONS = "_public_generations"


def _forget_generations() -> None:
    if has_request_context():
        request.__dict__.pop(_REQUEST_GENERATIONS, None)


def _generations() -> tuple[str, str]:
    """The content and seats generations now, read together in one round trip and then
    remembered for the rest of the request (until it starts a new one itself). A generation is
    started when the cache knows none (and each request gets a new one while the cache is
    unreachable, so nothing is wrongly reused)."""
    remembered = request.__dict__.get(_REQUEST_GENERATIONS) if has_request_context() else None
    if remembered is not None:
        return remembered
    found = _quietly(cache.get_many, GENERATION_KEY, SEATS_GENERATION_KEY) or [None, None]
    generations = (
        found[0] or _start_generation(GENERATION_KEY),
        found[1] or _start_generation(SEATS_GENERATION_KEY),
    )
    if has_request_context():
        request.__dict__[_REQUEST_GENERATIONS] = generations
    return generations


def _start_generation(key: str) -> str:
    generation = uuid.uuid4().hex
    _quietly(cache.add, key, generation, timeout=0)
    return _quietly(cache.get, key) or generation


def current_generation() -> str:
    """The generation of public content now."""
    return _generations()[0]


def keeps_values() -> bool:
    """Values are kept only with a cache every worker shares (Redis; or the page cache on,
    which production allows only with Redis), so that no worker can miss another's new
    generation; with the page cache off they are still kept when Redis is there."""
    config = current_app.config
    return config["PUBLIC_PAGE_CACHE_SECONDS"] > 0 or config["CACHE_TYPE"] == "RedisCache"


def kept_in_worker(name: str) -> dict[Any, Any] | None:
    """A dict this worker keeps under `name` for the current content generation (an empty one
    once a new generation starts), for what is read for every request although only a public
    edit changes it, and is not plain values the cache could hold (ORM objects); None when
    nothing may be kept (`keeps_values`): only a cache every worker shares tells each worker
    that another's edit started a new generation."""
    if not keeps_values():
        return None
    generation = current_generation()
    stores = current_app.extensions.setdefault(_KEPT_IN_WORKER, {})
    kept = stores.get(name)
    if kept is None or kept[0] != generation:
        kept = stores[name] = (generation, {})
    return kept[1]


_KEPT_IN_WORKER = "seminar_app.kept_in_worker"


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


def _value_key(name: str, *, seats: bool = False) -> str:
    content, seats_taken = _generations()
    return f"public-value:{content}:{seats_taken}:{name}" if seats else f"public-value:{content}:{name}"


def kept_value(name: str, *, seats: bool = False) -> KeptValue:
    """The value kept under `name` in this content generation (and with `seats`, in this seats
    generation too: for what shows seats left), and where to keep one."""
    if not keeps_values():
        return KeptValue(None, None)
    key = _value_key(name, seats=seats)
    return KeptValue(key, _quietly(cache.get, key))


@dataclass
class KeptValues:
    """What is kept under several names in one content generation (`values`, by name; None
    where nothing is), read and stored in one round trip each."""

    keys: dict[str, str] | None
    values: dict[str, Any]

    def keep(self, values: dict[str, Any]) -> None:
        if self.keys is not None and values:
            timeout = current_app.config["CACHE_DEFAULT_TIMEOUT"]
            _quietly(cache.set_many, {self.keys[name]: value for name, value in values.items()}, timeout=timeout)


def kept_values(names: list[str]) -> KeptValues:
    """`kept_value` for several names at once."""
    if not keeps_values() or not names:
        return KeptValues(None, dict.fromkeys(names))
    keys = {name: _value_key(name) for name in names}
    found = _quietly(cache.get_many, *keys.values()) or [None] * len(keys)
    return KeptValues(keys, dict(zip(names, found, strict=True)))


def per_generation(name: str, compute: Callable[[], T]) -> T:
    """`compute()`, worked out once per content generation: for what every request would
    otherwise ask the database for again although only a public edit can change it (the
    public filters' choices). The value must not depend on the request or the clock, and
    must pickle (plain values, not ORM objects). Kept only with a shared cache (`keeps_values`)."""
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
        # Pages show seats left: they are obsolete after a registration as after an edit. The
        # interface's language and the languages the visitor reads event content in (their
        # browser's, see events.content.reader_languages) both decide what the page says.
        generations = ":".join(_generations())
        readers = ",".join(reader_languages())
        key = f"public-page:{generations}:{get_locale()}:{readers}:{request.full_path}"
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
# Response headers a 304 repeats from the answer it stands for.
_REVALIDATION_HEADERS = frozenset({"cache-control", "content-location", "expires", "vary"})


def cached_public_content(view: Callable[..., Any] | None = None, *, clock: bool = True) -> Any:
    """For calendar files, feeds and API answers: an ETag per content generation, 304 to a
    matching If-None-Match without calling the view, and the answer kept per generation.

    With `clock` (the default) the answer may depend on the time (registration open or closed):
    the tag then also names the period of PUBLIC_PAGE_CACHE_SECONDS it was made in, so that it
    is never older than on the pages, and nothing is kept while the page cache is off. Without
    it (calendar files, whose every line comes from the content) the answer is kept for the
    whole generation whenever a shared cache keeps values (`keeps_values`), page cache or not:
    it cannot change before the content does.
    """
    if view is None:
        return lambda view: cached_public_content(view, clock=clock)

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if not (_cacheable() if clock else keeps_values() and _may_share_answer()):
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
            # The headers a 200 would have carried about caching (RFC 9110, 15.4.5), kept apart
            # from the answer so that a 304 reads none of its body.
            response = current_app.response_class(status=304)
            response.headers.extend(_quietly(cache.get, f"{key}:headers") or [])
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
                revalidation = [(k, v) for k, v in headers if k.lower() in _REVALIDATION_HEADERS]
                stored_values = {key: (response.get_data(), headers), f"{key}:headers": revalidation}
                _quietly(cache.set_many, stored_values, timeout=timeout)
        response.set_etag(etag)
        return response.make_conditional(request)

    return wrapped
