"""Output formats, looked up by name."""

from __future__ import annotations

from aligner.export.base import BeadRow, Exporter, KeyedRow, bead_rows, keyed_rows
from aligner.export.jsonl import JsonlExporter
from aligner.export.moses import MosesExporter
from aligner.export.parquet import ParquetExporter
from aligner.export.report import ReportExporter
from aligner.export.table import CsvExporter, to_dataframe
from aligner.export.tmx import TmxExporter
from aligner.export.xlsx import XlsxExporter

EXPORTERS: dict[str, type[Exporter]] = {"csv": CsvExporter, "tmx": TmxExporter,
                                        "parquet": ParquetExporter, "html": ReportExporter,
                                        "xlsx": XlsxExporter, "moses": MosesExporter,
                                        "jsonl": JsonlExporter}

__all__ = ["EXPORTERS", "BeadRow", "CsvExporter", "Exporter", "JsonlExporter", "KeyedRow",
           "MosesExporter", "ParquetExporter", "ReportExporter", "TmxExporter", "XlsxExporter",
           "bead_rows", "keyed_rows", "to_dataframe"]
