"""Where document pairs are aligned: in this process, in a local process pool, or on Dask.

Document pairs are independent, so they are the unit of parallel work.  Every
executor returns one outcome per pair in input order, which is what keeps the
outputs byte for byte the same whichever executor ran them.  Workers build their
own splitters and encoder from the (picklable) RunConfig once per process, so
nothing heavy crosses a process or network boundary but the documents.
"""

from __future__ import annotations

import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from tqdm import tqdm

from aligner.config import RunConfig
from aligner.model import AlignedDocument, DocumentPair
from aligner.work import Outcome, align_in_worker


class Executor(ABC):
    """Runs ``align_in_worker`` over document pairs."""

    name: str = ""

    @abstractmethod
    def map(self, pairs: Sequence[DocumentPair], config: RunConfig,
            progress: bool) -> list[Outcome]:
        """One outcome per pair, in the order of ``pairs``."""


class SerialExecutor(Executor):
    """This process, with the caller's splitters and encoder (whose call count stays readable)."""

    name = "serial"

    def __init__(self, align: Callable[[DocumentPair], Outcome]) -> None:
        self.align = align

    def map(self, pairs: Sequence[DocumentPair], config: RunConfig,
            progress: bool) -> list[Outcome]:
        outcomes = []
        with Progress(pairs, progress) as bar:
            for index, pair in enumerate(pairs):
                outcomes.append(self.align(pair))
                bar.done(index, outcomes[-1])
        return outcomes


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


def _collect(done: Iterable[tuple[Any, int]], pairs: Sequence[DocumentPair],
             progress: bool) -> list[Outcome]:
    """Results in input order, the progress bar advancing as pairs finish in any order."""
    outcomes: list[Outcome | None] = [None] * len(pairs)
    with Progress(pairs, progress) as bar:
        for future, index in done:
            outcomes[index] = future.result()
            bar.done(index, outcomes[index])
    return [outcome for outcome in outcomes if outcome is not None]


class ProcessExecutor(Executor):
    """A pool of ``jobs`` local processes (``--jobs N``)."""

    name = "processes"

    def __init__(self, jobs: int) -> None:
        self.jobs = jobs

    def map(self, pairs: Sequence[DocumentPair], config: RunConfig,
            progress: bool) -> list[Outcome]:
        from concurrent.futures import ProcessPoolExecutor, as_completed

        with ProcessPoolExecutor(max_workers=self.jobs) as pool:
            submitted = {pool.submit(align_in_worker, pair, config): index
                         for index, pair in enumerate(pairs)}
            done = ((future, submitted[future]) for future in as_completed(submitted))
            return _collect(done, pairs, progress)


class DaskExecutor(Executor):
    """Dask tasks, one per document pair, on the scheduler at ``address``.

    Without an address a LocalCluster of ``jobs`` worker processes is started
    for the run (how the tests exercise it).
    """

    name = "dask"

    def __init__(self, address: str | None, jobs: int) -> None:
        self.address = address
        self.jobs = jobs

    def map(self, pairs: Sequence[DocumentPair], config: RunConfig,
            progress: bool) -> list[Outcome]:
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
            futures = client.map(align_in_worker, list(pairs), config=config, pure=False)
            index_of = {future.key: index for index, future in enumerate(futures)}
            done = ((future, index_of[future.key]) for future in as_completed(futures))
            return _collect(done, pairs, progress)
        finally:
            client.close()
            if cluster is not None:
                cluster.close()
