"""Sentence splitters, one per language, or the line splitter for pre-split input."""

from __future__ import annotations

from aligner.model import Lang
from aligner.segment.base import Splitter


def get_splitters(presplit: bool) -> dict[Lang, Splitter]:
    """The splitter for each language; ``presplit`` keeps every line as one sentence."""
    if presplit:
        from aligner.segment.presplit import LineSplitter

        line_splitter = LineSplitter()
        return {"ru": line_splitter, "zh": line_splitter}
    from aligner.segment.chinese import ChineseSplitter
    from aligner.segment.russian import RussianSplitter

    return {"ru": RussianSplitter(), "zh": ChineseSplitter()}


__all__ = ["Splitter", "get_splitters"]
