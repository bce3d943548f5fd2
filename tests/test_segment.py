"""Sentence splitters: spans into the paragraph, exact offsets, every character covered once."""

from __future__ import annotations

from pathlib import Path

import pytest

from aligner.language import label_paragraphs
from aligner.model import Document, Sentence, SourceFile
from aligner.pairing import LabelledFile, split_name
from aligner.segment import get_splitters
from aligner.segment.base import is_fragment, join_fragments, spans_from_cuts, trim_span
from aligner.segment.chinese import ChineseSplitter
from aligner.segment.presplit import LineSplitter
from aligner.segment.russian import RussianSplitter

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
SAMPLES = sorted(CORPUS.glob("*.txt"))


@pytest.fixture(scope="module")
def zh() -> ChineseSplitter:
    return ChineseSplitter()


@pytest.fixture(scope="module")
def ru() -> RussianSplitter:
    return RussianSplitter()


def pieces(splitter, text: str) -> list[str]:
    return [text[start:end] for start, end in splitter.split(text)]


def documents(path: Path) -> list[Document]:
    text = path.read_text(encoding="utf-8")
    source = SourceFile(path=path, rel=path.name, text=text, encoding="utf_8")
    labelled = LabelledFile(source, tuple(label_paragraphs(text)))
    doc_id, _ = split_name(source.rel)
    return [labelled.document(doc_id, lang) for lang in sorted(labelled.languages)]


def assert_covers_once(text: str, spans: list[tuple[int, int]]) -> None:
    """Spans are in order, trimmed, non-empty, disjoint, and hold every non-space character."""
    covered = [0] * len(text)
    previous_end = 0
    for start, end in spans:
        assert previous_end <= start < end <= len(text)
        assert text[start:end] == text[start:end].strip()
        for index in range(start, end):
            covered[index] += 1
        previous_end = end
    for index, char in enumerate(text):
        if not char.isspace():
            assert covered[index] == 1, (index, char, text)


# --- helpers ---


def test_trim_span_and_spans_from_cuts() -> None:
    text = "  ab \u3000 cd\u00a0 "
    assert trim_span(text, 0, len(text)) == (2, 9)
    assert trim_span(text, 0, 2) == (2, 2)
    assert spans_from_cuts(text, [5]) == [(2, 4), (7, 9)]
    assert spans_from_cuts(text, []) == [(2, 9)]
    assert spans_from_cuts("   ", [1, 2]) == []


# --- Chinese ---


def test_chinese_full_stops(zh: ChineseSplitter) -> None:
    assert pieces(zh, "他说。她笑了！真的吗？然后") == ["他说。", "她笑了！", "真的吗？", "然后"]


def test_chinese_ascii_stops_after_han(zh: ChineseSplitter) -> None:
    assert pieces(zh, "好的.是吗?对!然后呢") == ["好的.", "是吗?", "对!", "然后呢"]


def test_ascii_stop_after_latin_does_not_split(zh: ChineseSplitter) -> None:
    text = "莫斯科,2月4日-CRMtv.com报道,见www.kremlin.ru网站。下一句。"
    assert pieces(zh, text) == ["莫斯科,2月4日-CRMtv.com报道,见www.kremlin.ru网站。", "下一句。"]


def test_chinese_runs_of_end_marks_stay_together(zh: ChineseSplitter) -> None:
    assert pieces(zh, "真的吗？！好吧……。走吧!!下一句") == [
        "真的吗？！", "好吧……。", "走吧!!", "下一句"]


@pytest.mark.parametrize(("text", "expected"), [
    ("他说:“我们同意。”然后离开。", ["他说:“我们同意。”", "然后离开。"]),
    ("他说「好。」她说『行。』（完。）结束", ["他说「好。」", "她说『行。』", "（完。）", "结束"]),
    ("“会谈中,两国领导人高度重视经贸合作议题。”乌沙科夫说。",
     ["“会谈中,两国领导人高度重视经贸合作议题。”", "乌沙科夫说。"]),
    ("他问:“真的吗？”」下一句", ["他问:“真的吗？”」", "下一句"]),
])
def test_chinese_closers_stay_with_the_sentence(zh: ChineseSplitter, text: str,
                                                expected: list[str]) -> None:
    assert pieces(zh, text) == expected


def test_chinese_never_splits_inside_title_marks(zh: ChineseSplitter) -> None:
    text = "俄美《新削减战略武器条约。第二版！》将于2月5日到期。另一句。"
    assert pieces(zh, text) == ["俄美《新削减战略武器条约。第二版！》将于2月5日到期。", "另一句。"]
    nested = "他读了《论《资本论》。一书》。然后睡了。"
    assert pieces(zh, nested) == ["他读了《论《资本论》。一书》。", "然后睡了。"]


def test_chinese_never_splits_at_a_decimal_point(zh: ChineseSplitter) -> None:
    assert pieces(zh, "此次会谈持续约1.5小时。下一句。") == ["此次会谈持续约1.5小时。", "下一句。"]
    # A Han character before the point, a digit after it: still a number, not an end.
    assert pieces(zh, "增长了百分之三.5左右。下一句") == ["增长了百分之三.5左右。", "下一句"]


def test_chinese_ascii_comma_colon_brackets_do_not_split(zh: ChineseSplitter) -> None:
    text = "中方邀请出席亚太经合组织(APEC)领导人非正式会议,地点:深圳(中国南方)。下一句"
    assert pieces(zh, text) == [
        "中方邀请出席亚太经合组织(APEC)领导人非正式会议,地点:深圳(中国南方)。", "下一句"]
    assert pieces(zh, "莫斯科,2月4日-CRMtv。俄罗斯总统普京2026年访华。") == [
        "莫斯科,2月4日-CRMtv。", "俄罗斯总统普京2026年访华。"]


def test_chinese_white_space_between_sentences_is_trimmed(zh: ChineseSplitter) -> None:
    text = "\u3000\u3000第一句。 \u3000第二句！  "
    assert zh.split(text) == [(2, 6), (8, 12)]
    assert pieces(zh, text) == ["第一句。", "第二句！"]


def test_chinese_without_end_mark_is_one_sentence(zh: ChineseSplitter) -> None:
    assert pieces(zh, "重要细节:乌沙科夫讲述了弗拉基米尔*普京和习近平谈了一个半小时的事情") == [
        "重要细节:乌沙科夫讲述了弗拉基米尔*普京和习近平谈了一个半小时的事情"]
    assert zh.split("") == []
    assert zh.split("  ") == []


# --- Russian ---


def test_russian_basic(ru: RussianSplitter) -> None:
    text = "Сроки будут согласованы. Об этом сообщил Ушаков! Визит состоится? Да."
    assert pieces(ru, text) == [
        "Сроки будут согласованы.", "Об этом сообщил Ушаков!", "Визит состоится?", "Да."]


def test_russian_no_break_space_is_kept(ru: RussianSplitter) -> None:
    text = "Об этом сообщил помощник Юрий\u00a0Ушаков. Он добавил, что г. Москва готова."
    assert pieces(ru, text) == [
        "Об этом сообщил помощник Юрий\u00a0Ушаков.", "Он добавил, что г. Москва готова."]


def test_russian_abbreviations_do_not_split(ru: RussianSplitter) -> None:
    text = "МОСКВА, 4 фев - CRMtv. Визит пройдёт в 2026 г. в Пекине, т. е. весной. Всё."
    assert pieces(ru, text) == [
        "МОСКВА, 4 фев - CRMtv.", "Визит пройдёт в 2026 г. в Пекине, т. е. весной.", "Всё."]


def test_russian_quote_then_dash_attribution(ru: RussianSplitter) -> None:
    text = '"Приглашение было с благодарностью принято", - сказал Ушаков. Потом он ушёл.'
    assert pieces(ru, text) == [
        '"Приглашение было с благодарностью принято", - сказал Ушаков.', "Потом он ушёл."]


def test_russian_guillemets_then_em_dash_attribution(ru: RussianSplitter) -> None:
    text = "«Мы довольны итогами», — сказал он. Встреча завершилась."
    assert pieces(ru, text) == ["«Мы довольны итогами», — сказал он.", "Встреча завершилась."]
    assert pieces(ru, "«Мы довольны!» — сказал он.") == ["«Мы довольны!» — сказал он."]


def test_russian_offsets_with_odd_white_space(ru: RussianSplitter) -> None:
    # The library folds runs of spaces; the cuts must still land on the right characters.
    text = ("  Первое\u00a0предложение.    Второе\tпредложение\u2009— 2\u202f000 рублей."
            "   Третье\u3000 ")
    spans = ru.split(text)
    assert_covers_once(text, spans)
    assert pieces(ru, text) == [
        "Первое\u00a0предложение.", "Второе\tпредложение\u2009— 2\u202f000 рублей.", "Третье"]


# --- LineSplitter ---


def test_line_splitter_keeps_paragraph_whole() -> None:
    splitter = LineSplitter()
    text = "  Первое предложение. Второе!\u00a0Третье? "
    assert splitter.split(text) == [(2, len(text) - 1)]
    assert pieces(splitter, "第一句。第二句。") == ["第一句。第二句。"]
    assert splitter.split(" \u3000 ") == []


def test_get_splitters() -> None:
    normal = get_splitters(presplit=False)
    assert isinstance(normal["ru"], RussianSplitter)
    assert isinstance(normal["zh"], ChineseSplitter)
    presplit = get_splitters(presplit=True)
    assert isinstance(presplit["ru"], LineSplitter) and isinstance(presplit["zh"], LineSplitter)
    assert normal["zh"].signature == "zh-rules-v2"
    assert normal["ru"].signature.startswith("ru-moses-v3@sentence-splitter-")
    assert presplit["ru"].signature == "lines"


# --- the sample corpus ---


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_sample_sentence_offsets_are_exact(path: Path) -> None:
    splitters = get_splitters(presplit=False)
    for document in documents(path):
        text = document.file.text
        sentences = splitters[document.lang].split_document(document)
        assert sentences
        for sentence in sentences:
            assert isinstance(sentence, Sentence)
            assert text[sentence.start : sentence.end] == sentence.text
            assert sentence.text == sentence.text.strip()
        starts = [s.start for s in sentences]
        assert starts == sorted(starts)


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_sample_every_character_covered_once(path: Path) -> None:
    splitters = get_splitters(presplit=False)
    for document in documents(path):
        splitter = splitters[document.lang]
        for paragraph in document.paragraphs:
            text = document.paragraph_text(paragraph)
            assert_covers_once(text, splitter.split(text))
        # And at document level: sentences tile the paragraphs' non-space characters.
        sentences = splitter.split_document(document)
        from_sentences = "".join(s.text for s in sentences)
        from_paragraphs = "".join(document.paragraph_text(p) for p in document.paragraphs)
        assert "".join(from_sentences.split()) == "".join(from_paragraphs.split())


def test_sample_nbsp_sentence() -> None:
    (ru_doc, _) = documents(CORPUS / "002_9e5125a431169a21.txt")
    assert ru_doc.lang == "ru"
    sentences = RussianSplitter().split_document(ru_doc)
    (ushakov,) = [s for s in sentences if "Юрий\u00a0Ушаков" in s.text]
    assert ushakov.text.endswith("рассказал Юрий\u00a0Ушаков.")
    assert ru_doc.file.text[ushakov.start : ushakov.end] == ushakov.text
    assert ushakov.paragraph == 6


def test_sample_chinese_sentences() -> None:
    (_, zh_doc) = documents(CORPUS / "002_9e5125a431169a21.txt")
    assert zh_doc.lang == "zh"
    texts = [s.text for s in ChineseSplitter().split_document(zh_doc)]
    assert texts[0] == "重要细节:乌沙科夫讲述了弗拉基米尔*普京和习近平谈了一个半小时的事情"
    assert "莫斯科,2月4日-CRMtv。" in texts
    assert "俄罗斯总统普京2026年访华的日期和具体安排将另行商定。" in texts
    assert ("会谈中,俄罗斯总统普京向习近平主席说明,"
            "俄美《新削减战略武器条约》将于2月5日到期。") in texts
    assert "谈及2月4日举行的视频对话,乌沙科夫表示,此次会谈持续约1.5小时。" in texts
    assert any(t.startswith("“会谈中,两国领导人") and t.endswith("议题。”") for t in texts)


def test_sample_line_splitter_gives_one_sentence_per_paragraph() -> None:
    for document in documents(CORPUS / "002_9e5125a431169a21.txt"):
        sentences = LineSplitter().split_document(document)
        assert len(sentences) == len(document.paragraphs)
        for sentence, paragraph in zip(sentences, document.paragraphs, strict=True):
            assert (sentence.start, sentence.end, sentence.paragraph) == (
                paragraph.start, paragraph.end, paragraph.index)


# --- fragments ---


def test_a_punctuation_only_piece_joins_the_sentence_before_it_or_the_one_after() -> None:
    text = "甲。“乙。"
    assert join_fragments(text, [(0, 2), (2, 3), (3, 5)]) == [(0, 3), (3, 5)]
    assert join_fragments("“甲。", [(0, 1), (1, 3)]) == [(0, 3)]  # a stray opening quote
    assert join_fragments("。", [(0, 1)]) == [(0, 1)]  # nothing to join: kept, never lost
    assert join_fragments("甲。乙。", [(0, 2), (2, 4)]) == [(0, 2), (2, 4)]
    assert is_fragment("“ 。") and not is_fragment("5。") and not is_fragment("A")


@pytest.mark.parametrize(("text", "expected"), [
    ("他说完了。 “", ["他说完了。 “"]),
    ("他说完了。 。 我们走了。", ["他说完了。 。", "我们走了。"]),
])
def test_chinese_fragments_never_become_sentences(zh: ChineseSplitter, text: str,
                                                  expected: list[str]) -> None:
    assert pieces(zh, text) == expected

