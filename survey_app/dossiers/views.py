"""HTML pages of the dossiers feature: the quarterly table, a unit's quarter, a dossier, and the
self-assessment and verification forms."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from survey_app.analytics import dossier_queries as q
from survey_app.analytics.dossier_scoring import (
    Timeliness,
    parse_quarter,
    period_score,
    previous_quarter,
    quarter_name,
    quarter_start,
    share,
)
from survey_app.auth.permissions import Capability, ensure_in_scope, require, scope_root
from survey_app.core import clock
from survey_app.dossiers import assessments
from survey_app.dossiers.reports import figures, quarter_rows
from survey_app.dossiers.rules import current_rules
from survey_app.dossiers.services import DossierError
from survey_app.extensions import db
from survey_app.forms.dossiers import assessment_form
from survey_app.kiosk.levels import level_label, satisfied_levels
from survey_app.models import Unit
from survey_app.models.dossiers import Dossier
from survey_app.org.services import get_unit_by_code

bp = Blueprint("dossiers", __name__, url_prefix="/dossiers")

READERS = (Capability.read_results, Capability.enter_data)


def _lang() -> str:
    return str(get_locale() or "vi")


def _quarter(text: str | None) -> tuple[date, date]:
    """The quarter named in the URL (404 when malformed), or the current one."""
    if not text:
        return parse_quarter(quarter_name(clock.today()))  # type: ignore[return-value]
    period = parse_quarter(text)
    if period is None:
        abort(404)
    return period


def _unit(code: str | None) -> Unit:
    """A unit of the user's scope by code (404 otherwise), or the top of the user's scope."""
    if code:
        unit = get_unit_by_code(code)
    else:
        root = scope_root(current_user)
        unit = (
            db.session.get(Unit, root)
            if root is not None
            else db.session.scalar(select(Unit).where(Unit.parent_id.is_(None)).order_by(Unit.code))
        )
    ensure_in_scope(unit)
    return unit  # type: ignore[return-value]


def _quarters_around(start: date) -> list[str]:
    """The last eight quarters up to the current one, newest first, and the one shown."""
    names, cursor = [], quarter_start(clock.today())
    for _i in range(8):
        names.append(quarter_name(cursor))
        cursor = previous_quarter(cursor)
    if quarter_name(start) not in names:
        names.append(quarter_name(start))
    return names


@bp.route("/")
@require(*READERS)
def index():
    """The quarterly table: the unit and each of its children, out of 18, with classes and timeliness."""
    unit = _unit(request.args.get("unit"))
    start, end = _quarter(request.args.get("quarter"))
    rules = current_rules()[0]
    return render_template(
        "dossiers/index.html",
        unit=unit,
        quarter=quarter_name(start),
        quarters=_quarters_around(start),
        rows=quarter_rows(unit, start, end),
        rules=rules,
        lang=_lang(),
    )


@bp.route("/unit/<code>/<quarter>")
@require(*READERS)
def unit_quarter(code: str, quarter: str):
    """A unit's quarter: the nine indicators computed, self-assessed and verified; timeliness; procedures."""
    unit = _unit(code)
    start, end = _quarter(quarter)
    rules, rules_problem = current_rules()
    found = figures([unit], start, end)[unit.id]
    by_procedure = q.measures_by_procedure(db.session, unit.id, start, end)
    linked = q.rating_link(db.session, [unit.id], start, end, satisfied_levels(), by="procedure")
    names = q.procedure_names(db.session, by_procedure)
    procedures = []
    for procedure_id, measures in by_procedure.items():
        timeliness = Timeliness(measures["n_before"], measures["n_on_time"], measures["n_after"])
        rated, ratings, satisfied = linked.get(procedure_id, (0, 0, 0))
        procedures.append(
            {
                "code": names.get(procedure_id, ("", ""))[0],
                "name": names.get(procedure_id, ("", ""))[1],
                "timeliness": timeliness,
                "score": period_score(rules, measures),
                "rated_share": share(rated, timeliness.returned),
                "ratings": ratings,
                "satisfaction_rate": share(satisfied, ratings),
            }
        )
    procedures.sort(key=lambda p: (-p["timeliness"].after, p["name"]))
    rows = assessments.assessments_of(unit.id, start)
    return render_template(
        "dossiers/unit.html",
        unit=unit,
        quarter=quarter_name(start),
        found=found,
        rules=rules,
        rules_problem=rules_problem,
        assessed=rows,
        totals=assessments.totals(rows),
        procedures=procedures,
        late=q.late_dossiers(db.session, unit.id, start, end),
        can_self=assessments.can_self_assess(current_user, unit),
        can_verify=assessments.can_verify(current_user, unit),
        lang=_lang(),
    )


@bp.route("/d/<path:code>")
@require(*READERS)
def dossier(code: str):
    """One dossier: its facts, its nine scores and the kiosk ratings that carry its code."""
    found = db.session.scalar(select(Dossier).where(Dossier.code == code))
    if found is None:
        abort(404)
    ensure_in_scope(found.unit_id)
    rules = current_rules()[0]
    ratings = q.ratings_of_dossier(db.session, found.code)
    return render_template(
        "dossiers/dossier.html",
        dossier=found,
        rules=rules,
        ratings=[
            (when, level_label(level), state, comment) for when, level, state, _unit_id, comment in ratings
        ],
        satisfied=satisfied_levels(),
        quarter=quarter_name(found.returned_day) if found.returned_day else None,
        lang=_lang(),
    )


def _assessment_page(code: str, quarter: str, which: str):
    """The self-assessment or verification form of a unit's quarter (GET shows, POST records)."""
    unit = _unit(code)
    start, end = _quarter(quarter)
    allowed = assessments.can_self_assess if which == "self" else assessments.can_verify
    if not allowed(current_user, unit):
        abort(403)
    rules = current_rules()[0]
    lang = _lang()
    rows = assessments.assessments_of(unit.id, start)
    current = {f"i{i}": getattr(row, f"{which}_score") for i, row in rows.items()}
    form = assessment_form(
        rules.max_score, {r.number: f"{r.number}. {r.name(lang)}" for r in rules.indicators}, data=current
    )
    if form.validate_on_submit():
        scores = {r.number: getattr(form, f"i{r.number}").data for r in rules.indicators}
        save = assessments.save_self_scores if which == "self" else assessments.save_verified_scores
        try:
            save(unit, start, scores, current_user, rules.max_score)
        except DossierError as error:
            db.session.rollback()
            flash(str(error), "error")
        else:
            db.session.commit()
            flash(_("The scores were recorded."), "success")
            return redirect(url_for("dossiers.unit_quarter", code=unit.code, quarter=quarter_name(start)))
    found = figures([unit], start, end)[unit.id]
    return render_template(
        "dossiers/assess.html",
        unit=unit,
        quarter=quarter_name(start),
        which=which,
        form=form,
        rules=rules,
        found=found,
        assessed=rows,
        frozen=which == "self" and assessments.is_verified(unit.id, start),
        lang=lang,
    )


@bp.route("/unit/<code>/<quarter>/self", methods=["GET", "POST"])
@require(Capability.manage_people)
def self_assessment(code: str, quarter: str):
    """The unit administrator's self-assessment ("Điểm tự chấm") of a quarter."""
    return _assessment_page(code, quarter, "self")


@bp.route("/unit/<code>/<quarter>/verify", methods=["GET", "POST"])
@require(Capability.enter_data)
def verification(code: str, quarter: str):
    """The verification ("Điểm thẩm định") of a unit's quarter by an official of a unit above."""
    return _assessment_page(code, quarter, "verified")
