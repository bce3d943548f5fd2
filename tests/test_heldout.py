"""The committed held-out sets (benchmarks/heldout) are readable by the evaluator as they are.

The evaluator maps raw output onto gold units by a left-to-right search of the
units in the raw text (``aligner.evaluate.locate_units``), and scores beads that
must cover every unit exactly once; a set that breaks either would fail midway
through a long benchmark run instead of here.
"""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import pytest

from aligner.evaluate import GoldDocument, locate_units

HELDOUT = Path(__file__).resolve().parent.parent / "benchmarks" / "heldout"
SETS = sorted(p for p in HELDOUT.iterdir() if p.is_dir() and p.name != "sources")
DOCUMENTS = [doc for set_dir in SETS for doc in sorted(set_dir.iterdir()) if doc.is_dir()]
SEPARATORS = {"ru": {" ", "\n\n"}, "zh": {"", "\n\n"}}


def test_there_are_sets_of_several_documents() -> None:
    assert SETS, f"no held-out set under {HELDOUT}"
    assert len(DOCUMENTS) >= 2


@pytest.mark.parametrize("folder", DOCUMENTS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_beads_cover_every_unit_once_in_order(folder: Path) -> None:
    gold = GoldDocument.load(folder)
    ru = [i for src, _ in gold.beads for i in src]
    zh = [i for _, tgt in gold.beads for i in tgt]
    assert ru == list(range(len(gold.ru_units)))
    assert zh == list(range(len(gold.zh_units)))
    assert all(src or tgt for src, tgt in gold.beads)


@pytest.mark.parametrize("folder", DOCUMENTS, ids=lambda p: f"{p.parent.name}/{p.name}")
@pytest.mark.parametrize("lang", ["ru", "zh"])
def test_raw_file_is_the_units_in_order_and_nothing_else(folder: Path, lang: str) -> None:
    gold = GoldDocument.load(folder)
    units = gold.ru_units if lang == "ru" else gold.zh_units
    assert all(unit and unit == unit.strip() for unit in units), "empty or padded unit"
    raw = (folder / f"{lang}.raw.txt").read_text(encoding="utf-8")
    spans = locate_units(raw, units)
    assert spans[0][0] == 0 and raw[spans[-1][1]:] == "\n"
    gaps = {raw[end:start] for (_, end), (start, _) in pairwise(spans)}
    assert gaps <= SEPARATORS[lang], f"unexpected text between units: {gaps - SEPARATORS[lang]}"
    assert "\n\n" in gaps, "the raw file should have paragraphs"
