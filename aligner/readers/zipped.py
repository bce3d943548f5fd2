"""What the ZIP-based formats share: opening the archive, and telling DOCX, ODT and EPUB apart.

All three are ZIP archives, so neither the extension nor the first bytes say which
one a file is; the members do (``word/document.xml``, the ``mimetype`` member).
"""

from __future__ import annotations

import io
import zipfile
import zlib
from typing import TYPE_CHECKING

from lxml import etree

from aligner.readers.base import ReadError

if TYPE_CHECKING:
    from aligner.readers.base import Reader

_ZIP = b"PK\x03\x04"
# More than this unpacked is no document a translator sends, but a ZIP bomb.
MAX_UNPACKED_BYTES = 1 << 30
_MIMETYPES = {
    b"application/vnd.oasis.opendocument.text": "odt",
    b"application/epub+zip": "epub",
}


def _archive(data: bytes) -> zipfile.ZipFile | None:
    if not data.startswith(_ZIP):
        return None
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, EOFError):
        return None


def zip_kind(data: bytes) -> str | None:
    """``docx``, ``odt`` or ``epub`` when the archive's members say so, else None."""
    archive = _archive(data)
    if archive is None:
        return None
    names = set(archive.namelist())
    if "word/document.xml" in names:
        return "docx"
    if "mimetype" in names:
        try:
            return _MIMETYPES.get(archive.read("mimetype").strip())
        except (zipfile.BadZipFile, KeyError, ValueError, EOFError, OSError):
            return None
    return None


def parse_xml(data: bytes) -> etree._Element:
    """Parse a member's XML without expanding entities or fetching anything: a document
    from a stranger must not pull a local file's text (an external entity) into the output.
    (lxml refuses external entities by default since 5.0; this says so whatever the version.)"""
    return etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))


def open_zip(data: bytes, reader: Reader) -> zipfile.ZipFile:
    """The archive of a ZIP-based document, or a ReadError saying it is damaged."""
    archive = _archive(data)
    if archive is None:
        raise ReadError(f"is damaged: {reader.description} is a ZIP archive, and this is not "
                        "a complete one (cut short in a download or a copy?)")
    unpacked = sum(member.file_size for member in archive.infolist())
    if unpacked > MAX_UNPACKED_BYTES:
        raise ReadError(f"unpacks to {unpacked / (1 << 30):.1f} GB, more than any document "
                        "holds (a ZIP bomb?): not read")
    try:
        broken = archive.testzip()
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError) as error:
        raise ReadError(f"is damaged: its ZIP archive cannot be unpacked ({error})") from None
    if broken is not None:
        raise ReadError(f"is damaged: the member {broken} of its ZIP archive fails its checksum")
    return archive
