"""The line formats: Moses parallel text for MT training and JSON Lines, and the file modes
every output is created with."""

from __future__ import annotations

import json
import os
import stat
from dataclasses import replace
from pathlib import Path

import pytest
from test_export import SIGNATURE, _file, _result

from aligner.export import EXPORTERS, JsonlExporter, MosesExporter, keyed_rows
from aligner.export.base import write_atomically
from aligner.export.jsonl import FIELDS
from aligner.model import AlignedDocument, Bead, CorpusResult, Document, DocumentPair

BREAKS = ["\n", "\r\n", "\r", "\u2028", "\u2029", "\x85", "\x0b", "\x0c"]


@pytest.fixture
def result() -> CorpusResult:
    return _result()


def broken_lines_result() -> CorpusResult:
    """Sentences holding every line break a reader might split at (as a DOCX soft break or
    an odd file can give), one bead per break, and one side made of spaces only."""
    ru = [(0, f"Строка{brk}продолжение {number}.") for number, brk in enumerate(BREAKS)]
    zh = [(0, f"第{number}行{brk}继续。") for number, brk in enumerate(BREAKS)]
    ru_file, ru_sentences, ru_paragraphs, _ = _file("b.ru.txt", [*ru, (0, "Пусто.")], {})
    zh_file, zh_sentences, zh_paragraphs, _ = _file("b.zh.txt", [*zh, (0, " ")], {})
    pair = DocumentPair("b", Document("b", "ru", ru_file, ru_paragraphs),
                        Document("b", "zh", zh_file, zh_paragraphs))
    beads = tuple(Bead((i,), (i,), 0.8) for i in range(len(BREAKS) + 1))
    return CorpusResult([AlignedDocument(pair, ru_sentences, zh_sentences, beads)],
                        signature=SIGNATURE)


# --- Moses ---


def test_moses_writes_two_line_aligned_files_and_a_sidecar(tmp_path: Path,
                                                           result: CorpusResult) -> None:
    written = MosesExporter().write(result, tmp_path / "aligned.ru.txt")
    assert written == [tmp_path / "aligned.ru.txt", tmp_path / "aligned.zh.txt",
                       tmp_path / "aligned.moses.meta.json"]
    ru = (tmp_path / "aligned.ru.txt").read_text(encoding="utf-8")
    zh = (tmp_path / "aligned.zh.txt").read_text(encoding="utf-8")
    # only the three beads with both sides; Russian joined with a space, Chinese with none
    assert ru.split("\n") == ["Первое предложение.", "Второе предложение. Третье предложение.",
                              'Цена <5 & "10"> рублей,\u00a0сказал Юрий\x07.', ""]
    assert zh.split("\n") == ["第一句。", "第二句与第三句。",
                              "价格<5 & “10”>卢布\x07。尤里说。", ""]
    meta = json.loads((tmp_path / "aligned.moses.meta.json").read_text(encoding="utf-8"))
    assert meta["signature"] == SIGNATURE
    assert (meta["files"], meta["lines"]) == ({"ru": "aligned.ru.txt", "zh": "aligned.zh.txt"}, 3)


def test_moses_line_breaks_inside_a_sentence_become_spaces(tmp_path: Path) -> None:
    broken = broken_lines_result()
    MosesExporter().write(broken, tmp_path / "aligned.ru.txt")
    ru = (tmp_path / "aligned.ru.txt").read_text(encoding="utf-8")
    zh = (tmp_path / "aligned.zh.txt").read_text(encoding="utf-8")
    # however a tool splits lines, both files have one per bead with two sides, in step
    assert len(ru.splitlines()) == len(zh.splitlines()) == len(BREAKS)
    assert ru.splitlines()[1] == "Строка продолжение 1."  # \r\n: one space, not two
    assert zh.splitlines()[4] == "第4行 继续。"
    assert "Пусто." not in ru  # its Chinese side is blank: not a training pair


def test_moses_rerender_is_byte_identical(tmp_path: Path, result: CorpusResult) -> None:
    first = [path.read_bytes() for path in MosesExporter().write(result, tmp_path / "a.ru.txt")]
    again = [path.read_bytes() for path in
             MosesExporter().write(_result(), tmp_path / "b" / "a.ru.txt")]
    assert first == again


# --- JSON Lines ---


def test_jsonl_header_then_one_record_per_bead(result: CorpusResult) -> None:
    lines = JsonlExporter().render(result).decode("utf-8").split("\n")
    assert lines[-1] == ""
    header, *records = [json.loads(line) for line in lines[:-1]]
    assert header == {"format": "ruzh-aligner.beads", "signature": SIGNATURE, "fields": FIELDS}
    keyed = list(keyed_rows(result))
    assert len(records) == len(keyed)
    assert all(list(record) == FIELDS for record in records)
    assert records[1] == {
        "bead_id": "news/doc/ru:20-39", "doc": "news/doc", "ru_ids": ["ru:20-39", "ru:40-59"],
        "zh_ids": ["zh:5-13"], "ru_text": "Второе предложение. Третье предложение.",
        "zh_text": "第二句与第三句。", "score": 0.75, "type": "2-1", "status": "auto"}
    assert records[0]["score"] == 0.9123  # 4 decimals, as in the CSV
    assert records[4]["ru_ids"] == [] and records[4]["ru_text"] == ""
    assert records[5]["score"] is None
    assert records[2]["ru_text"] == 'Цена <5 & "10"> рублей,\u00a0сказал Юрий\x07.'


def test_jsonl_has_one_line_per_record_whatever_the_text() -> None:
    data = JsonlExporter().render(broken_lines_result()).decode("utf-8")
    assert len(data.splitlines()) == 1 + len(BREAKS) + 1
    records = [json.loads(line) for line in data.splitlines()[1:]]
    assert records[3]["ru_text"] == "Строка\u2028продолжение 3."  # escaped, not lost


def test_jsonl_status_comes_from_the_bead(result: CorpusResult) -> None:
    document = result.documents[0]
    confirmed = replace(document.beads[0], status="confirmed")
    result.documents[0] = replace(document, beads=(confirmed, *document.beads[1:]))
    records = JsonlExporter().render(result).decode("utf-8").split("\n")
    assert [json.loads(line)["status"] for line in records[1:3]] == ["confirmed", "auto"]


# --- file modes ---


@pytest.fixture
def umask() -> object:
    """Set the umask for one test, restoring the previous one after it."""
    previous = os.umask(0o022)
    os.umask(previous)

    def set_umask(mask: int) -> None:
        os.umask(mask)

    yield set_umask
    os.umask(previous)


@pytest.mark.parametrize(("mask", "mode"), [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_new_files_get_the_mode_the_umask_gives(tmp_path: Path, umask, mask: int,
                                                mode: int) -> None:
    umask(mask)
    write_atomically(tmp_path / "new.txt", b"data")
    assert stat.S_IMODE((tmp_path / "new.txt").stat().st_mode) == mode


def test_a_rewritten_file_keeps_its_own_mode(tmp_path: Path, umask) -> None:
    umask(0o022)
    path = tmp_path / "kept.txt"
    path.write_bytes(b"old")
    path.chmod(0o640)
    write_atomically(path, b"new")
    assert (path.read_bytes(), stat.S_IMODE(path.stat().st_mode)) == (b"new", 0o640)


@pytest.mark.parametrize("name", sorted(EXPORTERS))
def test_every_exporter_writes_with_the_umask_mode(tmp_path: Path, umask, name: str) -> None:
    umask(0o027)
    exporter = EXPORTERS[name]()
    for path in exporter.write(_result(), tmp_path / f"aligned{exporter.suffix}"):
        assert stat.S_IMODE(path.stat().st_mode) == 0o640, path
