"""The monotone dynamic-programming search over sentence positions.

Rows are Russian positions, columns Chinese ones; a cell (i, j) means "the
first i Russian and j Chinese sentences are aligned".  Each row keeps only a
band of columns, so memory grows with the band, not with n*m: small documents
get a band as wide as the document, long ones a band around the path found
on a coarser copy of the document (Vecalign's coarse-to-fine recursion).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from aligner.align.scoring import BeadShape, Side, WindowSet, make_sides, row_costs
from aligner.config import AlignerSettings


@dataclass(frozen=True)
class Band:
    """Columns ``lo[i] .. hi[i]`` (inclusive) are searched in row ``i``."""

    lo: np.ndarray
    hi: np.ndarray

    @classmethod
    def full(cls, n: int, m: int) -> Band:
        return cls(np.zeros(n + 1, dtype=np.int64), np.full(n + 1, m, dtype=np.int64))

    @classmethod
    def around(cls, corners: list[tuple[int, int]], n: int, m: int, width: int) -> Band:
        """A band of ``width`` sentences on every side of a path given by its corner cells."""
        lo = np.full(n + 1, m, dtype=np.int64)
        hi = np.zeros(n + 1, dtype=np.int64)
        for i, j in [(0, 0), *corners, (n, m)]:
            rows = slice(max(0, i - width), min(n, i + width) + 1)
            lo[rows] = np.minimum(lo[rows], max(0, j - width))
            hi[rows] = np.maximum(hi[rows], min(m, j + width))
        # A monotone path needs bands that never move left.
        lo = np.minimum.accumulate(lo[::-1])[::-1]
        hi = np.maximum.accumulate(hi)
        return cls(lo, hi)

    @property
    def cells(self) -> int:
        return int((self.hi - self.lo + 1).sum())


Path = list[tuple[BeadShape, int, int]]  # (shape, ru end, zh end) per bead, in order


def search(ru: Side, zh: Side, shapes: list[BeadShape], settings: AlignerSettings,
           band: Band) -> Path:
    """The cheapest monotone path of beads from (0, 0) to (n, m) inside ``band``."""
    n = ru.length
    zh_null = shapes.index((0, 1))
    totals: list[np.ndarray] = []
    choices: list[np.ndarray] = []
    for i in range(n + 1):
        lo, hi = int(band.lo[i]), int(band.hi[i])
        columns = np.arange(lo, hi + 1)
        best = np.full(len(columns), np.inf)
        choice = np.full(len(columns), -1, dtype=np.int8)
        if i == 0 and lo == 0:
            best[0] = 0.0
        for index, shape in enumerate(shapes):
            a, b = shape
            if a == 0 or a > i:
                continue
            previous, previous_lo = totals[i - a], int(band.lo[i - a])
            at = columns - b - previous_lo
            reachable = (at >= 0) & (at < len(previous))
            if not reachable.any():
                continue
            before = np.full(len(columns), np.inf)
            before[reachable] = previous[at[reachable]]
            candidate = before + row_costs(ru, zh, i, shape, columns, settings)
            better = candidate < best
            best[better] = candidate[better]
            choice[better] = index
        # Chinese nulls chain along the row: best[j] = min_k (best[k] + (j-k) * null),
        # a running minimum once the linear term is taken out.
        slope = columns * settings.null_cost
        detached = best - slope
        running = np.minimum.accumulate(detached)
        via_null = running < detached
        best = running + slope
        choice[via_null] = zh_null
        totals.append(best)
        choices.append(choice)
    return _trace_back(choices, band, shapes, n, int(band.hi[n]))


def _trace_back(choices: list[np.ndarray], band: Band, shapes: list[BeadShape],
                i: int, j: int) -> Path:
    path: Path = []
    while i > 0 or j > 0:
        index = int(choices[i][j - band.lo[i]])
        if index < 0:
            raise RuntimeError(f"alignment search left cell ({i}, {j}) unreachable")
        a, b = shapes[index]
        path.append(((a, b), i, j))
        i, j = i - a, j - b
    return path[::-1]


def _downsample(side: Side) -> WindowSet:
    """Average consecutive sentence pairs: a half-length document for the coarse pass."""
    singles, lengths = side.vectors[1], side.lengths[1]
    if len(singles) % 2:
        singles = np.vstack([singles, singles[-1:]])
        lengths = np.append(lengths, lengths[-1])
    coarse = singles.reshape(-1, 2, singles.shape[1]).mean(axis=1)
    coarse_lengths = lengths.reshape(-1, 2).sum(axis=1)
    vectors, window_lengths = {}, {}
    for k in side.vectors:
        count = max(0, len(coarse) - k + 1)
        summed = sum(coarse[s : s + count] for s in range(k))
        vectors[k] = summed / np.maximum(np.linalg.norm(summed, axis=1, keepdims=True), 1e-9)
        window_lengths[k] = sum(coarse_lengths[s : s + count] for s in range(k))
    breaks = {k: np.zeros(len(v), dtype=bool) for k, v in vectors.items()}
    return WindowSet(vectors, breaks, window_lengths)


def find_path(ru: Side, zh: Side, shapes: list[BeadShape], settings: AlignerSettings) -> Path:
    """Search the full grid when it is small, else a band around the coarse path."""
    n, m = ru.length, zh.length
    if (n + 1) * (m + 1) <= settings.full_search_cells:
        return search(ru, zh, shapes, settings, Band.full(n, m))
    coarse_ru, coarse_zh = make_sides(_downsample(ru), _downsample(zh),
                                      settings.normaliser_sample)
    coarse_settings = replace(settings, paragraph_penalty=0.0)
    coarse_path = find_path(coarse_ru, coarse_zh, shapes, coarse_settings)
    corners = [(2 * i, 2 * j) for _, i, j in coarse_path]
    band = Band.around(corners, n, m, settings.band_width)
    return search(ru, zh, shapes, settings, band)
