"""`flask --app wsgi sipas …` commands: the same services as the pages, for scripts."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from survey_app.analytics.sipas_queries import all_units_report
from survey_app.core.spreadsheets import write_csv
from survey_app.extensions import db
from survey_app.models.sipas import SipasCampaign
from survey_app.org.services import get_unit_by_code
from survey_app.sipas import campaigns
from survey_app.sipas.campaigns import TRANSITIONS, SipasError
from survey_app.sipas.questionnaire import catalogue
from survey_app.sipas.transfer import export_rows, import_csv

cli = AppGroup("sipas", help="SIPAS surveys: campaigns, import, reports.")
campaign_cli = AppGroup("campaign", help="Create and run survey campaigns.")
cli.add_command(campaign_cli)


def _day(_ctx, _param, value: str | None) -> date | None:
    """A YYYY-MM-DD option."""
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise click.BadParameter("use YYYY-MM-DD") from exc


def _campaign(code: str) -> SipasCampaign:
    """The campaign with a code, or a clear error."""
    campaign = campaigns.get_campaign(code)
    if campaign is None:
        raise click.ClickException(f"no campaign {code}")
    return campaign


@campaign_cli.command("create")
@click.argument("code")
@click.option("--questionnaire", required=True, help="Questionnaire version, e.g. sipas-2023.")
@click.option("--name", required=True)
@click.option("--start", required=True, callback=_day, help="YYYY-MM-DD")
@click.option("--end", required=True, callback=_day, help="YYYY-MM-DD")
@click.option("--channels", default="online,paper,phone,interview", show_default=True)
@click.option("--owner", "owner_code", default=None, help="Code of the unit running the campaign.")
def create_campaign(code, questionnaire, name, start, end, channels, owner_code) -> None:
    """Create a campaign in draft (participating units can be added later)."""
    owner = get_unit_by_code(owner_code) if owner_code else None
    if owner_code and owner is None:
        raise click.ClickException(f"no unit with code {owner_code}")
    try:
        campaign = campaigns.create_campaign(
            code=code,
            name=name,
            questionnaire=questionnaire,
            start_on=start,
            end_on=end,
            channels=[c.strip() for c in channels.split(",")],
            owner_unit=owner,
        )
    except SipasError as exc:
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    click.echo(f"created campaign {campaign.code} ({campaign.questionnaire}, draft)")


@campaign_cli.command("add-unit")
@click.argument("code")
@click.argument("unit_code")
@click.option("--target", type=int, default=None, help="Forms to collect.")
@click.option("--dossiers", type=int, default=None, help="N dossiers returned: target = N/(1+N·0.05²).")
def add_unit(code, unit_code, target, dossiers) -> None:
    """Add a participating unit with its sample target."""
    unit = get_unit_by_code(unit_code)
    if unit is None:
        raise click.ClickException(f"no unit with code {unit_code}")
    try:
        link = campaigns.set_campaign_unit(_campaign(code), unit, target=target, population=dossiers)
    except SipasError as exc:
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    click.echo(f"{unit.code}: target {link.target}")


@campaign_cli.command("state")
@click.argument("code")
@click.argument("action", type=click.Choice(list(TRANSITIONS)))
def change_state(code, action) -> None:
    """Open, close or publish a campaign."""
    try:
        campaign = campaigns.change_state(_campaign(code), action)
    except SipasError as exc:
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    click.echo(f"{campaign.code}: {campaign.state.value}")


@cli.command("questionnaires")
def list_questionnaires() -> None:
    """List the usable questionnaire versions and every refused file with its problem."""
    found = catalogue()
    for version, questionnaire in sorted(found.versions.items()):
        method = f"method {questionnaire.method}" if questionnaire.method else "no method stated"
        click.echo(
            f"{version}: {len(questionnaire.criteria)} criteria, {len(questionnaire.elements)} elements, "
            f"{method}"
        )
    for error in found.errors:
        click.echo(f"refused: {error}", err=True)
    if found.errors:
        raise SystemExit(1)


@cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--campaign", "code", required=True)
def import_file(path: Path, code: str) -> None:
    """Import responses from a UTF-8 CSV file; nothing is imported when any line is wrong.

    On SQLite it is written in chunks (SIPAS_IMPORT_CHUNK), so the server keeps taking ratings meanwhile;
    the progress goes to stderr every 100,000 responses.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise click.ClickException("the file is not UTF-8 text") from exc

    shown = 0

    def progress(written: int) -> None:
        nonlocal shown
        if written // 100_000 > shown:
            shown = written // 100_000
            click.echo(f"written {written}", err=True)

    result = import_csv(_campaign(code), text, after_chunk=progress)
    if not result.ok:
        db.session.rollback()
        for error in result.errors:
            click.echo(error, err=True)
        raise click.ClickException(f"{len(result.errors)} problem(s); nothing was imported.")
    db.session.commit()
    click.echo(f"imported {result.created}, already there {result.skipped}")


@cli.command("report")
@click.option("--campaign", "code", required=True)
@click.option("--format", "fmt", type=click.Choice(["json", "csv"]), default="json", show_default=True)
@click.option(
    "--min-n",
    type=click.IntRange(min=0),
    default=None,
    help="Small-sample minimum (default SMALL_SAMPLE_MIN; 0 withholds nothing).",
)
def report(code: str, fmt: str, min_n: int | None) -> None:
    """Indices of every unit with responses in its subtree (pooled counts, unrounded).

    Figures are withheld (null) by the one small-sample rule of `analytics.sipas_index`. The questionnaire's
    measurement method is given (JSON: `method`; CSV: a last column on every line), since figures of
    different methods are not comparable.
    """
    campaign = _campaign(code)
    minimum = current_app.config["SMALL_SAMPLE_MIN"] if min_n is None else min_n
    try:
        questionnaire = campaigns.questionnaire_of(campaign)
    except SipasError as exc:
        raise click.ClickException(str(exc)) from exc
    units = all_units_report(db.session, campaign, questionnaire=questionnaire, min_n=minimum)
    if fmt == "json":
        answer = {
            "campaign": campaign.code,
            "questionnaire": campaign.questionnaire,
            "method": questionnaire.method,
            "units": units,
        }
        click.echo(json.dumps(answer, ensure_ascii=False, indent=1))
        return
    write_csv(_report_rows(units, questionnaire.method), sys.stdout)


REPORT_HEADER = [
    "unit", "level", "code", "index", "n", "mean", "ci_low", "ci_high", *map(str, range(1, 6)),
    "dont_know", "blank", "method",
]  # fmt: skip


def _report_rows(units: list[dict], method: str) -> Iterator[list]:
    """The flat report: a header, then per unit its overall index, aspects, elements and criteria, each
    line ending with the method (a sheet pooling several campaigns' reports can keep methods apart)."""
    width = len(REPORT_HEADER) - 1
    yield REPORT_HEADER
    for row in _figure_rows(units):
        yield row + [""] * (width - len(row)) + [method]


def _figure_rows(units: list[dict]) -> Iterator[list]:
    """Per unit its overall index, aspects, elements and criteria, as far as each line has figures."""
    for unit in units:
        yield [unit["unit"], "overall", "", unit["overall"], unit["n"]]
        for level in ("aspects", "elements"):
            for part, value in unit[level].items():
                yield [unit["unit"], level[:-1], part, value]
        for criterion, f in unit["criteria"].items():
            yield (
                [
                    unit["unit"],
                    "criterion",
                    criterion,
                    f["index"],
                    f["n"],
                    f["mean"],
                    f["ci_low"],
                    f["ci_high"],
                ]
                + [f["counts"][str(level)] for level in range(1, 6)]
                + [f["dont_know"], f["blank"]]
            )


@cli.command("export")
@click.option("--campaign", "code", required=True)
@click.option(
    "--output", type=click.Path(dir_okay=False, path_type=Path), default=None, help="Default: stdout."
)
def export(code: str, output: Path | None) -> None:
    """Raw responses as CSV (read in chunks; cells that would run as formulas neutralised)."""
    handle = output.open("w", encoding="utf-8", newline="") if output else sys.stdout
    try:
        write_csv(export_rows(_campaign(code)), handle)
    finally:
        if output:
            handle.close()
