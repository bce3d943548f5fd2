"""The command line: arguments, exit status, and the evaluate command on a tiny eval set."""

from __future__ import annotations

from pathlib import Path

import pytest

from aligner.cli import build_parser, main


def test_run_arguments_as_documented() -> None:
    args = build_parser().parse_args(["run", "in", "-o", "out", "--presplit", "--encoder", "laser"])
    assert (args.corpus, args.output, args.presplit, args.encoder) == (
        Path("in"), Path("out"), True, "laser")


def test_output_formats_are_choices() -> None:
    args = build_parser().parse_args(["run", "in", "-f", "xlsx", "-f", "moses", "-f", "jsonl",
                                      "-f", "parquet"])
    assert args.formats == ["xlsx", "moses", "jsonl", "parquet"]
    with pytest.raises(SystemExit) as exit_info:
        main(["run", "in", "-f", "docx"])
    assert exit_info.value.code == 2


def test_unknown_encoder_is_a_usage_error() -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["run", "corpus", "--encoder", "bert"])
    assert exit_info.value.code == 2


def test_missing_folder_fails_with_its_name(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["run", str(tmp_path / "nope"), "-o", str(tmp_path / "out")]) == 1
    assert "nope" in capsys.readouterr().err


def test_folder_with_only_bad_files_fails_and_names_them(tmp_path: Path,
                                                         capsys: pytest.CaptureFixture) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "empty.txt").write_bytes(b"")
    (tmp_path / "in" / "latin.txt").write_text("only English here\n")
    assert main(["run", str(tmp_path / "in"), "-o", str(tmp_path / "out"), "--no-progress"]) == 1
    err = capsys.readouterr().err
    assert "skipped empty.txt: file is empty" in err
    assert "skipped latin.txt: holds no Russian or Chinese text" in err
    assert not (tmp_path / "out" / "aligned.tmx").exists()


@pytest.mark.slow
def test_evaluate_command_scores_a_perfect_tiny_set(tmp_path: Path,
                                                    capsys: pytest.CaptureFixture) -> None:
    doc = tmp_path / "hard" / "d1"
    doc.mkdir(parents=True)
    ru = ["Президент прибыл в Пекин.", "Переговоры продлились два часа.",
          "Стороны подписали договор."]
    zh = ["总统抵达北京。", "会谈持续了两个小时。", "双方签署了条约。"]
    (doc / "ru.txt").write_text("".join(f"{u}\n" for u in ru), encoding="utf-8")
    (doc / "zh.txt").write_text("".join(f"{u}\n" for u in zh), encoding="utf-8")
    (doc / "ru.raw.txt").write_text(" ".join(ru) + "\n", encoding="utf-8")
    (doc / "zh.raw.txt").write_text("".join(zh) + "\n", encoding="utf-8")
    (doc / "gold.txt").write_text("[0]:[0]\n[1]:[1]\n[2]:[2]\n", encoding="utf-8")
    assert main(["evaluate", str(tmp_path), "--variant", "hard"]) == 0
    printed = capsys.readouterr().out
    assert "hard/raw: 1 docs, 6 sentences" in printed
    assert "F1          1.0000  1.0000" in printed


@pytest.mark.slow
def test_articles_in_files_with_unrelated_names_are_paired_by_content(
        tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    from aligner.language import label_paragraphs

    corpus = Path(__file__).resolve().parents[1] / "corpus"
    text = (corpus / "002_9e5125a431169a21.txt").read_text(encoding="utf-8")
    folder = tmp_path / "in"
    folder.mkdir()
    for name, lang in (("report-17.txt", "ru"), ("xinwen.txt", "zh")):
        side = [text[p.start:p.end] for p in label_paragraphs(text) if p.lang == lang]
        (folder / name).write_text("\n".join(side) + "\n", encoding="utf-8")
    (folder / "other.txt").write_bytes((corpus / "000_ab770fffd2190f8e.txt").read_bytes())
    assert main(["run", str(folder), "-o", str(tmp_path / "out"), "--no-progress"]) == 0
    printed = capsys.readouterr().out
    assert "document pairs:    1 (1 matched by content)" in printed
    assert "report-17 + xinwen (score" in printed
    assert "other (ru," in printed  # the unrelated Russian article stays unpaired
    assert main(["run", str(folder), "-o", str(tmp_path / "out2"), "--no-progress",
                 "--no-content-matching"]) == 0
    assert "document pairs:    0" in capsys.readouterr().out
