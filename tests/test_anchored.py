"""Aligning through fixed beads: kept where found, the gaps aligned as usual, nothing lost."""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from toy_encoder import MeaningEncoder

from aligner.align import align_document
from aligner.align.anchored import FixedBead, SentenceSpan, align_through, place_fixed
from aligner.config import AlignerSettings
from aligner.model import Bead, Sentence

SETTINGS = AlignerSettings(refine=False)


def laid_out(texts: list[str]) -> list[Sentence]:
    """Sentences one after another in a text, a space between, with their real offsets."""
    sentences, start = [], 0
    for text in texts:
        sentences.append(Sentence(text, start, start + len(text), 0))
        start += len(text) + 1
    return sentences


def span(sentence: Sentence) -> SentenceSpan:
    return SentenceSpan(sentence.start, sentence.end, sentence.text)


def shapes(ru: Sequence[Sentence], zh: Sequence[Sentence], beads: list[Bead]
           ) -> list[tuple[list[str], list[str]]]:
    return [([ru[i].text for i in b.ru], [zh[j].text for j in b.zh]) for b in beads]


def assert_partition(ru: Sequence[Sentence], zh: Sequence[Sentence], beads: list[Bead]) -> None:
    assert [i for b in beads for i in b.ru] == list(range(len(ru)))
    assert [j for b in beads for j in b.zh] == list(range(len(zh)))


@pytest.fixture(scope="module")
def gap_aligner():
    encoder = MeaningEncoder()
    calls: list[tuple[list[str], list[str]]] = []

    def align(ru: Sequence[Sentence], zh: Sequence[Sentence]):
        calls.append(([s.text for s in ru], [s.text for s in zh]))
        return align_document(ru, zh, encoder, SETTINGS)

    align.calls = calls  # type: ignore[attr-defined]
    return align


def test_no_fixed_bead_is_the_ordinary_alignment(gap_aligner) -> None:
    ru, zh = laid_out([f"r{i}" for i in range(6)]), laid_out([f"z{i}" for i in range(6)])
    got = align_through(ru, zh, [], gap_aligner)
    assert shapes(*got) == [([f"r{i}"], [f"z{i}"]) for i in range(6)]


def test_a_fixed_bead_is_kept_and_the_gaps_around_it_aligned(gap_aligner) -> None:
    ru, zh = laid_out([f"r{i}" for i in range(8)]), laid_out([f"z{i}" for i in range(8)])
    # a person decided r3 r4 go with z3 alone, and z4 is untranslated: not what the search says
    fixed = [FixedBead((span(ru[3]), span(ru[4])), (span(zh[3]),), 0.42, "confirmed"),
             FixedBead((), (span(zh[4]),), None, "edited")]
    gap_aligner.calls.clear()
    ru2, zh2, beads = align_through(ru, zh, fixed, gap_aligner)
    assert_partition(ru2, zh2, beads)
    assert shapes(ru2, zh2, beads) == [
        (["r0"], ["z0"]), (["r1"], ["z1"]), (["r2"], ["z2"]), (["r3", "r4"], ["z3"]),
        ([], ["z4"]), (["r5"], ["z5"]), (["r6"], ["z6"]), (["r7"], ["z7"])]
    assert (beads[3].score, beads[3].status) == (0.42, "confirmed")
    assert (beads[4].score, beads[4].status) == (None, "edited")
    assert {b.status for k, b in enumerate(beads) if k not in (3, 4)} == {"auto"}
    # the search ran on the two gaps only, never on a fixed sentence
    assert gap_aligner.calls == [(["r0", "r1", "r2"], ["z0", "z1", "z2"]),
                                 (["r5", "r6", "r7"], ["z5", "z6", "z7"])]


def test_a_fixed_null_in_the_middle_of_a_gap_goes_back_in_its_place(gap_aligner) -> None:
    ru, zh = laid_out([f"r{i}" for i in range(6)]), laid_out([f"z{i}" for i in range(6)])
    ru2, zh2, beads = align_through(ru, zh, [FixedBead((span(ru[2]),), (), 0.9, "confirmed")],
                                    gap_aligner)
    assert_partition(ru2, zh2, beads)
    got = shapes(ru2, zh2, beads)
    assert got.index((["r1"], ["z1"])) < got.index((["r2"], [])) < got.index((["r3"], ["z3"]))
    assert beads[got.index((["r2"], []))].status == "confirmed"
    assert [bead.status for bead in beads].count("confirmed") == 1


def test_a_bead_whose_text_changed_is_not_kept(gap_aligner) -> None:
    ru, zh = laid_out([f"r{i}" for i in range(5)]), laid_out([f"z{i}" for i in range(5)])
    stale = FixedBead((SentenceSpan(ru[2].start, ru[2].end, "r9"),), (span(zh[3]),), 0.5,
                      "confirmed")
    assert place_fixed([stale], ru, zh) == []
    ru2, zh2, beads = align_through(ru, zh, [stale], gap_aligner)
    assert shapes(ru2, zh2, beads) == [([f"r{i}"], [f"z{i}"]) for i in range(5)]
    assert {b.status for b in beads} == {"auto"}


def test_sentences_cut_by_an_earlier_refinement_are_found_inside_a_glued_one(gap_aligner) -> None:
    # this run's splitter glued "r1. r2" into one sentence; the saved bead holds only "r1."
    ru = laid_out(["r0", "r1. r2", "r3"])
    zh = laid_out(["z0", "z1", "z2", "z3"])
    halves = (SentenceSpan(ru[1].start, ru[1].start + 3, "r1."),
              SentenceSpan(ru[1].start + 4, ru[1].end, "r2"))
    fixed = [FixedBead((halves[0],), (span(zh[1]),), 0.8, "confirmed"),
             FixedBead((halves[1],), (span(zh[2]),), 0.8, "confirmed")]
    ru2, zh2, beads = align_through(ru, zh, fixed, gap_aligner)
    assert_partition(ru2, zh2, beads)
    assert shapes(ru2, zh2, beads) == [(["r0"], ["z0"]), (["r1."], ["z1"]), (["r2"], ["z2"]),
                                       (["r3"], ["z3"])]
    assert [(s.start, s.end) for s in ru2][1:3] == [(h.start, h.end) for h in halves]


def test_a_bead_that_leaves_part_of_a_sentence_out_is_not_kept(gap_aligner) -> None:
    ru = laid_out(["r0", "r1. r2", "r3"])
    zh = laid_out(["z0", "z1", "z2", "z3"])
    half = SentenceSpan(ru[1].start, ru[1].start + 3, "r1.")
    assert place_fixed([FixedBead((half,), (span(zh[1]),), 0.8, "confirmed")], ru, zh) == []


def test_crossing_fixed_beads_keep_the_first_and_still_cover_everything(gap_aligner) -> None:
    ru, zh = laid_out([f"r{i}" for i in range(5)]), laid_out([f"z{i}" for i in range(5)])
    first = FixedBead((span(ru[1]),), (span(zh[3]),), 0.3, "confirmed")
    crossing = FixedBead((span(ru[3]),), (span(zh[1]),), 0.3, "confirmed")
    overlapping = FixedBead((span(ru[1]), span(ru[2])), (span(zh[4]),), 0.3, "edited")
    placed = place_fixed([first, crossing, overlapping], ru, zh)
    assert [p.fixed for p in placed] == [first]
    ru2, zh2, beads = align_through(ru, zh, [first, crossing, overlapping], gap_aligner)
    assert_partition(ru2, zh2, beads)
    assert (["r1"], ["z3"]) in shapes(ru2, zh2, beads)


def test_fixed_beads_at_both_ends_leave_empty_gaps(gap_aligner) -> None:
    ru, zh = laid_out(["r0", "r1", "r2"]), laid_out(["z0", "z1", "z2"])
    fixed = [FixedBead((span(ru[0]),), (span(zh[0]),), 0.9, "confirmed"),
             FixedBead((span(ru[2]),), (span(zh[1]), span(zh[2])), None, "edited")]
    ru2, zh2, beads = align_through(ru, zh, fixed, gap_aligner)
    assert_partition(ru2, zh2, beads)
    assert shapes(ru2, zh2, beads) == [(["r0"], ["z0"]), (["r1"], []), (["r2"], ["z1", "z2"])]
