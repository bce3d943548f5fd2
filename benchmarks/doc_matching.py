"""How well unpaired Russian and Chinese files are paired by content, and how fast.

The dev set's documents are written into one flat folder under random names, Russian
and Chinese separately and without language suffixes, so that names cannot pair them.
Distractors have no partner: one side only of some dev documents, and the Russian-only
sample article corpus/000_*.txt; the bilingual sample corpus/002_*.txt is split into a
Russian and a Chinese file, a true pair from another domain (and on the same story as
000).  The folder then goes through the pipeline's own stages (read, label, name
pairing, splitters and encoder) and ``match_documents``.  A second part matches
documents two at a time, a true pair or an unrelated one, where the margins say least.

Note: the threshold and the link floor's number of spreads were chosen on this same dev set
(see aligner/matching.py).

    python benchmarks/doc_matching.py --one-sided 20 --alone 300
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path

import numpy as np

from aligner.config import RunConfig
from aligner.embed import Encoder
from aligner.embed.cache import cached
from aligner.language import label_paragraphs
from aligner.matching import MATCH_THRESHOLD, MatchResult, match_documents
from aligner.model import DocumentPair, Lang
from aligner.pairing import LabelledFile, pair_documents, split_name
from aligner.pipeline import load_files
from aligner.readers import read_file
from aligner.work import RunParts, prepare_run

REPO = Path(__file__).resolve().parents[1]
ONLY_RUSSIAN = REPO / "corpus" / "000_ab770fffd2190f8e.txt"
BILINGUAL = REPO / "corpus" / "002_9e5125a431169a21.txt"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set-dir", type=Path, default=REPO.parent / "shared" / "eval",
                        help="eval set folder holding hard/ and clean/ (default: %(default)s)")
    parser.add_argument("--variant", default="hard",
                        help="subfolder of documents: hard or clean for the dev set, a held-out "
                             "set's name (default: %(default)s)")
    parser.add_argument("--one-sided", type=int, default=20, metavar="N",
                        help="dev documents of which only one side is written (default: 20)")
    parser.add_argument("--alone", type=int, default=300, metavar="N",
                        help="unrelated document pairs matched two at a time (default: 300)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--encoder", default="use")
    parser.add_argument("--cache-dir", type=Path, default=None,
                        help="embedding cache to read and fill (default: a throwaway one, so "
                             "the encoding time is a cold one)")
    return parser.parse_args()


def side_text(path: Path, lang: Lang) -> str:
    """The paragraphs of one language of a corpus file, as a file of their own would hold them."""
    source = read_file(path, path.parent)
    document = LabelledFile(source, tuple(label_paragraphs(source.text))).document("", lang)
    return "\n\n".join(document.paragraph_text(p) for p in document.paragraphs) + "\n"


def write_folder(folder: Path, args: argparse.Namespace) -> tuple[set[tuple[str, str]], set[str]]:
    """Fill ``folder``; return the true (ru id, zh id) pairs and the ids with no partner."""
    rng = random.Random(args.seed)
    names: set[str] = set()

    def write(text: str) -> str:
        name = f"{rng.getrandbits(48):012x}"
        while name in names:
            name = f"{rng.getrandbits(48):012x}"
        names.add(name)
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
        return name

    documents = sorted(p for p in (args.set_dir / args.variant).iterdir() if p.is_dir())
    one_sided = set(rng.sample(range(len(documents)), args.one_sided))
    truth, alone = set(), set()
    for index, document in enumerate(documents):
        texts = {lang: (document / f"{lang}.raw.txt").read_text(encoding="utf-8")
                 for lang in ("ru", "zh")}
        if index in one_sided:
            alone.add(write(texts["ru" if index % 2 else "zh"]))
        else:
            truth.add((write(texts["ru"]), write(texts["zh"])))
    alone.add(write(ONLY_RUSSIAN.read_text(encoding="utf-8")))
    truth.add((write(side_text(BILINGUAL, "ru")), write(side_text(BILINGUAL, "zh"))))
    return truth, alone


def spread(values: list[float]) -> str:
    if not values:
        return "none"
    q = np.percentile(values, [0, 5, 50, 95, 100])
    return "min {:.3f}  p5 {:.3f}  median {:.3f}  p95 {:.3f}  max {:.3f}".format(*q)


def report_folder(result: MatchResult, unpaired: list[DocumentPair],
                  truth: set[tuple[str, str]], alone: set[str]) -> None:
    found = {(m.ru_doc_id, m.zh_doc_id) for m in result.matches}
    right = len(found & truth)
    precision = right / len(found) if found else 1.0
    recall = right / len(truth)
    f1 = 2 * precision * recall / (precision + recall) if right else 0.0
    print(f"pairs: {len(found)} found, {right} right, {len(truth)} true")
    print(f"precision {precision:.3f}  recall {recall:.3f}  F1 {f1:.3f}")
    left = {pair.doc_id for pair in result.unpaired}
    print(f"distractors left unpaired: {len(alone & left)} of {len(alone)}")
    scores = {(c.ru_doc_id, c.zh_doc_id): c.score for c in result.candidates}
    for ru, zh in sorted(found - truth):
        print(f"  WRONG  {ru} + {zh}  score {scores[ru, zh]:.3f}")
    for ru, zh in sorted(truth - found):
        print(f"  MISSED {ru} + {zh}  score {scores.get((ru, zh), 0.0):.3f}")
    n_ru = sum(pair.ru is not None for pair in unpaired)
    n_zh = sum(pair.zh is not None for pair in unpaired)
    false = [score for key, score in scores.items() if key not in truth]
    print(f"scores of true pairs ({len(truth)}):  "
          f"{spread([scores.get(key, 0.0) for key in truth])}")
    print(f"scores of false pairs ({n_ru * n_zh - len(truth)}, {len(false)} with any evidence): "
          f"{spread(false)}; at or above the threshold {MATCH_THRESHOLD}: "
          f"{sum(s >= MATCH_THRESHOLD for s in false)}")


def report_alone(unpaired: list[DocumentPair], truth: set[tuple[str, str]], count: int,
                 parts: RunParts, encoder: Encoder, seed: int) -> None:
    """Match documents two at a time: every true pair, and ``count`` unrelated ones."""
    by_id = {pair.doc_id: pair for pair in unpaired}
    ru_ids = sorted(p.doc_id for p in unpaired if p.ru is not None)
    zh_ids = sorted(p.doc_id for p in unpaired if p.zh is not None)
    unrelated = [(ru, zh) for ru in ru_ids for zh in zh_ids if (ru, zh) not in truth]
    unrelated = random.Random(seed).sample(unrelated, min(count, len(unrelated)))
    for name, couples in (("true pairs", sorted(truth)), ("unrelated pairs", unrelated)):
        scores, matched = [], 0
        for ru, zh in couples:
            result = match_documents([by_id[ru], by_id[zh]], parts.splitters, encoder)
            matched += len(result.matches)
            scores.append(result.candidates[0].score if result.candidates else 0.0)
        print(f"{name} alone: {matched} of {len(couples)} matched; scores {spread(scores)}")


def main() -> None:
    args = parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        truth, alone = write_folder(folder, args)
        labelled, problems, files = load_files(folder)
        pairs = pair_documents(labelled)
        unpaired = [pair for pair in pairs if not pair.is_paired]
        print(f"folder: {files} files, {len(problems)} unreadable, "
              f"{len(pairs) - len(unpaired)} paired by name, {len(unpaired)} unpaired "
              f"({sum(p.ru is not None for p in unpaired)} ru, "
              f"{sum(p.zh is not None for p in unpaired)} zh); "
              f"{len(truth)} true pairs, {len(alone)} distractors")
        assert all(split_name(f.file.rel)[1] is None for f in labelled)
        started = time.perf_counter()
        parts = prepare_run(RunConfig(encoder=args.encoder))
        parts.encoder.encode(["Загрузка модели."])  # so that loading is not timed as encoding
        print(f"encoder {parts.encoder.signature} loaded in {time.perf_counter() - started:.1f} s")
        # A throwaway embedding cache: each sentence is embedded once, here, so that the
        # matching itself (and the pairs-alone part below) is timed on cached vectors.
        encoder = cached(parts.encoder, args.cache_dir
                         or Path(tempfile.mkdtemp(prefix="doc-matching-cache-")))
        texts = [sentence.text for pair in unpaired for side in (pair.ru, pair.zh) if side
                 for sentence in parts.splitters[side.lang].split_document(side)]
        started = time.perf_counter()
        encoder.encode(texts)
        encoding = time.perf_counter() - started
        started = time.perf_counter()
        result = match_documents(unpaired, parts.splitters, encoder)
        seconds = time.perf_counter() - started
        print(f"encoding {len(texts)} sentences: {encoding:.1f} s "
              f"({len(texts) / encoding:.0f} sentences/s); match_documents on cached vectors "
              f"(splitting, scoring and choosing): {seconds:.1f} s\n")
        report_folder(result, unpaired, truth, alone)
        if args.alone:
            print()
            report_alone(unpaired, truth, args.alone, parts, encoder, args.seed)


if __name__ == "__main__":
    main()
