"""Aligning the sentences of one document pair into beads.

The encoder is called once per side, on every window the search may compare
(single sentences and joined neighbours), and, when refinement is on, once
more per side for the halves of sentences the splitter may have glued
together (see ``aligner.align.refine``); everything else is numpy.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from aligner.align.calibration import Evidence, probability
from aligner.align.dp import find_path
from aligner.align.notes import note_sentences
from aligner.align.refine import refine_alignment
from aligner.align.scoring import (
    Side,
    WindowSet,
    bead_shapes,
    length_cost,
    make_sides,
    normalised_cost,
)
from aligner.align.tags import is_dialogue_tag
from aligner.boundaries import SENTENCE_END
from aligner.config import AlignerSettings
from aligner.embed.base import Encoder
from aligner.model import Bead, Sentence

JOINERS = {"ru": " ", "zh": ""}
NULL_NEIGHBOURHOOD = 3  # sentences either side of the path a null's best rival is looked for in
RIVAL_SHIFTS = (-2, -1, 1, 2)  # where a bead's rival windows on the other side start, relative
FAR = 2.0  # the cost or margin recorded when there is no rival to measure against


def window_texts(sentences: Sequence[Sentence], max_size: int, joiner: str) -> dict[int, list[str]]:
    """Texts of all windows of 1..max_size consecutive sentences, keyed by size."""
    texts = [s.text for s in sentences]
    return {k: [joiner.join(texts[i : i + k]) for i in range(len(texts) - k + 1)]
            for k in range(1, max_size + 1)}


def window_breaks(sentences: Sequence[Sentence], max_size: int) -> dict[int, np.ndarray]:
    """For each window, whether it runs over a paragraph break."""
    paragraphs = np.array([s.paragraph for s in sentences])
    return {k: paragraphs[k - 1 :] != paragraphs[: len(paragraphs) - k + 1]
            for k in range(1, max_size + 1)}


def composed_windows(singles: np.ndarray, size: int) -> np.ndarray:
    """Vectors of all windows of ``size`` sentences built from the sentences' own vectors
    (their normalised sum), for windows too rare to be worth an encoder call each."""
    count = max(0, len(singles) - size + 1)
    summed = sum(singles[s : s + count] for s in range(size))
    return (summed / np.maximum(np.linalg.norm(summed, axis=1, keepdims=True), 1e-9)
            ).astype(np.float32)


def embed_windows(sentences: Sequence[Sentence], max_size: int, joiner: str,
                  encoder: Encoder, embedded: int | None = None) -> WindowSet:
    """Embed every window of one side of up to ``embedded`` sentences in one encoder call,
    cut the rows back out by size, and compose the larger windows from sentence vectors."""
    embedded = max_size if embedded is None else max(1, min(embedded, max_size))
    texts = window_texts(sentences, max_size, joiner)
    flat = [text for size in range(1, embedded + 1) for text in texts[size]]
    vectors = encoder.encode(flat)
    windows, offset = {}, 0
    for size in range(1, embedded + 1):
        windows[size] = vectors[offset : offset + len(texts[size])]
        offset += len(texts[size])
    for size in range(embedded + 1, max_size + 1):
        windows[size] = composed_windows(windows[1], size)
    lengths = {size: np.array([len(text) for text in texts[size]], dtype=np.float64)
               for size in texts}
    return WindowSet(windows, window_breaks(sentences, max_size), lengths)


def null_evidence(sentence: int, own: Side, other: Side, near: int) -> Evidence:
    """A sentence left unaligned, judged by its best nearby partner: the closer that comes to
    being worth aligning, the less sure the null."""
    lo = max(0, near - NULL_NEIGHBOURHOOD)
    hi = min(other.length, near + NULL_NEIGHBOURHOOD + 1)
    if lo >= hi:
        return Evidence("null", FAR, 0.0, 1)
    similarity = other.vectors[1][lo:hi] @ own.vectors[1][sentence]
    cost = normalised_cost(similarity, own.normaliser[1][sentence], other.normaliser[1][lo:hi])
    return Evidence("null", float(cost.min()), 0.0, 1)


def pair_evidence(ru: Side, zh: Side, shape: tuple[int, int], ru_start: int,
                  zh_start: int) -> Evidence:
    """A bead of the search, with its cost and how far ahead of its rivals it is: the same
    Russian window against Chinese windows of the same size a sentence or two away, and the
    other way round.  A bead that barely beats a shifted neighbour is a coin toss."""
    a, b = shape
    cost = float(normalised_cost(float(zh.vectors[b][zh_start] @ ru.vectors[a][ru_start]),
                                 ru.normaliser[a][ru_start], zh.normaliser[b][zh_start]))
    rivals = []
    for own, other, size, other_size, start, other_start in (
            (ru, zh, a, b, ru_start, zh_start), (zh, ru, b, a, zh_start, ru_start)):
        shifts = np.array([other_start + d for d in RIVAL_SHIFTS
                           if 0 <= other_start + d < len(other.vectors[other_size])], dtype=int)
        if len(shifts):
            similarity = other.vectors[other_size][shifts] @ own.vectors[size][start]
            rivals.append(normalised_cost(similarity, own.normaliser[size][start],
                                          other.normaliser[other_size][shifts]).min())
    margin = float(min(rivals)) - cost if rivals else FAR
    return Evidence("pair", cost, margin, a + b)


def same_paragraph_edge(sentences: tuple[Sequence[Sentence], Sequence[Sentence]], i: int,
                        j: int) -> bool:
    """Whether Russian ``i`` and Chinese ``j`` both end a paragraph or both start one: the
    paragraphing says they stand at the same place of the text."""
    def edges(side: Sequence[Sentence], k: int) -> tuple[bool, bool]:
        starts = k == 0 or side[k - 1].paragraph != side[k].paragraph
        ends = k == len(side) - 1 or side[k + 1].paragraph != side[k].paragraph
        return starts, ends

    (ru_starts, ru_ends), (zh_starts, zh_ends) = edges(sentences[0], i), edges(sentences[1], j)
    return (ru_starts and zh_starts) or (ru_ends and zh_ends)


def pair_gap_nulls(beads: list[Bead], evidence: list[Evidence], ru: Side, zh: Side,
                   sentences: tuple[Sequence[Sentence], Sequence[Sentence]],
                   settings: AlignerSettings,
                   notes: tuple[frozenset[int], frozenset[int]] = (frozenset(), frozenset())
                   ) -> tuple[list[Bead], list[Evidence]]:
    """Pair a Russian and a Chinese sentence the search left unaligned side by side.

    Both sit in the same gap between the same two aligned neighbours and at the same edge of
    a paragraph, so they are most likely each other's translation put in other words
    (``- сказал помощник российского лидера.`` / ``乌沙科夫补充道。``): the search only left
    them apart because their cost came out a little above two nulls.  Up to
    ``settings.gap_pair_cost`` they become a 1-1 bead, with the low score its cost earns,
    which a translator sees and checks.  Pre-split input has no paragraphs to go by, and a
    note line (``notes``) has no counterpart to be paired with.
    """
    paired_beads: list[Bead] = []
    paired_evidence: list[Evidence] = []
    if settings.paragraph_penalty <= 0:  # lines are no paragraphs (pre-split): no evidence
        return beads, evidence
    k = 0
    while k < len(beads):
        if k + 1 < len(beads) and {beads[k].type, beads[k + 1].type} == {"1-0", "0-1"}:
            i = (beads[k].ru or beads[k + 1].ru)[0]
            j = (beads[k].zh or beads[k + 1].zh)[0]
            found = with_context(pair_evidence(ru, zh, (1, 1), i, j), False,
                                 (sentences[0][i : i + 1], sentences[1][j : j + 1]), settings)
            if (found.cost <= settings.gap_pair_cost and same_paragraph_edge(sentences, i, j)
                    and i not in notes[0] and j not in notes[1]):
                paired_beads.append(Bead((i,), (j,), round(probability(found), 4)))
                paired_evidence.append(found)
                k += 2
                continue
        paired_beads.append(beads[k])
        paired_evidence.append(evidence[k])
        k += 1
    return paired_beads, paired_evidence


def detach_notes(beads: list[Bead], evidence: list[Evidence], ru: Side, zh: Side,
                 sentences: tuple[Sequence[Sentence], Sequence[Sentence]],
                 notes: tuple[frozenset[int], frozenset[int]], settings: AlignerSettings
                 ) -> tuple[list[Bead], list[Evidence]]:
    """Take the note lines (``aligner.align.notes``) out of every pair bead the search glued
    them into: a note has no counterpart, so it is left unaligned, and what remains of the
    bead stays a pair when both sides keep consecutive sentences, else its sentences are left
    unaligned too (the null-joining pass may still give them a neighbour)."""
    out_beads: list[Bead] = []
    out_evidence: list[Evidence] = []

    def null(lang: str, k: int) -> None:
        own, other = (ru, zh) if lang == "ru" else (zh, ru)
        near = min(k, other.length - 1)
        found = with_context(null_evidence(k, own, other, near), False,
                             (sentences[0][k : k + 1], ()) if lang == "ru"
                             else ((), sentences[1][k : k + 1]), settings)
        out_beads.append(Bead((k,), (), round(probability(found), 4)) if lang == "ru"
                         else Bead((), (k,), round(probability(found), 4)))
        out_evidence.append(found)

    def consecutive(side: tuple[int, ...]) -> bool:
        return bool(side) and side[-1] - side[0] + 1 == len(side)

    for bead, found in zip(beads, evidence, strict=True):
        ru_notes = [k for k in bead.ru if k in notes[0]]
        zh_notes = [k for k in bead.zh if k in notes[1]]
        if not (bead.ru and bead.zh) or not (ru_notes or zh_notes):
            out_beads.append(bead)
            out_evidence.append(found)
            continue
        kept_ru = tuple(k for k in bead.ru if k not in notes[0])
        kept_zh = tuple(k for k in bead.zh if k not in notes[1])
        if (ru_notes and zh_notes) or not (consecutive(kept_ru) and consecutive(kept_zh)):
            for k in bead.ru:
                null("ru", k)
            for k in bead.zh:
                null("zh", k)
            continue
        lang, kept = ("ru", kept_ru) if ru_notes else ("zh", kept_zh)
        note_lines = ru_notes or zh_notes
        for k in (k for k in note_lines if k < kept[0]):
            null(lang, k)
        pair = pair_evidence(ru, zh, (len(kept_ru), len(kept_zh)), kept_ru[0], kept_zh[0])
        pair = with_context(pair, found.opens_document,
                            (sentences[0][kept_ru[0] : kept_ru[-1] + 1],
                             sentences[1][kept_zh[0] : kept_zh[-1] + 1]), settings)
        out_beads.append(Bead(kept_ru, kept_zh, round(probability(pair), 4)))
        out_evidence.append(pair)
        for k in (k for k in note_lines if k > kept[-1]):
            null(lang, k)
    return out_beads, out_evidence


def bead_cost(ru: Side, zh: Side, ru_span: tuple[int, int], zh_span: tuple[int, int],
              settings: AlignerSettings) -> float:
    """What a bead over Russian ``ru_span`` and Chinese ``zh_span`` (start, size) costs for its
    content alone, meaning and length, before the search's per-sentence scaling and merge
    penalties: the measure by which one bead is a better translation pair than another."""
    (i, a), (j, b) = ru_span, zh_span
    cost = float(normalised_cost(float(zh.vectors[b][j] @ ru.vectors[a][i]),
                                 ru.normaliser[a][i], zh.normaliser[b][j]))
    return cost + settings.length_weight * float(
        length_cost(ru.lengths[a][i], np.array([zh.lengths[b][j]]), settings)[0])


def joined(bead: Bead, lang: str, sentence: int) -> Bead:
    """``bead`` with ``sentence`` of ``lang`` added at the start or end of that side."""
    side = tuple(sorted((*getattr(bead, lang), sentence)))
    return replace(bead, **{lang: side})


def join_earned_nulls(beads: list[Bead], evidence: list[Evidence], ru: Side, zh: Side,
                      sentences: tuple[Sequence[Sentence], Sequence[Sentence]],
                      settings: AlignerSettings,
                      notes: tuple[frozenset[int], frozenset[int]] = (frozenset(), frozenset())
                      ) -> tuple[list[Bead], list[Evidence]]:
    """Join a sentence the search left unaligned to the pair bead beside it when that makes
    the pair no worse a translation of each other.

    The search weighs a null (a fixed ``null_cost``) against a merge (its cost scaled by the
    sentences it holds, plus ``merge_penalty`` per extra sentence), so the second half of a
    sentence a free translator cut in two is often cheaper left out than joined.  Here the
    null must earn its place: the bead's content cost (``bead_cost``) with the sentence
    joined is compared with the bead's own, and the sentence stays out only when joining
    raises it by more than ``null_join_margin``.  A sentence that says something else (a
    translator's note, an untranslated line) pulls the joined window away from the other
    side and stays out.  Joins stay within the bead limits and, where lines are paragraphs,
    never reach across a paragraph break; a note line (``notes``) never joins, and a Russian
    dialogue tag (``aligner.align.tags``) joins the bead of the utterance it follows even when
    its few words make the pair look a little worse.  Repeated
    until nothing changes, so a 1-1 may grow to a 1-3 one sentence at a time, each step
    earning its place.
    """
    if settings.null_join_margin < 0:
        return beads, evidence
    index = {"ru": 0, "zh": 1}

    def fits(bead: Bead) -> bool:
        a, b = len(bead.ru), len(bead.zh)
        return (a <= settings.max_ru and b <= settings.max_zh
                and a + b <= settings.max_bead_sentences)

    def crosses(lang: str, side: tuple[int, ...]) -> bool:
        if settings.paragraph_penalty <= 0:  # pre-split lines are no paragraphs
            return False
        paragraphs = {sentences[index[lang]][k].paragraph for k in side}
        return len(paragraphs) > 1

    def cost(bead: Bead) -> float:
        return bead_cost(ru, zh, (bead.ru[0], len(bead.ru)), (bead.zh[0], len(bead.zh)),
                         settings)

    beads, evidence = list(beads), list(evidence)
    changed = True
    while changed:
        changed = False
        for k, null in enumerate(beads):
            if null.ru and null.zh:
                continue
            lang = "ru" if null.ru else "zh"
            sentence = getattr(null, lang)[0]
            if sentence in notes[index[lang]]:
                continue
            best: tuple[float, int, Bead] | None = None
            for n in (k - 1, k + 1):
                if not 0 <= n < len(beads) or not (beads[n].ru and beads[n].zh):
                    continue
                candidate = joined(beads[n], lang, sentence)
                own = getattr(candidate, lang)
                if (not fits(candidate) or own[-1] - own[0] + 1 != len(own)
                        or crosses(lang, own)):
                    continue
                new_cost = cost(candidate)
                tag_of_utterance = (lang == "ru" and n == k - 1 and sentence - 1 in beads[n].ru
                                    and is_dialogue_tag(sentences[0][sentence].text))
                if (tag_of_utterance or new_cost <= cost(beads[n]) + settings.null_join_margin
                        ) and (best is None or new_cost < best[0]):
                    best = (new_cost, n, candidate)
            if best is None:
                continue
            _, n, candidate = best
            found = pair_evidence(ru, zh, (len(candidate.ru), len(candidate.zh)),
                                  candidate.ru[0], candidate.zh[0])
            found = with_context(found, evidence[n].opens_document,
                                 (sentences[0][candidate.ru[0] : candidate.ru[-1] + 1],
                                  sentences[1][candidate.zh[0] : candidate.zh[-1] + 1]),
                                 settings)
            beads[n] = replace(candidate, score=round(probability(found), 4))
            evidence[n] = found
            del beads[k], evidence[k]
            changed = True
            break
    return beads, evidence


def with_context(evidence: Evidence, first: bool, sides: Sequence[Sequence[Sentence]],
                 settings: AlignerSettings) -> Evidence:
    """The evidence with where the bead stands: whether it opens the document, whether a
    side ends without sentence-final punctuation, whether the sentences are our splitter's
    (refinement runs on raw text only)."""
    unended = any(side and SENTENCE_END[lang].search(side[-1].text.rstrip()) is None
                  for side, lang in zip(sides, ("ru", "zh"), strict=True))
    return replace(evidence, opens_document=first, unended=unended,
                   split_by_us=settings.refine)


def align_with_evidence(ru: Sequence[Sentence], zh: Sequence[Sentence], encoder: Encoder,
                        settings: AlignerSettings
                        ) -> tuple[tuple[Sentence, ...], tuple[Sentence, ...], list[Bead],
                                   list[Evidence]]:
    """``align_document``, with the evidence each bead was scored on (what
    ``benchmarks/fit_calibration.py`` fits the calibration to)."""
    if not ru or not zh:
        return tuple(ru), tuple(zh), ([Bead((i,), (), 1.0) for i in range(len(ru))]
                                      + [Bead((), (j,), 1.0) for j in range(len(zh))]), []
    ru_side, zh_side = make_sides(
        embed_windows(ru, settings.max_ru, JOINERS["ru"], encoder, settings.embedded_window),
        embed_windows(zh, settings.max_zh, JOINERS["zh"], encoder, settings.embedded_window),
        settings.normaliser_sample)
    beads, evidence = [], []
    for (a, b), i, j in find_path(ru_side, zh_side, bead_shapes(settings), settings):
        if a and b:
            found = pair_evidence(ru_side, zh_side, (a, b), i - a, j - b)
        elif a:
            found = null_evidence(i - 1, ru_side, zh_side, j)
        else:
            found = null_evidence(j - 1, zh_side, ru_side, i)
        opens = bool(a and b) and not any(e.kind == "pair" for e in evidence)
        found = with_context(found, opens, (ru[i - a : i], zh[j - b : j]), settings)
        evidence.append(found)
        beads.append(Bead(tuple(range(i - a, i)), tuple(range(j - b, j)),
                          round(probability(found), 4)))
    notes = (note_sentences(ru, "ru"), note_sentences(zh, "zh"))
    beads, evidence = detach_notes(beads, evidence, ru_side, zh_side, (ru, zh), notes, settings)
    beads, evidence = pair_gap_nulls(beads, evidence, ru_side, zh_side, (ru, zh), settings,
                                     notes)
    beads, evidence = join_earned_nulls(beads, evidence, ru_side, zh_side, (ru, zh), settings,
                                        notes)
    if not settings.refine:
        return tuple(ru), tuple(zh), beads, evidence
    return refine_alignment(ru, zh, beads, evidence, ru_side, zh_side, encoder, settings)


def align_document(ru: Sequence[Sentence], zh: Sequence[Sentence], encoder: Encoder,
                   settings: AlignerSettings
                   ) -> tuple[tuple[Sentence, ...], tuple[Sentence, ...], list[Bead]]:
    """The sentences of both sides and beads covering each of them once, in order, each
    scored with the chance that it is right (``aligner.align.calibration``).

    The sentences are the ones given, except where refinement (``settings.refine``) cut one
    the splitter had glued together; bead indices point into the returned lists.
    """
    ru_out, zh_out, beads, _ = align_with_evidence(ru, zh, encoder, settings)
    return ru_out, zh_out, beads
