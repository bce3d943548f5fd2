"""Whether the aligner's segments begin and end where a sentence can.

A translation memory is only as good as its segments: a half-sentence is never
matched by a CAT tool, and a confident score on one poisons the memory.  The
Vecalign metric forgives such cuts (a piece that lies mostly inside a gold unit
counts as that unit), so they are checked here apart: every segment's start
and end is *fine* when it falls on a gold unit boundary, at a paragraph break,
or right after sentence-final punctuation (Chinese 。！？… and closing quotes or
brackets after them; Russian . ! ? … and closing quotes); anything else is a
mid-sentence cut.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from aligner.model import AlignedDocument, Lang

Span = tuple[int, int]

# Text that ends with one of these may end a sentence (the pattern is matched at the end).
SENTENCE_END: dict[Lang, re.Pattern[str]] = {
    "zh": re.compile(r"(?:[。！？｡!?]|…+|\.{3})[”’」』）)】〉》\]\"']*$"),
    "ru": re.compile(r"(?:[.!?]|…)[»”\"')]*$"),
}
# A mid-sentence cut after one of these at least falls between clauses; any other falls inside one.
CLAUSE_END: dict[Lang, re.Pattern[str]] = {
    "zh": re.compile(r"[，,、；;：:—–\-”’」』）)》】\]\"'·]$"),
    "ru": re.compile(r"[,;:—–\-»”\"')]$"),
}
CONTEXT = 12  # characters either side of a cut shown in an example


@dataclass(frozen=True)
class Cut:
    """A segment boundary that lies inside a sentence."""

    doc_id: str
    lang: Lang
    at: int  # offset in the document's text, white space before it excluded
    left: str
    right: str

    @property
    def inside_clause(self) -> bool:
        """Not even after a comma, colon, dash or closing quote: the worst kind of cut."""
        return CLAUSE_END[self.lang].search(self.left) is None

    def format(self) -> str:
        context = f"{self.left}‖{self.right}".replace("\n", "⏎")
        return f"{self.doc_id} {self.lang}@{self.at}: {context}"


@dataclass
class BoundaryReport:
    """Segment boundaries checked, and the mid-sentence cuts among them, per language."""

    boundaries: dict[Lang, int] = field(default_factory=lambda: {"ru": 0, "zh": 0})
    cuts: list[Cut] = field(default_factory=list)

    def add(self, other: BoundaryReport) -> BoundaryReport:
        self.boundaries = {lang: self.boundaries[lang] + other.boundaries[lang]
                           for lang in self.boundaries}
        self.cuts.extend(other.cuts)
        return self

    def count(self, lang: Lang, inside_clause: bool = False) -> int:
        """Mid-sentence cuts on one side (only those inside a clause, if asked)."""
        return sum(cut.lang == lang and (cut.inside_clause or not inside_clause)
                   for cut in self.cuts)

    def format(self, examples: int = 5) -> str:
        head = "  mid-sentence cuts: " + "  ".join(
            f"{lang} {self.count(lang)} ({self.count(lang, inside_clause=True)} inside a clause)"
            f" of {self.boundaries[lang]} boundaries" for lang in ("ru", "zh"))
        return "\n".join([head, *(f"    {cut.format()}" for cut in self.cuts[:examples])])


def boundary_position(text: str, offset: int) -> int:
    """A boundary's place with the white space before it left out, so that the end of one
    segment and the start of the next are the same position."""
    return len(text[:offset].rstrip())


def is_sentence_boundary(text: str, at: int, lang: Lang, known: set[int]) -> bool:
    """Whether a segment may start or end at ``at`` (a ``boundary_position``); ``known`` holds
    positions that are boundaries whatever stands there."""
    if at == 0 or at in known:
        return True
    rest = text[at:]
    if not rest.strip() or "\n" in rest[: len(rest) - len(rest.lstrip())]:
        return True  # the end of the text or of a paragraph
    return SENTENCE_END[lang].search(text, 0, at) is not None


def segment_spans(document: AlignedDocument, lang: Lang) -> list[Span]:
    """Each bead's segment on one side (first sentence's start to last one's end): what a
    TMX unit or CSV cell holds."""
    sentences = document.sentences(lang)
    spans = []
    for bead in document.beads:
        ids = bead.ru if lang == "ru" else bead.zh
        if ids:
            spans.append((sentences[ids[0]].start, sentences[ids[-1]].end))
    return spans


def check_segments(doc_id: str, lang: Lang, text: str, segments: Iterable[Span],
                   known: Iterable[Span] = ()) -> BoundaryReport:
    """The boundaries of ``segments`` in ``text``, each counted once, and the bad ones.

    ``known`` are spans whose two ends are boundaries whatever stands there: gold units, and
    the paragraphs of the document (a line cut at a change of script is two paragraphs).
    """
    known_ends = {boundary_position(text, offset) for span in known for offset in span}
    positions = sorted({boundary_position(text, offset)
                        for start, end in segments for offset in (start, end)})
    report = BoundaryReport()
    report.boundaries[lang] = len(positions)
    for at in positions:
        if not is_sentence_boundary(text, at, lang, known_ends):
            right = text[at:].lstrip()
            report.cuts.append(Cut(doc_id, lang, at, text[max(0, at - CONTEXT) : at],
                                   right[:CONTEXT]))
    return report


def check_document(document: AlignedDocument, gold_units: dict[Lang, Sequence[Span]]
                   ) -> BoundaryReport:
    """Both sides of one aligned document (a side without a document is skipped)."""
    report = BoundaryReport()
    for lang in ("ru", "zh"):
        side = document.pair.side(lang)
        if side is not None:
            known = [*gold_units.get(lang, ()), *((p.start, p.end) for p in side.paragraphs)]
            report.add(check_segments(document.pair.doc_id, lang, side.file.text,
                                      segment_spans(document, lang), known))
    return report
