"""The ``ruzh-align`` command: parses arguments, calls the library, reports.

Exit status: 0 when at least one document was aligned or listed; 1 when
nothing could be (no usable file, or the encoder cannot run); 2 for usage
errors (argparse's convention).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from aligner.config import RunConfig
from aligner.embed import ENCODERS, EncoderError
from aligner.embed.cache import DEFAULT_MAX_BYTES, default_cache_dir, parse_size
from aligner.export import EXPORTERS
from aligner.export.base import ExtractedTextsSink
from aligner.export.outputs import OutputSpec, StagedOutputs
from aligner.language import detect_script_variant
from aligner.model import AlignedDocument, CorpusResult
from aligner.pipeline import stream_corpus_dir
from aligner.review.corrections import (
    CorrectionsError,
    CorrectionsReport,
    compare,
    corrections_sink,
    read_corrections,
)
from aligner.review.state import ReviewRun, StateError, state_sink

DEFAULT_CORPUS = Path("corpus")
DEFAULT_OUTPUT = Path("output")
EXTRA_FORMATS = ("parquet", "xlsx", "moses", "jsonl")


def _size(text: str) -> int | None:
    """argparse's view of :func:`parse_size`: a bad size is a usage error."""
    try:
        return parse_size(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ruzh-align",
        description="Align Russian and Chinese documents sentence by sentence; "
                    "with no command, aligns ./corpus into ./output.")
    commands = parser.add_subparsers(dest="command")
    run = commands.add_parser("run", help="align a folder of documents (recursively)")
    run.add_argument("corpus", type=Path, help="folder with the input documents")
    run.add_argument("-o", "--output", type=Path, default=DEFAULT_OUTPUT,
                     help="folder for aligned.tmx and aligned.csv (default: %(default)s)")
    run.add_argument("--presplit", action="store_true",
                     help="every non-empty line is already one sentence: do not re-split")
    run.add_argument("--encoder", choices=sorted(ENCODERS), default="use",
                     help="sentence encoder (default: %(default)s)")
    run.add_argument("--laser-dir", type=Path, default=None,
                     help="folder holding laser2.pt and laser2.spm (default: $LASER, "
                          "else the library's download cache)")
    run.add_argument("--segmentation", default="default", metavar="default|srx|srx:FILE",
                     help="how sentences are cut: our linguistic splitters (default), 'srx' "
                          "(shipped rules that cut like OmegaT's defaults, so TMX units match "
                          "the CAT tool's segments) or 'srx:FILE' (your own SRX 2.0 rules)")
    run.add_argument("--main-text", action="store_true",
                     help="web pages (and e-book chapters): keep only the article body, leaving "
                          "out the menus, teasers and comments a site puts around it")
    run.add_argument("--no-content-matching", action="store_true",
                     help="pair documents by file name only, never by content")
    run.add_argument("--min-score", type=float, default=None,
                     help="leave beads scoring below this out of the TMX (the CSV keeps all)")
    run.add_argument("-f", "--format", action="append", default=[], choices=EXTRA_FORMATS,
                     dest="formats",
                     help="also write aligned.parquet; aligned.xlsx (a review workbook); "
                          "aligned.ru.txt + aligned.zh.txt (moses: line-aligned text for MT "
                          "training); aligned.jsonl (one bead per line); repeatable")
    run.add_argument("--report", action="store_true",
                     help="also write report.html: both texts side by side, low scores and "
                          "unaligned sentences highlighted, an alignment plot per document")
    run.add_argument("--low-score", type=float, default=0.5,
                     help="highlight beads scoring below this in the report (default: %(default)s)")
    caching = run.add_mutually_exclusive_group()
    caching.add_argument("--cache-dir", type=Path, default=None, metavar="DIR",
                         help="embedding cache, so re-runs do not re-embed (default: the user "
                              "cache folder, or $RUZH_ALIGNER_CACHE)")
    caching.add_argument("--no-cache", action="store_true", help="embed everything afresh")
    run.add_argument("--cache-max-size", type=_size, default=DEFAULT_MAX_BYTES, metavar="SIZE",
                     help="keep the embedding cache under SIZE (2GB, 500MB, 1.5GiB, or none), "
                          "dropping the least recently used vectors first (default: 4GB)")
    run.add_argument("--jobs", type=int, default=1, metavar="N",
                     help="align document pairs in N processes (default: %(default)s)")
    run.add_argument("--executor", choices=("local", "dask"), default="local",
                     help="'dask' runs document pairs as Dask tasks (default: %(default)s)")
    run.add_argument("--scheduler", default=None, metavar="ADDRESS",
                     help="Dask scheduler address (tcp://host:8786); without it a local "
                          "cluster of --jobs workers is started")
    run.add_argument("--no-progress", action="store_true", help="no progress bar")
    review = commands.add_parser(
        "review", help="open the alignment editor for a run's output folder in the browser")
    review.add_argument("output", type=Path, help="the folder a `run` wrote (-o OUT_DIR)")
    review.add_argument("--port", type=int, default=0,
                        help="port on 127.0.0.1 and ::1 (default: a free one)")
    review.add_argument("--no-browser", action="store_true",
                        help="only print the editor's URL; do not open a browser")
    apply = commands.add_parser(
        "apply", help="apply a review workbook (-f xlsx) edited in Excel or LibreOffice")
    apply.add_argument("output", type=Path, help="the folder a `run` wrote (-o OUT_DIR)")
    apply.add_argument("workbook", type=Path, help="the edited aligned.xlsx")
    evaluate = commands.add_parser(
        "evaluate", help="score the aligner on an eval set laid out like ../shared/eval")
    evaluate.add_argument("set_dir", type=Path, help="folder holding hard/ and clean/")
    evaluate.add_argument("--variant", default="hard", help="subfolder to score (default: hard)")
    evaluate.add_argument("--presplit", action="store_true",
                          help="feed gold units one per line (the aligner alone)")
    evaluate.add_argument("--encoder", choices=sorted(ENCODERS), default="use")
    evaluate.add_argument("--laser-dir", type=Path, default=None)
    evaluate.add_argument("--cuts", type=int, default=10, metavar="N",
                          help="list N of the mid-sentence cuts found (default: %(default)s)")
    return parser


def is_traditional(document: AlignedDocument) -> bool:
    """Whether the document's Chinese is in traditional characters.

    Such documents are aligned as Chinese all the same; the summary names them because a
    translator filling a mainland (zh-CN) translation memory needs to know.
    """
    zh = document.pair.zh
    return zh is not None and detect_script_variant(
        "".join(zh.paragraph_text(p) for p in zh.paragraphs)) == "traditional"


@dataclass
class RunTally:
    """What the summary says about the documents, counted as they pass: a run that writes
    each document and lets it go keeps these numbers (and a line per document it names),
    never the documents."""

    documents: int = 0
    paired: int = 0
    sentences: Counter[str] = field(default_factory=Counter)
    types: Counter[str] = field(default_factory=Counter)
    unpaired: list[str] = field(default_factory=list)  # the summary's line for each
    traditional: list[str] = field(default_factory=list)

    def add(self, document: AlignedDocument) -> None:
        pair = document.pair
        self.documents += 1
        self.sentences.update(ru=len(document.ru_sentences), zh=len(document.zh_sentences))
        if pair.is_paired:
            self.paired += 1
            self.types.update(bead.type for bead in document.beads)
        else:
            self.unpaired.append(f"{pair.doc_id} ({'ru' if pair.ru else 'zh'}, "
                                 f"{len(document.ru_sentences) + len(document.zh_sentences)} "
                                 f"sentences, no partner)")
        if pair.zh is not None and is_traditional(document):
            self.traditional.append(f"{pair.doc_id} ({pair.zh.file.rel})")


def corrections_summary(report: CorrectionsReport) -> str:
    """What became of the reviewed beads of the previous run in this output folder."""
    total = report.kept + len(report.dropped)
    return (f"corrections:       {report.kept} of {total} kept"
            + "".join(f"\n  dropped {d.doc}/{d.first} «{d.text}»: {d.reason}"
                      for d in report.dropped))


def summary(run: CorpusResult, tally: RunTally, encoder: str, seconds: float) -> str:
    """The few lines a user reads after a run (``run``: its counts, not its documents)."""
    lines = [
        f"documents read:    {run.files_read} files",
        f"document pairs:    {tally.paired}"
        + (f" ({len(run.matches)} matched by content)" if run.matches else "")
        + "".join(f"\n  {m.ru_doc_id} + {m.zh_doc_id} (score {m.score:.2f})"
                  for m in run.matches),
        f"sentences:         ru {tally.sentences['ru']}, zh {tally.sentences['zh']}",
        "beads by type:     " + (", ".join(f"{t} {n}" for t, n in sorted(tally.types.items()))
                                 or "none"),
        f"unpaired:          {len(tally.unpaired)}"
        + "".join(f"\n  {line}" for line in tally.unpaired),
        f"traditional zh:    {len(tally.traditional)}"
        + (" (aligned as Chinese)" if tally.traditional else "")
        + "".join(f"\n  {line}" for line in tally.traditional),
        f"skipped files:     {len(run.problems)}"
        + "".join(f"\n  {p.rel}: {p.reason}" for p in run.problems),
        f"encoder:           {encoder}",
        f"wall time:         {seconds:.1f} s",
        f"signature:         {run.signature}",
    ]
    return "\n".join(lines)


def run_outputs(args: argparse.Namespace) -> list[OutputSpec]:
    """The files this run writes; recorded in the review state, which regenerates them."""
    specs = [OutputSpec("tmx", "aligned.tmx", {"min_score": args.min_score}),
             OutputSpec("csv", "aligned.csv")]
    specs += [OutputSpec(name, f"aligned{EXPORTERS[name].suffix}")
              for name in dict.fromkeys(args.formats)]
    if args.report:
        specs.append(OutputSpec("html", "report.html", {"low_score": args.low_score}))
    return specs


def run(args: argparse.Namespace) -> int:
    try:
        # a person's reviewed beads from an earlier run here: the alignment passes through them
        corrections = read_corrections(args.output)
    except CorrectionsError as error:
        print(f"ruzh-align: error: {error} (move it away to start afresh)", file=sys.stderr)
        return 1
    config = RunConfig(encoder=args.encoder, presplit=args.presplit, laser_dir=args.laser_dir,
                       segmentation=args.segmentation, jobs=args.jobs, executor=args.executor,
                       scheduler=args.scheduler, match_by_content=not args.no_content_matching,
                       main_text=args.main_text,
                       cache_dir=None if args.no_cache else args.cache_dir or default_cache_dir(),
                       cache_max_bytes=args.cache_max_size)
    started = time.perf_counter()
    try:
        stream = stream_corpus_dir(args.corpus, config, progress=not args.no_progress,
                                   fixed=corrections)
    except (EncoderError, NotADirectoryError) as error:
        print(f"ruzh-align: error: {error}", file=sys.stderr)
        return 1
    except ValueError as error:  # a --segmentation value or SRX file that cannot be used
        print(f"ruzh-align: error: {error}", file=sys.stderr)
        return 2
    tally, written = RunTally(), []
    reviewed = []  # the documents the saved corrections name, to say which were kept
    outputs: StagedOutputs | None = None  # opened with the first document: none, no files
    try:
        for document in stream.documents:
            if outputs is None:
                specs = run_outputs(args)
                review_run = ReviewRun(stream.result([]), specs, str(args.corpus),
                                       args.low_score)
                outputs = StagedOutputs(args.output, specs, stream.signature, [
                    ExtractedTextsSink, state_sink(review_run),
                    corrections_sink(stream.signature)])
            outputs.add(document)
            tally.add(document)
            if document.pair.doc_id in corrections:
                reviewed.append(document)
        if outputs is not None:
            written = outputs.commit(stream.result([]))
    except BaseException:
        if outputs is not None:
            outputs.discard()
        raise
    run = stream.result([])
    for problem in run.problems:
        print(f"ruzh-align: skipped {problem.rel}: {problem.reason}", file=sys.stderr)
    encoder = run.signature.split("|")[1].removeprefix("enc:") if run.signature else "-"
    print(summary(run, tally, encoder, time.perf_counter() - started))
    if corrections:
        print(corrections_summary(compare(corrections, stream.result(reviewed))))
    for path in written:
        print(f"wrote {path}")
    if not tally.documents:
        print(f"ruzh-align: error: nothing to align in {args.corpus}", file=sys.stderr)
        return 1
    return 0


def review(args: argparse.Namespace) -> int:
    from aligner.review.server import ReviewServer

    try:
        server = ReviewServer(args.output, port=args.port)
    except (StateError, OSError) as error:
        print(f"ruzh-align: error: {error}", file=sys.stderr)
        return 1
    print(server.url, flush=True)
    print("review: serving the editor until Ctrl-C", file=sys.stderr)
    if not args.no_browser:
        import webbrowser

        webbrowser.open(server.url)
    server.run()
    return 0


def apply(args: argparse.Namespace) -> int:
    from aligner.export.xlsx import ReviewWorkbookError
    from aligner.review.workbook import apply_workbook

    try:
        applied = apply_workbook(args.output, args.workbook)
    except (StateError, ReviewWorkbookError) as error:
        print(f"ruzh-align: error: {error}", file=sys.stderr)
        return 1
    if not applied.documents:
        print(f"{args.workbook}: no change to apply ({applied.confirmed} beads confirmed)")
        return 0
    print(f"{args.workbook}: applied to {len(applied.documents)} document(s) "
          f"({', '.join(applied.documents)}): {applied.regrouped} bead(s) regrouped, "
          f"{applied.confirmed} confirmed")
    for path in applied.written:
        print(f"wrote {path}")
    return 0


def evaluate(args: argparse.Namespace) -> int:
    from aligner.evaluate import evaluate_set

    if not (args.set_dir / args.variant).is_dir():
        print(f"ruzh-align: error: {args.set_dir / args.variant}: not a folder", file=sys.stderr)
        return 1
    config = RunConfig(encoder=args.encoder, laser_dir=args.laser_dir)
    try:
        report = evaluate_set(args.set_dir, args.variant, presplit=args.presplit, config=config)
    except EncoderError as error:
        print(f"ruzh-align: error: {error}", file=sys.stderr)
        return 1
    print(report.format(cut_examples=args.cuts))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    argv = sys.argv[1:] if argv is None else argv
    args = parser.parse_args(argv or ["run", str(DEFAULT_CORPUS)])
    if args.command is None:
        parser.print_help()
        return 2
    if args.command == "run" and args.jobs < 1:
        parser.error("--jobs must be at least 1")
    if args.command == "run" and args.scheduler and args.executor != "dask":
        parser.error("--scheduler goes with --executor dask")
    if args.command == "run" and args.presplit and args.segmentation != "default":
        parser.error("--presplit keeps every line as one sentence; it cannot be combined "
                     "with --segmentation")
    if args.command == "review" and not 0 <= args.port <= 65535:
        parser.error("--port must be between 0 and 65535")
    commands = {"run": run, "evaluate": evaluate, "review": review, "apply": apply}
    return commands[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
