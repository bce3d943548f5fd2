"""What a run leaves in its output folder for the editor: the whole result, and its outputs.

The editor must regenerate every output of the run after a correction without
the corpus, the splitters or the encoder, so the run saves its result as it is
(the decoded file texts, paragraphs, sentences, beads with score and status)
and the list of outputs it wrote, in ``review-state.json``.  Loading it gives
back the same CorpusResult, so the exporters write exactly what the run wrote.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from aligner.export.base import write_atomically
from aligner.export.outputs import OutputSpec, check_file_name
from aligner.model import (
    LANGS,
    AlignedDocument,
    Bead,
    CorpusResult,
    Document,
    DocumentMatch,
    DocumentPair,
    FileProblem,
    Lang,
    Paragraph,
    Sentence,
    SourceFile,
)

STATE_FILE = "review-state.json"
STATE_VERSION = 1
STATUSES = ("auto", "edited", "confirmed")


class StateError(ValueError):
    """The output folder has no usable review state; the message names the file."""


@dataclass
class ReviewRun:
    """A run as the editor sees it: its result, the outputs to regenerate, its settings."""

    result: CorpusResult
    outputs: list[OutputSpec]
    corpus: str  # the corpus folder the run read, as given (shown, never read)
    low_score: float  # beads below this are shown as low-confidence


def state_path(out_dir: Path) -> Path:
    return Path(out_dir) / STATE_FILE


def _side_json(document: Document | None) -> dict[str, Any] | None:
    if document is None:
        return None
    return {"doc": document.doc_id, "file": document.file.rel,
            "paragraphs": [[p.index, p.start, p.end] for p in document.paragraphs]}


def state_json(run: ReviewRun) -> dict[str, Any]:
    """The run as plain JSON data (see ``write_state``)."""
    result = run.result
    files: dict[str, dict[str, str]] = {}
    documents = []
    for document in result.documents:
        for side in (document.pair.ru, document.pair.zh):
            if side is not None:
                files[side.file.rel] = {"text": side.file.text, "encoding": side.file.encoding}
        documents.append({
            "doc": document.pair.doc_id,
            "ru": _side_json(document.pair.ru),
            "zh": _side_json(document.pair.zh),
            "sentences": {lang: [[s.start, s.end, s.paragraph] for s in document.sentences(lang)]
                          for lang in ("ru", "zh")},
            "beads": [{"ru": list(b.ru), "zh": list(b.zh), "score": b.score, "status": b.status}
                      for b in document.beads],
        })
    return {
        "version": STATE_VERSION,
        "corpus": run.corpus,
        "signature": result.signature,
        "files_read": result.files_read,
        "problems": [asdict(p) for p in result.problems],
        "matches": [asdict(m) for m in result.matches],
        "outputs": [asdict(spec) for spec in run.outputs],
        "low_score": run.low_score,
        "files": files,
        "documents": documents,
    }


def write_state(out_dir: Path, run: ReviewRun) -> Path:
    """Save the run for the editor (atomically); returns the file written."""
    path = state_path(out_dir)
    data = json.dumps(state_json(run), ensure_ascii=False, separators=(",", ":"))
    write_atomically(path, data.encode("utf-8"))
    return path


class _Files:
    """The saved file texts, turned into one SourceFile each (a file may hold both sides)."""

    def __init__(self, corpus: Path, texts: dict[str, dict[str, str]]) -> None:
        self.corpus, self.texts, self.built = corpus, texts, {}

    def get(self, rel: str) -> SourceFile:
        if rel not in self.built:
            entry = self.texts[rel]
            self.built[rel] = SourceFile(self.corpus / rel, rel, entry["text"], entry["encoding"])
        return self.built[rel]


def _side(data: dict[str, Any] | None, lang: Lang, files: _Files) -> Document | None:
    if data is None:
        return None
    paragraphs = tuple(Paragraph(i, s, e, lang) for i, s, e in data["paragraphs"])
    return Document(data["doc"], lang, files.get(data["file"]), paragraphs)


def _document(data: dict[str, Any], files: _Files) -> AlignedDocument:
    sides = {lang: _side(data[lang], lang, files) for lang in LANGS}
    pair = DocumentPair(data["doc"], sides["ru"], sides["zh"])
    sentences = {}
    for lang in LANGS:
        document = sides[lang]
        text = document.file.text if document else ""
        sentences[lang] = tuple(Sentence(text[s:e], s, e, p) for s, e, p in data["sentences"][lang])
    beads = []
    for bead in data["beads"]:
        if bead["status"] not in STATUSES:
            raise ValueError(f"unknown bead status {bead['status']!r}")
        beads.append(Bead(tuple(bead["ru"]), tuple(bead["zh"]), bead["score"], bead["status"]))
    return AlignedDocument(pair, sentences["ru"], sentences["zh"], tuple(beads))


def read_state(out_dir: Path) -> ReviewRun:
    """The run saved in ``out_dir``; a clear StateError when there is none or it is damaged."""
    path = state_path(out_dir)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise StateError(f"{path}: no review state here; run `ruzh-align run CORPUS -o "
                         f"{out_dir}` first") from None
    except (OSError, ValueError) as error:
        raise StateError(f"{path}: cannot be read: {error}") from None
    if not isinstance(data, dict) or data.get("version") != STATE_VERSION:
        raise StateError(f"{path}: not a review state this version can read")
    try:
        corpus = Path(data["corpus"])
        files = _Files(corpus, data["files"])
        documents = [_document(d, files) for d in data["documents"]]
        outputs = [OutputSpec(o["format"], check_file_name(o["file"]), dict(o["options"]))
                   for o in data["outputs"]]
        result = CorpusResult(documents=documents,
                              problems=[FileProblem(**p) for p in data["problems"]],
                              files_read=data["files_read"], signature=data["signature"],
                              matches=[DocumentMatch(**m) for m in data["matches"]])
        return ReviewRun(result, outputs, data["corpus"], float(data["low_score"]))
    except (KeyError, TypeError, ValueError) as error:
        raise StateError(f"{path}: damaged review state: {error}") from None
