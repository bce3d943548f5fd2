"""Local processes and Dask tasks must give the same outputs, byte for byte, as one process."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from toy_encoder import MeaningEncoder

from aligner.align.anchored import FixedBead
from aligner.config import RunConfig
from aligner.executors import SerialExecutor, in_order
from aligner.export import CsvExporter, TmxExporter
from aligner.model import DocumentPair
from aligner.pairing import pair_documents
from aligner.pipeline import align_corpus_dir, load_files, make_executor
from aligner.review.corrections import reviewed_beads
from aligner.review.edits import BeadEdit, apply_edits, edits_of
from aligner.work import align_one, prepare_run

CORPUS = Path(__file__).resolve().parents[1] / "corpus"


def test_executor_choice_follows_the_configuration() -> None:
    parts = prepare_run(RunConfig())
    assert make_executor(RunConfig(), parts).name == "serial"
    assert make_executor(RunConfig(jobs=2), parts).name == "processes"
    assert make_executor(RunConfig(executor="dask"), parts).name == "dask"
    with pytest.raises(ValueError, match="unknown executor 'spark'"):
        make_executor(RunConfig(executor="spark"), parts)


@pytest.fixture(scope="module")
def fixed() -> dict[str, list[FixedBead]]:
    """A reviewed bead for every run to pass through: the paired document's beads 3 and 4
    merged and confirmed, so the workers must receive it to give the same bytes."""
    document = next(d for d in align_corpus_dir(CORPUS, RunConfig()).documents
                    if d.pair.is_paired)
    edits = edits_of(document)
    merged = BeadEdit(edits[3].ru + edits[4].ru, edits[3].zh + edits[4].zh, "confirmed")
    corrected = apply_edits(document, [*edits[:3], merged, *edits[5:]])
    return {document.pair.doc_id: reviewed_beads(corrected)}


@pytest.fixture(scope="module")
def serial_outputs(fixed: dict[str, list[FixedBead]]) -> tuple[bytes, bytes]:
    result = align_corpus_dir(CORPUS, RunConfig(), fixed=fixed)
    csv = CsvExporter().render(result)
    assert csv.count(b",confirmed\n") == 1
    return csv, TmxExporter().render(result)


@pytest.mark.slow
@pytest.mark.parametrize("config", [RunConfig(jobs=2), RunConfig(executor="dask", jobs=2)],
                         ids=["processes", "dask-local-cluster"])
def test_parallel_runs_give_identical_bytes(config: RunConfig, fixed: dict[str, list[FixedBead]],
                                            serial_outputs: tuple[bytes, bytes]) -> None:
    if config.executor == "dask":
        pytest.importorskip("dask.distributed", reason="dask.distributed is not installed")
    result = align_corpus_dir(CORPUS, replace(config), fixed=fixed)
    assert len(result.documents) == 2 and not result.problems
    assert (CsvExporter().render(result), TmxExporter().render(result)) == serial_outputs


class _Done:
    """A finished future, as the executors' as_completed hands them over."""

    def __init__(self, value: str) -> None:
        self.value = value

    def result(self) -> str:
        return self.value


def test_outcomes_come_in_input_order_as_soon_as_they_can() -> None:
    finished = [(_Done("c"), 2), (_Done("a"), 0), (_Done("b"), 1), (_Done("d"), 3)]
    handed_on: list[str] = []
    seen = 0

    def completions():
        nonlocal seen
        for item in finished:
            seen += 1
            yield item

    for outcome in in_order(completions(), [DocumentPair(str(i), None, None) for i in range(4)],
                            progress=False):
        handed_on.append(outcome)
        # "a" and then "b" go as soon as "a" is in: nothing waits for the last pair
        if outcome == "b":
            assert seen == 3
    assert handed_on == ["a", "b", "c", "d"]


def test_progress_shows_documents_sentence_rate_and_time_left(
        capsys: pytest.CaptureFixture[str]) -> None:
    config = RunConfig(presplit=True, match_by_content=False)
    parts = prepare_run(config, MeaningEncoder())
    pairs = pair_documents(load_files(CORPUS)[0])
    list(SerialExecutor(lambda pair, fixed: align_one(pair, parts, config, fixed))
         .map(pairs, config, True, {}))
    last = capsys.readouterr().err.replace("\r", "\n").strip().splitlines()[-1]
    assert f"{len(pairs)}/{len(pairs)} docs" in last
    assert "sentences/s" in last
    assert "left]" in last and "100%" in last
