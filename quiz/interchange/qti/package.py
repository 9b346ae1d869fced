"""The content package: ``imsmanifest.xml``, the ``assessmentTest``, the items and
the article as an HTML page, zipped."""

from __future__ import annotations

import io
import zipfile
from typing import Any

from lxml import etree

from quiz.domain.banks import LoadedBank
from quiz.domain.rendering import xml_text
from quiz.interchange.qti.items import BUILDERS, item_xml
from quiz.interchange.qti.xml import (
    CP,
    CP_LOCATION,
    NS,
    SCHEMA_LOCATION,
    XSI,
    Q,
    element,
    ident,
    set_expr,
)


def test_xml(bank: LoadedBank, hrefs: list[tuple[str, str]]) -> etree._Element:
    title = xml_text(bank.title)
    root = element(None, "assessmentTest", identifier=ident("T", bank.id), title=title)
    root.set(f"{{{XSI}}}schemaLocation", SCHEMA_LOCATION)
    decl = element(root, "outcomeDeclaration", identifier="SCORE", cardinality="single")
    decl.set("baseType", "float")
    part = element(
        root,
        "testPart",
        identifier="part1",
        navigationMode="nonlinear",
        submissionMode="simultaneous",
    )
    section = element(part, "assessmentSection", identifier="section1", title=title, visible="true")
    for identifier, href in hrefs:
        element(section, "assessmentItemRef", identifier=identifier, href=href)
    rules = element(root, "outcomeProcessing")
    setter = set_expr(rules, "SCORE")
    element(setter, "sum").append(etree.Element(Q + "testVariables", variableIdentifier="SCORE"))
    return root


def _manifest(bank: LoadedBank, items: list[tuple[str, str]], test_href: str) -> bytes:
    nsmap: dict[Any, str] = {None: CP, "imsqti": NS, "xsi": XSI}  # None: the default
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
    etree.SubElement(head, "title").text = xml_text(bank.article.title)
    body = etree.SubElement(page, "body")
    etree.SubElement(body, "h1").text = xml_text(bank.article.title)
    if bank.article.source:
        etree.SubElement(body, "p").text = xml_text(bank.article.source)
    for paragraph in bank.article.paragraphs:
        etree.SubElement(body, "p").text = xml_text(" ".join(s.text for s in paragraph))
    return b"<!DOCTYPE html>\n" + etree.tostring(page, encoding="UTF-8", method="html")


def package_files(bank: LoadedBank) -> tuple[dict[str, bytes], list[str]]:
    """The package's files by name, and each question QTI export leaves out with the
    reason (a type with no item builder, ``BUILDERS``; a text holding a character XML
    cannot carry)."""
    files: dict[str, bytes] = {}
    items: list[tuple[str, str]] = []
    skipped: list[str] = []
    for q in bank.questions:
        if q.type not in BUILDERS:
            skipped.append(f"question {q.id} ({q.type}): QTI export has no item for this type")
            continue
        # QTI items here carry fixed numbers: a question with variables goes out with the
        # first value of each range (what the teacher's preview and checks use).
        q = q.for_state(None)
        identifier = ident("Q", q.id)
        href = f"items/{identifier}.xml"
        try:
            built = item_xml(q, bank)
        except ValueError:  # lxml refuses a control character in a text of it
            skipped.append(
                f"question {q.id} ({q.type}): a text of it holds a control character, "
                "which XML cannot carry"
            )
            continue
        files[href] = etree.tostring(
            built, xml_declaration=True, encoding="UTF-8", pretty_print=True
        )
        items.append((identifier, href))
    test_href = "assessment.xml"
    files[test_href] = etree.tostring(
        test_xml(bank, items), xml_declaration=True, encoding="UTF-8", pretty_print=True
    )
    files["article.html"] = _article_html(bank)
    return {"imsmanifest.xml": _manifest(bank, items, test_href), **files}, skipped


def zipped(files: dict[str, bytes]) -> bytes:
    """The package's files as a zip."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def export_qti(bank: LoadedBank) -> tuple[bytes, list[str]]:
    """The bank as a QTI 2.1 content package: the zip's bytes, and each question left
    out with the reason (as ``export_gift`` and ``export_sheet`` answer)."""
    files, skipped = package_files(bank)
    return zipped(files), skipped
