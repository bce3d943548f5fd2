"""The whole product on the sample corpus, the way a user runs it: the command, its files,
and the clients that read them (a DTD validator and OmegaT itself)."""

from __future__ import annotations

import contextlib
import dataclasses
import io
import itertools
import shutil
import subprocess
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from lxml import etree
from omegat import OMEGAT_JAR, fill_from_tmx, omegat_available

from aligner.cli import main
from aligner.language import label_paragraphs

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO / "corpus"
ARTICLE = "002_9e5125a431169a21.txt"
RUSSIAN_ONLY = "000_ab770fffd2190f8e"
NEW_FORMATS = ["-f", "xlsx", "-f", "moses", "-f", "jsonl"]
NEW_FILES = ["aligned.xlsx", "aligned.ru.txt", "aligned.zh.txt", "aligned.moses.meta.json",
             "aligned.jsonl"]
CSV_COLUMNS = ["doc", "ru_file", "zh_file", "ru_start", "ru_end", "zh_start", "zh_end",
               "ru_text", "zh_text", "score", "type", "ru_paragraph", "zh_paragraph",
               "ru_locator", "zh_locator"]


@pytest.fixture(scope="module")
def run_output(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    out = tmp_path_factory.mktemp("out")
    stdout = io.StringIO()
    with contextlib.redirect_stdout(stdout):
        status = main(["run", str(CORPUS), "-o", str(out), "--no-progress", *NEW_FORMATS])
    assert status == 0
    return out, stdout.getvalue()


@pytest.fixture(scope="module")
def table(run_output: tuple[Path, str]) -> pd.DataFrame:
    return pd.read_csv(run_output[0] / "aligned.csv", keep_default_na=False)


def test_writes_both_files_with_the_agreed_columns(run_output: tuple[Path, str],
                                                   table: pd.DataFrame) -> None:
    out, _ = run_output
    assert (out / "aligned.tmx").stat().st_size > 0
    assert list(table.columns) == CSV_COLUMNS


def test_sample_pairs_and_the_unaligned_date_line(table: pd.DataFrame) -> None:
    moscow = table[table.ru_text == "МОСКВА, 4 фев - CRMtv."]
    assert list(moscow.zh_text) == ["莫斯科,2月4日-CRMtv。"]
    assert list(moscow.type) == ["1-1"]
    date = table[table.ru_text == "04 ФЕВРАЛЯ 2026, 16:40"]
    assert list(date.type) == ["1-0"] and list(date.zh_text) == [""]
    zh_title = "重要细节:乌沙科夫讲述了弗拉基米尔*普京和习近平谈了一个半小时的事情"
    title = table[table.zh_text == zh_title]
    assert list(title.ru_text) == [
        "Важные детали: Ушаков рассказал, о чем полтора часа говорили Владимир Путин и Си Цзиньпин"
        " - АУДИО"]


def test_unpaired_article_is_reported_and_kept(run_output: tuple[Path, str],
                                               table: pd.DataFrame) -> None:
    _, printed = run_output
    assert "unpaired:          1" in printed
    assert f"{RUSSIAN_ONLY} (ru," in printed
    rows = table[table.doc == RUSSIAN_ONLY]
    assert len(rows) > 10
    assert set(rows.type) == {"1-0"} and set(rows.zh_file) == {""}
    assert set(rows.ru_file) == {f"{RUSSIAN_ONLY}.txt"}


def test_offsets_point_at_the_text_in_the_file(table: pd.DataFrame) -> None:
    """Every character of every paragraph is covered once; single sentences match exactly."""
    for file_column, lang in (("ru_file", "ru"), ("zh_file", "zh")):
        start, end, text_column = f"{lang}_start", f"{lang}_end", f"{lang}_text"
        for name, rows in table[table[file_column] != ""].groupby(file_column):
            text = (CORPUS / name).read_text(encoding="utf-8")
            spans = sorted(zip(rows[start].astype(int), rows[end].astype(int), strict=True))
            assert all(a < b <= c for (a, b), (c, _) in itertools.pairwise(spans))
            covered = "".join(text[a:b] for a, b in spans)
            paragraphs = label_paragraphs(text)
            expected = "".join(text[p.start : p.end] for p in paragraphs if p.lang == lang)
            assert "".join(covered.split()) == "".join(expected.split())
            for row in rows[~rows.type.str.startswith("2")].itertuples():
                if getattr(row, text_column) and row.type[0 if lang == "ru" else 2] == "1":
                    assert text[int(getattr(row, start)):int(getattr(row, end))] == getattr(
                        row, text_column)


def test_no_break_space_survives_into_both_outputs(run_output: tuple[Path, str],
                                                   table: pd.DataFrame) -> None:
    out, _ = run_output
    assert table.ru_text.str.contains("Юрий\u00a0Ушаков").any()
    assert "Юрий\u00a0Ушаков" in (out / "aligned.tmx").read_text(encoding="utf-8")


def test_signature_recorded_in_tmx_header_and_csv_sidecar(run_output: tuple[Path, str]) -> None:
    out, _ = run_output
    tree = etree.parse(str(out / "aligned.tmx"))
    signature = tree.findtext("header/prop[@type='x-signature']")
    assert signature.startswith("ruzh-aligner:") and "enc:use-m3@0.2.1" in signature
    assert f'"signature": "{signature}"' in (out / "aligned.meta.json").read_text()


def test_same_input_gives_identical_bytes(run_output: tuple[Path, str], tmp_path: Path) -> None:
    out, _ = run_output
    assert main(["run", str(CORPUS), "-o", str(tmp_path), "--no-progress", *NEW_FORMATS]) == 0
    for name in ("aligned.csv", "aligned.tmx", *NEW_FILES):
        assert (tmp_path / name).read_bytes() == (out / name).read_bytes()


def test_review_workbook_moses_and_jsonl_hold_the_csv_beads(run_output: tuple[Path, str],
                                                            table: pd.DataFrame) -> None:
    import json

    from aligner.export.xlsx import read_review_rows

    out, printed = run_output
    for name in NEW_FILES:
        assert f"wrote {out / name}" in printed
    sheet = read_review_rows(out / "aligned.xlsx")
    assert [row.ru_text or "" for row in sheet.rows] == table.ru_text.tolist()
    assert sheet.signature == json.loads((out / "aligned.meta.json").read_text())["signature"]
    header, *records = [json.loads(line) for line in
                        (out / "aligned.jsonl").read_text(encoding="utf-8").splitlines()]
    assert header["signature"] == sheet.signature
    assert [r["zh_text"] for r in records] == table.zh_text.tolist()
    both = table[(table.ru_text != "") & (table.zh_text != "")]
    ru = (out / "aligned.ru.txt").read_text(encoding="utf-8").splitlines()
    zh = (out / "aligned.zh.txt").read_text(encoding="utf-8").splitlines()
    assert (ru, zh) == (both.ru_text.tolist(), both.zh_text.tolist())
    # the sample's date line is left unaligned, so it is in no MT training pair
    assert "04 ФЕВРАЛЯ 2026, 16:40" not in ru and "МОСКВА, 4 фев - CRMtv." in ru


def _omegat_dtd() -> etree.DTD:
    with zipfile.ZipFile(OMEGAT_JAR) as jar:
        return etree.DTD(jar.open("schemas/tmx14.dtd"))


@pytest.mark.skipif(not OMEGAT_JAR.is_file(), reason=f"OmegaT not installed ({OMEGAT_JAR})")
def test_tmx_is_valid_against_the_tmx14_dtd(run_output: tuple[Path, str]) -> None:
    dtd = _omegat_dtd()
    tree = etree.parse(str(run_output[0] / "aligned.tmx"))
    assert dtd.validate(tree), dtd.error_log.filter_from_errors()
    tus = tree.findall("body/tu")
    assert len(tus) >= 20
    assert not tree.xpath("//prop[@type='file']")
    assert all(seg.text and seg.text.strip() for seg in tree.iter("seg"))


@pytest.mark.slow
@pytest.mark.parametrize(("segmentation", "at_least"), [("default", 20), ("srx", 28)])
def test_omegat_fills_the_sample_article_from_our_tmx(
        run_output: tuple[Path, str], tmp_path: Path, segmentation: str, at_least: int) -> None:
    """OmegaT, given the article's Russian paragraphs, inserts our Chinese as 100 % matches.

    With ``--segmentation srx`` our units are OmegaT's own segments, so at least 75 % of
    the 37 must fill (the dateline and a few attribution lines have no Chinese sentence).
    """
    reason = omegat_available()
    if reason:
        pytest.skip(reason)
    tmx = run_output[0] / "aligned.tmx"
    if segmentation != "default":
        assert main(["run", str(CORPUS), "-o", str(tmp_path), "--no-progress",
                     "--segmentation", segmentation]) == 0
        tmx = tmp_path / "aligned.tmx"
    text = (CORPUS / ARTICLE).read_text(encoding="utf-8")
    russian = "\n\n".join(text[p.start:p.end] for p in label_paragraphs(text) if p.lang == "ru")
    result = fill_from_tmx(tmx, russian + "\n")
    print(f"OmegaT filled {result.filled}/{result.total} segments "
          f"({result.filled / result.total:.0%}) from our TMX, {segmentation} segmentation")
    assert not result.rejected
    assert result.total == 37
    assert result.filled >= at_least


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) not installed")
def test_sample_workbook_saved_by_libreoffice_reads_back_into_the_same_beads(
        tmp_path: Path) -> None:
    """The translator's round trip on real text: confirm a row, save in LibreOffice, read."""
    import openpyxl

    from aligner.config import RunConfig
    from aligner.embed.cache import default_cache_dir
    from aligner.export import XlsxExporter
    from aligner.export.xlsx import BEADS_SHEET, COLUMN_NAMES, read_review_workbook
    from aligner.pipeline import align_corpus_dir

    result = align_corpus_dir(CORPUS, RunConfig(cache_dir=default_cache_dir()), progress=False)
    path = XlsxExporter().write(result, tmp_path / "aligned.xlsx")[0]
    book = openpyxl.load_workbook(path)
    book[BEADS_SHEET].cell(row=2, column=COLUMN_NAMES.index("status") + 1).value = "confirmed"
    book.save(path)
    out = tmp_path / "lo"
    completed = subprocess.run(
        ["soffice", f"-env:UserInstallation={(out / 'profile').as_uri()}", "--headless",
         "--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", str(out), str(path)],
        capture_output=True, text=True, timeout=180, check=False)
    assert completed.returncode == 0, completed.stderr
    review = read_review_workbook(out / "aligned.xlsx", result.documents)
    first = result.documents[0]
    assert review.documents[0].beads[0] == dataclasses.replace(first.beads[0], status="confirmed")
    assert [d.beads[1:] for d in review.documents] == [d.beads[1:] for d in result.documents]
    assert review.signature == result.signature
