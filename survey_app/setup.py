"""The steps of create_app(): extensions, blueprints, API, CLI, template helpers, error pages."""

from __future__ import annotations

from pathlib import Path

from flask import Flask, request, session
from flask_talisman import Talisman
from sqlalchemy import event
from sqlalchemy.engine import Engine

from survey_app.api.auth import ApiIgnoresCookieSession
from survey_app.api.core import blp as core_api
from survey_app.audit.views import bp as audit_bp
from survey_app.auth.session import configure_login
from survey_app.auth.views import bp as auth_bp
from survey_app.cli import register as register_commands
from survey_app.core import assets
from survey_app.core.counters import init_counters
from survey_app.core.errors import register_error_handlers
from survey_app.core.formatting import register_filters
from survey_app.core.http import configure_http
from survey_app.core.logs import configure_logging
from survey_app.core.routing import register_converters
from survey_app.core.text import refuse_unstorable_input
from survey_app.core.views import bp as core_bp
from survey_app.dashboards.api import blp as dashboards_api
from survey_app.dashboards.public import public_bp
from survey_app.dashboards.views import bp as dashboards_bp
from survey_app.dialogue.api import blp as dialogue_api
from survey_app.dialogue.views import bp as dialogue_bp
from survey_app.dossiers.api import blp as dossiers_api
from survey_app.dossiers.views import bp as dossiers_bp
from survey_app.extensions import api, babel, csrf, db, limiter, login_manager, migrate
from survey_app.kiosk.api import blp as kiosk_api
from survey_app.kiosk.views import bp as kiosk_bp
from survey_app.org.views import bp as org_bp
from survey_app.sipas.api import blp as sipas_api
from survey_app.sipas.views import bp as sipas_bp
from survey_app.users.views import bp as users_bp

PACKAGE_DIR = Path(__file__).resolve().parent
# Feature packages that carry their own catalogs; the core catalog comes first.
TRANSLATION_DIRS = ["translations"]

CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    # Plotly sets style attributes from script; styles cannot run code.
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:", "blob:"],
    "connect-src": "'self'",
    "worker-src": "'self'",
    "manifest-src": "'self'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
    "base-uri": "'self'",
    "object-src": "'none'",
}


def select_locale() -> str:
    """The UI language: the one chosen in this session, else Vietnamese."""
    chosen = session.get("lang") if request else None
    return chosen if chosen in ("vi", "en") else "vi"


def _translation_directories() -> str:
    """Every translations folder of the package, core first, separated as Flask-Babel wants."""
    dirs = [PACKAGE_DIR / "translations"]
    dirs += sorted(p for p in PACKAGE_DIR.glob("*/translations") if p.is_dir())
    return ";".join(str(d) for d in dirs)


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record) -> None:
    """WAL for concurrent readers, enforced foreign keys, mapped reads.

    Patience when the file is busy is the driver's `timeout` (DATABASE_LOCK_WAIT_SECONDS, config.py).

    The memory map: every server thread has its own connection, whose page cache any other's write
    empties; mapped pages are read again without a system call each (kiosk ingest about 15% faster).
    Checkpoints every 10,000 WAL pages (40 MB) rather than 1,000: every rating rewrites the same few
    roll-up pages, which a checkpoint then copies into the database file once instead of ten times.
    """
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA mmap_size=268435456")
        cursor.execute("PRAGMA wal_autocheckpoint=10000")
        cursor.close()


def register_logging(app: Flask) -> None:
    """One log handler for the package, request ids on web lines."""
    configure_logging(app)


def register_extensions(app: Flask) -> None:
    """Bind the unbound extensions to the app."""
    register_converters(app)  # before any rule is added: out-of-range ids are 404 everywhere
    configure_http(app)
    db.init_app(app)
    migrate.init_app(app, db, directory=str(PACKAGE_DIR.parent / "migrations"), render_as_batch=True)
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = _translation_directories()
    babel.init_app(app, locale_selector=select_locale)
    csrf.init_app(app)
    limiter.init_app(app)
    init_counters(app)
    # After CSRF and the rate limits: text no database can store is refused before any view reads it.
    app.before_request(refuse_unstorable_input)
    # One Talisman per app: it keeps its options on itself, and the apps of a test run differ. The
    # shared `extensions.talisman` only lends its per-view decorator (`@talisman(force_https=False)`).
    app.extensions["talisman"] = Talisman(
        app,
        force_https=app.config["FORCE_HTTPS"],
        session_cookie_secure=app.config["SESSION_COOKIE_SECURE"],
        content_security_policy=CONTENT_SECURITY_POLICY,
        frame_options="DENY",
        referrer_policy="strict-origin-when-cross-origin",
        strict_transport_security=app.config["FORCE_HTTPS"],
    )

    configure_login(app, login_manager)


def register_blueprints(app: Flask) -> None:
    """Mount the HTML features."""
    for blueprint in (
        core_bp,
        auth_bp,
        org_bp,
        users_bp,
        audit_bp,
        kiosk_bp,
        sipas_bp,
        dialogue_bp,
        dashboards_bp,
        public_bp,
        dossiers_bp,
    ):
        app.register_blueprint(blueprint)


def register_api(app: Flask) -> None:
    """Mount the JSON API under /api/v1 with its OpenAPI document; it ignores the cookie session."""
    app.session_interface = ApiIgnoresCookieSession()
    api.init_app(
        app,
        spec_kwargs={
            "components": {"securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}}},
            "security": [{"bearerAuth": []}],
        },
    )

    for blueprint in (core_api, kiosk_api, sipas_api, dialogue_api, dashboards_api, dossiers_api):
        csrf.exempt(blueprint)  # Bearer tokens, not cookies: no cross-site request can carry them
        api.register_blueprint(blueprint)


def register_cli(app: Flask) -> None:
    """Add the flask commands."""
    register_commands(app)


def register_static_files(app: Flask) -> None:
    """Hashed, pre-compressed static files with a long cache (WhiteNoise), when `make assets` built them."""
    assets.init_app(app)


def register_template_helpers(app: Flask) -> None:
    """Formatting filters and globals for templates."""
    register_filters(app)


def register_error_pages(app: Flask) -> None:
    """HTML error pages for the site; the API answers JSON."""
    register_error_handlers(app)
