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
LENGTH_Z_CAP = 9.0  # three standard deviations


def bead_shapes(settings: AlignerSettings) -> list[BeadShape]:
    """All bead shapes the search may use: n-m up to the limits, and single-sentence nulls.

    ``max_bead_sentences`` bounds a + b, as Vecalign does: a translator splits or joins a
    sentence into up to four (1-4, 4-1), seldom reshuffles three into three.
    """
    shapes = [(a, b) for a in range(1, settings.max_ru + 1) for b in range(1, settings.max_zh + 1)
              if a + b <= settings.max_bead_sentences]
    return [*shapes, (1, 0), (0, 1)]


@dataclass(frozen=True)
class WindowSet:
    """What one side offers the search before normalisation.

    ``vectors[k][i]`` embeds sentences ``i .. i+k-1`` (L2-normalised);
    ``crosses_paragraph[k][i]`` says whether that window spans a paragraph break;
    ``lengths[k][i]`` is its length in characters.
    """

    vectors: dict[int, np.ndarray]
    crosses_paragraph: dict[int, np.ndarray]
    lengths: dict[int, np.ndarray]


@dataclass(frozen=True)
class Side(WindowSet):
    """A side ready for the search: ``normaliser[k][i]`` is the window's mean cosine distance
    to sentences of the other side, the yardstick that makes one window's cost comparable to
    another's."""

    normaliser: dict[int, np.ndarray]

    @property
    def length(self) -> int:
        return len(self.vectors[1])


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


def make_sides(ru: WindowSet, zh: WindowSet, sample: int) -> tuple[Side, Side]:
    """Attach the cost normalisers to both sides' windows."""
    ru_norm = {k: mean_distance(w, zh.vectors[1], sample) for k, w in ru.vectors.items()}
    zh_norm = {k: mean_distance(w, ru.vectors[1], sample) for k, w in zh.vectors.items()}
    return (Side(ru.vectors, ru.crosses_paragraph, ru.lengths, ru_norm),
            Side(zh.vectors, zh.crosses_paragraph, zh.lengths, zh_norm))


def length_cost(ru_chars: float, zh_chars: np.ndarray, settings: AlignerSettings) -> np.ndarray:
    """How unlikely the two windows' length ratio is for a Russian–Chinese translation.

    The squared z-score of the log character ratio, capped so that one odd
    pair (a number, a name) cannot outweigh the meaning.
    """
    log_ratio = np.log((ru_chars + 1.0) / (zh_chars + 1.0))
    z = (log_ratio - settings.length_log_ratio_mean) / settings.length_log_ratio_sd
    return np.minimum(z * z, LENGTH_Z_CAP)


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
    similarity = zh.vectors[b][starts] @ ru.vectors[a][ru_start]
    cost = normalised_cost(similarity, ru.normaliser[a][ru_start], zh.normaliser[b][starts])
    cost = cost + settings.length_weight * length_cost(ru.lengths[a][ru_start],
                                                       zh.lengths[b][starts], settings)
    cost = cost * (a + b) / 2.0 + settings.merge_penalty * (a + b - 2)
    cost = cost + settings.paragraph_penalty * (zh.crosses_paragraph[b][starts]
                                                + bool(ru.crosses_paragraph[a][ru_start]))
    costs[valid] = cost
    return costs
