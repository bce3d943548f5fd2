"""Score the aligner on the synthetic free-translation set (issue 13), raw and presplit.

Not a test: it loads the real encoder.  The set is benchmarks/heldout/free
(built by benchmarks/build_free.py; see benchmarks/heldout/README.md).  Besides
the evaluator's own report (Vecalign strict/lax, recall per gold type) it prints
what issue 13 is about:

* recall per gold group type, one column per mode;
* link precision and recall: a bead stands for every (ru sentence, zh sentence)
  pair it holds, so a 1-3 found as 1-2 plus a null still gets two of its three
  links; pooled over the set (micro), null beads hold no link; and the recall of
  the links inside gold groups alone, since two thirds of the gold beads are 1-1
  and carry the overall figure;
* unaligned sentences right beside a multi-sentence bead (more than one
  sentence on a side), and how many of them the gold puts in a group;
* the Chinese note lines (``①…``, ``注：…``) glued into a pair;
* the Russian dialogue tags (``— сказал он.``) kept with their utterance,
  paired alone, or left unaligned.

    python benchmarks/free_translation.py [--modes raw,presplit] [--encoder use] [--cache]
        [--set NAME=VALUE ...]
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from aligner.config import RunConfig
from aligner.embed import Encoder
from aligner.embed.cache import cached, default_cache_dir
from aligner.evaluate import (
    EvalReport,
    GoldDocument,
    UnitBead,
    load_encoder,
    locate_units,
    map_document,
    score_result,
    write_corpus,
)
from aligner.model import CorpusResult

REPO_ROOT = Path(__file__).resolve().parent.parent
HELDOUT = REPO_ROOT / "benchmarks" / "heldout"
MODES = ("raw", "presplit")
# Gold types in the order the issue names them; any other type found is listed after these.
TYPE_ORDER = ("1-1", "1-2", "2-1", "1-3", "3-1", "1-4", "4-1", "2-2", "2-3", "3-2",
              "1-0", "0-1")

Link = tuple[int, int]


@dataclass
class FreeCounts:
    """The issue-13 figures, summed over documents."""

    gold_links: int = 0
    test_links: int = 0
    common_links: int = 0
    group_links: int = 0  # gold links inside a group (a bead with >1 sentence on a side)
    group_links_found: int = 0
    unaligned: int = 0  # sentences the output leaves unaligned
    unaligned_wrongly: int = 0  # ... that the gold puts in a pair
    beside_group: int = 0  # unaligned sentences next to a bead with >1 sentence on a side
    beside_group_wrongly: int = 0
    notes: int = 0
    notes_glued: int = 0  # note lines in an output bead that has Russian sentences
    tags: int = 0
    tags_with_utterance: int = 0  # the tag's bead also holds the sentence before it
    tags_alone: int = 0  # the tag is the whole Russian side of a bead with Chinese
    tags_unaligned: int = 0

    def __iadd__(self, other: FreeCounts) -> FreeCounts:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        return self

    @property
    def link_precision(self) -> float:
        return self.common_links / self.test_links if self.test_links else 0.0

    @property
    def link_recall(self) -> float:
        return self.common_links / self.gold_links if self.gold_links else 0.0

    @property
    def group_link_recall(self) -> float:
        return self.group_links_found / self.group_links if self.group_links else 0.0


def links(beads: Sequence[UnitBead]) -> set[Link]:
    return {(ru, zh) for src, tgt in beads for ru in src for zh in tgt}


def is_group(bead: UnitBead) -> bool:
    return len(bead[0]) > 1 or len(bead[1]) > 1


def free_counts(gold: Sequence[UnitBead], test: Sequence[UnitBead],
                tags: Sequence[int], notes: Sequence[int]) -> FreeCounts:
    """One document's figures; ``test`` is the output over gold units, in document order."""
    gold_links, test_links = links(gold), links(test)
    group_links = links([bead for bead in gold if is_group(bead)])
    counts = FreeCounts(gold_links=len(gold_links), test_links=len(test_links),
                        common_links=len(gold_links & test_links),
                        group_links=len(group_links),
                        group_links_found=len(group_links & test_links))
    in_gold_pair = {("ru", i) for src, tgt in gold if tgt for i in src}
    in_gold_pair |= {("zh", j) for src, tgt in gold if src for j in tgt}
    for k, (src, tgt) in enumerate(test):
        if src and tgt:
            continue
        unaligned = [("ru", i) for i in src] + [("zh", j) for j in tgt]
        wrong = sum(unit in in_gold_pair for unit in unaligned)
        counts.unaligned += len(unaligned)
        counts.unaligned_wrongly += wrong
        neighbours = [test[n] for n in (k - 1, k + 1) if 0 <= n < len(test)]
        if any(is_group(bead) and bead[0] and bead[1] for bead in neighbours):
            counts.beside_group += len(unaligned)
            counts.beside_group_wrongly += wrong
    ru_bead = {i: bead for bead in test for i in bead[0]}
    zh_bead = {j: bead for bead in test for j in bead[1]}
    for note in notes:
        counts.notes += 1
        counts.notes_glued += bool(zh_bead.get(note, ((), ()))[0])
    for tag in tags:
        counts.tags += 1
        src, tgt = ru_bead.get(tag, ((), ()))
        if tag - 1 in src and tgt:
            counts.tags_with_utterance += 1
        elif src == (tag,) and tgt:
            counts.tags_alone += 1
        elif not tgt:
            counts.tags_unaligned += 1
    return counts


def mapped_output(result: CorpusResult, gold: GoldDocument) -> list[UnitBead]:
    """The output beads of one gold document over its units, as the evaluator maps them."""
    for document in result.documents:
        pair = document.pair
        if (pair.ru is not None and pair.zh is not None
                and pair.ru.file.rel == f"{gold.doc_id}.ru.txt"
                and pair.zh.file.rel == f"{gold.doc_id}.zh.txt"):
            return map_document(document, locate_units(pair.ru.file.text, gold.ru_units),
                                locate_units(pair.zh.file.text, gold.zh_units))
    return []


def run(set_dir: Path, variant: str, presplit: bool, config: RunConfig,
        encoder: Encoder) -> tuple[EvalReport, FreeCounts]:
    """One pipeline call over the whole set, as ``evaluate_set`` makes it, keeping the output
    so that the issue-13 figures can be read from the same run as the standard report."""
    from aligner.pipeline import align_corpus_dir

    config = replace(config, presplit=presplit)
    folders = sorted(p for p in (set_dir / variant).iterdir() if p.is_dir())
    golds = [GoldDocument.load(folder) for folder in folders]
    calls_before = encoder.calls
    with tempfile.TemporaryDirectory(prefix="ruzh-free-") as tmp:
        write_corpus(golds, Path(tmp), presplit)
        started = time.perf_counter()
        result = align_corpus_dir(Path(tmp), config, encoder=encoder)
        seconds = time.perf_counter() - started
    report = score_result(result, golds, variant, "presplit" if presplit else "raw", seconds)
    report.encoder_calls = encoder.calls - calls_before
    total = FreeCounts()
    for gold in golds:
        meta = json.loads((gold.folder / "meta.json").read_text(encoding="utf-8"))
        total += free_counts(gold.beads, mapped_output(result, gold),
                             meta.get("tag_units_ru", []), meta.get("note_units_zh", []))
    return report, total


def _share(part: int, whole: int) -> str:
    return f"{part / whole:.3f} ({part}/{whole})" if whole else "-"


def format_tables(runs: dict[str, tuple[EvalReport, FreeCounts]]) -> str:
    modes = list(runs)
    recalls = {mode: report.type_recall() for mode, (report, _) in runs.items()}
    seen = {kind for table in recalls.values() for kind in table}
    kinds = [k for k in TYPE_ORDER if k in seen] + sorted(seen - set(TYPE_ORDER))
    lines = ["| gold type | " + " | ".join(modes) + " |",
             "|---|" + "---:|" * len(modes)]
    for kind in kinds:
        lines.append(f"| {kind} | " + " | ".join(_share(*recalls[m].get(kind, (0, 0)))
                                              for m in modes) + " |")
    lines += ["", "| figure | " + " | ".join(modes) + " |", "|---|" + "---:|" * len(modes)]

    def row(label: str, value: str) -> None:
        lines.append(f"| {label} | " + " | ".join(value.format(c=runs[m][1]) for m in modes) + " |")

    row("link precision", "{c.link_precision:.4f}")
    row("link recall", "{c.link_recall:.4f}")
    row("link recall inside gold groups (n-m, n or m > 1)",
        "{c.group_link_recall:.4f} ({c.group_links_found}/{c.group_links})")
    lines.append("| strict P / R (Vecalign) | " + " | ".join(
        f"{runs[m][0].counts.precision_strict:.4f} / {runs[m][0].counts.recall_strict:.4f}"
        for m in modes) + " |")
    row("unaligned sentences (of them, paired in gold)",
        "{c.unaligned} ({c.unaligned_wrongly})")
    row("... right beside a multi-sentence bead (paired in gold)",
        "{c.beside_group} ({c.beside_group_wrongly})")
    row("note lines glued into a pair", "{c.notes_glued} / {c.notes}")
    row("tags with their utterance", "{c.tags_with_utterance} / {c.tags}")
    row("tags paired alone", "{c.tags_alone} / {c.tags}")
    row("tags left unaligned", "{c.tags_unaligned} / {c.tags}")
    lines.append("| seconds (shared CPU) | " + " | ".join(
        f"{runs[m][0].seconds:.0f}" for m in modes) + " |")
    return "\n".join(lines)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set-dir", type=Path, default=HELDOUT)
    parser.add_argument("--variant", default="free")
    parser.add_argument("--modes", default=",".join(MODES),
                        help="comma-separated, from: " + ", ".join(MODES))
    parser.add_argument("--encoder", default="use")
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                        help="override an aligner setting (AlignerSettings field), repeatable")
    parser.add_argument("--cache", action="store_true",
                        help="embed through the user's embedding cache (faster re-runs)")
    args = parser.parse_args()
    args.modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    unknown = sorted(set(args.modes) - set(MODES))
    if unknown:
        parser.error(f"unknown mode(s) {', '.join(unknown)}; choose from {', '.join(MODES)}")
    return args


def main() -> None:
    # The sibling script's helpers; imported here, where this file runs as a script with
    # benchmarks/ on the path, so that tests can import this module without it.
    from eval_devset import RequestCounter, aligner_settings

    args = parse_args()
    config = RunConfig(encoder=args.encoder, aligner=aligner_settings(args.set))
    encoder, seconds = load_encoder(config)
    if args.cache:
        encoder = RequestCounter(cached(encoder, default_cache_dir()))
    print(f"encoder {encoder.signature} loaded in {seconds:.1f} s\n")
    runs = {mode: run(args.set_dir.resolve(), args.variant, mode == "presplit", config, encoder)
            for mode in args.modes}
    for report, _ in runs.values():
        print(report.format(), end="\n\n")
    print(format_tables(runs))


if __name__ == "__main__":
    main()
