"""`ruzh-align apply OUT_DIR REVIEWED.xlsx`: the review workbook's round trip into every output,
with the editor's checks (a sentence in two rows or in none is named, and nothing is written)."""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl
import pytest
from review_helpers import SPECS, small_result, snapshot
from test_export_xlsx import edit

from aligner.cli import main
from aligner.export.outputs import OutputSpec, write_outputs
from aligner.review.corrections import read_corrections, write_corrections
from aligner.review.session import ReviewSession, StaleEdit
from aligner.review.state import ReviewRun, write_state

WITH_WORKBOOK = [*SPECS, OutputSpec("xlsx", "aligned.xlsx")]


@pytest.fixture
def out_dir(tmp_path: Path) -> Path:
    out = tmp_path / "out"
    result = small_result()
    write_outputs(result, out, WITH_WORKBOOK)
    write_state(out, ReviewRun(result, WITH_WORKBOOK, "/corpus", 0.5))
    write_corrections(out, result)
    return out


@pytest.fixture
def reviewed(out_dir: Path, tmp_path: Path) -> Path:
    """A copy of the run's workbook, as a translator saves it elsewhere before editing."""
    copy = tmp_path / "reviewed.xlsx"
    copy.write_bytes((out_dir / "aligned.xlsx").read_bytes())
    return copy


def apply(out_dir: Path, workbook: Path, capsys: pytest.CaptureFixture[str]
          ) -> tuple[int, str, str]:
    status = main(["apply", str(out_dir), str(workbook)])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def csv_rows(out_dir: Path) -> list[dict[str, str]]:
    with (out_dir / "aligned.csv").open(encoding="utf-8", newline="") as stream:
        return list(csv.DictReader(stream))


def test_an_edited_workbook_rewrites_every_output(out_dir: Path, reviewed: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    # rows 2-5 are the beads of "news": 1-1, 2-1, 0-1, 1-1; the 2-1's second Russian sentence
    # goes to the 0-1 row below it, and the last bead is confirmed
    edit(reviewed, {(3, "ru_ids"): "ru:20-39", (4, "ru_ids"): "ru:40-59",
                    (5, "status"): "confirmed"})
    status, out, err = apply(out_dir, reviewed, capsys)
    assert status == 0, err
    assert "applied to 1 document(s) (news): 2 bead(s) regrouped, 1 confirmed" in out
    rows = [r for r in csv_rows(out_dir) if r["doc"] == "news"]
    assert [(r["ru_text"], r["zh_text"], r["type"], r["status"]) for r in rows] == [
        ("Первое предложение.", "第一句。", "1-1", "auto"),
        ("Второе предложение.", "第二句。", "1-1", "edited"),
        ("Третье предложение.", "第三句。", "1-1", "edited"),
        ("Четвёртое.", "第四句。", "1-1", "confirmed")]
    tmx = (out_dir / "aligned.tmx").read_text(encoding="utf-8")
    # --min-score 0.5 in this run: the two edited beads (no score) and the confirmed one stay
    assert tmx.count("<tu>") == 4
    assert tmx.count('<prop type="x-status">edited</prop>') == 2
    book = openpyxl.load_workbook(out_dir / "aligned.xlsx")  # regenerated with the statuses
    assert [row[0] for row in book.active.iter_rows(min_row=2, values_only=True)][:4] == [
        "news/ru:0-19", "news/ru:20-39", "news/ru:40-59", "news/ru:60-70"]
    assert [b.status for b in read_corrections(out_dir)["news"]] == ["edited", "edited",
                                                                     "confirmed"]
    editor = ReviewSession(out_dir).editor_state()["documents"][0]
    assert [b["status"] for b in editor["beads"]] == ["auto", "edited", "edited", "confirmed"]


def test_a_sentence_in_two_rows_is_named_and_nothing_is_written(
        out_dir: Path, reviewed: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = snapshot(out_dir)
    edit(reviewed, {(4, "ru_ids"): "ru:40-59"})  # still in row 3 too
    status, out, err = apply(out_dir, reviewed, capsys)
    assert status == 1
    assert "rows 3 and 4: sentence ru:40-59 of 'news' is in both" in err
    assert "nothing applied" in err
    assert out == ""
    assert snapshot(out_dir) == before


def test_a_missing_sentence_is_named_and_nothing_is_written(
        out_dir: Path, reviewed: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = snapshot(out_dir)
    edit(reviewed, {(4, "zh_ids"): None})
    status, _, err = apply(out_dir, reviewed, capsys)
    assert status == 1
    assert "sentence zh:10-14 of 'news' is in no row" in err
    assert snapshot(out_dir) == before


def test_a_workbook_of_another_run_is_refused(out_dir: Path, reviewed: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    before = snapshot(out_dir)
    book = openpyxl.load_workbook(reviewed)
    book.properties.description = "another|signature"
    book.save(reviewed)
    status, _, err = apply(out_dir, reviewed, capsys)
    assert status == 1
    assert "written by another run" in err
    assert snapshot(out_dir) == before


def test_an_unchanged_workbook_writes_nothing(out_dir: Path, reviewed: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    before = snapshot(out_dir)
    status, out, _ = apply(out_dir, reviewed, capsys)
    assert status == 0
    assert "no change to apply" in out
    assert snapshot(out_dir) == before


def test_applying_while_the_editor_is_open_makes_its_next_save_reload(
        out_dir: Path, reviewed: Path, capsys: pytest.CaptureFixture[str]) -> None:
    session = ReviewSession(out_dir)
    page = session.editor_state()
    edit(reviewed, {(5, "status"): "confirmed"})
    assert apply(out_dir, reviewed, capsys)[0] == 0
    before = snapshot(out_dir)
    with pytest.raises(StaleEdit, match="rewritten by another command"):
        session.save({"version": page["version"], "documents": {
            "news": page["documents"][0]["beads"]}})
    assert snapshot(out_dir) == before
    assert session.editor_state()["documents"][0]["beads"][3]["status"] == "confirmed"


def test_apply_needs_a_run_and_a_workbook(tmp_path: Path, out_dir: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = apply(tmp_path / "nothing", tmp_path / "x.xlsx", capsys)
    assert (status, "no review state here" in err) == (1, True)
    status, _, err = apply(out_dir, tmp_path / "missing.xlsx", capsys)
    assert (status, "missing.xlsx: 1 problem(s), nothing applied" in err) == (1, True)
