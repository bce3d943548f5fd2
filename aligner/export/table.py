"""CSV for researchers: one row per bead, unaligned sentences included.

A JSON sidecar carries the run's signature and counts, since CSV has no
place for metadata that pandas would keep.
"""

from __future__ import annotations

import json
from dataclasses import asdict, fields
from pathlib import Path

import pandas as pd

from aligner.export.base import (
    BeadRow,
    PiecewiseExporter,
    bead_row,
    bead_rows,
    write_atomically,
)
from aligner.model import AlignedDocument, CorpusResult

COLUMNS = [field.name for field in fields(BeadRow)]
INT_COLUMNS = ["ru_start", "ru_end", "zh_start", "zh_end", "ru_paragraph", "zh_paragraph"]


def to_dataframe(result: CorpusResult) -> pd.DataFrame:
    """The beads as a typed DataFrame: nullable ints for offsets, float score, categorical type."""
    frame = _typed(pd.DataFrame([asdict(row) for row in bead_rows(result)], columns=COLUMNS))
    frame["type"] = frame["type"].astype("category")
    frame["status"] = frame["status"].astype("category")
    frame.attrs["signature"] = result.signature
    return frame


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    for column in INT_COLUMNS:
        frame[column] = frame[column].astype("Int64")
    frame["score"] = frame["score"].astype("float64")
    return frame


def _csv(frame: pd.DataFrame, header: bool) -> bytes:
    return frame.to_csv(index=False, header=header, float_format="%.4f",
                        lineterminator="\n").encode("utf-8")


def sidecar_path(csv_path: Path) -> Path:
    return csv_path.with_suffix(".meta.json")


class CsvExporter(PiecewiseExporter):
    """Streams: a document's rows are formatted by pandas on their own, which gives the
    bytes of the whole frame's, since every CSV field is formatted independently."""

    name = "csv"
    suffix = ".csv"

    def head(self, signature: str, empty: bool) -> bytes:
        return _csv(pd.DataFrame(columns=COLUMNS), header=True)

    def piece(self, document: AlignedDocument) -> bytes:
        rows = [asdict(bead_row(document, bead)) for bead in document.beads]
        return _csv(_typed(pd.DataFrame(rows, columns=COLUMNS)), header=False) if rows else b""

    def sidecars(self, path: Path, run: CorpusResult, documents: int) -> list[Path]:
        meta = {
            "signature": run.signature,
            "columns": COLUMNS,
            "documents": documents,
            "skipped_files": [asdict(problem) for problem in run.problems],
        }
        sidecar = sidecar_path(path)
        write_atomically(sidecar, (json.dumps(meta, ensure_ascii=False, indent=2) + "\n").encode())
        return [sidecar]
