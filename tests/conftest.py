"""Fixtures: a migrated database per backend (SQLite always, PostgreSQL with TEST_DATABASE_URL)."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from html import unescape

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import text

from survey_app import create_app
from survey_app.core.counters import reset_memory_counters
from survey_app.extensions import db, limiter
from survey_app.models import Base, Role, UnitKind, User
from survey_app.org.services import create_unit
from tests.factories import PASSWORD, make_user

__all__ = ["PASSWORD", "Org", "csrf_token", "login", "make_user", "post_form"]

BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get("TEST_DATABASE_URL") else [])


class FreshRequestClient(FlaskClient):
    """A test client whose requests do not inherit `g` from the test's application context.

    Tests hold an app context open to use the database; Flask reuses it for each request,
    so per-request caches in `g` (the signed-in user, say) would leak between clients.
    """

    def open(self, *args, **kwargs):
        from flask import g, has_app_context

        if has_app_context():
            g.__dict__.clear()
        return super().open(*args, **kwargs)


def reset_postgresql(url: str) -> None:
    """Empty the PostgreSQL test database so migrations start from nothing."""
    import sqlalchemy as sa

    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def worker_database_url(url: str) -> str:
    """A PostgreSQL database of this pytest-xdist worker's own (created when missing), else `url` itself."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        return url
    import sqlalchemy as sa

    base, _, name = url.rpartition("/")
    own = f"{name}_{worker}"
    engine = sa.create_engine(
        url.replace("postgresql://", "postgresql+psycopg://", 1), isolation_level="AUTOCOMMIT"
    )
    with engine.connect() as conn:
        if not conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": own}):
            conn.execute(text(f'CREATE DATABASE "{own}"'))
    engine.dispose()
    return f"{base}/{own}"


def build_app(backend: str, tmp_path_factory, **overrides) -> Flask:
    """A testing app on a freshly migrated database of the given backend."""
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
    else:
        url = worker_database_url(os.environ["TEST_DATABASE_URL"])
        reset_postgresql(url)
    app = create_app({"APP_ENV": "testing", "SQLALCHEMY_DATABASE_URI": url, **overrides})
    app.test_client_class = FreshRequestClient
    with app.app_context():
        upgrade(revision="heads")  # feature branches are merged into one head before release
    return app


@pytest.fixture(scope="session", params=BACKENDS)
def backend_app(request, tmp_path_factory) -> Iterator[Flask]:
    """One migrated app per backend for the whole session."""
    app = build_app(request.param, tmp_path_factory)
    app.config["BACKEND"] = request.param
    yield app
    with app.app_context():
        db.engine.dispose()


def empty_tables(app: Flask) -> None:
    """Delete every row, leaving the schema, so each test starts clean."""
    with app.app_context():
        db.session.remove()
        tables = [t.name for t in reversed(Base.metadata.sorted_tables)]
        with db.engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
            else:
                for table in tables:
                    conn.execute(text(f"DELETE FROM {table}"))


@pytest.fixture
def app(backend_app: Flask) -> Iterator[Flask]:
    """The app inside an application context; every table is emptied afterwards."""
    # The limiter is one object shared by every app built in this process: an app built with limits
    # switched on (the rate-limit tests) must not leave them on for the apps of later tests.
    limiter.enabled = backend_app.config["RATELIMIT_ENABLED"]
    reset_memory_counters(backend_app)  # sign-in failures counted by an earlier test are forgotten
    with backend_app.app_context():
        yield backend_app
        db.session.rollback()
    empty_tables(backend_app)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A test client of the app."""
    return app.test_client()


# --- an organisation to test against --------------------------------------------------------


class Org:
    """A small unit tree with one user per role at the district, and a sibling district."""

    def __init__(self) -> None:
        self.city = create_unit(code="01", name="Thành phố Hà Nội", kind=UnitKind.province, parent=None)
        self.district = create_unit(code="003", name="Quận Tây Hồ", kind=UnitKind.district, parent=self.city)
        self.ward = create_unit(code="00109", name="Phường Bưởi", kind=UnitKind.ward, parent=self.district)
        self.ward2 = create_unit(
            code="00112", name="Phường Thụy Khuê", kind=UnitKind.ward, parent=self.district
        )
        self.centre = create_unit(
            code="00109-MC", name="Bộ phận Một cửa phường Bưởi", kind=UnitKind.centre, parent=self.ward
        )
        self.sibling = create_unit(
            code="009", name="Quận Thanh Xuân", kind=UnitKind.district, parent=self.city
        )
        self.sibling_ward = create_unit(
            code="00367", name="Phường Khương Đình", kind=UnitKind.ward, parent=self.sibling
        )
        self.users: dict[str, User] = {}
        for role in Role:
            unit = self.city if role == Role.admin else self.district
            self.users[role.value] = make_user(f"{role.value}1", role, unit)
        self.users["sibling"] = make_user("sibling_admin", Role.unit_admin, self.sibling)
        db.session.commit()


@pytest.fixture
def org(app: Flask) -> Org:
    """The test organisation."""
    return Org()


CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_token(client: FlaskClient, url: str = "/auth/login") -> str:
    """A CSRF token for the client's session, read from a page's form."""
    html = client.get(url).get_data(as_text=True)
    match = CSRF_RE.search(html)
    assert match, f"no CSRF token on {url}"
    return match.group(1)


def select_options(html: str, name: str) -> dict[str, str]:
    """The choices a page offers for a field: a <select name=...>'s options, or its checkboxes or radio
    buttons with their labels, as {value: label} (labels stripped of indentation)."""
    select = re.search(rf'<select[^>]*name="{re.escape(name)}"[^>]*>(.*?)</select>', html, re.S)
    if select:
        options = re.findall(r'<option[^>]*value="([^"]*)"[^>]*>(.*?)</option>', select.group(1), re.S)
    else:
        inputs = re.findall(rf'<input(?=[^>]*name="{re.escape(name)}")[^>]*>', html)
        assert inputs, f"no select or checkboxes named {name}"
        options = []
        for tag in inputs:
            field_id = re.search(r'id="([^"]+)"', tag).group(1)
            label = re.search(rf'<label for="{re.escape(field_id)}">(.*?)</label>', html, re.S)
            options.append((re.search(r'value="([^"]*)"', tag).group(1), label.group(1) if label else ""))
    return {value: unescape(label).strip("\u2003 \n") for value, label in options}


def login(client: FlaskClient, username: str, password: str = PASSWORD):
    """Sign in through the login form."""
    token = csrf_token(client, "/auth/login")
    return client.post("/auth/login", data={"username": username, "password": password, "csrf_token": token})


def post_form(client: FlaskClient, url: str, data: dict, *, token_from: str | None = None, **kwargs):
    """POST a form with a valid CSRF token taken from token_from (default: the same URL)."""
    token = csrf_token(client, token_from or url)
    return client.post(url, data={**data, "csrf_token": token}, **kwargs)
