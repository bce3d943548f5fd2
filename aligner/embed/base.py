"""The encoder family: sentences in, one L2-normalised float32 row per sentence out."""

from __future__ import annotations

import re
import unicodedata
from abc import ABC, abstractmethod
from collections.abc import Sequence

import numpy as np

_SPACES = re.compile(r"\s+")


def normalise_for_embedding(text: str) -> str:
    """Clean the copy of a sentence that is embedded, never the text that is exported.

    NFC and folded whitespace (no-break spaces included) keep an encoder's
    tokeniser from seeing two spellings of the same sentence as different.
    """
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text)).strip()


class EncoderError(RuntimeError):
    """An encoder cannot run here; the message says how to make it run."""


class Encoder(ABC):
    """A multilingual sentence encoder.

    Subclasses implement ``_encode_batch``; batching, normalisation and the
    empty case live here so every back-end behaves the same to the aligner.
    """

    #: registry name, as given to ``--encoder``
    name: str = ""

    def __init__(self, batch_size: int = 64) -> None:
        self.batch_size = batch_size
        self.calls = 0  # sentences encoded so far: the aligner's cost budget is measured in these

    @property
    @abstractmethod
    def dimension(self) -> int: ...

    @property
    @abstractmethod
    def signature(self) -> str:
        """Name and version of the model, for the run signature."""

    @abstractmethod
    def _encode_batch(self, texts: list[str]) -> np.ndarray: ...

    def encode(self, sentences: Sequence[str]) -> np.ndarray:
        """Embed ``sentences`` in batches; rows are L2-normalised float32."""
        texts = [normalise_for_embedding(s) for s in sentences]
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        parts = [
            np.asarray(self._encode_batch(texts[i : i + self.batch_size]), dtype=np.float32)
            for i in range(0, len(texts), self.batch_size)
        ]
        self.calls += len(texts)
        return l2_normalise(np.concatenate(parts, axis=0))


class WrappingEncoder(Encoder):
    """An encoder in front of another (a cache, a counter): it embeds nothing itself, so its
    vectors, dimension and signature are the inner encoder's and may share its cache keys."""

    def __init__(self, inner: Encoder, batch_size: int) -> None:
        super().__init__(batch_size)
        self.inner, self.name = inner, inner.name

    @property
    def dimension(self) -> int:
        return self.inner.dimension

    @property
    def signature(self) -> str:
        return self.inner.signature


def l2_normalise(matrix: np.ndarray) -> np.ndarray:
    """Scale rows to unit length; all-zero rows stay zero instead of becoming NaN."""
    matrix = np.asarray(matrix, dtype=np.float32)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.where(norms == 0, 1.0, norms)
