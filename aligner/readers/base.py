"""The reader family's contract: a document's bytes in, one ``SourceFile`` out.

Every reader gives what the plain-text reader always gave: a text whose
paragraphs are its lines, and offsets into it.  A document reader (DOCX, PDF, …)
only says which paragraphs the document holds and where each one is in the
original (:class:`Block`); :class:`DocumentReader` lays them out as that text,
one paragraph a line, so that the language stage, the splitters and the
nothing-lost guarantee work on a Word file exactly as on a ``.txt``.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar, NamedTuple

from aligner.model import Locator, SourceFile


class ReadError(ValueError):
    """A file that cannot be used as text; str() names the problem, the caller adds the file."""


@dataclass(frozen=True)
class ReadOptions:
    """How documents are read; part of the run's settings, since the text depends on it."""

    # Keep only a web page's article body (see aligner.readers.html): menus, teasers and
    # comments in plain <div>s are not marked up as navigation on most news sites.
    main_text: bool = False


class Block(NamedTuple):
    """One paragraph of a document, and the place a translator finds it at (``table 2 row 3``)."""

    text: str
    locator: str


class Extraction(NamedTuple):
    """What a document reader found: its paragraphs in reading order, and the text's encoding."""

    blocks: Iterable[Block]
    encoding: str


class Reader(ABC):
    """Reads one kind of input file.

    The registry (:mod:`aligner.readers`) picks a reader by the file's extension,
    then asks every reader whether the content is theirs, so a Word file saved
    under ``.txt`` is named as such instead of being read as garbage.
    """

    name: ClassVar[str]
    description: ClassVar[str]  # "a DOCX document", for messages
    extensions: ClassVar[tuple[str, ...]] = ()  # lower case, with the dot; the first is shown

    def identifies(self, data: bytes) -> bool:
        """Whether the content alone shows the file is of this kind (default: it cannot)."""
        return False

    @abstractmethod
    def read(self, data: bytes, path: Path, rel: str, options: ReadOptions) -> SourceFile:
        """The file as text, or a ReadError saying in words why it cannot be used."""


# Everything that starts a new line for the language stage: inside a paragraph, a space.
_LINE_BREAKS = re.compile(r"[\r\n\u2028\u2029\x85\x0b\x0c]+")
PARAGRAPH_SEPARATOR = "\n\n"


class DocumentReader(Reader):
    """A reader of a structured document, whose text is extracted rather than read as it is."""

    #: why a document with no paragraphs cannot be used
    empty_reason: ClassVar[str] = "holds no text"

    @abstractmethod
    def extract(self, data: bytes, options: ReadOptions) -> Extraction:
        """The document's paragraphs; raises ReadError for a damaged or protected file."""

    def read(self, data: bytes, path: Path, rel: str, options: ReadOptions) -> SourceFile:
        extraction = self.extract(data, options)
        paragraphs: list[str] = []
        locators: list[Locator] = []
        offset = 0
        for block in extraction.blocks:
            text = _LINE_BREAKS.sub(" ", block.text).strip()
            if not text:
                continue
            locators.append(Locator(offset, block.locator))
            paragraphs.append(text)
            offset += len(text) + len(PARAGRAPH_SEPARATOR)
        if not paragraphs:
            raise ReadError(self.empty_reason)
        return SourceFile(path=path, rel=rel, text=PARAGRAPH_SEPARATOR.join(paragraphs) + "\n",
                          encoding=extraction.encoding, format=self.name,
                          locators=tuple(locators))
