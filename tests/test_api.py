"""The researcher's API: align_corpus, align_pair, read_tmx, Parquet, and their docstrings."""

from __future__ import annotations

import doctest
import io
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest
from test_export import _result

import aligner
import aligner.api
import aligner.export.parquet
import aligner.export.tmx_reader
from aligner.config import AlignerSettings, RunConfig
from aligner.embed import Encoder, get_encoder
from aligner.export import EXPORTERS, CsvExporter, ParquetExporter, TmxExporter, to_dataframe
from aligner.export.table import COLUMNS
from aligner.export.tmx import xml_safe
from aligner.model import CorpusResult
from aligner.pipeline import align_corpus_dir

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO / "corpus"
CSV_COLUMNS = ["doc", "ru_file", "zh_file", "ru_start", "ru_end", "zh_start", "zh_end",
               "ru_text", "zh_text", "score", "type", "ru_paragraph", "zh_paragraph",
               "ru_locator", "zh_locator"]
INT_COLUMNS = ["ru_start", "ru_end", "zh_start", "zh_end", "ru_paragraph", "zh_paragraph"]
TEXT_COLUMNS = ["doc", "ru_file", "zh_file", "ru_text", "zh_text"]

RU = ("Президент России провёл переговоры с председателем КНР. Стороны обсудили торговлю.\n"
      "\n"
      "Погода в Москве сегодня солнечная.\n"
      "Встреча продлилась полтора часа.\n")
ZH = "俄罗斯总统与中国国家主席举行了会谈。双方讨论了贸易。\n会谈持续了一个半小时。"


def assert_bead_dtypes(frame: pd.DataFrame) -> None:
    assert list(frame.columns) == CSV_COLUMNS
    for column in INT_COLUMNS:
        assert frame[column].dtype == "Int64", column
    for column in TEXT_COLUMNS:
        assert pd.api.types.is_string_dtype(frame[column]), column
    assert frame["score"].dtype == "float64"
    assert isinstance(frame["type"].dtype, pd.CategoricalDtype)


@pytest.fixture(scope="module")
def encoder() -> Encoder:
    return get_encoder("use")


@pytest.fixture(scope="module")
def pair_frame(encoder: Encoder) -> pd.DataFrame:
    return aligner.align_pair(RU, ZH, encoder=encoder)


@pytest.fixture(scope="module")
def corpus_result(encoder: Encoder) -> CorpusResult:
    """The pipeline's own run, which the CLI writes to CSV and TMX."""
    return align_corpus_dir(CORPUS, RunConfig(), encoder=encoder)


@pytest.fixture(scope="module")
def corpus_frame(encoder: Encoder) -> pd.DataFrame:
    return aligner.align_corpus(CORPUS, encoder=encoder)


# --- options ---


@pytest.mark.parametrize(("call", "option"), [
    (lambda: aligner.align_corpus(CORPUS, nul_cost=0.3), "nul_cost"),
    (lambda: aligner.align_corpus(CORPUS, output="out"), "output"),
    (lambda: aligner.align_pair(RU, ZH, progress=True), "progress"),
    (lambda: aligner.align_pair(RU, ZH, min_score=0.8), "min_score"),
])
def test_unknown_option_is_a_type_error_naming_it(call, option: str) -> None:
    with pytest.raises(TypeError, match=f"unexpected option '{option}'"):
        call()


def test_aligner_settings_as_an_object_a_dict_or_flat() -> None:
    settings = AlignerSettings(null_cost=0.6)
    for options in ({"aligner": settings}, {"aligner": {"null_cost": 0.6}}, {"null_cost": 0.6},
                    {"aligner": AlignerSettings(null_cost=0.1), "null_cost": 0.6}):
        config, encoder = aligner.api._run_config("test", options)
        assert config.aligner == settings and encoder is None
    config, _ = aligner.api._run_config("test", {"presplit": True, "laser_dir": "~/laser"})
    assert config.presplit and config.laser_dir == Path("~/laser")


def test_a_near_miss_option_gets_a_suggestion() -> None:
    with pytest.raises(TypeError, match="did you mean 'null_cost'"):
        aligner.align_pair(RU, ZH, nul_cost=0.3)


@pytest.mark.slow
def test_options_reach_the_run_config(encoder: Encoder) -> None:
    frame = aligner.align_pair(RU, ZH, encoder=encoder, presplit=True, null_cost=0.7,
                               max_ru=3)
    signature = frame.attrs["signature"]
    assert "|presplit:yes|" in signature
    assert "null_cost=0.7," in signature and "max_ru=3," in signature
    assert "paragraph_penalty=0.0," in signature  # presplit's effective settings
    srx = aligner.align_pair(RU, ZH, encoder=encoder, segmentation="srx")
    assert "|split:ru=srx-ruzh@" in srx.attrs["signature"]
    # one sentence per line: the first line, two sentences, is never cut
    assert frame.ru_text.iloc[0].startswith(RU.splitlines()[0])
    assert sum(int(bead_type.split("-")[0]) for bead_type in frame.type) == 3


# --- align_pair ---


@pytest.mark.slow
def test_align_pair_types_and_signature(pair_frame: pd.DataFrame) -> None:
    assert_bead_dtypes(pair_frame)
    assert pair_frame.attrs["signature"].startswith("ruzh-aligner:")
    assert "|enc:use-m3@" in pair_frame.attrs["signature"]
    assert set(pair_frame.doc) == {aligner.api.PAIR_DOC_ID} == {"pair"}
    assert set(pair_frame.ru_file) == {"ru"} and set(pair_frame.zh_file) == {"zh", ""}
    assert pair_frame.attrs["skipped_files"] == []


@pytest.mark.slow
def test_align_pair_aligns_a_known_pair_and_leaves_the_extra_sentence(
        pair_frame: pd.DataFrame) -> None:
    rows = {row.ru_text: row for row in pair_frame.itertuples()}
    trade = rows["Стороны обсудили торговлю."]
    assert (trade.zh_text, trade.type) == ("双方讨论了贸易。", "1-1")
    assert trade.score > 0.5
    weather = rows["Погода в Москве сегодня солнечная."]
    assert (weather.zh_text, weather.type, weather.zh_file) == ("", "1-0", "")
    assert pd.isna(weather.zh_start) and pd.isna(weather.zh_paragraph)
    assert weather.ru_paragraph == 1  # the blank line is no paragraph
    assert list(pair_frame.type) == ["1-1", "1-1", "1-0", "1-1"]


@pytest.mark.slow
def test_align_pair_offsets_point_into_the_strings(pair_frame: pd.DataFrame) -> None:
    for row in pair_frame.itertuples():
        assert RU[row.ru_start:row.ru_end] == row.ru_text
        if row.zh_text:
            assert ZH[row.zh_start:row.zh_end] == row.zh_text


@pytest.mark.slow
def test_align_pair_with_one_empty_text_lists_the_other_unaligned(encoder: Encoder) -> None:
    frame = aligner.align_pair("", ZH, encoder=encoder)
    assert_bead_dtypes(frame)
    assert list(frame.type) == ["0-1"] * 3
    assert frame.score.isna().all() and set(frame.ru_file) == {""}


@pytest.mark.slow
def test_align_pair_keeps_a_line_of_the_other_script_on_its_side(encoder: Encoder) -> None:
    frame = aligner.align_pair("Си Цзиньпин сказал.\n习近平\n", "习近平说。", encoder=encoder)
    assert "习近平" in "".join(frame.ru_text)
    assert "".join(frame.zh_text) == "习近平说。"


def test_align_pair_refuses_swapped_texts() -> None:
    with pytest.raises(ValueError, match="swapped"):
        aligner.align_pair(ZH, RU)
    with pytest.raises(ValueError, match="no Han text"):
        aligner.align_pair(RU, "only Latin letters")


# --- align_corpus ---


@pytest.mark.slow
def test_align_corpus_is_the_csv_as_a_typed_frame(corpus_frame: pd.DataFrame,
                                                  corpus_result: CorpusResult) -> None:
    assert_bead_dtypes(corpus_frame)
    assert COLUMNS == CSV_COLUMNS
    assert corpus_frame.attrs["signature"] == corpus_result.signature
    assert corpus_frame.attrs["signature"].startswith("ruzh-aligner:")
    csv_text = CsvExporter().render(corpus_result).decode("utf-8")
    assert corpus_frame.to_csv(index=False, float_format="%.4f", lineterminator="\n") == csv_text
    csv_frame = pd.read_csv(io.StringIO(csv_text), keep_default_na=False)
    assert list(csv_frame.columns) == list(corpus_frame.columns)
    assert len(csv_frame) == len(corpus_frame) > 0
    assert set(corpus_frame.type) >= {"1-1", "1-0"}
    assert corpus_frame.score[corpus_frame.doc == "000_ab770fffd2190f8e"].isna().all()


def test_align_corpus_on_a_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(NotADirectoryError):
        aligner.align_corpus(tmp_path / "nowhere", encoder=_NeverEncoder())


def test_align_corpus_reports_skipped_files(tmp_path: Path) -> None:
    (tmp_path / "bad.txt").write_bytes(b"\x00\x01binary")
    (tmp_path / "a.ru.txt").write_text("Одинокая статья.\n", encoding="utf-8")
    with pytest.warns(UserWarning, match=r"skipped 1 file\(s\): bad.txt"):
        frame = aligner.align_corpus(tmp_path, encoder=_NeverEncoder())
    assert [problem["rel"] for problem in frame.attrs["skipped_files"]] == ["bad.txt"]
    assert list(frame.type) == ["1-0"] and "|enc:never@0|" in frame.attrs["signature"]


class _NeverEncoder(Encoder):
    """An encoder for runs where nothing is paired, so nothing may be encoded."""

    name = "never"
    dimension = 1
    signature = "never@0"

    def _encode_batch(self, texts: list[str]):
        raise AssertionError("nothing should be encoded")


# --- read_tmx ---


def _expected_tmx_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """What our TmxExporter keeps of a frame: beads with text on both sides, XML-safe."""
    kept = frame[(frame.ru_text.map(xml_safe).str.strip() != "")
                 & (frame.zh_text.map(xml_safe).str.strip() != "")]
    return kept.reset_index(drop=True)


def _assert_tmx_matches(tmx: pd.DataFrame, frame: pd.DataFrame) -> None:
    expected = _expected_tmx_rows(frame)
    assert list(tmx.columns) == ["doc", "ru_text", "zh_text", "score", "type"]
    assert list(tmx.doc) == list(expected.doc)
    assert list(tmx.ru_text) == [xml_safe(text).strip() for text in expected.ru_text]
    assert list(tmx.zh_text) == [xml_safe(text).strip() for text in expected.zh_text]
    assert list(tmx.type) == list(expected.type)
    assert tmx.score.round(4).tolist() == expected.score.round(4).tolist()
    assert tmx.score.dtype == "float64" and isinstance(tmx.type.dtype, pd.CategoricalDtype)
    assert tmx.attrs["signature"] == frame.attrs["signature"]


def test_read_tmx_round_trips_our_tmx_of_awkward_text(tmp_path: Path) -> None:
    result = _result()  # control characters, markup characters, no-break spaces
    path = tmp_path / "aligned.tmx"
    TmxExporter().write(result, path)
    _assert_tmx_matches(aligner.read_tmx(path), to_dataframe(result))
    _assert_tmx_matches(aligner.read_tmx(str(path)), to_dataframe(result))


@pytest.mark.slow
def test_read_tmx_round_trips_our_tmx_of_the_corpus(tmp_path: Path,
                                                    corpus_result: CorpusResult) -> None:
    path = tmp_path / "aligned.tmx"
    TmxExporter().write(corpus_result, path)
    tmx = aligner.read_tmx(path)
    _assert_tmx_matches(tmx, to_dataframe(corpus_result))
    assert len(tmx) > 10 and tmx.score.notna().all()


FOREIGN_TMX = """<?xml version="1.0" encoding="UTF-16"?>
<!DOCTYPE tmx SYSTEM "http://example.invalid/tmx14.dtd">
<tmx version="1.4">
  <header creationtool="OtherTool" creationtoolversion="1" segtype="sentence" o-tmf="x"
          adminlang="en-US" srclang="ru" datatype="plaintext">
    <prop type="x-project">news</prop>
  </header>
  <body>
    <tu tuid="1"><prop type="x-note">checked</prop>
      <tuv xml:lang="ru">
        <seg>Да, <bpt i="1">&lt;b&gt;</bpt>конечно<ept i="1">&lt;/b&gt;</ept>.</seg>
      </tuv>
      <tuv xml:lang="zh-CN"><seg>是的，<hi>当然</hi>。</seg></tuv>
      <tuv xml:lang="en-US"><seg>Yes, of course.</seg></tuv>
    </tu>
    <tu>
      <tuv xml:lang="en"><seg>Only English.</seg></tuv><tuv xml:lang="de"><seg>Nur.</seg></tuv>
    </tu>
    <tu>
      <tuv xml:lang="RU-ru"><seg>Спасибо.</seg></tuv>
      <tuv lang="ZH_tw"><seg>謝謝。</seg></tuv>
    </tu>
    <tu><tuv xml:lang="zh-Hans"><seg>只有中文。</seg></tuv></tu>
  </body>
</tmx>
"""


def test_read_tmx_of_another_tool(tmp_path: Path) -> None:
    path = tmp_path / "other.tmx"
    path.write_bytes(FOREIGN_TMX.encode("utf-16"))
    tmx = aligner.read_tmx(path)
    assert tmx[["ru_text", "zh_text"]].values.tolist() == [
        ["Да, конечно.", "是的，当然。"], ["Спасибо.", "謝謝。"], ["", "只有中文。"]]
    assert tmx.score.isna().all() and tmx.type.isna().all() and tmx.doc.isna().all()
    assert tmx.score.dtype == "float64" and isinstance(tmx.type.dtype, pd.CategoricalDtype)
    # the text dtype to_dataframe's columns have: "str" from pandas 3 on, object before
    assert tmx.doc.dtype == tmx.ru_text.dtype == pd.Series(["text"]).dtype
    assert "signature" not in tmx.attrs


def test_read_tmx_in_a_namespace_with_our_props() -> None:
    tmx = aligner.read_tmx(io.BytesIO(
        '<tmx xmlns="urn:example:tmx" version="1.4"><header>'
        '<prop type="x-signature">sig</prop></header><body><tu>'
        '<prop type="x-doc">d</prop><prop type="x-type">1-1</prop>'
        '<prop type="x-score">0.8125</prop>'
        '<tuv xml:lang="zh-CN"><seg>你好。</seg></tuv>'
        '<tuv xml:lang="ru-RU"><seg>Привет.</seg></tuv>'
        '</tu></body></tmx>'.encode()))
    assert tmx.values.tolist() == [["d", "Привет.", "你好。", 0.8125, "1-1"]]
    assert tmx.attrs == {"signature": "sig"}


def test_read_tmx_of_an_empty_body() -> None:
    tmx = aligner.read_tmx(io.BytesIO(b'<tmx version="1.4"><header/><body/></tmx>'))
    assert tmx.empty and list(tmx.columns) == ["doc", "ru_text", "zh_text", "score", "type"]


# --- Parquet ---


def test_parquet_is_registered() -> None:
    assert EXPORTERS["parquet"] is ParquetExporter
    assert (ParquetExporter.name, ParquetExporter.suffix) == ("parquet", ".parquet")


def test_parquet_round_trips_the_frame_and_signature(tmp_path: Path) -> None:
    result = _result()
    path = tmp_path / "aligned.parquet"
    assert ParquetExporter().write(result, path) == [path]
    expected = to_dataframe(result)
    back = pd.read_parquet(path)
    pd.testing.assert_frame_equal(back, expected)
    assert back.attrs["signature"] == result.signature
    metadata = pq.read_schema(path).metadata
    assert metadata[b"ruzh_aligner.signature"] == result.signature.encode()
    assert aligner.read_signature(path) == result.signature


@pytest.mark.slow
def test_write_parquet_of_a_filtered_corpus_frame(tmp_path: Path,
                                                  corpus_frame: pd.DataFrame) -> None:
    confident = corpus_frame[corpus_frame.score >= 0.8]
    path = aligner.write_parquet(confident, tmp_path / "confident.parquet")
    back = pd.read_parquet(path)
    pd.testing.assert_frame_equal(back, confident.reset_index(drop=True))
    assert back.attrs == corpus_frame.attrs
    assert aligner.read_signature(path) == corpus_frame.attrs["signature"]


def test_parquet_bytes_are_the_same_in_another_process() -> None:
    here = ParquetExporter().render(_result())
    script = ("import sys; sys.path.insert(0, sys.argv[1]); from test_export import _result; "
              "from aligner.export.parquet import ParquetExporter; "
              "sys.stdout.buffer.write(ParquetExporter().render(_result()))")
    there = subprocess.run([sys.executable, "-c", script, str(Path(__file__).parent)],
                           capture_output=True, check=True,
                           env={**os.environ, "PYTHONHASHSEED": "7"}).stdout
    assert here == there


# --- the docstrings' examples ---


@pytest.mark.parametrize("module", [aligner.export.tmx_reader, aligner.export.parquet])
def test_docstring_examples(module) -> None:
    failures, tried = doctest.testmod(module, raise_on_error=False, verbose=False)
    assert tried > 0 and failures == 0


@pytest.mark.slow
def test_align_pair_docstring_example() -> None:
    failures, tried = doctest.testmod(aligner.api, raise_on_error=False, verbose=False)
    assert tried > 0 and failures == 0
