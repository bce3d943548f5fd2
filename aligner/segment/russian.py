"""Russian sentences with ``sentence-splitter`` (Koehn's Moses splitter, language ``ru``)."""

from __future__ import annotations

import re
from importlib.metadata import version

from sentence_splitter import SentenceSplitter

from aligner.segment.base import Span, Splitter, join_fragments, spans_from_cuts

#: Longer paragraphs go to the library in pieces: it builds its answer by repeated string
#: concatenation, so its time grows with the square of the length (minutes for 5 MB).
MAX_PIECE = 10_000
# Where a piece may end: after a sentence's final punctuation (and closing quotes) and a space.
_SENTENCE_END = re.compile(r"[.!?…][»\"”')]*\s+")


class RussianSplitter(Splitter):
    """Moses-style splitting with Russian non-breaking prefixes (``г.``, ``т. е.``, initials)."""

    name = "ru-moses-v3"  # v2: long paragraphs split in pieces; v3: fragments joined

    def __init__(self) -> None:
        self._splitter = SentenceSplitter(language="ru")

    @property
    def signature(self) -> str:
        return f"{self.name}@sentence-splitter-{version('sentence-splitter')}"

    def split(self, text: str) -> list[Span]:
        """Cut long paragraphs into pieces at sentence ends, and split each piece."""
        cuts: list[int] = []
        start = 0
        while len(text) - start > MAX_PIECE:
            ends = [m.end() for m in _SENTENCE_END.finditer(text, start, start + MAX_PIECE)]
            end = ends[-1] if ends and ends[-1] > start else start + MAX_PIECE
            cuts += [start + cut for cut in self._cuts(text[start:end])] + [end]
            start = end
        cuts += [start + cut for cut in self._cuts(text[start:])]
        return join_fragments(text, spans_from_cuts(text, cuts))

    def _cuts(self, text: str) -> list[int]:
        """Map the library's sentences back onto ``text`` by counting non-space characters.

        The library strips and folds white space, so its strings cannot be
        searched for; its non-space characters, though, come back one for one,
        which fixes each cut exactly.
        """
        cuts = []
        position = 0
        for sentence in self._splitter.split(text)[:-1]:
            remaining = sum(not char.isspace() for char in sentence)
            while remaining and position < len(text):
                if not text[position].isspace():
                    remaining -= 1
                position += 1
            cuts.append(position)
        return cuts
