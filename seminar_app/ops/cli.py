"""`flask check-config`: the operator's question "would production start with these settings?"."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from seminar_app.ops import health
from seminar_app.ops.startchecks import EX_CONFIG, production_problems


@click.command("check-config")
@with_appcontext
def check_config_command() -> None:
    """Check the settings against production's rules: print OK (exit 0) or each problem (exit 78).

    In production an app with problems does not load at all: the command then prints the same
    list as the start would, and exits 78 too."""
    problems = production_problems(current_app.config)
    if problems:
        for problem in problems:
            click.echo(f"PROBLEM: {problem}", err=True)
        raise SystemExit(EX_CONFIG)
    redis = health.check_redis(health.redis_urls(current_app.config))
    click.echo(f"OK: the settings are fit for production (Redis: {redis}).")
