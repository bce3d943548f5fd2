"""The pipeline: read → language → pairing → split → embed → align, for a whole folder.

Each stage lives in its own module; this one only runs them in order and
collects per-file problems so that one bad file never stops the others.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

from aligner.align import align_document
from aligner.config import RunConfig
from aligner.embed import Encoder, get_encoder
from aligner.embed.cache import cached
from aligner.executors import (
    DaskExecutor,
    Executor,
    Outcome,
    ProcessExecutor,
    SerialExecutor,
)
from aligner.language import label_paragraphs
from aligner.matching import match_documents
from aligner.model import (
    AlignedDocument,
    Bead,
    CorpusResult,
    DocumentMatch,
    DocumentPair,
    FileProblem,
)
from aligner.pairing import LabelledFile, pair_documents
from aligner.readers import ReadError, ReadOptions, read_file, walk_corpus
from aligner.segment import Splitter, get_splitters
from aligner.signature import make_signature


def load_files(root: Path, options: ReadOptions | None = None
               ) -> tuple[list[LabelledFile], list[FileProblem], int]:
    """Read and label every file under ``root``; unusable entries become problems, not errors.

    Each file is read by its format's reader (:mod:`aligner.readers`), so a Word
    file or a PDF reaches the language stage as the same one-paragraph-a-line
    text as a ``.txt``.  The walk itself reports what cannot be a file at all:
    broken or looping links, folders that cannot be listed, pipes.
    """
    labelled, problems = [], []
    entries = list(walk_corpus(root))
    for entry in entries:
        if isinstance(entry, FileProblem):
            problems.append(entry)
            continue
        rel = entry.relative_to(root).as_posix()
        try:
            source = read_file(entry, root, options)
        except ReadError as error:
            problems.append(FileProblem(rel, str(error)))
            continue
        paragraphs = label_paragraphs(source.text)
        if not paragraphs:
            problems.append(FileProblem(rel, "holds no Russian or Chinese text"))
            continue
        labelled.append(LabelledFile(source, tuple(paragraphs)))
    return labelled, problems, len(entries)


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
                         config.cache_dir)
    signature = make_signature(config, encoder.signature,
                               {lang: s.signature for lang, s in splitters.items()})
    return RunParts(splitters, encoder, signature)


def align_pair(pair: DocumentPair, splitters: dict[str, Splitter], encoder: Encoder,
               config: RunConfig) -> AlignedDocument:
    """Split both sides of one pair and align them (or list an unpaired side's sentences)."""
    ru = splitters["ru"].split_document(pair.ru) if pair.ru else ()
    zh = splitters["zh"].split_document(pair.zh) if pair.zh else ()
    if pair.is_paired:
        # The aligner may cut a sentence the splitter glued together, so it hands back both lists.
        ru, zh, beads = align_document(ru, zh, encoder, config.effective_aligner)
    else:
        beads = ([Bead((i,), (), None) for i in range(len(ru))]
                 + [Bead((), (j,), None) for j in range(len(zh))])
    return AlignedDocument(pair, ru, zh, tuple(beads))


def align_one(pair: DocumentPair, parts: RunParts, config: RunConfig) -> Outcome:
    """Align one pair, or say why it could not be: one bad document must not cost the others."""
    try:
        return align_pair(pair, parts.splitters, parts.encoder, config)
    except Exception as error:  # whatever it is, it is about this document only
        files = ", ".join(side.file.rel for side in (pair.ru, pair.zh) if side)
        return FileProblem(files, f"alignment failed: {type(error).__name__}: {error}")


def make_executor(config: RunConfig, parts: RunParts) -> Executor:
    """The executor the configuration asks for; one job in this process reuses ``parts``."""
    if config.executor == "dask":
        return DaskExecutor(config.scheduler, config.jobs)
    if config.executor != "local":
        raise ValueError(f"unknown executor {config.executor!r}: use 'local' or 'dask'")
    if config.jobs > 1:
        return ProcessExecutor(config.jobs)
    return SerialExecutor(lambda pair: align_one(pair, parts, config))


def align_corpus_dir(corpus_dir: Path, config: RunConfig, progress: bool = False,
                     encoder: Encoder | None = None) -> CorpusResult:
    """Align every document under ``corpus_dir``.

    ``encoder`` may be passed in to reuse a loaded model across runs (and to
    read its call count afterwards); by default the configured one is built.
    """
    corpus_dir = Path(corpus_dir)
    if not corpus_dir.is_dir():
        raise NotADirectoryError(f"{corpus_dir}: not a folder")
    options = ReadOptions(main_text=config.main_text)
    labelled, problems, files_read = load_files(corpus_dir, options)
    pairs = pair_documents(labelled)
    parts = prepare_run(config, encoder)
    matches: list[DocumentMatch] = []
    if config.match_by_content:
        # In this process, before the executor: the sentence vectors it computes are the
        # aligner's own single-sentence ones, which workers then find in the embedding cache.
        found = match_documents([p for p in pairs if not p.is_paired], parts.splitters,
                                parts.encoder)
        pairs = sorted([p for p in pairs if p.is_paired] + found.pairs + found.unpaired,
                       key=lambda pair: pair.doc_id)
        matches = found.matches
    outcomes = make_executor(config, parts).map(pairs, config, progress)
    documents = [outcome for outcome in outcomes if isinstance(outcome, AlignedDocument)]
    problems += [outcome for outcome in outcomes if isinstance(outcome, FileProblem)]
    return CorpusResult(documents=documents, problems=problems, files_read=files_read,
                        signature=parts.signature, matches=matches)
