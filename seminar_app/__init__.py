"""seminar_app: national seminars of a project consortium, from agenda to report."""

from __future__ import annotations

import importlib
import os
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, request
from flask_login import current_user
from werkzeug.middleware.proxy_fix import ProxyFix

from config import CONFIGS, INSTANCE_DIR, Config
from seminar_app import db_pool, i18n, ops, ratelimit
from seminar_app.extensions import babel, csrf, db, limiter, login_manager, migrate
from seminar_app.ops import startchecks
from seminar_app.ops.logs import SECRET_ARGUMENTS


def create_app(config: type[Config] | dict[str, Any] | None = None) -> Flask:
    app = Flask(
        __name__,
        instance_path=str(INSTANCE_DIR),
        template_folder="../templates",
        static_folder="../static",
    )
    if config is None:
        config = CONFIGS[os.environ.get("SEMINAR_CONFIG", "development")]
    if isinstance(config, dict):
        app.config.from_object(CONFIGS["test"])
        app.config.update(config)
    else:
        app.config.from_object(config)
    production = not app.debug and not app.testing
    if production:
        # Every unsafe or missing setting at once, and an unreachable database (ops/startchecks.py).
        startchecks.check_production(app.config)
    _trust_hosts(app, production=production)
    INSTANCE_DIR.mkdir(exist_ok=True)
    ops.init_app(app)

    if app.config["PROXY_COUNT"]:
        proxies = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)  # type: ignore[method-assign]
    _configure_sqlite(app)
    db.init_app(app)
    with app.app_context():
        for engine in db.engines.values():
            db_pool.ping_when_idle(engine, app.config["DATABASE_PING_AFTER_IDLE_SECONDS"])
    migrate.init_app(
        app, db, directory=os.path.join(os.path.dirname(app.root_path), "migrations"), render_as_batch=True
    )
    csrf.init_app(app)
    limiter.init_app(app)
    ratelimit.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale)
    i18n.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message_category = "info"

    _import_models()
    from seminar_app import converters

    converters.init_app(app)
    _register_blueprints(app)

    from seminar_app import cli, pagecache, templating
    from seminar_app.errors import register_error_handlers
    from seminar_app.mail import sender as mail_sender

    register_error_handlers(app)
    templating.init_app(app)
    pagecache.init_app(app)
    mail_sender.init_app(app)
    cli.init_app(app)

    @app.after_request
    def security_headers(response):  # type: ignore[no-untyped-def]
        # Nothing is loaded from another site, so the policy can be strict (GDPR: no third-party requests).
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
            "frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
        )
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("Content-Language", i18n.language_tag())
        private = False
        if SECRET_ARGUMENTS & (request.view_args or {}).keys() or "invitation" in request.args:
            # A token in the address is a password (private links, feedback links, check-in
            # codes, an invitation's personal link to the registration form): never sent on
            # as a referrer, never kept by a browser or proxy.
            response.headers["Referrer-Policy"] = "no-referrer"
            private = True
        elif request.endpoint != "static" and current_user.is_authenticated:
            # What a logged-in person sees is theirs (registrations, contacts, exports, mail):
            # one rule for every page and download rather than one per route.
            private = True
        if private and "no-store" not in response.headers.get("Cache-Control", ""):
            response.headers["Cache-Control"] = "no-store"
        return response

    from seminar_app.ops import health

    health.answer_any_host(app)
    return app


def _trust_hosts(app: Flask, *, production: bool) -> None:
    """Answer only PUBLIC_BASE_URL's host and those in TRUSTED_HOSTS (Flask refuses others
    with 400): always in production, elsewhere only when TRUSTED_HOSTS is set."""
    listed = app.config.get("TRUSTED_HOSTS")
    if listed is None and not production:
        return
    public_host = urlsplit(app.config["PUBLIC_BASE_URL"]).hostname
    app.config["TRUSTED_HOSTS"] = list(dict.fromkeys([*([public_host] if public_host else []), *(listed or [])]))


def _configure_sqlite(app: Flask) -> None:
    """Let concurrent writers wait for SQLite's lock instead of failing at once."""
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
        options["connect_args"] = {"timeout": 30, **options.get("connect_args", {})}
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options


def _import_models() -> None:
    from seminar_app import installation as _installation  # noqa: F401
    from seminar_app.accounts import models as _accounts  # noqa: F401
    from seminar_app.agenda import models as _agenda  # noqa: F401
    from seminar_app.attendance import models as _attendance  # noqa: F401
    from seminar_app.audit import models as _audit  # noqa: F401
    from seminar_app.campaigns import models as _campaigns  # noqa: F401
    from seminar_app.contacts import models as _contacts  # noqa: F401
    from seminar_app.events import models as _events  # noqa: F401
    from seminar_app.feedback import models as _feedback  # noqa: F401
    from seminar_app.funding import models as _funding  # noqa: F401
    from seminar_app.jobs import models as _jobs  # noqa: F401
    from seminar_app.mail import models as _mail  # noqa: F401
    from seminar_app.projects import models as _projects  # noqa: F401
    from seminar_app.registration import models as _registration  # noqa: F401
    from seminar_app.reports import models as _reports  # noqa: F401


_BLUEPRINT_PREFIXES = {
    "public": None,
    "accounts": None,
    "projects": "/admin",
    "events": "/manage",
    "agenda": "/manage",
    "registration": None,
    "mail": "/admin/mail",
    "calendar": None,
    "attendance": None,
    "feedback": None,
    "reports": None,
    "privacy": None,
    "contacts": None,
    "campaigns": None,
    "audit": None,
    "funding": None,
    "api": "/api/v1",
    "ops": None,
}


# Areas whose routes are split over several modules.
_MORE_ROUTES = {
    "events": ("translation_routes", "mail_routes"),
    "registration": ("manage_routes",),
    "attendance": ("evidence_routes",),
    "contacts": ("import_routes",),
    "campaigns": ("invitee_routes",),
    "privacy": ("retention_routes",),
    "funding": (
        "settings_routes",
        "plan_routes",
        "plan_import_routes",
        "evidence_routes",
        "ledger_routes",
        "eligibility_routes",
    ),
}


def _register_blueprints(app: Flask) -> None:
    for area, prefix in _BLUEPRINT_PREFIXES.items():
        importlib.import_module(f"seminar_app.{area}.routes")
        for module in _MORE_ROUTES.get(area, ()):
            importlib.import_module(f"seminar_app.{area}.{module}")
        app.register_blueprint(importlib.import_module(f"seminar_app.{area}").bp, url_prefix=prefix)
    csrf.exempt(importlib.import_module("seminar_app.api").bp)
