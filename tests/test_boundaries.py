"""The boundary report: which segment starts and ends count as mid-sentence cuts."""

from __future__ import annotations

import pytest

from aligner.boundaries import boundary_position, check_segments, is_sentence_boundary


def spans(text: str, pieces: list[str]) -> list[tuple[int, int]]:
    """The spans of ``pieces``, found left to right in ``text``."""
    found, cursor = [], 0
    for piece in pieces:
        start = text.index(piece, cursor)
        cursor = start + len(piece)
        found.append((start, cursor))
    return found


@pytest.mark.parametrize(("text", "at", "fine"), [
    ("第一句。第二句。", 4, True),  # after a full stop
    ("他说：“好。”然后走了。", 6, True),  # after a full stop and its closing quote
    ("他说：“好”然后走了。", 5, False),  # a closing quote alone does not end a sentence
    ("美国参议员伊丽莎白·沃伦", 7, False),  # inside a name
    ("等等……后来。", 4, True),  # after an ellipsis
])
def test_chinese_boundaries(text: str, at: int, fine: bool) -> None:
    assert is_sentence_boundary(text, at, "zh", set()) is fine


@pytest.mark.parametrize(("text", "at", "fine"), [
    ("Первое. Второе.", 7, True),
    ("Он сказал: «Да!» Потом ушёл.", 16, True),
    ("Член парламента США Сенатор", 15, False),
    ("Первое\nВторое", 6, True),  # a paragraph break
    ("Первое", 6, True),  # the end of the text
])
def test_russian_boundaries(text: str, at: int, fine: bool) -> None:
    assert is_sentence_boundary(text, at, "ru", set()) is fine


def test_a_gold_unit_boundary_is_fine_without_punctuation() -> None:
    text = "Заголовок без точки Первое предложение."
    gold = spans(text, ["Заголовок без точки", "Первое предложение."])
    report = check_segments("d", "ru", text, gold, gold)
    assert report.cuts == []
    assert report.boundaries["ru"] == 3  # start, the shared boundary, end


def test_cuts_are_counted_once_per_position_and_listed_with_context() -> None:
    text = "俄媒指出，两国领导人上一次面对面会晤是在九月。乌沙科夫补充道。"
    segments = spans(text, ["俄媒指出，两国领导人上一", "次面对面会晤是在九月。",
                            "乌沙科夫补充道。"])
    report = check_segments("doc", "zh", text, segments)
    assert report.boundaries["zh"] == 4
    assert [(cut.at, cut.left[-2:], cut.right[:2]) for cut in report.cuts] == [(12, "上一", "次面")]
    assert report.count("zh") == report.count("zh", inside_clause=True) == 1
    assert "上一‖次面" in report.format()


def test_a_cut_after_a_comma_is_mid_sentence_but_not_inside_a_clause() -> None:
    text = "他来了，我们走了。"
    report = check_segments("doc", "zh", text, spans(text, ["他来了，", "我们走了。"]))
    assert report.count("zh") == 1
    assert report.count("zh", inside_clause=True) == 0


def test_white_space_before_a_boundary_is_left_out() -> None:
    text = "Первое.   Второе."
    assert boundary_position(text, text.index("В")) == boundary_position(text, 7) == 7
