"""Which files a run writes, recorded so that they can be written again.

A run's outputs are a list of specs (format, file name, exporter options).
The review editor regenerates exactly those after a correction, so the list is
saved with the run; writing all of them goes through a staging folder, so an
interrupted write leaves the previous complete set of files in place.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aligner.export.base import Exporter
from aligner.model import CorpusResult


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


def write_outputs(result: CorpusResult, out_dir: Path, specs: list[OutputSpec]) -> list[Path]:
    """Write every output into ``out_dir``; return the paths written (sidecars included).

    All files are rendered into a staging folder first and then renamed into place,
    so a failure while rendering any of them changes nothing, and every file in
    ``out_dir`` is always a complete one.
    """
    for spec in specs:
        check_file_name(spec.file)
    out_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=out_dir, prefix=".staging-"))
    try:
        staged = [path for spec in specs
                  for path in spec.exporter().write(result, staging / spec.file)]
        written = []
        for path in staged:
            target = out_dir / path.relative_to(staging)
            if target.exists():  # a file the user made read-only, or shared, stays so
                os.chmod(path, target.stat().st_mode & 0o777)
            os.replace(path, target)
            written.append(target)
        return written
    finally:
        shutil.rmtree(staging, ignore_errors=True)
