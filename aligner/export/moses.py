"""Moses-style parallel text for MT training: ``aligned.ru.txt`` and ``aligned.zh.txt``.

Line N of one file translates line N of the other, which is all that MT toolkits
(Moses, OpenNMT, fairseq, Marian, Hugging Face datasets) read.  So only beads with
both sides go in, and every line break a sentence may hold (``str.splitlines``
knows more of them than ``\\n``: ``\\r``, ``\\x0b``, ``\\x85``, ``\\u2028``, …) becomes a
space, or one sentence would shift every line after it.  The files hold no room
for metadata, so a JSON sidecar carries the signature and the line count.

The Russian file is the one ``render`` gives, as Russian is the source language
everywhere else (the TMX's ``srclang``); ``write`` adds the Chinese file and the
sidecar, as the CSV exporter adds its own sidecar.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

from aligner.export.base import Exporter, Sink, StreamedFile, bead_row, write_atomically
from aligner.model import LANGS, AlignedDocument, CorpusResult, Lang

# Every character str.splitlines breaks at, so that a reader splitting lines any way agrees.
_LINE_BREAKS = re.compile("[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]+")


def one_line(text: str) -> str:
    """The text on one line: line breaks become a space, the ends are trimmed."""
    return _LINE_BREAKS.sub(" ", text).strip()


def parallel_lines(result: CorpusResult) -> Iterator[tuple[str, str]]:
    """The (Russian, Chinese) line pairs, one per bead with text on both sides."""
    for document in result.documents:
        yield from document_lines(document)


def document_lines(document: AlignedDocument) -> Iterator[tuple[str, str]]:
    """One document's line pairs, in bead order."""
    for bead in document.beads:
        row = bead_row(document, bead)
        ru, zh = one_line(row.ru_text), one_line(row.zh_text)
        if ru and zh:
            yield ru, zh


def side_paths(path: Path) -> dict[Lang, Path]:
    """``aligned.ru.txt`` -> the Russian and Chinese file paths (the Chinese beside it)."""
    stem = path.name.removesuffix(MosesExporter.suffix)
    return {lang: path.with_name(f"{stem}.{lang}.txt") for lang in LANGS}


def sidecar_path(path: Path) -> Path:
    """``aligned.ru.txt`` -> ``aligned.moses.meta.json``."""
    return path.with_name(f"{path.name.removesuffix(MosesExporter.suffix)}.moses.meta.json")


class MosesExporter(Exporter):
    name = "moses"
    suffix = ".ru.txt"

    def render(self, result: CorpusResult) -> bytes:
        return self.render_side(result, "ru")

    def render_side(self, result: CorpusResult, lang: Lang) -> bytes:
        """One language's file: a line per bead with both sides, ``\\n`` after each."""
        index = LANGS.index(lang)
        return "".join(pair[index] + "\n" for pair in parallel_lines(result)).encode("utf-8")

    def write(self, result: CorpusResult, path: Path) -> list[Path]:
        paths = side_paths(path)
        lines = 0
        for lang in LANGS:
            data = self.render_side(result, lang)
            lines = data.count(b"\n")
            write_atomically(paths[lang], data)
        return [paths["ru"], paths["zh"], write_sidecar(path, result.signature, lines)]

    def open(self, path: Path, signature: str) -> Sink:
        return MosesSink(path, signature)


def write_sidecar(path: Path, signature: str, lines: int) -> Path:
    """The JSON file that says what the two text files are (they have no room for it)."""
    paths = side_paths(path)
    meta = {
        "signature": signature,
        "format": "moses",
        "files": {lang: paths[lang].name for lang in LANGS},
        "lines": lines,
        "content": "one line per bead with both sides, in document then bead order; "
                   "Russian sentences joined with a space, Chinese with none; line "
                   "breaks inside a sentence replaced by a space",
    }
    sidecar = sidecar_path(path)
    write_atomically(sidecar, (json.dumps(meta, ensure_ascii=False, indent=2) + "\n").encode())
    return sidecar


class MosesSink(Sink):
    """Both text files grow together, a document's lines at a time."""

    def __init__(self, path: Path, signature: str) -> None:
        self.path, self.signature, self.lines = path, signature, 0
        self.files = {lang: StreamedFile(side) for lang, side in side_paths(path).items()}

    def add(self, document: AlignedDocument) -> None:
        for pair in document_lines(document):
            for index, lang in enumerate(LANGS):
                self.files[lang].write((pair[index] + "\n").encode("utf-8"))
            self.lines += 1

    def close(self, run: CorpusResult) -> list[Path]:
        written = [self.files[lang].close() for lang in LANGS]
        return [*written, write_sidecar(self.path, self.signature, self.lines)]

    def discard(self) -> None:
        for file in self.files.values():
            file.discard()
