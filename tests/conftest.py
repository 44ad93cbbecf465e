"""Fixtures: a migrated database per test, the app, a client.

SQLite by default: one migrated template file, copied per test. Set
WORKSHOP_TEST_DATABASE_URL (e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test) to run
the same tests on PostgreSQL: its public schema is dropped and migrated per test.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, make_url, text
from sqlalchemy.orm import Session
from starlette.testclient import TestClient as StarletteTestClient

from workshop.config import Settings
from workshop.db import Database
from workshop.migrate import upgrade

from .factories import PASSWORD, make_planner

_UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
_plain_request = StarletteTestClient.request


def _request_with_csrf(self, method, url, *args, headers=None, **kwargs):  # type: ignore[no-untyped-def]
    """Every TestClient acts like a page of the app: it holds the signed CSRF cookie and
    sends the token its page would carry (bound to its login session, if any) on
    state-changing requests. Opt out per client with `client.csrf_auto = False`, or per
    request by passing an X-CSRF-Token header."""
    from workshop.security import CSRF_COOKIE, csrf_token_for, new_csrf_cookie

    secret = getattr(getattr(self.app, "state", None), "secret_key", None)
    if method.upper() in _UNSAFE and secret and getattr(self, "csrf_auto", True):
        given = {k.lower() for k in dict(headers or {})}
        if "x-csrf-token" not in given:
            token = csrf_token_for(secret, {c.name: c.value for c in self.cookies.jar})
            if token is None:
                cookie, _ = new_csrf_cookie(secret)
                self.cookies.set(CSRF_COOKIE, cookie)
                token = csrf_token_for(secret, {c.name: c.value for c in self.cookies.jar})
            headers = {**dict(headers or {}), "X-CSRF-Token": token}
    return _plain_request(self, method, url, *args, headers=headers, **kwargs)


# Patched on the class: tests that build `TestClient(app)` themselves get it too.
StarletteTestClient.request = _request_with_csrf  # type: ignore[method-assign]
assert TestClient is StarletteTestClient


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> Iterator[None]:
    from workshop.ratelimit import JOIN_CODES

    JOIN_CODES.reset()  # login failures live in each test's fresh database
    yield


@pytest.fixture(autouse=True)
def _no_instance_key() -> Iterator[None]:
    """No signing key unless the test's app loads one (workshop.bundle.keys is per process:
    one test's app must not sign another test's records)."""
    from workshop.bundle import keys

    keys._active = None
    yield
    keys._active = None


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "workshop.db"
    upgrade(f"sqlite:///{path}")
    return path


def _per_worker(url: str) -> str:
    """Under pytest-xdist each worker process gets its own PostgreSQL database (the named
    one with the worker's id appended), since every test recreates the public schema."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if not url or not worker:
        return url
    base = make_url(url)
    return base.set(database=f"{base.database}_{worker}").render_as_string(hide_password=False)


TEST_DATABASE_URL = _per_worker(os.environ.get("WORKSHOP_TEST_DATABASE_URL", ""))
_CREATED: set[str] = set()


def _create_database_once(url: str) -> None:
    """Create a worker's database beside the named one (trust auth, as CI has)."""
    if url in _CREATED or url == os.environ.get("WORKSHOP_TEST_DATABASE_URL"):
        return
    target = make_url(url)
    named = make_url(os.environ["WORKSHOP_TEST_DATABASE_URL"])
    engine = create_engine(named, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        exists = conn.scalar(
            text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": target.database}
        )
        if not exists:
            conn.execute(text(f'CREATE DATABASE "{target.database}"'))
    engine.dispose()
    _CREATED.add(url)


def _fresh_postgres(url: str) -> None:
    _create_database_once(url)
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    upgrade(url)


@pytest.fixture
def settings(tmp_path: Path, request: pytest.FixtureRequest) -> Settings:
    if TEST_DATABASE_URL:
        _fresh_postgres(TEST_DATABASE_URL)
        url = TEST_DATABASE_URL
    else:
        shutil.copy(request.getfixturevalue("template_db"), tmp_path / "workshop.db")
        url = f"sqlite:///{tmp_path / 'workshop.db'}"
    return Settings(
        data_dir=tmp_path, database_url=url, secret_key="test-secret-key-not-for-production"
    )


def pytest_report_header() -> str:
    return f"workshop test database: {TEST_DATABASE_URL or 'SQLite file per test'}"


TESTS = Path(__file__).resolve().parent
SERIAL_FOLDERS = ("browser", "durability")
SERIAL_FILES = ("test_benchmarks.py",)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark the tests that start real servers or browsers `serial`; on PostgreSQL, run
    only the tests that reach a database.

    `serial` tests run alone after the others (scripts/test.sh runs the rest on two
    processes with pytest-xdist): they assert no timings, but a crowd of requests or a
    browser on a loaded machine only waits longer for nothing.

    A test that neither asks for `settings` (the per-test database every fixture that
    opens one goes through) nor carries the `database` marker (it reads the URL itself)
    runs the same on either database: the SQLite pass has already run it.
    """
    for item in items:
        parts = item.path.relative_to(TESTS).parts
        if parts[0] in SERIAL_FOLDERS or item.path.name in SERIAL_FILES:
            item.add_marker(pytest.mark.serial)
    if not TEST_DATABASE_URL:
        return
    keep: list[pytest.Item] = []
    dropped: list[pytest.Item] = []
    for item in items:
        uses_db = "settings" in getattr(item, "fixturenames", ())
        (keep if uses_db or item.get_closest_marker("database") else dropped).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = keep


@pytest.fixture
def app(settings: Settings):  # type: ignore[no-untyped-def]
    from workshop.app import create_app

    return create_app(settings, migrate=False)


@pytest.fixture
def database(settings: Settings, request: pytest.FixtureRequest) -> Iterator[Database]:
    """The app's database when the test uses the app, else one of its own."""
    if "app" in request.fixturenames:
        yield request.getfixturevalue("app").state.db
        return
    own = Database(settings.resolved_database_url())
    yield own
    own.dispose()


@pytest.fixture
def db(database: Database) -> Iterator[Session]:
    """A session for arranging data and checking what is stored; commits on success."""
    with database.unit_of_work() as session:
        yield session


@pytest.fixture
def client(app) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    with TestClient(app, base_url="http://testserver") as c:
        yield c


@pytest.fixture
def planner_client(client: TestClient, database: Database):  # type: ignore[no-untyped-def]
    """A client logged in as a fresh planner; the planner is `planner_client.planner`."""
    with database.unit_of_work() as session:
        planner = make_planner(session)
    response = client.post(
        "/login", data={"username": planner.username, "password": PASSWORD}, follow_redirects=False
    )
    assert response.status_code == 303
    client.planner = planner  # type: ignore[attr-defined]
    return client
