"""Production's start checks: every unsafe or missing setting named at once, with exit
status 78 (EX_CONFIG) and no traceback, from gunicorn's entry point and the flask command."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from config import ProductionConfig
from seminar_app import create_app
from seminar_app.extensions import limiter
from seminar_app.ops.startchecks import (
    EX_CONFIG,
    ConfigurationError,
    metrics_directory_problem,
    production_problems,
    settings_problems,
)
from tests.redis_test import REDIS_URL as REDIS

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable

GOOD = {
    "SECRET_KEY": "a-long-random-production-secret-0123456789",
    "PUBLIC_BASE_URL": "https://seminars.example.org",
    "RATELIMIT_ENABLED": True,
    "RATELIMIT_STORAGE_URI": REDIS,
    "CACHE_REDIS_URL": REDIS,
    "PUBLIC_PAGE_CACHE_SECONDS": 60,
    "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://seminar@db.example/seminar",
}


def problems_with(**changes: object) -> list[str]:
    return settings_problems({**GOOD, **changes})


def test_good_settings_have_no_problem() -> None:
    assert problems_with() == []


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"SECRET_KEY": "dev-only-secret-key-change-me"}, "SECRET_KEY is not set (or is the development default)"),
        ({"SECRET_KEY": ""}, "SECRET_KEY is not set"),
        ({"SECRET_KEY": "short-but-not-default"}, "SECRET_KEY is 21 characters long: use at least 32"),
        ({"PUBLIC_BASE_URL": "http://127.0.0.1:5000"}, "PUBLIC_BASE_URL is not set"),
        ({"PUBLIC_BASE_URL": "http://seminars.example.org"}, "it must be an https:// address"),
        ({"PUBLIC_BASE_URL": "https://"}, "it must be an https:// address with a host name"),
        ({"RATELIMIT_STORAGE_URI": "memory://"}, "RATELIMIT_STORAGE_URI is memory://"),
        ({"CACHE_REDIS_URL": None}, "CACHE_REDIS_URL is not set"),
        ({"SQLALCHEMY_DATABASE_URI": "sqlite:///instance/seminar_app.db"}, "DATABASE_URL is not set or names SQLite"),
        ({"LOG_FORMAT": "xml"}, "LOG_FORMAT is 'xml': use json"),
        ({"LOG_LEVEL": "LOUD"}, "LOG_LEVEL is 'LOUD'"),
    ],
)
def test_each_unsafe_setting_is_named_with_what_to_do(changes: dict[str, object], expected: str) -> None:
    [problem] = problems_with(**changes)
    assert expected in problem


def test_the_decisions_an_operator_can_take_instead() -> None:
    """SQLite for a single small server, no page cache instead of a shared one, no rate limits."""
    assert problems_with(SQLALCHEMY_DATABASE_URI="sqlite:///x.db", ALLOW_SQLITE_IN_PRODUCTION=True) == []
    assert problems_with(CACHE_REDIS_URL=None, PUBLIC_PAGE_CACHE_SECONDS=0) == []
    assert problems_with(RATELIMIT_STORAGE_URI="memory://", RATELIMIT_ENABLED=False) == []


def test_an_unreachable_database_is_named_without_its_password() -> None:
    [problem] = production_problems(
        {**GOOD, "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://seminar:hunter2@127.0.0.1:9/none"}
    )
    assert "cannot be reached" in problem and "127.0.0.1:9/none" in problem
    assert "hunter2" not in problem


def test_a_metrics_directory_that_cannot_be_written_is_named(tmp_path: Path) -> None:
    assert metrics_directory_problem({}) is None
    assert metrics_directory_problem({"PROMETHEUS_MULTIPROC_DIR": str(tmp_path)}) is None
    problem = metrics_directory_problem({"PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "missing")})
    assert problem and "is not a directory this user can write to" in problem


def test_create_app_lists_every_problem_at_once() -> None:
    class Defaults(ProductionConfig):
        SECRET_KEY = "dev-only-secret-key-change-me"
        PUBLIC_BASE_URL = "http://127.0.0.1:5000"
        SQLALCHEMY_DATABASE_URI = "sqlite://"
        ALLOW_SQLITE_IN_PRODUCTION = False
        RATELIMIT_STORAGE_URI = "memory://"
        RATELIMIT_ENABLED = True
        CACHE_REDIS_URL = None

    try:
        with pytest.raises(ConfigurationError) as refused:
            create_app(Defaults)
    finally:
        limiter.enabled = False
    assert len(refused.value.problems) == 5
    assert refused.value.exit_code == EX_CONFIG == 78
    message = refused.value.format_message()
    assert message.startswith("Refusing to start: 5 problem(s)")
    for name in ("SECRET_KEY", "PUBLIC_BASE_URL", "RATELIMIT_STORAGE_URI", "CACHE_REDIS_URL", "DATABASE_URL"):
        assert name in message


# --- as an operator meets them: processes started the way systemd starts them -------------------


def environment(**settings: str) -> dict[str, str]:
    """A clean environment, as a unit file gives one: nothing from the test run leaks in."""
    home = tempfile.gettempdir()  # gunicorn keeps a folder of its own there
    return {"PATH": os.environ["PATH"], "HOME": home, "PYTHONPATH": str(ROOT), **settings}


def production_environment(**settings: str) -> dict[str, str]:
    return environment(
        SEMINAR_CONFIG="production",
        SECRET_KEY=str(GOOD["SECRET_KEY"]),
        PUBLIC_BASE_URL=str(GOOD["PUBLIC_BASE_URL"]),
        RATELIMIT_STORAGE_URI=REDIS,
        CACHE_REDIS_URL=REDIS,
        **settings,
    )


def run(args: list[str], env: dict[str, str], timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, env=env, cwd=ROOT, capture_output=True, text=True, timeout=timeout, check=False)


def test_gunicorns_entry_point_exits_78_with_the_list_and_no_traceback() -> None:
    result = run([PYTHON, "-c", "import seminar_app.wsgi"], environment(SEMINAR_CONFIG="production"))
    assert result.returncode == 78
    assert "Refusing to start: 5 problem(s)" in result.stderr
    assert result.stderr.count("\n  - ") == 5
    assert "Traceback" not in result.stderr


def test_gunicorn_itself_stops_with_78_on_a_database_that_cannot_be_reached() -> None:
    env = production_environment(DATABASE_URL="postgresql://seminar:hunter2@127.0.0.1:9/none")
    gunicorn = str(Path(PYTHON).with_name("gunicorn"))
    result = run([gunicorn, "--preload", "-w", "2", "-b", "127.0.0.1:0", "seminar_app.wsgi:app"], env)
    assert result.returncode == 78, result.stderr[-2000:]
    assert "cannot be reached" in result.stderr
    assert "hunter2" not in result.stderr
    assert "Traceback" not in result.stderr


def test_the_flask_command_in_production_prints_the_problems_and_exits_78() -> None:
    flask = str(Path(PYTHON).with_name("flask"))
    env = environment(SEMINAR_CONFIG="production", FLASK_APP="seminar_app", SECRET_KEY="too-short")
    result = run([flask, "db", "upgrade"], env)
    assert result.returncode == 78
    assert "Error: Refusing to start: 5 problem(s)" in result.stderr
    assert "SECRET_KEY is 9 characters long" in result.stderr
    assert "Traceback" not in result.stderr


def test_check_config_says_ok_or_lists_each_problem(tmp_path: Path) -> None:
    flask = str(Path(PYTHON).with_name("flask"))
    # In development it tells what production would refuse.
    result = run([flask, "check-config"], environment(FLASK_APP="seminar_app"))
    assert result.returncode == 78
    assert result.stderr.count("PROBLEM: ") == 5
    database = f"sqlite:///{tmp_path / 'small.db'}"
    env = production_environment(FLASK_APP="seminar_app", DATABASE_URL=database, ALLOW_SQLITE_IN_PRODUCTION="1")
    result = run([flask, "check-config"], env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("OK: the settings are fit for production (Redis: ")
