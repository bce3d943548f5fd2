"""The review workbook: its layout, text that is never a formula, LibreOffice opening it,
and reading an edited workbook back into beads (every edit the sheet allows, every error)."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest
from test_export import SIGNATURE, _file, _result

from aligner.export import XlsxExporter, keyed_rows
from aligner.export.xlsx import (
    BEADS_SHEET,
    COLUMN_NAMES,
    HELP_SHEET,
    HOW_TO_EDIT,
    ReviewWorkbookError,
    _fill_colour,
    read_review_rows,
    read_review_workbook,
)
from aligner.model import (
    AlignedDocument,
    Bead,
    CorpusResult,
    Document,
    DocumentPair,
)

SOFFICE = shutil.which("soffice")
FORMULA_LIKE = ["=1+1", "+7 495 123", "-5 градусов", "@всем"]


@pytest.fixture
def result() -> CorpusResult:
    return _result()


@pytest.fixture
def workbook_path(tmp_path: Path, result: CorpusResult) -> Path:
    path = tmp_path / "aligned.xlsx"
    XlsxExporter().write(result, path)
    return path


def formula_result() -> CorpusResult:
    """One document whose Russian sentences start with the characters that start formulas."""
    ru_file, ru_sentences, ru_paragraphs, _ = _file(
        "f.ru.txt", [(i, text) for i, text in enumerate(FORMULA_LIKE)], {})
    zh_file, zh_sentences, zh_paragraphs, _ = _file(
        "f.zh.txt", [(i, f"={i}") for i in range(len(FORMULA_LIKE))], {})
    pair = DocumentPair("f", Document("f", "ru", ru_file, ru_paragraphs),
                        Document("f", "zh", zh_file, zh_paragraphs))
    beads = tuple(Bead((i,), (i,), 0.9) for i in range(len(FORMULA_LIKE)))
    return CorpusResult([AlignedDocument(pair, ru_sentences, zh_sentences, beads)],
                        signature="=SIGNATURE")


def sheet_values(path: Path) -> list[list[object]]:
    book = openpyxl.load_workbook(path)
    return [list(row) for row in book[BEADS_SHEET].iter_rows(values_only=True)]


def edit(path: Path, changes: dict[tuple[int, str], str | None], *,
         insert_after: int | None = None) -> Path:
    """Edit the Beads sheet as a translator would: cells by (row, column name), and maybe
    one inserted row (below ``insert_after``, before the changes are applied)."""
    book = openpyxl.load_workbook(path)
    sheet = book[BEADS_SHEET]
    if insert_after is not None:
        sheet.insert_rows(insert_after + 1)
    for (row, name), value in changes.items():
        sheet.cell(row=row, column=COLUMN_NAMES.index(name) + 1).value = value
    book.save(path)
    return path


def problems(path: Path, result: CorpusResult) -> list[str]:
    with pytest.raises(ReviewWorkbookError) as error:
        read_review_workbook(path, result.documents)
    assert str(path) in str(error.value)
    return error.value.problems


# --- the sheet as written ---


def test_one_row_per_bead_with_ids_texts_and_status(workbook_path: Path,
                                                    result: CorpusResult) -> None:
    rows = sheet_values(workbook_path)
    assert rows[0] == COLUMN_NAMES
    keyed = list(keyed_rows(result))
    assert len(rows) == 1 + len(keyed)
    document = result.documents[0]
    assert rows[2] == [
        "news/doc/ru:20-39", "news/doc", "ru:20-39 ru:40-59", "zh:5-13",
        "Второе предложение. Третье предложение.", "第二句与第三句。", 0.75, "2-1", "auto"]
    assert rows[2][0] == document.bead_id(document.beads[1])
    assert rows[5][:4] == ["news/doc/zh:35-41", "news/doc", None, "zh:35-41"]  # 0-1 bead
    assert rows[6][6] is None  # an unpaired document's bead has no score
    for row, key in zip(rows[1:], keyed, strict=True):
        assert (row[0], row[2] or "", row[3] or "", row[8]) == (
            key.bead_id, " ".join(key.ru_ids), " ".join(key.zh_ids), key.status)


def test_layout_frozen_header_wrapped_text_widths_filter(workbook_path: Path) -> None:
    sheet = openpyxl.load_workbook(workbook_path)[BEADS_SHEET]
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:I8"
    widths = {letter: sheet.column_dimensions[letter].width for letter in "ABCDEFGHI"}
    assert widths["E"] > widths["A"] > widths["G"]
    assert sheet["E2"].alignment.wrap_text and sheet["F2"].alignment.wrap_text
    assert not sheet["G2"].alignment.wrap_text
    assert sheet["A1"].font.bold


def test_confidence_is_the_fill_colour(workbook_path: Path) -> None:
    sheet = openpyxl.load_workbook(workbook_path)[BEADS_SHEET]
    colour = {row: sheet[f"E{row}"].fill.fgColor.rgb[-6:] for row in range(2, 9)}
    # rows 2-4 have both sides, scores 0.91, 0.75, 0.6: the report's steps 9, 7, 6
    assert [colour[row] for row in (2, 3, 4)] == [_fill_colour(9), _fill_colour(7),
                                                   _fill_colour(6)]
    assert len(set(colour[row] for row in (2, 3, 4))) == 3
    red, green = (int(_fill_colour(0)[i:i + 2], 16) for i in (0, 2))
    assert red > green  # the lowest step is reddish
    red, green = (int(_fill_colour(9)[i:i + 2], 16) for i in (0, 2))
    assert green > red  # the highest greenish
    assert colour[5] == colour[6] == "EEF1FA"  # 1-0 and 0-1: unaligned, as in the report
    assert sheet["E7"].fill.fill_type is None  # unscored (unpaired document): no colour
    assert sheet["A3"].fill.fgColor.rgb[-6:] == colour[3]  # the whole row carries it


def test_text_that_looks_like_a_formula_stays_text(tmp_path: Path) -> None:
    path = tmp_path / "f.xlsx"
    XlsxExporter().write(formula_result(), path)
    sheet = openpyxl.load_workbook(path)[BEADS_SHEET]
    for row, text in enumerate(FORMULA_LIKE, 2):
        cell = sheet[f"E{row}"]
        assert cell.value == text
        assert cell.data_type == "s"
        assert cell.quotePrefix  # re-typing it in Excel/LibreOffice keeps it text
        assert sheet[f"F{row}"].value == f"={row - 2}" and sheet[f"F{row}"].data_type == "s"
    with zipfile.ZipFile(path) as archive:
        assert b"<f>" not in archive.read("xl/worksheets/sheet1.xml")
    assert openpyxl.load_workbook(path).properties.description == "=SIGNATURE"


def test_help_sheet_explains_every_column_and_the_editing_rules(workbook_path: Path) -> None:
    book = openpyxl.load_workbook(workbook_path)
    assert book.sheetnames == [BEADS_SHEET, HELP_SHEET]
    rows = [row for row in book[HELP_SHEET].iter_rows(values_only=True)]
    explained = {row[0]: row[1] for row in rows if row[0] in COLUMN_NAMES}
    assert set(explained) == set(COLUMN_NAMES) and all(explained.values())
    texts = [row[1] for row in rows]
    assert all(rule in texts for rule in HOW_TO_EDIT)
    assert ("signature", SIGNATURE) in [(row[0], row[1]) for row in rows]


def test_signature_and_creator_in_the_workbook_properties(workbook_path: Path) -> None:
    properties = openpyxl.load_workbook(workbook_path).properties
    assert properties.description == SIGNATURE
    assert properties.creator == "ruzh-aligner"
    assert read_review_rows(workbook_path).signature == SIGNATURE


def test_same_bytes_whatever_the_clock(result: CorpusResult,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    first = XlsxExporter().render(result)
    clock = time.time
    monkeypatch.setattr(time, "time", lambda: clock() + 86_400 * 400)
    assert XlsxExporter().render(result) == first


def test_control_characters_dropped_and_long_text_cut_at_the_cell_limit(tmp_path: Path) -> None:
    long = "Слово " * 7000 + "конец."
    ru_file, ru_sentences, ru_paragraphs, _ = _file("l.ru.txt", [(0, long)], {})
    pair = DocumentPair("l", Document("l", "ru", ru_file, ru_paragraphs), None)
    result = CorpusResult([AlignedDocument(pair, ru_sentences, (), (Bead((0,), (), None),))])
    path = tmp_path / "l.xlsx"
    XlsxExporter().write(result, path)
    text = sheet_values(path)[1][4]
    assert len(text) == 32767 and text.endswith(" […]")
    assert read_review_workbook(path, result.documents).documents == result.documents
    assert sheet_values(Path(XlsxExporter().write(_result(), tmp_path / "c.xlsx")[0]))[3][4] == (
        'Цена <5 & "10"> рублей,\u00a0сказал Юрий.')  # \x07 dropped, no-break space kept


# --- LibreOffice ---


def soffice_convert(source: Path, target_filter: str, out: Path) -> None:
    """Convert with LibreOffice, in a profile of our own so parallel runs do not collide."""
    profile = (out / "profile").as_uri()
    completed = subprocess.run(
        [SOFFICE, f"-env:UserInstallation={profile}", "--headless", "--convert-to",
         target_filter, "--outdir", str(out), str(source)],
        capture_output=True, text=True, timeout=180, check=False)
    assert completed.returncode == 0, completed.stderr


@pytest.mark.slow
@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) not installed")
def test_libreoffice_opens_it_and_reads_the_same_cells(tmp_path: Path) -> None:
    path = tmp_path / "f.xlsx"
    XlsxExporter().write(formula_result(), path)
    out = tmp_path / "lo"
    # 44,34,76: comma, double quote, UTF-8; the last token -1 writes every sheet
    soffice_convert(path, "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,"
                          "false,false,-1", out)
    beads = (out / f"f-{BEADS_SHEET}.csv").read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(beads)))
    assert rows[0] == COLUMN_NAMES
    assert [row[4] for row in rows[1:]] == FORMULA_LIKE  # text, not computed
    assert [row[5] for row in rows[1:]] == ["=0", "=1", "=2", "=3"]
    assert (out / f"f-{HELP_SHEET}.csv").read_text(encoding="utf-8").count("ru_ids") >= 1


@pytest.mark.slow
@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) not installed")
def test_saved_again_by_libreoffice_it_reads_back_unchanged(tmp_path: Path,
                                                            result: CorpusResult) -> None:
    """What a translator's save in LibreOffice gives back: the same beads, the signature."""
    source = tmp_path / "src"
    edited = edit(Path(XlsxExporter().write(result, source / "aligned.xlsx")[0]),
                  {(4, "zh_ids"): "zh:14-30", (5, "zh_ids"): "zh:30-34",
                   (2, "status"): "confirmed"})
    out = tmp_path / "lo"
    soffice_convert(edited, "xlsx:Calc MS Excel 2007 XML", out)
    review = read_review_workbook(out / "aligned.xlsx", result.documents)
    assert review.signature == SIGNATURE
    beads = review.documents[0].beads
    assert beads[0].status == "confirmed"
    assert (beads[2].zh, beads[3].zh, beads[3].status) == ((2,), (3,), "edited")
    assert review.documents[1] == result.documents[1]


# --- reading an edited workbook back ---


def test_unchanged_workbook_gives_the_same_documents(workbook_path: Path,
                                                     result: CorpusResult) -> None:
    review = read_review_workbook(workbook_path, result.documents)
    assert review.documents == result.documents
    assert (review.regrouped, review.confirmed, review.signature) == (0, 0, SIGNATURE)


def test_moving_an_id_to_the_next_row(workbook_path: Path, result: CorpusResult) -> None:
    # row 3 is 2-1 (ru:20-39 ru:40-59 | zh:5-13): its last Russian sentence joins row 4
    edit(workbook_path, {(3, "ru_ids"): "ru:20-39", (4, "ru_ids"): "ru:40-59\nru:60-97"})
    beads = read_review_workbook(workbook_path, result.documents).documents[0].beads
    assert [(b.ru, b.zh, b.status) for b in beads[1:3]] == [
        ((1,), (1,), "edited"), ((2, 3), (2, 3), "edited")]
    assert beads[1].score is None and beads[0] == result.documents[0].beads[0]


def test_joining_rows_and_confirming(workbook_path: Path, result: CorpusResult) -> None:
    edit(workbook_path, {(5, "ru_ids"): "ru:98-117", (5, "zh_ids"): "zh:35-41",
                         (6, "zh_ids"): None, (6, "status"): None,
                         (2, "status"): "Confirmed "})
    review = read_review_workbook(workbook_path, result.documents)
    beads = review.documents[0].beads
    assert [(b.ru, b.zh) for b in beads] == [((0,), (0,)), ((1, 2), (1,)), ((3,), (2, 3)),
                                              ((4,), (4,))]
    assert (beads[0].status, beads[0].score, beads[3].status) == ("confirmed", 0.91234, "edited")
    assert (review.regrouped, review.confirmed) == (1, 1)


def test_splitting_into_an_inserted_row_takes_the_document_from_above(
        workbook_path: Path, result: CorpusResult) -> None:
    # row 4 is 1-2 (ru:60-97 | zh:14-30 zh:30-34); a row inserted below gets the second zh
    edit(workbook_path, {(4, "zh_ids"): "zh:14-30", (5, "zh_ids"): "zh:30-34",
                         (5, "status"): "confirmed"}, insert_after=4)
    beads = read_review_workbook(workbook_path, result.documents).documents[0].beads
    assert [(b.ru, b.zh, b.status) for b in beads[2:4]] == [
        ((3,), (2,), "edited"), ((), (3,), "confirmed")]
    assert len(beads) == 6


def test_unaligned_sentence_gets_a_row_of_its_own(workbook_path: Path,
                                                  result: CorpusResult) -> None:
    edit(workbook_path, {(2, "zh_ids"): None, (3, "bead_id"): None, (3, "doc"): "news/doc",
                         (3, "ru_ids"): None, (3, "zh_ids"): "zh:0-4"}, insert_after=2)
    beads = read_review_workbook(workbook_path, result.documents).documents[0].beads
    assert [(b.ru, b.zh) for b in beads[:2]] == [((0,), ()), ((), (0,))]


def test_a_sentence_in_two_rows_names_both(workbook_path: Path, result: CorpusResult) -> None:
    edit(workbook_path, {(4, "zh_ids"): "zh:14-30 zh:30-34 zh:35-41"})
    assert problems(workbook_path, result) == [
        "rows 4 and 6: sentence zh:35-41 of 'news/doc' is in both"]


def test_a_missing_sentence_is_named_with_its_bead(workbook_path: Path,
                                                   result: CorpusResult) -> None:
    edit(workbook_path, {(3, "ru_ids"): "ru:20-39"})
    assert problems(workbook_path, result) == [
        "sentence ru:40-59 of 'news/doc' is in no row (it was in bead news/doc/ru:20-39)"]


def test_unknown_ids_documents_and_statuses(workbook_path: Path, result: CorpusResult) -> None:
    edit(workbook_path, {(2, "ru_ids"): "ru:0-19 ru:0-18", (7, "doc"): "elsewhere",
                         (3, "status"): "done"})
    found = problems(workbook_path, result)
    assert "row 2: unknown sentence id 'ru:0-18' in document 'news/doc'" in found
    assert "row 7: unknown document 'elsewhere'" in found
    assert "row 3: status 'done' is not one of auto, edited, confirmed" in found
    # the rows of the unknown document leave its sentences in no row: said too
    assert any(problem.startswith("sentence ru:0-16 of 'lonely' is in no row")
               for problem in found)


def test_rows_out_of_document_order_name_the_rows(workbook_path: Path,
                                                  result: CorpusResult) -> None:
    values = sheet_values(workbook_path)
    swapped = {(row, name): values[other - 1][COLUMN_NAMES.index(name)]
               for row, other in ((2, 3), (3, 2)) for name in COLUMN_NAMES}
    edit(workbook_path, swapped)  # as a sort would leave them
    found = problems(workbook_path, result)
    assert found[0].startswith("row 3: ru:0-19 comes before ru:40-59 of row 2")
    assert "row 3: zh:0-4 comes before zh:5-13 of row 2" in found[1]


def test_ids_in_a_row_must_be_consecutive(workbook_path: Path, result: CorpusResult) -> None:
    edit(workbook_path, {(2, "ru_ids"): "ru:0-19 ru:40-59", (3, "ru_ids"): "ru:20-39"})
    assert "row 2: ru:0-19 and ru:40-59 are not consecutive sentences in document order" in (
        problems(workbook_path, result))


def test_changed_text_is_refused_not_dropped(workbook_path: Path, result: CorpusResult) -> None:
    edit(workbook_path, {(2, "zh_text"): "第一句话。"})
    assert problems(workbook_path, result) == [
        "row 2: the Chinese text was changed; the workbook only regroups sentences, so "
        "correct the source document instead"]


def test_not_a_workbook_and_a_missing_column(tmp_path: Path, result: CorpusResult) -> None:
    bogus = tmp_path / "bogus.xlsx"
    bogus.write_text("not a zip")
    assert problems(bogus, result)[0].startswith("not a readable .xlsx workbook")
    book = openpyxl.Workbook()
    book.active.append(["doc", "ru_ids", "status"])
    book.save(tmp_path / "partial.xlsx")
    assert problems(tmp_path / "partial.xlsx", result) == [
        "sheet 'Sheet': no zh_ids column(s) in the header row"]


def test_every_problem_is_reported_at_once(workbook_path: Path, result: CorpusResult) -> None:
    edit(workbook_path, {(2, "ru_ids"): None, (3, "status"): "?", (4, "zh_ids"): "zh:1-2"})
    assert len(problems(workbook_path, result)) >= 4
