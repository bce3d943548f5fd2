"""Footnotes and translator's notes: recognised by their form and never glued into a pair."""

from __future__ import annotations

import pytest
from toy_encoder import MeaningEncoder

from aligner.align import align_document
from aligner.align.notes import is_note
from aligner.config import AlignerSettings
from aligner.model import Sentence


@pytest.mark.parametrize(("text", "lang"), [
    ("①原文如此。", "zh"), ("  ②同上。", "zh"), ("⑴ 见上文。", "zh"),
    ("注：括号内文字为译者所加。", "zh"),
    ("译者注：原文为缩写。", "zh"), ("编者注: 有删节。", "zh"),
    ("① Так в оригинале.", "ru"), ("Примечание переводчика: игра слов.", "ru"),
    ("Прим. пер. Так в тексте.", "ru"),
])
def test_note_lines_are_recognised(text: str, lang: str) -> None:
    assert is_note(text, lang)


@pytest.mark.parametrize(("text", "lang"), [
    ("他说：“注意安全。”", "zh"), ("一次也没押过“单打一”①吗？", "zh"), ("注意，这不是真的。", "zh"),
    ("Примечательно, что он пришёл.", "ru"), ("— Примите меры, — сказал он.", "ru"),
])
def test_a_marker_inside_a_sentence_or_a_word_like_a_label_is_no_note(text: str,
                                                                      lang: str) -> None:
    assert not is_note(text, lang)


def sentences(texts: list[str]) -> list[Sentence]:
    return [Sentence(text, 0, 0, 0) for text in texts]


def test_a_note_line_is_left_unaligned_even_when_it_looks_like_its_neighbour() -> None:
    # The note repeats the meaning of the sentence it annotates (z1), so joining it would not
    # make that bead any worse: only its form keeps it out.
    encoder = MeaningEncoder()
    ru = sentences(["r0", "r1", "r2", "r3"])
    for zh_texts in (["z0", "z1", "①z1", "z2", "z3"], ["z0", "z1", "z2", "z3", "注：z3"]):
        zh = sentences(zh_texts)
        note = next(k for k, text in enumerate(zh_texts) if is_note(text, "zh"))
        _, _, beads = align_document(ru, zh, encoder, AlignerSettings(refine=False))
        holding = [bead for bead in beads if note in bead.zh]
        assert len(holding) == 1 and holding[0].ru == () and holding[0].zh == (note,)
        assert sum(1 for bead in beads if bead.ru and bead.zh) == 4
