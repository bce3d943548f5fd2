"""Pairing Russian and Chinese documents by content, for files that names could not pair.

A translation shows itself sentence by sentence: most of its sentences have a
counterpart in the other document, and the counterparts come in the same order.
So the evidence for "Chinese document B translates Russian document A" is:

1. links: a Russian and a Chinese sentence that are each other's nearest
   neighbour among the candidate sentences of the other language, by the ratio
   margin of LASER bitext mining (cosine over the mean cosine of either
   sentence's k nearest neighbours, k=4, which keeps "hub" sentences that are
   close to everything from winning), and that are more alike than unrelated
   sentences of this folder ever are (the link floor, below);
2. the longest chain of A-B links that keeps the sentence order of both
   documents (links out of order are what two texts on one story produce);
3. the score: twice that chain's length over the sentences of A and B together,
   i.e. the share of both documents' sentences that are accounted for.

Pairs are then chosen one-to-one, best score first (competitive linking), and
only at or above a threshold: an article without its translation in the folder
must stay unpaired, since a forced partner would put false pairs into a
translation memory.  The failures are of the same, safe kind: two near-identical
versions of one article split the links between them and may both stay unpaired.

Nothing here is written in one encoder's numbers.  Each encoder has its own range of
cosines (unrelated sentences sit near 0.05 with USE, near 0.75 with e5), so the link floor
is measured on the folder itself: the median and spread of the cosines of random
Russian-Chinese sentence pairs, which are unrelated but for a vanishing share, and the
floor set a fixed number of spreads above the median.  The margin is a ratio of ranks in
the same folder, and the score a share of sentences, so neither carries units; the
threshold on the score is the same for every encoder.

At scale, every sentence against every sentence is quadratic in the folder.  So each
document first shortlists the documents of the other language whose mean sentence vector
is nearest (a translation's mean vector is close to its original's, though not close
enough to decide by itself, see below), and sentences are compared only within
shortlisted pairs: the work then grows with the folder's size times the shortlist's, not
with the square of the folder.  A folder no larger than the shortlist is compared in full.

A document-embedding similarity (mean of sentence vectors) was measured and not used as the
score: on the dev set it ranks the right partner first but no cut-off separates partners
from non-partners (partners from cosine 0.54, non-partners up to 0.76).  The score above
needs no document-level margin either: it is already built from margin-ranked sentence
links, and a ratio over the neighbouring documents' scores (mostly 0) would be undefined in
exactly the small folders that matter.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
from threadpoolctl import threadpool_limits

from aligner.embed.base import Encoder, l2_normalise
from aligner.model import Document, DocumentMatch, DocumentPair, Lang
from aligner.segment import Splitter

NEIGHBOURS = 4  # k of the margin's k-nearest-neighbour means, as in LASER bitext mining
BLOCK_CELLS = 1 << 22  # similarities held at once (16 MB of float32): bounds memory, any size
MIN_NEIGHBOURHOOD = 1e-3  # floor of the margin's denominator, so it stays a ratio of positives

# How far above the folder's unrelated pairs a link must be, in robust standard deviations
# (1.4826 x the median absolute deviation) above their median.  Measured on the dev set (123
# NTREX news documents, hard variant, our splitters), the folder benchmarks/doc_matching.py
# builds, with USE and e5 (each with its own scale: USE's unrelated pairs have median cosine
# 0.03 and spread 0.08, e5's 0.78 and 0.02).  In the whole folder 2 to 3 spreads find every
# pair with both (e5 loses 4 of 104 at 3.5, 16 at 4); the floor decides in folders of few
# documents, where margins say little (a sentence's nearest neighbours are a handful of
# unrelated sentences, and the best of them always stands out) and the background is one
# article's own, topical, sentences.  Every document alone with its partner, and 300
# unrelated couples:
#   spreads  USE partners found  e5 partners found  best unrelated score (USE / e5)
#   2.0      99 / 104            98 / 104           0.38 / 0.44
#   3.0      66 / 104            54 / 104           0.24 / 0.18
# 3 is chosen for safety: at 2 (and 2.5) the toy test of an article that shares two of its
# eight sentences with another is matched, at 1.5 an unrelated dev couple reached 0.5.  The
# cost is that a folder holding only one article and its translation often leaves them
# unpaired (the safe failure); the old fixed USE floor, cosine 0.35, paired all 104 with USE
# but would let every e5 pair through.
LINK_FLOOR_SPREADS = 3.0
#: random sentence pairs that measure the folder's unrelated-pair cosines (all, if fewer)
BACKGROUND_PAIRS = 20_000
BACKGROUND_SEED = 0
#: pairs this far apart in relative place (a quarter of a document) count as unrelated
APART = 0.25  # the sample is seeded: the same folder always gets the same floor

# Documents of the other language each document keeps as candidates.  On the dev set the
# partner is the nearest mean vector for every document with USE and e5 alike; 20 leaves room
# for folders of many articles on one story.  Pairs shortlisted from either side are kept.
SHORTLIST = 20

# The score that accepts a pair, measured in three set-ups on the dev set: all 123 documents
# (partners >= 0.55, the best non-partner 0.12); 40 of them with one side removed, in five
# random draws (partners >= 0.55, non-partners <= 0.22); and every document alone with its
# partner (>= 0.57) or with each of the 122 unrelated ones (15,006 pairs: <= 0.44, a short
# article on the same news event; 99.9th percentile 0.31).  0.5 sits in the gap, and in both
# halves of a random two-way split of the documents.  A Chinese text that translates only the
# first half of the Russian scores 0.55 at the median, so about half of such partial
# translations stay unpaired: the safe failure.  The score is a share of sentences, so the
# same threshold serves every encoder.
MATCH_THRESHOLD = 0.5


class Scores(NamedTuple):
    """Scores of the document pairs with any evidence (score > 0), best first.

    ``ru[i]`` and ``zh[i]`` index the Russian and Chinese documents of pair ``i``; a pair
    that is not listed scored 0.  Ties keep (ru, zh) order, so the order is reproducible.
    """

    ru: np.ndarray
    zh: np.ndarray
    score: np.ndarray

    def get(self, ru: int, zh: int) -> float:
        """The score of one pair, 0 when it has no evidence."""
        hit = np.flatnonzero((self.ru == ru) & (self.zh == zh))
        return float(self.score[hit[0]]) if len(hit) else 0.0


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
                    floor_spreads: float = LINK_FLOOR_SPREADS,
                    shortlist: int = SHORTLIST) -> MatchResult:
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
    scores = flat_document_scores(
        *_embed([unpaired[i].ru for i in ru], splitters["ru"], encoder),
        *_embed([unpaired[i].zh for i in zh], splitters["zh"], encoder),
        floor_spreads, shortlist)

    def match(a: int, b: int, score: float) -> DocumentMatch:
        return DocumentMatch(unpaired[ru[a]].doc_id, unpaired[zh[b]].doc_id, float(score))

    chosen = one_to_one(scores, threshold)
    matched = {ru[scores.ru[i]] for i in chosen} | {zh[scores.zh[i]] for i in chosen}
    return MatchResult(
        pairs=[DocumentPair(f"{unpaired[ru[scores.ru[i]]].doc_id}+"
                            f"{unpaired[zh[scores.zh[i]]].doc_id}",
                            unpaired[ru[scores.ru[i]]].ru, unpaired[zh[scores.zh[i]]].zh)
               for i in chosen],
        unpaired=[pair for i, pair in enumerate(unpaired) if i not in matched],
        matches=[match(scores.ru[i], scores.zh[i], scores.score[i]) for i in chosen],
        candidates=[match(a, b, v) for a, b, v in zip(*scores, strict=True)],
    )


def _embed(documents: Sequence[Document], splitter: Splitter,
           encoder: Encoder) -> tuple[np.ndarray, np.ndarray]:
    """Sentence vectors of all documents in one matrix, from one encoder call, and each
    document's number of sentences."""
    texts = [[s.text for s in splitter.split_document(d)] for d in documents]
    vectors = encoder.encode([text for document in texts for text in document])
    return vectors, np.array([len(document) for document in texts], dtype=int)


def document_scores(ru: Sequence[np.ndarray], zh: Sequence[np.ndarray],
                    floor_spreads: float = LINK_FLOOR_SPREADS,
                    shortlist: int = SHORTLIST) -> Scores:
    """Evidence in [0, 1] that Chinese document ``b`` translates Russian document ``a``.

    ``ru[a]`` and ``zh[b]`` are the documents' L2-normalised sentence vectors, in order.
    """
    dim = next((v.shape[1] for v in (*ru, *zh) if v.ndim == 2), 0)

    def flat(documents: Sequence[np.ndarray]) -> np.ndarray:
        return np.concatenate(documents) if documents else np.zeros((0, dim), np.float32)

    return flat_document_scores(flat(ru), np.array([len(v) for v in ru], dtype=int),
                                flat(zh), np.array([len(v) for v in zh], dtype=int),
                                floor_spreads, shortlist)


def flat_document_scores(x: np.ndarray, ru_sizes: np.ndarray, y: np.ndarray,
                         zh_sizes: np.ndarray, floor_spreads: float = LINK_FLOOR_SPREADS,
                         shortlist: int = SHORTLIST) -> Scores:
    """:func:`document_scores` on all sentence vectors of a side in one matrix (``x`` holds
    the Russian documents' rows one after the other, ``ru_sizes`` their counts), so that a
    large folder's vectors are never held twice."""
    if not ru_sizes.sum() or not zh_sizes.sum():
        return Scores(np.zeros(0, int), np.zeros(0, int), np.zeros(0))
    # One BLAS thread: a shortlisted folder makes many small products (a document against
    # its candidates), and on shared cores threads that wait for each other at every product
    # made the dev folder 15x slower and the shortlist of 2,000 documents 10x.
    with threadpool_limits(1, user_api="blas"):
        return _scores(x, ru_sizes, y, zh_sizes, floor_spreads, shortlist)


def _scores(x: np.ndarray, ru_sizes: np.ndarray, y: np.ndarray, zh_sizes: np.ndarray,
            floor_spreads: float, shortlist: int) -> Scores:
    """The body of :func:`flat_document_scores`, on non-empty sides."""
    floor = link_floor(x, y, floor_spreads, _places(ru_sizes), _places(zh_sizes))
    pairs = shortlist_pairs_flat(x, ru_sizes, y, zh_sizes, shortlist)
    x_side = _Side.build(x, ru_sizes, _partners(pairs[:, 0], pairs[:, 1], len(ru_sizes)))
    y_side = _Side.build(y, zh_sizes, _partners(pairs[:, 1], pairs[:, 0], len(zh_sizes)))
    rows, cols = _mutual_links(x_side, y_side, floor)
    ru_doc = np.repeat(np.arange(len(ru_sizes)), ru_sizes)[rows]
    zh_doc = np.repeat(np.arange(len(zh_sizes)), zh_sizes)[cols]
    found = [(a, b, 2 * chain / (ru_sizes[a] + zh_sizes[b]))
             for a, b, chain in _chains(ru_doc, zh_doc, cols)]
    a, b, score = (np.array(column) for column in zip(*found, strict=True)) if found else (
        np.zeros(0, int), np.zeros(0, int), np.zeros(0))
    order = np.lexsort((b, a, -score))  # best first; ties in (ru, zh) order
    return Scores(a[order].astype(int), b[order].astype(int), score[order].astype(float))


def link_floor(x: np.ndarray, y: np.ndarray, spreads: float = LINK_FLOOR_SPREADS,
               x_place: np.ndarray | None = None, y_place: np.ndarray | None = None) -> float:
    """The cosine a link must reach: ``spreads`` robust standard deviations above the median
    cosine of random pairs of rows of ``x`` and ``y`` (the folder's unrelated pairs).

    ``x_place`` and ``y_place`` give each row's relative place in its document (0 first,
    near 1 last).  Pairs at nearby places are left out of the sample: in a folder of one
    article and its translation they are where the translations are, which would otherwise
    raise the floor above the very links it must let through.  The median and the median
    absolute deviation take care of what remains.
    """
    x_place = np.zeros(len(x)) if x_place is None else x_place
    y_place = np.ones(len(y)) if y_place is None else y_place
    if len(x) * len(y) <= BACKGROUND_PAIRS:
        i, j = (a.ravel() for a in np.meshgrid(np.arange(len(x)), np.arange(len(y)),
                                                indexing="ij"))
    else:
        rng = np.random.default_rng(BACKGROUND_SEED)
        i = rng.integers(0, len(x), BACKGROUND_PAIRS)
        j = rng.integers(0, len(y), BACKGROUND_PAIRS)
    apart = np.abs(x_place[i] - y_place[j]) >= APART
    if apart.sum() >= NEIGHBOURS:
        i, j = i[apart], j[apart]
    cosines = np.einsum("ij,ij->i", x[i], y[j])
    median = float(np.median(cosines))
    spread = 1.4826 * float(np.median(np.abs(cosines - median)))
    return median + spreads * spread


def _places(sizes: np.ndarray) -> np.ndarray:
    """Each sentence's relative place in its document: its index over the document's size."""
    return np.concatenate([np.arange(n) / n for n in sizes if n])


def shortlist_pairs(ru: Sequence[np.ndarray], zh: Sequence[np.ndarray],
                    size: int = SHORTLIST) -> np.ndarray:
    """The (ru, zh) document pairs worth comparing sentence by sentence, sorted.

    Each document keeps the ``size`` documents of the other language whose mean sentence
    vector is nearest; a pair either side keeps is compared.  When no side has more than
    ``size`` documents, that is every pair, and matching is exact.
    """
    return shortlist_pairs_flat(np.concatenate(ru), np.array([len(v) for v in ru]),
                                np.concatenate(zh), np.array([len(v) for v in zh]), size)


def shortlist_pairs_flat(x: np.ndarray, ru_sizes: np.ndarray, y: np.ndarray,
                         zh_sizes: np.ndarray, size: int = SHORTLIST) -> np.ndarray:
    """:func:`shortlist_pairs` on each side's rows in one matrix (see flat_document_scores)."""
    if len(ru_sizes) <= size and len(zh_sizes) <= size:
        a, b = np.meshgrid(np.arange(len(ru_sizes)), np.arange(len(zh_sizes)), indexing="ij")
        return np.stack([a.ravel(), b.ravel()], axis=1)
    ru_means, zh_means = _means(x, ru_sizes), _means(y, zh_sizes)
    ru_side = _nearest_documents(ru_means, zh_means, size)
    zh_side = _nearest_documents(zh_means, ru_means, size)[:, ::-1]
    return np.unique(np.concatenate([ru_side, zh_side]), axis=0)


def _means(vectors: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """One L2-normalised mean sentence vector per document, centred on the side's mean.

    Centring takes out what every document of the side shares (most of a vector, with an
    encoder like e5 whose unrelated sentences are 0.75 alike); without it, e5's partners
    ranked as low as 30th on the dev set, with it first or second.
    """
    bounds = np.concatenate([[0], np.cumsum(sizes)]).astype(int)
    # a loop of slices: np.add.reduceat along rows was 50x slower
    means = np.stack([vectors[bounds[i] : bounds[i + 1]].mean(axis=0) if sizes[i]
                      else np.zeros(vectors.shape[1], np.float32) for i in range(len(sizes))])
    return l2_normalise(means - means.mean(axis=0))


def _nearest_documents(queries: np.ndarray, targets: np.ndarray, size: int) -> np.ndarray:
    """(query, target) index pairs: each query row with its ``size`` most similar target
    rows, computed a block of queries at a time so memory stays near ``BLOCK_CELLS``."""
    k = min(size, len(targets))
    rows_per_block = max(1, BLOCK_CELLS // len(targets))
    found = []
    for start in range(0, len(queries), rows_per_block):
        sims = queries[start : start + rows_per_block] @ targets.T
        best = np.argpartition(-sims, k - 1, axis=1)[:, :k] if k < len(targets) else \
            np.broadcast_to(np.arange(len(targets)), sims.shape)
        rows = np.repeat(np.arange(start, start + len(sims)), k)
        found.append(np.stack([rows, best.ravel()], axis=1))
    return np.concatenate(found)


def _partners(own: np.ndarray, other: np.ndarray, count: int) -> list[np.ndarray]:
    """For each of ``count`` documents, the sorted documents of the other side it is
    compared with, from the sorted pair list's two columns."""
    order = np.lexsort((other, own))
    own, other = own[order], other[order]
    bounds = np.searchsorted(own, np.arange(count + 1))
    return [other[bounds[i] : bounds[i + 1]] for i in range(count)]


class _Side(NamedTuple):
    """One language's sentence vectors, where each document's rows start, and which
    documents of the other language each of its documents is compared with."""

    vectors: np.ndarray
    starts: np.ndarray  # row of each document's first sentence, and one past the last
    partners: list[np.ndarray]

    @classmethod
    def build(cls, vectors: np.ndarray, sizes: np.ndarray,
              partners: list[np.ndarray]) -> _Side:
        return cls(vectors, np.concatenate([[0], np.cumsum(sizes)]), partners)

    def rows(self, documents: np.ndarray) -> np.ndarray:
        """The sentence rows of ``documents``, in order."""
        if not len(documents):
            return np.zeros(0, dtype=int)
        return np.concatenate([np.arange(self.starts[d], self.starts[d + 1])
                               for d in documents])


def _query_blocks(query: _Side, target: _Side) -> Iterator[tuple[np.ndarray, np.ndarray,
                                                                 np.ndarray]]:
    """Query sentence rows (in blocks), the rows of the target sentences they are compared
    with, and their cosines.  Neighbouring query documents with the same partners (all of
    them, in a folder compared in full) share blocks, so small folders take a few large
    products rather than one small product per document."""
    document = 0
    while document < len(query.partners):
        partners = query.partners[document]
        last = document + 1
        while last < len(query.partners) and np.array_equal(query.partners[last], partners):
            last += 1
        begin, end = int(query.starts[document]), int(query.starts[last])
        document = last
        candidates = target.rows(partners)
        if begin == end or not len(candidates):
            continue
        step = max(1, BLOCK_CELLS // len(candidates))
        for start in range(begin, end, step):
            rows = np.arange(start, min(end, start + step))
            yield rows, candidates, query.vectors[rows] @ target.vectors[candidates].T


def _neighbourhood(query: _Side, target: _Side) -> np.ndarray:
    """Mean cosine of each query sentence to its k nearest candidate target sentences.

    k is capped by the number of candidates, so a folder of two short documents still works
    (with weaker margins, which the link floor makes up for).
    """
    knn = np.zeros(len(query.vectors), dtype=np.float32)
    for rows, candidates, sims in _query_blocks(query, target):
        knn[rows] = _top_k(sims, min(NEIGHBOURS, len(candidates)), axis=1).mean(axis=1)
    return knn


def _best_by_margin(query: _Side, target: _Side, query_knn: np.ndarray,
                    target_knn: np.ndarray) -> np.ndarray:
    """Each query sentence's candidate target sentence of highest ratio margin (-1: none;
    ties: the lower row)."""
    best = np.full(len(query.vectors), -1, dtype=int)
    for rows, candidates, sims in _query_blocks(query, target):
        margin = sims / np.maximum((query_knn[rows, None] + target_knn[candidates]) / 2,
                                   MIN_NEIGHBOURHOOD)
        best[rows] = candidates[margin.argmax(axis=1)]
    return best


def _mutual_links(x: _Side, y: _Side, floor: float) -> tuple[np.ndarray, np.ndarray]:
    """Rows of ``x`` and ``y`` that are each other's best candidate by ratio margin, and at
    least ``floor`` alike.

    Returns the linked row indices into ``x`` (ascending) and into ``y``.  Similarities are
    computed per document against its candidates, in blocks, twice (once for the
    neighbourhoods, once for the margins), so memory stays near ``BLOCK_CELLS`` whatever
    the folder's size.
    """
    x_knn, y_knn = _neighbourhood(x, y), _neighbourhood(y, x)
    best_y = _best_by_margin(x, y, x_knn, y_knn)
    best_x = _best_by_margin(y, x, y_knn, x_knn)
    has = np.flatnonzero(best_y >= 0)
    cosine = np.einsum("ij,ij->i", x.vectors[has], y.vectors[best_y[has]])
    mutual = (best_x[best_y[has]] == has) & (cosine >= floor)
    linked = has[mutual]
    return linked, best_y[linked]


def _top_k(matrix: np.ndarray, k: int, axis: int) -> np.ndarray:
    """The k largest values along ``axis``, in no particular order."""
    return np.take(np.partition(matrix, -k, axis=axis), range(-k, 0), axis=axis)


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


def one_to_one(scores: Scores, threshold: float) -> list[int]:
    """Greedy competitive linking: best score first, each document used once, >= threshold.

    Returns the chosen indices into ``scores``, in the order they were chosen (best first).
    """
    chosen: list[int] = []
    used_ru: set[int] = set()
    used_zh: set[int] = set()
    for index in np.flatnonzero(scores.score >= threshold):  # already best first
        ru, zh = int(scores.ru[index]), int(scores.zh[index])
        if ru not in used_ru and zh not in used_zh:
            chosen.append(int(index))
            used_ru.add(ru)
            used_zh.add(zh)
    return chosen
