"""Pairing Russian and Chinese documents by content, for files that names could not pair.

A translation shows itself sentence by sentence: most of its sentences have a
counterpart in the other document, and the counterparts come in the same order.
So the evidence for "Chinese document B translates Russian document A" is:

1. links: a Russian and a Chinese sentence that are each other's nearest
   neighbour among all the sentences of the other language in the folder, by
   the ratio margin of LASER bitext mining (cosine over the mean cosine of
   either sentence's k nearest neighbours, k=4, which keeps "hub" sentences
   that are close to everything from winning), and that are at least
   ``LINK_MIN_COSINE`` alike;
2. the longest chain of A-B links that keeps the sentence order of both
   documents (links out of order are what two texts on one story produce);
3. the score: twice that chain's length over the sentences of A and B together,
   i.e. the share of both documents' sentences that are accounted for.

Pairs are then chosen one-to-one, best score first (competitive linking), and
only at or above a threshold: an article without its translation in the folder
must stay unpaired, since a forced partner would put false pairs into a
translation memory.  The failures are of the same, safe kind: two near-identical
versions of one article split the links between them and may both stay unpaired.

A document-embedding similarity (mean of sentence vectors) was measured and not
used: on the dev set it ranks the right partner first but no cut-off separates
partners from non-partners (partners from cosine 0.54, non-partners up to 0.76).
The score above needs no document-level margin either: it is already built from
margin-ranked sentence links, and a ratio over the neighbouring documents'
scores (mostly 0) would be undefined in exactly the small folders that matter.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from aligner.embed.base import Encoder
from aligner.model import Document, DocumentMatch, DocumentPair, Lang
from aligner.segment import Splitter

NEIGHBOURS = 4  # k of the margin's k-nearest-neighbour means, as in LASER bitext mining
BLOCK_CELLS = 1 << 22  # similarities held at once (16 MB of float32): bounds memory, any size
MIN_NEIGHBOURHOOD = 1e-3  # floor of the margin's denominator, so it stays a ratio of positives

# Calibrated for the default encoder (USE-m3) on the dev set (123 NTREX news documents, hard
# variant, our splitters), which is also what benchmarks/doc_matching.py measures on: there is
# no other Russian-Chinese document set here.  The floor matters when a folder holds few
# documents, where margins say little (a sentence's nearest neighbours are then a handful of
# unrelated sentences, and the best of them always stands out): with one Russian and one
# unrelated Chinese document, mutual nearest neighbours that are real translations have cosine
# 0.41 at the 5th percentile, unrelated ones 0.44 at the 99th.  Among floors 0.30-0.40, 0.35
# left the widest gap in the scores below.  Another encoder needs its own floor.
LINK_MIN_COSINE = 0.35

# The score that accepts a pair, measured in three set-ups on the dev set: all 123 documents
# (partners >= 0.55, the best non-partner 0.12); 40 of them with one side removed, in five
# random draws (partners >= 0.55, non-partners <= 0.22); and every document alone with its
# partner (>= 0.57) or with each of the 122 unrelated ones (15,006 pairs: <= 0.44, a short
# article on the same news event; 99.9th percentile 0.31).  0.5 sits in the gap, and in both
# halves of a random two-way split of the documents.  A Chinese text that translates only the
# first half of the Russian scores 0.55 at the median, so about half of such partial
# translations stay unpaired: the safe failure.
MATCH_THRESHOLD = 0.5


@dataclass(frozen=True)
class MatchResult:
    """What content matching made of the unpaired documents.

    ``pairs[i]`` is the pair that ``matches[i]`` describes; ``unpaired`` keeps the input
    order; ``candidates`` lists every Russian-Chinese combination with any evidence
    (score > 0), best first, accepted or not, so that near misses can be reported.
    """

    pairs: list[DocumentPair]
    unpaired: list[DocumentPair]
    matches: list[DocumentMatch]
    candidates: list[DocumentMatch]


def match_documents(unpaired: Sequence[DocumentPair], splitters: dict[Lang, Splitter],
                    encoder: Encoder, threshold: float = MATCH_THRESHOLD,
                    min_cosine: float = LINK_MIN_COSINE) -> MatchResult:
    """Pair single-language documents one-to-one by content.

    A matched pair is named ``RU_ID+ZH_ID``: the match is a guess, and the name tells the
    reader which two files it joined.  The encoder sees each sentence text exactly as the
    aligner will pass it, so a caching encoder embeds nothing twice.  When either language
    is absent nothing is embedded.  Raises ValueError for an input pair that has both sides.
    """
    paired = [pair.doc_id for pair in unpaired if pair.is_paired]
    if paired:
        raise ValueError(f"already paired, cannot be matched again: {', '.join(paired)}")
    ru = [i for i, pair in enumerate(unpaired) if pair.ru is not None]
    zh = [i for i, pair in enumerate(unpaired) if pair.zh is not None]
    if not ru or not zh:
        return MatchResult([], list(unpaired), [], [])
    scores = document_scores(_embed([unpaired[i].ru for i in ru], splitters["ru"], encoder),
                             _embed([unpaired[i].zh for i in zh], splitters["zh"], encoder),
                             min_cosine)

    def match(a: int, b: int) -> DocumentMatch:
        return DocumentMatch(unpaired[ru[a]].doc_id, unpaired[zh[b]].doc_id, float(scores[a, b]))

    chosen = one_to_one(scores, threshold)
    matched = {ru[a] for a, _ in chosen} | {zh[b] for _, b in chosen}
    rows, cols = np.nonzero(scores)
    order = np.argsort(-scores[rows, cols], kind="stable")
    return MatchResult(
        pairs=[DocumentPair(f"{unpaired[ru[a]].doc_id}+{unpaired[zh[b]].doc_id}",
                            unpaired[ru[a]].ru, unpaired[zh[b]].zh) for a, b in chosen],
        unpaired=[pair for i, pair in enumerate(unpaired) if i not in matched],
        matches=[match(a, b) for a, b in chosen],
        candidates=[match(a, b) for a, b in zip(rows[order], cols[order], strict=True)],
    )


def _embed(documents: Sequence[Document], splitter: Splitter,
           encoder: Encoder) -> list[np.ndarray]:
    """Sentence vectors of each document, from one encoder call for all of them."""
    texts = [[s.text for s in splitter.split_document(d)] for d in documents]
    vectors = encoder.encode([text for document in texts for text in document])
    return np.split(vectors, np.cumsum([len(document) for document in texts])[:-1])


def document_scores(ru: Sequence[np.ndarray], zh: Sequence[np.ndarray],
                    min_cosine: float = LINK_MIN_COSINE) -> np.ndarray:
    """Evidence in [0, 1] that Chinese document ``b`` translates Russian document ``a``.

    ``ru[a]`` and ``zh[b]`` are the documents' L2-normalised sentence vectors, in order.
    Returns a float matrix of shape ``(len(ru), len(zh))``.
    """
    ru_sizes = np.array([len(v) for v in ru], dtype=int)
    zh_sizes = np.array([len(v) for v in zh], dtype=int)
    scores = np.zeros((len(ru), len(zh)))
    if not ru_sizes.sum() or not zh_sizes.sum():
        return scores
    x, y = np.concatenate(ru), np.concatenate(zh)
    rows, cols = _mutual_links(x, y, min_cosine)
    ru_doc = np.repeat(np.arange(len(ru)), ru_sizes)[rows]
    zh_doc = np.repeat(np.arange(len(zh)), zh_sizes)[cols]
    for a, b, chain in _chains(ru_doc, zh_doc, cols):
        scores[a, b] = 2 * chain / (ru_sizes[a] + zh_sizes[b])
    return scores


def _mutual_links(x: np.ndarray, y: np.ndarray,
                  min_cosine: float) -> tuple[np.ndarray, np.ndarray]:
    """Rows of ``x`` and ``y`` that are each other's best match by ratio margin, and alike.

    Returns the linked row indices into ``x`` (ascending) and into ``y``.  The similarity
    matrix is computed in blocks of rows, twice (once for the neighbourhoods, once for the
    margins), so memory stays near ``BLOCK_CELLS`` whatever the folder's size.
    """
    x_knn, y_knn = _neighbourhoods(x, y)
    best_y = np.empty(len(x), dtype=int)
    best_x = np.zeros(len(y), dtype=int)
    best_x_margin = np.full(len(y), -np.inf)
    for start, block in _similarity_blocks(x, y):
        margin = block / np.maximum((x_knn[start : start + len(block), None] + y_knn) / 2,
                                    MIN_NEIGHBOURHOOD)
        best_y[start : start + len(block)] = margin.argmax(axis=1)
        column_best = margin.max(axis=0)
        better = column_best > best_x_margin  # strictly: the first row wins a tie, like argmax
        best_x[better] = start + margin.argmax(axis=0)[better]
        best_x_margin[better] = column_best[better]
    cosine = np.einsum("ij,ij->i", x, y[best_y])
    linked = np.nonzero((best_x[best_y] == np.arange(len(x))) & (cosine >= min_cosine))[0]
    return linked, best_y[linked]


def _neighbourhoods(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean cosine of each row of ``x`` to its k nearest rows of ``y``, and the other way.

    k is capped by the number of candidates, so a folder of two short documents still works
    (with weaker margins, which ``LINK_MIN_COSINE`` makes up for).
    """
    k_x, k_y = min(NEIGHBOURS, len(y)), min(NEIGHBOURS, len(x))
    x_knn = np.empty(len(x), dtype=np.float32)
    y_top = np.empty((0, len(y)), dtype=np.float32)
    for start, block in _similarity_blocks(x, y):
        x_knn[start : start + len(block)] = _top_k(block, k_x, axis=1).mean(axis=1)
        y_top = _top_k(np.vstack([y_top, block]), k_y, axis=0)
    return x_knn, y_top.mean(axis=0)


def _top_k(matrix: np.ndarray, k: int, axis: int) -> np.ndarray:
    """The k largest values along ``axis``, in no particular order."""
    return np.take(np.partition(matrix, -k, axis=axis), range(-k, 0), axis=axis)


def _similarity_blocks(x: np.ndarray, y: np.ndarray) -> Iterator[tuple[int, np.ndarray]]:
    """Cosine similarities of ``x`` against ``y``, a block of rows of ``x`` at a time."""
    rows = max(NEIGHBOURS, BLOCK_CELLS // len(y))  # the first block seeds the k nearest
    for start in range(0, len(x), rows):
        yield start, x[start : start + rows] @ y.T


def _chains(ru_doc: np.ndarray, zh_doc: np.ndarray,
            cols: np.ndarray) -> Iterator[tuple[int, int, int]]:
    """For each document pair with links, the length of its longest order-keeping chain.

    Links arrive sorted by Russian sentence, so the chain is the longest increasing subsequence of
    their Chinese sentence numbers (patience sorting, O(n log n)).
    """
    order = np.lexsort((zh_doc, ru_doc))  # stable: keeps the Russian order within a pair
    new_pair = (np.diff(ru_doc[order]) != 0) | (np.diff(zh_doc[order]) != 0)
    for group in np.split(order, np.flatnonzero(new_pair) + 1) if len(order) else []:
        tails: list[int] = []
        for col in cols[group]:
            place = bisect.bisect_left(tails, col)
            tails[place : place + 1] = [col]
        yield int(ru_doc[group[0]]), int(zh_doc[group[0]]), len(tails)


def one_to_one(scores: np.ndarray, threshold: float) -> list[tuple[int, int]]:
    """Greedy competitive linking: best score first, each document used once, >= threshold.

    Returns ``(row, column)`` pairs in the order they were chosen (best first).
    """
    rows, cols = np.nonzero(scores >= threshold)
    chosen: list[tuple[int, int]] = []
    used_rows: set[int] = set()
    used_cols: set[int] = set()
    for index in np.argsort(-scores[rows, cols], kind="stable"):
        row, col = int(rows[index]), int(cols[index])
        if row not in used_rows and col not in used_cols:
            chosen.append((row, col))
            used_rows.add(row)
            used_cols.add(col)
    return chosen
