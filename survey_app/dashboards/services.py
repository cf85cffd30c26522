"""Rules of the dashboards: which filters apply, who may see what, and the figures of each view."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import abort, current_app
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from survey_app.analytics import dashboard_queries as q
from survey_app.analytics.rates import Rate, difference, level_shares, safe_share, satisfaction_rate
from survey_app.auth.permissions import in_scope, scope_root
from survey_app.dashboards import charts
from survey_app.dashboards.charts import Chart, Column
from survey_app.extensions import db
from survey_app.forms.dashboards import GRANULARITIES, DashboardFilterForm
from survey_app.models import Counter, ProcedureField, Role, Staff, Unit, UnitClosure, User
from survey_app.org.services import get_unit_by_code, unit_picker_rows

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def min_n() -> int:
    """The configured minimum sample below which figures are withheld."""
    return int(current_app.config.get("SMALL_SAMPLE_MIN", 30))


def kiosk_target() -> float:
    """The satisfaction-rate target units are compared with (percent)."""
    return float(current_app.config.get("KIOSK_TARGET_RATE", 80.0))


def today_local() -> date:
    """Today in Vietnam."""
    return datetime.now(LOCAL_TZ).date()


# --- filters --------------------------------------------------------------------------------


@dataclass
class Filters:
    """What a dashboard shows: a unit, a period, a time bucket and (SIPAS) a channel and campaign."""

    unit: Unit
    start: date
    end: date
    granularity: str = "month"
    channel: str = ""
    campaign: str = ""

    def args(self, **changes) -> dict[str, str]:
        """The query string of these filters (for links and downloads)."""
        values = {
            "unit": self.unit.code,
            "start": self.start.strftime("%d/%m/%Y"),
            "end": self.end.strftime("%d/%m/%Y"),
            "granularity": self.granularity,
        }
        if self.channel:
            values["channel"] = self.channel
        if self.campaign:
            values["campaign"] = self.campaign
        values.update(changes)
        return values


def default_period(today: date) -> tuple[date, date]:
    """The last twelve months up to today, starting on the first of a month."""
    first = today.replace(day=1)
    for _i in range(11):
        first = (first - timedelta(days=1)).replace(day=1)
    return first, today


def default_unit(user: User) -> Unit:
    """The unit a user's dashboards open on: their own, or the top of the tree for admins."""
    root = scope_root(user)
    if root is not None:
        return db.session.get(Unit, root)
    top = db.session.scalar(sa.select(Unit).where(Unit.parent_id.is_(None)).order_by(Unit.code))
    return top or db.session.get(Unit, user.unit_id)


def unit_choices(user: User, current: Unit) -> list[tuple[str, str]]:
    """The filter's unit picker around the current unit, indented, as (code, label)."""
    rows = unit_picker_rows(scope_root(user), current)
    return [(code, "\u2003" * min(level, 6) + name) for code, name, level in rows]


def resolve_filters(
    args: MultiDict, user: User, campaign_choices: Callable[[Unit], list[tuple[str, str]]] | None = None
) -> tuple[DashboardFilterForm, Filters]:
    """Read the filters from the query string; a unit outside the user's subtree is a 404.

    Invalid values are reported on the form and replaced by defaults, so the page still shows figures.
    """
    code = (args.get("unit") or "").strip()
    unit = get_unit_by_code(code) if code else default_unit(user)
    if unit is None or not in_scope(user, unit.id):
        abort(404)
    start, end = default_period(today_local())
    form = DashboardFilterForm(
        formdata=args if args else None,
        unit_choices=unit_choices(user, unit),
        campaign_choices=campaign_choices(unit) if campaign_choices else None,
        data={"unit": unit.code, "start": start, "end": end, "granularity": "month"},
    )
    if args:
        form.validate()
    filters = Filters(unit=unit, start=start, end=end)
    if not form.start.errors and form.start.data:
        filters.start = form.start.data
    if not form.end.errors and form.end.data:
        filters.end = form.end.data
    if form.end.errors:
        filters.start, filters.end = start, end
    if filters.end < filters.start:
        filters.start, filters.end = start, end
    if form.granularity.data in GRANULARITIES and not form.granularity.errors:
        filters.granularity = form.granularity.data
    if not form.channel.errors:
        filters.channel = form.channel.data or ""
    if not form.campaign.errors:
        filters.campaign = form.campaign.data or ""
    form.unit.data = unit.code
    return form, filters


# --- who sees what --------------------------------------------------------------------------


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


def staff_visible_ids(user: User, staff_units: Mapping[int, int]) -> set[int]:
    """Staff whose individual figures this user may see: leaders and unit admins of the staff's own unit.

    "Own unit" is the staff member's unit or the unit directly above it (a ward runs its one-stop
    centre); STAFF_FIGURES_MAX_DEPTH widens that. Admins see everyone.
    """
    if user.role == Role.admin:
        return set(staff_units)
    if user.role not in (Role.leader, Role.unit_admin) or not staff_units:
        return set()
    depth = int(current_app.config.get("STAFF_FIGURES_MAX_DEPTH", 1))
    own = set(db.session.scalars(_OWN_UNITS, {"unit_id": user.unit_id, "depth": depth}))
    return {staff_id for staff_id, unit_id in staff_units.items() if unit_id in own}


# --- formatting helpers ---------------------------------------------------------------------


def bucket_of(day: date, granularity: str) -> date:
    """The first day of the bucket (day, ISO week or month) that a day falls in."""
    if granularity == "week":
        return day - timedelta(days=day.weekday())
    if granularity == "month":
        return day.replace(day=1)
    return day


def bucket_label(first: date, granularity: str) -> str:
    """How a bucket is named on the axis."""
    if granularity == "month":
        return first.strftime("%m/%Y")
    if granularity == "week":
        return _("Week of %(day)s", day=first.strftime("%d/%m/%Y"))
    return first.strftime("%d/%m/%Y")


def buckets(start: date, end: date, granularity: str) -> list[date]:
    """Every bucket of the period, empty ones included (so gaps show as gaps)."""
    out: list[date] = []
    cursor = bucket_of(start, granularity)
    while cursor <= end:
        out.append(cursor)
        if granularity == "month":
            cursor = q.next_month(cursor)
        elif granularity == "week":
            cursor += timedelta(days=7)
        else:
            cursor += timedelta(days=1)
    return out


def weekday_names() -> list[str]:
    """Monday to Sunday in the UI language."""
    return [_("Monday"), _("Tuesday"), _("Wednesday"), _("Thursday"), _("Friday"), _("Saturday"), _("Sunday")]


# --- kiosk ----------------------------------------------------------------------------------


def kiosk_level_info() -> list[tuple[str, str, bool]]:
    """(code, label, satisfied) of the configured kiosk levels."""
    from survey_app.kiosk import levels as kiosk_levels

    return [(lv.code, str(lv.label), lv.satisfied) for lv in kiosk_levels.levels()]


def _satisfied_codes() -> set[str]:
    return {code for code, _label, satisfied in kiosk_level_info() if satisfied}


def _reason_label(code: str) -> str:
    from survey_app.kiosk.levels import reason_label

    return reason_label(code)


def _by_key(rows: Iterable[tuple]) -> dict:
    """{key: {level: n}} from (key, level, n) rows."""
    out: dict = defaultdict(lambda: defaultdict(int))
    for key, level, n in rows:
        out[key][level] += n
    return out


def _pooled_rate(rows: Iterable[tuple[date, str, int]]) -> Rate:
    """The satisfaction rate of (day or month, level, n) rows pooled together."""
    counts: dict[str, int] = defaultdict(int)
    for _p, level, n in rows:
        counts[level] += n
    return satisfaction_rate(counts, _satisfied_codes(), min_n())


def kiosk_rate(session, unit_id: int, start: date, end: date) -> Rate:
    """The pooled satisfaction rate of a subtree over a period."""
    return _pooled_rate(q.kiosk_counts_by_period(session, unit_id, start, end))


@dataclass
class KioskSummary:
    """Headline figures of a kiosk dashboard."""

    rate: Rate
    previous: Rate
    change: float | None
    shares: dict[str, float | None]
    counts: dict[str, int]


def kiosk_dashboard(filters: Filters, user: User) -> tuple[KioskSummary, list[Chart]]:
    """Every kiosk figure for a unit's subtree and period, from the roll-ups."""
    session = db.session
    unit, start, end, gran = filters.unit, filters.start, filters.end, filters.granularity
    minimum, target = min_n(), kiosk_target()
    levels = kiosk_level_info()
    satisfied = _satisfied_codes()

    # Trend: whole months come from the month roll-up; day and week buckets from the day roll-up.
    prev_start, prev_end = q.previous_period(start, end)
    # By day the periods are short: one read of the day roll-up serves the previous period too.
    if gran == "day":
        both = q.kiosk_counts_by_day(session, unit.id, prev_start, end)
        rows = [row for row in both if row[0] >= start]
        previous = _pooled_rate(row for row in both if row[0] <= prev_end)
    else:
        read = q.kiosk_counts_by_period if gran == "month" else q.kiosk_counts_by_day
        rows = read(session, unit.id, start, end)
        previous = kiosk_rate(session, unit.id, prev_start, prev_end)
    per_bucket: dict[date, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    totals: dict[str, int] = defaultdict(int)
    for day, level, n in rows:
        per_bucket[bucket_of(day, gran)][level] += n
        totals[level] += n
    overall = satisfaction_rate(totals, satisfied, minimum)
    summary = KioskSummary(
        rate=overall,
        previous=previous,
        change=difference(overall.value, previous.value),
        shares=level_shares(totals, [c for c, _l, _s in levels], minimum),
        counts={c: totals.get(c, 0) for c, _l, _s in levels},
    )

    trend_rows = []
    labels, values, ns = [], [], []
    for first in buckets(start, end, gran):
        rate = satisfaction_rate(per_bucket.get(first, {}), satisfied, minimum)
        label = bucket_label(first, gran)
        labels.append(label)
        values.append(rate.value)
        ns.append(rate.n)
        trend_rows.append([label, rate.n, rate.satisfied, rate.value])
    result = [
        Chart(
            "trend",
            _("Satisfaction rate over time"),
            [
                Column(_("Period")),
                Column(_("Ratings"), "int"),
                Column(_("Satisfied"), "int"),
                Column(_("Satisfaction rate"), "pct"),
            ],
            trend_rows,
            charts.rate_over_time(labels, values, ns, target) if any(v is not None for v in values) else None,
        )
    ]

    level_rows = [[label, totals.get(code, 0), summary.shares[code]] for code, label, _s in levels]
    result.append(
        Chart(
            "levels",
            _("Share of each level"),
            [Column(_("Level")), Column(_("Ratings"), "int"), Column(_("Share"), "pct")],
            level_rows,
            charts.stacked_shares(
                [unit.name], [(label, [summary.shares[code]]) for code, label, _s in levels]
            )
            if overall.value is not None
            else None,
        )
    )

    # Child units: rate, previous period and change; below target highlighted.
    size = q.subtree_size(session, unit.id)  # detail charts and the heatmap are read for small subtrees only
    children = q.child_units(session, unit.id) if size > 1 else []
    if children:
        ids = [c[0] for c in children]
        now = _by_key(q.kiosk_counts_by_ancestor(session, ids, start, end))
        before = _by_key(q.kiosk_counts_by_ancestor(session, ids, prev_start, prev_end))
        unit_rows, highlight, names, rates, unit_ns = [], [], [], [], []
        for child_id, _code, name in children:
            rate = satisfaction_rate(now.get(child_id, {}), satisfied, minimum)
            prev = satisfaction_rate(before.get(child_id, {}), satisfied, minimum)
            unit_rows.append([name, rate.n, rate.value, prev.value, difference(rate.value, prev.value)])
            highlight.append(rate.value is not None and rate.value < target)
            names.append(name)
            rates.append(rate.value)
            unit_ns.append(rate.n)
        result.append(
            Chart(
                "units",
                _("Satisfaction rate by unit"),
                [
                    Column(_("Unit")),
                    Column(_("Ratings"), "int"),
                    Column(_("Satisfaction rate"), "pct"),
                    Column(_("Previous period"), "pct"),
                    Column(_("Change (points)"), "pp"),
                ],
                unit_rows,
                charts.rate_bars(names, rates, unit_ns, target),
                note=_("Units below the target of %(target)s%% are highlighted.", target=f"{target:g}"),
                highlight=highlight,
            )
        )

    result.extend(_detail_charts(unit, size, start, end, user, satisfied, minimum, target))

    first_month, last_month = q.months_touching(start, end)
    reasons = q.kiosk_reason_counts(session, unit.id, first_month, last_month)
    reason_total = sum(n for _r, n in reasons)
    result.append(
        Chart(
            "reasons",
            _("Reasons for dissatisfaction"),
            [Column(_("Reason")), Column(_("Mentions"), "int"), Column(_("Share of mentions"), "pct")],
            [[_reason_label(r), n, safe_share(n, reason_total, 1)] for r, n in reasons],
            charts.value_bars(
                [_reason_label(r) for r, _n in reasons], [n for _r, n in reasons], _("Mentions")
            )
            if reasons
            else None,
            note=_("Counted over whole calendar months."),
        )
    )

    # The heatmap is a staffing tool for a one-stop shop: like the detail charts, it is read only for
    # subtrees of at most DASHBOARD_DETAIL_MAX_UNITS units (the heat roll-up has no ancestor level).
    heat = defaultdict(lambda: defaultdict(int))
    heat_note = _("Counted over whole calendar months; blank cells have too few ratings.")
    if size <= detail_max_units():
        for weekday, hour, level, n in q.kiosk_heat_counts(session, unit.id, first_month, last_month):
            heat[(weekday, hour)][level] += n
    else:
        heat_note = too_big_note(unit, size)
    if heat:
        hours = sorted({h for _w, h in heat})
        days = weekday_names()
        z, heat_rows = [], []
        for weekday in range(7):
            line = []
            for hour in hours:
                rate = satisfaction_rate(heat.get((weekday, hour), {}), satisfied, minimum)
                line.append(rate.value)
                if rate.n:
                    heat_rows.append([days[weekday], f"{hour:02d}:00", rate.n, rate.value])
            z.append(line)
        figure = charts.heatmap(z, [f"{h:02d}h" for h in hours], days, _("Satisfaction rate (%)"))
    else:
        heat_rows, figure = [], None
    result.append(
        Chart(
            "heatmap",
            _("Satisfaction rate by weekday and hour"),
            [
                Column(_("Weekday")),
                Column(_("Hour")),
                Column(_("Ratings"), "int"),
                Column(_("Satisfaction rate"), "pct"),
            ],
            heat_rows,
            figure,
            note=heat_note,
        )
    )
    return summary, result


def detail_max_units() -> int:
    """Largest subtree (in units) shown by field, counter and civil servant (read from the fine cube)."""
    return int(current_app.config.get("DASHBOARD_DETAIL_MAX_UNITS", 40))


def too_big_note(unit: Unit, size: int) -> str:
    """Why a breakdown is not shown for a large subtree."""
    return _(
        "%(unit)s has %(count)s units below it: choose one with at most %(max)s to see this breakdown.",
        unit=unit.name,
        count=size - 1,
        max=detail_max_units(),
    )


def _detail_charts(unit, size, start, end, user, satisfied, minimum, target) -> list[Chart]:
    """Rates by procedure field, counter and civil servant: one pass over the fine cube.

    The fine cube holds one row per day, counter, civil servant, field and level, so it is read only
    for subtrees of at most DASHBOARD_DETAIL_MAX_UNITS units; larger ones get a note instead.
    """
    specs = [
        ("fields", _("Satisfaction rate by procedure field"), _("Procedure field")),
        ("counters", _("Satisfaction rate by counter"), _("Counter")),
        ("staff", _("Satisfaction rate by civil servant"), _("Civil servant")),
    ]
    if size > detail_max_units():
        note = too_big_note(unit, size)
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
    rows = q.kiosk_fine_counts(db.session, unit.id, start, end)
    by_field = [(f, level, n) for _c, _s, f, level, n in rows]
    by_counter = [(c, level, n) for c, _s, _f, level, n in rows]
    staff_rows = [(s, level, n) for _c, s, _f, level, n in rows]
    fields = _dimension_chart(
        "fields", specs[0][1], specs[0][2], by_field, _field_names, satisfied, minimum, target
    )
    counters = _dimension_chart(
        "counters", specs[1][1], specs[1][2], by_counter, _counter_names, satisfied, minimum, target
    )
    staff_ids = {key for key, _lv, _n in staff_rows if key}
    staff = {s.id: s for s in db.session.scalars(_STAFF, {"ids": list(staff_ids)})} if staff_ids else {}
    visible = staff_visible_ids(user, {sid: s.unit_id for sid, s in staff.items()})
    hidden = len(staff_ids - visible)
    staff_chart = _dimension_chart(
        "staff",
        specs[2][1],
        specs[2][2],
        [row for row in staff_rows if row[0] in visible],
        lambda ids: {sid: staff[sid].full_name for sid in ids if sid in staff},
        satisfied,
        minimum,
        target,
        skip_none=True,
    )
    if hidden:
        staff_chart.note = _(
            "Figures of %(count)s civil servants are shown only to the leaders of their own unit.",
            count=hidden,
        )
    return [fields, counters, staff_chart]


def _field_names(ids: Iterable[int]) -> dict[int, str]:
    from flask_babel import get_locale

    lang = str(get_locale() or "vi")
    fields = db.session.scalars(_FIELDS, {"ids": list(ids)})
    return {f.id: f.name_in(lang) for f in fields}


def _counter_names(ids: Iterable[int]) -> dict[int, str]:
    rows = db.session.execute(_COUNTER_NAMES, {"ids": list(ids)})
    return {cid: f"{name} ({unit_name})" for cid, name, unit_name in rows}


def _dimension_chart(
    chart_id, title, label, rows, namer, satisfied, minimum, target, skip_none=False
) -> Chart:
    """Rate per counter / civil servant / field, best sample first; "none" rows labelled as such."""
    per = _by_key(rows)
    if skip_none:
        per.pop(0, None)
    names = namer([k for k in per if k])
    items = []
    for key, counts in per.items():
        rate = satisfaction_rate(counts, satisfied, minimum)
        items.append((names.get(key, _("Not specified")) if key else _("Not specified"), rate))
    items.sort(key=lambda item: (-item[1].n, item[0]))
    table = [[name, rate.n, rate.value] for name, rate in items]
    figure = (
        charts.rate_bars(
            [n for n, _r in items], [r.value for _n, r in items], [r.n for _n, r in items], target
        )
        if items
        else None
    )
    return Chart(
        chart_id,
        title,
        [Column(label), Column(_("Ratings"), "int"), Column(_("Satisfaction rate"), "pct")],
        table,
        figure,
        highlight=[r.value is not None and r.value < target for _n, r in items],
    )
