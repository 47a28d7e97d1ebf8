"""`flask integrity check`: the app's own integrity checks, for operators (English only)."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from seminar_app.ops.integrity import Outcome, run_checks

integrity_cli = AppGroup("integrity", help="Check the database against the app's own rules.")


@integrity_cli.command("check")
def check() -> None:
    """Run every integrity check, print each result, exit 1 when one failed (warnings do not)."""
    results = run_checks()
    for result in results:
        click.echo(result.line())
    failed = [r for r in results if r.outcome is Outcome.FAILED]
    warned = [r for r in results if r.outcome is Outcome.WARNING]
    click.echo(f"{len(results)} checks: {len(failed)} failed, {len(warned)} warning(s).")
    if failed:
        raise SystemExit(1)
