"""Parquet for researchers: the CSV's DataFrame, types and signature included.

The signature is stored in the Parquet schema metadata under
``b"ruzh_aligner.signature"`` (readable without loading the data, by any Parquet
tool) and the frame's ``attrs`` under pandas' own ``b"PANDAS_ATTRS"`` key, so
``pandas.read_parquet`` gives the signature back in ``df.attrs["signature"]``.
pandas' schema metadata brings back the nullable ``Int64`` and categorical
columns.  The bytes are deterministic for the same frame: pyarrow writes no time
stamp, only its own version (``created_by``) and pandas' version.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from aligner.export.base import Exporter, write_atomically
from aligner.export.table import to_dataframe
from aligner.model import CorpusResult

if TYPE_CHECKING:
    import pyarrow as pa

SIGNATURE_KEY = b"ruzh_aligner.signature"
PANDAS_ATTRS_KEY = b"PANDAS_ATTRS"
COMPRESSION = "zstd"


def frame_to_table(frame: pd.DataFrame) -> pa.Table:
    """The frame as an Arrow table, with the signature and attrs in its schema metadata."""
    import pyarrow as pa  # imported here: the CLI's start-up should not pay for pyarrow

    table = pa.Table.from_pandas(frame, preserve_index=False)
    metadata = dict(table.schema.metadata or {})
    if frame.attrs:
        metadata[PANDAS_ATTRS_KEY] = json.dumps(frame.attrs, ensure_ascii=False).encode()
    if frame.attrs.get("signature"):
        metadata[SIGNATURE_KEY] = str(frame.attrs["signature"]).encode()
    return table.replace_schema_metadata(metadata)


def frame_to_parquet(frame: pd.DataFrame) -> bytes:
    """The whole Parquet file for ``frame``; the same frame always gives the same bytes."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    sink = pa.BufferOutputStream()
    pq.write_table(frame_to_table(frame), sink, compression=COMPRESSION)
    return sink.getvalue().to_pybytes()


def write_parquet(frame: pd.DataFrame, path: str | os.PathLike[str]) -> Path:
    """Write a DataFrame from :func:`aligner.align_corpus` (or a filtered part of one) to
    ``path`` as Parquet, with ``frame.attrs["signature"]`` in the file's schema metadata;
    return the path.  Read it back with ``pandas.read_parquet`` or :func:`read_signature`.

    >>> import aligner, pandas as pd, tempfile
    >>> df = pd.DataFrame({"ru_text": ["Мир."], "zh_text": ["和平。"], "score": [0.9]})
    >>> df.attrs["signature"] = "ruzh-aligner:0.1.0|enc:use-m3@0.2.1"
    >>> path = aligner.write_parquet(df, tempfile.mkdtemp() + "/pairs.parquet")
    >>> aligner.read_signature(path)
    'ruzh-aligner:0.1.0|enc:use-m3@0.2.1'
    >>> pd.read_parquet(path).attrs["signature"]
    'ruzh-aligner:0.1.0|enc:use-m3@0.2.1'
    """
    path = Path(path)
    write_atomically(path, frame_to_parquet(frame))
    return path


def read_signature(path: str | os.PathLike[str]) -> str | None:
    """The signature stored in a Parquet file's schema metadata, without reading its rows.

    >>> aligner.read_signature("output/aligned.parquet")         # doctest: +SKIP
    'ruzh-aligner:0.1.0|enc:use-m3@0.2.1|split:…'
    """
    import pyarrow.parquet as pq

    metadata = pq.read_schema(path).metadata or {}
    value = metadata.get(SIGNATURE_KEY)
    return value.decode() if value is not None else None


class ParquetExporter(Exporter):
    name = "parquet"
    suffix = ".parquet"

    def render(self, result: CorpusResult) -> bytes:
        return frame_to_parquet(to_dataframe(result))
