"""Output formats, looked up by name."""

from __future__ import annotations

from aligner.export.base import BeadRow, Exporter, bead_rows
from aligner.export.table import CsvExporter, to_dataframe
from aligner.export.tmx import TmxExporter

EXPORTERS: dict[str, type[Exporter]] = {"csv": CsvExporter, "tmx": TmxExporter}

__all__ = ["EXPORTERS", "BeadRow", "CsvExporter", "Exporter", "TmxExporter", "bead_rows",
           "to_dataframe"]
