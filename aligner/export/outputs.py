"""Which files a run writes, recorded so that they can be written again.

A run's outputs are a list of specs (format, file name, exporter options).
The review editor regenerates exactly those after a correction, so the list is
saved with the run; writing all of them goes through a staging folder, so an
interrupted write leaves the previous complete set of files in place.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from aligner.export.base import Exporter, Sink
from aligner.model import AlignedDocument, CorpusResult


@dataclass(frozen=True)
class OutputSpec:
    """One output of a run: exporter ``format`` with ``options``, written to ``file``."""

    format: str
    file: str  # a bare file name inside the output folder
    options: dict[str, Any] = field(default_factory=dict)

    def exporter(self) -> Exporter:
        from aligner.export import EXPORTERS

        if self.format not in EXPORTERS:
            raise ValueError(f"unknown output format {self.format!r}")
        return EXPORTERS[self.format](**self.options)


def check_file_name(name: str) -> str:
    """``name`` if it is a plain file name, so that no output can land outside its folder."""
    if not name or name in {".", ".."} or name.startswith(".") or Path(name).name != name \
            or "/" in name or "\\" in name:
        raise ValueError(f"{name!r} is not a plain file name inside the output folder")
    return name


class StagedOutputs:
    """A run's outputs, written document by document into a staging folder inside
    ``out_dir`` and renamed into place together at the end.

    Every file in ``out_dir`` is therefore always a complete one: an interrupted or
    failed run (or a save) leaves the previous set.  ``extra`` are further sinks (the
    review state, the corrections, the extracted texts), each given the staging folder.
    """

    def __init__(self, out_dir: Path, specs: list[OutputSpec], signature: str,
                 extra: Sequence[Callable[[Path], Sink]] = ()) -> None:
        for spec in specs:
            check_file_name(spec.file)
        self.out_dir = Path(out_dir)
        self.out_dir.mkdir(parents=True, exist_ok=True)
        self.staging = Path(tempfile.mkdtemp(dir=self.out_dir, prefix=".staging-"))
        try:
            self.sinks = [spec.exporter().open(self.staging / spec.file, signature)
                          for spec in specs]
            self.sinks += [open_sink(self.staging) for open_sink in extra]
        except BaseException:
            self.discard()
            raise

    def add(self, document: AlignedDocument) -> None:
        for sink in self.sinks:
            sink.add(document)

    def commit(self, run: CorpusResult) -> list[Path]:
        """Finish every output (``run``: the run without its documents) and move them all
        into ``out_dir``; return the paths written, sidecars included."""
        try:
            staged = [path for sink in self.sinks for path in sink.close(run)]
            self.sinks = []  # closed: nothing left to discard but the staging folder
            written = []
            for path in staged:
                target = self.out_dir / path.relative_to(self.staging)
                target.parent.mkdir(parents=True, exist_ok=True)
                if target.exists():  # a file the user made read-only, or shared, stays so
                    os.chmod(path, target.stat().st_mode & 0o777)
                os.replace(path, target)
                written.append(target)
            return written
        finally:
            self.discard()

    def discard(self) -> None:
        """Drop whatever was staged (what an interrupted run leaves is only this folder)."""
        for sink in getattr(self, "sinks", []):
            # it is being thrown away, and the error that stopped the run is the one to report
            with contextlib.suppress(Exception):
                sink.discard()
        self.sinks = []
        shutil.rmtree(self.staging, ignore_errors=True)


def write_outputs(result: CorpusResult, out_dir: Path, specs: list[OutputSpec],
                  extra: Sequence[Callable[[Path], Sink]] = ()) -> list[Path]:
    """Write every output of ``result`` into ``out_dir``, all or none (see StagedOutputs);
    return the paths written (sidecars included)."""
    outputs = StagedOutputs(out_dir, specs, result.signature, extra)
    try:
        for document in result.documents:
            outputs.add(document)
    except BaseException:
        outputs.discard()
        raise
    return outputs.commit(replace(result, documents=[]))
