"""The kiosk view: satisfaction rate over time, shares of levels, child units, procedure fields, counters,
civil servants, reasons for dissatisfaction and the weekday × hour heatmap, all from the kiosk roll-ups."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask import url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from survey_app.analytics import kiosk_queries, pooling
from survey_app.analytics.periods import months_touching, previous_period
from survey_app.analytics.rates import Rate, difference, level_shares, safe_share, satisfaction_rate
from survey_app.dashboards import charts, history, settings
from survey_app.dashboards.charts import Chart, Column
from survey_app.dashboards.filters import Filters, bucket_label, bucket_of, buckets
from survey_app.extensions import db
from survey_app.kiosk import levels as kiosk_levels
from survey_app.models import Counter, ProcedureField, Role, Staff, Unit, UnitClosure, User

# Built once (building a SELECT costs SQLAlchemy more than these small look-ups take to run).
_IDS = sa.bindparam("ids", expanding=True)
_OWN_UNITS = sa.select(UnitClosure.descendant_id).where(
    UnitClosure.ancestor_id == sa.bindparam("unit_id"), UnitClosure.depth <= sa.bindparam("depth")
)
_STAFF = sa.select(Staff).where(Staff.id.in_(_IDS))
_FIELDS = sa.select(ProcedureField).where(ProcedureField.id.in_(_IDS))
_COUNTER_NAMES = (
    sa.select(Counter.id, Counter.name, Unit.name)
    .join(Unit, Unit.id == Counter.unit_id)
    .where(Counter.id.in_(_IDS))
)


def level_info() -> list[tuple[str, str, bool]]:
    """(code, label, satisfied) of the configured kiosk levels."""
    return [(level.code, str(level.label), level.satisfied) for level in kiosk_levels.levels()]


def weekday_names() -> list[str]:
    """Monday to Sunday in the UI language."""
    return [_("Monday"), _("Tuesday"), _("Wednesday"), _("Thursday"), _("Friday"), _("Saturday"), _("Sunday")]


def too_big_note(unit: Unit, size: int) -> str:
    """Why a breakdown is not shown for a large subtree."""
    return _(
        "%(unit)s has %(count)s units below it: choose one with at most %(max)s to see this breakdown.",
        unit=unit.name,
        count=size - 1,
        max=settings.detail_max_units(),
    )


def staff_visible_ids(user: User, staff_units: Mapping[int, int]) -> set[int]:
    """Staff whose individual figures this user may see: leaders and unit admins of the staff's own unit.

    "Own unit" is the staff member's unit or the unit directly above it (a ward runs its one-stop
    centre); STAFF_FIGURES_MAX_DEPTH widens that. Admins see everyone.
    """
    if user.role == Role.admin:
        return set(staff_units)
    if user.role not in (Role.leader, Role.unit_admin) or not staff_units:
        return set()
    params = {"unit_id": user.unit_id, "depth": settings.staff_figures_max_depth()}
    own = set(db.session.scalars(_OWN_UNITS, params))
    return {staff_id for staff_id, unit_id in staff_units.items() if unit_id in own}


def _by_key(rows: Iterable[tuple]) -> dict:
    """{key: {level: n}} from (key, level, n) rows."""
    out: dict = defaultdict(lambda: defaultdict(int))
    for key, level, n in rows:
        out[key][level] += n
    return out


def _pooled_rate(rows: Iterable[tuple[date, str, int]], satisfied: set[str], minimum: int) -> Rate:
    """The satisfaction rate of (day or month, level, n) rows pooled together."""
    counts: dict[str, int] = defaultdict(int)
    for _p, level, n in rows:
        counts[level] += n
    return satisfaction_rate(counts, satisfied, minimum)


@dataclass
class KioskSummary:
    """Headline figures of a kiosk dashboard."""

    rate: Rate
    previous: Rate
    change: float | None
    shares: dict[str, float | None]
    counts: dict[str, int]


@dataclass
class _Context:
    """What every chart of one kiosk page needs: the filters, the level vocabulary and the settings."""

    filters: Filters
    user: User
    levels: list[tuple[str, str, bool]]
    satisfied: set[str]
    minimum: int
    target: float
    pooled_before: date | None  # settled months from the summaries per ancestor (settings.pooled_before)

    def rate(self, counts: Mapping[str, int]) -> Rate:
        """The satisfaction rate of some counts per level, withheld below the minimum sample."""
        return satisfaction_rate(counts, self.satisfied, self.minimum)


def kiosk_dashboard(filters: Filters, user: User) -> tuple[KioskSummary, list[Chart]]:
    """Every kiosk figure for a unit's subtree and period, from the roll-ups."""
    levels = level_info()
    context = _Context(
        filters,
        user,
        levels,
        {code for code, _label, satisfied in levels if satisfied},
        settings.min_n(),
        settings.kiosk_target(),
        settings.pooled_before(),
    )
    summary, per_bucket, totals = _summary(context)
    size = pooling.subtree_size(db.session, filters.unit.id)  # detail and heatmap for small subtrees only
    result = [_trend_chart(context, per_bucket), _levels_chart(context, summary, totals)]
    units = _units_chart(context, size)
    if units is not None:
        result.append(units)
    result.extend(_detail_charts(context, size))
    result.append(_reasons_chart(context))
    result.append(_heatmap_chart(context, size))
    return summary, result


def _summary(context: _Context) -> tuple[KioskSummary, dict[date, dict[str, int]], dict[str, int]]:
    """The headline figures, plus the counts per time bucket and in all (trend and level charts)."""
    session, filters = db.session, context.filters
    unit, start, end, granularity = filters.unit, filters.start, filters.end, filters.granularity
    settled = context.pooled_before
    prev_start, prev_end = previous_period(start, end)
    # Whole months come from the month roll-up; day and week buckets from the day roll-up. By day the
    # periods are short: one read of the day roll-up serves the previous period too.
    if granularity == "day":
        both = kiosk_queries.kiosk_counts_by_day(session, unit.id, prev_start, end)
        rows = [row for row in both if row[0] >= start]
        previous_rows = [row for row in both if row[0] <= prev_end]
    else:
        if granularity == "month":
            rows = kiosk_queries.kiosk_counts_by_period(session, unit.id, start, end, settled_before=settled)
        else:
            rows = kiosk_queries.kiosk_counts_by_day(session, unit.id, start, end)
        previous_rows = kiosk_queries.kiosk_counts_by_period(
            session, unit.id, prev_start, prev_end, settled_before=settled
        )
    previous = _pooled_rate(previous_rows, context.satisfied, context.minimum)
    per_bucket: dict[date, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    totals: dict[str, int] = defaultdict(int)
    for day, level, n in rows:
        per_bucket[bucket_of(day, granularity)][level] += n
        totals[level] += n
    overall = context.rate(totals)
    codes = [code for code, _label, _satisfied in context.levels]
    summary = KioskSummary(
        rate=overall,
        previous=previous,
        change=difference(overall.value, previous.value),
        shares=level_shares(totals, codes, context.minimum),
        counts={code: totals.get(code, 0) for code in codes},
    )
    return summary, per_bucket, totals


def _trend_chart(context: _Context, per_bucket: Mapping[date, Mapping[str, int]]) -> Chart:
    """The satisfaction rate of each day, week or month of the period.

    For a unit opened by a reorganisation, the buckets that begin before its effective date hold its
    predecessors' ratings (pooled through the closure, each once): they are drawn as a separate, marked
    series and named in the note, so that the years before and after the reform can be compared.
    """
    filters = context.filters
    rows, labels, values, ns = [], [], [], []
    firsts = list(buckets(filters.start, filters.end, filters.granularity))
    reform = history.reform_history(filters.unit)
    marked = history.marked_rows(reform, firsts)
    for first, before in zip(firsts, marked, strict=True):
        rate = context.rate(per_bucket.get(first, {}))
        label = bucket_label(first, filters.granularity)
        labels.append(label)
        values.append(rate.value)
        ns.append(rate.n)
        row = [label, rate.n, rate.satisfied, rate.value]
        if any(marked):
            row.append(_("Predecessors") if before else filters.unit.name)
        rows.append(row)
    columns = [
        Column(_("Period")),
        Column(_("Ratings"), "int"),
        Column(_("Satisfied"), "int"),
        Column(_("Satisfaction rate"), "pct"),
    ]
    note = ""
    if any(marked) and reform is not None:
        columns.append(Column(_("Figures of")))
        note = reform.note()
    return Chart(
        "trend",
        _("Satisfaction rate over time"),
        columns,
        rows,
        charts.rate_over_time(
            labels,
            values,
            ns,
            context.target,
            marked=marked,
            marked_label=reform.label() if reform is not None else "",
        )
        if any(v is not None for v in values)
        else None,
        note=note,
    )


def _levels_chart(context: _Context, summary: KioskSummary, totals: Mapping[str, int]) -> Chart:
    """The share of each level over the period."""
    levels = context.levels
    return Chart(
        "levels",
        _("Share of each level"),
        [Column(_("Level")), Column(_("Ratings"), "int"), Column(_("Share"), "pct")],
        [[label, totals.get(code, 0), summary.shares[code]] for code, label, _s in levels],
        charts.stacked_shares(
            [context.filters.unit.name], [(label, [summary.shares[code]]) for code, label, _s in levels]
        )
        if summary.rate.value is not None
        else None,
    )


def _units_chart(context: _Context, size: int) -> Chart | None:
    """Child units: rate, previous period and change; those below the target highlighted."""
    session, filters = db.session, context.filters
    children = pooling.child_units(session, filters.unit.id) if size > 1 else []
    if not children:
        return None
    ids = [child[0] for child in children]
    prev_start, prev_end = previous_period(filters.start, filters.end)
    settled = context.pooled_before
    by_ancestor = kiosk_queries.kiosk_counts_by_ancestor
    now = _by_key(by_ancestor(session, ids, filters.start, filters.end, settled_before=settled))
    before = _by_key(by_ancestor(session, ids, prev_start, prev_end, settled_before=settled))
    rows, highlight, names, rates, ns, links = [], [], [], [], [], []
    silent = 0
    for child_id, code, name in children:
        rate = context.rate(now.get(child_id, {}))
        previous = context.rate(before.get(child_id, {}))
        if not rate.n and not previous.n:
            silent += 1  # no kiosk there (or none used): a row of "not enough sample" says nothing
            continue
        rows.append([name, rate.n, rate.value, previous.value, difference(rate.value, previous.value)])
        highlight.append(rate.value is not None and rate.value < context.target)
        names.append(name)
        rates.append(rate.value)
        ns.append(rate.n)
        links.append(url_for("dashboards.kiosk", **filters.args(unit=code)))
    if not rows:
        return None
    note = _("Units below the target of %(target)s%% are highlighted.", target=f"{context.target:g}")
    if silent:
        note += " " + _("%(n)d units without kiosk ratings in either period are not shown.", n=silent)
    return Chart(
        "units",
        _("Satisfaction rate by unit"),
        [
            Column(_("Unit")),
            Column(_("Ratings"), "int"),
            Column(_("Satisfaction rate"), "pct"),
            Column(_("Previous period"), "pct"),
            Column(_("Change (points)"), "pp"),
        ],
        rows,
        charts.rate_bars(names, rates, ns, context.target, links),
        note=note,
        highlight=highlight,
    )


def _reasons_chart(context: _Context) -> Chart:
    """Reasons given with dissatisfied ratings, most frequent first (whole calendar months)."""
    filters = context.filters
    first_month, last_month = months_touching(filters.start, filters.end)
    reasons = kiosk_queries.kiosk_reason_counts(
        db.session, filters.unit.id, first_month, last_month, settled_before=context.pooled_before
    )
    mentions = sum(n for _r, n in reasons)
    labels = [kiosk_levels.reason_label(code) for code, _n in reasons]
    return Chart(
        "reasons",
        _("Reasons for dissatisfaction"),
        [Column(_("Reason")), Column(_("Mentions"), "int"), Column(_("Share of mentions"), "pct")],
        # A share of the mentions made, not a rate of the ratings: shown from the first mention.
        [[label, n, safe_share(n, mentions, 1)] for label, (_r, n) in zip(labels, reasons, strict=True)],
        charts.value_bars(labels, [n for _r, n in reasons], _("Mentions")) if reasons else None,
        note=_("Counted over whole calendar months."),
    )


def _heatmap_chart(context: _Context, size: int) -> Chart:
    """The satisfaction rate by weekday and hour: a staffing tool for a one-stop shop.

    Like the detail charts it is read only for subtrees of at most DASHBOARD_DETAIL_MAX_UNITS units (the
    heat roll-up has no ancestor level).
    """
    filters = context.filters
    heat: dict = defaultdict(lambda: defaultdict(int))
    note = _("Counted over whole calendar months; blank cells have too few ratings.")
    if size <= settings.detail_max_units():
        first_month, last_month = months_touching(filters.start, filters.end)
        for weekday, hour, level, n in kiosk_queries.kiosk_heat_counts(
            db.session, filters.unit.id, first_month, last_month
        ):
            heat[(weekday, hour)][level] += n
    else:
        note = too_big_note(filters.unit, size)
    rows, figure = [], None
    if heat:
        hours = sorted({hour for _w, hour in heat})
        days = weekday_names()
        z = []
        for weekday in range(7):
            line = []
            for hour in hours:
                rate = context.rate(heat.get((weekday, hour), {}))
                line.append(rate.value)
                if rate.n:
                    rows.append([days[weekday], f"{hour:02d}:00", rate.n, rate.value])
            z.append(line)
        figure = charts.heatmap(z, [f"{h:02d}h" for h in hours], days, _("Satisfaction rate (%)"))
    return Chart(
        "heatmap",
        _("Satisfaction rate by weekday and hour"),
        [
            Column(_("Weekday")),
            Column(_("Hour")),
            Column(_("Ratings"), "int"),
            Column(_("Satisfaction rate"), "pct"),
        ],
        rows,
        figure,
        note=note,
    )


def _detail_charts(context: _Context, size: int) -> list[Chart]:
    """Rates by procedure field, counter and civil servant: one pass over the fine cube.

    The fine cube holds one row per day, counter, civil servant, field and level, so it is read only
    for subtrees of at most DASHBOARD_DETAIL_MAX_UNITS units; larger ones get a note instead.
    """
    filters = context.filters
    specs = [
        ("fields", _("Satisfaction rate by procedure field"), _("Procedure field")),
        ("counters", _("Satisfaction rate by counter"), _("Counter")),
        ("staff", _("Satisfaction rate by civil servant"), _("Civil servant")),
    ]
    if size > settings.detail_max_units():
        note = too_big_note(filters.unit, size)
        return [
            Chart(
                chart_id,
                title,
                [Column(label), Column(_("Ratings"), "int"), Column(_("Satisfaction rate"), "pct")],
                [],
                note=note,
            )
            for chart_id, title, label in specs
        ]
    rows = kiosk_queries.kiosk_fine_counts(db.session, filters.unit.id, filters.start, filters.end)
    by_field = [(f, level, n) for _c, _s, f, level, n in rows]
    by_counter = [(c, level, n) for c, _s, _f, level, n in rows]
    by_staff = [(s, level, n) for _c, s, _f, level, n in rows]
    fields = _dimension_chart(context, *specs[0], by_field, _field_names)
    counters = _dimension_chart(context, *specs[1], by_counter, _counter_names)
    staff_ids = {key for key, _level, _n in by_staff if key}
    staff = {s.id: s for s in db.session.scalars(_STAFF, {"ids": list(staff_ids)})} if staff_ids else {}
    visible = staff_visible_ids(context.user, {sid: s.unit_id for sid, s in staff.items()})
    hidden = len(staff_ids - visible)
    staff_chart = _dimension_chart(
        context,
        *specs[2],
        [row for row in by_staff if row[0] in visible],
        lambda ids: {sid: staff[sid].full_name for sid in ids if sid in staff},
        skip_none=True,
    )
    if hidden:
        staff_chart.note = _(
            "Figures of %(count)s civil servants are shown only to the leaders of their own unit.",
            count=hidden,
        )
    return [fields, counters, staff_chart]


def _field_names(ids: Iterable[int]) -> dict[int, str]:
    language = str(get_locale() or "vi")
    return {field.id: field.name_in(language) for field in db.session.scalars(_FIELDS, {"ids": list(ids)})}


def _counter_names(ids: Iterable[int]) -> dict[int, str]:
    rows = db.session.execute(_COUNTER_NAMES, {"ids": list(ids)})
    return {cid: f"{name} ({unit_name})" for cid, name, unit_name in rows}


def _dimension_chart(
    context: _Context,
    chart_id: str,
    title: str,
    label: str,
    rows: Iterable[tuple],
    namer: Callable[[list[int]], dict[int, str]],
    skip_none: bool = False,
) -> Chart:
    """Rate per counter / civil servant / field, best sample first; "none" rows labelled as such."""
    per = _by_key(rows)
    if skip_none:
        per.pop(0, None)
    names = namer([key for key in per if key])
    items = []
    for key, counts in per.items():
        name = names.get(key, _("Not specified")) if key else _("Not specified")
        items.append((name, context.rate(counts)))
    items.sort(key=lambda item: (-item[1].n, item[0]))
    figure = (
        charts.rate_bars(
            [name for name, _r in items],
            [r.value for _n, r in items],
            [r.n for _n, r in items],
            context.target,
        )
        if items
        else None
    )
    return Chart(
        chart_id,
        title,
        [Column(label), Column(_("Ratings"), "int"), Column(_("Satisfaction rate"), "pct")],
        [[name, rate.n, rate.value] for name, rate in items],
        figure,
        highlight=[r.value is not None and r.value < context.target for _n, r in items],
    )
