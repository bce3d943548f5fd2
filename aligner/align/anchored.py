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
    """A fixed bead found in this run's sentences."""

    fixed: FixedBead
    holders: dict[Lang, tuple[int, ...]]  # per side, the new sentence each saved one lies in
    sentences: dict[Lang, tuple[Sentence, ...]]  # the saved sentences, placed in the text

    def interval(self, lang: Lang) -> tuple[int, int]:
        side = self.sentences[lang]
        return side[0].start, side[-1].end


def _find(span: SentenceSpan, sentences: Sequence[Sentence], starts: list[int]) -> int | None:
    """The new sentence ``span`` lies in with the same text at the same offsets, if any."""
    holder = bisect_right(starts, span.start) - 1
    if holder < 0 or sentences[holder].end < span.end:
        return None
    sentence = sentences[holder]
    if sentence.text[span.start - sentence.start : span.end - sentence.start] != span.text:
        return None
    return holder


def _compatible(a: _Placed, b: _Placed) -> bool:
    """Whether two placed beads neither overlap nor cross (one wholly before the other)."""
    shared = [lang for lang in LANGS if lang in a.sentences and lang in b.sentences]
    if any(a.interval(lang)[0] < b.interval(lang)[1] and b.interval(lang)[0] < a.interval(lang)[1]
           for lang in shared):
        return False
    return len({a.interval(lang)[0] < b.interval(lang)[0] for lang in shared}) <= 1


def _whole(kept: list[_Placed], lists: dict[Lang, Sequence[Sentence]]) -> set[int]:
    """Positions in ``kept`` of beads that share a new sentence without covering all of it.

    A sentence the splitter now glues is kept only if the saved sentences inside it take
    every character of it but spaces, or its remainder would be lost.
    """
    broken = set()
    for lang in LANGS:
        inside: dict[int, list[int]] = {}
        for k, placed in enumerate(kept):
            for holder in placed.holders.get(lang, ()):
                inside.setdefault(holder, []).append(k)
        for holder, owners in inside.items():
            sentence = lists[lang][holder]
            covered = [char.isspace() for char in sentence.text]
            for k in owners:
                for saved in kept[k].sentences[lang]:
                    if sentence.start <= saved.start < sentence.end:
                        begin = saved.start - sentence.start
                        covered[begin : begin + len(saved.text)] = [True] * len(saved.text)
            if not all(covered):
                broken.update(owners)
    return broken


def place_fixed(fixed: Sequence[FixedBead], ru: Sequence[Sentence], zh: Sequence[Sentence]
                ) -> list[_Placed]:
    """The fixed beads found in this run's sentences, none overlapping or crossing another.

    Earlier beads win over later ones they would cross.  A bead that cannot be found, that
    crosses an earlier one, or that takes only part of a new sentence, is left out: the
    caller reports it as not kept.
    """
    lists = {"ru": ru, "zh": zh}
    starts = {lang: [s.start for s in lists[lang]] for lang in LANGS}
    kept: list[_Placed] = []
    for bead in fixed:
        holders, sentences = {}, {}
        for lang in LANGS:
            found = [_find(span, lists[lang], starts[lang]) for span in bead.side(lang)]
            if None in found:
                break
            run = [k for k in found if k is not None]
            if run and sorted(set(run)) != list(range(run[0], run[-1] + 1)):
                break  # the saved sentences must lie in one unbroken run of new ones
            if run:
                holders[lang] = tuple(run)
                sentences[lang] = tuple(
                    Sentence(span.text, span.start, span.end, lists[lang][k].paragraph)
                    for span, k in zip(bead.side(lang), holders[lang], strict=True))
        else:
            candidate = _Placed(bead, holders, sentences)
            if holders and all(_compatible(candidate, other) for other in kept):
                kept.append(candidate)
    while broken := _whole(kept, lists):
        kept = [placed for k, placed in enumerate(kept) if k not in broken]
    return kept


Row = tuple[tuple[Sentence, ...], tuple[Sentence, ...], float | None, BeadStatus]


def align_through(ru: Sequence[Sentence], zh: Sequence[Sentence], fixed: Sequence[FixedBead],
                  align_gap: GapAligner) -> tuple[tuple[Sentence, ...], tuple[Sentence, ...],
                                                  list[Bead]]:
    """Both sentence lists and beads covering each sentence once, passing through ``fixed``.

    Every fixed bead that is found again comes back as it was saved (sentences, score,
    status); the rest is the ordinary aligner's answer on the gaps between them.
    """
    placed = place_fixed(fixed, ru, zh)
    lists = {"ru": ru, "zh": zh}
    taken = {lang: {k for p in placed for k in p.holders.get(lang, ())} for lang in LANGS}
    free = {lang: [s for k, s in enumerate(lists[lang]) if k not in taken[lang]] for lang in LANGS}
    anchors = sorted((p for p in placed if len(p.sentences) == 2),
                     key=lambda p: p.interval("ru"))
    singles = [p for p in placed if len(p.sentences) == 1]

    ends = {lang: [anchor.interval(lang)[1] for anchor in anchors] for lang in LANGS}

    def gap_of(lang: Lang, start: int) -> int:
        """How many anchors end before offset ``start`` on side ``lang`` (in both orders)."""
        return bisect_right(ends[lang], start)

    gaps: list[dict[str, list]] = [{"ru": [], "zh": [], "singles": []}
                                   for _ in range(len(anchors) + 1)]
    for lang in LANGS:
        for sentence in free[lang]:
            gaps[gap_of(lang, sentence.start)][lang].append(sentence)
    for single in singles:
        (lang, sentences), = single.sentences.items()
        gaps[gap_of(lang, sentences[0].start)]["singles"].append(single)
    rows: list[Row] = []
    for number, gap in enumerate(gaps):
        rows += _align_gap(gap["ru"], gap["zh"], gap["singles"], align_gap)
        if number < len(anchors):
            anchor = anchors[number]
            rows.append((anchor.sentences["ru"], anchor.sentences["zh"], anchor.fixed.score,
                         anchor.fixed.status))
    return _indexed(rows)


def _align_gap(ru: list[Sentence], zh: list[Sentence], singles: list[_Placed],
               align_gap: GapAligner) -> list[Row]:
    """The gap's free sentences aligned, with its fixed one-sided beads put back in place."""
    rows: list[Row] = []
    if ru or zh:
        ru_out, zh_out, beads = align_gap(ru, zh)
        rows = [(tuple(ru_out[i] for i in b.ru), tuple(zh_out[j] for j in b.zh), b.score,
                 b.status) for b in beads]
    for single in sorted(singles, key=lambda p: next(iter(p.sentences.values()))[0].start):
        (lang, sentences), = single.sentences.items()
        side = 0 if lang == "ru" else 1
        at = next((k for k, row in enumerate(rows)
                   if row[side] and row[side][0].start > sentences[0].start), len(rows))
        row = (sentences, ()) if lang == "ru" else ((), sentences)
        rows.insert(at, (*row, single.fixed.score, single.fixed.status))
    return rows


def _indexed(rows: list[Row]) -> tuple[tuple[Sentence, ...], tuple[Sentence, ...], list[Bead]]:
    """Sentence lists in text order and beads pointing into them."""
    ru = tuple(s for row in rows for s in row[0])
    zh = tuple(s for row in rows for s in row[1])
    ru_index = {(s.start, s.end): k for k, s in enumerate(ru)}
    zh_index = {(s.start, s.end): k for k, s in enumerate(zh)}
    return ru, zh, [Bead(tuple(ru_index[(s.start, s.end)] for s in r),
                         tuple(zh_index[(s.start, s.end)] for s in z), score, status)
                    for r, z, score, status in rows]
