"""Charts of the dashboards: a Plotly figure (JSON, drawn by static/js/dashboards.js) plus its data table.

Figures are written as plain Plotly JSON (dicts), not through plotly.graph_objects, whose validation
costs tens of milliseconds per figure on every page view.

Every chart carries the table it is drawn from: it is shown beneath the chart (accessible) and is what
the CSV/XLSX downloads contain. Withheld cells (too few answers) are None in "pct"/"num" columns.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from flask_babel import get_locale
from flask_babel import gettext as _

BRAND = "#0b5394"
GOOD = "#2e7d32"
BAD = "#c62828"
GREY = "#9aa5b1"
LEVEL_COLOURS = ["#1b5e20", "#66bb6a", "#fbc02d", "#ef6c00", "#c62828"]


@dataclass
class Column:
    """A column of a chart's data table; kind says how to format it (see formatting.cell)."""

    label: str
    kind: str = "text"


@dataclass
class Chart:
    """One chart: id (for downloads), title, figure JSON and the data table behind it."""

    id: str
    title: str
    columns: list[Column]
    rows: list[list[Any]]
    figure: str | None = None
    note: str = ""
    highlight: list[bool] = field(default_factory=list)  # rows to mark (e.g. below target)
    # A trend's rows: the series each belongs to (never joined to another) and whether it is the
    # predecessors' history of a reorganised unit (drawn dashed over a shaded band)
    groups: list[str] = field(default_factory=list)
    marked: list[bool] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        """Whether there is nothing to show."""
        return not self.rows


def history_band(marked: list[bool]) -> tuple[int, int, dict]:
    """(first, last, shape): the shaded band behind the marked (pre-reorganisation) points of a trend."""
    first = min(i for i, m in enumerate(marked) if m)
    last = max(i for i, m in enumerate(marked) if m)
    band = {
        "type": "rect",
        "xref": "x",
        "yref": "paper",
        "x0": first - 0.5,
        "x1": last + 0.5,
        "y0": 0,
        "y1": 1,
        "fillcolor": "#eef0f3",
        "line": {"width": 0},
        "layer": "below",
    }
    return first, last, band


def _separators() -> str:
    """Plotly number separators: decimal comma and dot for thousands in Vietnamese."""
    return ".," if str(get_locale() or "vi") == "en" else ",."


def _layout(**extra) -> dict:
    """A plain, accessible layout shared by every figure."""
    layout = {
        "separators": _separators(),
        "font": {"family": "system-ui, 'Noto Sans', Arial, sans-serif", "size": 13, "color": "#1f2933"},
        "margin": {"l": 60, "r": 20, "t": 10, "b": 60},
        "height": 340,
        "hoverlabel": {"namelength": -1},
        "legend": {"orientation": "h", "y": -0.2},
        "paper_bgcolor": "#ffffff",
        "plot_bgcolor": "#ffffff",
    }
    layout.update(extra)
    return layout


def _axis(title: str = "", **extra) -> dict:
    axis = {"title": {"text": title}, "gridcolor": "#e4e7eb", "zeroline": False, "automargin": True}
    axis.update(extra)
    return axis


def _figure(data: list[dict], layout: dict) -> str:
    return json.dumps({"data": data, "layout": layout}, ensure_ascii=False, separators=(",", ":"))


def _suppressed_text() -> str:
    return _("not enough sample")


def _withheld_annotations(labels: list[str], values: list, horizontal: bool = True) -> list[dict]:
    """ "not enough sample" where a withheld bar would be (bar text would sit on the axis labels)."""
    notes = []
    for label, value in zip(labels, values, strict=True):
        if value is not None:
            continue
        note = {"showarrow": False, "text": _suppressed_text(), "font": {"color": "#52606d", "size": 12}}
        if horizontal:
            note.update(x=0, y=label, xref="x", yref="y", xanchor="left")
        else:
            note.update(x=label, y=0, xref="x", yref="y", yanchor="bottom", textangle=-90)
        notes.append(note)
    return notes


def _target_line(target: float, vertical: bool) -> dict:
    line = {"type": "line", "line": {"dash": "dash", "color": BAD, "width": 2}}
    if vertical:
        line.update(xref="x", yref="paper", x0=target, x1=target, y0=0, y1=1)
    else:
        line.update(xref="paper", yref="y", x0=0, x1=1, y0=target, y1=target)
    return line


LABEL_WIDTH = 38  # characters of a bar's label before it is shortened (the full text is in the hover)


def short_label(text: str, width: int = LABEL_WIDTH) -> str:
    """A long label cut at a word boundary with an ellipsis, so the axis does not squash the plot."""
    if len(text) <= width:
        return text
    cut = text[: width - 1].rsplit(" ", 1)[0] if " " in text[: width - 1] else text[: width - 1]
    return cut.rstrip(" ,;:-–") + "…"


def _short_labels(labels: list[str], width: int = LABEL_WIDTH) -> list[str]:
    """Shortened labels, each still unique (Plotly merges equal categories)."""
    shown: list[str] = []
    for label in labels:
        short = short_label(label, width)
        shown.append(label if short in shown else short)
    return shown


def _bar_height(count: int) -> int:
    return max(220, 40 + 28 * count)


def rate_over_time(
    periods: list[str],
    rates: list[float | None],
    ns: list[int],
    target: float | None,
    *,
    marked: list[bool] | None = None,
    marked_label: str = "",
) -> str:
    """Line of the satisfaction rate per period; withheld periods are gaps.

    `marked` periods (a new unit's predecessors' history before its reorganisation) are drawn as a
    separate dashed grey series over a shaded band, named `marked_label` in the legend; the two series
    are not joined.
    """
    marked = marked or [False] * len(periods)
    trace = {
        "type": "scatter",
        "x": periods,
        "y": [None if m else r for r, m in zip(rates, marked, strict=True)],
        "mode": "lines+markers",
        "name": _("Satisfaction rate"),
        "line": {"color": BRAND, "width": 3},
        "customdata": ns,
        "hovertemplate": "%{x}: %{y:.1f}% (n = %{customdata:,})<extra></extra>",
        "connectgaps": False,
    }
    traces = [trace]
    shapes: list[dict] = []
    annotations: list[dict] = []
    if any(marked):
        traces.insert(
            0,
            {
                "type": "scatter",
                "x": periods,
                "y": [r if m else None for r, m in zip(rates, marked, strict=True)],
                "mode": "lines+markers",
                "name": marked_label,
                "line": {"color": GREY, "width": 3, "dash": "dash"},
                "marker": {"symbol": "circle-open", "size": 8},
                "customdata": ns,
                "hovertemplate": marked_label + " · %{x}: %{y:.1f}% (n = %{customdata:,})<extra></extra>",
                "connectgaps": False,
            },
        )
        first, last, band = history_band(marked)
        shapes.append(band)
        annotations.append(
            {
                "xref": "x",
                "yref": "paper",
                "x": (first + last) / 2,
                "y": 1,
                "yanchor": "top",
                "showarrow": False,
                "text": marked_label,
                "font": {"color": "#52606d", "size": 12},
            }
        )
    layout = _layout(
        yaxis=_axis(_("Satisfaction rate (%)"), range=[0, 101]),
        xaxis=_axis("", type="category"),
        showlegend=any(marked),
    )
    if target is not None:
        shapes.append(_target_line(target, vertical=False))
        annotations.append(
            {
                "xref": "paper",
                "x": 1,
                "y": target,
                "yanchor": "bottom",
                "xanchor": "right",
                "showarrow": False,
                "text": _("Target"),
                "font": {"color": BAD},
            }
        )
    if shapes:
        layout["shapes"] = shapes
    if annotations:
        layout["annotations"] = annotations
    return _figure(traces, layout)


def rate_bars(
    labels: list[str],
    rates: list[float | None],
    ns: list[int],
    target: float | None,
    links: list[str] | None = None,
) -> str:
    """Horizontal bars of rates; below-target bars red, withheld ones labelled "not enough sample".

    With `links`, a click on a bar opens that bar's page (dashboards.js follows customdata[2]).
    """
    colours = [GREY if r is None else (BAD if target is not None and r < target else BRAND) for r in rates]
    shown = _short_labels(labels)
    targets = links or [""] * len(labels)
    trace = {
        "type": "bar",
        "orientation": "h",
        "y": shown,
        "x": [0 if r is None else r for r in rates],
        "marker": {"color": colours},
        "customdata": [[label, n, link] for label, n, link in zip(labels, ns, targets, strict=True)],
        "hovertemplate": "%{customdata[0]}: %{x:.1f}% (n = %{customdata[1]:,})<extra></extra>",
    }
    layout = _layout(
        xaxis=_axis(_("Satisfaction rate (%)"), range=[0, 105]),
        yaxis=_axis("", autorange="reversed", type="category"),
        height=_bar_height(len(labels)),
        margin={"l": 10, "r": 20, "t": 10, "b": 50},
        annotations=_withheld_annotations(shown, rates),
        showlegend=False,
    )
    if target is not None:
        layout["shapes"] = [_target_line(target, vertical=True)]
    return _figure([trace], layout)


def _whole_ticks(counts: list[int]) -> dict:
    """Axis settings for counts: whole-number labels, one tick per unit while the counts are small."""
    ticks: dict = {"tickformat": ",d"}
    if max(counts, default=0) <= 5:
        ticks.update(tick0=0, dtick=1)
    return ticks


def value_bars(
    labels: list[str], values: list[float | None], axis_title: str, horizontal: bool = True
) -> str:
    """Plain bars (counts, indices); withheld values labelled "not enough sample"."""
    colours = [GREY if v is None else BRAND for v in values]
    drawn = [0 if v is None else v for v in values]
    full = labels
    # counts are whole: no 0.2 or 0.4 on the axis of a handful of late dossiers
    whole = _whole_ticks(drawn) if all(isinstance(v, int) for v in drawn) else {}
    if horizontal:
        labels = _short_labels(labels)
        trace = {
            "type": "bar",
            "orientation": "h",
            "y": labels,
            "x": drawn,
            "marker": {"color": colours},
            "customdata": full,
            "hovertemplate": "%{customdata}: %{x:,}<extra></extra>",
        }
        layout = _layout(
            xaxis=_axis(axis_title, **whole),
            yaxis=_axis("", autorange="reversed", type="category"),
            height=_bar_height(len(labels)),
            margin={"l": 10, "r": 20, "t": 10, "b": 50},
        )
    else:
        labels = [_wrap(label, 16) for label in _short_labels(labels, 32)]
        trace = {
            "type": "bar",
            "x": labels,
            "y": drawn,
            "marker": {"color": colours},
            "customdata": full,
            "hovertemplate": "%{customdata}: %{y:,}<extra></extra>",
        }
        layout = _layout(yaxis=_axis(axis_title, **whole), xaxis=_axis("", type="category"))
    layout["annotations"] = _withheld_annotations(labels, values, horizontal)
    layout["showlegend"] = False
    return _figure([trace], layout)


def interval_bars(
    labels: list[str],
    values: list[float | None],
    lows: list[float | None],
    highs: list[float | None],
    axis_title: str,
) -> str:
    """Index bars with their 95% intervals as error bars; long labels shortened, in full on hover."""
    full = labels
    labels = _short_labels(labels)
    plus = [None if v is None or h is None else h - v for v, h in zip(values, highs, strict=True)]
    minus = [None if v is None or lo is None else v - lo for v, lo in zip(values, lows, strict=True)]
    trace = {
        "type": "bar",
        "orientation": "h",
        "y": labels,
        "x": [0 if v is None else v for v in values],
        "marker": {"color": [GREY if v is None else BRAND for v in values]},
        "error_x": {"type": "data", "array": plus, "arrayminus": minus, "color": "#1f2933"},
        "customdata": full,
        "hovertemplate": "%{customdata}: %{x:.2f}<extra></extra>",
    }
    layout = _layout(
        xaxis=_axis(axis_title, range=[0, 105]),
        yaxis=_axis("", autorange="reversed", type="category"),
        height=_bar_height(len(labels)),
        margin={"l": 10, "r": 20, "t": 10, "b": 50},
        annotations=_withheld_annotations(labels, values),
        showlegend=False,
    )
    return _figure([trace], layout)


def _level_colours(count: int) -> list[str]:
    """Green for the satisfied end, red for the dissatisfied end, whatever the number of levels."""
    if count == 3:
        return [LEVEL_COLOURS[0], LEVEL_COLOURS[1], LEVEL_COLOURS[4]]
    if count == 2:
        return [GOOD, BAD]
    return [LEVEL_COLOURS[i % len(LEVEL_COLOURS)] for i in range(count)]


def stacked_shares(categories: list[str], series: list[tuple[str, list[float | None]]]) -> str:
    """100% stacked horizontal bars: the share of each level per category."""
    colours = _level_colours(len(series))
    shown = _short_labels(categories)
    traces = [
        {
            "type": "bar",
            "orientation": "h",
            "y": shown,
            "x": [0 if v is None else v for v in values],
            "name": name,
            "marker": {"color": colours[i]},
            "customdata": categories,
            "hovertemplate": "%{customdata}<br>" + name + ": %{x:.1f}%<extra></extra>",
        }
        for i, (name, values) in enumerate(series)
    ]
    layout = _layout(
        barmode="stack",
        xaxis=_axis(_("Share (%)"), range=[0, 100]),
        yaxis=_axis("", autorange="reversed", type="category"),
        height=max(200, 110 + 32 * len(categories)),
        margin={"l": 10, "r": 20, "t": 40, "b": 50},
        legend={"orientation": "h", "y": 1.02, "yanchor": "bottom", "traceorder": "normal"},
    )
    return _figure(traces, layout)


HEATMAP_SCALE = [[0.0, "#d73027"], [0.25, "#fc8d59"], [0.5, "#fee090"], [0.75, "#91bfdb"], [1.0, "#4575b4"]]


def heatmap(z: list[list[float | None]], x: list[str], y: list[str], label: str) -> str:
    """Weekday × hour heatmap; withheld cells are blank."""
    trace = {
        "type": "heatmap",
        "z": z,
        "x": x,
        "y": y,
        # Spelled out: plotly.js has no "RdYlGn" and fell back to RdBu, red at 100%. Red (low) to blue
        # (high) through yellow, ColorBrewer's RdYlBu, reads for colour-blind eyes too.
        "colorscale": HEATMAP_SCALE,
        "zmin": 50,
        "zmax": 100,
        "hoverongaps": False,
        "colorbar": {"title": {"text": label}},
        "hovertemplate": "%{y} %{x}: %{z:.1f}%<extra></extra>",
    }
    layout = _layout(
        xaxis=_axis(_("Hour"), type="category"), yaxis=_axis("", autorange="reversed", type="category")
    )
    return _figure([trace], layout)


def lines(x: list[str], series: list[tuple[str, list[float | None]]], axis_title: str) -> str:
    """Several lines over categories (e.g. index across campaigns)."""
    traces = [
        {
            "type": "scatter",
            "x": x,
            "y": values,
            "name": name,
            "mode": "lines+markers",
            "line": {"color": BRAND, "width": 3},
            "hovertemplate": name + ": %{y:.2f}<extra></extra>",
        }
        for name, values in series
    ]
    layout = _layout(yaxis=_axis(axis_title), xaxis=_axis("", type="category"), showlegend=len(series) > 1)
    return _figure(traces, layout)


SERIES_COLOURS = [BRAND, "#8e44ad", GOOD, "#ef6c00"]


def series_trend(
    x: list[str],
    values: list[float | None],
    ns: list[int],
    groups: list[str],
    axis_title: str,
    *,
    marked: list[bool] | None = None,
    marked_label: str = "",
    break_label: str = "",
) -> str:
    """Values over categories as one line per group (e.g. per measurement method), never joined.

    Where the group changes from one category to the next a dotted vertical line marks the break,
    labelled `break_label`. `marked` points (a reorganised unit's predecessors' history) form their
    own dashed grey series of their group, named with `marked_label`, over a shaded band.
    """
    marked = marked or [False] * len(x)
    order = list(dict.fromkeys(groups))
    traces = []
    for colour_index, group in enumerate(order):
        for before in (True, False):
            keep = [g == group and m == before for g, m in zip(groups, marked, strict=True)]
            if not any(keep):
                continue
            name = f"{group} · {marked_label}" if before else group
            colour = GREY if before else SERIES_COLOURS[colour_index % len(SERIES_COLOURS)]
            line = {"color": colour, "width": 3} | ({"dash": "dash"} if before else {})
            traces.append(
                {
                    "type": "scatter",
                    "x": x,
                    "y": [v if k else None for v, k in zip(values, keep, strict=True)],
                    "name": name,
                    "mode": "lines+markers",
                    "line": line,
                    "marker": {"symbol": "circle-open" if before else "circle", "size": 8},
                    "customdata": ns,
                    "hovertemplate": name + " · %{x}: %{y:.2f} (n = %{customdata:,})<extra></extra>",
                    "connectgaps": False,
                }
            )
    shapes: list[dict] = []
    annotations: list[dict] = []
    if any(marked):
        shapes.append(history_band(marked)[2])
    for i in range(1, len(groups)):
        if groups[i] != groups[i - 1]:
            shapes.append(
                {
                    "type": "line",
                    "xref": "x",
                    "yref": "paper",
                    "x0": i - 0.5,
                    "x1": i - 0.5,
                    "y0": 0,
                    "y1": 1,
                    "line": {"color": BAD, "width": 2, "dash": "dot"},
                }
            )
            annotations.append(
                {
                    "xref": "x",
                    "yref": "paper",
                    "x": i - 0.5,
                    "y": 1,
                    "yanchor": "top",
                    "xanchor": "left",
                    "showarrow": False,
                    "text": break_label,
                    "font": {"color": BAD, "size": 12},
                }
            )
    layout = _layout(
        yaxis=_axis(axis_title, range=[0, 101]),
        xaxis=_axis("", type="category"),
        showlegend=len(traces) > 1,
    )
    if shapes:
        layout["shapes"] = shapes
    if annotations:
        layout["annotations"] = annotations
    return _figure(traces, layout)


def _wrap(text: str, width: int) -> str:
    """Break a long label into lines (Plotly draws <br> as a line break)."""
    lines_out, current = [], ""
    for word in text.split():
        if current and len(current) + 1 + len(word) > width:
            lines_out.append(current)
            current = word
        else:
            current = f"{current} {word}".strip()
    lines_out.append(current)
    return "<br>".join(lines_out)


def grouped_bars(categories: list[str], series: list[tuple[str, list[float | None]]], axis_title: str) -> str:
    """Grouped vertical bars (e.g. conferences held vs required)."""
    colours = [BRAND, GREY, GOOD, BAD]
    shown = [_wrap(label, 16) for label in _short_labels(categories, 32)]  # long unit names on 2–3 lines
    traces = [
        {
            "type": "bar",
            "x": shown,
            "y": values,
            "name": name,
            "marker": {"color": colours[i % len(colours)]},
            "customdata": categories,
            "hovertemplate": "%{customdata}<br>" + name + ": %{y:,}<extra></extra>",
        }
        for i, (name, values) in enumerate(series)
    ]
    # whole numbers on a count axis: no "0,5 conference"
    highest = max((v for _name, values in series for v in values if v is not None), default=0)
    counts = _axis(axis_title, rangemode="tozero", **({"dtick": 1} if highest <= 8 else {}))
    layout = _layout(barmode="group", yaxis=counts, xaxis=_axis("", type="category"))
    return _figure(traces, layout)
