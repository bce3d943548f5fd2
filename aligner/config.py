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

    max_ru: int = 4  # most Russian sentences in one bead
    max_zh: int = 4  # most Chinese sentences in one bead
    # most sentences of both sides together in one bead: 5 admits 1-4, 4-1, 2-3 and 3-2, which
    # free translations have (benchmarks/free_translation.py: 1-4 recall 0.1 to 0.3 raw, 0 to
    # 0.3 pre-split, link precision not lower), and changed nothing on the dev set
    max_bead_sentences: int = 5
    # Windows of up to this many sentences are embedded by the encoder; larger ones are the
    # normalised sum of their sentences' vectors, so a bigger max_ru/max_zh costs no encoder
    # work (measured on the dev set: benchmarks/eval_devset.py, encoder calls/sent)
    embedded_window: int = 2
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
    # A Russian and a Chinese sentence left unaligned side by side are paired when their cost is
    # at most this (2 * null_cost is where the search found them a tie with two nulls)
    gap_pair_cost: float = 1.1
    # A sentence left unaligned beside a pair bead joins it unless that raises the bead's content
    # cost (meaning + length, before merge penalties) by more than this; negative switches the
    # rule off (aligner.align.join_earned_nulls)
    null_join_margin: float = 0.0
    # How much cheaper, in merge penalties, a refinement cut must make its block than any
    # coarser alignment of it, by what stands before the cut: a closing mark, colon or
    # semicolon ("mark"), a comma, or nothing (a title's last "word").  A wrong cut is worse
    # than a coarse bead, so the less a place looks like a sentence end the surer it must be
    # (measured on the dev set, hard/raw, benchmarks/eval_devset.py --set: word margin 1, 2, 3
    # gave strict F1 0.915, 0.872, 0.865 and 34/51, 9/12, 3/4 ru/zh mid-sentence cuts; with a
    # place margin of 0.2, word margin 1.5 gives 0.878 and 9/9).
    cut_margin_mark: float = 0.5
    cut_margin_comma: float = 2.0
    cut_margin_word: float = 1.5
    # ... and how much cheaper than the best cut at any other place: a cut that is right but a
    # word off is still a half-sentence, so the place must stand out too
    cut_place_margin: float = 0.2

    @property
    def cut_margins(self) -> dict[str, float]:
        return {"mark": self.cut_margin_mark, "comma": self.cut_margin_comma,
                "word": self.cut_margin_word}


@dataclass(frozen=True)
class RunConfig:
    """Settings of one run of the pipeline."""

    encoder: str = "use"
    presplit: bool = False
    segmentation: str = "default"  # or "srx" (OmegaT-like shipped rules) or "srx:FILE"
    match_by_content: bool = True  # pair leftover ru/zh documents by content, not only by name
    main_text: bool = False  # web pages: keep only the article body (aligner.readers.html)
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
