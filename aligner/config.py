"""One frozen record of every setting behind a run.

It is passed down the pipeline unchanged, and its fields are what the
signature string records, so an output can always be traced to its settings.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from aligner.embed.cache import DEFAULT_MAX_BYTES


@dataclass(frozen=True)
class AlignerSettings:
    """The knobs of the dynamic-programming aligner (see aligner.align)."""

    max_ru: int = 2  # most Russian sentences in one bead
    max_zh: int = 2  # most Chinese sentences in one bead
    null_cost: float = 0.5  # cost of leaving one sentence unaligned (normalised-cost units)
    merge_penalty: float = 0.25  # extra cost of any bead other than 1-1, per extra sentence
    paragraph_penalty: float = 0.1  # extra cost when a bead side spans a paragraph break
    length_weight: float = 0.005  # weight of the length-ratio evidence (0 switches it off)
    # log(Russian characters / Chinese characters) of a translation: mean and spread, measured on
    # the 1,490 one-to-one gold beads of the NTREX dev set (Russian runs ~3.2x the characters)
    length_log_ratio_mean: float = 1.15
    length_log_ratio_sd: float = 0.26
    normaliser_sample: int = 20  # sentences sampled per side to normalise cosine costs
    full_search_cells: int = 250_000  # above this n*m the search runs coarse-to-fine
    band_width: int = 20  # half-width, in sentences, of the fine search band
    # after the search, cut sentences the splitter glued together (a title without a full stop)
    # where the search's own costs prefer the halves; off for pre-split input, whose units are
    # the user's and must never be cut
    refine: bool = True


@dataclass(frozen=True)
class RunConfig:
    """Settings of one run of the pipeline."""

    encoder: str = "use"
    presplit: bool = False
    segmentation: str = "default"  # or "srx" (OmegaT-like shipped rules) or "srx:FILE"
    match_by_content: bool = True  # pair leftover ru/zh documents by content, not only by name
    batch_size: int = 64
    laser_dir: Path | None = None
    aligner: AlignerSettings = field(default_factory=AlignerSettings)
    # Where the work runs; these change speed, never results, so the signature leaves them out.
    jobs: int = 1
    cache_dir: Path | None = None  # on-disk embedding cache; None embeds everything afresh
    # the cache's size limit (least recently used rows go first); None: no limit
    cache_max_bytes: int | None = DEFAULT_MAX_BYTES
    executor: str = "local"  # "local" (this process, or a pool of `jobs`) or "dask"
    scheduler: str | None = None  # a Dask scheduler address; None starts a LocalCluster

    @property
    def effective_aligner(self) -> AlignerSettings:
        """The aligner settings as applied: in pre-split input a line is a sentence, not a
        paragraph, so line breaks carry no paragraph evidence and cost nothing to cross, and
        the lines are the user's units, never to be cut by refinement."""
        if self.presplit:
            return replace(self.aligner, paragraph_penalty=0.0, refine=False)
        return self.aligner
