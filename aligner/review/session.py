"""One output folder under review: the run in memory, and saving a correction to disk.

Kept apart from the HTTP layer so that the rules (every edit checked, saves one at a
time, nothing written unless everything is) hold whoever calls ``save``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from aligner.export.outputs import write_outputs
from aligner.model import LANGS, AlignedDocument
from aligner.review.corrections import corrections_sink
from aligner.review.edits import BeadEdit, EditError, apply_edits
from aligner.review.state import ReviewRun, read_state, state_path, state_sink


class StaleEdit(Exception):
    """A save based on an older version than the one on disk (another save came first)."""


def editor_document(document: AlignedDocument) -> dict[str, Any]:
    """One document as the editor page draws it: sentences by id, beads by sentence ids."""
    pair = document.pair
    return {
        "doc": pair.doc_id,
        "paired": pair.is_paired,
        "files": {lang: side.file.rel for lang in LANGS if (side := pair.side(lang))},
        "sentences": {lang: [{"id": document.sentence_id(lang, i), "text": s.text,
                              "paragraph": s.paragraph}
                             for i, s in enumerate(document.sentences(lang))]
                      for lang in LANGS},
        "beads": [{"id": document.bead_id(bead),
                   "ru": [document.sentence_id("ru", i) for i in bead.ru],
                   "zh": [document.sentence_id("zh", j) for j in bead.zh],
                   "score": bead.score, "status": bead.status} for bead in document.beads],
    }


def _ids(value: Any, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise EditError(f"{where}: sentence ids must be a list of strings")
    return tuple(value)


def parse_documents(payload: Any) -> dict[str, list[BeadEdit]]:
    """The ``documents`` of a save request: per document id, its new beads."""
    documents = payload.get("documents") if isinstance(payload, dict) else None
    if not isinstance(documents, dict):
        raise EditError("a save names its documents: {\"documents\": {doc: [beads]}}")
    parsed = {}
    for doc, beads in documents.items():
        if not isinstance(beads, list) or not all(isinstance(b, dict) for b in beads):
            raise EditError(f"{doc}: beads must be a list of objects")
        parsed[doc] = [BeadEdit(_ids(b.get("ru", []), f"{doc} bead {k + 1}"),
                                _ids(b.get("zh", []), f"{doc} bead {k + 1}"),
                                b.get("status", "edited"))
                       for k, b in enumerate(beads)]
    return parsed


class ReviewSession:
    """The run saved in ``out_dir``, and the one door through which corrections reach disk."""

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = Path(out_dir).resolve()
        self.run: ReviewRun = read_state(self.out_dir)
        self._stamp = self._on_disk()
        self.version = 0  # bumped by every save; a save must name the version it edited
        self._lock = threading.Lock()

    def _on_disk(self) -> tuple[int, int]:
        stat = state_path(self.out_dir).stat()
        return stat.st_mtime_ns, stat.st_size

    def _reload_if_changed(self) -> bool:
        """Read the state again if something else (a re-run, ``apply``) rewrote it."""
        if self._on_disk() == self._stamp:
            return False
        self.run, self._stamp = read_state(self.out_dir), self._on_disk()
        self.version += 1
        return True

    def editor_state(self) -> dict[str, Any]:
        with self._lock:
            self._reload_if_changed()
            return {"version": self.version, "corpus": self.run.corpus,
                    "low_score": self.run.low_score,
                    "outputs": [spec.file for spec in self.run.outputs],
                    "documents": [editor_document(d) for d in self.run.result.documents]}

    def save(self, payload: Any) -> dict[str, Any]:
        """Apply the documents' new beads and rewrite every output, or raise and write nothing.

        Saves are serialised by a lock and must be based on the current version, so two
        editors cannot silently overwrite each other's corrections.
        """
        edits = parse_documents(payload)
        with self._lock:
            changed_on_disk = self._reload_if_changed()
            if changed_on_disk or payload.get("version") != self.version:
                raise StaleEdit(f"this page shows version {payload.get('version')!r}, the "
                                f"folder is at version {self.version}"
                                + (" (rewritten by another command)" if changed_on_disk else "")
                                + ": reload to see it")
            return self._write(edits, label=lambda doc, k: f"bead {k + 1}")

    def apply(self, edits: dict[str, list[BeadEdit]], label: Callable[[str, int], str]
              ) -> list[Path]:
        """Like ``save``, for corrections from elsewhere (a review workbook): no version."""
        with self._lock:
            self._reload_if_changed()
            return [self.out_dir / name for name in self._write(edits, label)["written"]]

    def _write(self, edits: dict[str, list[BeadEdit]], label: Callable[[str, int], str]
               ) -> dict[str, Any]:
        """Check every document's edits, then rewrite all outputs, the state and the store."""
        documents = {d.pair.doc_id: d for d in self.run.result.documents}
        unknown = [doc for doc in edits if doc not in documents]
        if unknown:
            raise EditError(f"unknown document ids: {', '.join(unknown)}")
        problems = []
        for doc, beads in edits.items():
            try:
                documents[doc] = apply_edits(documents[doc], beads,
                                             label=lambda k, doc=doc: label(doc, k))
            except EditError as error:
                problems.append(str(error))
        if problems:
            raise EditError("; ".join(problems))
        result = replace(self.run.result, documents=list(documents.values()))
        run = replace(self.run, result=result)
        # one staging folder for all: a save is written completely or not at all
        written = write_outputs(result, self.out_dir, run.outputs,
                                [state_sink(run), corrections_sink(result.signature)])
        self.run, self._stamp, self.version = run, self._on_disk(), self.version + 1
        return {"version": self.version, "written": [path.name for path in written]}
