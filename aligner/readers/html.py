"""Web pages: the text a reader sees, one paragraph per block, without the page's furniture.

Block elements (``p``, ``h1``–``h6``, ``li``, ``td``, ``blockquote``, ``div``, …)
end a paragraph, and so does ``br``: scraped news sites put each paragraph on a
``br``-separated line as often as in a ``p``.  Whatever a browser shows no one
as the article's text is left out: ``script``, ``style``, ``nav``, the site's
``header`` and ``footer``, ``aside``, ``form``, and elements hidden by the
``hidden`` attribute, ``aria-hidden`` or an inline ``display: none``.  The
header and footer of an ``article``, ``main`` or ``section`` are kept: they
hold its title and byline.
White space collapses as a browser collapses it (the no-break space is text
and stays); ``pre`` keeps its lines.

The page's charset is the one it declares (a byte-order mark, ``<meta
charset>``, the ``http-equiv`` content type, an XML declaration); a page that
declares none is decoded like a plain-text file.

``--main-text`` (:attr:`ReadOptions.main_text`) keeps only the article body: a
single ``article`` or ``main`` element where the page has one, else the
element whose own paragraphs hold the most text (the rule Readability
started from).  We chose this rule over trafilatura because it keeps every
character's offset ours to define, adds no dependency, and menus, teasers and
comment threads rarely sit between an article's paragraphs.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field

import lxml.html
from lxml import etree

from aligner.readers.base import Block, DocumentReader, Extraction, ReadError, ReadOptions
from aligner.readers.text import decode

_DROPPED = frozenset({
    "script", "style", "nav", "aside", "form", "noscript", "template", "head", "title",
    "iframe", "object", "embed", "svg", "math", "button", "select", "textarea", "dialog",
    "canvas", "audio", "video", "map", "input",
})
# The page's banner and footer; inside one of the _SECTIONS they are its title and byline
# (HTML's own rule for when a header is the site's banner).
_SITE_FURNITURE = frozenset({"header", "footer"})
_SECTIONS = ("article", "main", "section")
_BLOCKS = frozenset({
    "p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "td", "th", "tr", "table", "caption",
    "blockquote", "div", "section", "article", "main", "pre", "dd", "dt", "dl", "ul", "ol",
    "figure", "figcaption", "address", "hr", "center", "details", "summary", "body", "html",
    "fieldset", "legend", "header", "footer", "thead", "tbody", "tfoot", "hgroup", "menu",
})
# HTML's white space (not the no-break space, which is text).
_HTML_SPACE = re.compile(r"[ \t\n\r\f]+")
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_DECLARED = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([-\w.:]+)"""
                       rb"""|<\?xml[^>]*?encoding\s*=\s*["']([-\w.:]+)""", re.IGNORECASE)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_HTML_START = re.compile(rb"\s*(<\?xml[^>]*>\s*)?(<!--.*?-->\s*)*<(!doctype\s+html|html)\b",
                         re.IGNORECASE | re.DOTALL)
# What browsers read for the legacy Chinese labels: GB18030 is their superset.
_SUPERSETS = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030"}
# A paragraph shorter than this says little about where the article is (a menu entry).
_MIN_SCORED_PARAGRAPH = 25


def decode_page(data: bytes) -> tuple[str, str]:
    """The page's text and encoding: what it declares, else what its bytes look like."""
    if not data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        declared = _DECLARED.search(data[:4096])
        if declared is not None:
            label = (declared[1] or declared[2]).decode("ascii").lower()
            label = _SUPERSETS.get(label, label)
            try:
                return data.decode(label), codecs.lookup(label).name.replace("-", "_")
            except (LookupError, UnicodeDecodeError):
                pass  # a wrong or unknown declaration: the bytes decide, as for plain text
    return decode(data)


def parse_page(data: bytes) -> tuple[etree._Element, str]:
    """The page's element tree and encoding; ReadError for a page that is not one."""
    text, encoding = decode_page(data)
    text = _XML_DECLARATION.sub("", text, count=1)
    if not text.strip():
        raise ReadError("holds only whitespace")
    try:
        return lxml.html.document_fromstring(text), encoding
    except etree.ParserError as error:
        raise ReadError(f"cannot be parsed as HTML: {error}") from None


def _hidden(element: etree._Element) -> bool:
    return (element.get("hidden") is not None
            or element.get("aria-hidden", "").lower() == "true"
            or bool(_HIDDEN_STYLE.search(element.get("style", ""))))


def _is_text_element(element: etree._Element) -> bool:
    """False for comments and processing instructions, whose tag is not a string."""
    return isinstance(element.tag, str)


def _skipped(element: etree._Element) -> bool:
    if not _is_text_element(element):
        return True
    tag = element.tag.lower()
    if tag in _DROPPED or _hidden(element):
        return True
    return tag in _SITE_FURNITURE and next(element.iterancestors(*_SECTIONS), None) is None


@dataclass
class _Paragraphs:
    """Collects a page's text into paragraphs, each with its locator."""

    prefix: str
    blocks: list[Block] = field(default_factory=list)
    pending: list[str] = field(default_factory=list)
    paragraphs: int = 0
    tables: int = 0
    open_tables: list[list[int]] = field(default_factory=list)  # [table number, current row]
    preformatted: int = 0

    def add(self, text: str | None) -> None:
        if not text:
            return
        if not self.preformatted:
            self.pending.append(text)
            return
        lines = text.split("\n")
        for line in lines[:-1]:
            self.pending.append(line)
            self.flush()
        self.pending.append(lines[-1])

    def flush(self) -> None:
        text = "".join(self.pending)
        self.pending.clear()
        text = text.strip() if self.preformatted else _HTML_SPACE.sub(" ", text).strip(" ")
        if not text.strip():
            return
        if self.open_tables:
            table, row = self.open_tables[-1]
            where = f"table {table} row {row}"
        else:
            self.paragraphs += 1
            where = f"p {self.paragraphs}"
        self.blocks.append(Block(text, f"{self.prefix}{where}"))

    def start(self, tag: str) -> None:
        if tag in _BLOCKS or tag == "br":
            self.flush()
        if tag == "table":
            self.tables += 1
            self.open_tables.append([self.tables, 0])
        elif tag == "tr" and self.open_tables:
            self.open_tables[-1][1] += 1
        elif tag == "pre":
            self.preformatted += 1

    def end(self, tag: str) -> None:
        if tag in _BLOCKS:
            self.flush()
        if tag == "table" and self.open_tables:
            self.open_tables.pop()
        elif tag == "pre":
            self.preformatted -= 1


def page_blocks(root: etree._Element, options: ReadOptions, prefix: str = "") -> list[Block]:
    """The paragraphs of the page under ``root``; ``prefix`` starts every locator (a chapter).

    Walked with a stack of its own: a scraped page can nest elements deeper than
    Python's recursion limit.
    """
    if options.main_text:
        root = main_content(root)
    collector = _Paragraphs(prefix)
    stack: list[tuple[etree._Element, bool]] = [(root, False)]
    while stack:
        element, closing = stack.pop()
        if closing:
            collector.end(element.tag.lower())
            if element is not root:
                collector.add(element.tail)
            continue
        if _skipped(element):
            if element is not root:
                collector.add(element.tail)
            continue
        collector.start(element.tag.lower())
        collector.add(element.text)
        stack.append((element, True))
        stack.extend((child, False) for child in reversed(element))
    collector.flush()
    return collector.blocks


def _own_text_length(element: etree._Element) -> int:
    return len(_HTML_SPACE.sub(" ", element.text_content()).strip())


def main_content(root: etree._Element) -> etree._Element:
    """The element holding the article: a page's one ``article`` or ``main``, else the
    element whose own paragraphs (and, at half weight, its children's) hold the most text."""
    for xpath in ("//article", "//main", "//*[@role='main']"):
        found = root.xpath(xpath)
        if len(found) == 1:
            return found[0]
    scores: dict[etree._Element, float] = {}
    for paragraph in root.iter("p", "pre", "blockquote"):
        length = _own_text_length(paragraph)
        if length < _MIN_SCORED_PARAGRAPH or any(_skipped(a) for a in paragraph.iterancestors()):
            continue
        parent = paragraph.getparent()
        if parent is None:
            continue
        scores[parent] = scores.get(parent, 0.0) + length
        grandparent = parent.getparent()
        if grandparent is not None:
            scores[grandparent] = scores.get(grandparent, 0.0) + length / 2
    return max(scores, key=scores.__getitem__) if scores else root


class HtmlReader(DocumentReader):
    name = "html"
    description = "an HTML page"
    extensions = (".html", ".htm", ".xhtml")
    empty_reason = "holds no text: only markup, scripts or menus"

    def identifies(self, data: bytes) -> bool:
        return _HTML_START.match(data[:1024].removeprefix(codecs.BOM_UTF8)) is not None

    def extract(self, data: bytes, options: ReadOptions) -> Extraction:
        root, encoding = parse_page(data)
        return Extraction(page_blocks(root, options), encoding)

