"""Score the article drafter (quiz.drafting) on the hand-labelled set.

    .venv/bin/python bench/drafter.py [--data tests/data/drafting] [--per-article]

Prints one JSON line: sentence split accuracy, claim precision/recall/F1 (and
kind accuracy over matched claims), accuracy of each of the five checks over
matched claims (and false "missing" flags on the control article), voice
macro-F1 and accuracy, loaded-word precision/recall/F1, and the time to
annotate and draft a bank from a 1,500-word article. Labels: tests/data/drafting/README.md.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from _common import ROOT, emit, machine  # first: checks the modules, sets sys.path
from yaml import safe_load

from quiz.drafting import annotate, parse_article
from quiz.drafting.bankdraft import draft_bank_yaml
from quiz.drafting.checks import CHECKS

JSON_CHECK = {
    "baseline": "baseline_given",
    "period": "period_given",
    "definition": "definition_given",
    "denominator": "denominator_given",
    "source": "source_named",
}


def load(path: Path) -> dict[str, Any]:
    data = safe_load(path.read_text(encoding="utf-8"))
    title = data["title"]
    paragraphs = data["paragraphs"]
    text = title[2] + "\n\n" + "\n\n".join(" ".join(s[2] for s in p) for p in paragraphs)
    gold: dict[str, dict[str, Any]] = {
        "p0-s1": {"voice": title[0], "loaded": title[1], "text": title[2]}
    }
    for p, para in enumerate(paragraphs, 1):
        for i, (voice, loaded, sentence) in enumerate(para, 1):
            gold[f"p{p}-s{i}"] = {"voice": voice, "loaded": loaded, "text": sentence}
    return {"name": path.stem, "text": text, "sentences": gold, "claims": data.get("claims") or []}


def _span(sentence: str, part: str) -> tuple[int, int]:
    at = sentence.find(part)
    if at < 0:
        raise SystemExit(f"label span {part!r} is not in {sentence!r}")
    return at, at + len(part)


def _overlapping(gc: dict[str, Any], sentence: str, unmatched: list[dict[str, Any]]) -> Any:
    """The first predicted claim in the gold claim's sentence whose span overlaps it."""
    g0, g1 = _span(sentence, gc["span"])
    for pc in unmatched:
        if pc["sentence_id"] != gc["sentence"]:
            continue
        at = sentence.find(pc["text_span"])
        if at >= 0 and at < g1 and g0 < at + len(pc["text_span"]):
            return pc
    return None


def _f1(p: float, r: float) -> float:
    return round(2 * p * r / (p + r), 4) if p + r else 0.0


@dataclass
class _Tally:
    """The counts over the articles scored so far."""

    split_hit: int = 0
    split_total: int = 0
    claim_tp: int = 0
    claim_fp: int = 0
    claim_fn: int = 0
    kind_ok: int = 0
    check_ok: dict[str, int] = field(default_factory=lambda: dict.fromkeys(CHECKS, 0))
    check_n: int = 0
    control_false_missing: int = 0
    voice_pairs: list[tuple[str, str]] = field(default_factory=list)
    lw_tp: int = 0
    lw_fp: int = 0
    lw_fn: int = 0
    per_article: list[dict[str, Any]] = field(default_factory=list)

    def sentences(self, art: dict[str, Any], js: dict[str, Any]) -> None:
        """The split, each sentence's voice and its loaded words."""
        predicted = {s["id"]: s for s in js["sentences"]}
        gold = art["sentences"]
        # split: a gold sentence counts when one predicted sentence has exactly its text
        texts = {s["text"] for s in js["sentences"]}
        self.split_hit += sum(1 for g in gold.values() if g["text"] in texts)
        self.split_total += max(len(gold), len(js["sentences"]))
        for sid, g in gold.items():
            p = predicted.get(sid)
            if p is None or p["text"] != g["text"]:
                self.voice_pairs.append((g["voice"], "(missplit)"))
                self.lw_fn += len(g["loaded"])
                continue
            self.voice_pairs.append((g["voice"], p["voice"]))
            gl = [w.lower() for w in g["loaded"]]
            pl = [w.lower() for w in p["loaded_words"]]
            matched = {w for w in gl if any(w in q or q in w for q in pl)}
            self.lw_tp += len(matched)
            self.lw_fn += len(gl) - len(matched)
            self.lw_fp += sum(1 for q in pl if not any(w in q or q in w for w in gl))

    def claims(self, art: dict[str, Any], js: dict[str, Any]) -> None:
        """Claims matched in the same sentence by overlapping spans, one to one; the
        kind and the five checks of each matched claim."""
        unmatched = list(js["claims"])
        a_tp = a_fn = 0
        for gc in art["claims"]:
            hit = _overlapping(gc, art["sentences"][gc["sentence"]]["text"], unmatched)
            if hit is None:
                self.claim_fn += 1
                a_fn += 1
                continue
            unmatched.remove(hit)
            self.claim_tp += 1
            a_tp += 1
            self.kind_ok += hit["kind"] == gc["kind"]
            self.check_n += 1
            for c in CHECKS:
                self.check_ok[c] += hit[JSON_CHECK[c]] == gc[c]
                if art["name"].startswith("control") and gc[c] and not hit[JSON_CHECK[c]]:
                    self.control_false_missing += 1
        self.claim_fp += len(unmatched)
        self.per_article.append(
            {
                "article": art["name"],
                "claims_matched": a_tp,
                "claims_missed": a_fn,
                "claims_extra": [(c["sentence_id"], c["text_span"]) for c in unmatched],
            }
        )

    def voice_f1s(self) -> tuple[list[str], list[float]]:
        labels = sorted({g for g, _ in self.voice_pairs})
        f1s = []
        for label in labels:
            tp = sum(1 for g, p in self.voice_pairs if g == label and p == label)
            fp = sum(1 for g, p in self.voice_pairs if g != label and p == label)
            fn = sum(1 for g, p in self.voice_pairs if g == label and p != label)
            f1s.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
        return labels, f1s

    def claim_figures(self) -> dict[str, Any]:
        tp, fp, fn = self.claim_tp, self.claim_fp, self.claim_fn
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        n = self.check_n
        return {
            "claims_gold": tp + fn,
            "claim_precision": round(precision, 4),
            "claim_recall": round(recall, 4),
            "claim_f1": _f1(precision, recall),
            "kind_accuracy": round(self.kind_ok / tp, 4) if tp else 0.0,
            "check_accuracy": {c: round(self.check_ok[c] / n, 4) if n else 0.0 for c in CHECKS},
            "control_false_missing": self.control_false_missing,
        }

    def voice_figures(self) -> dict[str, Any]:
        labels, f1s = self.voice_f1s()
        pairs = self.voice_pairs
        lw_p = self.lw_tp / (self.lw_tp + self.lw_fp) if self.lw_tp + self.lw_fp else 0.0
        lw_r = self.lw_tp / (self.lw_tp + self.lw_fn) if self.lw_tp + self.lw_fn else 0.0
        return {
            "voice_macro_f1": round(statistics.fmean(f1s), 4) if f1s else 0.0,
            "voice_accuracy": round(sum(g == p for g, p in pairs) / len(pairs), 4),
            "voice_labels": {lab: round(f, 3) for lab, f in zip(labels, f1s, strict=True)},
            "loaded_precision": round(lw_p, 4),
            "loaded_recall": round(lw_r, 4),
            "loaded_f1": _f1(lw_p, lw_r),
        }


def score(articles: list[dict[str, Any]]) -> dict[str, Any]:
    tally = _Tally()
    for art in articles:
        js = annotate(parse_article(art["text"])).to_json()
        tally.sentences(art, js)
        tally.claims(art, js)
    return {
        "articles": len(articles),
        "sentences": tally.split_total,
        "split_accuracy": round(tally.split_hit / tally.split_total, 4),
        **tally.claim_figures(),
        **tally.voice_figures(),
        "per_article": tally.per_article,
    }


def timing(articles: list[dict[str, Any]], words: int = 1500, repeat: int = 5) -> dict[str, Any]:
    """Annotate and draft a bank from an article of ``words`` words (the labelled
    articles' paragraphs, repeated as needed): the best of ``repeat`` runs."""
    paragraphs: list[str] = []
    count = 0
    while count < words:
        for art in articles:
            for para in art["text"].split("\n\n")[1:]:
                if count >= words:
                    break
                paragraphs.append(para)
                count += len(para.split())
    text = "A long article for timing\n\n" + "\n\n".join(paragraphs)
    best_annotate = best_draft = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        ann = annotate(parse_article(text))
        t1 = time.perf_counter()
        draft_bank_yaml(ann, source="timing")
        t2 = time.perf_counter()
        best_annotate = min(best_annotate, t1 - t0)
        best_draft = min(best_draft, t2 - t1)
    return {
        "words": count,
        "annotate_s": round(best_annotate, 4),
        "annotate_and_draft_s": round(best_annotate + best_draft, 4),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=str(ROOT / "tests" / "data" / "drafting"))
    parser.add_argument("--per-article", action="store_true", help="Keep the per-article detail.")
    args = parser.parse_args(argv)
    articles = [load(p) for p in sorted(Path(args.data).glob("*.yaml"))]
    if not articles:
        print(f"no labelled articles in {args.data}", file=sys.stderr)
        return 1
    heldout = [a for a in articles if a["name"].startswith("heldout")]
    record = {"bench": "drafter", **score(articles)}
    if heldout:  # written after the rules were tuned on the others: the honest figure
        record["heldout"] = {k: v for k, v in score(heldout).items() if k != "per_article"}
        tuned = [a for a in articles if a not in heldout]
        record["tuned_on"] = {k: v for k, v in score(tuned).items() if k != "per_article"}
    record.update(timing=timing(articles), machine=machine())
    if not args.per_article:
        record.pop("per_article")
    record.pop("voice_labels", None)
    emit(record)
    return 0


if __name__ == "__main__":
    sys.exit(main())
