"""Word documents (DOCX): the text as Word shows it with every change accepted.

The body is walked in document order, so paragraphs and table cells come as
they stand (python-docx's ``Document.paragraphs`` skips tables; its
``iter_inner_content`` skips content controls, which hold real text in many
templates, so the body element is walked here directly).  python-docx opens the
package and finds its parts (body, styles, footnotes, endnotes) through their
relationships.  Then:

* headings are paragraphs like any other; a table cell's paragraphs are
  paragraphs located ``table 2 row 3``;
* a text box's paragraphs follow the paragraph that anchors it;
* footnotes and endnotes come after the body, each note its own paragraph(s);
* tracked changes read as accepted: insertions are text, deletions are not;
* a field's code is never text, and neither is its result, which Word
  computes (a page number, a date, a table of contents repeating the
  headings), except a hyperlink's, which is the words the author wrote;
* hidden text (``w:vanish``, directly or through its character style) is left
  out, and so are headers and footers, which repeat on every page.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field

import docx
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.opc.exceptions import PackageNotFoundError
from lxml import etree

from aligner.readers.base import Block, DocumentReader, Extraction, ReadError, ReadOptions
from aligner.readers.zipped import open_zip, parse_xml, zip_kind

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_CFB = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")
# Elements whose content is never the document's text as accepted.
_NOT_TEXT = frozenset(f"{_W}{tag}" for tag in (
    "del", "moveFrom", "delText", "rPr", "pPr", "tblPr", "trPr", "tcPr",
    "sectPr", "commentReference", "footnoteReference", "endnoteReference", "txbxContent",
)) | {_MC_FALLBACK}
_CHARACTERS = {f"{_W}tab": "\t", f"{_W}br": " ", f"{_W}cr": " ", f"{_W}noBreakHyphen": "-"}
_KEPT_FIELDS = ("HYPERLINK",)  # fields whose result is the author's words


def _on(element: etree._Element | None) -> bool:
    """Whether a WordprocessingML toggle (``<w:vanish/>``, ``w:val="0"``…) is on."""
    return element is not None and element.get(f"{_W}val", "true") not in ("0", "false", "off")


def _hidden_styles(styles: etree._Element) -> frozenset[str]:
    """The ids of the character and paragraph styles that hide text, following ``basedOn``."""
    own: dict[str, bool] = {}
    parent: dict[str, str] = {}
    for style in styles.iter(f"{_W}style"):
        style_id = style.get(f"{_W}styleId", "")
        own[style_id] = _on(style.find(f"{_W}rPr/{_W}vanish"))
        based_on = style.find(f"{_W}basedOn")
        if based_on is not None:
            parent[style_id] = based_on.get(f"{_W}val", "")
    hidden = set()
    for style_id in own:
        seen, current = set(), style_id
        while current in own and current not in seen:
            if own[current]:
                hidden.add(style_id)
                break
            seen.add(current)
            current = parent.get(current, "")
    return frozenset(hidden)


@dataclass
class _Field:
    """A complex field being read: its code so far, and whether its result has started."""

    code: str = ""
    in_result: bool = False

    @property
    def shows_result(self) -> bool:
        return self.in_result and self.code.strip().upper().startswith(_KEPT_FIELDS)


@dataclass
class _Text:
    """The text of one paragraph, gathered run by run."""

    hidden_styles: frozenset[str]
    parts: list[str] = field(default_factory=list)
    fields: list[_Field] = field(default_factory=list)

    def visible(self) -> bool:
        return all(f.shows_result for f in self.fields)

    def run_hidden(self, run: etree._Element) -> bool:
        properties = run.find(f"{_W}rPr")
        if properties is None:
            return False
        style = properties.find(f"{_W}rStyle")
        return _on(properties.find(f"{_W}vanish")) or (
            style is not None and style.get(f"{_W}val") in self.hidden_styles)

    def read(self, element: etree._Element) -> None:
        for child in element:
            tag = child.tag
            if not isinstance(tag, str) or tag in _NOT_TEXT:
                continue
            if tag == f"{_W}fldChar":
                kind = child.get(f"{_W}fldCharType")
                if kind == "begin":
                    self.fields.append(_Field())
                elif kind == "separate" and self.fields:
                    self.fields[-1].in_result = True
                elif kind == "end" and self.fields:
                    self.fields.pop()
            elif tag == f"{_W}instrText" and self.fields:
                self.fields[-1].code += child.text or ""
            elif tag == f"{_W}fldSimple":
                if child.get(f"{_W}instr", "").strip().upper().startswith(_KEPT_FIELDS):
                    self.read(child)
            elif tag == f"{_W}r":
                if not self.run_hidden(child):
                    self.read(child)
            elif tag == f"{_W}t":
                if self.visible():
                    self.parts.append(child.text or "")
            elif tag in _CHARACTERS:
                if self.visible():
                    self.parts.append(_CHARACTERS[tag])
            else:
                self.read(child)


def paragraph_text(paragraph: etree._Element, hidden_styles: frozenset[str]) -> str:
    text = _Text(hidden_styles)
    text.read(paragraph)
    return "".join(text.parts)


@dataclass
class _Body:
    """Walks a story (the body, a note) into blocks, numbering paragraphs and tables."""

    hidden_styles: frozenset[str]
    blocks: list[Block] = field(default_factory=list)
    paragraphs: int = 0
    tables: int = 0
    text_boxes: int = 0

    def paragraph(self, element: etree._Element, where: str | None) -> None:
        text = paragraph_text(element, self.hidden_styles)
        if text.strip():
            if where is None:
                self.paragraphs += 1
            self.blocks.append(Block(text, where or f"p {self.paragraphs}"))
        for box in _text_boxes(element):
            self.text_boxes += 1
            for inner in box.iter(f"{_W}p"):
                if next(inner.iterancestors(f"{_W}txbxContent")) is box:
                    self.paragraph_alone(inner, f"text box {self.text_boxes}")

    def paragraph_alone(self, element: etree._Element, where: str) -> None:
        text = paragraph_text(element, self.hidden_styles)
        if text.strip():
            self.blocks.append(Block(text, where))

    def story(self, container: etree._Element, where: str | None = None) -> None:
        """Paragraphs, tables and content controls in order; ``where`` fixes the locator."""
        for child in container:
            if child.tag == f"{_W}p":
                self.paragraph(child, where)
            elif child.tag == f"{_W}tbl":
                self.table(child, where)
            elif child.tag == f"{_W}sdt":
                if not _is_table_of_contents(child):
                    for content in child.iter(f"{_W}sdtContent"):
                        self.story(content, where)
                        break
            elif child.tag in (f"{_W}customXml", f"{_W}ins", f"{_W}moveTo"):
                self.story(child, where)

    def table(self, table: etree._Element, where: str | None) -> None:
        if where is None:
            self.tables += 1
        number = self.tables
        row_number = 0
        for row in _rows(table):
            if _on(row.find(f"{_W}trPr/{_W}del")):
                continue  # a deleted row: the change is accepted
            row_number += 1
            for cell in row.iter(f"{_W}tc"):
                if next(cell.iterancestors(f"{_W}tr")) is row:
                    self.story(cell, where or f"table {number} row {row_number}")


def _rows(table: etree._Element) -> Iterator[etree._Element]:
    for row in table.iter(f"{_W}tr"):
        if next(row.iterancestors(f"{_W}tbl")) is table:
            yield row


def _text_boxes(paragraph: etree._Element) -> Iterator[etree._Element]:
    """The text boxes anchored in a paragraph, each once (the VML fallback copy is skipped)."""
    for box in paragraph.iter(f"{_W}txbxContent"):
        ancestors = list(box.iterancestors())
        inside = ancestors[: ancestors.index(paragraph)]
        if any(a.tag in (_MC_FALLBACK, f"{_W}txbxContent", f"{_W}del") for a in inside):
            continue
        yield box


def _is_table_of_contents(sdt: etree._Element) -> bool:
    gallery = sdt.find(f"{_W}sdtPr/{_W}docPartObj/{_W}docPartGallery")
    return gallery is not None and "Table of Contents" in gallery.get(f"{_W}val", "")


def _notes(document: docx.document.Document, relationship: str, tag: str, name: str,
           body: _Body) -> None:
    for related in document.part.rels.values():
        if related.reltype != relationship or related.is_external:
            continue
        root = parse_xml(related.target_part.blob)
        number = 0
        for note in root.iter(f"{_W}{tag}"):
            if note.get(f"{_W}type", "normal") != "normal":
                continue  # the separator lines
            number += 1
            body.story(note, f"{name} {number}")


class DocxReader(DocumentReader):
    name = "docx"
    description = "a DOCX document"
    extensions = (".docx",)
    empty_reason = "holds no text (its pages hold only images, or hidden text?)"

    def identifies(self, data: bytes) -> bool:
        return zip_kind(data) == self.name

    def extract(self, data: bytes, options: ReadOptions) -> Extraction:
        if data.startswith(_CFB):
            if _ENCRYPTED_PACKAGE in data:
                raise ReadError("is password-protected: save it without a password "
                                "(Word: File > Info > Protect Document) to have it read")
            raise ReadError("is an old binary Word document (.doc) under a .docx name: "
                            "save it as .docx")
        open_zip(data, self)
        try:
            document = docx.Document(io.BytesIO(data))
        except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile,
                etree.XMLSyntaxError) as error:
            raise ReadError(f"is damaged: {type(error).__name__}: {error}") from None
        body = _Body(_hidden_styles(document.styles.element))
        body.story(document.element.body)
        _notes(document, RELATIONSHIP_TYPE.FOOTNOTES, "footnote", "footnote", body)
        _notes(document, RELATIONSHIP_TYPE.ENDNOTES, "endnote", "endnote", body)
        return Extraction(body.blocks, "utf_8")
