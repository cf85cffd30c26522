"""Small server-drawn SVG charts for the printable report and its PDF (no JavaScript needed there)."""

from __future__ import annotations

from markupsafe import Markup, escape

from survey_app.core.formatting import number

INK = "#1f2933"
BAR = "#0b5394"
BAD = "#c62828"
GRID = "#d0d7de"
MUTED = "#616e7c"


def _fmt(value: float, digits: int) -> str:
    return number(value, digits)


def hbars(
    labels: list[str],
    values: list[float | None],
    *,
    maximum: float | None = None,
    target: float | None = None,
    digits: int = 1,
    suffix: str = "",
    withheld: str = "",
    title: str = "",
) -> Markup:
    """Horizontal bars with their values written at the end; withheld values say so instead."""
    label_w, bar_w, row_h = 230, 330, 22
    top = 6
    height = top + row_h * len(labels) + 8
    width = label_w + bar_w + 90
    shown = [v for v in values if v is not None]
    scale_max = maximum or (max(shown) if shown else 1) or 1
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="svg-chart" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="{escape(title)}">'
    ]
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        y = top + i * row_h
        short = label if len(label) <= 38 else label[:36] + "…"
        parts.append(
            f'<text x="{label_w - 6}" y="{y + 15}" text-anchor="end" font-size="12" fill="{INK}">'
            f"{escape(short)}</text>"
        )
        if value is None:
            parts.append(
                f'<text x="{label_w + 4}" y="{y + 15}" font-size="12" font-style="italic" fill="{MUTED}">'
                f"{escape(withheld)}</text>"
            )
            continue
        length = max(1.0, bar_w * min(value, scale_max) / scale_max)
        colour = BAD if target is not None and value < target else BAR
        parts.append(f'<rect x="{label_w}" y="{y + 3}" width="{length:.1f}" height="15" fill="{colour}"/>')
        parts.append(
            f'<text x="{label_w + length + 4:.1f}" y="{y + 15}" font-size="12" fill="{INK}">'
            f"{escape(_fmt(value, digits))}{escape(suffix)}</text>"
        )
    if target is not None and scale_max:
        x = label_w + bar_w * min(target, scale_max) / scale_max
        parts.append(
            f'<line x1="{x:.1f}" y1="0" x2="{x:.1f}" y2="{height}" stroke="{BAD}" stroke-dasharray="4 3"/>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every label and value above went through escape()


def line(
    labels: list[str],
    values: list[float | None],
    *,
    target: float | None = None,
    title: str = "",
    marked: list[bool] | None = None,
    marked_label: str = "",
    groups: list[str] | None = None,
    break_label: str = "",
) -> Markup:
    """A 0–100 line over categories; gaps where a value is withheld.

    `marked` points (a new unit's predecessors' history) are drawn over a shaded band as a separate
    dashed grey line, labelled `marked_label`; it is not joined to the unit's own line. Points of
    different `groups` (e.g. measurement methods) are never joined either: a dotted red line marks
    each change, labelled `break_label`, and each group's name is written where it begins.
    """
    width, height, left, bottom, top = 640, 220, 40, 40, 10
    inner_w, inner_h = width - left - 10, height - top - bottom
    pad = 36 if len(labels) > 1 else 0  # keeps the first and last category labels inside the drawing
    step = (inner_w - 2 * pad) / max(1, len(labels) - 1) if len(labels) > 1 else 0
    marked = marked or [False] * len(labels)
    groups = groups or [""] * len(labels)

    def y_of(v: float) -> float:
        return top + inner_h * (1 - v / 100)

    def x_of(i: int) -> float:
        return left + (pad + i * step if len(labels) > 1 else inner_w / 2)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="svg-chart" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="{escape(title)}">'
    ]
    if any(marked):
        first = min(i for i, m in enumerate(marked) if m)
        last = max(i for i, m in enumerate(marked) if m)
        x0 = max(left, x_of(first) - step / 2)
        x1 = min(width - 10, x_of(last) + step / 2)
        parts.append(
            f'<rect class="before-reform" x="{x0:.1f}" y="{top}" width="{x1 - x0:.1f}" height="{inner_h}" '
            f'fill="#eef0f3"/>'
        )
        parts.append(
            f'<text x="{(x0 + x1) / 2:.1f}" y="{top + 12}" text-anchor="middle" font-size="11" '
            f'fill="{MUTED}">{escape(marked_label)}</text>'
        )
    for tick in (0, 25, 50, 75, 100):
        y = y_of(tick)
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - 10}" y2="{y:.1f}" stroke="{GRID}"/>')
        parts.append(f'<text x="{left - 4}" y="{y + 4:.1f}" text-anchor="end" font-size="11">{tick}</text>')
    if target is not None:
        y = y_of(target)
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{width - 10}" y2="{y:.1f}" '
            f'stroke="{BAD}" stroke-dasharray="4 3"/>'
        )
    for i, group in enumerate(groups):
        if group and (i == 0 or group != groups[i - 1]):
            x = x_of(i) if i == 0 else x_of(i) - step / 2
            if i > 0:
                parts.append(
                    f'<line class="method-break" x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{top + inner_h}" '
                    f'stroke="{BAD}" stroke-width="2" stroke-dasharray="2 3"/>'
                )
                parts.append(
                    f'<text x="{x + 3:.1f}" y="{top + inner_h - 4}" font-size="10" fill="{BAD}">'
                    f"{escape(break_label)}</text>"
                )
            parts.append(
                f'<text class="series-name" x="{x + 3:.1f}" y="{top + 26}" font-size="10" fill="{INK}">'
                f"{escape(group)}</text>"
            )
    segment: list[str] = []
    segment_marked = False
    segment_group = groups[0] if groups else ""

    def flush() -> None:
        if len(segment) > 1:
            style = f'stroke="{MUTED}" stroke-dasharray="6 4"' if segment_marked else f'stroke="{BAR}"'
            parts.append(f'<polyline fill="none" {style} stroke-width="2.5" points="{" ".join(segment)}"/>')
        segment.clear()

    every = max(1, len(labels) // 12)
    for i, (label, value, is_marked, group) in enumerate(zip(labels, values, marked, groups, strict=True)):
        x = x_of(i)
        if i % every == 0:
            parts.append(
                f'<text x="{x:.1f}" y="{height - bottom + 16}" text-anchor="middle" font-size="10">'
                f"{escape(label)}</text>"
            )
        if value is None or is_marked != segment_marked or group != segment_group:
            flush()
            segment_marked, segment_group = is_marked, group
            if value is None:
                continue
        segment.append(f"{x:.1f},{y_of(value):.1f}")
        colour = MUTED if is_marked else BAR
        parts.append(f'<circle cx="{x:.1f}" cy="{y_of(value):.1f}" r="3" fill="{colour}"/>')
    flush()
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every label and value above went through escape()
