"""Sentence splitters, one per language, or the line splitter for pre-split input."""

from __future__ import annotations

from aligner.model import Lang
from aligner.segment.base import Splitter

#: the values ``get_splitters`` takes for ``segmentation``, as shown in messages
SEGMENTATIONS = ("default", "srx", "srx:FILE")


def _srx_source(segmentation: str) -> str | None:
    """None for the default splitters, "" for the shipped SRX rules, else the SRX file's path.

    Raises ValueError for a value that is none of ``SEGMENTATIONS``.
    """
    if segmentation == "default":
        return None
    if segmentation == "srx":
        return ""
    if segmentation.startswith("srx:"):
        path = segmentation[len("srx:"):]
        if not path.strip():
            raise ValueError("segmentation 'srx:' needs a file: srx:PATH/TO/RULES.srx")
        return path
    raise ValueError(
        f"unknown segmentation {segmentation!r}: use 'default' (our linguistic splitters), "
        "'srx' (the shipped rules, which cut like OmegaT's defaults) or 'srx:FILE' "
        "(your own SRX 2.0 file)"
    )


def get_splitters(presplit: bool, segmentation: str = "default") -> dict[Lang, Splitter]:
    """The splitter for each language.

    ``presplit`` keeps every line as one sentence (``segmentation`` is then only checked).
    ``segmentation`` is ``"default"`` (Moses-style Russian, rule-based Chinese), ``"srx"``
    (the shipped ``rules/ruzh.srx``: OmegaT's default segmentation, so that the TMX's
    Russian sides are whole OmegaT segments) or ``"srx:PATH"`` (an SRX file, its rules
    for language codes ``ru`` and ``zh``).  An unknown value, an unreadable or invalid SRX
    file, or one with no rules for ``ru`` or ``zh`` raises ValueError naming the problem.
    """
    source = _srx_source(segmentation)
    if presplit:
        from aligner.segment.presplit import LineSplitter

        line_splitter = LineSplitter()
        return {"ru": line_splitter, "zh": line_splitter}
    if source is not None:
        from aligner.segment.srx import SrxDocument

        document = SrxDocument.from_file(source) if source else SrxDocument.shipped()
        return {"ru": document.splitter("ru"), "zh": document.splitter("zh")}
    from aligner.segment.chinese import ChineseSplitter
    from aligner.segment.russian import RussianSplitter

    return {"ru": RussianSplitter(), "zh": ChineseSplitter()}


__all__ = ["SEGMENTATIONS", "Splitter", "get_splitters"]
