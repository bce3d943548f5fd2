"""TMX 1.4b for translators' CAT tools (OmegaT, Trados, memoQ).

What the tools need, learnt by loading our files into OmegaT: a ``srclang`` on
the header (without it the whole file is rejected), ``xml:lang`` on every
variant, no ``<prop type="file">`` (OmegaT then restricts the unit to a file
of that name), never an empty ``<seg>``, and the text exactly as in the
document (no-break spaces included), or the CAT tool's segments will not match.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from lxml import etree

from aligner.export.base import BeadRow, PiecewiseExporter, bead_row
from aligner.model import AlignedDocument
from aligner.signature import package_version

LANG_CODES = {"ru": "ru-RU", "zh": "zh-CN"}
DOCTYPE = '<!DOCTYPE tmx SYSTEM "tmx14.dtd">'
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# Characters XML 1.0 cannot carry at all, not even escaped.
_XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_safe(text: str) -> str:
    """Drop the control characters XML forbids; the CSV keeps the original text."""
    return _XML_FORBIDDEN.sub("", text)


_BODY_OPEN = b"\n  <body>\n"
_BODY_EMPTY = b"  <body/>\n"
_TAIL = b"  </body>\n</tmx>\n"


class TmxExporter(PiecewiseExporter):
    """Streams: each document's units are serialised by lxml in a tree of their own and cut
    out of its ``<body>``, so the indentation, escaping and order are lxml's as for the
    whole file (pretty printing indents by depth only)."""

    name = "tmx"
    suffix = ".tmx"

    def __init__(self, min_score: float | None = None) -> None:
        self.min_score = min_score

    def _serialise(self, signature: str, rows: Iterable[BeadRow]) -> bytes:
        root = etree.Element("tmx", version="1.4")
        header = etree.SubElement(root, "header", {
            "creationtool": "ruzh-aligner",
            "creationtoolversion": package_version(),
            "segtype": "sentence",
            "o-tmf": "ruzh-aligner",
            "adminlang": "en",
            "srclang": LANG_CODES["ru"],
            "datatype": "plaintext",
        })
        etree.SubElement(header, "prop", type="x-signature").text = xml_safe(signature)
        body = etree.SubElement(root, "body")
        for row in rows:
            ru, zh = xml_safe(row.ru_text).strip(), xml_safe(row.zh_text).strip()
            if not ru or not zh:
                continue
            # --min-score filters the aligner's guesses; a bead a person edited or confirmed
            # is a reviewed translation unit whatever its score
            if (self.min_score is not None and row.status == "auto"
                    and (row.score is None or row.score < self.min_score)):
                continue
            tu = etree.SubElement(body, "tu")
            etree.SubElement(tu, "prop", type="x-doc").text = xml_safe(row.doc)
            etree.SubElement(tu, "prop", type="x-type").text = row.type
            etree.SubElement(tu, "prop", type="x-status").text = row.status
            if row.score is not None:
                etree.SubElement(tu, "prop", type="x-score").text = f"{row.score:.4f}"
            for lang, text in (("ru", ru), ("zh", zh)):
                tuv = etree.SubElement(tu, "tuv", {XML_LANG: LANG_CODES[lang]})
                etree.SubElement(tuv, "seg").text = text
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8", doctype=DOCTYPE,
                              pretty_print=True)

    def head(self, signature: str, empty: bool) -> bytes:
        whole = self._serialise(signature, ())
        if empty:
            return whole.removesuffix(b"</tmx>\n")
        return whole.removesuffix(_BODY_EMPTY + b"</tmx>\n") + _BODY_OPEN[1:]

    def piece(self, document: AlignedDocument) -> bytes:
        whole = self._serialise("", (bead_row(document, bead) for bead in document.beads))
        if not whole.endswith(_TAIL):  # an empty <body/>: no unit from this document
            return b""
        return whole[whole.index(_BODY_OPEN) + len(_BODY_OPEN):-len(_TAIL)]

    def tail(self, signature: str, empty: bool) -> bytes:
        return b"</tmx>\n" if empty else _TAIL
