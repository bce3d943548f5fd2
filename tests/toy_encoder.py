"""A toy encoder for tests where the right answer must be known exactly.

Every "meaning" gets a random vector; a sentence is written as its meaning ids
(``r3`` on the Russian side, ``z3`` on the Chinese side, ``n3`` for noise vector 3),
a merged sentence as several ids, and a text embeds as the normalised sum of its
parts, as a real encoder roughly does with joined sentences.
"""

from __future__ import annotations

import re

import numpy as np

from aligner.embed.base import Encoder

DIM = 64
NOISE = 5000  # noise vectors live after the meanings


class MeaningEncoder(Encoder):
    """Embeds ``r7`` / ``z7`` as meaning 7 and ``n7`` as noise vector 7."""

    name = "meanings"

    def __init__(self) -> None:
        super().__init__(batch_size=7)  # an odd batch size exercises the batching
        self._vectors = np.random.default_rng(42).standard_normal((2 * NOISE, DIM))

    @property
    def dimension(self) -> int:
        return DIM

    @property
    def signature(self) -> str:
        return "meanings"

    def _encode_batch(self, texts: list[str]) -> np.ndarray:
        rows = np.zeros((len(texts), DIM), dtype=np.float32)
        for row, text in enumerate(texts):
            for kind, meaning in re.findall(r"([rzn])(\d+)", text):
                rows[row] += self._vectors[int(meaning) + (NOISE if kind == "n" else 0)]
        return rows
