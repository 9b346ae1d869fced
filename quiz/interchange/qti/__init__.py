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

What lives where (pure Python, no Flask, no database; each imports only the ones
above it and ``quiz.domain``, ``quiz.questions``):

- ``xml``: namespaces, elements, numbers, Markdown as XHTML, identifiers.
- ``items``: one ``assessmentItem`` per question, a builder per type (``item_xml``).
- ``package``: the test, the manifest, the article page (``package_files``) and the
  zip (``zipped``, ``export_qti``); a question of a type with no builder is left
  out, with the reason.

The ``export-qti`` command is in ``quiz.interchange.cli``.
"""

from __future__ import annotations

from quiz.interchange.qti.items import BUILDERS, NoItem, item_xml
from quiz.interchange.qti.package import export_qti, package_files, test_xml, zipped
from quiz.interchange.qti.xml import CP, NS, XSI, ident

__all__ = [
    "BUILDERS",
    "CP",
    "NS",
    "XSI",
    "NoItem",
    "export_qti",
    "ident",
    "item_xml",
    "package_files",
    "test_xml",
    "zipped",
]
