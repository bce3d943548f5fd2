"""The exporter family, and the row view of a result that all exporters share."""

from __future__ import annotations

import os
import tempfile
from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from aligner.model import AlignedDocument, Bead, BeadStatus, CorpusResult, Document, Sentence

JOINERS = {"ru": " ", "zh": ""}


@dataclass(frozen=True)
class BeadRow:
    """One bead as the outputs show it: texts joined, offsets spanning first to last sentence."""

    doc: str
    ru_file: str
    zh_file: str
    ru_start: int | None
    ru_end: int | None
    zh_start: int | None
    zh_end: int | None
    ru_text: str
    zh_text: str
    score: float | None
    type: str
    ru_paragraph: int | None
    zh_paragraph: int | None
    # where the bead's first sentence is in the original document (``p 12``, ``page 4``);
    # empty for plain text, whose offsets are the file's own
    ru_locator: str
    zh_locator: str
    status: str  # "auto", "edited" or "confirmed" (see Bead.status)


def _side(sentences: tuple[Sentence, ...], ids: tuple[int, ...], joiner: str
          ) -> tuple[int | None, int | None, str, int | None]:
    if not ids:
        return None, None, "", None
    chosen = [sentences[i] for i in ids]
    return chosen[0].start, chosen[-1].end, joiner.join(s.text for s in chosen), chosen[0].paragraph


def _locator(document: Document | None, start: int | None) -> str:
    return document.file.locator_at(start) if document is not None and start is not None else ""


def bead_row(document: AlignedDocument, bead: Bead) -> BeadRow:
    pair = document.pair
    ru_start, ru_end, ru_text, ru_paragraph = _side(document.ru_sentences, bead.ru, JOINERS["ru"])
    zh_start, zh_end, zh_text, zh_paragraph = _side(document.zh_sentences, bead.zh, JOINERS["zh"])
    return BeadRow(
        doc=pair.doc_id,
        ru_file=pair.ru.file.rel if pair.ru and bead.ru else "",
        zh_file=pair.zh.file.rel if pair.zh and bead.zh else "",
        ru_start=ru_start, ru_end=ru_end, zh_start=zh_start, zh_end=zh_end,
        ru_text=ru_text, zh_text=zh_text, score=bead.score, type=bead.type,
        ru_paragraph=ru_paragraph, zh_paragraph=zh_paragraph,
        ru_locator=_locator(pair.ru, ru_start), zh_locator=_locator(pair.zh, zh_start),
        status=bead.status,
    )


def bead_rows(result: CorpusResult) -> Iterator[BeadRow]:
    """Every bead of every document, in document order then bead order."""
    for document in result.documents:
        for bead in document.beads:
            yield bead_row(document, bead)


@dataclass(frozen=True)
class KeyedRow:
    """A bead row with the stable keys a reviewed output is matched back to the run by.

    Kept apart from BeadRow, whose fields are the CSV's columns (a public contract).
    """

    bead_id: str
    ru_ids: tuple[str, ...]
    zh_ids: tuple[str, ...]
    status: BeadStatus
    row: BeadRow


def keyed_rows(result: CorpusResult) -> Iterator[KeyedRow]:
    """bead_rows with each bead's id, its sentences' ids and its status, in the same order."""
    for document in result.documents:
        yield from document_keyed_rows(document)


def document_keyed_rows(document: AlignedDocument) -> Iterator[KeyedRow]:
    """One document's keyed rows, in bead order."""
    for bead in document.beads:
        yield KeyedRow(
            bead_id=document.bead_id(bead),
            ru_ids=tuple(document.sentence_id("ru", i) for i in bead.ru),
            zh_ids=tuple(document.sentence_id("zh", i) for i in bead.zh),
            status=bead.status, row=bead_row(document, bead))


def _umask() -> int:
    """The process umask, read without changing it where Linux allows (os.umask cannot read
    it without setting it, and setting it briefly races with other threads creating files)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_atomically(path: Path, data: bytes) -> None:
    """Write via a temporary file and a rename, so a half-written file is never left behind.

    mkstemp creates the temporary file ``rw-------`` and the rename would keep that, so the
    file gets the mode the user would get from any other program: an existing file keeps its
    own, a new one gets ``0666`` less the umask.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        mode = path.stat().st_mode & 0o777
    except FileNotFoundError:
        mode = 0o666 & ~_umask()
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            os.fchmod(stream.fileno(), mode)
            stream.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def extracted_text_path(rel: str) -> str:
    """Where, in an output folder, the text a reader extracted from ``rel`` is written.

    The whole relative path with its extension is kept (``text/news/a.ru.docx.txt``), so two
    documents never share a name.
    """
    return f"text/{rel}.txt"


class Sink(ABC):
    """One output being written a document at a time, the way a run produces them.

    ``add`` takes the documents in document order; ``close`` finishes the file(s) with
    what is only known at the end (skipped files, counts) and returns the paths written.
    A sink writes to the path it was opened on, which is inside the run's staging folder
    (aligner.export.outputs): nothing reaches the output folder before every output is
    complete, so an interrupted run never leaves a complete-looking half file.
    """

    @abstractmethod
    def add(self, document: AlignedDocument) -> None:
        """Write (or, for a format that cannot stream, keep) one more document."""

    @abstractmethod
    def close(self, run: CorpusResult) -> list[Path]:
        """Finish the output; ``run`` is the run without its documents (they were added)."""

    @abstractmethod
    def discard(self) -> None:
        """Let go of open files when the run stops before ``close`` (its staging folder,
        where they are, is removed next)."""


class BufferedSink(Sink):
    """For a format that needs the whole result at once (its summary comes first, or its
    file layout depends on every row): keeps the documents and renders at the end."""

    def __init__(self, exporter: Exporter, path: Path) -> None:
        self.exporter, self.path = exporter, path
        self.documents: list[AlignedDocument] = []

    def add(self, document: AlignedDocument) -> None:
        self.documents.append(document)

    def close(self, run: CorpusResult) -> list[Path]:
        return self.exporter.write(replace(run, documents=self.documents), self.path)

    def discard(self) -> None:
        self.documents.clear()


class Exporter(ABC):
    """Writes a CorpusResult into one output format."""

    name: str = ""
    suffix: str = ""

    @abstractmethod
    def render(self, result: CorpusResult) -> bytes:
        """The whole file's bytes; deterministic for the same result."""

    def write(self, result: CorpusResult, path: Path) -> list[Path]:
        """Write the output (and any sidecar); return the paths written."""
        write_atomically(path, self.render(result))
        return [path]

    def open(self, path: Path, signature: str) -> Sink:
        """A sink writing this format to ``path`` document by document.  By default it
        buffers: the formats that can stream override this, and give the same bytes."""
        return BufferedSink(self, path)


class StreamedFile:
    """A new file written piece by piece, with the mode any other program would give it."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.stream = open(path, "wb")  # noqa: SIM115  (closed by close())
        os.fchmod(self.stream.fileno(), 0o666 & ~_umask())

    def write(self, data: bytes) -> None:
        self.stream.write(data)

    def close(self) -> Path:
        self.stream.close()
        return self.path

    def discard(self) -> None:
        self.stream.close()


class PiecewiseExporter(Exporter):
    """A format that is a head, one piece per document, and a tail: the same pieces make
    ``render``'s bytes and the streamed file, so the two cannot differ."""

    def head(self, signature: str, empty: bool) -> bytes:
        """The opening bytes; ``empty`` when no document adds anything (an empty XML
        element is written differently)."""
        return b""

    @abstractmethod
    def piece(self, document: AlignedDocument) -> bytes:
        """The bytes one document adds, in document order."""

    def tail(self, signature: str, empty: bool) -> bytes:
        """The closing bytes; ``empty`` when no document added anything."""
        return b""

    def render(self, result: CorpusResult) -> bytes:
        pieces = [self.piece(document) for document in result.documents]
        empty = not any(pieces)
        return b"".join([self.head(result.signature, empty), *pieces,
                         self.tail(result.signature, empty)])

    def write(self, result: CorpusResult, path: Path) -> list[Path]:
        write_atomically(path, self.render(result))
        return [path, *self.sidecars(path, result, len(result.documents))]

    def open(self, path: Path, signature: str) -> Sink:
        return PiecewiseSink(self, path, signature)

    def sidecars(self, path: Path, run: CorpusResult, documents: int) -> list[Path]:
        """Files written beside the output once it is complete (none by default)."""
        return []


class PiecewiseSink(Sink):
    """Streams a PiecewiseExporter's pieces into its file as documents arrive; the head
    waits for the first piece, since an output with none has a head of its own."""

    def __init__(self, exporter: PiecewiseExporter, path: Path, signature: str) -> None:
        self.exporter, self.signature = exporter, signature
        self.file = StreamedFile(path)
        self.empty, self.documents = True, 0

    def add(self, document: AlignedDocument) -> None:
        piece = self.exporter.piece(document)
        self.documents += 1
        if piece and self.empty:
            self.file.write(self.exporter.head(self.signature, empty=False))
            self.empty = False
        self.file.write(piece)

    def close(self, run: CorpusResult) -> list[Path]:
        if self.empty:
            self.file.write(self.exporter.head(self.signature, empty=True))
        self.file.write(self.exporter.tail(self.signature, self.empty))
        path = self.file.close()
        return [path, *self.exporter.sidecars(path, run, self.documents)]

    def discard(self) -> None:
        self.file.discard()


class ExtractedTextsSink(Sink):
    """Writes the text of every document that was not plain text, as each document passes:
    the CSV's offsets point there.  The paths come back sorted, as the run lists them."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.written: dict[str, Path] = {}

    def add(self, document: AlignedDocument) -> None:
        for side in (document.pair.ru, document.pair.zh):
            if side is not None and side.file.is_extracted and side.file.rel not in self.written:
                path = self.folder / extracted_text_path(side.file.rel)
                write_atomically(path, side.file.text.encode("utf-8"))
                self.written[side.file.rel] = path

    def close(self, run: CorpusResult) -> list[Path]:
        return [self.written[rel] for rel in sorted(self.written)]

    def discard(self) -> None:
        self.written.clear()  # each file was complete when written; nothing is left open
