"""Aligning the sentences of one document pair into beads.

The encoder is called once per side, on every window the search may compare
(single sentences and joined neighbours), and, when refinement is on, once
more per side for the halves of sentences the splitter may have glued
together (see ``aligner.align.refine``); everything else is numpy.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from aligner.align.dp import find_path
from aligner.align.refine import refine_alignment
from aligner.align.scoring import Side, WindowSet, bead_shapes, make_sides, normalised_cost
from aligner.config import AlignerSettings
from aligner.embed.base import Encoder
from aligner.model import Bead, Sentence

# How sharply a bead's cost turns into a score: at the decision boundary (the
# cost where aligning and leaving both sentences unaligned tie) the score is 0.5.
SCORE_SLOPE = 4.0
JOINERS = {"ru": " ", "zh": ""}
NULL_NEIGHBOURHOOD = 3  # sentences either side of the path a null's best rival is looked for in


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


def _sigmoid(x: np.ndarray | float) -> float:
    return float(1.0 / (1.0 + np.exp(-SCORE_SLOPE * x)))


def _null_score(sentence: int, own: Side, other: Side, near: int,
                settings: AlignerSettings) -> float:
    """Confidence that a sentence really has no counterpart: how far its best nearby rival is
    from being worth aligning."""
    lo = max(0, near - NULL_NEIGHBOURHOOD)
    hi = min(other.length, near + NULL_NEIGHBOURHOOD + 1)
    if lo >= hi:
        return 1.0
    similarity = other.vectors[1][lo:hi] @ own.vectors[1][sentence]
    cost = normalised_cost(similarity, own.normaliser[1][sentence], other.normaliser[1][lo:hi])
    return _sigmoid(float(cost.min()) - 2 * settings.null_cost)


def _pair_score(cost: float, settings: AlignerSettings) -> float:
    """A bead's score from its normalised cost: 0.5 where aligning ties with two nulls."""
    return _sigmoid(2 * settings.null_cost - cost)


def align_document(ru: Sequence[Sentence], zh: Sequence[Sentence], encoder: Encoder,
                   settings: AlignerSettings
                   ) -> tuple[tuple[Sentence, ...], tuple[Sentence, ...], list[Bead]]:
    """The sentences of both sides and beads covering each of them once, in order.

    The sentences are the ones given, except where refinement (``settings.refine``) cut one
    the splitter had glued together; bead indices point into the returned lists.
    """
    if not ru or not zh:
        return tuple(ru), tuple(zh), ([Bead((i,), (), 1.0) for i in range(len(ru))]
                                      + [Bead((), (j,), 1.0) for j in range(len(zh))])
    ru_side, zh_side = make_sides(
        embed_windows(ru, settings.max_ru, JOINERS["ru"], encoder, settings.embedded_window),
        embed_windows(zh, settings.max_zh, JOINERS["zh"], encoder, settings.embedded_window),
        settings.normaliser_sample)
    beads = []
    for (a, b), i, j in find_path(ru_side, zh_side, bead_shapes(settings), settings):
        if a and b:
            similarity = float(zh_side.vectors[b][j - b] @ ru_side.vectors[a][i - a])
            cost = normalised_cost(similarity, ru_side.normaliser[a][i - a],
                                   zh_side.normaliser[b][j - b])
            score = _pair_score(float(cost), settings)
        elif a:
            score = _null_score(i - 1, ru_side, zh_side, j, settings)
        else:
            score = _null_score(j - 1, zh_side, ru_side, i, settings)
        beads.append(Bead(tuple(range(i - a, i)), tuple(range(j - b, j)), round(score, 4)))
    if not settings.refine:
        return tuple(ru), tuple(zh), beads
    return refine_alignment(ru, zh, beads, ru_side, zh_side, encoder, settings,
                  lambda cost: _pair_score(cost, settings))
