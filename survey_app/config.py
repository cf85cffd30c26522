"""Configuration: one class per environment, values from environment variables."""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

from flask import Flask


def _env_int(name: str, default: int) -> int:
    """Read an integer environment variable, falling back to a default."""
    value = os.environ.get(name)
    return int(value) if value else default


class BaseConfig:
    """Settings shared by every environment."""

    APP_ENV = "development"
    SQLALCHEMY_DATABASE_URI: str | None = None  # DATABASE_URL, read when the app is built
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    REDIS_URL: str | None = None  # REDIS_URL, read when the app is built

    BABEL_DEFAULT_LOCALE = "vi"
    LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")
    APP_TIMEZONE = os.environ.get("APP_TIMEZONE", "Asia/Ho_Chi_Minh")  # read through survey_app.core.clock
    LANGUAGES = ("vi", "en")
    # Where `make assets` puts the hashed, pre-compressed static files that WhiteNoise serves.
    STATIC_BUILD_DIR = os.environ.get(
        "STATIC_BUILD_DIR", str(Path(__file__).resolve().parent.parent / "build" / "static")
    )

    PERMANENT_SESSION_LIFETIME = timedelta(minutes=_env_int("SESSION_LIFETIME_MINUTES", 480))
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    SESSION_PROTECTION = "strong"

    WTF_CSRF_TIME_LIMIT = None  # tied to the session instead, so long paper-entry sessions do not fail
    MAX_CONTENT_LENGTH = 16 * 1024 * 1024

    PASSWORD_HASH_METHOD = "scrypt"  # noqa: S105 - the name of a hash method, not a secret
    LOGIN_MAX_ATTEMPTS = _env_int("LOGIN_MAX_ATTEMPTS", 5)
    LOGIN_LOCKOUT_SECONDS = _env_int("LOGIN_LOCKOUT_SECONDS", 300)  # first lock of an address and name
    LOGIN_LOCKOUT_MAX_SECONDS = _env_int("LOGIN_LOCKOUT_MAX_SECONDS", 900)  # ceiling of the doubling back-off
    # Failed sign-ins from one address, whatever the names, that lock the address for the rest of the window.
    LOGIN_ADDRESS_MAX_ATTEMPTS = _env_int("LOGIN_ADDRESS_MAX_ATTEMPTS", 50)
    LOGIN_ADDRESS_WINDOW_SECONDS = _env_int("LOGIN_ADDRESS_WINDOW_SECONDS", 900)

    RATELIMIT_ENABLED = True
    RATELIMIT_HEADERS_ENABLED = True
    RATELIMIT_LOGIN = os.environ.get("RATELIMIT_LOGIN", "20 per minute")
    # Where rate limits and lock-out counts live: RATELIMIT_STORAGE_URI, else REDIS_URL, else memory (one
    # process only). Production refuses memory unless RATELIMIT_ALLOW_MEMORY=1 (one single-process server).
    RATELIMIT_ALLOW_MEMORY = False  # RATELIMIT_ALLOW_MEMORY=1, read when the app is built

    FORCE_HTTPS = False
    # Proxies in front of the app whose X-Forwarded-For / -Proto / -Host are believed (werkzeug ProxyFix);
    # 0 = none. Set to 1 behind one reverse proxy (nginx → gunicorn), 2 behind a load balancer and nginx.
    PROXY_FIX_X_FOR = _env_int("PROXY_FIX_X_FOR", 0)
    PROXY_FIX_X_PROTO = _env_int("PROXY_FIX_X_PROTO", 0)
    PROXY_FIX_X_HOST = _env_int("PROXY_FIX_X_HOST", 0)

    # Feature settings; an environment variable of the same name overrides each (see TUNABLE_SETTINGS).
    SMALL_SAMPLE_MIN = 30  # figures from fewer answers show as "không đủ mẫu"
    KIOSK_LEVEL_SET = "3"  # rating levels on the kiosk screen
    KIOSK_MIN_INTERVAL_SECONDS = 5.0  # presses of one device closer together are flagged
    KIOSK_MAX_AGE_DAYS = 30.0  # ratings older than this on arrival are flagged
    KIOSK_IDLE_SECONDS = 60  # a half-finished rating is reset after this
    KIOSK_THANKS_SECONDS = 5  # the thank-you screen shows this long
    KIOSK_FEED_REFRESH_SECONDS = 10  # officials' live feed refresh
    KIOSK_MAX_BODY_BYTES = 2 * 1024 * 1024  # ingest request size limit (413 above it)
    KIOSK_TARGET_RATE = 80.0  # satisfaction rate (%) below which a unit is highlighted
    SIPAS_SUBMIT_RATE = "60 per minute"  # online survey submissions per client address
    SIPAS_QUESTIONNAIRE_DIR = ""  # local questionnaire versions (default instance/questionnaires)
    # A CSV import on SQLite is written this many responses a transaction (sipas/transfer.write_import):
    # the write lock is held for one chunk (about 0.3 s for 2,000 responses of 25 answers), not the file.
    SIPAS_IMPORT_CHUNK = 2_000
    # Then it pauses this long: SQLite's busy handler polls a waiting writer every 50-100 ms, and an
    # import taking the lock again at once could starve a kiosk until its busy timeout.
    SIPAS_IMPORT_PAUSE_SECONDS = 0.1
    # new dossiers a transaction of an import on SQLite (services.write_import). A chunk's commit costs
    # about as much as its 2,000 rows did, so 10,000 hold the lock hardly longer (measured: median 0.18 s
    # against 0.10 s, worst 0.5 s either way) with five times fewer commits and pauses
    DOSSIER_IMPORT_CHUNK = 10_000
    DOSSIER_IMPORT_PAUSE_SECONDS = 0.1  # then a pause, so that waiting writers get SQLite's write lock
    DOSSIER_RULES_FILE = ""  # dossier scoring rules (default instance/dossier_rules.yaml, else packaged)
    DIALOGUE_ANSWER_WORKING_DAYS = 10  # default deadline of a written answer
    DIALOGUE_HOLIDAYS_FILE = ""  # public holidays CSV (default: the packaged data/holidays_vn.csv)
    DIALOGUE_CATEGORIES_FILE = ""  # comment categories CSV (default: the packaged data/categories.csv)
    DIALOGUE_ANSWER_TEMPLATES_FILE = ""  # answer templates, one `name|text` a line (default: packaged)
    DIALOGUE_REQUIRED_PER_HALF_YEAR = 1  # conferences each unit must hold per half-year
    DRAFT_LIFETIME_HOURS = 24  # server-side form drafts (survey_app.core.drafts) expire after this
    DRAFT_MAX_BYTES = 64 * 1024  # largest draft kept
    STAFF_PHOTO_MAX_PIXELS = 40_000_000  # larger staff photos are refused before they are decoded
    STAFF_FIGURES_MAX_DEPTH = 1  # levels below a user's unit whose civil servants they may see
    DASHBOARD_DETAIL_MAX_UNITS = 40  # per-unit detail charts for subtrees up to this size
    # Settled months' kiosk figures from the summaries per ancestor (analytics.kiosk_pooled); off: every
    # read pools the unit roll-ups live (0; the bench compares both).
    DASHBOARD_POOLED_MONTHS = 1
    # Large subtrees' SIPAS figures from the summaries per (campaign, ancestor) (analytics.sipas_pooled);
    # off: every read pools the count cube live (0; the bench compares both).
    DASHBOARD_POOLED_SIPAS = 1
    DATABASE_RANDOM_PAGE_COST = 1.1  # PostgreSQL planner: SSD storage (its default of 4 assumes disks)
    # How long a statement waits for a lock another writer holds before giving up (SQLite's busy timeout,
    # PostgreSQL's lock_timeout); a request that gives up answers 503 with Retry-After, never 500.
    # Imports hold SQLite's write lock a chunk at a time (well under a second), so 15 s is ample.
    DATABASE_LOCK_WAIT_SECONDS = 15.0
    DATABASE_RETRY_AFTER_SECONDS = 5  # the Retry-After of a 503 answered because the database was busy

    API_TITLE = "survey_app API"
    API_VERSION = "v1"
    OPENAPI_VERSION = "3.0.3"
    OPENAPI_URL_PREFIX = "/api/v1"
    OPENAPI_JSON_PATH = "openapi.json"


class DevelopmentConfig(BaseConfig):
    """Embedded default: SQLite in instance/, a secret kept in instance/ across restarts."""


class TestingConfig(BaseConfig):
    """Used by the test suite."""

    APP_ENV = "testing"
    TESTING = True
    SECRET_KEY = "testing-secret-key"  # noqa: S105 - the test configuration only
    RATELIMIT_ENABLED = False
    WTF_CSRF_ENABLED = True
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"  # noqa: S105 - fast hashing for the suite; never in production


class ProductionConfig(BaseConfig):
    """Production: PostgreSQL, secrets from the environment, HTTPS only, limits shared through Redis."""

    APP_ENV = "production"
    # If Redis stops answering, requests go on without limits (and an error is logged) rather than fail.
    RATELIMIT_SWALLOW_ERRORS = True
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    FORCE_HTTPS = os.environ.get("FORCE_HTTPS", "1") == "1"


AUTOCOMMIT_BIND = "autocommit"  # db.engines[AUTOCOMMIT_BIND]: the database, every statement committed

CONFIGS = {"development": DevelopmentConfig, "testing": TestingConfig, "production": ProductionConfig}


TUNABLE_SETTINGS = tuple(
    key
    for key in vars(BaseConfig)
    if key.startswith(
        (
            "SMALL_SAMPLE",
            "KIOSK_",
            "SIPAS_",
            "DIALOGUE_",
            "DOSSIER_",
            "STAFF_",
            "DASHBOARD_",
            "DATABASE_",
            "DRAFT_",
        )
    )
)


class ConfigError(RuntimeError):
    """Raised when the app cannot start with the configuration it was given."""


def load_config(app: Flask, overrides: dict | None = None) -> None:
    """Load the environment's config class, then overrides, then derive what is left."""
    env = (overrides or {}).get("APP_ENV") or os.environ.get("APP_ENV", "development")
    if env not in CONFIGS:
        raise ConfigError(f"APP_ENV must be one of {', '.join(CONFIGS)}, not {env!r}")
    app.config.from_object(CONFIGS[env])
    for variable, key in (
        ("SECRET_KEY", "SECRET_KEY"),
        ("DATABASE_URL", "SQLALCHEMY_DATABASE_URI"),
        ("REDIS_URL", "REDIS_URL"),
        ("RATELIMIT_STORAGE_URI", "RATELIMIT_STORAGE_URI"),
    ):
        if os.environ.get(variable):
            app.config[key] = os.environ[variable]
    for key in TUNABLE_SETTINGS:
        if os.environ.get(key):
            default = getattr(BaseConfig, key)
            app.config[key] = type(default)(os.environ[key])
    if os.environ.get("RATELIMIT_ALLOW_MEMORY"):
        app.config["RATELIMIT_ALLOW_MEMORY"] = os.environ["RATELIMIT_ALLOW_MEMORY"] == "1"
    app.config.update(overrides or {})
    app.config["BABEL_DEFAULT_TIMEZONE"] = app.config["APP_TIMEZONE"]  # one setting for dates shown and kept

    if env == "production":
        if not app.config.get("SECRET_KEY"):
            raise ConfigError("SECRET_KEY must be set in production")
        if not app.config.get("SQLALCHEMY_DATABASE_URI"):
            raise ConfigError("DATABASE_URL must be set in production")
    else:
        Path(app.instance_path).mkdir(parents=True, exist_ok=True)
        if not app.config.get("SECRET_KEY"):
            app.config["SECRET_KEY"] = _instance_secret(Path(app.instance_path))
        if not app.config.get("SQLALCHEMY_DATABASE_URI"):
            app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{Path(app.instance_path) / 'survey_app.db'}"

    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith("postgres://"):  # Heroku-style URLs; SQLAlchemy wants the dialect name
        uri = "postgresql://" + uri.removeprefix("postgres://")
    if uri.startswith("postgresql://"):
        uri = "postgresql+psycopg://" + uri.removeprefix("postgresql://")
    app.config["SQLALCHEMY_DATABASE_URI"] = uri
    if uri.startswith("sqlite"):
        # SQLite has no connection pool worth the name; checks are pointless there.
        # sqlite3's timeout is SQLite's busy timeout: how long a writer waits for the write lock.
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {
            "connect_args": {"timeout": float(app.config["DATABASE_LOCK_WAIT_SECONDS"])}
        }
    else:
        # With the default cost of random reads (4, for spinning disks) the planner scans whole count
        # cubes where the index look-ups of a subtree take a quarter of the time.
        cost = float(app.config["DATABASE_RANDOM_PAGE_COST"])
        lock_wait = round(float(app.config["DATABASE_LOCK_WAIT_SECONDS"]) * 1000)  # milliseconds
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {
            **app.config["SQLALCHEMY_ENGINE_OPTIONS"],
            "connect_args": {"options": f"-c random_page_cost={cost} -c lock_timeout={lock_wait}"},
        }
    # The same database in autocommit mode, for writes that are one statement (kiosk ingest).
    app.config["SQLALCHEMY_BINDS"] = {
        **app.config.get("SQLALCHEMY_BINDS", {}),
        # Nothing to roll back when a connection goes back to the pool: every statement committed itself.
        AUTOCOMMIT_BIND: {"url": uri, "isolation_level": "AUTOCOMMIT", "pool_reset_on_return": None},
    }
    app.config.setdefault("RATELIMIT_STORAGE_URI", app.config["REDIS_URL"] or "memory://")
    if (
        env == "production"
        and app.config["RATELIMIT_STORAGE_URI"].startswith("memory")
        and not app.config["RATELIMIT_ALLOW_MEMORY"]
    ):
        # Counted in each worker's memory, "20 per minute" lets 20 through per worker and per server.
        raise ConfigError(
            "Rate limits and sign-in lock-outs need shared storage in production: set REDIS_URL (or "
            "RATELIMIT_STORAGE_URI), or RATELIMIT_ALLOW_MEMORY=1 for one single-process server"
        )


def _instance_secret(instance: Path) -> str:
    """Keep a generated secret in instance/ so development sessions survive restarts."""
    path = instance / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()
