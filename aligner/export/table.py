"""CSV for researchers: one row per bead, unaligned sentences included.

A JSON sidecar carries the run's signature and counts, since CSV has no
place for metadata that pandas would keep.
"""

from __future__ import annotations

import json
from dataclasses import asdict, fields
from pathlib import Path

import pandas as pd

from aligner.export.base import BeadRow, Exporter, bead_rows, write_atomically
from aligner.model import CorpusResult

COLUMNS = [field.name for field in fields(BeadRow)]
INT_COLUMNS = ["ru_start", "ru_end", "zh_start", "zh_end", "ru_paragraph", "zh_paragraph"]


def to_dataframe(result: CorpusResult) -> pd.DataFrame:
    """The beads as a typed DataFrame: nullable ints for offsets, float score, categorical type."""
    frame = pd.DataFrame([asdict(row) for row in bead_rows(result)], columns=COLUMNS)
    for column in INT_COLUMNS:
        frame[column] = frame[column].astype("Int64")
    frame["score"] = frame["score"].astype("float64")
    frame["type"] = frame["type"].astype("category")
    frame["status"] = frame["status"].astype("category")
    frame.attrs["signature"] = result.signature
    return frame


def sidecar_path(csv_path: Path) -> Path:
    return csv_path.with_suffix(".meta.json")


class CsvExporter(Exporter):
    name = "csv"
    suffix = ".csv"

    def render(self, result: CorpusResult) -> bytes:
        frame = to_dataframe(result)
        return frame.to_csv(index=False, float_format="%.4f", lineterminator="\n").encode("utf-8")

    def write(self, result: CorpusResult, path: Path) -> list[Path]:
        written = super().write(result, path)
        meta = {
            "signature": result.signature,
            "columns": COLUMNS,
            "documents": len(result.documents),
            "skipped_files": [asdict(problem) for problem in result.problems],
        }
        sidecar = sidecar_path(path)
        write_atomically(sidecar, (json.dumps(meta, ensure_ascii=False, indent=2) + "\n").encode())
        return [*written, sidecar]
