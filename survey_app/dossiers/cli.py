"""`flask --app wsgi dossiers …`: import the one-stop system's export, report a unit's quarter, rescore."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from flask.cli import AppGroup

from survey_app.analytics.dossier_scoring import parse_quarter
from survey_app.core.spreadsheets import write_csv
from survey_app.dossiers import rating_link, recompute, services
from survey_app.dossiers.reports import CSV_COLUMNS, report_csv_row, unit_report
from survey_app.dossiers.rules import current_rules
from survey_app.extensions import db
from survey_app.org.services import get_unit_by_code

cli = AppGroup("dossiers", help="Dossiers of the one-stop system and their evaluation.")


@cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_dossiers(path: Path) -> None:
    """Import dossiers from a UTF-8 CSV export (upsert by dossier_code; all or nothing)."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise click.ClickException("the file is not UTF-8 text; nothing was imported.") from exc
    result = services.import_csv(text)
    if not result.ok:
        db.session.rollback()
        for error in result.errors:
            click.echo(error, err=True)
        raise click.ClickException(f"{len(result.errors)} problem(s); nothing was imported.")
    db.session.commit()
    click.echo(result.summary)


@cli.command("report")
@click.option("--unit", "unit_code", required=True, help="Official code of the unit (its subtree is pooled).")
@click.option("--quarter", required=True, help="The quarter, e.g. 2026Q3.")
@click.option("--format", "fmt", type=click.Choice(["json", "csv"]), default="json", show_default=True)
def report(unit_code: str, quarter: str, fmt: str) -> None:
    """A unit's quarter: indicator averages, total, class, timeliness, rated share and satisfaction."""
    unit = get_unit_by_code(unit_code)
    if unit is None:
        raise click.ClickException(f"no unit with code {unit_code}")
    period = parse_quarter(quarter)
    if period is None:
        raise click.ClickException("the quarter is written like 2026Q3")
    figures = unit_report(unit, *period)
    if fmt == "json":
        click.echo(json.dumps(figures, ensure_ascii=False, indent=2))
        return
    write_csv([CSV_COLUMNS, report_csv_row(figures)], sys.stdout)


@cli.command("rescore")
def rescore() -> None:
    """Recompute every dossier's scores with the rules in force (after a rules change), and the cubes."""
    rules, problem = current_rules()
    if problem:
        click.echo(f"local rules refused, packaged rules used: {problem}", err=True)
    changed = recompute.rescore()
    db.session.commit()
    click.echo(f"rules {rules.version}: {changed} dossier(s) rescored")


@cli.command("check")
def check() -> None:
    """Compare the count cubes and the rating link with the raw rows (what differs; 0 when in step)."""
    drift = recompute.cube_drift()
    click.echo(", ".join(f"{name}: {n} cell(s) differ" for name, n in drift.items()))
    unlinked = rating_link.rated_drift()
    click.echo(f"rating link: {unlinked} dossier(s) differ")
    if any(drift.values()):
        raise click.ClickException("the cubes drifted; `flask dossiers rescore` rebuilds them")
    if unlinked:
        raise click.ClickException("the rating link drifted; `flask dossiers relink` rebuilds it")


@cli.command("relink")
def relink() -> None:
    """Recompute which dossiers a kiosk rating carries the code of, from the raw rows."""
    rating_link.relink()
    db.session.commit()
    click.echo(f"rating link: {rating_link.rated_drift()} dossier(s) differ")
