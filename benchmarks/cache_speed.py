"""What the embedding cache saves: the dev set aligned twice, cold then warm cache.

Not a test: it loads the real encoder.  Both runs go through one cached encoder in a
fresh temporary cache folder, so the first run embeds everything (and pays for writing
the cache) and the second embeds nothing it has seen; the scores must not move.

    python benchmarks/cache_speed.py --variant hard
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from aligner.config import RunConfig
from aligner.embed.cache import DB_NAME, cached
from aligner.evaluate import EvalReport, evaluate_set, load_encoder

REPO_ROOT = Path(__file__).resolve().parent.parent


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set-dir", type=Path, default=REPO_ROOT / ".." / "shared" / "eval",
                        help="eval set folder holding hard/ and clean/ (default: %(default)s)")
    parser.add_argument("--variant", choices=("hard", "clean"), default="hard")
    parser.add_argument("--encoder", default="use")
    return parser.parse_args()


def line(label: str, report: EvalReport) -> str:
    return (f"{label:5} {report.seconds:7.1f} s  {report.sentences_per_second:7.1f} sent/s  "
            f"{report.calls_per_sentence or 0.0:.2f} encoder calls/sent  "
            f"strict F1 {report.counts.f1_strict:.4f}")


def main() -> None:
    args = parse_args()
    config = RunConfig(encoder=args.encoder)
    inner, seconds = load_encoder(config)  # warmed up before wrapping: loading is not timed
    print(f"encoder {inner.signature} loaded in {seconds:.1f} s")
    with tempfile.TemporaryDirectory(prefix="ruzh-cache-bench-") as tmp:
        encoder = cached(inner, Path(tmp))
        reports = {}
        for label in ("cold", "warm"):
            reports[label] = evaluate_set(args.set_dir.resolve(), args.variant, presplit=False,
                                          config=config, encoder=encoder)
        megabytes = (Path(tmp) / DB_NAME).stat().st_size / 1e6
    print(f"{args.variant}/raw: {reports['cold'].sentences} sentences, "
          f"{len(reports['cold'].documents)} docs\n")
    for label, report in reports.items():
        print(line(label, report))
    cold, warm = reports["cold"], reports["warm"]
    speedup = warm.sentences_per_second / cold.sentences_per_second
    same = (cold.documents, cold.at_threshold) == (warm.documents, warm.at_threshold)
    print(f"\nwarm/cold speed: {speedup:.1f}x; cache file {megabytes:.1f} MB; "
          f"scores {'identical' if same else 'DIFFERENT'}")


if __name__ == "__main__":
    main()
