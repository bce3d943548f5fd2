"""The pipeline: read → language → pairing → split → embed → align, for a whole folder.

Each stage lives in its own module; this one only runs them in order and
collects per-file problems so that one bad file never stops the others.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from aligner.align.anchored import FixedBead
from aligner.config import RunConfig
from aligner.embed import Encoder
from aligner.executors import DaskExecutor, Executor, ProcessExecutor, SerialExecutor
from aligner.language import label_paragraphs
from aligner.matching import match_documents
from aligner.model import AlignedDocument, CorpusResult, DocumentMatch, FileProblem
from aligner.pairing import LabelledFile, pair_documents
from aligner.readers import ReadError, ReadOptions, read_file, walk_corpus
from aligner.work import Outcome, RunParts, align_one, prepare_run


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


def make_executor(config: RunConfig, parts: RunParts) -> Executor:
    """The executor the configuration asks for; one job in this process reuses ``parts``."""
    if config.executor == "dask":
        return DaskExecutor(config.scheduler, config.jobs)
    if config.executor != "local":
        raise ValueError(f"unknown executor {config.executor!r}: use 'local' or 'dask'")
    if config.jobs > 1:
        return ProcessExecutor(config.jobs)
    return SerialExecutor(lambda pair, fixed: align_one(pair, parts, config, fixed))


@dataclass
class CorpusStream:
    """A run whose documents are still coming: everything known before alignment starts,
    and the aligned documents one at a time, in document order.

    ``problems`` grows while ``documents`` is consumed (a pair whose alignment fails is
    a problem, not a document), so read it once the iterator is exhausted.  A caller
    that writes each document and lets it go holds only the input and one document.
    """

    documents: Iterator[AlignedDocument]
    problems: list[FileProblem]
    files_read: int
    signature: str
    matches: list[DocumentMatch]

    def result(self, documents: list[AlignedDocument]) -> CorpusResult:
        """The run as a CorpusResult holding ``documents`` (all, some, or none of them)."""
        return CorpusResult(documents=documents, problems=list(self.problems),
                            files_read=self.files_read, signature=self.signature,
                            matches=self.matches)


def _documents(outcomes: Iterable[Outcome], problems: list[FileProblem]
               ) -> Iterator[AlignedDocument]:
    for outcome in outcomes:
        if isinstance(outcome, FileProblem):
            problems.append(outcome)
        else:
            yield outcome


def stream_corpus_dir(corpus_dir: Path, config: RunConfig, progress: bool = False,
                      encoder: Encoder | None = None,
                      fixed: Mapping[str, Sequence[FixedBead]] | None = None) -> CorpusStream:
    """Read, pair and match every document under ``corpus_dir``; align them lazily.

    ``encoder`` may be passed in to reuse a loaded model across runs (and to
    read its call count afterwards); by default the configured one is built.
    ``fixed`` maps a document id to the reviewed beads its alignment must keep.
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
    outcomes = make_executor(config, parts).map(pairs, config, progress, fixed or {})
    return CorpusStream(_documents(outcomes, problems), problems, files_read, parts.signature,
                        matches)


def align_corpus_dir(corpus_dir: Path, config: RunConfig, progress: bool = False,
                     encoder: Encoder | None = None,
                     fixed: Mapping[str, Sequence[FixedBead]] | None = None) -> CorpusResult:
    """Align every document under ``corpus_dir`` and keep them all (the pandas API's way;
    the command streams them to its outputs with :func:`stream_corpus_dir`)."""
    stream = stream_corpus_dir(corpus_dir, config, progress, encoder, fixed)
    documents = list(stream.documents)
    return stream.result(documents)
