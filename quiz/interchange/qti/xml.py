"""QTI's XML: the namespaces, building elements, numbers as QTI writes them, our
rendered Markdown as XHTML children, identifiers, and setting an outcome."""

from __future__ import annotations

from typing import Any

import lxml.html
from lxml import etree

from quiz.domain.rendering import markdown, markdown_inline

NS = "http://www.imsglobal.org/xsd/imsqti_v2p1"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
CP = "http://www.imsglobal.org/xsd/imscp_v1p1"
SCHEMA_LOCATION = f"{NS} http://www.imsglobal.org/xsd/qti/qtiv2p1/imsqti_v2p1.xsd"
CP_LOCATION = (
    f"{CP} http://www.imsglobal.org/xsd/imscp_v1p1.xsd "
    f"{NS} http://www.imsglobal.org/xsd/qti/qtiv2p1/imsqti_v2p1.xsd"
)
Q = f"{{{NS}}}"  # a Clark-notation prefix

# lxml takes None for the default namespace; its stubs type the keys as str only
_NSMAP: dict[Any, str] = {None: NS, "xsi": XSI}


def element(parent: etree._Element | None, tag: str, **attrs: Any) -> etree._Element:
    clean = {k.rstrip("_"): str(v) for k, v in attrs.items() if v is not None}
    if parent is None:
        return etree.Element(Q + tag, clean, nsmap=_NSMAP)
    return etree.SubElement(parent, Q + tag, clean)


def base_value(parent: etree._Element, tag: str, base_type: str, text: Any) -> etree._Element:
    el = element(parent, tag, baseType=base_type)
    el.text = number(text) if isinstance(text, float) else str(text)
    return el


def number(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else repr(float(x))


def html_into(parent: etree._Element, html: str) -> None:
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
    el = element(
        parent, tag, **{a: node.get(a) for a in _ALLOWED_ATTRS.get(tag, ()) if node.get(a)}
    )
    el.text = node.text
    for child in node:
        _copy(el, child)
    el.tail = node.tail


def block(parent: etree._Element, text: str) -> None:
    div = element(parent, "div")
    html_into(div, str(markdown(text)))


def inline(parent: etree._Element, text: str) -> None:
    html_into(parent, str(markdown_inline(text)))


def ident(prefix: str, key: str) -> str:
    """A QTI identifier (an NCName) from one of our keys."""
    return f"{prefix}_{key}".replace(":", "_")


def set_value(parent: etree._Element, outcome: str, base_type: str, value: Any) -> None:
    setter = element(parent, "setOutcomeValue", identifier=outcome)
    base_value(setter, "baseValue", base_type, value)


def set_expr(parent: etree._Element, outcome: str) -> etree._Element:
    return element(parent, "setOutcomeValue", identifier=outcome)
