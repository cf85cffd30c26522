"""`flask --app wsgi kiosk …` commands: scripted provisioning and roll-up checks."""

from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import select

from survey_app.extensions import db
from survey_app.kiosk.devices import register_device_with_token
from survey_app.kiosk.errors import KioskError
from survey_app.kiosk.rollups import rebuild_rollups
from survey_app.models import Counter
from survey_app.org.services import get_unit_by_code

cli = AppGroup("kiosk", help="Kiosk devices and ratings.")


@cli.command("register")
@click.option("--unit", "unit_code", required=True, help="Official code of the unit where the kiosk stands.")
@click.option("--counter", "counter_code", default=None, help="Code of the counter it is bound to, if any.")
@click.option("--name", default=None, help="A name for the device (default: 'Kiosk <unit code>').")
@click.option(
    "--base-url",
    default="http://127.0.0.1:5000",
    show_default=True,
    help="The server's address as the tablet reaches it, for the pairing address printed.",
)
def register(unit_code: str, counter_code: str | None, name: str | None, base_url: str) -> None:
    """Register an already-paired kiosk; print the address that opens it on the tablet, then its device
    token (on the last line, where scripts read it; both shown once)."""
    unit = get_unit_by_code(unit_code)
    if unit is None:
        raise click.ClickException(f"no unit with code {unit_code}")
    counter = None
    if counter_code:
        counter = db.session.scalar(
            select(Counter).where(Counter.unit_id == unit.id, Counter.code == counter_code)
        )
        if counter is None:
            raise click.ClickException(f"no counter {counter_code} at {unit.code}")
    try:
        device, token = register_device_with_token(unit, counter=counter, name=name or f"Kiosk {unit.code}")
    except KioskError as exc:
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    place = f"{unit.code}/{counter.code}" if counter else unit.code
    click.echo(f"registered kiosk #{device.id} {device.name!r} at {place}")
    click.echo("open this address on the tablet to pair it (keep it private, like the token):")
    click.echo(f"  {pairing_address(base_url, token)}")
    click.echo("device token (shown once):")
    click.echo(token)


def pairing_address(base_url: str, token: str) -> str:
    """The kiosk screen's address carrying the token in its fragment (never sent to the server or its logs);
    the screen keeps the token and removes it from the address bar."""
    return f"{base_url.rstrip('/')}/kiosk#token={token}"


@cli.command("rebuild-rollup")
def rebuild_rollup() -> None:
    """Recompute every kiosk roll-up from the raw ratings and report any drift (exit status 1 if any)."""
    report = rebuild_rollups()
    db.session.commit()
    for table, rows in report.rows.items():
        drift = report.drift[table]
        click.echo(
            f"{table}: {rows} rows, {'drift in ' + str(drift) + ' keys (repaired)' if drift else 'in step'}"
        )
    if report.drifted:
        click.echo("drift found and repaired", err=True)
        raise SystemExit(1)
    click.echo("all roll-ups in step")
