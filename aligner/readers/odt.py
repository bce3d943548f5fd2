"""LibreOffice documents (ODT): the same structure as a Word file, from ``content.xml``.

Read with zipfile and lxml: the format is one XML file, and what we need of it
is a walk in document order.  As for DOCX (see :mod:`aligner.readers.docx`):
paragraphs and headings (lists included) are paragraphs, a table cell's
paragraphs are located ``table 2 row 3``, a frame's text box follows its
anchoring paragraph, footnotes and endnotes (written inline in ODF) come after
the body; tracked changes read as accepted (the deleted text lives in
``text:tracked-changes``, which is skipped); fields that the office suite
computes (page numbers, dates, a table of contents) and hidden text are left out.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field

from lxml import etree

from aligner.readers.base import Block, DocumentReader, Extraction, ReadError, ReadOptions
from aligner.readers.zipped import open_zip, parse_xml, zip_kind

_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_DRAW = "{urn:oasis:names:tc:opendocument:xmlns:drawing:1.0}"
_MANIFEST = "{urn:oasis:names:tc:opendocument:xmlns:manifest:1.0}"
_PARAGRAPHS = (f"{_TEXT}p", f"{_TEXT}h")
_XML_SPACE = re.compile(r"[ \t\r\n]+")
# Inside a paragraph: computed fields, hidden text, notes and frames (read elsewhere), comments.
_NOT_TEXT = frozenset({
    *(f"{_TEXT}{tag}" for tag in (
        "page-number", "page-count", "page-continuation", "date", "time", "chapter",
        "file-name", "template-name", "sheet-name", "word-count", "character-count",
        "paragraph-count", "hidden-text", "hidden-paragraph", "conditional-text",
        "sequence", "note", "bookmark-ref", "reference-ref", "note-ref", "sequence-ref",
        "tracked-changes", "soft-page-break")),
    f"{_OFFICE}annotation", f"{_OFFICE}annotation-end", f"{_DRAW}frame", f"{_DRAW}a",
})
# Whole blocks that are not the author's text: indexes repeat the headings they list.
_SKIPPED_BLOCKS = frozenset(f"{_TEXT}{tag}" for tag in (
    "table-of-content", "alphabetical-index", "illustration-index", "table-index",
    "object-index", "user-index", "bibliography", "tracked-changes", "sequence-decls",
    "variable-decls", "user-field-decls"))


def _paragraph_text(paragraph: etree._Element) -> str:
    """The paragraph's text; ODF collapses white space in the XML, ``text:s`` is a real space."""
    parts: list[str] = []

    def read(element: etree._Element) -> None:
        parts.append(_XML_SPACE.sub(" ", element.text or ""))
        for child in element:
            tag = child.tag
            if not isinstance(tag, str) or tag in _NOT_TEXT:
                pass
            elif tag == f"{_TEXT}s":
                parts.append(" " * int(child.get(f"{_TEXT}c", "1")))
            elif tag == f"{_TEXT}tab":
                parts.append("\t")
            elif tag == f"{_TEXT}line-break":
                parts.append(" ")
            else:
                read(child)
            parts.append(_XML_SPACE.sub(" ", child.tail or ""))

    read(paragraph)
    return "".join(parts)


@dataclass
class _Body:
    blocks: list[Block] = field(default_factory=list)
    notes: list[tuple[str, etree._Element]] = field(default_factory=list)
    paragraphs: int = 0
    tables: int = 0
    text_boxes: int = 0

    def story(self, container: etree._Element, where: str | None = None) -> None:
        for child in container:
            tag = child.tag
            if not isinstance(tag, str) or tag in _SKIPPED_BLOCKS:
                continue
            if tag in _PARAGRAPHS:
                self.paragraph(child, where)
            elif tag == f"{_TABLE}table":
                self.table(child, where)
            else:  # lists, list items, sections, headers of tables: containers of paragraphs
                self.story(child, where)

    def paragraph(self, paragraph: etree._Element, where: str | None) -> None:
        if paragraph.get(f"{_TEXT}is-hidden") == "true":
            return
        text = _paragraph_text(paragraph)
        if text.strip():
            if where is None:
                self.paragraphs += 1
            self.blocks.append(Block(text, where or f"p {self.paragraphs}"))
        for element in paragraph.iter(f"{_TEXT}note", f"{_DRAW}text-box"):
            if next(element.iterancestors(*_PARAGRAPHS)) is not paragraph:
                continue  # inside a note or box of this paragraph: read with it
            if element.tag == f"{_TEXT}note":
                self.notes.append((element.get(f"{_TEXT}note-class", "footnote"), element))
            else:
                self.text_boxes += 1
                self.story(element, f"text box {self.text_boxes}")

    def table(self, table: etree._Element, where: str | None) -> None:
        if where is None:
            self.tables += 1
        number, row_number = self.tables, 0
        for row in table.iter(f"{_TABLE}table-row"):
            if next(row.iterancestors(f"{_TABLE}table")) is not table:
                continue
            row_number += 1
            for cell in row.iterchildren(f"{_TABLE}table-cell"):
                self.story(cell, where or f"table {number} row {row_number}")

    def read_notes(self) -> None:
        """The notes after the body, each numbered within its class, as the reader sees them."""
        numbers = {"footnote": 0, "endnote": 0}
        notes, self.notes = self.notes, []
        for note_class, note in notes:
            numbers[note_class] = numbers.get(note_class, 0) + 1
            note_body = note.find(f"{_TEXT}note-body")
            if note_body is not None:
                self.story(note_body, f"{note_class} {numbers[note_class]}")
        if self.notes:  # a note inside a note
            self.read_notes()


def _refuse_encrypted(archive: zipfile.ZipFile) -> None:
    try:
        manifest = parse_xml(archive.read("META-INF/manifest.xml"))
    except (KeyError, etree.XMLSyntaxError):
        return
    for entry in manifest.iter(f"{_MANIFEST}file-entry"):
        if (entry.get(f"{_MANIFEST}full-path") == "content.xml"
                and entry.find(f"{_MANIFEST}encryption-data") is not None):
            raise ReadError("is password-protected: save it without a password "
                            "(LibreOffice: File > Properties > Security) to have it read")


class OdtReader(DocumentReader):
    name = "odt"
    description = "an ODT document"
    extensions = (".odt",)
    empty_reason = "holds no text (its pages hold only images, or hidden text?)"

    def identifies(self, data: bytes) -> bool:
        return zip_kind(data) == self.name

    def extract(self, data: bytes, options: ReadOptions) -> Extraction:
        archive = open_zip(data, self)
        _refuse_encrypted(archive)
        try:
            content = parse_xml(archive.read("content.xml"))
        except KeyError:
            raise ReadError("is damaged: it has no content.xml") from None
        except etree.XMLSyntaxError as error:
            raise ReadError(f"is damaged: content.xml is not well-formed XML ({error})") from None
        text = content.find(f"{_OFFICE}body/{_OFFICE}text")
        if text is None:
            raise ReadError("is not a text document: content.xml has no office:text body")
        body = _Body()
        body.story(text)
        body.read_notes()
        return Extraction(body.blocks, "utf_8")
