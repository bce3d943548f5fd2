"""Time and peak memory of content matching for 1k, 5k and 10k unpaired documents per side.

What is timed: ``document_scores`` and ``one_to_one`` on sentence vectors already in memory,
i.e. everything ``match_documents`` does after splitting and embedding (through
``flat_document_scores``, which it calls) (the shortlist of
candidate documents, the folder's link floor, the sentence links, the chains, the
one-to-one choice).  Splitting and embedding are left out on purpose: they cost the same
per sentence whatever the folder's size, and the embedding cache already holds them.

The documents are synthetic, built from real vectors.  The dev set's documents are split by
our splitters and embedded with the chosen encoder through the embedding cache (a warm cache
makes this instant); a synthetic document is two dev documents back to back (about 30
sentences, like a news article), Russian and Chinese alike.  Copy ``c`` of the dev set is
made distinct from the others by mixing every vector with its image under a random rotation
``Q_c`` shared by both languages, ``v -> normalise(v + Q_c v)`` (the first half of copy 0 is
left as it is; the second half of each document has a rotation of its own):
a translation pair within a copy keeps its similarity, while the same sentence in two
copies is about 0.5 alike, so every document has near-paraphrase look-alikes that share its
story, which a real archive has too.  Distractors are one-sided: 20 % of the Russian
documents lose their Chinese side and another 20 % of the Chinese documents their Russian
side.  Precision and recall are against the planted pairs.  Each size runs in a fresh
process, so its peak resident memory (ru_maxrss) is its own; it includes the vectors
(float32).

    python benchmarks/matching_scale.py --sizes 1000,5000,10000
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from aligner.config import RunConfig
from aligner.embed.base import l2_normalise
from aligner.embed.cache import default_cache_dir
from aligner.language import label_paragraphs
from aligner.matching import MATCH_THRESHOLD, SHORTLIST, flat_document_scores, one_to_one
from aligner.pairing import LabelledFile
from aligner.readers import read_file
from aligner.work import prepare_run

REPO = Path(__file__).resolve().parents[1]
ONE_SIDED = 0.2  # share of each side's documents whose partner is left out


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set-dir", type=Path, default=REPO.parent / "shared" / "eval",
                        help="eval set folder holding hard/ (default: %(default)s)")
    parser.add_argument("--sizes", default="1000,5000,10000",
                        help="documents per side, comma-separated (default: %(default)s)")
    parser.add_argument("--encoder", default="use")
    parser.add_argument("--shortlist", type=int, default=SHORTLIST)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--measure", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--vectors", type=Path, default=None, help=argparse.SUPPRESS)
    return parser.parse_args()


def dev_vectors(set_dir: Path, encoder: str, out: Path) -> None:
    """Sentence vectors of every dev document's two raw sides, saved to ``out`` (.npz)."""
    parts = prepare_run(RunConfig(encoder=encoder, cache_dir=default_cache_dir()))
    arrays: dict[str, np.ndarray] = {}
    documents = sorted(p for p in (set_dir / "hard").iterdir() if p.is_dir())
    for index, folder in enumerate(documents):
        for lang in ("ru", "zh"):
            source = read_file(folder / f"{lang}.raw.txt", folder)
            labelled = LabelledFile(source, tuple(label_paragraphs(source.text)))
            document = labelled.document(folder.name, lang)
            texts = [s.text for s in parts.splitters[lang].split_document(document)]
            arrays[f"{lang}{index}"] = parts.encoder.encode(texts)
    np.savez(out, **arrays)


Side = tuple[np.ndarray, np.ndarray]  # every sentence vector in one matrix; sentences per doc


def synthetic(vectors: Path, size: int, seed: int) -> tuple[Side, Side, set[tuple[int, int]]]:
    """``size`` Russian and ``size`` Chinese documents and the planted (ru, zh) pairs."""
    stored = np.load(vectors)
    count = len(stored.files) // 2
    dev = {lang: [stored[f"{lang}{i}"] for i in range(count)] for lang in ("ru", "zh")}
    dim = dev["ru"][0].shape[1]
    rng = np.random.default_rng(seed)
    rotations: dict[int, np.ndarray] = {}

    def mixed(rows: np.ndarray, key: int) -> np.ndarray:
        """``rows`` made distinct by rotation ``key`` (key 0: as they are)."""
        if key == 0:
            return rows
        if key not in rotations:
            rotations[key] = np.linalg.qr(rng.standard_normal((dim, dim)))[0].astype(np.float32)
        return l2_normalise(rows + rows @ rotations[key])

    def halves(index: int) -> tuple[int, int, int]:
        copy, first = divmod(index, count)
        return copy, first, (first + 1 + copy) % count  # a different neighbour in every copy

    def side(lang: str, indices: list[int]) -> Side:
        """The documents, written straight into one preallocated matrix."""
        sizes = np.array([len(dev[lang][halves(i)[1]]) + len(dev[lang][halves(i)[2]])
                          for i in indices])
        rows = np.empty((int(sizes.sum()), dim), dtype=np.float32)
        at = 0
        for index in indices:
            copy, first, second = halves(index)
            # the second half has a rotation of its own, so that a dev document, which is
            # the first half of one synthetic document and the second half of another in the
            # same copy, is a look-alike there and not an exact duplicate
            for part, key in ((dev[lang][first], 2 * copy), (dev[lang][second], 2 * copy + 1)):
                rows[at : at + len(part)] = mixed(part, key)
                at += len(part)
        return rows, sizes

    order = np.random.default_rng(seed + 1).permutation(size)  # Chinese in another order
    one_sided = int(ONE_SIDED * size)
    ru = side("ru", list(range(size)))
    # the last one_sided Russian documents have no Chinese side; Chinese documents
    # size .. size + one_sided - 1 have no Russian side
    zh_sources = list(range(size - one_sided)) + list(range(size, size + one_sided))
    zh_sources = [zh_sources[i] for i in order]
    zh = side("zh", zh_sources)
    truth = {(source, position) for position, source in enumerate(zh_sources) if source < size}
    return ru, zh, truth


def measure(args: argparse.Namespace) -> None:
    """One size in this process: print a tab-separated result line."""
    ru, zh, truth = synthetic(args.vectors, args.measure, args.seed)
    sentences = len(ru[0]) + len(zh[0])
    started = time.perf_counter()
    scores = flat_document_scores(*ru, *zh, shortlist=args.shortlist)
    chosen = one_to_one(scores, MATCH_THRESHOLD)
    seconds = time.perf_counter() - started
    found = {(int(scores.ru[i]), int(scores.zh[i])) for i in chosen}
    right = len(found & truth)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    digest = hash(tuple(sorted(found)))
    print(f"{args.measure}\t{sentences}\t{seconds:.1f}\t{peak_mb:.0f}\t{len(found)}\t{right}\t"
          f"{len(truth)}\t{digest}")


def main() -> None:
    args = parse_args()
    if args.measure:
        measure(args)
        return
    sizes = [int(s) for s in args.sizes.split(",")]
    with tempfile.TemporaryDirectory() as tmp:
        vectors = Path(tmp) / "dev.npz"
        started = time.perf_counter()
        dev_vectors(args.set_dir, args.encoder, vectors)
        print(f"dev vectors ({args.encoder}, through the embedding cache): "
              f"{time.perf_counter() - started:.1f} s; shortlist {args.shortlist}\n")
        print(f"{'docs/side':>9} {'sentences':>10} {'seconds':>8} {'peak MB':>8} "
              f"{'found':>6} {'right':>6} {'planted':>8} {'P':>6} {'R':>6}  same twice")
        for size in sizes:
            runs = []
            for _ in range(2 if size == sizes[0] else 1):  # determinism, on the smallest
                command = [sys.executable, __file__, "--measure", str(size), "--vectors",
                           str(vectors), "--shortlist", str(args.shortlist),
                           "--seed", str(args.seed)]
                runs.append(subprocess.run(command, check=True, capture_output=True,
                                           text=True).stdout.split("\t"))
            n, sentences, seconds, peak, found, right, planted, _ = runs[0]
            precision = int(right) / max(1, int(found))
            recall = int(right) / int(planted)
            # the chosen pairs, not the timings, must repeat
            same = "-" if len(runs) == 1 else "yes" if runs[0][4:] == runs[1][4:] else "NO"
            print(f"{n:>9} {sentences:>10} {seconds:>8} {peak:>8} {found:>6} {right:>6} "
                  f"{planted:>8} {precision:>6.3f} {recall:>6.3f}  {same}")


if __name__ == "__main__":
    main()
