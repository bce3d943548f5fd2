"""Recognising footnotes and translator's notes, which are never part of a translation pair.

A free translation adds notes on one side only: a footnote line opened by its marker
(``①原文如此。``), a note labelled as such (``注：…``, ``译者注：…``, ``Примечание: …``,
``Прим. пер. …``).  Such a line has no counterpart, yet a window holding it can still look
close enough to the neighbouring sentence's translation to be glued into its bead.  The rule
is about the form of the line, not its wording: it opens with a note marker or label.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from aligner.model import Sentence

# Circled, parenthesised and full-stop numbers (①-⑳, ⑴-⒇, ⒈-⒛, ⓪-⓿) and the dingbat circled
# digits (❶-➓): the marks a footnote line opens with.
NOTE_MARKER = "\u2460-\u24ff\u2776-\u2793"
NOTE_LINE = {
    "zh": re.compile(rf"^\s*(?:[{NOTE_MARKER}]|(?:译者|编者|原|译|编)?注\s*[：:])"),
    "ru": re.compile(rf"^\s*(?:[{NOTE_MARKER}]|Примечани[ея](?:\s+\w+)?\s*[:.]"
                     r"|Прим\.\s*(?:пер|ред|авт)\.)", re.IGNORECASE),
}


def is_note(text: str, lang: str) -> bool:
    """Whether ``text`` is a footnote or translator's note line of language ``lang``."""
    return NOTE_LINE[lang].search(text) is not None


def note_sentences(sentences: Sequence[Sentence], lang: str) -> frozenset[int]:
    """Indices of the sentences of one side that are note lines."""
    return frozenset(k for k, sentence in enumerate(sentences) if is_note(sentence.text, lang))
