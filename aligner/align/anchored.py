"""Aligning a document pair through beads a person fixed: the re-run of a reviewed alignment.

A translator's confirmed and edited beads must survive the next run, so they
are fixed points the alignment passes through.  The search itself is not told
about them: the sentence lists are cut at every fixed bead that has both sides,
the ordinary aligner runs on each gap in between, and the pieces are spliced
back.  A fixed one-sided bead (a sentence the person marked as untranslated)
is kept out of its gap's search and put back as the same null bead.

A fixed bead names its sentences by offsets and text, as they were when it was
saved.  The splitter (and the aligner's own refinement) may cut a text
differently from one run to the next, so a fixed bead is used only where its
sentences are found again: each one lies inside one of the new sentences with
the same text, and together they cover a run of whole new sentences with
nothing but spaces left over.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from aligner.model import LANGS, Bead, BeadStatus, Lang, Sentence

SentenceLists = tuple[tuple[Sentence, ...], tuple[Sentence, ...]]
# The ordinary aligner on one gap: Russian and Chinese sentences in, both lists (possibly
# refined) and the beads over them out, as aligner.align.align_document returns them.
GapAligner = Callable[[Sequence[Sentence], Sequence[Sentence]],
                      tuple[tuple[Sentence, ...], tuple[Sentence, ...], list[Bead]]]


@dataclass(frozen=True)
class SentenceSpan:
    """A sentence as it was saved: its offsets in the document's text and its text."""

    start: int
    end: int
    text: str


@dataclass(frozen=True)
class FixedBead:
    """A bead the alignment must keep, its sentences named by offsets and text."""

    ru: tuple[SentenceSpan, ...]
    zh: tuple[SentenceSpan, ...]
    score: float | None
    status: BeadStatus

    def side(self, lang: Lang) -> tuple[SentenceSpan, ...]:
        return self.ru if lang == "ru" else self.zh


@dataclass(frozen=True)
class _Placed:
    """A fixed bead found in this run's sentences: the run of them it replaces, per side."""

    fixed: FixedBead
    runs: dict[Lang, tuple[int, int]]  # [first, last + 1) into this run's sentence list
    sentences: dict[Lang, tuple[Sentence, ...]]  # the saved sentences, placed in the text


def locate(spans: Sequence[SentenceSpan], sentences: Sequence[Sentence], starts: list[int]
           ) -> tuple[tuple[int, int], tuple[Sentence, ...]] | None:
    """The run of ``sentences`` that ``spans`` cover exactly, and the spans as sentences.

    ``starts`` are the sentences' start offsets (sorted, as sentences do not overlap).
    None when a span's text is not at its offsets any more, or when the spans would
    leave part of a sentence (other than spaces) out.
    """
    placed, run = [], []
    for span in spans:
        holder = bisect_right(starts, span.start) - 1
        if holder < 0 or sentences[holder].end < span.end:
            return None
        sentence = sentences[holder]
        if sentence.text[span.start - sentence.start : span.end - sentence.start] != span.text:
            return None
        placed.append(Sentence(span.text, span.start, span.end, sentence.paragraph))
        run.append(holder)
    first, last = run[0], run[-1]
    covered = [False] * sum(len(s.text) for s in sentences[first : last + 1])
    base = {k: sum(len(s.text) for s in sentences[first:k]) for k in range(first, last + 1)}
    for span, holder in zip(spans, run, strict=True):
        offset = base[holder] + span.start - sentences[holder].start
        covered[offset : offset + span.end - span.start] = [True] * (span.end - span.start)
    text = "".join(s.text for s in sentences[first : last + 1])
    if any(not done and not char.isspace() for done, char in zip(covered, text, strict=True)):
        return None
    return (first, last + 1), tuple(placed)


def place_fixed(fixed: Sequence[FixedBead], ru: Sequence[Sentence], zh: Sequence[Sentence]
                ) -> list[_Placed]:
    """The fixed beads found in this run's sentences, in order, none overlapping another.

    A bead that cannot be found, or that would cross one placed before it (two fixed
    beads out of order), is left out: the caller reports it as not kept.
    """
    lists = {"ru": ru, "zh": zh}
    starts = {lang: [s.start for s in lists[lang]] for lang in LANGS}
    found = []
    for bead in fixed:
        runs, sentences = {}, {}
        for lang in LANGS:
            if bead.side(lang):
                where = locate(bead.side(lang), lists[lang], starts[lang])
                if where is None:
                    break
                runs[lang], sentences[lang] = where
        else:
            if runs:
                found.append(_Placed(bead, runs, sentences))
    found.sort(key=lambda p: tuple(p.runs[lang][0] if lang in p.runs else -1 for lang in LANGS))
    kept: list[_Placed] = []
    for candidate in found:
        if all(_compatible(candidate, other) for other in kept):
            kept.append(candidate)
    return kept


def _compatible(a: _Placed, b: _Placed) -> bool:
    """Whether two placed beads neither overlap nor cross (one wholly before the other)."""
    shared = [lang for lang in LANGS if lang in a.runs and lang in b.runs]
    if any(a.runs[lang][0] < b.runs[lang][1] and b.runs[lang][0] < a.runs[lang][1]
           for lang in shared):
        return False
    return len({a.runs[lang][0] < b.runs[lang][0] for lang in shared}) <= 1


def align_through(ru: Sequence[Sentence], zh: Sequence[Sentence], fixed: Sequence[FixedBead],
                  align_gap: GapAligner) -> tuple[tuple[Sentence, ...], tuple[Sentence, ...],
                                                  list[Bead]]:
    """Both sentence lists and beads covering each sentence once, passing through ``fixed``.

    Every fixed bead that is found again comes back as it was saved (sentences, score,
    status); the rest is the ordinary aligner's answer on the gaps between them.
    """
    placed = place_fixed(fixed, ru, zh)
    lists = {"ru": ru, "zh": zh}
    anchors = [p for p in placed if len(p.runs) == 2]
    singles = [p for p in placed if len(p.runs) == 1]
    beads: list[tuple[tuple[Sentence, ...], tuple[Sentence, ...], float | None, BeadStatus]] = []
    cursor = {"ru": 0, "zh": 0}
    for anchor in [*anchors, None]:
        end = {lang: anchor.runs[lang][0] if anchor else len(lists[lang]) for lang in LANGS}
        beads += _align_gap(lists, cursor, end, singles, align_gap)
        if anchor is not None:
            beads.append((anchor.sentences["ru"], anchor.sentences["zh"],
                          anchor.fixed.score, anchor.fixed.status))
            cursor = {lang: anchor.runs[lang][1] for lang in LANGS}
    return _indexed(beads)


def _align_gap(lists: dict[Lang, Sequence[Sentence]], start: dict[Lang, int],
               end: dict[Lang, int], singles: list[_Placed], align_gap: GapAligner
               ) -> list[tuple[tuple[Sentence, ...], tuple[Sentence, ...], float | None,
                               BeadStatus]]:
    """The gap's free sentences aligned, with its fixed one-sided beads put back in place."""
    inside = [p for p in singles if all(start[lang] <= first and last <= end[lang]
                                        for lang, (first, last) in p.runs.items())]
    taken = {lang: {k for p in inside if lang in p.runs for k in range(*p.runs[lang])}
             for lang in LANGS}
    free = {lang: [s for k, s in enumerate(lists[lang][start[lang] : end[lang]], start[lang])
                   if k not in taken[lang]] for lang in LANGS}
    if not free["ru"] and not free["zh"]:
        aligned = []
    else:
        ru, zh, gap_beads = align_gap(free["ru"], free["zh"])
        aligned = [(tuple(ru[i] for i in b.ru), tuple(zh[j] for j in b.zh), b.score, b.status)
                   for b in gap_beads]
    for single in sorted(inside, key=lambda p: next(iter(p.sentences.values()))[0].start):
        lang = next(iter(single.runs))
        sentences = single.sentences[lang]
        side = 0 if lang == "ru" else 1
        at = next((k for k, bead in enumerate(aligned)
                   if bead[side] and bead[side][0].start > sentences[0].start), len(aligned))
        bead = (sentences, ()) if lang == "ru" else ((), sentences)
        aligned.insert(at, (*bead, single.fixed.score, single.fixed.status))
    return aligned


def _indexed(beads: list[tuple[tuple[Sentence, ...], tuple[Sentence, ...], float | None,
                               BeadStatus]]) -> tuple[tuple[Sentence, ...],
                                                      tuple[Sentence, ...], list[Bead]]:
    """Sentence lists in text order and beads pointing into them."""
    ru = tuple(s for bead in beads for s in bead[0])
    zh = tuple(s for bead in beads for s in bead[1])
    ru_index = {(s.start, s.end): k for k, s in enumerate(ru)}
    zh_index = {(s.start, s.end): k for k, s in enumerate(zh)}
    return ru, zh, [Bead(tuple(ru_index[(s.start, s.end)] for s in r),
                         tuple(zh_index[(s.start, s.end)] for s in z), score, status)
                    for r, z, score, status in beads]
