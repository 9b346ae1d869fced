"""The editor ``classify`` and ``highlight`` share: sentences ticked in the article
(form fields ``pick``), each described by fields named after its id
(``s-p3-s2-feedback``) and stored as a quote of the whole sentence. An edited article
drops the quotes that no longer find exactly one sentence."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any, ClassVar

from quiz.domain.article import Article
from quiz.questions.editors.base import Editor
from quiz.questions.editors.places import FormData, Messages, Picks, Sink, Tie

DETAILS = ("category", "role", "feedback", "misconception")


class SentencesEditor(Editor):
    #: the sentence lists of the spec: ticked ones, and (highlight) distractors
    kinds: ClassVar[tuple[str, ...]] = ("sentences",)

    def new_picks(self) -> Picks | None:
        return Picks()

    def read_picks(self, data: FormData, article: Article) -> Picks | None:
        ticked = set(data.getlist("pick"))
        chosen = [s.id for s in article.sentences if s.id in ticked]
        details = {
            sid: {k: (data.get(f"s-{sid}-{k}") or "").strip() for k in DETAILS} for sid in chosen
        }
        for d in details.values():
            d["role"] = d["role"] or "right"
        return Picks(chosen, details)

    def list_of(self, details: Mapping[str, str]) -> str:
        """Which of the spec's lists a ticked sentence goes to."""
        return "sentences"

    def item_of(self, quote: str, details: Mapping[str, str]) -> dict[str, Any]:
        """A ticked sentence as the spec holds it."""
        item: dict[str, Any] = {"quote": quote, "feedback": details.get("feedback", "")}
        if details.get("misconception"):
            item["misconception"] = details["misconception"]
        return item

    def fill_spec(
        self,
        form: Any,
        spec: dict[str, Any],
        picks: Picks,
        article: Article,
        tie: Tie,
        sinks: dict[str, Sink],
        messages: Messages,
    ) -> None:
        lists: dict[str, list[dict[str, Any]]] = {kind: [] for kind in self.kinds}
        for sid in picks.chosen:
            sentence = article.sentence(sid)
            if sentence is None:
                continue
            d = picks.details.get(sid, {})
            list_name = self.list_of(d)
            path = f"{list_name}[{len(lists[list_name])}]"
            lists[list_name].append(self.item_of(sentence.text, d))
            for name in ("quote", "category", "feedback", "misconception"):
                sinks[f"{path}.{name}"] = _put(picks, sid, name)
            sinks[path] = _put(picks, sid, "quote")
        spec["sentences"] = lists["sentences"]
        for kind in self.kinds:
            if kind != "sentences" and lists[kind]:
                spec[kind] = lists[kind]
            sinks[kind] = messages.sink("sentences")

    def own_data(
        self, spec: Mapping[str, Any], article: Article, data: dict[str, Any]
    ) -> Picks | None:
        picks = Picks()
        for list_name, role in (("sentences", "right"), ("distractors", "distractor")):
            for item in spec.get(list_name) or []:
                found = article.find(str(item.get("quote", "")))
                if len(found) != 1:
                    continue
                picks.details[found[0].id] = {
                    "category": item.get("category", ""),
                    "role": role,
                    "feedback": item.get("feedback", ""),
                    "misconception": item.get("misconception", ""),
                }
        picks.chosen = [s.id for s in article.sentences if s.id in picks.details]
        return picks

    def refit(self, spec: Mapping[str, Any], article: Article) -> tuple[dict[str, Any], list[str]]:
        """Drop the quotes that no longer point at exactly one (shown) sentence."""
        fitted = copy.deepcopy(dict(spec))
        lost: list[str] = []
        shown = self.shown_paragraphs(fitted, article)
        seen: set[str] = set()
        for key in ("sentences", "distractors"):
            if not isinstance(fitted.get(key), list):
                continue
            kept_items = []
            for item in fitted[key]:
                quote = str(item.get("quote", "")) if isinstance(item, Mapping) else ""
                found = article.find(quote)
                ok = len(found) == 1 and found[0].id not in seen and found[0].paragraph in shown
                if ok:
                    seen.add(found[0].id)
                    kept_items.append(item)
                else:
                    lost.append(quote)
            if kept_items or key == "sentences":
                fitted[key] = kept_items
            else:
                del fitted[key]
        return fitted, lost

    def shown_paragraphs(self, spec: dict[str, Any], article: Article) -> set[int]:
        """The paragraphs whose sentences the question may quote (numbered from 1)."""
        return set(range(1, len(article.paragraphs) + 1))


def _put(picks: Picks, sid: str, name: str) -> Sink:
    def put(message: str) -> None:
        picks.errors.setdefault(sid, {}).setdefault(name, []).append(message)

    return put
