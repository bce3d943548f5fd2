"""Hand-checked cases of the Vecalign metric, the overlap mapping and the set runner.

Every expected number below was worked out by hand from score.py's rules, so
a change in the metric shows up as a changed number, not a vague failure.
"""

from __future__ import annotations

import sys
import types
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from aligner.config import RunConfig
from aligner.embed import Encoder
from aligner.evaluate import (
    Counts,
    EvalReport,
    GoldDocument,
    UnitBead,
    classify_errors,
    count_type_hits,
    evaluate_set,
    locate_units,
    map_document,
    map_scored_beads,
    parse_gold,
    score,
    score_result,
    units_of_side,
)
from aligner.model import (
    AlignedDocument,
    Bead,
    CorpusResult,
    Document,
    DocumentPair,
    Lang,
    Paragraph,
    Sentence,
    SourceFile,
)


def b(ru: list[int], zh: list[int]) -> UnitBead:
    return (tuple(ru), tuple(zh))


def p_r_f(counts: Counts) -> tuple[float, ...]:
    return (counts.precision_strict, counts.recall_strict, counts.f1_strict,
            counts.precision_lax, counts.recall_lax, counts.f1_lax)


# --- the metric --------------------------------------------------------------


def test_parse_gold_reads_vecalign_beads() -> None:
    text = "[0]:[0]\n[1, 2]:[3]\n\n[4]:[]\n[]:[5]\n"
    assert parse_gold(text) == [b([0], [0]), b([1, 2], [3]), b([4], []), b([], [5])]


def test_parse_gold_rejects_garbage() -> None:
    with pytest.raises(ValueError, match="line 2"):
        parse_gold("[0]:[0]\n0:0\n")


def test_perfect_alignment_scores_one_everywhere() -> None:
    gold = [b([0], [0]), b([1, 2], [1]), b([3], []), b([], [2]), b([4], [3, 4])]
    counts = score(gold, list(gold))
    assert p_r_f(counts) == (1.0,) * 6
    # precision sees all 5 beads, recall only the 3 without an empty side
    assert (counts.p_total, counts.r_total) == (5, 3)
    assert count_type_hits(gold, gold) == {
        ("1-1", True): 1, ("2-1", True): 1, ("1-0", True): 1, ("0-1", True): 1, ("1-2", True): 1}


def test_split_bead_against_merged_gold() -> None:
    gold = [b([0], [0]), b([1, 2], [1])]
    test = [b([0], [0]), b([1], [1]), b([2], [])]
    counts = score(gold, test)
    # precision: [0]:[0] strict; [1]:[1] lax only; [2]:[] neither  -> 1/3, 2/3
    # recall (null beads dropped): [0]:[0] strict; [1,2]:[1] lax    -> 1/2, 2/2
    assert counts == Counts(p_strict=1, p_lax=2, p_total=3, r_strict=1, r_lax=2, r_total=2)
    assert p_r_f(counts) == pytest.approx((1 / 3, 1 / 2, 0.4, 2 / 3, 1.0, 0.8))
    assert count_type_hits(gold, test) == {("1-1", True): 1, ("2-1", False): 1}


def test_gold_null_beads_are_left_out_of_recall() -> None:
    gold = [b([0], [0]), b([1], []), b([], [1]), b([2], [2])]
    test = [b([0], [0]), b([1], [1]), b([2], [2])]  # the insertion and deletion glued together
    counts = score(gold, test)
    # [1]:[1] is not lax: the gold bead holding ru 1 has no zh sentence to share
    assert counts == Counts(p_strict=2, p_lax=2, p_total=3, r_strict=2, r_lax=2, r_total=2)
    assert counts.recall_strict == 1.0
    assert count_type_hits(gold, test) == {("1-1", True): 2, ("1-0", False): 1, ("0-1", False): 1}


def test_test_null_beads_count_in_precision_only() -> None:
    gold = [b([0], [0]), b([1], []), b([], [1]), b([2], [2])]
    test = [b([0], [0]), b([1], []), b([], [1]), b([], [2]), b([2], []), b([], [])]
    counts = score(gold, test)
    # precision: 5 beads (the empty-empty one is ignored), 3 identical to gold, the
    # two wrong null beads cannot be lax; recall: gold [2]:[2] has no non-null test bead
    assert counts == Counts(p_strict=3, p_lax=3, p_total=5, r_strict=1, r_lax=1, r_total=2)
    assert count_type_hits(gold, test) == {
        ("1-1", True): 1, ("1-1", False): 1, ("1-0", True): 1, ("0-1", True): 1}


def test_lax_credits_a_bead_that_merges_two_gold_beads() -> None:
    gold = [b([0], [0]), b([1], [1]), b([2], [2])]
    test = [b([0, 1], [0, 1]), b([2], [2])]
    counts = score(gold, test)
    assert counts == Counts(p_strict=1, p_lax=2, p_total=2, r_strict=1, r_lax=3, r_total=3)
    assert p_r_f(counts) == pytest.approx((1 / 2, 1 / 3, 0.4, 1.0, 1.0, 1.0))


def test_lax_needs_source_and_target_in_the_same_gold_bead() -> None:
    gold = [b([0], [0]), b([1], [1])]
    test = [b([0], [1]), b([1], [0])]  # crossed: every sentence is in some gold bead
    assert score(gold, test) == Counts(0, 0, 2, 0, 0, 2)
    assert p_r_f(score(gold, test)) == (0.0,) * 6


def test_duplicate_beads_count_once() -> None:
    gold = [b([0], [0]), b([1], [1])]
    assert score(gold, [b([0], [0]), b([0], [0])]) == Counts(1, 1, 1, 1, 1, 2)


def test_empty_output_scores_zero_not_nan() -> None:
    counts = score([b([0], [0])], [])
    assert counts == Counts(0, 0, 0, 0, 0, 1)
    assert p_r_f(counts) == (0.0,) * 6


def test_pooling_sums_counts_over_documents() -> None:
    first = score([b([0], [0])], [b([0], [0])])
    second = score([b([0], [0]), b([1], [1]), b([2], [2])],
                   [b([0], [1]), b([1], [2]), b([2], [0])])
    pooled = first + second
    # 1 hit of 4 beads, not the mean of the two documents' 1.0 and 0.0
    assert pooled == Counts(1, 1, 4, 1, 1, 4)
    assert pooled.precision_strict == 0.25


# --- mapping output onto gold units ------------------------------------------


def test_locate_units_in_raw_text() -> None:
    text = "А б. В г.\n\nД е.\n"
    assert locate_units(text, ["А б.", "В г.", "Д е."]) == [(0, 4), (5, 9), (11, 15)]


def test_locate_units_takes_repeated_units_in_order() -> None:
    assert locate_units("Да. Да.\n", ["Да.", "Да."]) == [(0, 3), (4, 7)]


def test_locate_units_reports_a_missing_unit() -> None:
    with pytest.raises(ValueError, match="unit 1"):
        locate_units("Да.\n", ["Да.", "Нет."])


UNITS = [(0, 10), (10, 20), (20, 30)]


@pytest.mark.parametrize(
    ("side", "expected"),
    [
        ([(0, 20)], (0, 1)),  # two units fully inside the side
        ([(0, 15)], (0,)),  # unit 1 half covered: exactly half is not enough
        ([(0, 16)], (0, 1)),  # 6 of unit 1's 10 characters: more than half
        ([(12, 18)], (1,)),  # a piece of one unit (a split merged unit)
        ([(8, 14)], (1,)),  # 4 of the side's 6 characters lie in unit 1
        ([(5, 15)], ()),  # straddles two halves: belongs to neither
        ([(0, 4), (10, 20)], (1,)),  # two sentences; 4 of 14 in unit 0 is not enough
        ([], ()),
    ],
)
def test_units_of_side(side: list[tuple[int, int]], expected: tuple[int, ...]) -> None:
    assert units_of_side(side, UNITS) == expected


def test_units_of_side_in_chinese_without_spaces() -> None:
    text = "我们走了。他来了。你呢？"
    units = locate_units(text, ["我们走了。", "他来了。", "你呢？"])
    assert units == [(0, 5), (5, 9), (9, 12)]
    # a splitter one character off still lands on the right units
    assert units_of_side([(0, 6)], units) == (0,)
    assert units_of_side([(6, 12)], units) == (1, 2)


def _source(rel: str, text: str) -> SourceFile:
    return SourceFile(path=Path(rel), rel=rel, text=text, encoding="utf_8")


def _aligned(
    doc_id: str,
    ru_text: str,
    zh_text: str,
    ru_spans: list[tuple[int, int]],
    zh_spans: list[tuple[int, int]],
    beads: list[Bead],
) -> AlignedDocument:
    def document(lang: Lang, text: str) -> Document:
        paragraph = Paragraph(0, 0, len(text), lang)
        return Document(doc_id, lang, _source(f"{doc_id}.{lang}.txt", text), (paragraph,))

    def sentences(text: str, spans: list[tuple[int, int]]) -> tuple[Sentence, ...]:
        return tuple(Sentence(text[s:e], s, e, 0) for s, e in spans)

    return AlignedDocument(
        pair=DocumentPair(doc_id, document("ru", ru_text), document("zh", zh_text)),
        ru_sentences=sentences(ru_text, ru_spans),
        zh_sentences=sentences(zh_text, zh_spans),
        beads=tuple(beads),
    )


def test_map_document_by_offsets() -> None:
    ru_text = "Раз. Два.\n\nТри.\n"
    zh_text = "一。二。\n\n★\n\n三。\n"
    ru_units = locate_units(ru_text, ["Раз.", "Два.", "Три."])
    zh_units = locate_units(zh_text, ["一。", "二。", "三。"])
    aligned = _aligned(
        "d", ru_text, zh_text,
        ru_spans=[(0, 9), (11, 15)],  # the splitter missed the first sentence break
        zh_spans=[(0, 2), (2, 4), (6, 7), (9, 11)],  # (6, 7) is the star, in no unit
        beads=[Bead((0,), (0, 1), 0.9), Bead((), (2,), 0.3), Bead((1,), (3,), 0.95)],
    )
    assert map_document(aligned, ru_units, zh_units) == [
        b([0, 1], [0, 1]), b([], []), b([2], [2])]


def test_beads_claiming_one_unit_are_joined_with_the_weaker_score() -> None:
    """A gold unit our splitter cut in two, aligned as two 1-1 beads, is one 2-1 bead."""
    ru_text = "Раз. Два.\n\nТри.\n"  # gold: "Раз. Два." is one unit
    zh_text = "一。二。三。\n"
    ru_units = locate_units(ru_text, ["Раз. Два.", "Три."])
    zh_units = locate_units(zh_text, ["一。", "二。", "三。"])
    aligned = _aligned(
        "d", ru_text, zh_text,
        ru_spans=[(0, 4), (5, 9), (11, 15)],
        zh_spans=[(0, 2), (2, 4), (4, 6)],
        beads=[Bead((0,), (0,), 0.9), Bead((1,), (1,), 0.7), Bead((2,), (2,), 0.95)],
    )
    assert map_scored_beads(aligned, ru_units, zh_units) == [
        (b([0], [0, 1]), 0.7), (b([1], [2]), 0.95)]


# --- scoring a pipeline result and running a set -------------------------------


def _gold(folder: Path, ru: list[str], zh: list[str], gold: str,
          ru_raw: str, zh_raw: str) -> Path:
    folder.mkdir(parents=True)
    (folder / "ru.txt").write_text("".join(f"{u}\n" for u in ru), encoding="utf-8")
    (folder / "zh.txt").write_text("".join(f"{u}\n" for u in zh), encoding="utf-8")
    (folder / "gold.txt").write_text(gold, encoding="utf-8")
    (folder / "ru.raw.txt").write_text(ru_raw, encoding="utf-8")
    (folder / "zh.raw.txt").write_text(zh_raw, encoding="utf-8")
    return folder


def test_score_result_reports_a_missing_document(tmp_path: Path) -> None:
    folder = _gold(tmp_path / "gone", ["А."], ["甲。"], "[0]:[0]\n", "А.\n", "甲。\n")
    report = score_result(CorpusResult(documents=[]), [GoldDocument.load(folder)],
                          "hard", "raw", seconds=2.0)
    assert report.counts == Counts(0, 0, 0, 0, 0, 1)
    assert report.problems == ["gone: no aligned pair in the result"]
    assert report.sentences == 2
    assert report.sentences_per_second == 1.0
    assert report.at_threshold == {0.5: (0, 0), 0.8: (0, 0), 0.9: (0, 0)}


class CountingEncoder(Encoder):
    """Embeds nothing; only its call counter matters here."""

    name = "counting"

    @property
    def dimension(self) -> int:
        return 2

    @property
    def signature(self) -> str:
        return "counting"

    def _encode_batch(self, texts: list[str]) -> np.ndarray:
        return np.ones((len(texts), 2), dtype=np.float32)


def _line_aligner(corpus_dir: Path, config: RunConfig, progress: bool = False,
                  encoder: Encoder | None = None) -> CorpusResult:
    """Stands in for the pipeline: each non-empty line one sentence, i-th with i-th."""
    assert encoder is not None

    def spans(text: str) -> list[tuple[int, int]]:
        found, offset = [], 0
        for line in text.split("\n"):
            if line:
                found.append((offset, offset + len(line)))
            offset += len(line) + 1
        return found

    documents = []
    for ru_path in sorted(corpus_dir.glob("*.ru.txt")):
        doc_id = ru_path.name.removesuffix(".ru.txt")
        ru_text = ru_path.read_text(encoding="utf-8")
        zh_text = (corpus_dir / f"{doc_id}.zh.txt").read_text(encoding="utf-8")
        ru_spans, zh_spans = spans(ru_text), spans(zh_text)
        encoder.encode([ru_text[s:e] for s, e in ru_spans] + [zh_text[s:e] for s, e in zh_spans])
        beads = [Bead((i,), (i,), 0.6) for i in range(min(len(ru_spans), len(zh_spans)))]
        documents.append(_aligned(doc_id, ru_text, zh_text, ru_spans, zh_spans, beads))
    return CorpusResult(documents=documents)


@pytest.fixture
def tiny_set(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    _gold(tmp_path / "hard" / "news.17",
          ["Первое.", "Второе.", "Третье."], ["第一。", "第二。", "第三。"],
          "[0]:[0]\n[1]:[1]\n[2]:[2]\n",
          ru_raw="Первое. Второе.\n\nТретье.\n", zh_raw="第一。\n\n第二。第三。\n")
    fake = types.ModuleType("aligner.pipeline")
    fake.align_corpus_dir = _line_aligner  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "aligner.pipeline", fake)
    return tmp_path


def test_evaluate_set_presplit_feeds_the_unit_files(tiny_set: Path) -> None:
    report = evaluate_set(tiny_set, "hard", presplit=True, encoder=CountingEncoder())
    assert report.mode == "presplit"
    assert report.problems == []
    assert p_r_f(report.counts) == (1.0,) * 6
    assert report.type_recall() == {"1-1": (3, 3)}
    assert report.sentences == 6
    assert report.encoder_calls == 6
    assert report.calls_per_sentence == 1.0
    assert report.at_threshold == {0.5: (3, 3), 0.8: (0, 0), 0.9: (0, 0)}


def test_evaluate_set_raw_maps_paragraph_sentences_onto_units(tiny_set: Path) -> None:
    encoder = CountingEncoder()
    encoder.calls = 10  # a model reused from an earlier run: only this run's calls count
    report = evaluate_set(tiny_set, "hard", presplit=False, encoder=encoder)
    # the line aligner outputs [0, 1]:[0] and [2]:[1, 2]: both lax, neither strict;
    # gold [1]:[1] shares no bead with its translation, so lax recall is 2/3
    assert report.counts == Counts(p_strict=0, p_lax=2, p_total=2,
                                   r_strict=0, r_lax=2, r_total=3)
    assert report.type_recall() == {"1-1": (0, 3)}
    assert report.at_threshold == {0.5: (0, 2), 0.8: (0, 0), 0.9: (0, 0)}
    assert [d.doc_id for d in report.documents] == ["news.17"]
    assert report.encoder_calls == 4  # two paragraphs a side
    text = report.format()
    assert "hard/raw" in text
    assert "1-1 0.000 (0/3)" in text



def test_reliability_table_bins_scores_and_counts_wrong_beads_below_one_half() -> None:
    report = EvalReport("hard", "raw", [], Counts(), Counter(), 0, 1.0, {},
                        scored=[(0.05, False), (0.45, False), (0.85, True), (0.85, False),
                                (1.0, True), (0.97, True)])
    table = {(low, high): (correct, beads) for low, high, correct, beads, _ in
             report.reliability()}
    assert table[(0.0, 0.1)] == (0, 1)
    assert table[(0.4, 0.5)] == (0, 1)
    assert table[(0.8, 0.9)] == (1, 2)
    assert table[(0.95, 1.0)] == (2, 2)  # the last bin holds a score of exactly 1
    assert sum(beads for _, beads in table.values()) == 6
    assert report.wrong_below(0.5) == (2, 3)
    assert "wrong beads scored < 0.5: 2/3" in report.format_reliability()


def test_score_result_reports_mid_sentence_cuts(tmp_path: Path) -> None:
    ru_raw, zh_raw = "Первое. Второе.\n", "第一个句子。第二。\n"
    folder = _gold(tmp_path / "cut", ["Первое.", "Второе."], ["第一个句子。", "第二。"],
                   "[0]:[0]\n[1]:[1]\n", ru_raw, zh_raw)
    # the Chinese first sentence is cut inside a word: 第一个‖句子。
    document = _aligned("cut", ru_raw, zh_raw, [(0, 7), (8, 15)], [(0, 3), (3, 6), (6, 9)],
                        [Bead((0,), (0, 1), 0.9), Bead((1,), (2,), 0.9)])
    report = score_result(CorpusResult(documents=[document]), [GoldDocument.load(folder)],
                          "hard", "raw", seconds=1.0)
    assert report.boundaries.count("ru") == 0
    assert report.boundaries.count("zh") == 0  # the cut is inside one bead: one segment
    split = _aligned("cut", ru_raw, zh_raw, [(0, 7), (8, 15)], [(0, 3), (3, 6), (6, 9)],
                     [Bead((0,), (0,), 0.9), Bead((), (1,), 0.9), Bead((1,), (2,), 0.9)])
    report = score_result(CorpusResult(documents=[split]), [GoldDocument.load(folder)],
                          "hard", "raw", seconds=1.0)
    assert [(c.lang, c.at) for c in report.boundaries.cuts] == [("zh", 3)]
    assert "zh 1 (1 inside a clause)" in report.format()


def test_classify_errors_names_each_region_by_how_the_output_cuts_it() -> None:
    gold: list[UnitBead] = [((0,), (0,)), ((1,), (1,)), ((2,), (2, 3)), ((3,), ()),
                            ((4,), (4,)), ((5,), (5,)), ((6,), (6,)), ((7,), (7,))]
    test: list[UnitBead] = [((0, 1), (0, 1)),  # two gold beads in one: glued or merged
                            ((2,), (2,)), ((), (3,)),  # a 1-2 broken up, with a null
                            ((3,), ()),  # right
                            ((4,), (4,)), ((5,), (5,)),  # right
                            ((6,), (7,)), ((7,), (6,))]  # crossed (not monotone, but a test)
    counts = classify_errors(gold, test, {"ru": {0, 1}, "zh": set()})
    assert counts[("glued", "regions")] == 1
    assert (counts[("glued", "gold")], counts[("glued", "test")]) == (2, 1)
    assert counts[("null", "regions")] == 1
    assert (counts[("null", "gold")], counts[("null", "test")]) == (1, 2)
    assert counts[("crossed", "regions")] == 1
    assert (counts[("crossed", "gold")], counts[("crossed", "test")]) == (2, 2)
    assert counts[("merged", "regions")] == 0
    assert classify_errors(gold, test)[("merged", "regions")] == 1  # nothing glued: the search
    assert classify_errors(gold, gold) == Counter()
