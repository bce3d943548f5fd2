"""Labelling paragraphs Russian or Chinese by script, and cutting mixed lines.

A line is a paragraph.  Scraped bilingual pages glue a Chinese title to its
Russian one with no separator, so a line holding both scripts is cut at the
script boundary.  Characters of neither script (digits, Latin words such as
``CRMtv``, punctuation) belong to the run around them; only where they sit
between the two scripts is a cut point chosen among them.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections import Counter
from typing import Literal

from aligner.model import Lang, Paragraph

_LINE = re.compile(r"[^\r\n\u2028\u2029\x85\x0b\x0c]+")
_HAN = re.compile(
    r"[\u2e80-\u2fdf\u3040-\u30ff\u3100-\u312f\u31a0-\u31bf\u3400-\u4dbf\u4e00-\u9fff"
    r"\uf900-\ufaff\U00020000-\U0003134f]"
)
_CYRILLIC = re.compile(r"[\u0400-\u052f\u1c80-\u1c8f\u2de0-\u2dff\ua640-\ua69f]")
_STRONG_RUN = re.compile(f"(?P<zh>{_HAN.pattern}+)|(?P<ru>{_CYRILLIC.pattern}+)")
_STRONG = re.compile(f"{_HAN.pattern}|{_CYRILLIC.pattern}")
# Punctuation that ends what stands before it, so at a script boundary it stays left.
_TRAILING_CATEGORIES = {"Pe", "Pf", "Po"}
# A run of the other script shorter than this, inside a paragraph, is a quotation.
MIN_CUT_LETTERS = 8


def script_of(char: str) -> Lang | None:
    """The language a character's script votes for, or None for neutral characters."""
    if _HAN.match(char):
        return "zh"
    if _CYRILLIC.match(char):
        return "ru"
    return None


def _cut_point(text: str, left: int, right: int) -> int:
    """Where to cut the neutral characters ``text[left:right]`` between two scripts.

    White space is the clearest separator; without it, closing punctuation
    stays with the run it closes and everything from the first other character
    (an opening quote, a digit, a Latin word) starts the next run.
    """
    for index in range(left, right):
        if text[index].isspace():
            return index
    index = left
    while index < right and unicodedata.category(text[index]) in _TRAILING_CATEGORIES:
        index += 1
    return index


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _script_runs(text: str, start: int, end: int) -> list[tuple[int, int, Lang | None]]:
    """Cut ``text[start:end]`` into maximal single-script runs, trimmed of white space."""
    # Runs of one script's characters, found by the regex engine: a line can be megabytes long.
    strong = [(m.start(), m.end(), m.lastgroup) for m in _STRONG_RUN.finditer(text, start, end)]
    if not strong:
        return [(start, end, None)]
    runs: list[tuple[int, int, Lang | None]] = []
    run_start, run_lang = start, strong[0][2]
    for (_, prev_end, prev_lang), (next_start, _, lang) in itertools.pairwise(strong):
        if lang != prev_lang:
            cut = _cut_point(text, prev_end, next_start)
            runs.append((run_start, cut, run_lang))
            run_start, run_lang = cut, lang
    runs.append((run_start, end, run_lang))
    runs = _absorb_quotations(text, runs)
    return [(*_trimmed(text, s, e), lang) for s, e, lang in runs if text[s:e].strip()]


def _absorb_quotations(
    text: str, runs: list[tuple[int, int, Lang | None]]
) -> list[tuple[int, int, Lang | None]]:
    """Put a short run back into the text around it when both its neighbours are of one language.

    ``Си Цзиньпин (习近平) сказал`` is a Russian sentence quoting a name, not
    three paragraphs; a glued translation is never that short.
    """
    merged = list(runs)
    index = 1
    while index < len(merged) - 1:
        (start, _, before), (_, _, lang), (_, end, after) = merged[index - 1 : index + 2]
        run_start, run_end, _ = merged[index]
        strong = len(_STRONG.findall(text, run_start, run_end))
        if before == after != lang and strong < MIN_CUT_LETTERS:
            merged[index - 1 : index + 2] = [(start, end, before)]
            index = max(index - 1, 1)
        else:
            index += 1
    return merged


def label_paragraphs(text: str) -> list[Paragraph]:
    """Every non-empty line of ``text`` as one or more single-language paragraphs.

    A line with no Cyrillic or Han character at all (a bare number, a row of
    asterisks, an English credit) takes the language of the paragraph before
    it, or the one after it at the start of a file: it belongs to that text.
    An empty list means the text holds no Russian or Chinese at all.
    """
    pieces: list[tuple[int, int, int, Lang | None]] = []
    line_index = 0
    for line in _LINE.finditer(text):
        start, end = _trimmed(text, line.start(), line.end())
        if start == end:
            continue
        pieces.extend((line_index, s, e, lang) for s, e, lang in _script_runs(text, start, end))
        line_index += 1
    known = [lang for *_, lang in pieces if lang is not None]
    if not known:
        return []
    current: Lang = known[0]
    paragraphs = []
    for index, start, end, lang in pieces:
        current = lang or current
        paragraphs.append(Paragraph(index=index, start=start, end=end, lang=current))
    return paragraphs


ScriptVariant = Literal["traditional", "simplified"]
# The Unified Ideographs blocks (and extension A), where both national standards live.
_IDEOGRAPH = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")


def _encodes(char: str, encoding: str) -> bool:
    try:
        char.encode(encoding)
    except UnicodeEncodeError:
        return False
    return True


def detect_script_variant(text: str) -> ScriptVariant:
    """Whether the Chinese in ``text`` is written in traditional or in simplified characters.

    Both are aligned alike (the encoders read both), but a translation memory
    for the mainland is no place for traditional sentences unnoticed, so the
    run says which documents are traditional.  The two national character sets
    decide, with no table to maintain: GB2312 is the simplified standard and
    Big5 the traditional one, so a character only Big5 encodes is a traditional
    form (們, 這, 國), one only GB2312 encodes is a simplified form (们, 这, 国),
    and the many both encode (的, 人, 中) say nothing.  The majority of the
    telling characters decides; a text with none counts as simplified.
    """
    traditional = simplified = 0
    for char, count in Counter(text).items():
        if not _IDEOGRAPH.match(char):
            continue
        in_big5, in_gb2312 = _encodes(char, "big5"), _encodes(char, "gb2312")
        if in_big5 and not in_gb2312:
            traditional += count
        elif in_gb2312 and not in_big5:
            simplified += count
    return "traditional" if traditional > simplified else "simplified"
