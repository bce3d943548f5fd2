"""Sentence encoders, looked up by name so ``--encoder NAME`` is a registry lookup."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from aligner.embed.base import Encoder, EncoderError, l2_normalise, normalise_for_embedding


def _make_use(batch_size: int, laser_dir: Path | None) -> Encoder:
    from aligner.embed.use import UseEncoder

    return UseEncoder(batch_size=batch_size)


def _make_e5(batch_size: int, laser_dir: Path | None) -> Encoder:
    from aligner.embed.e5 import E5Encoder

    return E5Encoder(batch_size=batch_size)


def _make_laser(batch_size: int, laser_dir: Path | None) -> Encoder:
    from aligner.embed.laser import LaserEncoder

    return LaserEncoder(batch_size=batch_size, model_dir=laser_dir)


ENCODERS: dict[str, Callable[[int, Path | None], Encoder]] = {
    "use": _make_use,
    "e5": _make_e5,
    "laser": _make_laser,
}


def get_encoder(name: str, batch_size: int = 64, laser_dir: Path | None = None) -> Encoder:
    """Build the encoder registered as ``name``."""
    try:
        factory = ENCODERS[name]
    except KeyError:
        raise EncoderError(f"unknown encoder {name!r}; choose one of {sorted(ENCODERS)}") from None
    return factory(batch_size, laser_dir)


__all__ = ["ENCODERS", "Encoder", "EncoderError", "get_encoder", "l2_normalise",
           "normalise_for_embedding"]
