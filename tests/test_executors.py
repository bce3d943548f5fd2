"""Local processes and Dask tasks must give the same outputs, byte for byte, as one process."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from toy_encoder import MeaningEncoder

from aligner.config import RunConfig
from aligner.executors import SerialExecutor
from aligner.export import CsvExporter, TmxExporter
from aligner.pairing import pair_documents
from aligner.pipeline import align_corpus_dir, load_files, make_executor
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
def serial_outputs() -> tuple[bytes, bytes]:
    result = align_corpus_dir(CORPUS, RunConfig())
    return CsvExporter().render(result), TmxExporter().render(result)


@pytest.mark.slow
@pytest.mark.parametrize("config", [RunConfig(jobs=2), RunConfig(executor="dask", jobs=2)],
                         ids=["processes", "dask-local-cluster"])
def test_parallel_runs_give_identical_bytes(config: RunConfig,
                                            serial_outputs: tuple[bytes, bytes]) -> None:
    if config.executor == "dask":
        pytest.importorskip("dask.distributed", reason="dask.distributed is not installed")
    result = align_corpus_dir(CORPUS, replace(config))
    assert len(result.documents) == 2 and not result.problems
    assert (CsvExporter().render(result), TmxExporter().render(result)) == serial_outputs


def test_progress_shows_documents_sentence_rate_and_time_left(
        capsys: pytest.CaptureFixture[str]) -> None:
    config = RunConfig(presplit=True, match_by_content=False)
    parts = prepare_run(config, MeaningEncoder())
    pairs = pair_documents(load_files(CORPUS)[0])
    SerialExecutor(lambda pair: align_one(pair, parts, config)).map(pairs, config, True)
    last = capsys.readouterr().err.replace("\r", "\n").strip().splitlines()[-1]
    assert f"{len(pairs)}/{len(pairs)} docs" in last
    assert "sentences/s" in last
    assert "left]" in last and "100%" in last
