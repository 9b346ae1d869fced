"""Server-rendered SVG charts for the results pages.

No scripts, no ``<style>`` and no ``style=`` (the Content-Security-Policy forbids
inline styles): presentation attributes only. Each chart is an image with a
<title> and a <desc> that a screen reader reads (``role="img"`` and
``aria-labelledby``), draws on its own white background with dark text (contrast
far above 4.5:1), and writes every number beside its bar.

The charts fill their container's width without a viewBox: horizontal positions
and widths are percentages of the chart's width, heights and font sizes are CSS
pixels. So the text never shrinks with the screen: it is ``MIN_FONT`` pixels or
more on a phone as on a projector (a viewBox would scale a 13-unit label on a
640-unit chart down to about 7 pixels on a 375-pixel phone).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

from markupsafe import Markup, escape

from quiz.domain.rendering import plural

MIN_FONT = 12  # CSS pixels: the smallest text any chart draws, at any width
BACKGROUND = "#ffffff"
TEXT = "#1a1a1a"  # 17.4:1 on white
MUTED = "#4d4d4d"  # 8.5:1 on white
BAR = "#1f5f99"  # 6.9:1 on white: bars stand out too
AXIS = "#595959"
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"
MAX_LABEL = 36  # characters drawn (about 260 px at 14 px); the full label is in the description
MAX_TICKS = 6  # axis labels under a histogram (0, 20, ... 100), apart even on a small phone

_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")


def histogram(
    values: Sequence[float],
    *,
    bins: int = 10,
    lo: float = 0,
    hi: float = 100,
    title: str,
    id_prefix: str,
) -> Markup:
    """Vertical bars counting ``values`` (percentages) in ``bins`` equal bins from
    ``lo`` to ``hi``; ``hi`` itself falls in the last bin, values outside the range
    in the nearest end bin. Each bar has its count above it; the axis is labelled at
    the bins' edges (0, 20, ... 100: at most ``MAX_TICKS`` labels), the description
    names each bin ("0–10%: 3")."""
    if bins < 1:
        raise ValueError("bins must be at least 1")
    if not hi > lo:
        raise ValueError("hi must be greater than lo")
    counts = bin_counts(values, bins=bins, lo=lo, hi=hi)
    return histogram_of_counts(counts, lo=lo, hi=hi, title=title, id_prefix=id_prefix)


def histogram_of_counts(
    counts: Sequence[int], *, lo: float = 0, hi: float = 100, title: str, id_prefix: str
) -> Markup:
    """``histogram`` of counts already binned (``bin_counts``): one bar per count, the
    bins equal from ``lo`` to ``hi``."""
    bins = len(counts)
    if bins < 1:
        raise ValueError("bins must be at least 1")
    if not hi > lo:
        raise ValueError("hi must be greater than lo")
    labels = bin_labels(bins=bins, lo=lo, hi=hi)
    top, plot_h, bottom = 30, 160, 52  # pixels
    height = top + plot_h + bottom
    left, right = 6.0, 6.0  # percent of the width: room for the end labels on a phone
    slot = (100.0 - left - right) / bins
    peak = max(counts) or 1
    base = top + plot_h
    parts = []
    for n, count in enumerate(counts):
        x = left + n * slot
        h = plot_h * count / peak
        y = base - h
        if count:
            parts.append(
                f'<rect x="{_p(x + slot * 0.1)}" y="{_n(y)}" width="{_p(slot * 0.8)}" '
                f'height="{_n(h)}" fill="{BAR}"/>'
            )
        parts.append(
            f'<text x="{_p(x + slot / 2)}" y="{_n(y - 6)}" text-anchor="middle" '
            f'font-size="14" font-weight="bold" fill="{TEXT}">{count}</text>'
        )
    parts.append(
        f'<line x1="{_p(left)}" y1="{base}" x2="{_p(100 - right)}" y2="{base}" '
        f'stroke="{AXIS}" stroke-width="1"/>'
    )
    step = math.ceil(bins / (MAX_TICKS - 1))  # label every step-th edge
    edges = (hi - lo) / bins
    for n in range(0, bins + 1, step):
        parts.append(
            f'<text x="{_p(left + n * slot)}" y="{base + 18}" text-anchor="middle" '
            f'font-size="13" fill="{TEXT}">{_fmt(lo + n * edges)}</text>'
        )
    total = sum(counts)
    parts.append(
        f'<text x="50%" y="{height - 10}" text-anchor="middle" font-size="13" '
        f'fill="{MUTED}">Score (%) · {plural(total, "attempt")}</text>'
    )
    desc = f"{total} attempts. " + "; ".join(
        f"{label}: {count}" for label, count in zip(labels, counts, strict=True)
    )
    return _svg(id_prefix, title, desc, height, parts)


def bin_counts(
    values: Sequence[float], *, bins: int = 10, lo: float = 0, hi: float = 100
) -> list[int]:
    """How many values fall in each bin; ``hi`` counts in the last bin."""
    width = (hi - lo) / bins
    counts = [0] * bins
    for v in values:
        if math.isnan(v):
            continue
        index = math.floor((v - lo) / width + 1e-9)
        counts[min(bins - 1, max(0, index))] += 1
    return counts


def bin_labels(*, bins: int = 10, lo: float = 0, hi: float = 100) -> list[str]:
    width = (hi - lo) / bins
    return [f"{_fmt(lo + n * width)}–{_fmt(lo + (n + 1) * width)}%" for n in range(bins)]


def bar_chart(
    items: Sequence[tuple[str, float | None]],
    *,
    title: str,
    id_prefix: str,
    max_value: float = 100,
    unit: str = "%",
) -> Markup:
    """Horizontal bars, one per (label, value), the label above its bar and the
    value written after it; ``None`` shows "no data"."""
    if not max_value > 0:
        raise ValueError("max_value must be positive")
    left, top, row_h, bar_h = 4, 12, 52, 20  # pixels
    frame = 74.0  # percent of the width; the value is written after it
    height = top + row_h * max(1, len(items)) + 8
    parts = []
    described = []
    for n, (label, value) in enumerate(items):
        y = top + n * row_h
        shown = label if len(label) <= MAX_LABEL else label[: MAX_LABEL - 1] + "…"
        parts.append(
            f'<text x="{left}" y="{y + 16}" font-size="14" fill="{TEXT}">{escape(shown)}</text>'
        )
        bar_y = y + 24
        parts.append(
            f'<rect x="{left}" y="{bar_y}" width="{_p(frame)}" height="{bar_h}" '
            f'fill="none" stroke="{AXIS}" stroke-width="1"/>'
        )
        if value is None:
            text, text_x = "no data", str(left + 8)  # inside the empty frame
        else:
            w = frame * min(1.0, max(0.0, value / max_value))
            if w > 0:
                parts.append(
                    f'<rect x="{left}" y="{bar_y}" width="{_p(w)}" height="{bar_h}" fill="{BAR}"/>'
                )
            text, text_x = f"{_fmt(value)}{unit}", _p(frame + 4)  # after the frame
        parts.append(
            f'<text x="{text_x}" y="{bar_y + 15}" font-size="14" font-weight="bold" '
            f'fill="{TEXT}">{escape(text)}</text>'
        )
        described.append(f"{label}: {text}")
    if not items:
        parts.append(
            f'<text x="50%" y="{top + 30}" text-anchor="middle" font-size="14" '
            f'fill="{TEXT}">No data</text>'
        )
    desc = "; ".join(described) if described else "No data"
    return _svg(id_prefix, title, desc, height, parts)


POINT = "#1f5f99"  # the students' points (6.9:1 on white)
CENTRE = "#a4121c"  # the class's centre (7.4:1 on white)
C_RANGE = (-2.5, 2.5)  # response bias c drawn (beyond: at the edge)
D_RANGE = (-1.0, 4.0)  # discernment d' drawn (beyond: at the edge)


def discernment_scatter(
    points: Sequence[tuple[str, float, float]],
    centre: tuple[float, float] | None,
    *,
    title: str,
    id_prefix: str,
) -> Markup:
    """Each student a point: discernment d' (up) against response bias c (across),
    labelled with ``label`` (a row number of the table beside the chart); the class's
    centre (mean d', mean c) a red diamond. Values beyond the drawn range sit at its
    edge. The description gives every point's numbers."""
    (clo, chi), (dlo, dhi) = C_RANGE, D_RANGE
    top, plot_h, bottom = 34, 240, 64  # pixels
    left, right = 12.0, 4.0  # percent of the width
    height = top + plot_h + bottom
    base = top + plot_h

    def x(c: float) -> float:
        c = min(chi, max(clo, c))
        return left + (100 - left - right) * (c - clo) / (chi - clo)

    def y(d: float) -> float:
        d = min(dhi, max(dlo, d))
        return base - plot_h * (d - dlo) / (dhi - dlo)

    parts = [
        f'<rect x="{_p(left)}" y="{top}" width="{_p(100 - left - right)}" height="{plot_h}" '
        f'fill="none" stroke="{AXIS}" stroke-width="1"/>'
    ]
    for d_tick in range(int(dlo), int(dhi) + 1):
        parts.append(
            f'<text x="{_p(left - 1.5)}" y="{_n(y(d_tick) + 4)}" text-anchor="end" '
            f'font-size="13" fill="{TEXT}">{d_tick}</text>'
        )
    for c_tick in range(math.ceil(clo), math.floor(chi) + 1):
        parts.append(
            f'<text x="{_p(x(c_tick))}" y="{base + 18}" text-anchor="middle" font-size="13" '
            f'fill="{TEXT}">{c_tick}</text>'
        )
    # d' = 0: no discernment; c = 0: no lean either way
    parts.append(
        f'<line x1="{_p(left)}" y1="{_n(y(0))}" x2="{_p(100 - right)}" y2="{_n(y(0))}" '
        f'stroke="{AXIS}" stroke-width="1" stroke-dasharray="4 3"/>'
    )
    parts.append(
        f'<line x1="{_p(x(0))}" y1="{top}" x2="{_p(x(0))}" y2="{base}" '
        f'stroke="{AXIS}" stroke-width="1" stroke-dasharray="4 3"/>'
    )
    parts.append(
        f'<text x="{_p(100 - right - 1)}" y="{_n(y(0) + 16)}" text-anchor="end" font-size="12" '
        f'fill="{MUTED}">no discernment</text>'
    )
    parts.append(
        f'<text x="{_p(left + 1)}" y="{top + 16}" font-size="12" fill="{MUTED}">'
        "← rejects too much</text>"
    )
    parts.append(
        f'<text x="{_p(100 - right - 1)}" y="{top + 16}" text-anchor="end" font-size="12" '
        f'fill="{MUTED}">accepts too much →</text>'
    )
    described = []
    together: dict[tuple[float, float], list[str]] = {}  # points drawn on one another
    for label, d, c in points:
        together.setdefault((round(d, 1), round(c, 1)), []).append(label)
    drawn: set[tuple[float, float]] = set()
    for label, d, c in points:
        key = (round(d, 1), round(c, 1))
        described.append(f"{label}: d′ {d:.2f}, c {c:.2f}")
        if key in drawn:
            continue
        drawn.add(key)
        label = ", ".join(together[key])
        px, py = x(c), y(d)
        parts.append(
            f'<circle cx="{_p(px)}" cy="{_n(py)}" r="6" fill="{POINT}" fill-opacity="0.8" '
            f'stroke="{BACKGROUND}" stroke-width="1"/>'
        )
        parts.append(
            f'<text x="{_p(px + 1.4)}" y="{_n(py - 7)}" font-size="12" fill="{TEXT}">'
            f"{escape(label)}</text>"
        )
    if centre is not None:
        d, c = centre
        cx, cy = x(c), y(d)
        parts.append(
            f'<svg x="{_p(cx)}" y="{_n(cy)}" overflow="visible">'
            f'<polygon points="0,-9 9,0 0,9 -9,0" fill="{CENTRE}" stroke="{BACKGROUND}"/></svg>'
        )
        parts.append(
            f'<text x="{_p(cx + 1.6)}" y="{_n(cy + 18)}" font-size="13" font-weight="bold" '
            f'fill="{CENTRE}">class</text>'
        )
        described.append(f"class centre: d′ {d:.2f}, c {c:.2f}")
    if not points:
        parts.append(
            f'<text x="50%" y="{top + plot_h / 2}" text-anchor="middle" font-size="14" '
            f'fill="{TEXT}">No judgements yet</text>'
        )
    parts.append(
        f'<text x="{_p(left + (100 - left - right) / 2)}" y="{height - 22}" '
        f'text-anchor="middle" font-size="13" fill="{MUTED}">Across: response bias c</text>'
    )
    parts.append(
        f'<text x="{_p(left + (100 - left - right) / 2)}" y="{height - 6}" '
        f'text-anchor="middle" font-size="13" fill="{MUTED}">Up: discernment d′</text>'
    )
    desc = "; ".join(described) if described else "No judgements yet"
    return _svg(id_prefix, title, desc, height, parts)


def _svg(id_prefix: str, title: str, desc: str, height: int, parts: list[str]) -> Markup:
    if not _ID.match(id_prefix):
        raise ValueError(f"id_prefix {id_prefix!r}: letters, digits, - and _ only")
    t_id, d_id = f"{id_prefix}-title", f"{id_prefix}-desc"
    body = "".join(parts)
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" width="100%" height="{height}" '
        f'role="img" aria-labelledby="{t_id} {d_id}" '
        f'font-family="{FONT}" class="chart">'
        f'<title id="{t_id}">{escape(title)}</title><desc id="{d_id}">{escape(desc)}</desc>'
        f'<rect x="0" y="0" width="100%" height="100%" fill="{BACKGROUND}"/>'
        f"{body}</svg>"
    )


def _p(v: float) -> str:
    """A horizontal position or width, in percent of the chart's width."""
    return f"{v:.2f}".rstrip("0").rstrip(".") + "%"


def _n(v: float) -> str:
    """A coordinate, short."""
    return f"{v:.1f}".rstrip("0").rstrip(".")


def _fmt(v: float) -> str:
    """A number as people read it: 72.5, 73, 10 (one decimal at most)."""
    r = round(v, 1)
    return f"{r:.0f}" if r == int(r) else f"{r:.1f}"
