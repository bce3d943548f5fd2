"""The aligner on synthetic meanings, where the right answer is known exactly.

A toy encoder gives every "meaning" a random vector; a sentence is written as
its meaning ids (``r3`` on the Russian side, ``z3`` on the Chinese side), a
merged sentence as several ids, and a joined window embeds as the normalised
sum of its parts, as a real encoder roughly does.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from toy_encoder import DIM, MeaningEncoder

from aligner.align import JOINERS, align_document, embed_windows, join_earned_nulls
from aligner.align.calibration import Evidence
from aligner.align.dp import Band, find_path, search
from aligner.align.scoring import Side, WindowSet, bead_shapes, make_sides
from aligner.config import AlignerSettings
from aligner.model import Bead, Sentence


def sentences(texts: list[str], paragraphs: list[int] | None = None) -> list[Sentence]:
    paragraphs = paragraphs or [0] * len(texts)
    return [Sentence(text, 0, 0, p) for text, p in zip(texts, paragraphs, strict=True)]


def shapes_of(beads: list[Bead]) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
    return [(bead.ru, bead.zh) for bead in beads]


@pytest.fixture(scope="module")
def encoder() -> MeaningEncoder:
    return MeaningEncoder()


def test_one_to_one_document(encoder: MeaningEncoder) -> None:
    ru = sentences([f"r{i}" for i in range(8)])
    zh = sentences([f"z{i}" for i in range(8)])
    _, _, beads = align_document(ru, zh, encoder, AlignerSettings())
    assert shapes_of(beads) == [((i,), (i,)) for i in range(8)]
    assert all(bead.score is not None and bead.score > 0.9 for bead in beads)


def test_insertions_deletions_and_merges(encoder: MeaningEncoder) -> None:
    # ru: 0 1 2 [900: inserted caption] 3 4 5 6 7 ; zh: 0 1+2 3 4 [5 deleted] 6 7a 7b
    ru = sentences(["r0", "r1", "r2", "r900", "r3", "r4", "r5", "r6", "r7"])
    zh = sentences(["z0", "z1 z2", "z3", "z4", "z6", "z7", "z7 z8"])
    zh[-2] = Sentence("z70", 0, 0, 0)  # 7 split in two halves: 70 + 71 ≈ 7
    zh[-1] = Sentence("z71", 0, 0, 0)
    encoder._vectors[7] = encoder._vectors[70] + encoder._vectors[71]
    _, _, beads = align_document(ru, zh, encoder, AlignerSettings(refine=False))
    assert shapes_of(beads) == [
        ((0,), (0,)), ((1, 2), (1,)), ((3,), ()), ((4,), (2,)), ((5,), (3,)),
        ((6,), ()), ((7,), (4,)), ((8,), (5, 6)),
    ]
    assert [bead.type for bead in beads] == ["1-1", "2-1", "1-0", "1-1", "1-1", "1-0", "1-1", "1-2"]
    assert all(0.0 <= bead.score <= 1.0 for bead in beads)


def test_every_sentence_in_exactly_one_bead(encoder: MeaningEncoder) -> None:
    rng = np.random.default_rng(7)
    ru = sentences([f"r{i}" for i in rng.integers(0, 50, 30)])
    zh = sentences([f"z{i}" for i in rng.integers(0, 50, 25)])
    _, _, beads = align_document(ru, zh, encoder, AlignerSettings())
    assert [i for bead in beads for i in bead.ru] == list(range(30))
    assert [j for bead in beads for j in bead.zh] == list(range(25))


def test_one_empty_side_gives_nulls(encoder: MeaningEncoder) -> None:
    _, _, beads = align_document(sentences(["r1", "r2"]), [], encoder, AlignerSettings())
    assert [bead.type for bead in beads] == ["1-0", "1-0"]


def test_paragraph_break_discourages_a_merge_across_it(encoder: MeaningEncoder) -> None:
    # zh "z1 z2" is one sentence; ru 1 and 2 sit in different paragraphs. The merge still wins
    # (the evidence is strong), but with a huge paragraph penalty it must not.
    ru = sentences(["r0", "r1", "r2", "r3"], paragraphs=[0, 0, 1, 1])
    zh = sentences(["z0", "z1 z2", "z3"])
    settings = AlignerSettings(refine=False)
    assert ((1, 2), (1,)) in shapes_of(align_document(ru, zh, encoder, settings)[2])
    walled = replace(settings, paragraph_penalty=10.0)
    assert ((1, 2), (1,)) not in shapes_of(align_document(ru, zh, encoder, walled)[2])


def test_long_document_uses_a_band_and_finds_the_same_path(encoder: MeaningEncoder) -> None:
    """Coarse-to-fine must recover the path while touching a small share of the grid."""
    n = 1200
    ids = list(range(1000, 1000 + n))
    ru_ids = [i for i in ids if i % 97 != 5]  # some Russian sentences deleted
    zh_ids = [i for i in ids if i % 89 != 50]  # some Chinese ones too, never next to those
    ru = sentences([f"r{i}" for i in ru_ids])
    zh = sentences([f"z{i}" for i in zh_ids])
    encoder._vectors = np.random.default_rng(1).standard_normal((5000, DIM))
    settings = AlignerSettings(full_search_cells=10_000)
    _, _, beads = align_document(ru, zh, encoder, settings)
    ru_at = {i: (k,) for k, i in enumerate(ru_ids)}
    zh_at = {i: (k,) for k, i in enumerate(zh_ids)}
    expected = [(ru_at.get(i, ()), zh_at.get(i, ())) for i in ids]
    assert shapes_of(beads) == expected


def test_band_around_a_path_is_monotone_and_contains_it() -> None:
    corners = [(2, 2), (4, 6), (10, 12)]
    band = Band.around(corners, n=10, m=12, width=1)
    assert np.all(np.diff(band.lo) >= 0) and np.all(np.diff(band.hi) >= 0)
    for i, j in [(0, 0), *corners]:
        assert band.lo[i] <= j <= band.hi[i]
    assert band.cells < 11 * 13


def test_banded_search_equals_full_search_when_band_covers_path() -> None:
    rng = np.random.default_rng(3)
    base = rng.standard_normal((40, DIM)).astype(np.float32)
    base /= np.linalg.norm(base, axis=1, keepdims=True)
    noise = 0.3 * rng.standard_normal((40, DIM)).astype(np.float32)
    other = base + noise
    other /= np.linalg.norm(other, axis=1, keepdims=True)

    def windows(v: np.ndarray) -> dict[int, np.ndarray]:
        two = v[:-1] + v[1:]
        return {1: v, 2: two / np.linalg.norm(two, axis=1, keepdims=True)}

    breaks = {1: np.zeros(40, bool), 2: np.zeros(39, bool)}
    lengths = {1: np.full(40, 10.0), 2: np.full(39, 20.0)}
    settings = AlignerSettings(length_weight=0.0, max_ru=2, max_zh=2)  # the windows built above
    ru, zh = make_sides(WindowSet(windows(base), breaks, lengths),
                        WindowSet(windows(other), breaks, lengths), 20)
    shapes = bead_shapes(settings)
    full = search(ru, zh, shapes, settings, Band.full(40, 40))
    narrow = search(ru, zh, shapes, settings, Band.around([(i, i) for i in range(41)], 40, 40, 3))
    assert full == narrow == find_path(ru, zh, shapes, replace(settings, full_search_cells=100))


def test_two_nulls_in_one_gap_are_paired_only_up_to_the_gap_cost(encoder: MeaningEncoder) -> None:
    # r500 and z600 mean different things, sitting between the same two aligned neighbours,
    # each a paragraph of its own.
    ru = sentences(["r0", "r1", "r500", "r2", "r3"], [0, 0, 1, 2, 2])
    zh = sentences(["z0", "z1", "z600", "z2", "z3"], [0, 0, 1, 2, 2])
    apart = AlignerSettings(refine=False, gap_pair_cost=0.0)
    _, _, beads = align_document(ru, zh, encoder, apart)
    assert sorted(bead.type for bead in beads[2:4]) == ["0-1", "1-0"]
    _, _, beads = align_document(ru, zh, encoder, replace(apart, gap_pair_cost=5.0))
    assert shapes_of(beads) == [((i,), (i,)) for i in range(5)]
    assert beads[2].score < min(bead.score for k, bead in enumerate(beads) if k != 2)
    # Inside paragraphs the paragraphing does not place them together: they stay apart.
    one_paragraph = (sentences([s.text for s in ru]), sentences([s.text for s in zh]))
    _, _, beads = align_document(*one_paragraph, encoder, replace(apart, gap_pair_cost=5.0))
    assert sorted(bead.type for bead in beads[2:4]) == ["0-1", "1-0"]


def test_three_sentence_beads_are_found_without_embedding_three_sentence_windows(
        encoder: MeaningEncoder) -> None:
    # One Russian sentence rendered as three Chinese ones: 8 = 80 + 81 + 82.
    encoder._vectors[8] = (encoder._vectors[80] + encoder._vectors[81] + encoder._vectors[82])
    ru = sentences(["r0", "r1", "r8", "r2", "r3"])
    zh = sentences(["z0", "z1", "z80", "z81", "z82", "z2", "z3"])
    calls = encoder.calls
    _, _, beads = align_document(ru, zh, encoder, AlignerSettings(refine=False))
    assert shapes_of(beads) == [((0,), (0,)), ((1,), (1,)), ((2,), (2, 3, 4)), ((3,), (5,)),
                                ((4,), (6,))]
    texts = encoder.calls - calls
    assert texts == (5 + 4) + (7 + 6)  # singles and pairs only, on both sides
    _, _, beads = align_document(ru, zh, encoder, AlignerSettings(refine=False, max_zh=2))
    assert ((2,), (2, 3, 4)) not in shapes_of(beads)


def sides_of(ru: list[Sentence], zh: list[Sentence], encoder: MeaningEncoder,
             settings: AlignerSettings) -> tuple[Side, Side]:
    return make_sides(embed_windows(ru, settings.max_ru, JOINERS["ru"], encoder),
                      embed_windows(zh, settings.max_zh, JOINERS["zh"], encoder),
                      settings.normaliser_sample)


def test_a_null_beside_a_bead_joins_it_unless_joining_makes_the_pair_worse(
        encoder: MeaningEncoder) -> None:
    # Russian 9 is Chinese 90 + 91 (a sentence the translator cut in two); the search left 91
    # out.  z700 (a note line) says something else and must stay out, whichever bead it is
    # next to.
    encoder._vectors[9] = encoder._vectors[90] + encoder._vectors[91]
    settings = AlignerSettings(refine=False, length_weight=0.0)
    ru = sentences(["r0", "r9", "r2"])
    zh = sentences(["z0", "z90", "z91", "z700", "z2"])
    ru_side, zh_side = sides_of(ru, zh, encoder, settings)
    beads = [Bead((0,), (0,), 0.9), Bead((1,), (1,), 0.5), Bead((), (2,), 0.5),
             Bead((), (3,), 0.5), Bead((2,), (4,), 0.9)]
    evidence = [Evidence("pair", 0.1, 1.0, 2)] * len(beads)
    joined_beads, joined_evidence = join_earned_nulls(beads, evidence, ru_side, zh_side,
                                                      (ru, zh), settings)
    assert shapes_of(joined_beads) == [((0,), (0,)), ((1,), (1, 2)), ((), (3,)), ((2,), (4,))]
    assert len(joined_evidence) == len(joined_beads)
    assert joined_evidence[1].sentences == 3
    # Switched off, the search's beads are kept as they are.
    off = replace(settings, null_join_margin=-1.0)
    assert join_earned_nulls(beads, evidence, ru_side, zh_side, (ru, zh), off)[0] == beads
    # A paragraph break between the halves keeps them apart (lines are paragraphs in raw text).
    zh_paragraphs = sentences([s.text for s in zh], [0, 1, 2, 3, 4])
    kept, _ = join_earned_nulls(beads, evidence, ru_side, zh_side, (ru, zh_paragraphs),
                                settings)
    assert kept == beads


def test_null_joining_respects_the_bead_limits(encoder: MeaningEncoder) -> None:
    # Russian 19 is 190 + 191 + 192 + 193: a 1-4 by default, beyond max_zh=3, where the fourth
    # stays out.
    encoder._vectors[19] = sum(encoder._vectors[190:194])
    ru = sentences(["r19"])
    zh = sentences(["z190", "z191", "z192", "z193"])
    beads = [Bead((0,), (0,), 0.5), Bead((), (1,), 0.5), Bead((), (2,), 0.5),
             Bead((), (3,), 0.5)]
    evidence = [Evidence("pair", 0.1, 1.0, 2)] * 4
    for settings, expected in (
            (AlignerSettings(refine=False, length_weight=0.0), [((0,), (0, 1, 2, 3))]),
            (AlignerSettings(refine=False, length_weight=0.0, max_zh=3),
             [((0,), (0, 1, 2)), ((), (3,))])):
        ru_side, zh_side = sides_of(ru, zh, encoder, settings)
        joined_beads, _ = join_earned_nulls(beads, evidence, ru_side, zh_side, (ru, zh),
                                            settings)
        assert shapes_of(joined_beads) == expected


def test_four_sentence_groups_are_found_from_sentence_vectors(encoder: MeaningEncoder) -> None:
    # One Russian sentence rendered as four Chinese ones: 28 = 280 + 281 + 282 + 283.
    encoder._vectors[28] = sum(encoder._vectors[280:284])
    ru = sentences(["r0", "r28", "r2"])
    zh = sentences(["z0", "z280", "z281", "z282", "z283", "z2"])
    calls = encoder.calls
    _, _, beads = align_document(ru, zh, encoder, AlignerSettings(refine=False))
    assert shapes_of(beads) == [((0,), (0,)), ((1,), (1, 2, 3, 4)), ((2,), (5,))]
    assert encoder.calls - calls == (3 + 2) + (6 + 5)  # singles and pairs only
