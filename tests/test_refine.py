"""Refinement: cutting sentences the splitter glued, on synthetic meanings.

The toy encoder of test_align embeds a text as the sum of the meanings of the
numbers in it, so a glued sentence ``乙z1”z2。`` embeds as meanings 1 + 2 and its
halves as 1 and 2: where a cut belongs is known exactly.  Sentences carry real
offsets into a document text, so the tests can check that every cut keeps them.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import replace

import pytest
import rjieba
from toy_encoder import MeaningEncoder

from aligner.align import align_document
from aligner.align.refine import (
    RU_FUNCTION_WORDS,
    ru_cut_positions,
    title_cut_positions,
    zh_cut_positions,
)
from aligner.config import AlignerSettings, RunConfig
from aligner.model import Bead, Sentence
from aligner.segment.chinese import word_boundaries

SETTINGS = AlignerSettings()
# The toy encoder sees only the numbers, so every place between two of them embeds alike: the
# tests of where cuts may go switch off the margin that asks the place to stand out.
ANY_PLACE = replace(SETTINGS, cut_place_margin=0.0)


def document(texts: list[str], joiner: str, paragraph_starts: Sequence[int] = ()
             ) -> tuple[str, list[Sentence]]:
    """A document text and its sentences, with exact offsets; a new paragraph begins at each
    sentence of ``paragraph_starts`` (one paragraph when there is none)."""
    text = joiner.join(texts)
    sentences, start, paragraph = [], 0, 0
    for k, sentence in enumerate(texts):
        start = text.index(sentence, start)
        paragraph += k in paragraph_starts
        sentences.append(Sentence(sentence, start, start + len(sentence), paragraph))
        start += len(sentence)
    return text, sentences


def check_cover(text: str, before: list[Sentence], after: tuple[Sentence, ...],
                in_beads: list[int]) -> None:
    """The new sentences are trimmed slices of the text that hold every character of the old
    ones once, in order, and each is in exactly one bead."""
    assert all(s.text == text[s.start : s.end] == s.text.strip() for s in after)
    assert all(a.end <= b.start for a, b in itertools.pairwise(after))

    def characters(sentences: Sequence[Sentence]) -> str:
        return "".join(s.text.replace(" ", "") for s in sentences)

    assert characters(after) == characters(before)
    assert in_beads == list(range(len(after)))


def ru_of(beads: list[Bead]) -> list[int]:
    return [i for bead in beads for i in bead.ru]


def zh_of(beads: list[Bead]) -> list[int]:
    return [j for bead in beads for j in bead.zh]


@pytest.fixture()
def encoder() -> MeaningEncoder:
    return MeaningEncoder()


def test_a_chinese_sentence_glued_after_a_closing_quote_is_cut_into_two_one_to_one_beads(
        encoder: MeaningEncoder) -> None:
    _, ru = document(["Утро r1.", "Он сказал r2.", "Потом r3.", "Вечер r4."], " ")
    zh_text, zh = document(["早上z1。", "他说“z2”z3。", "晚上z4。"], "")
    new_ru, new_zh, beads = align_document(ru, zh, encoder, SETTINGS)
    assert new_ru == tuple(ru)
    assert [s.text for s in new_zh] == ["早上z1。", "他说“z2”", "z3。", "晚上z4。"]
    assert (new_zh[1].start, new_zh[2].start) == (zh_text.index("他"), zh_text.index("z3"))
    assert [(b.ru, b.zh) for b in beads] == [((i,), (i,)) for i in range(4)]
    assert all(0.5 < b.score <= 1.0 for b in beads)
    check_cover(zh_text, zh, new_zh, zh_of(beads))


def test_a_russian_sentence_in_a_one_to_two_bead_is_cut_at_a_word_that_can_start_one(
        encoder: MeaningEncoder) -> None:
    ru_text, ru = document(["Утро r1.", "Днём r2 шёл; Потом r3 стих.", "Вечер r4."], " ")
    _, zh = document(["早上z1。", "中午z2下雨。", "后来z3停了。", "晚上z4。"], "")
    new_ru, new_zh, beads = align_document(ru, zh, encoder, SETTINGS)
    assert new_zh == tuple(zh)
    assert [s.text for s in new_ru] == ["Утро r1.", "Днём r2 шёл;", "Потом r3 стих.", "Вечер r4."]
    assert new_ru[2].start == ru_text.index("Потом")
    assert [(b.ru, b.zh) for b in beads] == [((i,), (i,)) for i in range(4)]
    check_cover(ru_text, ru, new_ru, ru_of(beads))


def test_a_title_glued_on_both_sides_in_the_first_bead_is_cut_on_both(
        encoder: MeaningEncoder) -> None:
    ru_text, ru = document(["Пожар r1 потушен Вчера r2 горел дом.", "Утром r3.", "Днём r4."], " ")
    zh_text, zh = document(["火灾z1扑灭昨天z2。", "早上z3。", "中午z4。"], "")
    new_ru, new_zh, beads = align_document(ru, zh, encoder, ANY_PLACE)
    assert [s.text for s in new_ru[:2]] == ["Пожар r1 потушен", "Вчера r2 горел дом."]
    assert "1" in new_zh[0].text and "2" in new_zh[1].text and len(new_zh) == 4
    assert [(b.ru, b.zh) for b in beads] == [((i,), (i,)) for i in range(4)]
    check_cover(ru_text, ru, new_ru, ru_of(beads))
    check_cover(zh_text, zh, new_zh, zh_of(beads))


def test_a_genuine_two_to_one_bead_without_a_good_cut_is_left_alone(
        encoder: MeaningEncoder) -> None:
    encoder._vectors[7] = encoder._vectors[70] + encoder._vectors[71]  # 7 means 70 and 71
    _, ru = document(["Утро r1.", "Днём r70.", "И r71.", "Вечер r4."], " ")
    _, zh = document(["早上z1。", "白天z7。", "晚上z4。"], "")
    new_ru, new_zh, beads = align_document(ru, zh, encoder, SETTINGS)
    assert (new_ru, new_zh) == (tuple(ru), tuple(zh))
    assert [(b.ru, b.zh) for b in beads] == [((0,), (0,)), ((1, 2), (1,)), ((3,), (2,))]


@pytest.mark.parametrize(("glued", "run"), [("甲z1《乙z2丙》z3来了。", "《乙z2丙》"),
                                           ("甲z1z2AB丁z3。", "z1z2AB")])
def test_a_cut_never_falls_inside_a_book_title_or_a_latin_and_digit_run(
        encoder: MeaningEncoder, glued: str, run: str) -> None:
    # By meaning the cut belongs right after z2, inside the run; it must go past the run.  The
    # glued sentence opens a paragraph, where a title may end without a mark.
    _, ru = document(["Утро r9.", "Днём r1 r2.", "Потом r3.", "Вечер r4."], " ")
    zh_text, zh = document(["早上z9。", glued, "晚上z4。"], "", paragraph_starts=(1,))
    _, new_zh, beads = align_document(ru, zh, encoder, SETTINGS)
    assert len(new_zh) == 4
    cut = new_zh[2].start - zh[1].start
    assert not glued.index(run) < cut < glued.index(run) + len(run)
    check_cover(zh_text, zh, new_zh, zh_of(beads))


def test_cut_positions_respect_the_writing_systems() -> None:
    zh = "他读了《红楼梦》和ABC12后说：“好”，然后走了。"
    # Inside a sentence only after a mark, a colon or a comma, never before one.
    assert zh_cut_positions(zh) == {zh.index("“"): "comma", zh.index("然"): "comma"}
    assert zh_cut_positions("他说“好”然后走了；我们留下。") == {5: "mark", 10: "mark"}
    inside = set(range(zh.index("《") + 1, zh.index("》") + 1))
    latin = set(range(zh.index("A") + 1, zh.index("2") + 1))
    after_opening = {zh.index("“") + 1}
    before_marks = {i for i, c in enumerate(zh) if c in "》：”，。"}
    title = zh_cut_positions(zh, title=True)
    assert set(title) > set(zh_cut_positions(zh))
    assert not set(title) & (inside | latin | after_opening | before_marks)
    # Not after a preposition, a dash, an initial or an abbreviation, nor before a lower-case
    # word; with no mark only in a title, and never between two capitalised words (a name).
    ru = ("Он сказал, Что делать в Москве Вчера «Спартак» забил 12 голов — Нет вот Это "
          "был с В. Путиным в г. Москва в Кремле. Затем ушёл")
    def starts(positions: dict[int, str]) -> list[tuple[str, str]]:
        return [(ru[p:].split()[0], kind) for p, kind in positions.items()]

    assert starts(ru_cut_positions(ru)) == [("Что", "comma"), ("Затем", "mark")]
    # In a title also before a capitalised word with no mark: a title may end in a name.
    assert starts(ru_cut_positions(ru, title=True)) == [
        ("Что", "comma"), ("Вчера", "word"), ("«Спартак»", "word"), ("Это", "word"),
        ("Затем", "mark")]
    title = "Ураган Роза принесет ливни на часть юго-запада США Согласно прогнозу Андрея Ефимыча"
    assert [(title[p:].split()[0], kind) for p, kind in title_cut_positions(title).items()] == [
        ("США", "word"), ("Согласно", "word"), ("Андрея", "word")]  # not after "Ураган"
    # The subject of an ordinary sentence is no title: no bare place right after it.
    assert title_cut_positions("Президент России провёл переговоры с КНР.") == {}
    bare = zh_cut_positions("俄罗斯总统与中国国家主席举行了会谈。", title=True)
    assert min(at for at, kind in bare.items() if kind == "word") >= 6  # not 俄罗斯总统‖与


def test_no_cut_inside_a_foreign_phrase_or_after_a_preposition_or_an_honorific() -> None:
    # A Latin run is one name or quotation even across its spaces, on either side.
    zh = "他说了一句Il faut bien le faire然后走了。"
    latin = set(range(zh.index("I") + 1, zh.index("然")))
    assert not set(zh_cut_positions(zh, title=True)) & latin
    assert zh.index("然") in zh_cut_positions(zh, title=True)
    ru = "Звезда шоу Still Game Форд открывает ресторан Форд против Кавано и г-на Трампа"
    starts = [ru[p:].split()[0] for p in ru_cut_positions(ru, title=True)]
    assert "Game" not in starts  # between two Latin words
    assert "Форд" in starts  # after the foreign title, a sentence may start
    assert "Кавано" not in starts and "Трампа" not in starts  # after против, г-на


@pytest.mark.parametrize("text", [
    "美国参议员伊丽莎白·沃伦宣布参与总统竞选美国参议员伊丽莎白·沃伦周一宣布参选。",
    "俄媒指出,两国领导人上一次面对面会晤是在2025年9月,当时普京总统对中国进行了为期四天的访问。",
    "医院里的破烂东西可是他越是有理性，就越是“不安”：这令我们伤痛欲绝",
])
def test_chinese_cuts_never_fall_inside_a_jieba_word(text: str) -> None:
    positions = zh_cut_positions(text, title=True)
    assert positions
    assert set(positions) <= set(word_boundaries(text))
    words = {"伊丽莎白", "上一次", "面对面", "破烂", "可是"} & {w for w in rjieba.cut(text)}
    for word in words:
        start = text.index(word)
        assert not set(positions) & set(range(start + 1, start + len(word)))


@pytest.mark.parametrize("text", [
    "Член парламента США Сенатор Элизабет Уоррен заявила о выдвижении Андрея Ефимыча",
    "Тогда Путин принял участие в саммите ШОС и в мероприятиях, а также провел серию встреч.",
])
def test_russian_cuts_fall_only_between_words(text: str) -> None:
    for positions in (ru_cut_positions(text), ru_cut_positions(text, title=True)):
        for at in positions:
            assert text[at - 1].isspace() and not text[at].isspace()
            before = text[:at].split()[-1]
            assert before.lower() not in RU_FUNCTION_WORDS
        assert all(not text[at:].startswith("Ефимыча") for at in positions)  # a patronymic


def test_a_cut_with_no_mark_is_not_made_inside_a_paragraph(encoder: MeaningEncoder) -> None:
    # The Chinese glued sentence is not its paragraph's first, so it cannot be a title and
    # the bare place between z2 and z3 is no place to cut: the 2-1 bead stays.
    _, ru = document(["Утро r1.", "Днём r2.", "Потом r3.", "Вечер r4."], " ")
    _, zh = document(["早上z1。", "中午z2下雨后来z3停了。", "晚上z4。"], "")
    _, new_zh, beads = align_document(ru, zh, encoder, SETTINGS)
    assert new_zh == tuple(zh)
    assert [(b.ru, b.zh) for b in beads] == [((0,), (0,)), ((1, 2), (1,)), ((3,), (2,))]
    # The same sentence opening a paragraph may be a title glued to its sentence, and is cut.
    _, zh = document(["早上z1。", "中午z2下雨后来z3停了。", "晚上z4。"], "", paragraph_starts=(1,))
    _, new_zh, beads = align_document(ru, zh, encoder, ANY_PLACE)
    assert len(new_zh) == 4
    assert "z2" in new_zh[1].text and new_zh[2].text.endswith("z3停了。")
    # Where several places between z2 and z3 are equally good, none stands out: no cut.
    _, new_zh, beads = align_document(ru, zh, encoder, SETTINGS)
    assert new_zh == tuple(zh)


def test_refinement_off_leaves_sentences_and_beads_as_the_search_found_them(
        encoder: MeaningEncoder) -> None:
    _, ru = document(["Утро r1.", "Он сказал r2.", "Потом r3.", "Вечер r4."], " ")
    _, zh = document(["早上z1。", "他说“z2”z3。", "晚上z4。"], "")
    new_ru, new_zh, beads = align_document(ru, zh, encoder, replace(SETTINGS, refine=False))
    assert (new_ru, new_zh) == (tuple(ru), tuple(zh))
    assert [(b.ru, b.zh) for b in beads] == [((0,), (0,)), ((1, 2), (1,)), ((3,), (2,))]
    assert not RunConfig(presplit=True).effective_aligner.refine
    assert RunConfig().effective_aligner.refine


def test_every_character_is_still_covered_once_in_a_messy_document(
        encoder: MeaningEncoder) -> None:
    ru_text, ru = document(["Новость r1 вышла Сегодня r2 тепло.", "Реклама r900.", "Днём r3.",
                            "Он шёл r4; Затем r5 ушёл.", "Вечер r6.", "Ночью r7.", "Утро r8."], " ")
    zh_text, zh = document(["新闻z1今天z2暖和。", "中午z3。", "他z4。", "然后z5走了。",
                            "晚上z6“z7”z8。", "补充z901。"], "")
    new_ru, new_zh, beads = align_document(ru, zh, encoder, SETTINGS)
    assert len(new_ru) + len(new_zh) > len(ru) + len(zh)
    check_cover(ru_text, ru, new_ru, ru_of(beads))
    check_cover(zh_text, zh, new_zh, zh_of(beads))
