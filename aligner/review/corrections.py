"""The corrections store: a person's reviewed beads, kept in the output folder across runs.

``corrections.json`` lists, per document, every bead whose status is not
"auto", its sentences named by id and stored with their text.  The id
(``ru:120-184``) says where a sentence was; the text says what it was, so a
re-run can tell a sentence that is still there from one whose text changed,
and keeps only the former as fixed beads (see aligner.align.anchored).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aligner.align.anchored import FixedBead, SentenceSpan
from aligner.export.base import Sink, write_atomically
from aligner.export.outputs import write_outputs
from aligner.model import LANGS, AlignedDocument, CorpusResult, Lang
from aligner.review.state import STATUSES

CORRECTIONS_FILE = "corrections.json"
CORRECTIONS_VERSION = 1


class CorrectionsError(ValueError):
    """The corrections file cannot be used; the message names it."""


def corrections_path(out_dir: Path) -> Path:
    return Path(out_dir) / CORRECTIONS_FILE


def reviewed_beads(document: AlignedDocument) -> list[FixedBead]:
    """The document's beads a person edited or confirmed, as the next run must keep them."""
    return [FixedBead(
        tuple(SentenceSpan(s.start, s.end, s.text) for s in (document.ru_sentences[i]
                                                              for i in bead.ru)),
        tuple(SentenceSpan(s.start, s.end, s.text) for s in (document.zh_sentences[j]
                                                              for j in bead.zh)),
        bead.score, bead.status) for bead in document.beads if bead.status != "auto"]


def _span_json(lang: Lang, span: SentenceSpan) -> dict[str, str]:
    return {"id": f"{lang}:{span.start}-{span.end}", "text": span.text}


class CorrectionsSink(Sink):
    """Collects the reviewed beads as documents pass (few: only what a person touched)
    and writes the store when the run's outputs are complete."""

    def __init__(self, path: Path, signature: str) -> None:
        self.path, self.signature = path, signature
        self.documents: dict[str, list[dict[str, Any]]] = {}

    def add(self, document: AlignedDocument) -> None:
        beads = reviewed_beads(document)
        if beads:
            self.documents[document.pair.doc_id] = [
                {"ru": [_span_json("ru", s) for s in b.ru],
                 "zh": [_span_json("zh", s) for s in b.zh],
                 "score": b.score, "status": b.status} for b in beads]

    def close(self, run: CorpusResult) -> list[Path]:
        data = {"version": CORRECTIONS_VERSION, "signature": self.signature,
                "documents": self.documents}
        write_atomically(self.path, (json.dumps(data, ensure_ascii=False, indent=1) + "\n"
                                     ).encode())
        return [self.path]

    def discard(self) -> None:
        self.documents.clear()


def corrections_sink(signature: str) -> Callable[[Path], Sink]:
    """What StagedOutputs opens to write the store into its staging folder."""
    return lambda staging: CorrectionsSink(staging / CORRECTIONS_FILE, signature)


def write_corrections(out_dir: Path, result: CorpusResult) -> Path:
    """Save every reviewed bead of ``result`` (atomically); returns the file written."""
    (path,) = write_outputs(result, out_dir, [], [corrections_sink(result.signature)])
    return path


def _span(lang: Lang, data: dict[str, Any]) -> SentenceSpan:
    prefix, _, offsets = data["id"].partition(":")
    start, _, end = offsets.partition("-")
    if prefix != lang or not start.isdigit() or not end.isdigit():
        raise ValueError(f"bad {lang} sentence id {data['id']!r}")
    if not isinstance(data["text"], str):
        raise ValueError(f"sentence {data['id']} has no text")
    return SentenceSpan(int(start), int(end), data["text"])


def read_corrections(out_dir: Path) -> dict[str, list[FixedBead]]:
    """The reviewed beads saved in ``out_dir`` per document id (none when there is no file)."""
    path = corrections_path(out_dir)
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("version") != CORRECTIONS_VERSION:
            raise ValueError("not a corrections file this version can read")
        found = {}
        for doc, beads in data["documents"].items():
            found[doc] = []
            for bead in beads:
                if bead["status"] not in STATUSES:
                    raise ValueError(f"unknown status {bead['status']!r}")
                found[doc].append(FixedBead(tuple(_span("ru", s) for s in bead["ru"]),
                                            tuple(_span("zh", s) for s in bead["zh"]),
                                            bead["score"], bead["status"]))
        return found
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
        raise CorrectionsError(f"{path}: cannot be used: {error}") from None


@dataclass(frozen=True)
class DroppedCorrection:
    """A reviewed bead a re-run could not keep, and why, for the summary."""

    doc: str
    first: str  # the bead's first sentence id
    text: str  # the start of its text as it was saved
    reason: str


@dataclass(frozen=True)
class CorrectionsReport:
    kept: int
    dropped: list[DroppedCorrection]


def _describe(lang: Lang, bead: FixedBead) -> tuple[str, str]:
    span = bead.side(lang)[0]
    text = " ".join(s.text for s in bead.side(lang))
    return f"{lang}:{span.start}-{span.end}", text[:40] + ("…" if len(text) > 40 else "")


def compare(corrections: dict[str, list[FixedBead]], result: CorpusResult) -> CorrectionsReport:
    """How many saved corrections the new result kept, and for each other one the reason."""
    documents = {d.pair.doc_id: d for d in result.documents}
    kept, dropped = 0, []
    for doc, beads in corrections.items():
        document = documents.get(doc)
        present = set() if document is None else {
            (tuple((s.start, s.end) for s in reviewed.ru),
             tuple((s.start, s.end) for s in reviewed.zh), reviewed.status)
            for reviewed in reviewed_beads(document)}
        for bead in beads:
            key = (tuple((s.start, s.end) for s in bead.ru),
                   tuple((s.start, s.end) for s in bead.zh), bead.status)
            if key in present:
                kept += 1
                continue
            first, text = _describe("ru" if bead.ru else "zh", bead)
            dropped.append(DroppedCorrection(doc, first, text, _reason(document, bead)))
    return CorrectionsReport(kept, dropped)


def _reason(document: AlignedDocument | None, bead: FixedBead) -> str:
    if document is None:
        return "document no longer in the corpus"
    if not document.pair.is_paired:
        return "document has no partner any more"
    for lang in LANGS:
        side = document.pair.side(lang)
        assert side is not None
        if any(side.file.text[s.start : s.end] != s.text for s in bead.side(lang)):
            return "text changed"
    return "sentences now cut differently, or it crosses another correction"
