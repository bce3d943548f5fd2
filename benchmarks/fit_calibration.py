"""Fit the bead-score calibration (aligner/align/calibration.py) on an eval set.

Not a test: it loads the real encoder.  Every document of the set is aligned
in each mode (raw paragraphs and pre-split units) with the shipped settings;
each output bead's evidence is paired with whether it is exactly a gold bead,
and one logistic model per kind of bead is fitted on all of them together:
the dev set as a whole, with no rule for any document.  The script prints the
coefficients to paste into ``COEFFICIENTS`` and the reliability table of the
fitted scores; check them on a held-out set with ``--check``.

    python benchmarks/fit_calibration.py --set-dir ../shared/eval --variant hard
    python benchmarks/fit_calibration.py --set-dir HELDOUT --variant hard --check
"""

from __future__ import annotations

import argparse
import tempfile
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from aligner.align import align_with_evidence
from aligner.align.calibration import COEFFICIENTS, Coefficients, Evidence, fit, probability
from aligner.config import RunConfig
from aligner.embed import Encoder
from aligner.embed.cache import cached, default_cache_dir
from aligner.evaluate import (
    Counts,
    EvalReport,
    GoldDocument,
    Span,
    UnitBead,
    load_encoder,
    locate_units,
    units_of_side,
    write_corpus,
)
from aligner.model import Bead, Sentence
from aligner.pairing import pair_documents
from aligner.pipeline import load_files
from aligner.segment import get_splitters

REPO_ROOT = Path(__file__).resolve().parent.parent


def merged_beads(beads: list[Bead], ru: Sequence[Sentence], zh: Sequence[Sentence],
                 ru_units: Sequence[Span], zh_units: Sequence[Span]
                 ) -> list[tuple[list[int], UnitBead]]:
    """Output beads over gold units, neighbours that claim one unit joined, as the evaluator
    joins them (``map_scored_beads``): each joined bead with the output beads it is made of,
    which are all right or all wrong with it (two halves of a sentence the splitter rightly cut
    inside a merged gold unit are one right bead)."""
    groups: list[tuple[list[int], UnitBead]] = []
    for k, bead in enumerate(beads):
        mapped = (units_of_side([(ru[i].start, ru[i].end) for i in bead.ru], ru_units),
                  units_of_side([(zh[j].start, zh[j].end) for j in bead.zh], zh_units))
        if groups and (set(mapped[0]) & set(groups[-1][1][0])
                       or set(mapped[1]) & set(groups[-1][1][1])):
            members, (last_ru, last_zh) = groups.pop()
            mapped = (tuple(sorted({*last_ru, *mapped[0]})), tuple(sorted({*last_zh, *mapped[1]})))
            groups.append(([*members, k], mapped))
        else:
            groups.append(([k], mapped))
    return groups


def collect(set_dir: Path, variant: str, presplit: bool, config: RunConfig, encoder: Encoder
            ) -> list[tuple[Evidence, bool]]:
    """(evidence, exactly a gold bead) for every output bead of every document."""
    golds = {g.doc_id: g for g in (GoldDocument.load(folder) for folder in
                                   sorted((set_dir / variant).iterdir()) if folder.is_dir())}
    config = replace(config, presplit=presplit)
    splitters = get_splitters(presplit, config.segmentation)
    found: list[tuple[Evidence, bool]] = []
    with tempfile.TemporaryDirectory(prefix="ruzh-calibrate-") as tmp:
        write_corpus(list(golds.values()), Path(tmp), presplit)
        labelled, _, _ = load_files(Path(tmp))
        for pair in pair_documents(labelled):
            gold = golds.get(pair.doc_id)
            if gold is None or not pair.is_paired:
                continue
            assert pair.ru is not None and pair.zh is not None
            ru, zh, beads, evidence = align_with_evidence(
                splitters["ru"].split_document(pair.ru), splitters["zh"].split_document(pair.zh),
                encoder, config.effective_aligner)
            ru_units = locate_units(pair.ru.file.text, gold.ru_units)
            zh_units = locate_units(pair.zh.file.text, gold.zh_units)
            gold_set = set(gold.beads)
            for members, mapped in merged_beads(beads, ru, zh, ru_units, zh_units):
                if mapped[0] or mapped[1]:
                    found.extend((evidence[k], mapped in gold_set) for k in members)
    return found


def reliability(rows: list[tuple[Evidence, bool]], coefficients: Coefficients) -> str:
    """The reliability table of ``rows`` scored with ``coefficients``."""
    scored = [(probability(e, coefficients), ok) for e, ok in rows]
    report = EvalReport("", "", [], Counts(), Counter(), 0, 1.0, {}, scored=scored)
    at = "  ".join(f">={t:g} {sum(ok for s, ok in scored if s >= t)}/"
                   f"{sum(s >= t for s, _ in scored)}" for t in (0.5, 0.8, 0.9))
    return report.format_reliability() + f"\n  precision at score: {at}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set-dir", type=Path, default=REPO_ROOT / ".." / "shared" / "eval")
    parser.add_argument("--variant", default="hard")
    parser.add_argument("--modes", default="raw,presplit")
    parser.add_argument("--encoder", default="use")
    parser.add_argument("--check", action="store_true",
                        help="only report how the shipped coefficients do on this set")
    args = parser.parse_args()
    config = RunConfig(encoder=args.encoder)
    encoder, _ = load_encoder(config)
    encoder = cached(encoder, default_cache_dir())  # calls do not matter here, time does
    rows: dict[str, list[tuple[Evidence, bool]]] = {}
    for mode in [m.strip() for m in args.modes.split(",") if m.strip()]:
        rows[mode] = collect(args.set_dir.resolve(), args.variant, mode == "presplit", config,
                             encoder)
        kinds = Counter((e.kind, ok) for e, ok in rows[mode])
        print(f"{mode}: {len(rows[mode])} beads; by kind (kind, correct): {dict(kinds)}")
    coefficients = COEFFICIENTS
    if not args.check:
        everything = [row for mode_rows in rows.values() for row in mode_rows]
        coefficients = fit([e for e, _ in everything], [ok for _, ok in everything])
        print("COEFFICIENTS = {")
        for kind, weights in coefficients.items():
            print(f'    "{kind}": {weights},')
        print("}")
    for mode, mode_rows in rows.items():
        print(f"\n{args.variant}/{mode} with {'shipped' if args.check else 'fitted'} "
              "coefficients")
        print(reliability(mode_rows, coefficients))


if __name__ == "__main__":
    main()
