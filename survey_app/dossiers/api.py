"""JSON API of the dossiers feature: systems push dossiers; a unit's quarterly figures.

`POST /api/v1/dossiers` takes 1 to 1,000 dossiers; each is created, updated, left unchanged or
rejected on its own (one result per item, in order, like the kiosk's ingest), and the valid ones are
written together. A token of a role that enters data is needed, and a dossier's unit must be in the
token owner's subtree.
"""

from __future__ import annotations

import logging

import marshmallow as ma
from flask import request
from flask_babel import gettext as _
from flask_smorest import abort
from sqlalchemy.exc import IntegrityError

from survey_app.analytics.dossier_scoring import parse_quarter
from survey_app.api.auth import api_user, token_required
from survey_app.api.blueprint import ApiBlueprint, refuse_unstorable_json
from survey_app.auth.permissions import Capability, in_scope, scope_root
from survey_app.dossiers import services
from survey_app.dossiers.reports import unit_report
from survey_app.dossiers.transfer import COLUMNS, check_row
from survey_app.extensions import db
from survey_app.org.services import get_unit_by_code, subtree_ids_query

logger = logging.getLogger(__name__)

blp = ApiBlueprint(
    "dossiers_api", __name__, url_prefix="/api/v1", description="Dossiers and their evaluation"
)

MAX_BATCH = 1000


class DossierInSchema(ma.Schema):
    """One dossier as the one-stop system sends it (the columns of the CSV import)."""

    dossier_code = ma.fields.String(required=True, metadata={"example": "H26.10-260704-0001"})
    unit_code = ma.fields.String(required=True)
    procedure_code = ma.fields.String(required=True)
    procedure_name = ma.fields.String(required=True)
    field_code = ma.fields.String(required=True)
    received_at = ma.fields.String(
        required=True, metadata={"description": "ISO 8601; a date alone is that day"}
    )
    due_at = ma.fields.String(required=True)
    returned_at = ma.fields.String(allow_none=True, metadata={"description": "null while in progress"})
    channel = ma.fields.String(required=True, metadata={"enum": ["in_person", "online", "post"]})
    supplement_requests = ma.fields.Integer(required=True)
    agencies_contacted = ma.fields.Integer(required=True)
    complaint = ma.fields.String(required=True, metadata={"enum": ["none", "verified", "unfounded"]})
    i2 = ma.fields.Integer(allow_none=True)
    i5 = ma.fields.Integer(allow_none=True)
    i6 = ma.fields.Integer(allow_none=True)
    i8 = ma.fields.Integer(allow_none=True)
    i9 = ma.fields.Integer(allow_none=True)


class BatchInSchema(ma.Schema):
    """A batch of dossiers (each item is checked on its own; see the results)."""

    dossiers = ma.fields.List(
        ma.fields.Raw(metadata={"description": "a DossierIn object"}),
        required=True,
        validate=ma.validate.Length(min=1, max=MAX_BATCH),
    )


class ItemResultSchema(ma.Schema):
    """What happened to one item."""

    dossier_code = ma.fields.String(allow_none=True)
    status = ma.fields.String(metadata={"enum": ["created", "updated", "unchanged", "rejected"]})
    errors = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.String())


class BatchResultSchema(ma.Schema):
    """One result per item, in order, and the counts."""

    results = ma.fields.List(ma.fields.Nested(ItemResultSchema))
    created = ma.fields.Integer()
    updated = ma.fields.Integer()
    unchanged = ma.fields.Integer()
    rejected = ma.fields.Integer()


class TimelinessSchema(ma.Schema):
    """Returned before / on / after the due day; in progress and overdue now."""

    before = ma.fields.Integer()
    on_time = ma.fields.Integer()
    after = ma.fields.Integer()
    in_progress = ma.fields.Integer()
    overdue = ma.fields.Integer()


class DossierReportSchema(ma.Schema):
    """A unit subtree's quarter, as `flask dossiers report --format json` gives it."""

    unit = ma.fields.String()
    quarter = ma.fields.String()
    n_scored = ma.fields.Integer()
    indicators = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Float(allow_none=True))
    assessed = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Integer())
    total = ma.fields.Float(allow_none=True)
    class_ = ma.fields.String(allow_none=True, data_key="class", attribute="class")
    timeliness = ma.fields.Nested(TimelinessSchema)
    on_time_rate = ma.fields.Float(allow_none=True)
    rated_share = ma.fields.Float(allow_none=True)
    satisfaction_rate = ma.fields.Float(allow_none=True)


class StatsQuerySchema(ma.Schema):
    """The unit (its subtree is pooled) and the quarter."""

    unit = ma.fields.String(required=True)
    quarter = ma.fields.String(required=True, metadata={"example": "2026Q3"})


@blp.route("/dossiers", methods=["POST"])
@blp.doc(requestBody={"required": True, "content": {"application/json": {"schema": BatchInSchema}}})
@blp.response(200, BatchResultSchema)
@blp.alt_response(422, description="Not a batch of 1 to 1,000 dossiers")
@blp.alt_response(409, description="Another import wrote the same dossier at the same time; send again")
@token_required(Capability.enter_data)
def push():
    """Create or update 1 to 1,000 dossiers (upsert by dossier_code); one result per item, in order."""
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict):
        abort(422, message=_("Send a JSON object."), errors={"json": [_("Send a JSON object.")]})
    refuse_unstorable_json(payload)
    try:
        items = BatchInSchema().load(payload, unknown=ma.EXCLUDE)["dossiers"]
    except ma.ValidationError as error:
        abort(
            422,
            message=_('Send {"dossiers": [...]} with 1 to %(n)d dossiers.', n=MAX_BATCH),
            errors={"json": error.messages},
        )
    root = scope_root(api_user())
    allowed = None if root is None else set(db.session.scalars(subtree_ids_query(root)))
    vocabulary = services.vocabulary(allowed)
    results: list[dict] = []
    clean_rows = []
    seen: dict[str, int] = {}
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            results.append(
                {
                    "dossier_code": None,
                    "status": "rejected",
                    "errors": {"_item": _("Each dossier must be a JSON object.")},
                }
            )
            continue
        unknown = sorted(set(item) - set(COLUMNS))
        clean, problems = check_row(item.get, vocabulary)
        errors = dict(problems)
        if unknown:
            errors["_item"] = _("Unknown fields: %(names)s.", names=", ".join(unknown)[:200])
        code = item.get("dossier_code") if isinstance(item.get("dossier_code"), str) else None
        code = code.strip() if code else code
        if code and code in seen:
            errors["dossier_code"] = _("The dossier code repeats item %(n)d.", n=seen[code] + 1)
        if code:
            seen.setdefault(code, index)
        if errors:
            results.append({"dossier_code": code, "status": "rejected", "errors": errors})
            continue
        clean_rows.append(clean)
        results.append({"dossier_code": clean.code, "status": None, "errors": {}})
    applied = services.apply_rows(clean_rows) if clean_rows else services.ImportResult()
    for result in results:
        if result["status"] is None:
            result["status"] = applied.statuses[result["dossier_code"]]
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        abort(
            409,
            message=_("Another import wrote one of these dossiers at the same time; send the batch again."),
        )
    rejected = sum(1 for r in results if r["status"] == "rejected")
    logger.info("dossier push: %s, rejected %d", applied.summary, rejected)
    return {
        "results": results,
        "created": applied.created,
        "updated": applied.updated,
        "unchanged": applied.unchanged,
        "rejected": rejected,
    }


@blp.route("/stats/dossiers", methods=["GET"])
@blp.doc(parameters=[{"in": "query", "schema": StatsQuerySchema}])
@blp.response(200, DossierReportSchema)
@blp.alt_response(404, description="No such unit in the token's scope")
@blp.alt_response(422, description="Missing or malformed unit or quarter")
@token_required(Capability.read_results)
def stats():
    """A unit subtree's quarter: indicator averages, total, class, timeliness, rated share, satisfaction."""
    try:
        args = StatsQuerySchema().load(request.args, unknown=ma.EXCLUDE)
    except ma.ValidationError as error:
        abort(422, message=_("Give a unit code and a quarter."), errors={"query": error.messages})
    period = parse_quarter(args["quarter"])
    if period is None:
        abort(
            422,
            message=_("The quarter is written like 2026Q3."),
            errors={"query": {"quarter": [_("The quarter is written like 2026Q3.")]}},
        )
    unit = get_unit_by_code(args["unit"])
    if unit is None or not in_scope(api_user(), unit.id):
        abort(404, message=_("No unit %(code)s in your scope.", code=args["unit"]))
    return unit_report(unit, *period)
