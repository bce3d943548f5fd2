"""Labelling lines Russian or Chinese, and cutting glued bilingual lines at the script boundary."""

from __future__ import annotations

from pathlib import Path

import pytest

from aligner.language import MIN_CUT_LETTERS, label_paragraphs, script_of
from aligner.model import Paragraph

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
BILINGUAL = CORPUS / "002_9e5125a431169a21.txt"
RUSSIAN_ONLY = CORPUS / "000_ab770fffd2190f8e.txt"


def runs(text: str) -> list[tuple[int, str, str]]:
    """(line index, language, text) of every paragraph."""
    return [(p.index, p.lang, text[p.start : p.end]) for p in label_paragraphs(text)]


def assert_offsets_exact(text: str, paragraphs: list[Paragraph]) -> None:
    for paragraph in paragraphs:
        run = text[paragraph.start : paragraph.end]
        assert run, paragraph
        assert run == run.strip(), paragraph
        assert "\n" not in run and "\r" not in run


@pytest.fixture(scope="module")
def sample() -> str:
    return BILINGUAL.read_text(encoding="utf-8")


def test_script_of() -> None:
    assert script_of("普") == "zh"
    assert script_of("𠀀") == "zh"  # CJK extension B
    assert script_of("Ж") == "ru"
    assert script_of("ё") == "ru"
    for neutral in "A7 ,.。!?«»“”()（）-—:*\u00a0\u3000":
        assert script_of(neutral) is None, neutral


def test_sample_glued_title_is_cut_into_zh_then_ru(sample: str) -> None:
    title = [p for p in label_paragraphs(sample) if p.index == 1]
    assert [p.lang for p in title] == ["zh", "ru"]
    zh, ru = title
    assert sample[zh.start : zh.end] == (
        "重要细节:乌沙科夫讲述了弗拉基米尔*普京和习近平谈了一个半小时的事情")
    assert sample[ru.start : ru.end] == (
        "Важные детали: Ушаков рассказал, о чем полтора часа говорили "
        "Владимир Путин и Си Цзиньпин - АУДИО"
    )
    # Cut exactly at the script boundary: nothing between the two runs, nothing lost.
    assert zh.end == ru.start
    line_start = sample.index("\n") + 1
    assert zh.start == line_start
    assert sample[ru.end] == "\n"


def test_sample_full_stop_stays_with_chinese(sample: str) -> None:
    zh, ru = [p for p in label_paragraphs(sample) if p.index == 2]
    assert (zh.lang, ru.lang) == ("zh", "ru")
    assert sample[zh.start : zh.end].endswith("具体细节。")
    assert sample[ru.start : ru.end].startswith("Помощник Президента РФ")
    assert zh.end == ru.start


def test_sample_layout(sample: str) -> None:
    paragraphs = label_paragraphs(sample)
    assert_offsets_exact(sample, paragraphs)
    # Line 0 is the date, lines 1 and 2 are glued zh+ru, then Russian, then Chinese.
    assert paragraphs[0].lang == "ru"
    assert sample[paragraphs[0].start : paragraphs[0].end] == "04 ФЕВРАЛЯ 2026, 16:40"
    assert [p.index for p in paragraphs[:5]] == [0, 1, 1, 2, 2]
    langs = [p.lang for p in paragraphs[5:]]
    first_zh = langs.index("zh")
    assert set(langs[:first_zh]) == {"ru"}
    assert set(langs[first_zh:]) == {"zh"}
    assert sum(p.lang == "ru" for p in paragraphs) == 24
    assert sum(p.lang == "zh" for p in paragraphs) == 18
    # The Chinese body opens with the dateline, Latin and digits inside it.
    body = paragraphs[5 + first_zh]
    assert sample[body.start : body.end].startswith("莫斯科,2月4日-CRMtv。俄罗斯总统普京2026年访华")


def test_sample_indices_number_non_empty_lines(sample: str) -> None:
    paragraphs = label_paragraphs(sample)
    non_empty = [line for line in sample.splitlines() if line.strip()]
    assert sorted({p.index for p in paragraphs}) == list(range(len(non_empty)))
    for paragraph in paragraphs:
        assert sample[paragraph.start : paragraph.end] in non_empty[paragraph.index]


def test_russian_only_sample() -> None:
    text = RUSSIAN_ONLY.read_text(encoding="utf-8")
    paragraphs = label_paragraphs(text)
    assert paragraphs
    assert {p.lang for p in paragraphs} == {"ru"}
    assert_offsets_exact(text, paragraphs)
    non_empty = [line for line in text.splitlines() if line.strip()]
    assert [p.index for p in paragraphs] == list(range(len(non_empty)))
    for paragraph, line in zip(paragraphs, non_empty, strict=True):
        assert text[paragraph.start : paragraph.end] == line.strip()


@pytest.mark.parametrize(("line", "zh", "ru"), [
    # Digits, Latin and ASCII punctuation stay inside the run around them.
    ("莫斯科,2月4日-CRMtv。俄罗斯总统普京2026年访华的日期将另行商定。"
     "МОСКВА, 4 фев - CRMtv. Сроки визита в 2026 году будут согласованы.",
     "莫斯科,2月4日-CRMtv。俄罗斯总统普京2026年访华的日期将另行商定。",
     "МОСКВА, 4 фев - CRMtv. Сроки визита в 2026 году будут согласованы."),
    ("中方邀请出席亚太经合组织(APEC)领导人非正式会议。"
     "Лидер КНР пригласил принять участие в саммите АТЭС (APEC).",
     "中方邀请出席亚太经合组织(APEC)领导人非正式会议。",
     "Лидер КНР пригласил принять участие в саммите АТЭС (APEC)."),
    # Closing quote and full stop stay left; the opening guillemet starts the Russian.
    ("他说:“我们同意。”Он сказал: «Мы согласны».",
     "他说:“我们同意。”", "Он сказал: «Мы согласны»."),
    ("事情«Важные детали» - АУДИО", "事情", "«Важные детали» - АУДИО"),
    # White space is the cut when there is some.
    ("会谈持续约1.5小时 Переговоры длились 1,5 часа", "会谈持续约1.5小时",
     "Переговоры длились 1,5 часа"),
])
def test_glued_line_zh_then_ru(line: str, zh: str, ru: str) -> None:
    assert runs(line) == [(0, "zh", zh), (0, "ru", ru)]
    assert_offsets_exact(line, label_paragraphs(line))


def test_glued_line_ru_then_zh() -> None:
    line = "Путин прибыл в Пекин (КНР).普京抵达北京。"
    assert runs(line) == [(0, "ru", "Путин прибыл в Пекин (КНР)."), (0, "zh", "普京抵达北京。")]
    # A digit between the scripts opens the next run.
    assert runs("Визит Путина2026年访华。") == [
        (0, "ru", "Визит Путина"), (0, "zh", "2026年访华。")]


def test_cut_runs_touch_without_white_space() -> None:
    line = "普京抵达北京。Путин прибыл в Пекин."
    zh, ru = label_paragraphs(line)
    assert zh.end == ru.start == line.index("П")
    assert line[zh.start : zh.end][-1] == "。"


def test_neutral_numbers_at_either_end_of_a_line_stay() -> None:
    line = "2026年普京访华。Путин посетит Китай в 2026"
    assert runs(line) == [(0, "zh", "2026年普京访华。"), (0, "ru", "Путин посетит Китай в 2026")]


def test_short_chinese_quotation_inside_russian_stays_russian() -> None:
    line = "Председатель Си Цзиньпин (习近平) сказал, что визит «中国» состоится."
    assert runs(line) == [(0, "ru", line)]


def test_short_russian_quotation_inside_chinese_stays_chinese() -> None:
    line = "普京说“Спасибо”然后离开了会场。"
    assert runs(line) == [(0, "zh", line)]


def test_long_chinese_run_inside_russian_is_cut() -> None:
    han = "中华人民共和国主席习近平"
    assert sum(script_of(c) == "zh" for c in han) >= MIN_CUT_LETTERS
    line = f"Он сказал {han} и ушёл."
    assert [lang for _, lang, _ in runs(line)] == ["ru", "zh", "ru"]
    assert runs(line)[1] == (0, "zh", han)


def test_lines_without_script_take_previous_language() -> None:
    text = "Путин прибыл.\n2026\n普京抵达。\n***\nCRMtv News\nПутин уехал.\n— 5 —\n"
    assert runs(text) == [
        (0, "ru", "Путин прибыл."),
        (1, "ru", "2026"),
        (2, "zh", "普京抵达。"),
        (3, "zh", "***"),
        (4, "zh", "CRMtv News"),
        (5, "ru", "Путин уехал."),
        (6, "ru", "— 5 —"),
    ]


def test_leading_lines_without_script_take_the_first_language() -> None:
    text = "2026-02-04\n* * *\n普京抵达北京。\nПутин прибыл.\n"
    assert [lang for _, lang, _ in runs(text)] == ["zh", "zh", "zh", "ru"]


def test_index_numbers_non_empty_lines() -> None:
    text = "\n\nПервая строка.\n\n   \n\t\n普京抵达。Путин прибыл.\n\n\nТретья строка.\n"
    assert runs(text) == [
        (0, "ru", "Первая строка."),
        (1, "zh", "普京抵达。"),
        (1, "ru", "Путин прибыл."),
        (2, "ru", "Третья строка."),
    ]


@pytest.mark.parametrize("text", ["", "   \n\n", "Hello world.\n123\n", "2026, 16:40 — CRMtv\n"])
def test_no_cyrillic_or_han_gives_nothing(text: str) -> None:
    assert label_paragraphs(text) == []


def test_crlf_line_endings() -> None:
    text = "Путин прибыл.\r\n\r\n普京抵达。Путин уехал.\r\n2026\r\n"
    paragraphs = label_paragraphs(text)
    assert runs(text) == [
        (0, "ru", "Путин прибыл."),
        (1, "zh", "普京抵达。"),
        (1, "ru", "Путин уехал."),
        (2, "ru", "2026"),
    ]
    assert_offsets_exact(text, paragraphs)
    assert paragraphs[0] == Paragraph(index=0, start=0, end=13, lang="ru")


def test_crlf_sample_gives_same_runs(sample: str) -> None:
    crlf = sample.replace("\n", "\r\n")
    assert runs(crlf) == runs(sample)


def test_indentation_and_trailing_space_are_trimmed() -> None:
    text = "\u3000\u3000普京抵达北京。\u3000\n   Путин прибыл.\u00a0 \n\tЮрий\u00a0Ушаков.\n"
    paragraphs = label_paragraphs(text)
    assert runs(text) == [
        (0, "zh", "普京抵达北京。"),
        (1, "ru", "Путин прибыл."),
        (2, "ru", "Юрий\u00a0Ушаков."),
    ]
    assert paragraphs[0].start == 2
    assert_offsets_exact(text, paragraphs)
