"""For input that is already one sentence per line (``--presplit``)."""

from __future__ import annotations

from aligner.segment.base import Span, Splitter, trim_span


class LineSplitter(Splitter):
    """Keeps each paragraph (one line, or one language run of it) as one sentence.

    This is how the aligner is measured on its own, without our splitting.
    """

    name = "lines"

    def split(self, text: str) -> list[Span]:
        start, end = trim_span(text, 0, len(text))
        return [(start, end)] if start < end else []
