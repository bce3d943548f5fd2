"""E-books: the chapters in reading order, each read as a web page.

An EPUB is a ZIP archive: ``META-INF/container.xml`` names the package file
(OPF), whose manifest lists the content documents and whose spine gives their
reading order; each is XHTML, read by :mod:`aligner.readers.html`.  Read with
zipfile and lxml: EbookLib, the usual library, is AGPL.

A book with DRM has its chapters encrypted (``META-INF/encryption.xml`` lists
them, or Adobe's ``rights.xml`` is there) and is refused as such.  Font
obfuscation, which many unprotected books use, encrypts fonts only and is no
reason to refuse a book.
"""

from __future__ import annotations

import posixpath
import zipfile
from urllib.parse import unquote

from lxml import etree

from aligner.readers.base import Block, DocumentReader, Extraction, ReadError, ReadOptions
from aligner.readers.html import page_blocks, parse_page
from aligner.readers.zipped import open_zip, parse_xml, zip_kind

_CONTAINER = "{urn:oasis:names:tc:opendocument:xmlns:container}"
_OPF = "{http://www.idpf.org/2007/opf}"
_ENCRYPTION = "{http://www.w3.org/2001/04/xmlenc#}"
# Font obfuscation (IDPF's and Adobe's): fonts only, the text is plain.
_FONT_OBFUSCATION = frozenset({"http://www.idpf.org/2008/embedding",
                               "http://ns.adobe.com/pdf/enc#RC"})
_CONTENT_TYPES = frozenset({"application/xhtml+xml", "text/html"})


def _xml(archive: zipfile.ZipFile, name: str) -> etree._Element:
    try:
        return parse_xml(archive.read(name))
    except KeyError:
        raise ReadError(f"is damaged: it has no {name}") from None
    except etree.XMLSyntaxError as error:
        raise ReadError(f"is damaged: {name} is not well-formed XML ({error})") from None


def _refuse_drm(archive: zipfile.ZipFile) -> None:
    names = set(archive.namelist())
    if "META-INF/rights.xml" in names:
        raise ReadError("is protected by DRM (Adobe ADEPT): its chapters are encrypted; "
                        "only a DRM-free copy can be read")
    if "META-INF/encryption.xml" not in names:
        return
    encryption = _xml(archive, "META-INF/encryption.xml")
    for method in encryption.iter(f"{_ENCRYPTION}EncryptionMethod"):
        if method.get("Algorithm") not in _FONT_OBFUSCATION:
            raise ReadError("is protected by DRM (META-INF/encryption.xml encrypts its "
                            "content with " + str(method.get("Algorithm")) + "); only a DRM-free "
                            "copy can be read")


def _spine(archive: zipfile.ZipFile) -> list[str]:
    """The archive names of the content documents, in reading order."""
    container = _xml(archive, "META-INF/container.xml")
    rootfile = container.find(f".//{_CONTAINER}rootfile")
    if rootfile is None or not rootfile.get("full-path"):
        raise ReadError("is damaged: META-INF/container.xml names no package file")
    opf_name = rootfile.get("full-path")
    package = _xml(archive, opf_name)
    base = posixpath.dirname(opf_name)
    manifest = {item.get("id"): item for item in package.iter(f"{_OPF}item")}
    spine = []
    for itemref in package.iter(f"{_OPF}itemref"):
        item = manifest.get(itemref.get("idref"))
        if item is None or item.get("media-type") not in _CONTENT_TYPES:
            continue
        spine.append(posixpath.normpath(posixpath.join(base, unquote(item.get("href", "")))))
    if not spine:
        raise ReadError(f"is damaged: the spine of {opf_name} lists no content document")
    return spine


class EpubReader(DocumentReader):
    name = "epub"
    description = "an EPUB e-book"
    extensions = (".epub",)
    empty_reason = "holds no text: its chapters are empty (images only?)"

    def identifies(self, data: bytes) -> bool:
        return zip_kind(data) == self.name

    def extract(self, data: bytes, options: ReadOptions) -> Extraction:
        archive = open_zip(data, self)
        _refuse_drm(archive)
        blocks: list[Block] = []
        chapter = 0
        for name in _spine(archive):
            try:
                page = archive.read(name)
            except KeyError:
                raise ReadError(f"is damaged: its spine lists {name}, which is missing") from None
            if not page.strip():
                continue
            root, _ = parse_page(page)
            found = page_blocks(root, options, prefix=f"chapter {chapter + 1} ")
            if found:
                chapter += 1
                blocks.extend(found)
        return Extraction(blocks, "utf_8")

