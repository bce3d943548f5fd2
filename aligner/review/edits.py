"""Applying a person's corrections to a document: the checks that nothing is lost or doubled.

A correction arrives as the document's new list of beads, each naming its
sentences by stable id (``ru:120-184``), never by row number, so it means the
same whatever else changed.  It is accepted only when every id is one of the
document's sentences and the beads, read in order, take every sentence of each
side exactly once and in text order: the same partition check the editor runs
before it sends anything.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from aligner.model import LANGS, AlignedDocument, Bead, BeadStatus, Lang
from aligner.review.state import STATUSES


class EditError(ValueError):
    """A correction that would lose, double or invent a sentence; nothing is applied."""


@dataclass(frozen=True)
class BeadEdit:
    """One bead as a correction states it: sentence ids per side and a status."""

    ru: tuple[str, ...]
    zh: tuple[str, ...]
    status: BeadStatus

    def side(self, lang: Lang) -> tuple[str, ...]:
        return self.ru if lang == "ru" else self.zh


def _short(ids: Sequence[str], limit: int = 5) -> str:
    shown = ", ".join(ids[:limit])
    return shown + (f" and {len(ids) - limit} more" if len(ids) > limit else "")


def partition_problems(document: AlignedDocument, edits: Sequence[BeadEdit],
                       label: Callable[[int], str]) -> list[str]:
    """Everything wrong with ``edits`` as a partition of the document's sentences, in words.

    ``label`` names bead number k the way the user sees it ("bead 3", "row 17").
    """
    problems = []
    for k, edit in enumerate(edits):
        if not edit.ru and not edit.zh:
            problems.append(f"{label(k)} holds no sentence")
        if edit.status not in STATUSES:
            problems.append(f"{label(k)}: unknown status {edit.status!r}")
    for lang in LANGS:
        known = {document.sentence_id(lang, i): i for i in range(len(document.sentences(lang)))}
        seen: dict[str, list[int]] = {}
        for k, edit in enumerate(edits):
            for sentence in edit.side(lang):
                seen.setdefault(sentence, []).append(k)
        unknown = [s for s in seen if s not in known]
        if unknown:
            problems.append(f"unknown sentence ids {_short(unknown)} (in "
                            f"{', '.join(label(k) for k in seen[unknown[0]])})")
        for sentence, where in seen.items():
            if len(where) > 1:
                problems.append(f"sentence {sentence} is in {len(where)} places: "
                                + ", ".join(label(k) for k in where))
        missing = [s for s in known if s not in seen]
        if missing:
            problems.append(f"{len(missing)} {lang} sentence(s) in no bead: {_short(missing)}")
        order = [known[s] for edit in edits for s in edit.side(lang) if s in known]
        counts = Counter(order)
        if not unknown and not missing and all(n == 1 for n in counts.values()) \
                and order != sorted(order):
            at = next(k for k in range(1, len(order)) if order[k] < order[k - 1])
            sentence = document.sentence_id(lang, order[at])
            problems.append(f"{lang} sentences out of text order at {sentence} "
                            f"({label(seen[sentence][0])})")
    return problems


def apply_edits(document: AlignedDocument, edits: Sequence[BeadEdit],
                label: Callable[[int], str] = lambda k: f"bead {k + 1}") -> AlignedDocument:
    """The document with its beads replaced by ``edits``, or EditError naming every problem.

    A bead identical to one the document had keeps that bead's score; a new one has no
    score (no aligner looked at it) and is at least "edited", whatever status it was sent
    with, since a person made it.
    """
    if not document.pair.is_paired:
        raise EditError(f"{document.pair.doc_id}: a document with no partner cannot be edited")
    problems = partition_problems(document, edits, label)
    if problems:
        raise EditError(f"{document.pair.doc_id}: " + "; ".join(problems))
    index = {lang: {document.sentence_id(lang, i): i for i in range(len(document.sentences(lang)))}
             for lang in LANGS}
    before = {(b.ru, b.zh): b for b in document.beads}
    beads = []
    for edit in edits:
        ru = tuple(index["ru"][s] for s in edit.ru)
        zh = tuple(index["zh"][s] for s in edit.zh)
        old = before.get((ru, zh))
        if old is not None:
            beads.append(replace(old, status=edit.status))
        else:
            status: BeadStatus = "edited" if edit.status == "auto" else edit.status
            beads.append(Bead(ru, zh, None, status))
    return replace(document, beads=tuple(beads))


def edits_of(document: AlignedDocument) -> list[BeadEdit]:
    """The document's beads as a correction would state them."""
    return [BeadEdit(tuple(document.sentence_id("ru", i) for i in bead.ru),
                     tuple(document.sentence_id("zh", j) for j in bead.zh), bead.status)
            for bead in document.beads]
