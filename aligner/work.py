"""The work done for one document pair, wherever it runs: split both sides and align them.

It sits below both the pipeline, which decides what to align, and the executors, which
decide where: each imports this module and neither imports the other's caller, so the
flow is a line (pipeline → executors → work), never a circle.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from aligner.align import align_document
from aligner.align.anchored import FixedBead, align_through
from aligner.config import RunConfig
from aligner.embed import Encoder, get_encoder
from aligner.embed.cache import cached
from aligner.model import AlignedDocument, Bead, DocumentPair, FileProblem
from aligner.segment import Splitter, get_splitters
from aligner.signature import make_signature

Outcome = AlignedDocument | FileProblem


class RunParts(NamedTuple):
    """The pieces every alignment run needs, built once from its configuration."""

    splitters: dict[str, Splitter]
    encoder: Encoder
    signature: str


def prepare_run(config: RunConfig, encoder: Encoder | None = None) -> RunParts:
    """Build the splitters and the encoder (unless one is passed in) and the run's signature."""
    splitters = get_splitters(config.presplit, config.segmentation)
    if encoder is None:
        encoder = cached(get_encoder(config.encoder, config.batch_size, config.laser_dir),
                         config.cache_dir, config.cache_max_bytes)
    signature = make_signature(config, encoder.signature,
                               {lang: s.signature for lang, s in splitters.items()})
    return RunParts(splitters, encoder, signature)


def align_pair(pair: DocumentPair, splitters: dict[str, Splitter], encoder: Encoder,
               config: RunConfig, fixed: Sequence[FixedBead] = ()) -> AlignedDocument:
    """Split both sides of one pair and align them (or list an unpaired side's sentences).

    ``fixed`` are the beads a person reviewed in an earlier run: the alignment passes
    through those whose sentences are found again (see aligner.align.anchored).
    """
    ru = splitters["ru"].split_document(pair.ru) if pair.ru else ()
    zh = splitters["zh"].split_document(pair.zh) if pair.zh else ()
    if pair.is_paired and fixed:
        ru, zh, beads = align_through(ru, zh, fixed, lambda r, z: align_document(
            r, z, encoder, config.effective_aligner))
    elif pair.is_paired:
        # The aligner may cut a sentence the splitter glued together, so it hands back both lists.
        ru, zh, beads = align_document(ru, zh, encoder, config.effective_aligner)
    else:
        beads = ([Bead((i,), (), None) for i in range(len(ru))]
                 + [Bead((), (j,), None) for j in range(len(zh))])
    return AlignedDocument(pair, ru, zh, tuple(beads))


def align_one(pair: DocumentPair, parts: RunParts, config: RunConfig,
              fixed: Sequence[FixedBead] = ()) -> Outcome:
    """Align one pair, or say why it could not be: one bad document must not cost the others."""
    try:
        return align_pair(pair, parts.splitters, parts.encoder, config, fixed)
    except Exception as error:  # whatever it is, it is about this document only
        files = ", ".join(side.file.rel for side in (pair.ru, pair.zh) if side)
        return FileProblem(files, f"alignment failed: {type(error).__name__}: {error}")


# One set of splitters and one encoder per worker process and configuration.
_WORKER_PARTS: dict[RunConfig, RunParts] = {}


def align_in_worker(pair: DocumentPair, config: RunConfig,
                    fixed: Sequence[FixedBead] = ()) -> Outcome:
    """Align one pair with this process's own (lazily built) splitters and encoder: what a
    pool process or a Dask worker runs, with nothing but the pair and the config shipped."""
    parts = _WORKER_PARTS.get(config)
    if parts is None:
        parts = _WORKER_PARTS[config] = prepare_run(config)
    return align_one(pair, parts, config, fixed)
