"""Where document pairs are aligned: in this process, in a local process pool, or on Dask.

Document pairs are independent, so they are the unit of parallel work.  Every
executor yields one outcome per pair in input order, as soon as it and every pair
before it are done (a reorder buffer holds the ones that finished early), which
keeps the outputs byte for byte the same whichever executor ran them while letting
the caller write each document and forget it.  Workers build their
own splitters and encoder from the (picklable) RunConfig once per process, so
nothing heavy crosses a process or network boundary but the documents.
"""

from __future__ import annotations

import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any

from tqdm import tqdm

from aligner.align.anchored import FixedBead
from aligner.config import RunConfig
from aligner.model import AlignedDocument, DocumentPair
from aligner.work import Outcome, align_in_worker

# Per document id, the reviewed beads its alignment must pass through (usually none).
FixedBeads = Mapping[str, Sequence[FixedBead]]


class Executor(ABC):
    """Runs ``align_in_worker`` over document pairs."""

    name: str = ""

    @abstractmethod
    def map(self, pairs: Sequence[DocumentPair], config: RunConfig, progress: bool,
            fixed: FixedBeads) -> Iterator[Outcome]:
        """One outcome per pair, in the order of ``pairs``, each as soon as it can be."""


class SerialExecutor(Executor):
    """This process, with the caller's splitters and encoder (whose call count stays readable)."""

    name = "serial"

    def __init__(self, align: Callable[[DocumentPair, Sequence[FixedBead]], Outcome]) -> None:
        self.align = align

    def map(self, pairs: Sequence[DocumentPair], config: RunConfig, progress: bool,
            fixed: FixedBeads) -> Iterator[Outcome]:
        with Progress(pairs, progress) as bar:
            for index, pair in enumerate(pairs):
                outcome = self.align(pair, fixed.get(pair.doc_id, ()))
                bar.done(index, outcome)
                yield outcome


def _characters(pair: DocumentPair) -> int:
    """How much text a pair holds: what its alignment costs, roughly."""
    return sum(p.end - p.start for side in (pair.ru, pair.zh) if side for p in side.paragraphs)


class Progress:
    """The progress bar of a long run: documents done, sentences per second, time left.

    Documents differ in length by orders of magnitude (a news brief, a novella), so the bar
    and its time left advance by the characters of the documents done, not by their count;
    the count and the sentence rate are shown beside it.
    """

    def __init__(self, pairs: Sequence[DocumentPair], enabled: bool) -> None:
        self.sizes = [_characters(pair) for pair in pairs]
        self.documents = 0
        self.sentences = 0
        self.started = time.perf_counter()
        self.bar = tqdm(total=sum(self.sizes), desc="aligning", unit="char", unit_scale=True,
                        disable=not enabled,
                        bar_format="{desc}: {percentage:3.0f}%|{bar}| {postfix} "
                                   "[{elapsed} elapsed, {remaining} left]")
        self.bar.set_postfix_str(f"0/{len(self.sizes)} docs", refresh=False)

    def done(self, index: int, outcome: Outcome) -> None:
        """Pair ``index`` has finished (pairs may finish in any order)."""
        self.documents += 1
        if isinstance(outcome, AlignedDocument):
            self.sentences += len(outcome.ru_sentences) + len(outcome.zh_sentences)
        rate = self.sentences / max(time.perf_counter() - self.started, 1e-9)
        self.bar.set_postfix_str(f"{self.documents}/{len(self.sizes)} docs, "
                                 f"{rate:.0f} sentences/s", refresh=False)
        self.bar.update(self.sizes[index])

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.bar.close()


def in_order(done: Iterable[tuple[Any, int]], pairs: Sequence[DocumentPair],
             progress: bool) -> Iterator[Outcome]:
    """Results in input order as soon as each is next, the progress bar advancing as pairs
    finish in any order.  Only the results that finished ahead of an earlier, slower pair
    wait in the buffer, so memory follows the spread of the work, not the corpus."""
    waiting: dict[int, Outcome] = {}
    following = 0
    with Progress(pairs, progress) as bar:
        for future, index in done:
            waiting[index] = future.result()
            bar.done(index, waiting[index])
            while following in waiting:
                yield waiting.pop(following)
                following += 1


class ProcessExecutor(Executor):
    """A pool of ``jobs`` local processes (``--jobs N``)."""

    name = "processes"

    def __init__(self, jobs: int) -> None:
        self.jobs = jobs

    def map(self, pairs: Sequence[DocumentPair], config: RunConfig, progress: bool,
            fixed: FixedBeads) -> Iterator[Outcome]:
        from concurrent.futures import ProcessPoolExecutor, as_completed

        with ProcessPoolExecutor(max_workers=self.jobs) as pool:
            submitted = {pool.submit(align_in_worker, pair, config,
                                     tuple(fixed.get(pair.doc_id, ()))): index
                         for index, pair in enumerate(pairs)}
            # popped as they finish: a finished future holds its result, which must go
            # once it has been handed on
            done = ((future, submitted.pop(future)) for future in as_completed(submitted))
            yield from in_order(done, pairs, progress)


class DaskExecutor(Executor):
    """Dask tasks, one per document pair, on the scheduler at ``address``.

    Without an address a LocalCluster of ``jobs`` worker processes is started
    for the run (how the tests exercise it).
    """

    name = "dask"

    def __init__(self, address: str | None, jobs: int) -> None:
        self.address = address
        self.jobs = jobs

    def map(self, pairs: Sequence[DocumentPair], config: RunConfig, progress: bool,
            fixed: FixedBeads) -> Iterator[Outcome]:
        try:
            from dask.distributed import Client, LocalCluster, as_completed
        except ImportError as error:
            raise RuntimeError("--executor dask needs dask.distributed: "
                               "pip install 'ruzh-aligner[dask]'") from error
        if self.address:
            client = Client(self.address)
            cluster = None
        else:
            cluster = LocalCluster(n_workers=self.jobs, threads_per_worker=1, processes=True,
                                   dashboard_address=None)
            client = Client(cluster)
        try:
            # mapped arguments are positional: the config is repeated (it is small)
            futures = client.map(align_in_worker, list(pairs), [config] * len(pairs),
                                 [tuple(fixed.get(pair.doc_id, ())) for pair in pairs],
                                 pure=False)
            index_of = {future.key: index for index, future in enumerate(futures)}
            finishing = as_completed(futures)
            del futures  # as_completed lets each go once yielded, so its result is freed
            done = ((future, index_of.pop(future.key)) for future in finishing)
            yield from in_order(done, pairs, progress)
        finally:
            client.close()
            if cluster is not None:
                cluster.close()
