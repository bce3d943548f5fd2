"""Chinese sentences by rule: Chinese has no spaces for a statistical splitter to lean on,
and its sentence ends are marked unambiguously enough for a handful of rules.

Rules: a sentence ends at 。！？ (and their ASCII forms ``! ? .`` when they
follow Chinese text, since scraped pages mix in ASCII punctuation), together
with any further end marks and the closing quotes and brackets after them.
It never ends inside a 《title》, nor at a decimal point (``1.5``).
"""

from __future__ import annotations

from itertools import accumulate

import rjieba

from aligner.segment.base import Span, Splitter, join_fragments, spans_from_cuts

FULL_STOPS = frozenset("。！？｡")
ASCII_STOPS = frozenset("!?.")
CLOSERS = frozenset("”’」』）)】〉》〗］]\"'")
TITLE_OPEN, TITLE_CLOSE = "《", "》"


def _is_chinese_context(char: str) -> bool:
    """True for the characters after which an ASCII stop ends a Chinese sentence."""
    code = ord(char)
    return (0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF or 0x3000 <= code <= 0x303F
            or 0xFF00 <= code <= 0xFFEF or char in CLOSERS)


class ChineseSplitter(Splitter):
    name = "zh-rules-v2"  # v2: a fragment (a stray quote or stop) joins its neighbour

    def split(self, text: str) -> list[Span]:
        cuts = []
        title_depth = 0
        index = 0
        while index < len(text):
            char = text[index]
            if char == TITLE_OPEN:
                title_depth += 1
            elif char == TITLE_CLOSE:
                title_depth = max(0, title_depth - 1)
            if title_depth == 0 and self._ends_sentence(text, index):
                index += 1
                while index < len(text) and (text[index] in FULL_STOPS or text[index] in "!?"
                                             or text[index] in CLOSERS):
                    index += 1
                cuts.append(index)
                continue
            index += 1
        return join_fragments(text, spans_from_cuts(text, cuts))

    @staticmethod
    def _ends_sentence(text: str, index: int) -> bool:
        char = text[index]
        if char in FULL_STOPS:
            return True
        if char not in ASCII_STOPS or index == 0 or not _is_chinese_context(text[index - 1]):
            return False
        return not (char == "." and index + 1 < len(text) and text[index + 1].isdigit())


def word_boundaries(text: str) -> list[int]:
    """The offsets between two words of ``text`` (jieba's dictionary and HMM, through the
    jieba-rs binding): the only places a Chinese sentence may be cut without splitting a word
    such as a name (``伊丽莎白``) or a compound (``上一次``)."""
    return list(accumulate(len(word) for word in rjieba.cut(text)))[:-1]
