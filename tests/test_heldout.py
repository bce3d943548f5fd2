"""The committed held-out sets (benchmarks/heldout) are readable by the evaluator as they are.

The evaluator maps raw output onto gold units by a left-to-right search of the
units in the raw text (``aligner.evaluate.locate_units``), and scores beads that
must cover every unit exactly once; a set that breaks either would fail midway
through a long benchmark run instead of here.
"""

from __future__ import annotations

import importlib.util
import sys
from itertools import pairwise
from pathlib import Path
from types import ModuleType

import pytest

from aligner.evaluate import GoldDocument, locate_units

HELDOUT = Path(__file__).resolve().parent.parent / "benchmarks" / "heldout"
# free has a builder and a test of its own (benchmarks/build_free.py, tests/test_free_set.py).
SETS = sorted(p for p in HELDOUT.iterdir() if p.is_dir() and p.name not in ("sources", "free"))
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


def _builder() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "build_heldout", HELDOUT.parent / "build_heldout.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


def test_committed_sets_are_what_the_builder_makes_from_the_sources(tmp_path: Path) -> None:
    """Nobody edited a set by hand: rebuilding from sources/ gives the same bytes."""
    _builder().build(tmp_path)
    built = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file())
    committed = sorted(p.relative_to(HELDOUT) for s in SETS for p in s.rglob("*") if p.is_file())
    assert built == committed
    for rel in built:
        assert (tmp_path / rel).read_bytes() == (HELDOUT / rel).read_bytes(), rel


def test_crossing_numberings_become_one_bead_and_lone_verses_join_the_previous() -> None:
    monotone_beads = _builder().monotone_beads
    # Jonah: the whale verse ends chapter 1 in Chinese and opens chapter 2 in Russian.
    ru = [(1, 0), (1, 16), (2, 0), (2, 1), (2, 2)]
    zh = [(1, 0), (1, 16), (2, 1), (2, 0), (2, 2)]
    assert monotone_beads(ru, zh) == [([0], [0]), ([1], [1]), ([2, 3], [2, 3]), ([4], [4])]
    # A verse number only one side has joins the bead before it.
    assert monotone_beads([(1, 0), (1, 1), (1, 2)], [(1, 0), (1, 1)]) == [([0], [0]),
                                                                        ([1, 2], [1])]
    assert monotone_beads([(1, 9), (1, 0)], [(1, 0)]) == [([0], []), ([1], [0])]
