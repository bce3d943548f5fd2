"""JSON Lines: one bead per line, for scripts and data tools that stream records.

The first line is a header record (``{"format": "ruzh-aligner.beads", "signature":
…, "fields": […]}``) rather than a sidecar, so the signature cannot be separated
from the beads it describes; every later line is one bead, in document then bead
order, keyed by the stable ids of aligner/model.py.  ``json.dumps`` escapes the
control characters but not U+0085, U+2028 and U+2029, which ``str.splitlines``
(and some JSON Lines readers) break lines at, so those are escaped here too.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from aligner.export.base import KeyedRow, PiecewiseExporter, document_keyed_rows, keyed_rows
from aligner.model import AlignedDocument, CorpusResult

FORMAT = "ruzh-aligner.beads"
#: the keys of every bead record, in the order they are written
FIELDS = ["bead_id", "doc", "ru_ids", "zh_ids", "ru_text", "zh_text", "score", "type", "status"]
_LINE_SEPARATORS = str.maketrans({"\x85": "\\u0085", "\u2028": "\\u2028", "\u2029": "\\u2029"})


def bead_record(keyed: KeyedRow) -> dict[str, Any]:
    """One bead as a JSON object: its ids, both texts, score (4 decimals, as in the CSV)."""
    row = keyed.row
    return {"bead_id": keyed.bead_id, "doc": row.doc,
            "ru_ids": list(keyed.ru_ids), "zh_ids": list(keyed.zh_ids),
            "ru_text": row.ru_text, "zh_text": row.zh_text,
            "score": None if row.score is None else round(row.score, 4),
            "type": row.type, "status": keyed.status}


def _line(record: dict[str, Any]) -> str:
    return json.dumps(record, ensure_ascii=False).translate(_LINE_SEPARATORS) + "\n"


def jsonl_lines(result: CorpusResult) -> Iterator[str]:
    """The header line, then one line per bead."""
    yield _line(header_record(result.signature))
    for keyed in keyed_rows(result):
        yield _line(bead_record(keyed))


def header_record(signature: str) -> dict[str, Any]:
    return {"format": FORMAT, "signature": signature, "fields": FIELDS}


class JsonlExporter(PiecewiseExporter):
    name = "jsonl"
    suffix = ".jsonl"

    def head(self, signature: str, empty: bool) -> bytes:
        return _line(header_record(signature)).encode("utf-8")

    def piece(self, document: AlignedDocument) -> bytes:
        return "".join(_line(bead_record(keyed)) for keyed in document_keyed_rows(document)
                       ).encode("utf-8")
