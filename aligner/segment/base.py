"""The splitter family: a paragraph in, sentence spans out.

Splitters return spans, never rewritten strings, so that every sentence can
be traced to its characters in the file and nothing can silently go missing.
"""

from __future__ import annotations

import itertools
from abc import ABC, abstractmethod

from aligner.model import Document, Sentence

Span = tuple[int, int]


class Splitter(ABC):
    """Splits one paragraph into sentences."""

    #: registry name, recorded in the run signature
    name: str = ""

    @property
    def signature(self) -> str:
        return self.name

    @abstractmethod
    def split(self, text: str) -> list[Span]:
        """Sentence spans ``[start, end)`` into ``text``, in order, trimmed of white space.

        Together they must cover every non-space character of ``text``.
        """

    def split_document(self, document: Document) -> tuple[Sentence, ...]:
        """All sentences of one side of a document, with offsets into its file."""
        sentences = []
        for paragraph in document.paragraphs:
            text = document.paragraph_text(paragraph)
            for start, end in self.split(text):
                sentences.append(Sentence(text=text[start:end], start=paragraph.start + start,
                                          end=paragraph.start + end, paragraph=paragraph.index))
        return tuple(sentences)


def trim_span(text: str, start: int, end: int) -> Span:
    """Narrow ``[start, end)`` to exclude white space at either end."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def is_fragment(text: str) -> bool:
    """A "sentence" with no letter or digit: a stray quote or full stop, never a bead."""
    return not any(char.isalnum() for char in text)


def join_fragments(text: str, spans: list[Span]) -> list[Span]:
    """``spans`` with each fragment joined to its neighbour: the sentence before it, or the
    one after when it comes first in the paragraph (a stray opening quote).  A paragraph that
    is nothing but a fragment keeps it, so that no character is lost."""
    joined: list[Span] = []
    for start, end in spans:
        if joined and (is_fragment(text[start:end]) or is_fragment(text[slice(*joined[-1])])):
            joined[-1] = (joined[-1][0], end)
        else:
            joined.append((start, end))
    return joined


def spans_from_cuts(text: str, cuts: list[int]) -> list[Span]:
    """Turn cut positions into trimmed, non-empty spans covering all of ``text``."""
    bounds = [0, *cuts, len(text)]
    spans = (trim_span(text, a, b) for a, b in itertools.pairwise(bounds))
    return [(a, b) for a, b in spans if a < b]
