"""The plain records that carry a corpus through the pipeline.

Every stage takes and returns these, so a stage can be tested, replaced or run
on its own.  Offsets are Python string indices into the decoded text of one
file, ``[start, end)``, from the first stage to the last: that is what lets the
export point a translator back at the exact characters in the file.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

Lang = Literal["ru", "zh"]
LANGS: tuple[Lang, Lang] = ("ru", "zh")
BeadStatus = Literal["auto", "edited", "confirmed"]


@dataclass(frozen=True)
class Locator:
    """Where the paragraph starting at offset ``start`` of the text lies in the original file.

    A document's extracted text has its own offsets; ``label`` (``p 12``, ``table 2 row 3``,
    ``page 4``, ``chapter 3 p 5``) is how a translator finds the place in Word or a reader.
    """

    start: int
    label: str


@dataclass(frozen=True)
class SourceFile:
    """One input file as text; ``text`` is what all offsets point into.

    For plain text that is the decoded file itself.  For every other ``format`` (``docx``,
    ``pdf``, …) it is the text a reader extracted, one paragraph a line, which the run
    writes out beside its outputs so the offsets can be followed; ``locators`` (sorted by
    offset, one per paragraph) lead from it back to the original.
    """

    path: Path
    rel: str  # path relative to the corpus folder, POSIX style, as shown to users
    text: str
    encoding: str
    format: str = "text"
    locators: tuple[Locator, ...] = ()

    @property
    def is_extracted(self) -> bool:
        """Whether ``text`` was extracted from a document rather than read as it is."""
        return self.format != "text"

    def locator_at(self, offset: int) -> str:
        """The locator of the paragraph holding ``offset``; empty for plain text."""
        index = bisect.bisect_right(self.locators, offset, key=lambda locator: locator.start) - 1
        return self.locators[index].label if index >= 0 else ""


@dataclass(frozen=True)
class Paragraph:
    """A run of one language inside one line of a file.

    ``index`` numbers the non-empty lines of the file from 0; the two runs cut
    from a mixed line share it, which keeps "which line was this" answerable.
    """

    index: int
    start: int
    end: int
    lang: Lang


@dataclass(frozen=True)
class Document:
    """One language side of one document: the paragraphs of that language in a file."""

    doc_id: str
    lang: Lang
    file: SourceFile
    paragraphs: tuple[Paragraph, ...]

    def paragraph_text(self, paragraph: Paragraph) -> str:
        return self.file.text[paragraph.start : paragraph.end]


@dataclass(frozen=True)
class DocumentPair:
    """A Russian document and its Chinese counterpart; one side is None when unpaired."""

    doc_id: str
    ru: Document | None
    zh: Document | None

    @property
    def is_paired(self) -> bool:
        return self.ru is not None and self.zh is not None

    def side(self, lang: Lang) -> Document | None:
        return self.ru if lang == "ru" else self.zh


@dataclass(frozen=True)
class Sentence:
    """A sentence exactly as it stands in the file, with its place in it."""

    text: str
    start: int
    end: int
    paragraph: int


@dataclass(frozen=True)
class Bead:
    """A group of consecutive Russian and Chinese sentences aligned with each other.

    Indices point into the pair's sentence lists; an empty side means the other
    side's sentences have no translation.  ``score`` is in [0, 1] (None where no
    aligner looked at the bead, i.e. in an unpaired document).
    """

    ru: tuple[int, ...]
    zh: tuple[int, ...]
    score: float | None
    # "auto" as the aligner left it; "edited" or "confirmed" once a translator reviewed it,
    # which is what lets a re-run keep the bead and --min-score never drop a confirmed one
    status: BeadStatus = "auto"

    @property
    def type(self) -> str:
        return f"{len(self.ru)}-{len(self.zh)}"


@dataclass(frozen=True)
class AlignedDocument:
    """The aligner's answer for one document pair (or one unpaired document)."""

    pair: DocumentPair
    ru_sentences: tuple[Sentence, ...]
    zh_sentences: tuple[Sentence, ...]
    beads: tuple[Bead, ...]

    def sentences(self, lang: Lang) -> tuple[Sentence, ...]:
        return self.ru_sentences if lang == "ru" else self.zh_sentences

    def sentence_id(self, lang: Lang, index: int) -> str:
        """``ru:120-184``: the sentence's language and offsets in its document's text.

        Offsets, not row numbers, so that the id stays the same across runs for as long as
        the text before and inside the sentence is unchanged; corrections are keyed by it.
        """
        sentence = self.sentences(lang)[index]
        return f"{lang}:{sentence.start}-{sentence.end}"

    def bead_id(self, bead: Bead) -> str:
        """``DOC/ru:120-184``: the document and the bead's first sentence (Russian if any).

        A sentence lies in exactly one bead, so this is unique within a run and survives
        edits elsewhere in the document.
        """
        lang, ids = ("ru", bead.ru) if bead.ru else ("zh", bead.zh)
        return f"{self.pair.doc_id}/{self.sentence_id(lang, ids[0])}"


@dataclass(frozen=True)
class FileProblem:
    """An input file that could not be used, and why, in words a user can act on."""

    rel: str
    reason: str


@dataclass(frozen=True)
class DocumentMatch:
    """A Russian and a Chinese document paired by content, and the evidence score for it."""

    ru_doc_id: str
    zh_doc_id: str
    score: float


@dataclass
class CorpusResult:
    """Everything one run produced, ready for the exporters and the summary."""

    documents: list[AlignedDocument]
    problems: list[FileProblem] = field(default_factory=list)
    files_read: int = 0
    signature: str = ""
    matches: list[DocumentMatch] = field(default_factory=list)  # pairs found by content
