"""What a run leaves in its output folder for the editor: the whole result, and its outputs.

The editor must regenerate every output of the run after a correction without
the corpus, the splitters or the encoder, so the run saves its result as it is
(the decoded file texts, paragraphs, sentences, beads with score and status)
and the list of outputs it wrote, in ``review-state.jsonl``.  Loading it gives
back the same CorpusResult, so the exporters write exactly what the run wrote.

It is JSON Lines so that a run can write each document as it is aligned and let it
go: a header line (the run's settings and outputs), one line per document with the
texts of its files, and an end line with what is only known at the end (files read,
skipped files).  A state without its end line is refused as incomplete.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from aligner.export.base import Sink, StreamedFile
from aligner.export.outputs import OutputSpec, StagedOutputs, check_file_name
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

STATE_FILE = "review-state.jsonl"
STATE_VERSION = 2
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


def _line(record: dict[str, Any]) -> bytes:
    return (json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


def header_json(run: ReviewRun) -> dict[str, Any]:
    """The state's first line: what is known before the first document is aligned."""
    return {
        "version": STATE_VERSION,
        "corpus": run.corpus,
        "signature": run.result.signature,
        "matches": [asdict(m) for m in run.result.matches],
        "outputs": [asdict(spec) for spec in run.outputs],
        "low_score": run.low_score,
    }


def document_json(document: AlignedDocument) -> dict[str, Any]:
    """One document's line, with the text of its file(s), so no line needs another."""
    files = {side.file.rel: {"text": side.file.text, "encoding": side.file.encoding}
             for side in (document.pair.ru, document.pair.zh) if side is not None}
    return {
        "doc": document.pair.doc_id,
        "ru": _side_json(document.pair.ru),
        "zh": _side_json(document.pair.zh),
        "files": files,
        "sentences": {lang: [[s.start, s.end, s.paragraph] for s in document.sentences(lang)]
                      for lang in ("ru", "zh")},
        "beads": [{"ru": list(b.ru), "zh": list(b.zh), "score": b.score, "status": b.status}
                  for b in document.beads],
    }


class StateSink(Sink):
    """Writes the state a document at a time (a sink among the run's staged outputs)."""

    def __init__(self, path: Path, run: ReviewRun) -> None:
        self.file = StreamedFile(path)
        self.file.write(_line(header_json(run)))

    def add(self, document: AlignedDocument) -> None:
        self.file.write(_line({"document": document_json(document)}))

    def close(self, run: CorpusResult) -> list[Path]:
        self.file.write(_line({"end": {"files_read": run.files_read,
                                       "problems": [asdict(p) for p in run.problems]}}))
        return [self.file.close()]

    def discard(self) -> None:
        self.file.discard()


def state_sink(run: ReviewRun) -> Callable[[Path], Sink]:
    """What StagedOutputs opens to write the state into its staging folder."""
    return lambda staging: StateSink(staging / STATE_FILE, run)


def write_state(out_dir: Path, run: ReviewRun) -> Path:
    """Save the run for the editor (atomically); returns the file written."""
    outputs = StagedOutputs(out_dir, [], run.result.signature, [state_sink(run)])
    for document in run.result.documents:
        outputs.add(document)
    (path,) = outputs.commit(replace(run.result, documents=[]))
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


def _records(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as lines:
        records = [json.loads(line) for line in lines]
    if not all(isinstance(record, dict) for record in records):
        raise ValueError("a line is not a JSON object")
    return records


def read_state(out_dir: Path) -> ReviewRun:
    """The run saved in ``out_dir``; a clear StateError when there is none or it is damaged."""
    path = state_path(out_dir)
    try:
        records = _records(path)
    except FileNotFoundError:
        raise StateError(f"{path}: no review state here; run `ruzh-align run CORPUS -o "
                         f"{out_dir}` first") from None
    except (OSError, ValueError) as error:
        raise StateError(f"{path}: cannot be read: {error}") from None
    if not records or records[0].get("version") != STATE_VERSION:
        raise StateError(f"{path}: not a review state this version can read")
    if "end" not in records[-1]:
        raise StateError(f"{path}: incomplete review state (the run that wrote it stopped)")
    header, end = records[0], records[-1]["end"]
    try:
        corpus = Path(header["corpus"])
        files = _Files(corpus, {})
        documents = []
        for record in records[1:-1]:
            files.texts.update(record["document"]["files"])
            documents.append(_document(record["document"], files))
        outputs = [OutputSpec(o["format"], check_file_name(o["file"]), dict(o["options"]))
                   for o in header["outputs"]]
        result = CorpusResult(documents=documents,
                              problems=[FileProblem(**p) for p in end["problems"]],
                              files_read=end["files_read"], signature=header["signature"],
                              matches=[DocumentMatch(**m) for m in header["matches"]])
        return ReviewRun(result, outputs, header["corpus"], float(header["low_score"]))
    except (KeyError, TypeError, ValueError) as error:
        raise StateError(f"{path}: damaged review state: {error}") from None
