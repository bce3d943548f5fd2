"""Applying a review workbook (``-f xlsx``) edited in Excel or LibreOffice: the editor's round
trip without a browser.

The workbook's reader (aligner.export.xlsx) turns the rows back into beads and names every
row that loses, doubles or reorders a sentence; the corrections then go through the same
door as the editor's (ReviewSession), with the same partition check, and rewrite every
output of the run, or nothing at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from aligner.export.xlsx import ReviewWorkbookError, read_review_workbook
from aligner.review.edits import EditError, edits_of
from aligner.review.session import ReviewSession


@dataclass(frozen=True)
class Applied:
    """What a workbook changed, for the command's report."""

    documents: list[str]  # ids of the documents whose beads or statuses changed
    regrouped: int  # beads whose sentences are not one of the run's beads
    confirmed: int
    written: list[Path]


def apply_workbook(out_dir: Path, workbook: Path) -> Applied:
    """Apply ``workbook`` to the run in ``out_dir``; ReviewWorkbookError (rows named) or
    EditError when it cannot be, and then nothing is written."""
    session = ReviewSession(out_dir)
    if not Path(workbook).is_file():
        raise ReviewWorkbookError(workbook, ["no such file"])
    current = {d.pair.doc_id: d for d in session.run.result.documents}
    review = read_review_workbook(workbook, current.values())
    if review.signature and review.signature != session.run.result.signature:
        raise ReviewWorkbookError(workbook, [
            "it was written by another run (its signature differs from the one in "
            f"{out_dir}): its sentence ids may mean other sentences"])
    changed = {}
    for document in review.documents:
        before = current[document.pair.doc_id]
        if [(b.ru, b.zh, b.status) for b in document.beads] != [
                (b.ru, b.zh, b.status) for b in before.beads]:
            changed[document.pair.doc_id] = edits_of(document)
    if not changed:
        return Applied([], 0, review.confirmed, [])
    try:
        written = session.apply(changed, label=lambda doc, k: f"{doc!r} bead {k + 1}")
    except EditError as error:
        raise ReviewWorkbookError(workbook, [str(error)]) from None
    return Applied(sorted(changed), review.regrouped, review.confirmed, written)
