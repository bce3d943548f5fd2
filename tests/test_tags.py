"""Dialogue tags: a Russian tag the search left unaligned joins its utterance's bead."""

from __future__ import annotations

import pytest
from toy_encoder import MeaningEncoder

from aligner.align import JOINERS, embed_windows, join_earned_nulls
from aligner.align.calibration import Evidence
from aligner.align.scoring import make_sides
from aligner.align.tags import is_dialogue_tag
from aligner.config import AlignerSettings
from aligner.model import Bead, Sentence


@pytest.mark.parametrize("text", ["— сказал он.", "— добавил Томский.", "- заметил помощник.",
                                  "— утверждает министр финансов России."])
def test_dialogue_tags_are_recognised(text: str) -> None:
    assert is_dialogue_tag(text)


@pytest.mark.parametrize("text", ["— Мы очень сожалеем!", "— Это так.", "Он сказал.",
                                  "— сказал он, и все замолчали, глядя на дверь и на окно."])
def test_an_utterance_a_plain_sentence_or_a_long_remark_is_no_tag(text: str) -> None:
    assert not is_dialogue_tag(text)


def test_a_tag_left_unaligned_joins_the_utterance_before_it() -> None:
    encoder = MeaningEncoder()
    settings = AlignerSettings(refine=False)
    # The tag's words mean nothing the Chinese says (noise 900), so by cost alone it would
    # stay out; an ordinary sentence of the same meaning (noise 901) does stay out.
    for tag, joins in (("— сказал n900.", True), ("Вот n901.", False)):
        ru = [Sentence(text, 0, 0, 0) for text in ("r0", "— r1!", tag, "r2")]
        zh = [Sentence(text, 0, 0, 0) for text in ("z0", "z1", "z2")]
        ru_side, zh_side = make_sides(embed_windows(ru, 4, JOINERS["ru"], encoder),
                                      embed_windows(zh, 4, JOINERS["zh"], encoder), 20)
        beads = [Bead((0,), (0,), 0.9), Bead((1,), (1,), 0.9), Bead((2,), (), 0.5),
                 Bead((3,), (2,), 0.9)]
        joined, _ = join_earned_nulls(beads, [Evidence("pair", 0.1, 1.0, 2)] * 4, ru_side,
                                      zh_side, (ru, zh), settings)
        expected = ([(0,), (1, 2), (3,)] if joins
                    else [(0,), (1,), (2,), (3,)])
        assert [bead.ru for bead in joined] == expected
