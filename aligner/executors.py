"""Where document pairs are aligned: in this process, in a local process pool, or on Dask.

Document pairs are independent, so they are the unit of parallel work.  Every
executor returns one outcome per pair in input order, which is what keeps the
outputs byte for byte the same whichever executor ran them.  Workers build their
own splitters and encoder from the (picklable) RunConfig once per process, so
nothing heavy crosses a process or network boundary but the documents.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from tqdm import tqdm

from aligner.align.anchored import FixedBead
from aligner.config import RunConfig
from aligner.model import DocumentPair
from aligner.work import Outcome, align_in_worker

# Per document id, the reviewed beads its alignment must pass through (usually none).
FixedBeads = Mapping[str, Sequence[FixedBead]]


class Executor(ABC):
    """Runs ``align_in_worker`` over document pairs."""

    name: str = ""

    @abstractmethod
    def map(self, pairs: Sequence[DocumentPair], config: RunConfig, progress: bool,
            fixed: FixedBeads) -> list[Outcome]:
        """One outcome per pair, in the order of ``pairs``."""


class SerialExecutor(Executor):
    """This process, with the caller's splitters and encoder (whose call count stays readable)."""

    name = "serial"

    def __init__(self, align: Callable[[DocumentPair, Sequence[FixedBead]], Outcome]) -> None:
        self.align = align

    def map(self, pairs: Sequence[DocumentPair], config: RunConfig, progress: bool,
            fixed: FixedBeads) -> list[Outcome]:
        return [self.align(pair, fixed.get(pair.doc_id, ()))
                for pair in tqdm(pairs, desc="aligning", unit="doc", disable=not progress)]


def _collect(done: Iterable[tuple[Any, int]], total: int, progress: bool) -> list[Outcome]:
    """Results in input order, the progress bar advancing as pairs finish in any order."""
    outcomes: list[Outcome | None] = [None] * total
    with tqdm(total=total, desc="aligning", unit="doc", disable=not progress) as bar:
        for future, index in done:
            outcomes[index] = future.result()
            bar.update(1)
    return [outcome for outcome in outcomes if outcome is not None]


class ProcessExecutor(Executor):
    """A pool of ``jobs`` local processes (``--jobs N``)."""

    name = "processes"

    def __init__(self, jobs: int) -> None:
        self.jobs = jobs

    def map(self, pairs: Sequence[DocumentPair], config: RunConfig, progress: bool,
            fixed: FixedBeads) -> list[Outcome]:
        from concurrent.futures import ProcessPoolExecutor, as_completed

        with ProcessPoolExecutor(max_workers=self.jobs) as pool:
            submitted = {pool.submit(align_in_worker, pair, config,
                                     tuple(fixed.get(pair.doc_id, ()))): index
                         for index, pair in enumerate(pairs)}
            done = ((future, submitted[future]) for future in as_completed(submitted))
            return _collect(done, len(pairs), progress)


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
            fixed: FixedBeads) -> list[Outcome]:
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
            done = ((future, index_of[future.key]) for future in as_completed(futures))
            return _collect(done, len(pairs), progress)
        finally:
            client.close()
            if cluster is not None:
                cluster.close()
