"""Command-line interface: `flask --app wsgi …` commands calling the same services as the views."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup
from sqlalchemy import select

from survey_app.auth import services as auth_services
from survey_app.demo.seed import seed_all
from survey_app.dialogue.cli import cli as dialogue_cli
from survey_app.dossiers.cli import cli as dossiers_cli
from survey_app.extensions import db
from survey_app.kiosk.cli import cli as kiosk_cli
from survey_app.models import Role, User
from survey_app.org.cli import import_official_command, reorganise_command
from survey_app.org.procedure_fields import seed_procedure_fields
from survey_app.org.services import get_unit_by_code
from survey_app.org.transfer import import_units_file
from survey_app.sipas.cli import cli as sipas_cli

units_cli = AppGroup("units", help="Manage organisational units.")
users_cli = AppGroup("users", help="Manage users and API tokens.")
REFERENCE_DATA = Path(__file__).resolve().parent / "data"
units_cli.add_command(import_official_command)
units_cli.add_command(reorganise_command)


@units_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_units(path: Path) -> None:
    """Import units from a UTF-8 CSV file (code,name,kind,parent_code)."""
    result = import_units_file(path)
    if not result.ok:
        db.session.rollback()
        for error in result.errors:
            click.echo(error, err=True)
        raise click.ClickException(f"{len(result.errors)} problem(s); nothing was imported.")
    db.session.commit()
    click.echo(f"created {result.created}, updated {result.updated}, unchanged {result.unchanged}")


@users_cli.command("create")
@click.argument("username")
@click.option("--role", required=True, type=click.Choice(["admin", "unit_admin", "official", "leader"]))
@click.option("--unit", "unit_code", required=True, help="Official code of the user's unit.")
@click.option("--password", default=None, help="Generated and printed when left out.")
@click.option("--full-name", default="", help="The person's full name.")
def create_user(username: str, role: str, unit_code: str, password: str | None, full_name: str) -> None:
    """Create a user scoped to a unit's subtree."""
    unit = get_unit_by_code(unit_code)
    if unit is None:
        raise click.ClickException(f"no unit with code {unit_code}")
    try:
        _user, plain = auth_services.create_user(
            username=username, full_name=full_name or username, role=Role(role), unit=unit, password=password
        )
    except auth_services.AuthError as exc:
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    click.echo(f"created {username} ({role}, {unit.code})")
    if password is None:
        click.echo(f"password: {plain}")


@users_cli.command("token")
@click.argument("username")
@click.option("--name", default="cli", help="A label for the token.")
def create_token(username: str, name: str) -> None:
    """Print a new personal API token for a user (on the last line)."""
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None:
        raise click.ClickException(f"no user {username}")
    _token, plain = auth_services.issue_token(user, name)
    db.session.commit()
    click.echo(f"token for {username} (shown once):")
    click.echo(plain)


@click.command("setup")
def setup_reference_data() -> None:
    """Load reference data every deployment needs (the usual procedure fields); idempotent."""
    result = seed_procedure_fields(REFERENCE_DATA / "procedure_fields.csv")
    db.session.commit()
    click.echo(result.summary())


@click.command("seed-demo")
def seed_demo() -> None:
    """Build realistic demo data from the districts in the source articles; idempotent."""
    for line in seed_all():
        click.echo(line)


def register(app: Flask) -> None:
    """Attach every command group to the app."""
    for command in (
        units_cli,
        users_cli,
        setup_reference_data,
        seed_demo,
        kiosk_cli,
        sipas_cli,
        dialogue_cli,
        dossiers_cli,
    ):
        app.cli.add_command(command)
