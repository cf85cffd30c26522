"""`flask --app wsgi dialogue …` commands."""

from __future__ import annotations

import logging
import sys

import click
from flask.cli import AppGroup

from survey_app.core import clock
from survey_app.dialogue.deadlines import overdue_comments
from survey_app.dialogue.workdays import official_calendar_rows, write_holidays_csv
from survey_app.org.services import get_unit_by_code

logger = logging.getLogger(__name__)

cli = AppGroup("dialogue", help="Dialogue conferences: follow-up of the comments.")


@cli.command("overdue")
@click.option("--unit", "unit_code", default=None, help="Only comments assigned within this unit's subtree.")
def overdue(unit_code: str | None) -> None:
    """List the comments whose written answer is overdue, per department (for a reminder e-mail or a cron)."""
    today = clock.today()
    unit = None
    if unit_code:
        unit = get_unit_by_code(unit_code)
        if unit is None:
            raise click.BadParameter(f"no unit {unit_code}", param_hint="--unit")
    comments = overdue_comments(today, within=unit)
    for comment in comments:
        days = (today - comment.due_on).days
        department = comment.department.name if comment.department else "-"
        click.echo(
            f"{department}\t{comment.due_on:%d/%m/%Y}\t{days} days late\t"
            f"{comment.conference.title} #{comment.number}"
        )
    click.echo(f"{len(comments)} overdue comment(s) on {today:%d/%m/%Y}")
    logger.info(
        "overdue run on %s%s: %d comment(s) overdue in %d department(s)",
        today.isoformat(),
        f" for unit {unit.code}" if unit else "",
        len(comments),
        len({comment.department_id for comment in comments}),
    )


@cli.command("holidays")
@click.option("--from-year", type=int, required=True)
@click.option("--to-year", type=int, required=True)
def holidays_csv(from_year: int, to_year: int) -> None:
    """Print Vietnam's public holidays and make-up working Saturdays as a DIALOGUE_HOLIDAYS_FILE (check it
    against the year's notice; add a make-up day the package does not know as a `working_day` row)."""
    if to_year < from_year:
        raise click.BadParameter("must not be before --from-year", param_hint="--to-year")
    write_holidays_csv(official_calendar_rows(from_year, to_year), sys.stdout)
