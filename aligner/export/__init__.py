"""Output formats, looked up by name."""

from __future__ import annotations

from aligner.export.base import BeadRow, Exporter, bead_rows
from aligner.export.parquet import ParquetExporter
from aligner.export.report import ReportExporter
from aligner.export.table import CsvExporter, to_dataframe
from aligner.export.tmx import TmxExporter

EXPORTERS: dict[str, type[Exporter]] = {"csv": CsvExporter, "tmx": TmxExporter,
                                        "parquet": ParquetExporter, "html": ReportExporter}

__all__ = ["EXPORTERS", "BeadRow", "CsvExporter", "Exporter", "ParquetExporter",
           "ReportExporter", "TmxExporter", "bead_rows", "to_dataframe"]
