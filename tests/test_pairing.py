"""Which Russian text goes with which Chinese text: bilingual files and NAME.ru / NAME.zh pairs."""

from __future__ import annotations

from pathlib import Path

import pytest

from aligner.language import label_paragraphs
from aligner.model import Paragraph, SourceFile
from aligner.pairing import LabelledFile, pair_documents, split_name

CORPUS = Path(__file__).resolve().parent.parent / "corpus"

RU = "Путин прибыл в Пекин.\nСроки визита будут согласованы.\n"
ZH = "普京抵达北京。\n访问日期将另行商定。\n"
BOTH = ("普京抵达北京。Путин прибыл в Пекин.\n"
        "Сроки визита будут согласованы.\n访问日期将另行商定。\n")


def labelled(rel: str, text: str) -> LabelledFile:
    source = SourceFile(path=Path("/corpus") / rel, rel=rel, text=text, encoding="utf_8")
    return LabelledFile(source, tuple(label_paragraphs(text)))


@pytest.mark.parametrize(("rel", "expected"), [
    ("NAME.ru.txt", ("NAME", "ru")),
    ("NAME.zh.txt", ("NAME", "zh")),
    ("a/b/NAME.ru.txt", ("a/b/NAME", "ru")),
    ("NAME.zh.md", ("NAME", "zh")),
    ("NAME.ZH.TXT", ("NAME", "zh")),
    ("NAME.Ru.html", ("NAME", "ru")),
    ("NAME.ru", ("NAME", "ru")),  # no extension at all
    ("NAME.txt", ("NAME", None)),
    ("NAME", ("NAME", None)),
    ("report.v2.txt", ("report.v2", None)),
    ("news.2026.02.04.zh.txt", ("news.2026.02.04", "zh")),
    ("NAME.rus.txt", ("NAME.rus", None)),
    ("NAME.cn.txt", ("NAME.cn", None)),
    ("ru.txt", ("ru", None)),  # a bare language code is a name, not a suffix
    ("dir.ru/NAME.txt", ("dir.ru/NAME", None)),  # only the file name is looked at
    ("x.ru.zh.txt", ("x.ru", "zh")),
    ("002_9e5125a431169a21.txt", ("002_9e5125a431169a21", None)),
])
def test_split_name(rel: str, expected: tuple[str, str | None]) -> None:
    assert split_name(rel) == expected


def test_bilingual_file_is_one_pair() -> None:
    (pair,) = pair_documents([labelled("doc.txt", BOTH)])
    assert pair.doc_id == "doc"
    assert pair.is_paired
    assert pair.ru is not None and pair.zh is not None
    assert pair.ru.lang == "ru" and pair.zh.lang == "zh"
    assert pair.ru.file is pair.zh.file
    assert [pair.ru.paragraph_text(p) for p in pair.ru.paragraphs] == [
        "Путин прибыл в Пекин.", "Сроки визита будут согласованы."]
    assert [pair.zh.paragraph_text(p) for p in pair.zh.paragraphs] == [
        "普京抵达北京。", "访问日期将另行商定。"]


def test_sample_bilingual_file_is_one_pair() -> None:
    text = (CORPUS / "002_9e5125a431169a21.txt").read_text(encoding="utf-8")
    (pair,) = pair_documents([labelled("002_9e5125a431169a21.txt", text)])
    assert pair.doc_id == "002_9e5125a431169a21"
    assert pair.is_paired
    assert pair.ru is not None and pair.zh is not None
    assert len(pair.ru.paragraphs) == 24
    assert len(pair.zh.paragraphs) == 18
    assert all(p.lang == "ru" for p in pair.ru.paragraphs)
    assert all(p.lang == "zh" for p in pair.zh.paragraphs)


@pytest.mark.parametrize(("ru_rel", "zh_rel", "doc_id"), [
    ("NAME.ru.txt", "NAME.zh.txt", "NAME"),
    ("news/2026/NAME.ru.txt", "news/2026/NAME.zh.txt", "news/2026/NAME"),
    ("NAME.ru.md", "NAME.zh.md", "NAME"),
    ("NAME.ru.txt", "NAME.zh.md", "NAME"),  # extensions need not match
    ("NAME.RU.TXT", "NAME.zh.txt", "NAME"),
])
def test_name_pair(ru_rel: str, zh_rel: str, doc_id: str) -> None:
    files = [labelled(zh_rel, ZH), labelled(ru_rel, RU)]
    (pair,) = pair_documents(files)
    assert pair.doc_id == doc_id
    assert pair.is_paired
    assert pair.ru is not None and pair.zh is not None
    assert pair.ru.file.rel == ru_rel
    assert pair.zh.file.rel == zh_rel
    assert pair.ru.doc_id == pair.zh.doc_id == doc_id


def test_same_name_in_different_folders_does_not_pair() -> None:
    pairs = pair_documents([labelled("a/NAME.ru.txt", RU), labelled("b/NAME.zh.txt", ZH)])
    assert len(pairs) == 2
    assert not any(pair.is_paired for pair in pairs)


def test_lone_russian_file_is_unpaired() -> None:
    (pair,) = pair_documents([labelled("lonely.txt", RU)])
    assert pair.doc_id == "lonely"
    assert not pair.is_paired
    assert pair.zh is None
    assert pair.ru is not None and pair.ru.lang == "ru"
    assert pair.side("zh") is None and pair.side("ru") is pair.ru


def test_lone_chinese_file_is_unpaired() -> None:
    (pair,) = pair_documents([labelled("solo.txt", ZH)])
    assert pair.ru is None
    assert pair.zh is not None and pair.zh.lang == "zh"


def test_lone_suffixed_file_is_unpaired() -> None:
    (pair,) = pair_documents([labelled("NAME.ru.txt", RU)])
    assert not pair.is_paired
    assert pair.zh is None
    assert pair.ru is not None and pair.ru.file.rel == "NAME.ru.txt"


def test_russian_only_sample_is_unpaired() -> None:
    text = (CORPUS / "000_ab770fffd2190f8e.txt").read_text(encoding="utf-8")
    (pair,) = pair_documents([labelled("000_ab770fffd2190f8e.txt", text)])
    assert pair.doc_id == "000_ab770fffd2190f8e"
    assert pair.zh is None
    assert pair.ru is not None


def test_two_russian_files_under_one_name_are_both_unpaired() -> None:
    # NAME.zh.txt holds Russian by mistake: neither file can be chosen over the other.
    pairs = pair_documents([labelled("NAME.ru.txt", RU), labelled("NAME.zh.txt", RU)])
    assert len(pairs) == 2
    for pair in pairs:
        assert not pair.is_paired
        assert pair.zh is None
        assert pair.ru is not None
    assert {pair.ru.file.rel for pair in pairs if pair.ru} == {"NAME.ru.txt", "NAME.zh.txt"}
    assert len({pair.doc_id for pair in pairs}) == 2


def test_two_russian_and_one_chinese_under_one_name_pair_nothing() -> None:
    files = [labelled("NAME.ru.txt", RU), labelled("NAME.ru.md", RU), labelled("NAME.zh.txt", ZH)]
    pairs = pair_documents(files)
    assert len(pairs) == 3
    assert not any(pair.is_paired for pair in pairs)


def test_output_is_sorted_by_doc_id() -> None:
    files = [
        labelled("zeta.txt", BOTH),
        labelled("m/NAME.zh.txt", ZH),
        labelled("alpha.txt", RU),
        labelled("m/NAME.ru.txt", RU),
        labelled("beta.zh.txt", ZH),
        labelled("Capital.txt", ZH),
    ]
    pairs = pair_documents(files)
    ids = [pair.doc_id for pair in pairs]
    assert ids == sorted(ids)
    assert "m/NAME" in ids and "zeta" in ids and "alpha" in ids
    assert [pair.is_paired for pair in pairs] == [pair.doc_id in {"m/NAME", "zeta"}
                                                   for pair in pairs]
    # Same answer whatever order the files came in.
    assert pair_documents(list(reversed(files))) == pairs


def test_lone_suffixed_file_keeps_the_name_without_suffix_as_id() -> None:
    source = SourceFile(Path("NAME.ru.txt"), "NAME.ru.txt", "Привет.", "utf_8")
    (pair,) = pair_documents([LabelledFile(source, (Paragraph(0, 0, 7, "ru"),))])
    assert pair.doc_id == "NAME" and pair.zh is None
