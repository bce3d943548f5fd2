"""Content matching of unpaired documents, on synthetic meanings where the partners are known.

A toy encoder gives every meaning id a random vector.  A Russian sentence ``r7`` embeds as
meaning 7; its Chinese translation ``z7 n7`` as meaning 7 plus a noise vector of its own, so a
translation has cosine about 0.7 with its original rather than a too-easy 1.0.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest
from toy_encoder import DIM, MeaningEncoder

from aligner import matching
from aligner.embed.base import l2_normalise
from aligner.matching import (
    MATCH_THRESHOLD,
    MatchResult,
    Scores,
    document_scores,
    link_floor,
    match_documents,
    one_to_one,
    shortlist_pairs,
)
from aligner.model import Document, DocumentPair, Lang, Paragraph, SourceFile
from aligner.segment import get_splitters

SPLITTERS = get_splitters(presplit=True)  # one line, one sentence: the texts below are exact


def single(doc_id: str, lang: Lang, meanings: Sequence[int]) -> DocumentPair:
    """An unpaired one-language document, one sentence per line, one meaning per sentence."""
    lines = [f"r{m}" if lang == "ru" else f"z{m} n{m}" for m in meanings]
    text = "".join(line + "\n" for line in lines)
    starts = np.cumsum([0] + [len(line) + 1 for line in lines])
    paragraphs = tuple(Paragraph(i, int(starts[i]), int(starts[i]) + len(line), lang)
                       for i, line in enumerate(lines))
    source = SourceFile(Path("/corpus") / f"{doc_id}.txt", f"{doc_id}.txt", text, "utf_8")
    document = Document(doc_id, lang, source, paragraphs)
    return DocumentPair(doc_id, document if lang == "ru" else None,
                        document if lang == "zh" else None)


def article(number: int, lang: Lang) -> DocumentPair:
    """Side ``lang`` of article ``number``: eight sentences of its own meanings."""
    return single(f"{lang}-{number}", lang, range(10 * number, 10 * number + 8))


def matched(result: MatchResult) -> set[tuple[str, str]]:
    return {(m.ru_doc_id, m.zh_doc_id) for m in result.matches}


@pytest.fixture
def encoder() -> MeaningEncoder:
    return MeaningEncoder()


def test_shuffled_documents_are_matched_one_to_one(encoder: MeaningEncoder) -> None:
    documents = [article(2, "zh"), article(1, "ru"), article(3, "zh"), article(3, "ru"),
                 article(1, "zh"), article(2, "ru")]
    result = match_documents(documents, SPLITTERS, encoder)
    assert matched(result) == {("ru-1", "zh-1"), ("ru-2", "zh-2"), ("ru-3", "zh-3")}
    assert all(m.score >= MATCH_THRESHOLD for m in result.matches)
    assert result.unpaired == []
    pair = next(p for p in result.pairs if p.doc_id == "ru-1+zh-1")
    assert pair.ru is documents[1].ru and pair.zh is documents[4].zh
    # every sentence embedded once, as the single sentence the aligner will embed too
    assert encoder.calls == 6 * 8


def test_document_without_partner_stays_unpaired(encoder: MeaningEncoder) -> None:
    lonely = article(4, "ru")
    documents = [article(1, "ru"), lonely, article(2, "ru"), article(1, "zh"),
                 article(2, "zh")]
    result = match_documents(documents, SPLITTERS, encoder)
    assert matched(result) == {("ru-1", "zh-1"), ("ru-2", "zh-2")}
    assert result.unpaired == [lonely]


def test_one_document_and_an_unrelated_one_are_not_matched(encoder: MeaningEncoder) -> None:
    documents = [article(1, "ru"), article(2, "zh")]
    result = match_documents(documents, SPLITTERS, encoder)
    assert result.matches == [] and result.pairs == []
    assert result.unpaired == documents
    assert all(c.score < MATCH_THRESHOLD for c in result.candidates)


def test_a_few_shared_sentences_are_not_a_translation(encoder: MeaningEncoder) -> None:
    # Another article on the same story quotes two of the eight sentences.
    related = single("zh-related", "zh", [*range(10, 12), *range(50, 56)])
    result = match_documents([article(1, "ru"), related], SPLITTERS, encoder)
    assert result.matches == []
    (candidate,) = result.candidates
    # the two shared sentences (2 x 2 of 16), plus at most a chance link between the others
    assert (candidate.ru_doc_id, candidate.zh_doc_id) == ("ru-1", "zh-related")
    assert 2 * 2 / 16 <= candidate.score < MATCH_THRESHOLD


def test_one_document_and_its_translation_are_matched(encoder: MeaningEncoder) -> None:
    result = match_documents([article(1, "zh"), article(1, "ru")], SPLITTERS, encoder)
    (match,) = result.matches
    assert (match.ru_doc_id, match.zh_doc_id, match.score) == ("ru-1", "zh-1", 1.0)
    assert [p.doc_id for p in result.pairs] == ["ru-1+zh-1"]
    assert result.candidates == result.matches


def test_nothing_to_match_embeds_nothing(encoder: MeaningEncoder) -> None:
    assert match_documents([], SPLITTERS, encoder).unpaired == []
    only_russian = [article(1, "ru"), article(2, "ru")]
    result = match_documents(only_russian, SPLITTERS, encoder)
    assert (result.pairs, result.unpaired, result.matches) == ([], only_russian, [])
    assert encoder.calls == 0


def test_a_pair_cannot_be_matched_again(encoder: MeaningEncoder) -> None:
    pair = DocumentPair("both", article(1, "ru").ru, article(1, "zh").zh)
    with pytest.raises(ValueError, match="both"):
        match_documents([pair], SPLITTERS, encoder)


def test_links_out_of_order_count_once() -> None:
    # Identical sentences in reverse order: every sentence links, but only one link keeps
    # the order of both documents, as with two unrelated texts that share a few sentences.
    vectors = np.eye(5, dtype=np.float32)
    assert document_scores([vectors], [vectors]).get(0, 0) == pytest.approx(1.0)
    assert document_scores([vectors], [vectors[::-1]]).get(0, 0) == pytest.approx(2 / 10)


def test_blocks_give_the_same_scores_as_one_matrix(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(0)
    ru = [l2_normalise(rng.standard_normal((n, DIM))) for n in (5, 9, 3, 7)]
    zh = [l2_normalise(v + 0.1 * rng.standard_normal(v.shape)) for v in ru[::-1]]  # cos ~0.8
    whole = document_scores(ru, zh)
    monkeypatch.setattr(matching, "BLOCK_CELLS", 1)  # blocks of one row
    blocked = document_scores(ru, zh)
    assert all(np.array_equal(a, b) for a, b in zip(blocked, whole, strict=True))
    partners = {(int(a), int(b)) for a, b, v in zip(*whole, strict=True) if v > 0.5}
    assert partners == {(0, 3), (1, 2), (2, 1), (3, 0)}


def test_one_to_one_takes_the_best_first_and_respects_the_threshold() -> None:
    # best first, as document_scores lists them: (0,0) .9, (1,0) .85, (0,1) .8, (1,1) .6, (2,2) .4
    scores = Scores(np.array([0, 1, 0, 1, 2]), np.array([0, 0, 1, 1, 2]),
                    np.array([0.9, 0.85, 0.8, 0.6, 0.4]))
    assert one_to_one(scores, 0.5) == [0, 3]


# --- settings that calibrate themselves, and the shortlist that makes large folders fast ---


class CompressedEncoder(MeaningEncoder):
    """The toy meanings squeezed into a narrow cone, as e5's vectors are: a large shared
    component makes unrelated sentences about 0.8 alike and translations about 0.95."""

    name = "compressed"

    def __init__(self) -> None:
        super().__init__()
        self._shared = np.random.default_rng(7).standard_normal(DIM)

    def _encode_batch(self, texts: list[str]) -> np.ndarray:
        rows = super()._encode_batch(texts)
        return l2_normalise(l2_normalise(rows) + 2.0 * l2_normalise(self._shared[None, :]))


def test_compressed_cosines_need_no_other_setting() -> None:
    encoder = CompressedEncoder()
    unrelated = encoder.encode(["r1", "z2 n2", "r3", "z40 n40"])
    assert float(unrelated[0] @ unrelated[1]) > 0.7  # where the old fixed floor, 0.35, was moot
    documents = [article(2, "zh"), article(1, "ru"), article(3, "zh"), article(3, "ru"),
                 article(1, "zh"), article(2, "ru"), article(4, "ru")]
    result = match_documents(documents, SPLITTERS, encoder)
    assert matched(result) == {("ru-1", "zh-1"), ("ru-2", "zh-2"), ("ru-3", "zh-3")}
    assert [p.doc_id for p in result.unpaired] == ["ru-4"]
    # and the safe failure mode holds where margins say least: two unrelated documents alone
    assert match_documents([article(1, "ru"), article(2, "zh")], SPLITTERS, encoder).matches == []


def test_link_floor_moves_with_the_folder() -> None:
    plain = MeaningEncoder().encode([f"r{i}" for i in range(60)] + [f"z{i + 100} n{i + 100}"
                                                                    for i in range(60)])
    squeezed = CompressedEncoder().encode([f"r{i}" for i in range(60)]
                                          + [f"z{i + 100} n{i + 100}" for i in range(60)])
    low, high = link_floor(plain[:60], plain[60:]), link_floor(squeezed[:60], squeezed[60:])
    assert 0.2 < low < 0.7  # 64 dimensions: unrelated cosines spread about 1/8 around 0
    assert high > 0.85  # the same number of spreads above a median near 0.8


def test_shortlist_finds_the_same_pairs_as_the_full_comparison(encoder: MeaningEncoder) -> None:
    documents = [article(n, lang) for n in range(1, 25) for lang in ("zh", "ru")]
    documents += [article(n, "ru") for n in range(30, 34)]  # no partner
    full = match_documents(documents, SPLITTERS, encoder, shortlist=100)
    short = match_documents(documents, SPLITTERS, encoder, shortlist=2)
    assert matched(short) == matched(full) == {(f"ru-{n}", f"zh-{n}") for n in range(1, 25)}
    assert [p.doc_id for p in short.unpaired] == [f"ru-{n}" for n in range(30, 34)]


def test_shortlist_is_every_pair_in_a_small_folder_and_each_documents_nearest_else() -> None:
    rng = np.random.default_rng(1)
    ru = [l2_normalise(rng.standard_normal((4, DIM))) for _ in range(6)]
    zh = [l2_normalise(v + 0.3 * rng.standard_normal(v.shape)) for v in ru]
    assert len(shortlist_pairs(ru, zh, size=6)) == 36
    pairs = {tuple(p) for p in shortlist_pairs(ru, zh, size=1)}
    assert {(i, i) for i in range(6)} <= pairs  # each partner is its document's nearest
    assert len(pairs) <= 12  # one per document and side, at most
