"""API: who am I, and the units of my scope."""

from __future__ import annotations

import marshmallow as ma
from flask_babel import gettext as _
from flask_smorest import abort

from survey_app.api.auth import api_user, token_required
from survey_app.api.blueprint import ApiBlueprint
from survey_app.auth.permissions import in_scope, scope_root
from survey_app.org.services import get_unit_by_code, units_in_subtree

blp = ApiBlueprint("core_api", __name__, url_prefix="/api/v1", description="Identity and units")


class UnitSchema(ma.Schema):
    """A unit of the tree."""

    code = ma.fields.String()
    name = ma.fields.String()
    kind = ma.fields.Function(lambda unit: unit.kind.value)
    status = ma.fields.Function(lambda unit: unit.status.value)
    parent_code = ma.fields.Function(lambda unit: unit.parent.code if unit.parent else None)
    successor_code = ma.fields.Function(lambda unit: unit.successor.code if unit.successor else None)
    active_from = ma.fields.Date(allow_none=True)
    active_to = ma.fields.Date(allow_none=True)


class MeSchema(ma.Schema):
    """The token's owner."""

    username = ma.fields.String()
    full_name = ma.fields.String()
    role = ma.fields.Function(lambda user: user.role.value)
    unit = ma.fields.Nested(UnitSchema)


@blp.get("/me")
@blp.response(200, MeSchema)
@token_required()
def me():
    """The user the token belongs to."""
    return api_user()


@blp.get("/units")
@blp.response(200, UnitSchema(many=True))
@token_required()
def units():
    """Every unit in the token owner's subtree."""
    return units_in_subtree(scope_root(api_user()))


@blp.get("/units/<code>")
@blp.response(200, UnitSchema)
@token_required()
def unit(code: str):
    """One unit of the token owner's subtree."""
    found = get_unit_by_code(code)
    if found is None or not in_scope(api_user(), found.id):
        abort(404, message=_("No unit %(code)s in your scope.", code=code))
    return found
