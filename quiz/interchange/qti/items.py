"""One ``assessmentItem`` per question: the response declaration, the interaction,
the feedback of every answer, the explanation, and response processing that
scores as we do (one builder per question type)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from lxml import etree

from quiz.domain.banks import LoadedBank
from quiz.domain.rendering import markdown
from quiz.interchange.qti.xml import (
    SCHEMA_LOCATION,
    XSI,
    Q,
    base_value,
    block,
    element,
    html_into,
    ident,
    inline,
    number,
    set_expr,
    set_value,
)
from quiz.questions import Question


class _Item:
    """One assessmentItem being built."""

    def __init__(self, q: Question, title: str) -> None:
        self.q = q
        self.root = element(
            None,
            "assessmentItem",
            identifier=ident("Q", q.id),
            title=title[:200] or q.id,
            adaptive="false",
            timeDependent="false",
        )
        self.root.set(f"{{{XSI}}}schemaLocation", SCHEMA_LOCATION)
        self.feedback: list[tuple[str, str]] = []  # (identifier, Markdown)
        self.points = float(q.points)

    def declare(self, cardinality: str, base_type: str, correct: list[str]) -> etree._Element:
        decl = element(
            self.root,
            "responseDeclaration",
            identifier="RESPONSE",
            cardinality=cardinality,
            baseType=base_type,
        )
        if correct:
            box = element(decl, "correctResponse")
            for value in correct:
                element(box, "value").text = value
        return decl

    def outcomes(self, feedback_cardinality: str = "single") -> None:
        for name, card, base in (
            ("SCORE", "single", "float"),
            ("MAXSCORE", "single", "float"),
            ("FEEDBACK", feedback_cardinality, "identifier"),
            ("EXPLAIN", "single", "identifier"),
        ):
            decl = element(self.root, "outcomeDeclaration", identifier=name, cardinality=card)
            decl.set("baseType", base)
            if name in ("SCORE", "MAXSCORE"):
                default = element(decl, "defaultValue")
                element(default, "value").text = number(self.points if name == "MAXSCORE" else 0)

    def body(self) -> etree._Element:
        return element(self.root, "itemBody")

    def finish(self, processing: etree._Element, explanation: str) -> etree._Element:
        # the order the schema wants: declarations, itemBody, responseProcessing, feedback
        self.root.append(processing)
        set_value(processing, "EXPLAIN", "identifier", "EXPLANATION")
        for identifier, text in self.feedback:
            box = element(
                self.root,
                "modalFeedback",
                outcomeIdentifier="FEEDBACK",
                showHide="show",
                identifier=identifier,
            )
            html_into(box, str(markdown(text)))
        box = element(
            self.root,
            "modalFeedback",
            outcomeIdentifier="EXPLAIN",
            showHide="show",
            identifier="EXPLANATION",
        )
        html_into(box, str(markdown(explanation)))
        return self.root


def _mapped(item: _Item, entries: list[tuple[str, float]], lower: float | None) -> None:
    decl = item.root.find(Q + "responseDeclaration")
    assert decl is not None
    mapping = element(
        decl,
        "mapping",
        defaultValue="0",
        lowerBound=number(lower) if lower is not None else None,
        upperBound=number(item.points),
    )
    for key, value in entries:
        element(mapping, "mapEntry", mapKey=key, mappedValue=number(value))


def _map_processing(feedback_from_response: bool) -> etree._Element:
    """SCORE from the mapping (0 when nothing was answered); FEEDBACK the response."""
    rp = etree.Element(Q + "responseProcessing")
    cond = element(rp, "responseCondition")
    when = element(cond, "responseIf")
    null = element(when, "isNull")
    element(null, "variable", identifier="RESPONSE")
    set_value(when, "SCORE", "float", 0.0)
    other = element(cond, "responseElse")
    setter = set_expr(other, "SCORE")
    element(setter, "mapResponse", identifier="RESPONSE")
    if feedback_from_response:
        setter = set_expr(other, "FEEDBACK")
        element(setter, "variable", identifier="RESPONSE")
    return rp


def _choice(item: _Item, multiple: bool) -> None:
    q: Any = item.q
    options = q.options
    right = [o for o in options if o.credit >= 1]
    item.declare(
        "multiple" if multiple else "single",
        "identifier",
        [ident("O", o.id) for o in (right if multiple else right[:1])],
    )
    item.outcomes("multiple" if multiple else "single")
    if multiple:
        share = item.points / len(right)
        entries = [(ident("O", o.id), share if o.credit >= 1 else -share) for o in options]
        _mapped(item, entries, 0.0)
    else:
        entries = [(ident("O", o.id), o.credit * item.points) for o in options if o.credit > 0]
        _mapped(item, entries, 0.0)
    body = item.body()
    interaction = element(
        body,
        "choiceInteraction",
        responseIdentifier="RESPONSE",
        shuffle="true" if q.shuffle else "false",
        maxChoices="0" if multiple else "1",
    )
    prompt = element(interaction, "prompt")
    inline(prompt, q.prompt)
    for o in options:
        choice = element(interaction, "simpleChoice", identifier=ident("O", o.id))
        inline(choice, o.text)
        item.feedback.append((ident("O", o.id), o.feedback))
    item.finish(_map_processing(True), q.explanation)


def _conditions(
    item: _Item,
    cases: list[tuple[etree._Element, float | None, str]],
    otherwise: str,
) -> etree._Element:
    """A responseCondition chain: the first case that matches sets SCORE (if it has
    credit) and FEEDBACK; else OTHERWISE."""
    rp = etree.Element(Q + "responseProcessing")
    cond = element(rp, "responseCondition")
    for n, (test, credit, feedback) in enumerate(cases):
        branch = element(cond, "responseIf" if n == 0 else "responseElseIf")
        branch.append(test)
        if credit:
            set_value(branch, "SCORE", "float", credit * item.points)
        set_value(branch, "FEEDBACK", "identifier", f"F{n}")
        item.feedback.append((f"F{n}", feedback))
    if otherwise:
        other = element(cond, "responseElse")
        set_value(other, "FEEDBACK", "identifier", "OTHERWISE")
        item.feedback.append(("OTHERWISE", otherwise))
    if not cases:
        cond.getparent().remove(cond)  # type: ignore[union-attr]
    return rp


def _text(item: _Item) -> None:
    q: Any = item.q
    item.declare("single", "string", [a.text for a in q.answers if a.credit >= 1][:1])
    item.outcomes()
    body = item.body()
    block(body, q.prompt)
    box = element(body, "p")
    element(box, "textEntryInteraction", responseIdentifier="RESPONSE", expectedLength="40")
    cases = []
    for phrase, credit in [(a, a.credit) for a in q.answers] + [(w, None) for w in q.wrong]:
        test = etree.Element(Q + "stringMatch", caseSensitive="false")
        element(test, "variable", identifier="RESPONSE")
        base_value(test, "baseValue", "string", phrase.text)
        cases.append((test, credit, phrase.feedback))
    item.finish(_conditions(item, cases, q.otherwise), q.explanation)


def _numeric(item: _Item) -> None:
    q: Any = item.q
    item.declare("single", "float", [number(a.value) for a in q.answers if a.credit >= 1][:1])
    item.outcomes()
    body = item.body()
    block(body, q.prompt)
    box = element(body, "p")
    element(box, "textEntryInteraction", responseIdentifier="RESPONSE", expectedLength="12")
    cases = []
    for value, credit in [(a, a.credit) for a in q.answers] + [(w, None) for w in q.wrong]:
        slack = max(value.tolerance, value.relative * abs(value.value))
        test = etree.Element(Q + "and")
        for op, bound in (("gte", value.value - slack), ("lte", value.value + slack)):
            compare = element(test, op)
            element(compare, "variable", identifier="RESPONSE")
            base_value(compare, "baseValue", "float", float(bound))
        cases.append((test, credit, value.feedback))
    item.finish(_conditions(item, cases, q.otherwise), q.explanation)


def _classify(item: _Item, bank: LoadedBank) -> None:
    q: Any = item.q
    pairs = [f"{ident('S', s.sentence)} {ident('C', s.category)}" for s in q.sentences]
    item.declare("multiple", "directedPair", pairs)
    item.outcomes()
    share = item.points / len(q.sentences)
    _mapped(item, [(p, share) for p in pairs], 0.0)
    body = item.body()
    interaction = element(
        body,
        "matchInteraction",
        responseIdentifier="RESPONSE",
        shuffle="false",
        maxAssociations=str(len(q.sentences)),
    )
    inline(element(interaction, "prompt"), q.prompt)
    left = element(interaction, "simpleMatchSet")
    for s in q.sentences:
        found = bank.article.sentence(s.sentence)
        choice = element(left, "simpleAssociableChoice", identifier=ident("S", s.sentence))
        choice.set("matchMax", "1")
        choice.text = found.text if found is not None else s.quote
    right = element(interaction, "simpleMatchSet")
    for key, label in q.categories:
        choice = element(right, "simpleAssociableChoice", identifier=ident("C", key))
        choice.set("matchMax", str(len(q.sentences)))
        choice.text = label
    item.finish(_map_processing(False), q.explanation)


def _highlight(item: _Item, bank: LoadedBank) -> None:
    q: Any = item.q
    right = [s.sentence for s in q.sentences]
    item.declare("multiple", "identifier", [ident("S", s) for s in right])
    item.outcomes("multiple")
    share = item.points / len(right)
    entries = [(ident("S", s), share if s in right else -share) for s in q.selectable]
    _mapped(item, entries, 0.0)
    body = item.body()
    block(body, q.prompt)
    interaction = element(body, "hottextInteraction", responseIdentifier="RESPONSE", maxChoices="0")
    shown = set(q.selectable)
    for paragraph in bank.article.paragraphs:
        if not any(s.id in shown for s in paragraph):
            continue
        p = element(interaction, "p")
        last: etree._Element | None = None
        for s in paragraph:
            if s.id in shown:
                last = element(p, "hottext", identifier=ident("S", s.id))
                last.text = s.text
                last.tail = " "
            elif last is None:
                p.text = (p.text or "") + s.text + " "
            else:
                last.tail = (last.tail or "") + s.text + " "
    for s in (*q.sentences, *q.distractors):
        item.feedback.append((ident("S", s.sentence), s.feedback))
    item.finish(_map_processing(True), q.explanation)


#: the item builder of each question type QTI can carry; export leaves any other out
_BUILD: dict[str, Callable[[_Item, LoadedBank], None]] = {
    "single": lambda item, _bank: _choice(item, False),
    "multiple": lambda item, _bank: _choice(item, True),
    "text": lambda item, _bank: _text(item),
    "numeric": lambda item, _bank: _numeric(item),
    "classify": _classify,
    "highlight": _highlight,
}
BUILDERS = frozenset(_BUILD)


class NoItem(ValueError):
    """QTI export has no item for the question's type."""


def item_xml(q: Question, bank: LoadedBank) -> etree._Element:
    """The question's assessmentItem; ``NoItem`` for a type not in ``BUILDERS``."""
    build = _BUILD.get(q.type)
    if build is None:
        raise NoItem(f"no QTI item for {q.type}")
    title = " ".join(q.prompt.split()).translate(str.maketrans("", "", "*`_\\"))
    item = _Item(q, title[:80])
    build(item, bank)
    return item.root
