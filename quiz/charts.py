"""Server-rendered SVG charts for the results pages.

No scripts, no ``<style>`` and no ``style=`` (the Content-Security-Policy forbids
inline styles): presentation attributes only. Each chart is an image with a
<title> and a <desc> that a screen reader reads (``role="img"`` and
``aria-labelledby``), scales with its container (a viewBox and ``width="100%"``),
draws on its own white background with dark text (contrast far above 4.5:1),
and writes every number beside its bar.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

from markupsafe import Markup, escape

WIDTH = 640  # histogram; bar charts are narrower, so their text stays large on a phone
BAR_WIDTH = 480
BACKGROUND = "#ffffff"
TEXT = "#1a1a1a"  # 17.4:1 on white
MUTED = "#4d4d4d"  # 8.5:1 on white
BAR = "#1f5f99"  # 6.9:1 on white: bars stand out too
AXIS = "#595959"
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"
MAX_LABEL = 52  # characters drawn; the full label is in the description

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
    in the nearest end bin. Each bar is labelled "0–10%" etc. with its count above."""
    if bins < 1:
        raise ValueError("bins must be at least 1")
    if not hi > lo:
        raise ValueError("hi must be greater than lo")
    counts = bin_counts(values, bins=bins, lo=lo, hi=hi)
    labels = bin_labels(bins=bins, lo=lo, hi=hi)
    top, bottom, left, right = 36, 56, 16, 16
    plot_h = 200
    height = top + plot_h + bottom
    slot = (WIDTH - left - right) / bins
    peak = max(counts) or 1
    font = 13 if bins <= 10 else max(7, int(130 / bins))
    parts = []
    for n, (label, count) in enumerate(zip(labels, counts, strict=True)):
        x = left + n * slot
        h = plot_h * count / peak
        y = top + plot_h - h
        cx = x + slot / 2
        if count:
            parts.append(
                f'<rect x="{_n(x + 3)}" y="{_n(y)}" width="{_n(slot - 6)}" '
                f'height="{_n(h)}" fill="{BAR}"/>'
            )
        parts.append(
            f'<text x="{_n(cx)}" y="{_n(y - 6)}" text-anchor="middle" '
            f'font-size="15" font-weight="bold" fill="{TEXT}">{count}</text>'
        )
        parts.append(
            f'<text x="{_n(cx)}" y="{top + plot_h + 20}" text-anchor="middle" '
            f'font-size="{font}" fill="{TEXT}">{escape(label)}</text>'
        )
    base = top + plot_h
    parts.append(
        f'<line x1="{left}" y1="{base}" x2="{WIDTH - right}" y2="{base}" '
        f'stroke="{AXIS}" stroke-width="1"/>'
    )
    total = sum(counts)
    parts.append(
        f'<text x="{WIDTH / 2:g}" y="{height - 10}" text-anchor="middle" font-size="13" '
        f'fill="{MUTED}">Number of attempts by score ({total} in all)</text>'
    )
    desc = f"{total} attempts. " + "; ".join(
        f"{label}: {count}" for label, count in zip(labels, counts, strict=True)
    )
    return _svg(id_prefix, title, desc, WIDTH, height, parts)


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
    left, right, top, row_h, bar_h = 16, 80, 12, 52, 20
    plot_w = BAR_WIDTH - left - right
    height = top + row_h * max(1, len(items)) + 8
    parts = []
    described = []
    for n, (label, value) in enumerate(items):
        y = top + n * row_h
        shown = label if len(label) <= MAX_LABEL else label[: MAX_LABEL - 1] + "…"
        parts.append(
            f'<text x="{left}" y="{y + 16}" font-size="15" fill="{TEXT}">{escape(shown)}</text>'
        )
        bar_y = y + 24
        parts.append(
            f'<rect x="{left}" y="{bar_y}" width="{plot_w}" height="{bar_h}" '
            f'fill="none" stroke="{AXIS}" stroke-width="1"/>'
        )
        if value is None:
            text, text_x = "no data", left + 8  # inside the empty frame
        else:
            w = plot_w * min(1.0, max(0.0, value / max_value))
            if w > 0:
                parts.append(
                    f'<rect x="{left}" y="{bar_y}" width="{_n(w)}" height="{bar_h}" fill="{BAR}"/>'
                )
            text, text_x = f"{_fmt(value)}{unit}", left + plot_w + 8  # after the frame
        parts.append(
            f'<text x="{text_x}" y="{bar_y + 15}" font-size="15" font-weight="bold" '
            f'fill="{TEXT}">{escape(text)}</text>'
        )
        described.append(f"{label}: {text}")
    if not items:
        parts.append(
            f'<text x="{BAR_WIDTH / 2:g}" y="{top + 30}" text-anchor="middle" font-size="15" '
            f'fill="{TEXT}">No data</text>'
        )
    desc = "; ".join(described) if described else "No data"
    return _svg(id_prefix, title, desc, BAR_WIDTH, height, parts)


def _svg(
    id_prefix: str, title: str, desc: str, width: int, height: int, parts: list[str]
) -> Markup:
    if not _ID.match(id_prefix):
        raise ValueError(f"id_prefix {id_prefix!r}: letters, digits, - and _ only")
    t_id, d_id = f"{id_prefix}-title", f"{id_prefix}-desc"
    body = "".join(parts)
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="100%" role="img" aria-labelledby="{t_id} {d_id}" '
        f'font-family="{FONT}" class="chart">'
        f'<title id="{t_id}">{escape(title)}</title><desc id="{d_id}">{escape(desc)}</desc>'
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="{BACKGROUND}"/>'
        f"{body}</svg>"
    )


def _n(v: float) -> str:
    """A coordinate, short."""
    return f"{v:.1f}".rstrip("0").rstrip(".")


def _fmt(v: float) -> str:
    """A number as people read it: 72.5, 73, 10 (one decimal at most)."""
    r = round(v, 1)
    return f"{r:.0f}" if r == int(r) else f"{r:.1f}"
