"""Russian sentences with ``sentence-splitter`` (Koehn's Moses splitter, language ``ru``)."""

from __future__ import annotations

from importlib.metadata import version

from sentence_splitter import SentenceSplitter

from aligner.segment.base import Span, Splitter, spans_from_cuts


class RussianSplitter(Splitter):
    """Moses-style splitting with Russian non-breaking prefixes (``г.``, ``т. е.``, initials)."""

    name = "ru-moses"

    def __init__(self) -> None:
        self._splitter = SentenceSplitter(language="ru")

    @property
    def signature(self) -> str:
        return f"{self.name}@sentence-splitter-{version('sentence-splitter')}"

    def split(self, text: str) -> list[Span]:
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
        return spans_from_cuts(text, cuts)
