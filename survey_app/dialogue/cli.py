"""`flask --app wsgi dialogue …` commands."""

from __future__ import annotations

import logging
import sys
from datetime import date

import click
from flask.cli import AppGroup

from survey_app.core import clock
from survey_app.dialogue.deadlines import forwarded_overdue_comments, overdue_comments
from survey_app.dialogue.workdays import official_calendar_rows, write_holidays_csv
from survey_app.models.dialogue import DialogueComment
from survey_app.org.services import get_unit_by_code

logger = logging.getLogger(__name__)

cli = AppGroup("dialogue", help="Dialogue conferences: follow-up of the comments.")


@cli.command("overdue")
@click.option("--unit", "unit_code", default=None, help="Only comments assigned within this unit's subtree.")
def overdue(unit_code: str | None) -> None:
    """List the comments whose written answer is overdue: per department, then those forwarded to a
    competent body that is past its own deadline (for a reminder e-mail or a cron)."""
    today = clock.today()
    unit = None
    if unit_code:
        unit = get_unit_by_code(unit_code)
        if unit is None:
            raise click.BadParameter(f"no unit {unit_code}", param_hint="--unit")
    comments = overdue_comments(today, within=unit)
    forwarded = forwarded_overdue_comments(today, within=unit)
    for comment in comments:
        department = comment.department.name if comment.department else "-"
        click.echo(_line(department, comment, today))
    for comment in forwarded:
        # the competent body's delay, not the host department's: labelled so a reminder goes to the body
        body = f"{comment.forwarded_to} (competent body, forwarded {comment.forwarded_on:%d/%m/%Y})"
        click.echo(_line(body, comment, today))
    summary = f"{len(comments) + len(forwarded)} overdue comment(s) on {today:%d/%m/%Y}"
    if forwarded:
        summary += f" ({len(forwarded)} forwarded, late at the competent body)"
    click.echo(summary)
    logger.info(
        "overdue run on %s%s: %d comment(s) overdue in %d department(s), %d at competent bodies",
        today.isoformat(),
        f" for unit {unit.code}" if unit else "",
        len(comments),
        len({comment.department_id for comment in comments}),
        len(forwarded),
    )


def _line(who: str, comment: DialogueComment, today: date) -> str:
    """One overdue comment: who owes the answer, the deadline, the days late, the conference and number."""
    return (
        f"{who}\t{comment.due_on:%d/%m/%Y}\t{(today - comment.due_on).days} days late\t"
        f"{comment.conference.title} #{comment.number}"
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
