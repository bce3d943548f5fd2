"""Time, CPU, peak Python memory and size of every output format for a synthetic corpus.

The result is built by hand (one document pair of N 1-1 beads, no encoder), so only the
exporters are measured, plus reading the review workbook back.  Issue 12 (streaming
output) starts from these figures.  Timings on shared cores are noisy: compare CPU
seconds rather than wall time.  Run:

    python benchmarks/export_speed.py --sizes 1000,10000
"""

from __future__ import annotations

import argparse
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

from aligner.export import EXPORTERS
from aligner.export.xlsx import read_review_workbook
from aligner.model import (
    AlignedDocument,
    Bead,
    CorpusResult,
    Document,
    DocumentPair,
    Paragraph,
    Sentence,
    SourceFile,
)

SENTENCES_PER_PARAGRAPH = 5


def side(lang: str, texts: list[str], joiner: str) -> tuple[Document, tuple[Sentence, ...]]:
    """One language's document: the sentences in paragraphs, with exact offsets."""
    text, sentences, paragraphs = "", [], []
    for start in range(0, len(texts), SENTENCES_PER_PARAGRAPH):
        paragraph_start = len(text)
        for number, sentence in enumerate(texts[start:start + SENTENCES_PER_PARAGRAPH]):
            if number:
                text += joiner
            sentences.append(Sentence(sentence, len(text), len(text) + len(sentence),
                                      len(paragraphs)))
            text += sentence
        paragraphs.append(Paragraph(len(paragraphs), paragraph_start, len(text), lang))
        text += "\n"
    source = SourceFile(Path(f"book.{lang}.txt"), f"book.{lang}.txt", text, "utf_8")
    return Document("book", lang, source, tuple(paragraphs)), tuple(sentences)


def corpus(size: int) -> CorpusResult:
    ru, ru_sentences = side("ru", [f"Предложение номер {i} о важных вещах и деталях."
                                   for i in range(size)], " ")
    zh, zh_sentences = side("zh", [f"第{i}句关于重要的事情和细节。" for i in range(size)], "")
    beads = tuple(Bead((i,), (i,), (i % 100) / 100) for i in range(size))
    document = AlignedDocument(DocumentPair("book", ru, zh), ru_sentences, zh_sentences, beads)
    return CorpusResult([document], files_read=2, signature="benchmark")


def measure(action: Callable[..., Any], *args: Any) -> tuple[float, float, float, Any]:
    """Wall and CPU seconds, peak traced memory (MB) and the value of ``action(*args)``.

    Run twice: tracemalloc slows allocation-heavy code several times over, so the times
    come from a run without it.
    """
    wall, cpu = time.perf_counter(), time.process_time()
    value = action(*args)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    tracemalloc.start()
    action(*args)
    peak = tracemalloc.get_traced_memory()[1] / 1e6
    tracemalloc.stop()
    return wall, cpu, peak, value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000", help="beads, comma-separated")
    args = parser.parse_args()
    print(f"{'format':10} {'beads':>7} {'wall s':>8} {'cpu s':>8} {'peak MB':>8} {'size MB':>8}")
    for size in (int(part) for part in args.sizes.split(",")):
        result = corpus(size)
        for name in sorted(EXPORTERS):
            wall, cpu, peak, data = measure(EXPORTERS[name]().render, result)
            print(f"{name:10} {size:7} {wall:8.2f} {cpu:8.2f} {peak:8.1f} "
                  f"{len(data) / 1e6:8.2f}")
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "aligned.xlsx"
            path.write_bytes(EXPORTERS["xlsx"]().render(result))
            wall, cpu, peak, _ = measure(read_review_workbook, path,
                                         result.documents)
            print(f"{'xlsx read':10} {size:7} {wall:8.2f} {cpu:8.2f} {peak:8.1f} "
                  f"{path.stat().st_size / 1e6:8.2f}")


if __name__ == "__main__":
    main()
