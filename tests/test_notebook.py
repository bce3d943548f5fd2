"""The researcher's first notebook runs top to bottom and shows what it promises."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "explore_alignment.ipynb"
INSTALL = "pip install -e '.[notebook]'"
CELL_TIMEOUT = 600  # seconds per cell; the whole notebook takes about 20 s here


def _load():
    nbformat = pytest.importorskip("nbformat", reason=f"nbformat is not installed ({INSTALL})")
    return nbformat.read(NOTEBOOK, as_version=4)


def test_notebook_is_committed_without_outputs() -> None:
    notebook = _load()
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert code, "the notebook has no code cells"
    for cell in code:
        assert cell.outputs == [] and cell.execution_count is None, f"cell {cell.id} has outputs"
    assert notebook.metadata.kernelspec.name == "python3"


def _kernel_for_this_python(folder: Path) -> Path:
    """A ``python3`` kernelspec that runs this interpreter, whatever the user's own says."""
    spec = folder / "kernels" / "python3"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python 3 (tests)", "language": "python"}))
    return folder


def _outputs(notebook, cell_id: str) -> list:
    (cell,) = [cell for cell in notebook.cells if cell.get("id") == cell_id]
    return cell.outputs


def _stdout(notebook, cell_id: str) -> str:
    return "".join(output.text for output in _outputs(notebook, cell_id)
                   if output.output_type == "stream" and output.name == "stdout")


def _has_image(notebook, cell_id: str) -> bool:
    return any("image/png" in output.get("data", {}) for output in _outputs(notebook, cell_id))


@pytest.mark.slow
def test_notebook_runs_top_to_bottom(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    nbclient = pytest.importorskip("nbclient", reason=f"nbclient is not installed ({INSTALL})")
    pytest.importorskip("ipykernel", reason=f"ipykernel is not installed ({INSTALL})")
    pytest.importorskip("matplotlib", reason=f"matplotlib is not installed ({INSTALL})")
    notebook = _load()
    out = tmp_path / "out"
    monkeypatch.setenv("RUZH_NOTEBOOK_OUT", str(out))  # the notebook's export folder
    monkeypatch.setenv("JUPYTER_PATH", str(_kernel_for_this_python(tmp_path / "jupyter")))
    monkeypatch.delenv("MPLBACKEND", raising=False)  # the kernel's inline backend draws PNGs

    client = nbclient.NotebookClient(notebook, timeout=CELL_TIMEOUT, kernel_name="python3",
                                     resources={"metadata": {"path": str(NOTEBOOK.parent)}})
    client.execute()

    errors = [output for cell in notebook.cells for output in cell.get("outputs", [])
              if output.output_type == "error"]
    assert errors == []
    assert re.fullmatch(r"\d+ beads in 2 documents\n", _stdout(notebook, "align"))
    for cell_id in ("types", "scores", "path"):
        assert _has_image(notebook, cell_id), f"cell {cell_id} drew no plot"
    assert re.fullmatch(r"002_9e5125a431169a21: \d+ Russian and \d+ Chinese sentences, \d+ beads\n",
                        _stdout(notebook, "path"))
    confident = re.fullmatch(r"(\d+) of (\d+) aligned beads score at least 0.8\n",
                             _stdout(notebook, "confident"))
    assert confident and 0 < int(confident[1]) <= int(confident[2])

    export = _stdout(notebook, "export")
    assert f"wrote {out / 'confident.parquet'}\n" in export
    assert f"read back {confident[1]} rows; same signature: True\n" in export
    assert (out / "confident.csv").stat().st_size > 0

    lines = _stdout(notebook, "signature").splitlines()
    assert lines[0].startswith("signature: ruzh-aligner:") and "|enc:use-m3@" in lines[0]
    assert lines[1] == "skipped files: none"
    metadata = pq.read_schema(out / "confident.parquet").metadata
    assert metadata[b"ruzh_aligner.signature"].decode() == lines[0].removeprefix("signature: ")
