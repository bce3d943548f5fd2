"""How good a bead is: similarities of sentence windows, normalised, turned into costs.

Vectorised over one row of the search at a time, so the search itself stays
a short loop.  A window is a run of consecutive sentences of one side; a
bead of ``a`` Russian and ``b`` Chinese sentences compares the Russian window
of size ``a`` with the Chinese window of size ``b``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from aligner.config import AlignerSettings

BeadShape = tuple[int, int]


def bead_shapes(settings: AlignerSettings) -> list[BeadShape]:
    """All bead shapes the search may use: n-m up to the limits, and single-sentence nulls."""
    shapes = [(a, b) for a in range(1, settings.max_ru + 1) for b in range(1, settings.max_zh + 1)]
    return [*shapes, (1, 0), (0, 1)]


@dataclass(frozen=True)
class Side:
    """One side's windows at one level of the search.

    ``windows[k][i]`` embeds sentences ``i .. i+k-1`` (L2-normalised);
    ``crosses_paragraph[k][i]`` says whether that window spans a paragraph break;
    ``normaliser[k][i]`` is the window's mean cosine distance to sentences of the
    other side, the yardstick that makes one window's cost comparable to another's.
    """

    windows: dict[int, np.ndarray]
    crosses_paragraph: dict[int, np.ndarray]
    normaliser: dict[int, np.ndarray]

    @property
    def length(self) -> int:
        return len(self.windows[1])


def mean_distance(windows: np.ndarray, other_singles: np.ndarray, sample: int) -> np.ndarray:
    """Mean cosine distance from each window to a fixed sample of the other side's sentences.

    Vecalign's normalisation: some sentences are close to everything (short,
    generic ones), and dividing by this keeps them from attracting matches.
    The sample is taken with a fixed seed so a run is reproducible.
    """
    if len(other_singles) > sample:
        rows = np.random.default_rng(0).choice(len(other_singles), size=sample, replace=False)
        other_singles = other_singles[np.sort(rows)]
    distances = 1.0 - windows @ other_singles.T
    return np.maximum(distances.mean(axis=1), 1e-3).astype(np.float32)


def make_sides(ru_windows: dict[int, np.ndarray], zh_windows: dict[int, np.ndarray],
               ru_breaks: dict[int, np.ndarray], zh_breaks: dict[int, np.ndarray],
               sample: int) -> tuple[Side, Side]:
    """Attach the cost normalisers to both sides' windows."""
    ru_norm = {k: mean_distance(w, zh_windows[1], sample) for k, w in ru_windows.items()}
    zh_norm = {k: mean_distance(w, ru_windows[1], sample) for k, w in zh_windows.items()}
    return Side(ru_windows, ru_breaks, ru_norm), Side(zh_windows, zh_breaks, zh_norm)


def normalised_cost(similarity: np.ndarray, ru_norm: np.ndarray | float,
                    zh_norm: np.ndarray | float) -> np.ndarray:
    """Cosine distance divided by the two windows' typical distance: about 1 for unrelated text."""
    return 2.0 * (1.0 - similarity) / (ru_norm + zh_norm)


def row_costs(ru: Side, zh: Side, i: int, shape: BeadShape, columns: np.ndarray,
              settings: AlignerSettings) -> np.ndarray:
    """Cost of a bead of ``shape`` ending at row ``i`` and each of ``columns``.

    A bead ending at (i, j) covers Russian ``i-a .. i-1`` and Chinese
    ``j-b .. j-1``.  Columns where the bead would not fit get +inf.
    """
    a, b = shape
    costs = np.full(len(columns), np.inf)
    if b == 0:
        costs[:] = settings.null_cost
        return costs
    if a == 0:
        raise ValueError("Chinese-only nulls are handled inside the row, not here")
    valid = (columns >= b) & (columns <= zh.length)
    starts = columns[valid] - b
    ru_start = i - a
    similarity = zh.windows[b][starts] @ ru.windows[a][ru_start]
    cost = normalised_cost(similarity, ru.normaliser[a][ru_start], zh.normaliser[b][starts])
    cost = cost * (a + b) / 2.0 + settings.merge_penalty * (a + b - 2)
    cost = cost + settings.paragraph_penalty * (zh.crosses_paragraph[b][starts]
                                                + bool(ru.crosses_paragraph[a][ru_start]))
    costs[valid] = cost
    return costs
