"""`flask --app wsgi units import-official` and `units reorganise` (added to the `units` group)."""

from __future__ import annotations

import time
from pathlib import Path

import click

from survey_app.extensions import db
from survey_app.org import official, reorganisation
from survey_app.org.services import OrgError


@click.command("import-official")
@click.option(
    "--province", default=None, help="Only this province (two-digit code, e.g. 01) and its communes."
)
def import_official_command(province: str | None) -> None:
    """Load the current provinces and communes with their official codes; idempotent."""
    started = time.perf_counter()
    try:
        result = official.import_official(province)
    except OrgError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    click.echo(f"source: {official.SOURCE}")
    for line in result.held_back:
        click.echo(f"held back (holds data; apply a reorganisation first): {line}")
    if not result.changed:
        click.echo("nothing to change: the units already match the official list")
    click.echo(f"took {time.perf_counter() - started:.1f} s")
    click.echo(result.summary())


@click.command("reorganise")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def reorganise_command(path: Path) -> None:
    """Apply a reorganisation file (old_code,new_code,effective_date); all or nothing; idempotent."""
    result = reorganisation.reorganise_file(path)
    if not result.ok:
        db.session.rollback()
        for error in result.errors:
            click.echo(error, err=True)
        raise click.ClickException(f"{len(result.errors)} problem(s); nothing was changed.")
    db.session.commit()
    if not result.changed:
        click.echo("nothing to change: this reorganisation is already recorded")
    click.echo(result.summary())
