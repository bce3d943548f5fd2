"""CSV and TMX export of a hand-built result: columns, joins, offsets, TMX rules, determinism."""

from __future__ import annotations

import csv
import io
import json
import os
from dataclasses import replace
from pathlib import Path

import pytest
from lxml import etree

from aligner.export import (
    EXPORTERS,
    CsvExporter,
    MosesExporter,
    TmxExporter,
    bead_rows,
    to_dataframe,
)
from aligner.export.outputs import OutputSpec, StagedOutputs
from aligner.export.table import COLUMNS, sidecar_path
from aligner.export.tmx import xml_safe
from aligner.model import (
    AlignedDocument,
    Bead,
    CorpusResult,
    Document,
    DocumentPair,
    FileProblem,
    Paragraph,
    Sentence,
    SourceFile,
)
from aligner.signature import package_version

SIGNATURE = ("ruzh-aligner:0.1.0|enc:test@1|split:ru=ru-moses,zh=zh-rules-v1|presplit:no|"
             "align:max_ru=2,max_zh=2")
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

RU_SENTENCES = [  # (paragraph, text)
    (0, "Первое предложение."),
    (0, "Второе предложение."),
    (1, "Третье предложение."),
    (2, 'Цена <5 & "10"> рублей,\u00a0сказал Юрий\x07.'),
    (3, "Лишнее предложение."),
]
ZH_SENTENCES = [
    (0, "第一句。"),
    (1, "第二句与第三句。"),
    (2, "价格<5 & “10”>卢布\x07。"),
    (2, "尤里说。"),
    (3, "多余的句子。"),
]
LONELY_SENTENCES = [(0, "Одинокая статья."), (0, "Без перевода.")]


def _file(rel: str, sentences: list[tuple[int, str]], separators: dict[int, str]) -> tuple[
        SourceFile, tuple[Sentence, ...], tuple[Paragraph, ...], str]:
    """A file whose text is the sentences laid out in paragraphs, and the exact records."""
    text, records, paragraphs = "", [], []
    current, paragraph_start = None, 0
    for paragraph, sentence in sentences:
        if paragraph != current:
            if current is not None:
                paragraphs.append((current, paragraph_start, len(text)))
                text += "\n"
            current, paragraph_start = paragraph, len(text)
        elif text:
            text += separators.get(paragraph, " ")
        records.append(Sentence(sentence, len(text), len(text) + len(sentence), paragraph))
        text += sentence
    paragraphs.append((current, paragraph_start, len(text)))
    text += "\n"
    source = SourceFile(path=Path("/corpus") / rel, rel=rel, text=text, encoding="utf_8")
    lang = "zh" if ".zh." in rel else "ru"
    return (source, tuple(records),
            tuple(Paragraph(i, s, e, lang) for i, s, e in paragraphs), text)


def _result() -> CorpusResult:
    ru_file, ru_sentences, ru_paragraphs, _ = _file("news/doc.ru.txt", RU_SENTENCES, {})
    zh_file, zh_sentences, zh_paragraphs, _ = _file("news/doc.zh.txt", ZH_SENTENCES, {2: ""})
    pair = DocumentPair(
        "news/doc",
        Document("news/doc", "ru", ru_file, ru_paragraphs),
        Document("news/doc", "zh", zh_file, zh_paragraphs),
    )
    beads = (
        Bead((0,), (0,), 0.91234),  # 1-1
        Bead((1, 2), (1,), 0.75),  # 2-1, across a paragraph break
        Bead((3,), (2, 3), 0.6),  # 1-2
        Bead((4,), (), 0.125),  # 1-0
        Bead((), (4,), 0.25),  # 0-1
    )
    aligned = AlignedDocument(pair, ru_sentences, zh_sentences, beads)

    lonely_file, lonely_sentences, lonely_paragraphs, _ = _file("lonely.txt", LONELY_SENTENCES, {})
    lonely_pair = DocumentPair("lonely", Document("lonely", "ru", lonely_file, lonely_paragraphs),
                               None)
    lonely = AlignedDocument(lonely_pair, lonely_sentences, (),
                             (Bead((0,), (), None), Bead((1,), (), None)))
    return CorpusResult(documents=[aligned, lonely],
                        problems=[FileProblem("bad.bin", "holds NUL characters (binary file?)")],
                        files_read=4, signature=SIGNATURE)


@pytest.fixture
def result() -> CorpusResult:
    return _result()


def csv_rows(result: CorpusResult) -> list[dict[str, str]]:
    data = CsvExporter().render(result).decode("utf-8")
    return list(csv.DictReader(io.StringIO(data, newline="")))


def tmx_root(result: CorpusResult, **kwargs) -> etree._Element:
    return etree.fromstring(TmxExporter(**kwargs).render(result))


# --- the hand-built fixture is what it claims to be ---


def test_fixture_offsets_are_exact(result: CorpusResult) -> None:
    for document in result.documents:
        for lang in ("ru", "zh"):
            side = document.pair.side(lang)
            for sentence in document.sentences(lang):
                assert side is not None
                assert side.file.text[sentence.start : sentence.end] == sentence.text
    assert [bead.type for bead in result.documents[0].beads] == ["1-1", "2-1", "1-2", "1-0", "0-1"]


# --- CSV ---


def test_csv_columns_exactly(result: CorpusResult) -> None:
    expected = ["doc", "ru_file", "zh_file", "ru_start", "ru_end", "zh_start", "zh_end",
                "ru_text", "zh_text", "score", "type", "ru_paragraph", "zh_paragraph",
                "ru_locator", "zh_locator", "status"]
    assert expected == COLUMNS
    header = CsvExporter().render(result).decode("utf-8").split("\n", 1)[0]
    assert header == ",".join(expected)
    assert list(to_dataframe(result).columns) == expected


def test_csv_one_row_per_bead(result: CorpusResult) -> None:
    rows = csv_rows(result)
    assert len(rows) == 7
    assert [row["doc"] for row in rows] == ["news/doc"] * 5 + ["lonely"] * 2
    assert [row["type"] for row in rows] == ["1-1", "2-1", "1-2", "1-0", "0-1", "1-0", "1-0"]
    assert [row["score"] for row in rows] == ["0.9123", "0.7500", "0.6000", "0.1250", "0.2500",
                                              "", ""]


def test_csv_one_to_one_row(result: CorpusResult) -> None:
    row = csv_rows(result)[0]
    ru, zh = result.documents[0].ru_sentences[0], result.documents[0].zh_sentences[0]
    assert row == {
        "doc": "news/doc", "ru_file": "news/doc.ru.txt", "zh_file": "news/doc.zh.txt",
        "ru_start": str(ru.start), "ru_end": str(ru.end),
        "zh_start": str(zh.start), "zh_end": str(zh.end),
        "ru_text": "Первое предложение.", "zh_text": "第一句。", "score": "0.9123", "type": "1-1",
        "ru_paragraph": "0", "zh_paragraph": "0", "ru_locator": "", "zh_locator": "",
        "status": "auto",
    }


def test_csv_joins_russian_with_a_space_chinese_without(result: CorpusResult) -> None:
    rows = csv_rows(result)
    assert rows[1]["ru_text"] == "Второе предложение. Третье предложение."
    assert rows[1]["zh_text"] == "第二句与第三句。"
    assert rows[2]["ru_text"] == 'Цена <5 & "10"> рублей,\u00a0сказал Юрий\x07.'
    assert rows[2]["zh_text"] == "价格<5 & “10”>卢布\x07。尤里说。"


def test_csv_offsets_span_first_to_last_sentence(result: CorpusResult) -> None:
    document = result.documents[0]
    ru_text, zh_text = document.pair.ru.file.text, document.pair.zh.file.text
    rows = csv_rows(result)
    two_one = rows[1]
    first, last = document.ru_sentences[1], document.ru_sentences[2]
    assert (int(two_one["ru_start"]), int(two_one["ru_end"])) == (first.start, last.end)
    assert ru_text[first.start : last.end] == "Второе предложение.\nТретье предложение."
    assert two_one["ru_paragraph"] == "0"  # the first sentence's paragraph
    one_two = rows[2]
    first, last = document.zh_sentences[2], document.zh_sentences[3]
    assert (int(one_two["zh_start"]), int(one_two["zh_end"])) == (first.start, last.end)
    assert zh_text[first.start : last.end] == one_two["zh_text"]
    assert one_two["zh_paragraph"] == "2"


def test_csv_empty_side_gives_empty_cells(result: CorpusResult) -> None:
    rows = csv_rows(result)
    one_zero, zero_one, lonely = rows[3], rows[4], rows[5]
    for row in (one_zero, lonely):
        assert row["zh_file"] == row["zh_start"] == row["zh_end"] == row["zh_text"] == ""
        assert row["zh_paragraph"] == ""
        assert row["ru_text"] and row["ru_file"] and row["ru_start"].isdigit()
    assert one_zero["ru_text"] == "Лишнее предложение."
    assert one_zero["ru_paragraph"] == "3"
    assert zero_one["ru_file"] == zero_one["ru_start"] == zero_one["ru_end"] == ""
    assert zero_one["ru_text"] == zero_one["ru_paragraph"] == ""
    assert zero_one["zh_text"] == "多余的句子。"
    assert zero_one["zh_file"] == "news/doc.zh.txt"
    assert lonely["ru_file"] == "lonely.txt"
    assert lonely["ru_text"] == "Одинокая статья."
    assert (lonely["ru_start"], lonely["ru_end"]) == ("0", str(len("Одинокая статья.")))
    assert lonely["score"] == ""


def test_csv_keeps_control_characters(result: CorpusResult) -> None:
    data = CsvExporter().render(result)
    assert b"\x07" in data
    assert "\u00a0".encode() in data


def test_dataframe_types(result: CorpusResult) -> None:
    frame = to_dataframe(result)
    for column in ("ru_start", "ru_end", "zh_start", "zh_end", "ru_paragraph", "zh_paragraph"):
        assert str(frame[column].dtype) == "Int64"
    assert str(frame["score"].dtype) == "float64"
    assert str(frame["type"].dtype) == "category"
    assert frame.attrs["signature"] == SIGNATURE
    assert frame["zh_start"].isna().tolist() == [False, False, False, True, False, True, True]


def test_csv_sidecar(tmp_path: Path, result: CorpusResult) -> None:
    path = tmp_path / "out" / "aligned.csv"
    written = CsvExporter().write(result, path)
    sidecar = tmp_path / "out" / "aligned.meta.json"
    assert written == [path, sidecar]
    assert sidecar_path(path) == sidecar
    meta = json.loads(sidecar.read_text(encoding="utf-8"))
    assert meta["signature"] == SIGNATURE
    assert meta["columns"] == COLUMNS
    assert meta["documents"] == 2
    assert meta["skipped_files"] == [
        {"rel": "bad.bin", "reason": "holds NUL characters (binary file?)"}]
    assert path.read_bytes() == CsvExporter().render(result)


# --- TMX ---


def test_tmx_header(result: CorpusResult) -> None:
    data = TmxExporter().render(result)
    assert data.startswith(b"<?xml version='1.0' encoding='UTF-8'?>")
    tree = etree.fromstring(data).getroottree()
    assert tree.docinfo.doctype == '<!DOCTYPE tmx SYSTEM "tmx14.dtd">'
    root = tree.getroot()
    assert root.tag == "tmx"
    assert root.get("version") == "1.4"
    (header,) = root.findall("header")
    assert header.get("srclang") == "ru-RU"
    assert header.get("segtype") == "sentence"
    assert header.get("datatype") == "plaintext"
    assert header.get("creationtool") == "ruzh-aligner"
    assert header.get("creationtoolversion") == package_version()
    assert header.get("adminlang") == "en"
    assert header.get("o-tmf")
    (signature,) = header.findall("prop")
    assert signature.get("type") == "x-signature"
    assert signature.text == SIGNATURE


def test_tmx_one_tu_per_bead_with_both_sides(result: CorpusResult) -> None:
    root = tmx_root(result)
    units = root.findall("body/tu")
    # 1-1, 2-1 and 1-2; the 1-0, 0-1 and unpaired beads have nothing to translate.
    assert len(units) == 3
    for tu in units:
        tuvs = tu.findall("tuv")
        assert [tuv.get(XML_LANG) for tuv in tuvs] == ["ru-RU", "zh-CN"]
        for tuv in tuvs:
            (seg,) = tuv.findall("seg")
            assert seg.text and seg.text.strip() == seg.text
        props = {prop.get("type"): prop.text for prop in tu.findall("prop")}
        assert set(props) == {"x-doc", "x-type", "x-score", "x-status"}
        assert props["x-doc"] == "news/doc"
    props = [{p.get("type"): p.text for p in tu.findall("prop")} for tu in units]
    assert [p["x-type"] for p in props] == ["1-1", "2-1", "1-2"]
    assert [p["x-score"] for p in props] == ["0.9123", "0.7500", "0.6000"]
    segs = [[seg.text for seg in tu.iter("seg")] for tu in units]
    assert segs[0] == ["Первое предложение.", "第一句。"]
    assert segs[1] == ["Второе предложение. Третье предложение.", "第二句与第三句。"]


def test_tmx_has_no_file_prop_and_no_empty_seg(result: CorpusResult) -> None:
    root = tmx_root(result)
    assert root.xpath('//prop[@type="file"]') == []
    assert all(seg.text and seg.text.strip() for seg in root.iter("seg"))
    assert not root.xpath("//seg[not(normalize-space())]")


def test_tmx_escapes_and_keeps_no_break_space(result: CorpusResult) -> None:
    data = TmxExporter().render(result)
    assert b"&lt;5 &amp;" in data
    root = etree.fromstring(data)
    ru_seg, zh_seg = root.findall("body/tu")[2].iter("seg")
    assert ru_seg.text == 'Цена <5 & "10"> рублей,\u00a0сказал Юрий.'
    assert zh_seg.text == "价格<5 & “10”>卢布。尤里说。"


def test_tmx_drops_xml_forbidden_characters(result: CorpusResult) -> None:
    data = TmxExporter().render(result)
    assert b"\x07" not in data
    assert b"&#7;" not in data
    assert xml_safe("a\x00b\x01\x08\x0b\x0c\x0e\x1f\ufffe\uffffc\t\n\r\u00a0") == "abc\t\n\r\u00a0"


def test_tmx_skips_a_side_that_is_only_control_characters() -> None:
    text = "Только управляющие символы.\n\x01\x02\n"
    source = SourceFile(Path("/corpus/c.txt"), "c.txt", text, "utf_8")
    ru = Sentence("Только управляющие символы.", 0, 27, 0)
    zh = Sentence("\x01\x02", 28, 30, 1)
    pair = DocumentPair("c", Document("c", "ru", source, (Paragraph(0, 0, 27, "ru"),)),
                        Document("c", "zh", source, (Paragraph(1, 28, 30, "zh"),)))
    result = CorpusResult([AlignedDocument(pair, (ru,), (zh,), (Bead((0,), (0,), 0.9),))],
                          signature=SIGNATURE)
    assert tmx_root(result).findall("body/tu") == []
    (row,) = csv_rows(result)
    assert row["zh_text"] == "\x01\x02"


@pytest.mark.parametrize(("min_score", "types"), [
    (None, ["1-1", "2-1", "1-2"]),
    (0.0, ["1-1", "2-1", "1-2"]),
    (0.75, ["1-1", "2-1"]),  # inclusive
    (0.8, ["1-1"]),
    (0.95, []),
])
def test_tmx_min_score(result: CorpusResult, min_score: float | None, types: list[str]) -> None:
    root = tmx_root(result, min_score=min_score)
    found = [tu.find("prop[@type='x-type']").text for tu in root.findall("body/tu")]
    assert found == types


def test_tmx_min_score_drops_unscored_beads() -> None:
    result = _result()
    document = result.documents[0]
    result.documents[0] = AlignedDocument(document.pair, document.ru_sentences,
                                          document.zh_sentences, (Bead((0,), (0,), None),))
    assert tmx_root(result, min_score=0.1).findall("body/tu") == []


@pytest.mark.parametrize("status", ["confirmed", "edited"])
def test_tmx_min_score_never_drops_a_reviewed_bead(status: str) -> None:
    result = _result()
    document = result.documents[0]
    result.documents[0] = replace(document, beads=(
        Bead((0,), (0,), 0.1, status), Bead((1, 2), (1,), None, status),
        Bead((3,), (2, 3), 0.1, "auto")))
    root = tmx_root(result, min_score=0.9)
    kept = [{p.get("type"): p.text for p in tu.findall("prop")} for tu in root.findall("body/tu")]
    assert [(p["x-type"], p["x-status"]) for p in kept] == [("1-1", status), ("2-1", status)]


def test_status_column_and_prop_carry_each_beads_status() -> None:
    result = _result()
    document = result.documents[0]
    result.documents[0] = replace(document, beads=(
        Bead((0,), (0,), 0.9, "confirmed"), Bead((1, 2), (1,), None, "edited"),
        Bead((3,), (2, 3), 0.6)))
    assert [row["status"] for row in csv_rows(result)][:3] == ["confirmed", "edited", "auto"]
    units = tmx_root(result).findall("body/tu")
    statuses = [tu.find("prop[@type='x-status']").text for tu in units]
    assert statuses == ["confirmed", "edited", "auto"]


# --- determinism and files ---


@pytest.mark.parametrize("name", sorted(EXPORTERS))
def test_render_is_deterministic(name: str) -> None:
    exporter = EXPORTERS[name]()
    first = exporter.render(_result())
    assert first == exporter.render(_result())
    assert first == EXPORTERS[name]().render(_result())


def test_bead_rows_follow_document_then_bead_order(result: CorpusResult) -> None:
    rows = list(bead_rows(result))
    assert [(row.doc, row.type) for row in rows] == [
        ("news/doc", "1-1"), ("news/doc", "2-1"), ("news/doc", "1-2"), ("news/doc", "1-0"),
        ("news/doc", "0-1"), ("lonely", "1-0"), ("lonely", "1-0")]
    assert rows[4].ru_start is None and rows[4].ru_paragraph is None
    assert rows[5].score is None


def test_write_leaves_no_temporary_files(tmp_path: Path, result: CorpusResult) -> None:
    out = tmp_path / "new" / "folder"
    CsvExporter().write(result, out / "a.csv")
    assert TmxExporter().write(result, out / "a.tmx") == [out / "a.tmx"]
    # Overwriting is atomic too.
    CsvExporter().write(result, out / "a.csv")
    TmxExporter().write(result, out / "a.tmx")
    assert sorted(os.listdir(out)) == ["a.csv", "a.meta.json", "a.tmx"]
    assert (out / "a.tmx").read_bytes() == TmxExporter().render(result)


def test_failed_write_leaves_no_temporary_file(tmp_path: Path, result: CorpusResult,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "a.tmx").write_bytes(b"old")

    def broken_replace(source: object, target: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        TmxExporter().write(result, tmp_path / "a.tmx")
    assert sorted(os.listdir(tmp_path)) == ["a.tmx"]
    assert (tmp_path / "a.tmx").read_bytes() == b"old"


# --- streamed outputs: the same bytes as the whole-result rendering ---


STREAMED = [OutputSpec("csv", "a.csv"), OutputSpec("tmx", "a.tmx"),
            OutputSpec("tmx", "b.tmx", {"min_score": 0.8}), OutputSpec("jsonl", "a.jsonl"),
            OutputSpec("moses", "a.ru.txt"), OutputSpec("html", "a.html", {"low_score": 0.7}),
            OutputSpec("xlsx", "a.xlsx"), OutputSpec("parquet", "a.parquet")]


@pytest.mark.parametrize("documents", [slice(None), slice(0, 1), slice(1, None), slice(0, 0)])
def test_streamed_outputs_are_the_rendered_bytes(tmp_path: Path, result: CorpusResult,
                                                 documents: slice) -> None:
    result = replace(result, documents=result.documents[documents])
    outputs = StagedOutputs(tmp_path, STREAMED, result.signature)
    for document in result.documents:
        outputs.add(document)
    outputs.commit(replace(result, documents=[]))
    for spec in STREAMED:
        assert (tmp_path / spec.file).read_bytes() == spec.exporter().render(result), spec
    assert (tmp_path / "a.zh.txt").read_bytes() == MosesExporter().render_side(result, "zh")
    meta = json.loads(sidecar_path(tmp_path / "a.csv").read_text(encoding="utf-8"))
    assert meta["documents"] == len(result.documents)
    assert meta["skipped_files"] == [{"rel": "bad.bin",
                                      "reason": "holds NUL characters (binary file?)"}]
    assert not [name for name in os.listdir(tmp_path) if name.startswith(".")]


def test_a_run_stopped_midway_leaves_only_the_previous_files(tmp_path: Path,
                                                             result: CorpusResult) -> None:
    (tmp_path / "a.csv").write_bytes(b"old")
    outputs = StagedOutputs(tmp_path, STREAMED, result.signature)
    outputs.add(result.documents[0])
    outputs.discard()  # what the command does when it is interrupted
    assert sorted(os.listdir(tmp_path)) == ["a.csv"]
    assert (tmp_path / "a.csv").read_bytes() == b"old"
