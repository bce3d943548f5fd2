"""Time and memory of aligning one long document pair, and how they grow with length.

The dev set's documents are concatenated (and repeated) into one Russian and one Chinese
"book" of up to 20,000 units; the gold alignment is concatenated alongside, so the
benchmark also shows the banded coarse-to-fine search still finds the right path.
Embeddings are computed once for the distinct window texts and reused from a throwaway
embedding cache (the encoder is not what is measured here).  Run:

    python benchmarks/long_document.py --sizes 1000,5000,10000,20000
"""

from __future__ import annotations

import argparse
import ast
import resource
import tempfile
import time
import tracemalloc
from collections.abc import Sequence
from pathlib import Path

from aligner.align import align_document
from aligner.config import AlignerSettings
from aligner.embed import get_encoder
from aligner.embed.cache import cached
from aligner.evaluate import score
from aligner.model import Sentence

REPO = Path(__file__).resolve().parents[1]


def load_book(set_dir: Path, variant: str, size: int) -> tuple[list[str], list[str], set]:
    """Concatenate dev documents, cycling through them, until Russian has ``size`` units."""
    ru: list[str] = []
    zh: list[str] = []
    gold: set = set()
    documents = sorted(p for p in (set_dir / variant).iterdir() if p.is_dir())
    while len(ru) < size:
        for document in documents:
            ru_units = (document / "ru.txt").read_text(encoding="utf-8").splitlines()
            zh_units = (document / "zh.txt").read_text(encoding="utf-8").splitlines()
            for line in (document / "gold.txt").read_text().splitlines():
                left, right = line.split(":")
                gold.add((tuple(len(ru) + i for i in ast.literal_eval(left)),
                          tuple(len(zh) + j for j in ast.literal_eval(right))))
            ru += ru_units
            zh += zh_units
            if len(ru) >= size:
                break
    return ru, zh, gold


def as_sentences(texts: Sequence[str]) -> list[Sentence]:
    return [Sentence(text, 0, 0, 0) for text in texts]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set-dir", type=Path, default=REPO.parent / "shared" / "eval")
    parser.add_argument("--variant", default="hard")
    parser.add_argument("--sizes", default="1000,2500,5000,10000,20000")
    args = parser.parse_args()
    # Each distinct window is embedded once, in a throwaway cache: the encoder is not measured.
    encoder = cached(get_encoder("use"), Path(tempfile.mkdtemp(prefix="long-document-")))
    settings = AlignerSettings(refine=False)  # gold units: nothing for refinement to cut
    print(f"{'ru units':>9} {'zh units':>9} {'seconds':>8} {'s/1k':>6} {'peak MB':>8} "
          f"{'strict F1':>9}")
    for size in (int(s) for s in args.sizes.split(",")):
        ru, zh, gold = load_book(args.set_dir, args.variant, size)
        ru_sentences, zh_sentences = as_sentences(ru), as_sentences(zh)
        align_document(ru_sentences[:50], zh_sentences[:50], encoder, settings)  # warm the memo
        for start in range(0, len(ru), 2000):  # embed every window once, outside the timing
            align_document(ru_sentences[start:start + 2000], zh_sentences[:1], encoder, settings)
        for start in range(0, len(zh), 2000):
            align_document(ru_sentences[:1], zh_sentences[start:start + 2000], encoder, settings)
        tracemalloc.start()
        started = time.perf_counter()
        _, _, beads = align_document(ru_sentences, zh_sentences, encoder, settings)
        seconds = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        f1 = score(sorted(gold), [(b.ru, b.zh) for b in beads]).f1_strict
        print(f"{len(ru):>9} {len(zh):>9} {seconds:>8.1f} {1000 * seconds / len(ru):>6.2f} "
              f"{peak / 2**20:>8.0f} {f1:>9.3f}")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"process peak RSS (model, embeddings and all): {rss:.0f} MB")


if __name__ == "__main__":
    main()
