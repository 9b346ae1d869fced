"""A bank as an IMS QTI 2.1 content package, for Canvas, Blackboard and other LMSs.

The package (a zip) holds ``imsmanifest.xml`` (IMS Content Packaging 1.1, with the
QTI 2.1 namespace and ``<schema>QTIv2.1 Package</schema>`` in its metadata: what
Canvas's importer looks for to read it as QTI 2), one ``assessmentTest``, one
``assessmentItem`` per question, and the article as an HTML page. Each item has
its response declaration, the interaction, the feedback of every answer
(``modalFeedback``), the explanation, and response processing that scores as we
do, in points:

- ``single``: a ``choiceInteraction``; the chosen option's credit;
- ``multiple``: a ``choiceInteraction`` with ``maxChoices="0"``; +points/n for each
  right option chosen, -points/n for each wrong one, never below 0 (our rule);
- ``text``: a ``textEntryInteraction``; each accepted answer (case ignored) its
  credit, each listed wrong answer its feedback;
- ``numeric``: a ``textEntryInteraction`` of base type float; each value within
  its tolerance (absolute, or relative to the value) its credit;
- ``classify``: a ``matchInteraction`` of the quoted sentences against the
  categories; an equal share for each sentence labelled right;
- ``highlight``: a ``hottextInteraction`` over the shown paragraphs, each sentence
  a ``hottext``; scored like ``multiple``.

The items validate against the IMS QTI 2.1 XSD (see tests/data/qti/xsd).
Markdown is rendered and sanitised (``quiz.domain.rendering``) before it becomes XHTML.
"""

from __future__ import annotations

import io
import zipfile
from typing import Any

import click
import lxml.html
from lxml import etree

from quiz.domain.banks import LoadedBank
from quiz.domain.rendering import markdown, markdown_inline
from quiz.questions import Question

NS = "http://www.imsglobal.org/xsd/imsqti_v2p1"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
CP = "http://www.imsglobal.org/xsd/imscp_v1p1"
SCHEMA_LOCATION = f"{NS} http://www.imsglobal.org/xsd/qti/qtiv2p1/imsqti_v2p1.xsd"
CP_LOCATION = (
    f"{CP} http://www.imsglobal.org/xsd/imscp_v1p1.xsd "
    f"{NS} http://www.imsglobal.org/xsd/qti/qtiv2p1/imsqti_v2p1.xsd"
)
_Q = "{%s}" % NS  # noqa: UP031 - a Clark-notation prefix


def _el(parent: etree._Element | None, tag: str, **attrs: Any) -> etree._Element:
    clean = {k.rstrip("_"): str(v) for k, v in attrs.items() if v is not None}
    if parent is None:
        return etree.Element(_Q + tag, clean, nsmap={None: NS, "xsi": XSI})
    return etree.SubElement(parent, _Q + tag, clean)


def _value(parent: etree._Element, tag: str, base_type: str, text: Any) -> etree._Element:
    el = _el(parent, tag, baseType=base_type)
    el.text = _number(text) if isinstance(text, float) else str(text)
    return el


def _number(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else repr(float(x))


def _html_into(parent: etree._Element, html: str) -> None:
    """Sanitised HTML (from ``quiz.domain.rendering``) as XHTML children of ``parent``."""
    if not html.strip():
        return
    wrapper = lxml.html.fragment_fromstring(html, create_parent="div")
    parent.text = (parent.text or "") + (wrapper.text or "")
    for child in wrapper:
        _copy(parent, child)


_ALLOWED_ATTRS = {"a": ("href",)}


def _copy(parent: etree._Element, node: Any) -> None:
    if not isinstance(node.tag, str):  # a comment
        return
    tag = node.tag.lower()
    el = _el(parent, tag, **{a: node.get(a) for a in _ALLOWED_ATTRS.get(tag, ()) if node.get(a)})
    el.text = node.text
    for child in node:
        _copy(el, child)
    el.tail = node.tail


def _block(parent: etree._Element, text: str) -> None:
    div = _el(parent, "div")
    _html_into(div, str(markdown(text)))


def _inline(parent: etree._Element, text: str) -> None:
    _html_into(parent, str(markdown_inline(text)))


def ident(prefix: str, key: str) -> str:
    """A QTI identifier (an NCName) from one of our keys."""
    return f"{prefix}_{key}".replace(":", "_")


class _Item:
    """One assessmentItem being built."""

    def __init__(self, q: Question, title: str) -> None:
        self.q = q
        self.root = _el(
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
        decl = _el(
            self.root,
            "responseDeclaration",
            identifier="RESPONSE",
            cardinality=cardinality,
            baseType=base_type,
        )
        if correct:
            box = _el(decl, "correctResponse")
            for value in correct:
                _el(box, "value").text = value
        return decl

    def outcomes(self, feedback_cardinality: str = "single") -> None:
        for name, card, base in (
            ("SCORE", "single", "float"),
            ("MAXSCORE", "single", "float"),
            ("FEEDBACK", feedback_cardinality, "identifier"),
            ("EXPLAIN", "single", "identifier"),
        ):
            decl = _el(self.root, "outcomeDeclaration", identifier=name, cardinality=card)
            decl.set("baseType", base)
            if name in ("SCORE", "MAXSCORE"):
                default = _el(decl, "defaultValue")
                _el(default, "value").text = _number(self.points if name == "MAXSCORE" else 0)

    def body(self) -> etree._Element:
        return _el(self.root, "itemBody")

    def finish(self, processing: etree._Element, explanation: str) -> etree._Element:
        # the order the schema wants: declarations, itemBody, responseProcessing, feedback
        self.root.append(processing)
        _set(processing, "EXPLAIN", "identifier", "EXPLANATION")
        for identifier, text in self.feedback:
            box = _el(
                self.root,
                "modalFeedback",
                outcomeIdentifier="FEEDBACK",
                showHide="show",
                identifier=identifier,
            )
            _html_into(box, str(markdown(text)))
        box = _el(
            self.root,
            "modalFeedback",
            outcomeIdentifier="EXPLAIN",
            showHide="show",
            identifier="EXPLANATION",
        )
        _html_into(box, str(markdown(explanation)))
        return self.root


def _set(parent: etree._Element, outcome: str, base_type: str, value: Any) -> None:
    setter = _el(parent, "setOutcomeValue", identifier=outcome)
    _value(setter, "baseValue", base_type, value)


def _set_expr(parent: etree._Element, outcome: str) -> etree._Element:
    return _el(parent, "setOutcomeValue", identifier=outcome)


def _mapped(item: _Item, entries: list[tuple[str, float]], lower: float | None) -> None:
    decl = item.root.find(_Q + "responseDeclaration")
    assert decl is not None
    mapping = _el(
        decl,
        "mapping",
        defaultValue="0",
        lowerBound=_number(lower) if lower is not None else None,
        upperBound=_number(item.points),
    )
    for key, value in entries:
        _el(mapping, "mapEntry", mapKey=key, mappedValue=_number(value))


def _map_processing(feedback_from_response: bool) -> etree._Element:
    """SCORE from the mapping (0 when nothing was answered); FEEDBACK the response."""
    rp = etree.Element(_Q + "responseProcessing")
    cond = _el(rp, "responseCondition")
    when = _el(cond, "responseIf")
    null = _el(when, "isNull")
    _el(null, "variable", identifier="RESPONSE")
    _set(when, "SCORE", "float", 0.0)
    other = _el(cond, "responseElse")
    setter = _set_expr(other, "SCORE")
    _el(setter, "mapResponse", identifier="RESPONSE")
    if feedback_from_response:
        setter = _set_expr(other, "FEEDBACK")
        _el(setter, "variable", identifier="RESPONSE")
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
    interaction = _el(
        body,
        "choiceInteraction",
        responseIdentifier="RESPONSE",
        shuffle="true" if q.shuffle else "false",
        maxChoices="0" if multiple else "1",
    )
    prompt = _el(interaction, "prompt")
    _inline(prompt, q.prompt)
    for o in options:
        choice = _el(interaction, "simpleChoice", identifier=ident("O", o.id))
        _inline(choice, o.text)
        item.feedback.append((ident("O", o.id), o.feedback))
    item.finish(_map_processing(True), q.explanation)


def _conditions(
    item: _Item,
    cases: list[tuple[etree._Element, float | None, str]],
    otherwise: str,
) -> etree._Element:
    """A responseCondition chain: the first case that matches sets SCORE (if it has
    credit) and FEEDBACK; else OTHERWISE."""
    rp = etree.Element(_Q + "responseProcessing")
    cond = _el(rp, "responseCondition")
    for n, (test, credit, feedback) in enumerate(cases):
        branch = _el(cond, "responseIf" if n == 0 else "responseElseIf")
        branch.append(test)
        if credit:
            _set(branch, "SCORE", "float", credit * item.points)
        _set(branch, "FEEDBACK", "identifier", f"F{n}")
        item.feedback.append((f"F{n}", feedback))
    if otherwise:
        other = _el(cond, "responseElse")
        _set(other, "FEEDBACK", "identifier", "OTHERWISE")
        item.feedback.append(("OTHERWISE", otherwise))
    if not cases:
        cond.getparent().remove(cond)  # type: ignore[union-attr]
    return rp


def _text(item: _Item) -> None:
    q: Any = item.q
    item.declare("single", "string", [a.text for a in q.answers if a.credit >= 1][:1])
    item.outcomes()
    body = item.body()
    _block(body, q.prompt)
    box = _el(body, "p")
    _el(box, "textEntryInteraction", responseIdentifier="RESPONSE", expectedLength="40")
    cases = []
    for phrase, credit in [(a, a.credit) for a in q.answers] + [(w, None) for w in q.wrong]:
        test = etree.Element(_Q + "stringMatch", caseSensitive="false")
        _el(test, "variable", identifier="RESPONSE")
        _value(test, "baseValue", "string", phrase.text)
        cases.append((test, credit, phrase.feedback))
    item.finish(_conditions(item, cases, q.otherwise), q.explanation)


def _numeric(item: _Item) -> None:
    q: Any = item.q
    item.declare("single", "float", [_number(a.value) for a in q.answers if a.credit >= 1][:1])
    item.outcomes()
    body = item.body()
    _block(body, q.prompt)
    box = _el(body, "p")
    _el(box, "textEntryInteraction", responseIdentifier="RESPONSE", expectedLength="12")
    cases = []
    for value, credit in [(a, a.credit) for a in q.answers] + [(w, None) for w in q.wrong]:
        slack = max(value.tolerance, value.relative * abs(value.value))
        test = etree.Element(_Q + "and")
        for op, bound in (("gte", value.value - slack), ("lte", value.value + slack)):
            compare = _el(test, op)
            _el(compare, "variable", identifier="RESPONSE")
            _value(compare, "baseValue", "float", float(bound))
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
    interaction = _el(
        body,
        "matchInteraction",
        responseIdentifier="RESPONSE",
        shuffle="false",
        maxAssociations=str(len(q.sentences)),
    )
    _inline(_el(interaction, "prompt"), q.prompt)
    left = _el(interaction, "simpleMatchSet")
    for s in q.sentences:
        found = bank.article.sentence(s.sentence)
        choice = _el(left, "simpleAssociableChoice", identifier=ident("S", s.sentence))
        choice.set("matchMax", "1")
        choice.text = found.text if found is not None else s.quote
    right = _el(interaction, "simpleMatchSet")
    for key, label in q.categories:
        choice = _el(right, "simpleAssociableChoice", identifier=ident("C", key))
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
    _block(body, q.prompt)
    interaction = _el(body, "hottextInteraction", responseIdentifier="RESPONSE", maxChoices="0")
    shown = set(q.selectable)
    for paragraph in bank.article.paragraphs:
        if not any(s.id in shown for s in paragraph):
            continue
        p = _el(interaction, "p")
        last: etree._Element | None = None
        for s in paragraph:
            if s.id in shown:
                last = _el(p, "hottext", identifier=ident("S", s.id))
                last.text = s.text
                last.tail = " "
            elif last is None:
                p.text = (p.text or "") + s.text + " "
            else:
                last.tail = (last.tail or "") + s.text + " "
    for s in (*q.sentences, *q.distractors):
        item.feedback.append((ident("S", s.sentence), s.feedback))
    item.finish(_map_processing(True), q.explanation)


BUILDERS = {"single", "multiple", "text", "numeric", "classify", "highlight"}


def item_xml(q: Question, bank: LoadedBank) -> etree._Element:
    title = " ".join(q.prompt.split()).translate(str.maketrans("", "", "*`_\\"))
    item = _Item(q, title[:80])
    if q.type in ("single", "multiple"):
        _choice(item, q.type == "multiple")
    elif q.type == "text":
        _text(item)
    elif q.type == "numeric":
        _numeric(item)
    elif q.type == "classify":
        _classify(item, bank)
    elif q.type == "highlight":
        _highlight(item, bank)
    else:  # pragma: no cover - every type of ours is above
        raise ValueError(f"no QTI item for {q.type}")
    return item.root


def test_xml(bank: LoadedBank, hrefs: list[tuple[str, str]]) -> etree._Element:
    root = _el(None, "assessmentTest", identifier=ident("T", bank.id), title=bank.title)
    root.set(f"{{{XSI}}}schemaLocation", SCHEMA_LOCATION)
    decl = _el(root, "outcomeDeclaration", identifier="SCORE", cardinality="single")
    decl.set("baseType", "float")
    part = _el(
        root,
        "testPart",
        identifier="part1",
        navigationMode="nonlinear",
        submissionMode="simultaneous",
    )
    section = _el(
        part, "assessmentSection", identifier="section1", title=bank.title, visible="true"
    )
    for identifier, href in hrefs:
        _el(section, "assessmentItemRef", identifier=identifier, href=href)
    rules = _el(root, "outcomeProcessing")
    setter = _set_expr(rules, "SCORE")
    _el(setter, "sum").append(etree.Element(_Q + "testVariables", variableIdentifier="SCORE"))
    return root


def _manifest(bank: LoadedBank, items: list[tuple[str, str]], test_href: str) -> bytes:
    nsmap = {None: CP, "imsqti": NS, "xsi": XSI}
    root = etree.Element(f"{{{CP}}}manifest", identifier=ident("M", bank.id), nsmap=nsmap)
    root.set(f"{{{XSI}}}schemaLocation", CP_LOCATION)

    def sub(parent: etree._Element, tag: str, **attrs: str) -> etree._Element:
        return etree.SubElement(parent, f"{{{CP}}}{tag}", attrs)

    metadata = sub(root, "metadata")
    sub(metadata, "schema").text = "QTIv2.1 Package"
    sub(metadata, "schemaversion").text = "1.0.0"
    sub(root, "organizations")
    resources = sub(root, "resources")
    test = sub(resources, "resource", identifier=ident("R", bank.id), type="imsqti_test_xmlv2p1")
    test.set("href", test_href)
    sub(test, "file", href=test_href)
    for identifier, _href in items:
        sub(test, "dependency", identifierref=f"R_{identifier}")
    for identifier, href in items:
        res = sub(resources, "resource", identifier=f"R_{identifier}", type="imsqti_item_xmlv2p1")
        res.set("href", href)
        sub(res, "file", href=href)
    article = sub(
        resources, "resource", identifier="R_article", type="webcontent", href="article.html"
    )
    sub(article, "file", href="article.html")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _article_html(bank: LoadedBank) -> bytes:
    page = etree.Element("html", lang="en")
    head = etree.SubElement(page, "head")
    etree.SubElement(head, "meta", charset="utf-8")
    etree.SubElement(head, "title").text = bank.article.title
    body = etree.SubElement(page, "body")
    etree.SubElement(body, "h1").text = bank.article.title
    if bank.article.source:
        etree.SubElement(body, "p").text = bank.article.source
    for paragraph in bank.article.paragraphs:
        etree.SubElement(body, "p").text = " ".join(s.text for s in paragraph)
    return b"<!DOCTYPE html>\n" + etree.tostring(page, encoding="UTF-8", method="html")


def export_qti(bank: LoadedBank) -> tuple[bytes, dict[str, bytes]]:
    """The bank as a QTI 2.1 content package: the zip's bytes, and its files by name."""
    files: dict[str, bytes] = {}
    items: list[tuple[str, str]] = []
    for q in bank.questions:
        # QTI items here carry fixed numbers: a question with variables goes out with the
        # first value of each range (what the teacher's preview and checks use).
        q = q.for_state(None)
        identifier = ident("Q", q.id)
        href = f"items/{identifier}.xml"
        files[href] = etree.tostring(
            item_xml(q, bank), xml_declaration=True, encoding="UTF-8", pretty_print=True
        )
        items.append((identifier, href))
    test_href = "assessment.xml"
    files[test_href] = etree.tostring(
        test_xml(bank, items), xml_declaration=True, encoding="UTF-8", pretty_print=True
    )
    files["article.html"] = _article_html(bank)
    files = {"imsmanifest.xml": _manifest(bank, items, test_href), **files}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue(), files


@click.command("export-qti")
@click.argument("bank_file", type=click.Path(dir_okay=False))
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False), required=True, help="The .zip to write."
)
def export_qti_command(bank_file: str, output: str) -> None:
    """Export a bank file as an IMS QTI 2.1 content package (a .zip for Canvas,
    Blackboard, Moodle and other LMSs)."""
    from quiz.interchange.cli import load_bank_file, write_output

    bank = load_bank_file(bank_file)
    data, files = export_qti(bank)
    write_output(output, data)
    click.echo(f"{output}: {len(bank.questions)} items, {len(files)} files.", err=True)
