"""Score the aligner end to end on the Russian–Chinese dev set.

Not a test: it loads the real encoder and takes a while.  Each mode feeds the
same documents either as gold units, one per line (``presplit``: the aligner
alone), or as raw paragraphs (``raw``: our splitters and the aligner together).

    python benchmarks/eval_devset.py --variant hard --modes presplit,raw
"""

from __future__ import annotations

import argparse
from dataclasses import fields, replace
from pathlib import Path

import numpy as np

from aligner.config import AlignerSettings, RunConfig
from aligner.embed import Encoder
from aligner.embed.base import WrappingEncoder
from aligner.embed.cache import cached, default_cache_dir
from aligner.evaluate import evaluate_set, load_encoder

REPO_ROOT = Path(__file__).resolve().parent.parent
MODES = ("presplit", "raw")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set-dir", type=Path, default=REPO_ROOT / ".." / "shared" / "eval",
                        help="eval set folder holding hard/ and clean/ (default: %(default)s)")
    parser.add_argument("--variant", default="hard", help="subfolder of --set-dir to score")
    parser.add_argument("--modes", default=",".join(MODES),
                        help="comma-separated, from: " + ", ".join(MODES))
    parser.add_argument("--encoder", default="use")
    parser.add_argument("--worst", type=int, default=0, metavar="N",
                        help="also list the N documents with the lowest strict F1")
    parser.add_argument("--cuts", type=int, default=10, metavar="N",
                        help="list N of the mid-sentence cuts found (default: %(default)s)")
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                        help="override an aligner setting (AlignerSettings field), repeatable: "
                             "how a trade-off such as cut_margin_word is measured")
    parser.add_argument("--cache", action="store_true",
                        help="embed through the user's embedding cache (faster re-runs; timings "
                             "then measure the cache, encoder calls still the aligner's work)")
    args = parser.parse_args()
    args.modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    unknown = sorted(set(args.modes) - set(MODES))
    if unknown:
        parser.error(f"unknown mode(s) {', '.join(unknown)}; choose from {', '.join(MODES)}")
    return args


class RequestCounter(WrappingEncoder):
    """Passes texts on to a cached encoder, counting every text the aligner asks for (the
    cache's own counter sees only its misses), so encoder calls per sentence stay the
    aligner's work whatever the cache holds."""

    def __init__(self, inner: Encoder) -> None:
        super().__init__(inner, batch_size=max(1, 1 << 30))  # one batch: the cache batches

    def _encode_batch(self, texts: list[str]) -> np.ndarray:
        return self.inner.encode(texts)


def aligner_settings(overrides: list[str]) -> AlignerSettings:
    """The default settings with ``NAME=VALUE`` overrides, each value of the field's type."""
    settings = AlignerSettings()
    for override in overrides:
        name, _, value = override.partition("=")
        if name not in {f.name for f in fields(AlignerSettings)}:
            raise SystemExit(f"eval_devset: unknown aligner setting {name!r}")
        kind = type(getattr(settings, name))
        parsed = value.lower() in ("1", "true", "yes") if kind is bool else kind(value)
        settings = replace(settings, **{name: parsed})
    return settings


def main() -> None:
    args = parse_args()
    config = RunConfig(encoder=args.encoder, aligner=aligner_settings(args.set))
    print(f"aligner settings: {config.aligner}")
    # One model for all modes, so the second mode's speed is not charged a second load.
    encoder, seconds = load_encoder(config)
    if args.cache:
        encoder = RequestCounter(cached(encoder, default_cache_dir()))
    print(f"encoder {encoder.signature} loaded in {seconds:.1f} s\n")
    for mode in args.modes:
        report = evaluate_set(args.set_dir.resolve(), args.variant, presplit=mode == "presplit",
                              config=config, encoder=encoder)
        print(report.format(cut_examples=args.cuts))
        worst = sorted(report.documents, key=lambda d: d.counts.f1_strict)[: args.worst]
        for doc in worst:
            print(f"  worst: {doc.doc_id:28} strict F1 {doc.counts.f1_strict:.3f} "
                  f"({doc.gold_beads} gold / {doc.test_beads} output beads)")
        print()


if __name__ == "__main__":
    main()
