"""SVG charts: accessible, no inline styles, every label escaped, numbers shown."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from markupsafe import Markup

from quiz.reports.charts import (
    MAX_LABEL,
    MIN_FONT,
    bar_chart,
    bin_counts,
    bin_labels,
    histogram,
    histogram_of_counts,
)

NS = "{http://www.w3.org/2000/svg}"


def parse(svg: Markup) -> ET.Element:
    assert isinstance(svg, Markup)
    root = ET.fromstring(str(svg))
    assert root.tag == f"{NS}svg"
    return root


def texts(root: ET.Element) -> list[str]:
    return [t.text or "" for t in root.iter(f"{NS}text")]


def counts_shown(root: ET.Element) -> list[str]:
    """The bold numbers above a histogram's bars."""
    return [t.text or "" for t in root.iter(f"{NS}text") if t.get("font-weight") == "bold"]


def pct(value: str | None) -> float:
    """A horizontal length, written in percent of the chart's width."""
    assert value is not None and value.endswith("%"), value
    return float(value[:-1])


def check_accessible(root: ET.Element, prefix: str, title: str) -> str:
    """role, <title> and <desc> with unique ids named by aria-labelledby; returns desc."""
    assert root.get("role") == "img"
    # The width of its container, no viewBox: text is drawn in CSS pixels, never scaled.
    assert root.get("width") == "100%" and int(root.get("height", "")) > 0
    assert root.get("viewBox") is None
    for text in root.iter(f"{NS}text"):
        assert int(text.get("font-size", "0")) >= MIN_FONT >= 12
    assert root.get("aria-labelledby") == f"{prefix}-title {prefix}-desc"
    found_title = root.find(f"{NS}title")
    found_desc = root.find(f"{NS}desc")
    assert found_title is not None and found_desc is not None
    assert found_title.get("id") == f"{prefix}-title" and found_title.text == title
    assert found_desc.get("id") == f"{prefix}-desc"
    ids = [e.get("id") for e in root.iter() if e.get("id")]
    assert len(ids) == len(set(ids))
    for element in root.iter():
        assert "style" not in element.attrib
        assert element.tag not in (f"{NS}style", f"{NS}script", f"{NS}foreignObject")
    return found_desc.text or ""


def test_histogram_counts_bins_including_100():
    values = [0, 5, 9.99, 10, 55, 99.9, 100, 100]
    assert bin_counts(values) == [3, 1, 0, 0, 0, 1, 0, 0, 0, 3]
    assert bin_labels()[0] == "0–10%" and bin_labels()[-1] == "90–100%"
    root = parse(histogram(values, title="Scores", id_prefix="scores"))
    desc = check_accessible(root, "scores", "Scores")
    assert "0–10%: 3" in desc and "90–100%: 3" in desc and desc.startswith("8 attempts")
    bars = [r for r in root.iter(f"{NS}rect") if r.get("fill") == "#1f5f99"]
    assert len(bars) == 4  # empty bins draw no bar
    # The axis is labelled at the edges of the bins.
    axis = [t.text for t in root.iter(f"{NS}text") if t.get("font-weight") != "bold"]
    assert axis == ["0", "20", "40", "60", "80", "100", "Score (%) · 8 attempts"]
    # Every bin's count is written: 3 1 0 0 0 1 0 0 0 3.
    assert counts_shown(root) == ["3", "1", "0", "0", "0", "1", "0", "0", "0", "3"]
    # Bars in bin order, 3 1 1 3: the single ones a third as tall.
    heights = [float(b.get("height", 0)) for b in bars]
    assert heights == pytest.approx([160, 160 / 3, 160 / 3, 160], abs=0.1)
    # Across the width in percent: the first bar near the left edge, the last near the right.
    xs = [pct(b.get("x")) for b in bars]
    assert xs == sorted(xs) and xs[0] < 10 and xs[-1] + pct(bars[-1].get("width")) < 100


def test_a_histogram_of_counts_binned_once_is_the_same_chart():
    """The results page bins the scores once (its table under the chart and the
    chart share the counts): drawing from those counts gives the same SVG."""
    values = [0, 5, 9.99, 10, 55, 99.9, 100, 100]
    counts = bin_counts(values)
    once = histogram_of_counts(counts, title="Scores", id_prefix="scores")
    assert once == histogram(values, title="Scores", id_prefix="scores")
    assert counts_shown(parse(once)) == [str(c) for c in counts]
    with pytest.raises(ValueError):
        histogram_of_counts([], title="x", id_prefix="h")


def test_histogram_other_bins_and_out_of_range():
    assert bin_counts([-5, 0, 50, 100, 120], bins=4) == [2, 0, 1, 2]
    assert bin_labels(bins=4) == ["0–25%", "25–50%", "50–75%", "75–100%"]
    assert bin_labels(bins=3) == ["0–33.3%", "33.3–66.7%", "66.7–100%"]
    root = parse(histogram([], bins=5, title="None yet", id_prefix="h0"))
    assert counts_shown(root) == ["0"] * 5
    # Many bins: no more than MAX_TICKS axis labels, so they never overlap.
    root = parse(histogram([50], bins=40, title="Fine", id_prefix="h40"))
    check_accessible(root, "h40", "Fine")
    axis = [t for t in root.iter(f"{NS}text") if t.get("font-weight") != "bold"]
    assert 2 <= len(axis) - 1 <= 6 and axis[0].text == "0" and axis[-2].text == "100"
    assert axis[-1].text == "Score (%) · 1 attempt"
    with pytest.raises(ValueError):
        histogram([1], bins=0, title="x", id_prefix="h")
    with pytest.raises(ValueError):
        histogram([1], lo=10, hi=10, title="x", id_prefix="h")


def test_bar_chart_labels_values_and_no_data():
    items = [("Evaluate percentage claims", 72.5), ("Spot missing baselines", None), ("Zero", 0.0)]
    root = parse(bar_chart(items, title="Mastery by skill", id_prefix="mastery-1"))
    desc = check_accessible(root, "mastery-1", "Mastery by skill")
    assert "Evaluate percentage claims: 72.5%" in desc and "Spot missing baselines: no data" in desc
    shown = texts(root)
    for label, _value in items:
        assert label in shown
    assert "72.5%" in shown and "no data" in shown and "0%" in shown
    filled = [r for r in root.iter(f"{NS}rect") if r.get("fill") == "#1f5f99"]
    assert len(filled) == 1  # 0 and None draw no filled bar
    frames = [r for r in root.iter(f"{NS}rect") if r.get("fill") == "none"]
    assert len(frames) == 3
    assert pct(filled[0].get("width")) == pytest.approx(0.725 * pct(frames[0].get("width")))


def test_bar_chart_scale_and_unit():
    root = parse(
        bar_chart([("a", 3), ("b", 12)], title="t", id_prefix="b", max_value=6, unit=" pts")
    )
    filled = [r for r in root.iter(f"{NS}rect") if r.get("fill") == "#1f5f99"]
    frame = next(r for r in root.iter(f"{NS}rect") if r.get("fill") == "none")
    widths = [pct(r.get("width")) for r in filled]
    assert widths == pytest.approx([pct(frame.get("width")) / 2, pct(frame.get("width"))])
    assert "3 pts" in texts(root) and "12 pts" in texts(root)  # over the scale: full bar
    root = parse(bar_chart([], title="Nothing", id_prefix="empty"))
    assert check_accessible(root, "empty", "Nothing") == "No data"
    with pytest.raises(ValueError):
        bar_chart([("a", 1)], title="t", id_prefix="b", max_value=0)


def test_labels_and_titles_are_escaped():
    nasty = "<b>&"
    svg = bar_chart([(nasty, 50)], title='Skills "<i>"', id_prefix="esc")
    assert "<b>" not in str(svg) and "<i>" not in str(svg)
    assert "&lt;b&gt;&amp;" in str(svg)
    root = parse(svg)
    assert nasty in texts(root)
    assert check_accessible(root, "esc", 'Skills "<i>"') == "<b>&: 50%"
    root = parse(histogram([50], title=nasty, id_prefix="esc2"))
    assert root.find(f"{NS}title").text == nasty


def test_no_style_anywhere_and_bad_id_prefix_refused():
    for svg in (
        histogram([10, 20], title="a", id_prefix="a"),
        bar_chart([("x", 1)], title="b", id_prefix="b"),
    ):
        assert "style" not in str(svg).lower()
        assert "<script" not in str(svg).lower()
    for bad in ('x" onload="alert(1)', "1abc", "", "a b"):
        with pytest.raises(ValueError):
            bar_chart([("x", 1)], title="t", id_prefix=bad)


def test_long_labels_are_shortened_in_the_picture_not_the_description():
    long = "A skill with a very long name that goes on " * 3
    root = parse(bar_chart([(long, 10)], title="t", id_prefix="long"))
    drawn = next(t for t in texts(root) if t.startswith("A skill"))
    assert drawn.endswith("…") and len(drawn) <= MAX_LABEL
    assert long in (root.find(f"{NS}desc").text or "")
