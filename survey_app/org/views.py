"""Pages for the unit tree, counters, staff and procedure fields."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from survey_app.auth.permissions import Capability, ensure_in_scope, require, scope_root
from survey_app.extensions import db
from survey_app.forms.org import (
    CloseForm,
    CounterForm,
    FieldForm,
    MergeForm,
    StaffForm,
    UnitForm,
    UnitImportForm,
)
from survey_app.models import Counter, ProcedureField, Staff, Unit, UnitKind
from survey_app.org import browse, people, procedure_fields, services, transfer
from survey_app.org.photos import normalise_photo

bp = Blueprint("org", __name__, url_prefix="/org")


def _unit_or_404(unit_id: int) -> Unit:
    """A unit in the current user's scope, else 404."""
    unit = db.session.get(Unit, unit_id)
    ensure_in_scope(unit.id if unit else None)
    return unit


def _active_unit_choices(exclude: Unit | None = None) -> list[tuple[int, str]]:
    """Active units as (id, indented name) select choices."""
    return [
        (unit.id, "\u2003" * level + f"{unit.name} ({unit.code})")
        for unit, level in services.tree_rows(None)
        if unit.is_active and unit is not exclude
    ]


@bp.get("/units")
@require(Capability.manage_people)
def units():
    """The unit tree of the user's scope, collapsed below its top, or the units a search finds."""
    root = scope_root(current_user)
    query = request.args.get("q", "").strip()[: browse.MAX_QUERY]
    matches, more = browse.search_units(root, query) if query else ([], False)
    return render_template(
        "org/units.html",
        tree=None if query else browse.unit_tree(root),
        query=query,
        matches=matches,
        more=more,
        kind_labels={value: str(label) for value, label in UnitKind.choices()},
    )


@bp.route("/units/new", methods=["GET", "POST"])
@require(Capability.manage_tree)
def new_unit():
    """Add a unit."""
    form = UnitForm(parent_choices=_active_unit_choices())
    if request.method == "GET" and request.args.get("parent", type=int):
        form.parent_id.data = request.args.get("parent", type=int)
    if form.validate_on_submit():
        parent = db.session.get(Unit, form.parent_id.data) if form.parent_id.data else None
        try:
            unit = services.create_unit(
                code=form.code.data,
                name=form.name.data,
                kind=UnitKind(form.kind.data),
                parent=parent,
                active_from=form.active_from.data,
            )
        except services.OrgError as exc:
            form.code.errors.append(str(exc))
        else:
            db.session.commit()
            flash(_("Unit %(name)s created.", name=unit.name), "success")
            return redirect(url_for("org.unit", unit_id=unit.id))
    return render_template("org/unit_form.html", form=form, unit=None)


@bp.route("/units/import", methods=["GET", "POST"])
@require(Capability.manage_tree)
def import_units():
    """Bulk-load units from a CSV file."""
    form = UnitImportForm()
    result = None
    if form.validate_on_submit():
        try:
            text = form.file.data.read().decode("utf-8")
        except UnicodeDecodeError:
            form.file.errors.append(_("The file is not UTF-8 text."))
        else:
            result = transfer.import_units_csv(text)
            if result.ok:
                db.session.commit()
                flash(
                    _(
                        "Import done: %(created)d created, %(updated)d updated, %(unchanged)d unchanged.",
                        created=result.created,
                        updated=result.updated,
                        unchanged=result.unchanged,
                    ),
                    "success",
                )
                return redirect(url_for("org.units"))
            db.session.rollback()
    return render_template("org/import.html", form=form, result=result)


@bp.get("/units/<int:unit_id>")
@require(Capability.manage_people)
def unit(unit_id: int):
    """A unit with its sub-units, counters and staff."""
    unit = _unit_or_404(unit_id)
    return render_template("org/unit.html", unit=unit)


@bp.route("/units/<int:unit_id>/edit", methods=["GET", "POST"])
@require(Capability.manage_tree)
def edit_unit(unit_id: int):
    """Rename, re-kind or move a unit."""
    unit = _unit_or_404(unit_id)
    form = UnitForm(obj=unit, parent_choices=_active_unit_choices(exclude=unit))
    if request.method == "GET":
        form.kind.data = unit.kind.value
        form.parent_id.data = unit.parent_id or 0
    form.code.data = unit.code  # the official code identifies the unit; it is not edited
    if form.validate_on_submit():
        parent = db.session.get(Unit, form.parent_id.data) if form.parent_id.data else None
        try:
            services.update_unit(
                unit,
                name=form.name.data,
                kind=UnitKind(form.kind.data),
                parent=parent,
                active_from=form.active_from.data,
            )
        except services.OrgError as exc:
            form.parent_id.errors.append(str(exc))
        else:
            db.session.commit()
            flash(_("Unit %(name)s saved.", name=unit.name), "success")
            return redirect(url_for("org.unit", unit_id=unit.id))
    return render_template("org/unit_form.html", form=form, unit=unit)


@bp.route("/units/<int:unit_id>/merge", methods=["GET", "POST"])
@require(Capability.manage_tree)
def merge_unit(unit_id: int):
    """Merge a unit into a successor: choose it, see what will happen, confirm."""
    unit = _unit_or_404(unit_id)
    root = scope_root(current_user)
    candidates = services.merge_candidates(unit, root)
    form = MergeForm(successor_choices=[(u.id, f"{u.name} ({u.code})") for u in candidates])
    if form.validate_on_submit():
        successor = db.session.get(Unit, form.successor_id.data)
        try:
            if successor is None or (root is not None and not services.is_within(successor.id, root)):
                raise services.OrgError(_("Choose the successor from the list."))
            services.check_merge(unit, successor)
        except services.OrgError as exc:
            form.successor_id.errors.append(str(exc))
        else:
            changing = "change" in request.form
            if form.confirmed.data == "yes" and not changing:
                services.merge_unit(unit, into=successor, on=form.on.data)
                db.session.commit()
                flash(_("%(name)s merged into %(into)s.", name=unit.name, into=successor.name), "success")
                return redirect(url_for("org.unit", unit_id=unit.id))
            if not changing:
                form.confirmed.data = "yes"
                moving = [child for child in unit.children if child.is_active]
                return render_template(
                    "org/merge_confirm.html", form=form, unit=unit, successor=successor, moving=moving
                )
    form.confirmed.data = ""
    return render_template("org/unit_action.html", form=form, unit=unit, action="merge")


@bp.route("/units/<int:unit_id>/close", methods=["GET", "POST"])
@require(Capability.manage_tree)
def close_unit(unit_id: int):
    """Close a unit."""
    unit = _unit_or_404(unit_id)
    form = CloseForm()
    if form.validate_on_submit():
        try:
            services.close_unit(unit, on=form.on.data)
        except services.OrgError as exc:
            form.on.errors.append(str(exc))
        else:
            db.session.commit()
            flash(_("%(name)s closed.", name=unit.name), "success")
            return redirect(url_for("org.unit", unit_id=unit.id))
    return render_template("org/unit_action.html", form=form, unit=unit, action="close")


@bp.route("/units/<int:unit_id>/counters/new", methods=["GET", "POST"])
@bp.route("/counters/<int:counter_id>/edit", methods=["GET", "POST"])
@require(Capability.manage_people)
def counter_form(unit_id: int | None = None, counter_id: int | None = None):
    """Create or edit a counter."""
    counter = db.session.get(Counter, counter_id) if counter_id else None
    if counter_id and counter is None:
        abort(404)
    unit = _unit_or_404(counter.unit_id if counter else unit_id)
    form = CounterForm(obj=counter)
    if form.validate_on_submit():
        try:
            people.save_counter(
                counter, unit=unit, code=form.code.data, name=form.name.data, active=form.active.data
            )
        except services.OrgError as exc:
            form.code.errors.append(str(exc))
        else:
            db.session.commit()
            flash(_("Counter saved."), "success")
            return redirect(url_for("org.unit", unit_id=unit.id))
    return render_template("org/counter_form.html", form=form, unit=unit, counter=counter)


@bp.route("/units/<int:unit_id>/staff/new", methods=["GET", "POST"])
@bp.route("/staff/<int:staff_id>/edit", methods=["GET", "POST"])
@require(Capability.manage_people)
def staff_form(unit_id: int | None = None, staff_id: int | None = None):
    """Create or edit a civil servant."""
    staff = db.session.get(Staff, staff_id) if staff_id else None
    if staff_id and staff is None:
        abort(404)
    unit = _unit_or_404(staff.unit_id if staff else unit_id)
    form = StaffForm(obj=staff)
    form.counter_id.choices = [(0, _("— no fixed counter —"))] + [
        (c.id, f"{c.name} ({c.code})") for c in unit.counters
    ]
    if request.method == "GET" and staff is not None:
        form.counter_id.data = staff.counter_id or 0
    if form.validate_on_submit():
        counter = db.session.get(Counter, form.counter_id.data) if form.counter_id.data else None
        try:
            upload = form.photo.data
            photo = normalise_photo(upload.read()) if upload else None
            people.save_staff(
                staff,
                unit=unit,
                full_name=form.full_name.data,
                title=form.title.data or "",
                counter=counter,
                active=form.active.data,
                photo=photo,
            )
        except services.OrgError as exc:
            (form.photo if upload else form.counter_id).errors.append(str(exc))
        else:
            db.session.commit()
            flash(_("Staff member saved."), "success")
            return redirect(url_for("org.unit", unit_id=unit.id))
    return render_template("org/staff_form.html", form=form, unit=unit, staff=staff)


@bp.get("/staff/<int:staff_id>/photo")
def staff_photo(staff_id: int):
    """A civil servant's photo; public, as counter devices show it to every citizen."""
    staff = db.session.get(Staff, staff_id)
    if staff is None or staff.photo is None:
        abort(404)
    response = Response(staff.photo, mimetype=staff.photo_mime or "image/jpeg")
    response.cache_control.public = True
    response.cache_control.max_age = 86400  # the URL carries the photo version
    return response


@bp.get("/fields")
@require(Capability.manage_tree)
def fields():
    """The managed list of procedure fields."""
    listing = db.session.scalars(db.select(ProcedureField).order_by(ProcedureField.position)).all()
    return render_template("org/fields.html", fields=listing)


@bp.route("/fields/new", methods=["GET", "POST"])
@bp.route("/fields/<int:field_id>/edit", methods=["GET", "POST"])
@require(Capability.manage_tree)
def field_form(field_id: int | None = None):
    """Create or edit a procedure field."""
    field = db.session.get(ProcedureField, field_id) if field_id else None
    if field_id and field is None:
        abort(404)
    form = FieldForm(obj=field)
    if form.validate_on_submit():
        try:
            procedure_fields.save_field(
                field,
                code=form.code.data,
                name_vi=form.name_vi.data,
                name_en=form.name_en.data,
                active=form.active.data,
            )
        except services.OrgError as exc:
            form.code.errors.append(str(exc))
        else:
            db.session.commit()
            flash(_("Procedure field saved."), "success")
            return redirect(url_for("org.fields"))
    return render_template("org/field_form.html", form=form, field=field)
