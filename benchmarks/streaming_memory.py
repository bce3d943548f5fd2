"""Peak memory of a whole `ruzh-align run` as the corpus grows: it should stay flat.

Not a test.  For each size N a folder of N documents is built by copying the dev set's
raw documents (``hard/*/ru.raw.txt`` and ``zh.raw.txt``) round-robin under new names,
``NAME-k.ru.txt`` / ``NAME-k.zh.txt``, so they pair by name and content matching has
nothing to do.  The embedding cache is warmed once with one copy of the dev set (every
copy holds the same sentences), so every measured run embeds nothing: it measures what
the run keeps in memory (documents read, aligned documents, outputs), not the encoder.

Each size runs ``ruzh-align run DIR -o OUT --no-progress`` (plus any ``--args``) in its
own process; the figure is that process's peak resident set (``ru_maxrss`` from
``os.wait4``), so the encoder's model and the interpreter are in every figure and the
growth with N is what the run holds per document.

    python benchmarks/streaming_memory.py --set-dir ../shared/eval --sizes 1000 5000 20000
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set-dir", type=Path, default=REPO_ROOT / ".." / "shared" / "eval",
                        help="eval set folder holding hard/ (default: %(default)s)")
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000, 20000],
                        help="numbers of documents to run (default: %(default)s)")
    parser.add_argument("--args", default="", help="extra `ruzh-align run` arguments, "
                                                   "e.g. '-f parquet --report'")
    return parser.parse_args()


def dev_documents(set_dir: Path) -> list[Path]:
    """The dev-set document folders that have both raw sides."""
    folders = sorted(p for p in (set_dir / "hard").iterdir()
                     if (p / "ru.raw.txt").is_file() and (p / "zh.raw.txt").is_file())
    if not folders:
        raise SystemExit(f"{set_dir / 'hard'}: no documents with ru.raw.txt and zh.raw.txt")
    return folders


def build_corpus(folders: list[Path], count: int, target: Path) -> int:
    """``count`` documents copied round-robin from ``folders``; returns the bytes of text."""
    target.mkdir(parents=True)
    size = 0
    for k in range(count):
        folder = folders[k % len(folders)]
        name = f"{folder.name}-{k // len(folders)}"
        for lang in ("ru", "zh"):
            copy = target / f"{name}.{lang}.txt"
            shutil.copyfile(folder / f"{lang}.raw.txt", copy)
            size += copy.stat().st_size
    return size


def measure(corpus: Path, out: Path, cache: Path, extra: list[str]) -> tuple[float, float]:
    """Peak RSS (MB) and wall time (s) of one run in its own process."""
    command = [sys.executable, "-m", "aligner", "run", str(corpus), "-o", str(out),
               "--no-progress", "--cache-dir", str(cache), *extra]
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    error = process.stderr.read().decode() if process.stderr else ""
    if process.returncode != 0:
        raise SystemExit(f"run failed ({process.returncode}): {error[-2000:]}")
    return usage.ru_maxrss / 1024, seconds  # Linux reports kilobytes


def main() -> None:
    args = parse_args()
    folders = dev_documents(args.set_dir)
    extra = args.args.split()
    with tempfile.TemporaryDirectory(prefix="streaming-memory-") as work:
        root = Path(work)
        cache = root / "cache"
        build_corpus(folders, len(folders), root / "warm")
        measure(root / "warm", root / "warm-out", cache, extra)  # fills the cache
        print(f"documents  input MB  peak RSS MB  vs first  wall s   (extra args: "
              f"{args.args or 'none'})")
        first = None
        for count in args.sizes:
            corpus = root / f"corpus-{count}"
            size = build_corpus(folders, count, corpus)
            peak, seconds = measure(corpus, root / f"out-{count}", cache, extra)
            first = first or peak
            print(f"{count:9d}  {size / 1e6:8.1f}  {peak:11.0f}  {peak / first:7.2f}x  "
                  f"{seconds:6.0f}", flush=True)
            shutil.rmtree(corpus)
            shutil.rmtree(root / f"out-{count}")


if __name__ == "__main__":
    main()
