"""Reading input files: a reader per format, chosen by extension and confirmed by content.

| reader | extensions | module |
|---|---|---|
| ``text`` | anything not below (``.txt``, none, …) | :mod:`aligner.readers.text` |
| ``docx`` | ``.docx`` | :mod:`aligner.readers.docx` |
| ``odt`` | ``.odt`` | :mod:`aligner.readers.odt` |
| ``html`` | ``.html``, ``.htm``, ``.xhtml`` | :mod:`aligner.readers.html` |
| ``epub`` | ``.epub`` | :mod:`aligner.readers.epub` |
| ``pdf`` | ``.pdf`` | :mod:`aligner.readers.pdf` |
| ``markdown`` | ``.md``, ``.markdown`` | :mod:`aligner.readers.markdown` |

A new format is one module with a :class:`~aligner.readers.base.Reader` subclass,
listed in ``READERS``.
"""

from __future__ import annotations

import stat
from pathlib import Path

from aligner.model import SourceFile
from aligner.readers.base import Reader, ReadError, ReadOptions
from aligner.readers.docx import DocxReader
from aligner.readers.epub import EpubReader
from aligner.readers.html import HtmlReader
from aligner.readers.markdown import MarkdownReader
from aligner.readers.odt import OdtReader
from aligner.readers.pdf import PdfReader
from aligner.readers.text import TextReader, decode
from aligner.readers.walk import describe_mode, find_files, os_reason, walk_corpus

READERS: dict[str, Reader] = {reader.name: reader for reader in (
    TextReader(), DocxReader(), OdtReader(), HtmlReader(), EpubReader(), PdfReader(),
    MarkdownReader())}
_BY_EXTENSION = {extension: reader for reader in READERS.values()
                 for extension in reader.extensions}

__all__ = ["READERS", "ReadError", "ReadOptions", "Reader", "decode", "find_files",
           "read_file", "reader_for", "walk_corpus"]


def reader_for(path: Path) -> Reader:
    """The reader a file's extension names; plain text for any other extension."""
    return _BY_EXTENSION.get(path.suffix.lower(), READERS["text"])


def read_file(path: Path, root: Path, options: ReadOptions | None = None) -> SourceFile:
    """Read one file with its format's reader; ``rel`` is its path relative to the corpus."""
    try:
        # Checked before opening: opening a named pipe would wait for a writer forever.
        mode = path.stat().st_mode
        if not stat.S_ISREG(mode):
            raise ReadError(f"cannot be read: it is {describe_mode(mode)}, not a file")
        data = path.read_bytes()
    except OSError as error:
        raise ReadError(os_reason(path, error)) from None
    if not data:
        raise ReadError("file is empty")
    reader = reader_for(path)
    actual = next((other for other in READERS.values() if other.identifies(data)), reader)
    if actual is not reader:
        raise ReadError(f"is {actual.description}, not {reader.description}: rename it "
                        f"{actual.extensions[0]} to have it read as one")
    rel = path.relative_to(root).as_posix()
    try:
        return reader.read(data, path, rel, options or ReadOptions())
    except ReadError:
        raise
    except Exception as error:  # a parser's surprise on a strange file is about this file only
        raise ReadError(f"cannot be read as {reader.description}: "
                        f"{type(error).__name__}: {error}") from None
