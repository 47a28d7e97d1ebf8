"""`flask campaigns run [ID]`: queue and deliver what campaigns still owe, then exit."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from seminar_app.campaigns.batches import run_campaign
from seminar_app.campaigns.queries import unfinished_campaign_ids

campaigns_cli = AppGroup("campaigns", help="Invitation campaigns: queue and deliver what they still owe.")


@campaigns_cli.command("run")
@click.argument("campaign_id", type=int, required=False)
def run(campaign_id: int | None) -> None:
    """Run one campaign (or every unfinished one) to the end: queue its mail batch by
    batch and deliver each batch. Safe next to the web process and `flask jobs run`."""
    ids = [campaign_id] if campaign_id is not None else unfinished_campaign_ids()
    for one in ids:
        queued = run_campaign(one)
        click.echo(f"Campaign {one}: {queued} mail(s) queued and handed to the sender.")
