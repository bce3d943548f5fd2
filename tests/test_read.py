"""Decoding input files exactly, refusing what is not text, and listing a corpus folder."""

from __future__ import annotations

import codecs
import io
import random
import zipfile
from pathlib import Path

import pytest

from aligner.model import SourceFile
from aligner.readers import ReadError, decode, find_files, read_file

CORPUS = Path(__file__).resolve().parent.parent / "corpus"

MIXED = (
    "04 ФЕВРАЛЯ 2026, 16:40\n"
    "普京与习近平举行了视频会谈。Путин и Си Цзиньпин провели переговоры по видеосвязи.\n"
    "Сроки и детали визита президента России в Китай будут согласованы дополнительно.\n"
    "俄罗斯总统普京2026年访华的日期和具体安排将另行商定。\n"
)
RUSSIAN = (
    "Президент России Владимир Путин провёл переговоры с председателем КНР Си Цзиньпином.\n"
    "Сроки и детали визита будут согласованы дополнительно, сообщил помощник Юрий Ушаков.\n"
    "Ещё одна ёмкая фраза: объём торговли растёт, а встречи лидеров станут чаще.\n"
)


def _encode(text: str, encoding: str) -> bytes:
    """Bytes as a user's editor would save them; the UTF-16 variants carry their BOM."""
    if encoding == "utf-16-le-bom":
        return codecs.BOM_UTF16_LE + text.encode("utf-16-le")
    if encoding == "utf-16-be-bom":
        return codecs.BOM_UTF16_BE + text.encode("utf-16-be")
    return text.encode(encoding)


MIXED_ENCODINGS = ["utf-8", "utf-8-sig", "utf-16-le-bom", "utf-16-be-bom", "gb18030", "gbk"]
RUSSIAN_ENCODINGS = [*MIXED_ENCODINGS, "cp1251", "koi8-r"]


@pytest.mark.parametrize("encoding", MIXED_ENCODINGS)
def test_mixed_text_round_trips(encoding: str) -> None:
    text, _ = decode(_encode(MIXED, encoding))
    assert text == MIXED


@pytest.mark.parametrize("encoding", RUSSIAN_ENCODINGS)
def test_russian_text_round_trips(encoding: str) -> None:
    text, _ = decode(_encode(RUSSIAN, encoding))
    assert text == RUSSIAN


@pytest.mark.parametrize(("encoding", "reported"), [
    ("utf-8", "utf_8"),
    ("utf-8-sig", "utf_8_sig"),
    ("utf-16-le-bom", "utf_16"),
    ("utf-16-be-bom", "utf_16"),
    ("cp1251", "cp1251"),
    ("koi8-r", "koi8_r"),
])
def test_encoding_is_reported(encoding: str, reported: str) -> None:
    assert decode(_encode(RUSSIAN, encoding))[1] == reported


@pytest.mark.parametrize("encoding", ["gb18030", "gbk"])
def test_chinese_code_pages_decode_as_gb18030(encoding: str) -> None:
    # GB18030 is a superset of GBK, so reading GBK bytes as GB18030 is exact.
    assert decode(_encode(MIXED, encoding)) == (MIXED, "gb18030")


def test_bom_is_not_part_of_the_text() -> None:
    text, _ = decode(codecs.BOM_UTF8 + "Привет, мир.".encode())
    assert text == "Привет, мир."
    assert not text.startswith("\ufeff")


@pytest.mark.parametrize(("name", "encodings"), [
    ("002_9e5125a431169a21.txt", ["utf-8", "utf-8-sig", "utf-16-le-bom", "utf-16-be-bom",
                                  "gb18030"]),
    ("000_ab770fffd2190f8e.txt", ["utf-8-sig", "utf-16-le-bom", "gb18030", "cp1251"]),
])
def test_sample_corpus_round_trips(tmp_path: Path, name: str, encodings: list[str]) -> None:
    original = (CORPUS / name).read_text(encoding="utf-8")
    for encoding in encodings:
        path = tmp_path / f"{encoding}.txt"
        path.write_bytes(_encode(original, encoding))
        assert read_file(path, tmp_path).text == original, encoding


def test_line_endings_and_no_break_spaces_are_kept() -> None:
    text = "Юрий\u00a0Ушаков сказал.\r\n普京说。\r\n\r\n  Отступ.\t\n"
    for encoding in ("utf-8", "gb18030", "utf-16-le-bom"):
        assert decode(_encode(text, encoding))[0] == text


# --- what is not usable text ---


def test_empty_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    with pytest.raises(ReadError, match="empty"):
        read_file(path, tmp_path)


@pytest.mark.parametrize("data", [
    b"   \n\t\r\n  ",
    codecs.BOM_UTF8 + b"  \n",
    codecs.BOM_UTF16_LE + " \n\u3000\u00a0\n".encode("utf-16-le"),
    "\u3000\u3000\n".encode(),
])
def test_whitespace_only_file_is_refused(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "blank.txt"
    path.write_bytes(data)
    with pytest.raises(ReadError) as caught:
        read_file(path, tmp_path)
    assert str(caught.value).strip()
    assert "empty" in str(caught.value) or "whitespace" in str(caught.value)


def _png() -> bytes:
    return b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + random.Random(7).randbytes(4000)


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("a.txt", RUSSIAN * 20 + MIXED * 20)
    return buffer.getvalue()


def _stored_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("a.txt", "plain ascii text\n" * 30)
    return buffer.getvalue()


BINARIES = {
    "png": _png(),
    "zip": _zip(),
    "stored-zip": _stored_zip(),
    "nul-bytes": b"\x00" * 128,
    "elf": b"\x7fELF\x02\x01\x01" + b"\x00" * 57 + bytes(range(256)),
    "random": random.Random(3).randbytes(3000),
    "utf8-with-nul": "Привет\x00мир, это не текст.".encode(),
    # Every code unit of basic Cyrillic has a high byte 0x04 and a low byte < 0x80:
    # without its BOM this is valid UTF-8, full of control characters and NULs.
    "utf16-without-bom": RUSSIAN.encode("utf-16-le"),
}


@pytest.mark.parametrize("name", sorted(BINARIES))
def test_binary_is_refused(tmp_path: Path, name: str) -> None:
    path = tmp_path / f"{name}.txt"
    path.write_bytes(BINARIES[name])
    with pytest.raises(ReadError) as caught:
        read_file(path, tmp_path)
    assert str(caught.value).strip()


@pytest.mark.parametrize("name", sorted(BINARIES))
def test_decode_never_returns_nul(name: str) -> None:
    try:
        text, _ = decode(BINARIES[name])
    except ReadError:
        return
    assert "\x00" not in text


def test_unreadable_path_is_a_read_error(tmp_path: Path) -> None:
    with pytest.raises(ReadError, match="cannot be read"):
        read_file(tmp_path / "missing.txt", tmp_path)
    with pytest.raises(ReadError, match="cannot be read"):
        read_file(tmp_path, tmp_path.parent)  # a folder


# --- the folder ---


def _touch(root: Path, *names: str) -> None:
    for name in names:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("Текст.\n", encoding="utf-8")


def test_find_files_is_sorted_and_skips_hidden(tmp_path: Path) -> None:
    _touch(tmp_path, "b.txt", "a.zh.txt", "a.ru.txt", "Z.txt", "sub/c.txt", "sub/deeper/a.md",
           ".hidden.txt", ".git/config", "sub/.DS_Store", ".cache/sub/x.txt", "sub/.tmp/y.txt")
    (tmp_path / "empty-folder").mkdir()
    found = [path.relative_to(tmp_path).as_posix() for path in find_files(tmp_path)]
    assert found == ["Z.txt", "a.ru.txt", "a.zh.txt", "b.txt", "sub/c.txt", "sub/deeper/a.md"]


def test_find_files_is_stable(tmp_path: Path) -> None:
    _touch(tmp_path, *(f"d{i % 3}/f{(i * 7) % 11}.txt" for i in range(20)))
    first = list(find_files(tmp_path))
    assert first == sorted(first)
    assert first == list(find_files(tmp_path))


def test_find_files_under_a_hidden_root(tmp_path: Path) -> None:
    # Only parts below the corpus folder count: a corpus inside ~/.cache is still read.
    root = tmp_path / ".cache" / "corpus"
    _touch(root, "x.txt", ".y.txt")
    assert [p.name for p in find_files(root)] == ["x.txt"]


def test_read_file_rel_is_posix_relative(tmp_path: Path) -> None:
    _touch(tmp_path, "news/2026/feb/article.ru.txt")
    path = tmp_path / "news" / "2026" / "feb" / "article.ru.txt"
    source = read_file(path, tmp_path)
    assert isinstance(source, SourceFile)
    assert source.rel == "news/2026/feb/article.ru.txt"
    assert source.path == path
    assert source.text == "Текст.\n"
    assert source.encoding == "utf_8"


def test_read_sample_corpus() -> None:
    source = read_file(CORPUS / "002_9e5125a431169a21.txt", CORPUS)
    assert source.rel == "002_9e5125a431169a21.txt"
    assert source.encoding == "utf_8"
    assert source.text.startswith("04 ФЕВРАЛЯ 2026, 16:40\n重要细节")
    assert "Юрий\u00a0Ушаков" in source.text
