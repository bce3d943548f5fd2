"""The review workbook: the alignment as a spreadsheet a translator can check and correct.

LF Aligner and the CAT tools hand translators a spreadsheet for review, because
everybody has Excel or LibreOffice.  One row per bead; the row's colour is its
confidence (the report's red-to-green scale), so the doubtful rows stand out.

The workbook also goes *back*: a translator regroups sentences by moving their
ids between rows and sets the status, and :func:`read_review_workbook` turns the
sheet into beads again.  The ids, never the text or the row numbers, are the
key, as rows move when a translator inserts or deletes some; the exact rules
are on the workbook's second sheet (``HOW_TO_EDIT``), and the reader enforces
them, naming the rows of every problem, so that nothing is lost or doubled.
Writer and reader share this file (unlike tmx.py and tmx_reader.py) because the
columns and the editing rules are one contract, read by both sides.

Text is always written as text: a sentence starting with ``=`` would otherwise
be a formula (openpyxl's rule), and one starting with ``= + - @`` gets the
"quote prefix" style, so that re-typing the cell in Excel or LibreOffice keeps
it text as well.  The worksheet is written in openpyxl's write-only mode, which
streams rows instead of holding a cell object per value.  The file is the same
bytes for the same result: the time stamps openpyxl puts in the properties and
in the ZIP entries are fixed.
"""

from __future__ import annotations

import colorsys
import io
import os
import re
import shutil
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from itertools import pairwise
from pathlib import Path
from typing import Any, BinaryIO, cast

from aligner.export.base import JOINERS, Exporter, KeyedRow, Sink, StreamedFile, document_keyed_rows
from aligner.export.report import BUCKETS, bucket_hue, score_bucket
from aligner.export.tmx import xml_safe
from aligner.model import LANGS, AlignedDocument, Bead, BeadStatus, CorpusResult, Lang

BEADS_SHEET = "Beads"
HELP_SHEET = "How to edit"
STATUSES: tuple[BeadStatus, ...] = ("auto", "edited", "confirmed")
# Excel's limit on one cell; LibreOffice and Excel cut or refuse longer text.
CELL_LIMIT = 32767
TRUNCATION_MARK = " […]"
# Fixed, so that the same result gives the same bytes (the ZIP format starts in 1980).
TIMESTAMP = datetime(1980, 1, 1)
ZIP_TIMESTAMP = (1980, 1, 1, 0, 0, 0)
# The characters Excel and LibreOffice start a formula with, when a cell is typed in.
_FORMULA_STARTS = ("=", "+", "-", "@")
# Sentence ids in a cell may be separated by spaces, line breaks, commas or semicolons.
_ID_SEPARATORS = re.compile(r"[\s,;]+")
_MAX_LISTED_PROBLEMS = 30
SCORE_FORMAT = "0.00"


@dataclass(frozen=True)
class Column:
    name: str
    width: float
    meaning: str
    editable: bool = False
    wrap: bool = False


COLUMNS = (
    Column("bead_id", 26, "The bead's id when the workbook was written: its document and its "
           "first sentence (Russian if it has one). Shown for reference; not read back."),
    Column("doc", 18, "Document id: the file name without extension and language suffix. "
           "Left empty in a row you insert, it is taken from the row above.", editable=True),
    Column("ru_ids", 16, "The Russian sentences of the bead, by id: 'ru:START-END' are the "
           "sentence's character offsets in the document's text. Edit these to regroup.",
           editable=True, wrap=True),
    Column("zh_ids", 16, "The Chinese sentences of the bead, by id ('zh:START-END'). Edit these "
           "to regroup.", editable=True, wrap=True),
    Column("ru_text", 60, "The Russian sentences, joined with a space. For reading: not read "
           "back.", wrap=True),
    Column("zh_text", 45, "The Chinese sentences, joined with nothing. For reading: not read "
           "back.", wrap=True),
    Column("score", 8, "Confidence in [0, 1] (0.5 is the aligner's decision boundary); the "
           "row's colour shows it, red (low) to green (high). Empty where no aligner looked "
           "(a document without a partner). Not read back."),
    Column("type", 7, "Sentences per side: 1-1, 2-1 (two Russian to one Chinese), 1-0 (Russian "
           "left without a translation), … Not read back."),
    Column("status", 11, "auto (as the aligner left it), edited or confirmed. Set it to "
           "confirmed for rows you checked.", editable=True),
)
COLUMN_NAMES = [column.name for column in COLUMNS]
_REQUIRED = ("doc", "ru_ids", "zh_ids", "status")

HOW_TO_EDIT = (
    "Each row of the Beads sheet is one bead: Russian sentences and the Chinese sentences "
    "that translate them. Only the columns doc, ru_ids, zh_ids and status are read back "
    "(their headers are blue); the text columns are for reading.",
    "To move a sentence to another bead, cut its id from one row's ru_ids or zh_ids cell and "
    "paste it into the other row's. Ids in a cell are separated by spaces (or line breaks, "
    "commas, semicolons).",
    "To join two beads, move all the ids of one row into the other and leave the emptied row "
    "with empty id cells (or delete it). A row with no ids is not a bead.",
    "To split a bead, insert a row below it and move the later ids of each language into it.",
    "To leave a sentence without a translation, give it a row of its own with the other "
    "language's cell empty.",
    "Every sentence id of every document must be in exactly one row. The rows of a document "
    "must stay in document order, and the ids in a row must be consecutive sentences: filter "
    "the sheet (the header has filters), but do not sort it.",
    "Do not change the text: the text cells are not read back, and a changed text in a row "
    "whose sentences you did not regroup is refused as an error, so that no correction is "
    "lost silently. Correct the text in the source document and run the aligner again.",
    "status: auto, edited or confirmed (an empty cell counts as auto). A row whose sentences "
    "you regrouped becomes edited unless you set it to confirmed; it keeps no score.",
    "When the workbook is read back, every problem is reported with its row number and "
    "nothing is applied until there are none.",
)


# --- writing ---


def _fill_colour(bucket: int) -> str:
    """The report's pastel for a colour step (hsl(hue, 70%, 86%)), as openpyxl's RRGGBB."""
    red, green, blue = colorsys.hls_to_rgb(bucket_hue(bucket) / 360, 0.86, 0.70)
    return "".join(f"{round(channel * 255):02X}" for channel in (red, green, blue))


def cell_text(text: str) -> str:
    """Text a spreadsheet cell can hold: no XML-forbidden characters, Excel's length limit."""
    text = xml_safe(text)
    if len(text) > CELL_LIMIT:
        text = text[: CELL_LIMIT - len(TRUNCATION_MARK)] + TRUNCATION_MARK
    return text


class _Cells:
    """Makes a sheet's styled write-only cells.

    openpyxl hashes every style object each time one is assigned to a cell, which took two
    thirds of the writing time; so each distinct style is set up once through openpyxl's
    setters and its style array (``Cell._style``, the one private name used here) handed to
    the cells that share it, through ``Cell``'s own ``style_array`` argument.
    """

    def __init__(self, sheet: Any) -> None:
        self.sheet = sheet
        self.styles: dict[tuple[object, ...], Any] = {}

    def text(self, text: str, style: dict[str, Any]) -> Any:
        """A cell that holds ``text`` as a string, whatever it starts with."""
        cell = self._cell(text, style, quote=text.startswith(_FORMULA_STARTS))
        cell.data_type = "s"  # openpyxl takes "=…" for a formula; it is text
        return cell

    def number(self, value: float | None, style: dict[str, Any]) -> Any:
        return self._cell(value, style, quote=False)

    def _cell(self, value: object, style: dict[str, Any], quote: bool) -> Any:
        from openpyxl.cell.cell import Cell

        key = (quote, *((name, id(setting)) for name, setting in style.items()))
        known = self.styles.get(key)
        cell = Cell(self.sheet, row=1, column=1, value=value, style_array=known)
        if known is None:
            for name, setting in style.items():
                setattr(cell, name, setting)
            # quote prefix: re-typing the cell in Excel or LibreOffice keeps it text
            cell.quotePrefix = quote
            self.styles[key] = cell._style
        return cell


class XlsxExporter(Exporter):
    """Streams (see XlsxSink): write-only openpyxl spools the Beads sheet's rows to a
    temporary file as they are appended, and the archive is written at the end."""

    name = "xlsx"
    suffix = ".xlsx"

    def render(self, result: CorpusResult) -> bytes:
        buffer = io.BytesIO()
        workbook = _Workbook(result.signature)
        for document in result.documents:
            workbook.add(document)
        workbook.save(buffer)
        return buffer.getvalue()

    def open(self, path: Path, signature: str) -> Sink:
        return XlsxSink(path, signature)


class XlsxSink(Sink):
    def __init__(self, path: Path, signature: str) -> None:
        self.workbook = _Workbook(signature)
        self.file = StreamedFile(path)

    def add(self, document: AlignedDocument) -> None:
        self.workbook.add(document)

    def close(self, run: CorpusResult) -> list[Path]:
        self.workbook.save(self.file.stream)
        return [self.file.close()]

    def discard(self) -> None:
        self.workbook.sheet.close()  # ends openpyxl's spooled sheet, which would complain
        self.file.discard()


class _Workbook:
    """The review workbook being filled a document at a time."""

    def __init__(self, signature: str) -> None:
        from openpyxl import Workbook
        from openpyxl.styles import Alignment, Font, PatternFill
        from openpyxl.utils import get_column_letter

        self.signature = signature
        self.book = book = Workbook(write_only=True)
        book.properties.creator = "ruzh-aligner"
        book.properties.title = "Alignment review"
        book.properties.description = signature
        book.properties.created = book.properties.modified = TIMESTAMP
        self.sheet = sheet = book.create_sheet(BEADS_SHEET)
        self.cells = cells = _Cells(sheet)
        for number, column in enumerate(COLUMNS, 1):
            sheet.column_dimensions[get_column_letter(number)].width = column.width
        sheet.freeze_panes = "A2"
        header_fill = PatternFill("solid", fgColor="ECEFF3")
        fonts = {editable: Font(bold=True, color="1F4E9E" if editable else "000000")
                 for editable in (True, False)}
        sheet.append([cells.text(column.name, {"font": fonts[column.editable],
                                               "fill": header_fill}) for column in COLUMNS])
        self.fills = {bucket: PatternFill("solid", fgColor=_fill_colour(bucket))
                      for bucket in range(BUCKETS)}
        self.null_fill = PatternFill("solid", fgColor="EEF1FA")
        self.alignments = {wrap: Alignment(wrap_text=wrap, vertical="top")
                           for wrap in (True, False)}
        self.count = 0

    def add(self, document: AlignedDocument) -> None:
        for keyed in document_keyed_rows(document):
            self._row(keyed)

    def _row(self, keyed: KeyedRow) -> None:
        row = keyed.row
        style: dict[str, Any] = {}
        if row.score is None:  # an unpaired document: nobody judged it, nothing to show
            pass
        elif keyed.ru_ids and keyed.zh_ids:
            style["fill"] = self.fills[score_bucket(row.score)]
        else:  # a sentence left without a translation, tinted as in the report
            style["fill"] = self.null_fill
        values: dict[str, str] = {
            "bead_id": keyed.bead_id, "doc": row.doc,
            "ru_ids": " ".join(keyed.ru_ids), "zh_ids": " ".join(keyed.zh_ids),
            "ru_text": cell_text(row.ru_text), "zh_text": cell_text(row.zh_text),
            "type": row.type, "status": keyed.status}
        for name in ("ru_ids", "zh_ids"):
            if len(values[name]) > CELL_LIMIT:
                raise ValueError(f"bead {keyed.bead_id}: its {name} do not fit in a "
                                 f"spreadsheet cell ({CELL_LIMIT} characters)")
        line = []
        for column in COLUMNS:
            styled = {**style, "alignment": self.alignments[column.wrap]}
            if column.name == "score":
                line.append(self.cells.number(None if row.score is None else round(row.score, 4),
                                              {**styled, "number_format": SCORE_FORMAT}))
            else:
                line.append(self.cells.text(values[column.name], styled))
        self.sheet.append(line)
        self.count += 1

    def save(self, stream: BinaryIO) -> None:
        """Finish both sheets and write the archive to ``stream``."""
        from openpyxl.utils import get_column_letter
        from openpyxl.writer.excel import ExcelWriter

        self.sheet.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{self.count + 1}"
        self._write_help(self.book.create_sheet(HELP_SHEET), self.signature)
        # ExcelWriter rather than book.save, which stamps the saving time as "modified"
        with _FixedTimeZip(stream, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
            ExcelWriter(self.book, archive).write_data()

    @staticmethod
    def _write_help(sheet: Any, signature: str) -> None:
        from openpyxl.styles import Alignment, Font

        cells = _Cells(sheet)
        sheet.column_dimensions["A"].width = 16
        sheet.column_dimensions["B"].width = 110
        wrapped = {"alignment": Alignment(wrap_text=True, vertical="top")}
        bold = {"font": Font(bold=True), **wrapped}
        sheet.append([cells.text("column", bold), cells.text("meaning", bold)])
        for column in COLUMNS:
            sheet.append([cells.text(column.name, wrapped), cells.text(column.meaning, wrapped)])
        sheet.append([])
        sheet.append([cells.text("How to edit", bold)])
        for number, rule in enumerate(HOW_TO_EDIT, 1):
            sheet.append([cells.text(str(number), wrapped), cells.text(rule, wrapped)])
        sheet.append([])
        sheet.append([cells.text("signature", bold), cells.text(xml_safe(signature), wrapped)])


class _FixedTimeZip(zipfile.ZipFile):
    """A ZIP archive whose entries are all dated ZIP_TIMESTAMP, whatever the clock says.

    openpyxl adds its parts with ``writestr(name, data)`` and the streamed worksheets with
    ``write(file, name)``, which would date them with the clock and the temporary file.
    """

    def _info(self, name: str) -> zipfile.ZipInfo:
        info = zipfile.ZipInfo(name, ZIP_TIMESTAMP)
        info.compress_type = self.compression
        info.external_attr = 0o644 << 16
        return info

    def writestr(self, zinfo_or_arcname: str | zipfile.ZipInfo, data: bytes | str,
                 compress_type: int | None = None, compresslevel: int | None = None) -> None:
        if not isinstance(zinfo_or_arcname, zipfile.ZipInfo):
            zinfo_or_arcname = self._info(zinfo_or_arcname)
        super().writestr(zinfo_or_arcname, data, compress_type, compresslevel)

    def write(self, filename: str | os.PathLike[str], arcname: str | None = None,
              compress_type: int | None = None, compresslevel: int | None = None) -> None:
        """Copy the file in as a stream: a large corpus's worksheet need not fit in memory."""
        info = self._info(arcname or os.fspath(filename))
        with open(filename, "rb") as source, self.open(info, "w", force_zip64=True) as target:
            shutil.copyfileobj(source, target)


# --- reading back ---


class ReviewWorkbookError(ValueError):
    """A workbook that cannot be applied; ``problems`` names the rows, one problem each."""

    def __init__(self, path: str | os.PathLike[str], problems: Sequence[str]) -> None:
        self.path = os.fspath(path)
        self.problems = list(problems)
        listed = self.problems[:_MAX_LISTED_PROBLEMS]
        more = len(self.problems) - len(listed)
        super().__init__(
            f"{self.path}: {len(self.problems)} problem(s), nothing applied:\n"
            + "\n".join(f"  {problem}" for problem in listed)
            + (f"\n  … and {more} more" if more else ""))


@dataclass(frozen=True)
class ReviewRow:
    """One row of the Beads sheet as the translator left it; ``number`` as the sheet shows."""

    number: int
    doc: str
    ru_ids: tuple[str, ...]
    zh_ids: tuple[str, ...]
    status: str
    ru_text: str | None
    zh_text: str | None


@dataclass(frozen=True)
class ReviewSheet:
    """The rows that hold sentence ids, and the signature of the run that wrote them."""

    signature: str | None
    rows: list[ReviewRow]


@dataclass(frozen=True)
class Review:
    """The reviewed documents (the given ones with their beads replaced), and what changed."""

    signature: str | None
    documents: list[AlignedDocument]
    regrouped: int  # beads whose sentences are not one of the run's beads
    confirmed: int


def _cell(value: object) -> str:
    return "" if value is None else str(value)


def _ids(value: object) -> tuple[str, ...]:
    return tuple(token for token in _ID_SEPARATORS.split(_cell(value)) if token)


def read_review_rows(path: str | os.PathLike[str]) -> ReviewSheet:
    """The Beads sheet of a review workbook, row by row, without judging the ids yet.

    A row with no ids is skipped (a bead joined into another); an empty ``doc`` cell is the
    row above's document, as in a row the translator inserted.
    """
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises zip, XML and its own errors alike
        raise ReviewWorkbookError(path, [f"not a readable .xlsx workbook ({error})"]) from error
    try:
        sheet = book[BEADS_SHEET] if BEADS_SHEET in book.sheetnames else book.worksheets[0]
        lines = sheet.iter_rows(values_only=True)
        header = [_cell(value).strip() for value in next(lines, ())]
        missing = [name for name in _REQUIRED if name not in header]
        if missing:
            raise ReviewWorkbookError(path, [
                f"sheet {sheet.title!r}: no {', '.join(missing)} column(s) in the header row"])
        where = {name: header.index(name) for name in COLUMN_NAMES if name in header}

        def value(line: tuple[object, ...], name: str) -> object:
            index = where.get(name)
            return line[index] if index is not None and index < len(line) else None

        rows, doc = [], ""
        for number, line in enumerate(lines, 2):
            doc = _cell(value(line, "doc")).strip() or doc
            ru_ids, zh_ids = _ids(value(line, "ru_ids")), _ids(value(line, "zh_ids"))
            if not ru_ids and not zh_ids:
                continue
            texts = {lang: None if f"{lang}_text" not in where
                     else _cell(value(line, f"{lang}_text")) for lang in LANGS}
            rows.append(ReviewRow(number, doc, ru_ids, zh_ids,
                                  _cell(value(line, "status")).strip().lower(),
                                  texts["ru"], texts["zh"]))
        return ReviewSheet(book.properties.description, rows)
    finally:
        book.close()


def _same_text(cell: str | None, written: str) -> bool:
    """Whether a text cell still holds what the writer put there (line ends may change)."""
    if cell is None:
        return True
    return cell.replace("\r\n", "\n") == cell_text(written).replace("\r\n", "\n")


class _Checker:
    """Turns the rows of one workbook into beads per document, collecting every problem."""

    def __init__(self, documents: Sequence[AlignedDocument]) -> None:
        self.documents = {document.pair.doc_id: document for document in documents}
        self.index: dict[str, dict[str, tuple[Lang, int]]] = {
            doc_id: {document.sentence_id(lang, i): (lang, i)
                     for lang in LANGS for i in range(len(document.sentences(lang)))}
            for doc_id, document in self.documents.items()}
        self.originals: dict[str, dict[tuple[tuple[int, ...], tuple[int, ...]], Bead]] = {
            doc_id: {(bead.ru, bead.zh): bead for bead in document.beads}
            for doc_id, document in self.documents.items()}
        self.problems: list[str] = []
        self.seen: dict[tuple[str, Lang, int], int] = {}  # sentence -> the row holding it
        self.last: dict[tuple[str, Lang], tuple[int, int]] = {}  # -> (index, row) last seen
        self.beads: dict[str, list[Bead]] = {doc_id: [] for doc_id in self.documents}
        self.regrouped = 0

    def row(self, row: ReviewRow) -> None:
        document = self.documents.get(row.doc)
        if document is None:
            self.problems.append(f"row {row.number}: unknown document {row.doc!r}"
                                 if row.doc else f"row {row.number}: no document")
            return
        if row.status and row.status not in STATUSES:
            self.problems.append(f"row {row.number}: status {row.status!r} is not one of "
                                 f"{', '.join(STATUSES)}")
        found: dict[Lang, list[int]] = {"ru": [], "zh": []}
        for token in (*row.ru_ids, *row.zh_ids):
            place = self.index[row.doc].get(token)
            if place is None:
                self.problems.append(f"row {row.number}: unknown sentence id {token!r} in "
                                     f"document {row.doc!r}")
                continue
            lang, index = place
            earlier = self.seen.setdefault((row.doc, lang, index), row.number)
            if index in found[lang]:
                self.problems.append(f"row {row.number}: sentence {token} is listed twice")
                continue
            if earlier != row.number:
                self.problems.append(f"rows {earlier} and {row.number}: sentence {token} of "
                                     f"{row.doc!r} is in both")
                continue
            found[lang].append(index)
        for lang in LANGS:
            self._check_order(row, document, lang, found[lang])
        ids = (tuple(found["ru"]), tuple(found["zh"]))
        if not ids[0] and not ids[1]:
            return
        original = self.originals[row.doc].get(ids)
        if original is not None:
            for lang, cell in (("ru", row.ru_text), ("zh", row.zh_text)):
                text = JOINERS[lang].join(document.sentences(lang)[i].text
                                          for i in ids[LANGS.index(lang)])
                if not _same_text(cell, text):
                    self.problems.append(
                        f"row {row.number}: the {'Russian' if lang == 'ru' else 'Chinese'} "
                        "text was changed; the workbook only regroups sentences, so correct "
                        "the source document instead")
        status = cast(BeadStatus, row.status) if row.status in STATUSES else "auto"
        if original is None:
            self.regrouped += 1
            status = "confirmed" if status == "confirmed" else "edited"
        score = original.score if original is not None else None
        self.beads[row.doc].append(Bead(ids[0], ids[1], score, status))

    def _check_order(self, row: ReviewRow, document: AlignedDocument, lang: Lang,
                     indices: list[int]) -> None:
        """Ids in a row must be consecutive sentences, each row after the previous one."""
        sentence = document.sentence_id
        for before, after in pairwise(indices):
            if after != before + 1:
                self.problems.append(
                    f"row {row.number}: {sentence(lang, before)} and {sentence(lang, after)} "
                    "are not consecutive sentences in document order")
        if not indices:
            return
        previous = self.last.get((row.doc, lang))
        if previous is not None and indices[0] < previous[0]:
            self.problems.append(
                f"row {row.number}: {sentence(lang, indices[0])} comes before "
                f"{sentence(lang, previous[0])} of row {previous[1]}: the rows of a document "
                "must stay in document order (was the sheet sorted?)")
        self.last[(row.doc, lang)] = (max(indices[-1], previous[0] if previous else -1),
                                      row.number)

    def finish(self) -> None:
        for doc_id, document in self.documents.items():
            for bead in document.beads:
                for lang, ids in (("ru", bead.ru), ("zh", bead.zh)):
                    for index in ids:
                        if (doc_id, lang, index) not in self.seen:
                            self.problems.append(
                                f"sentence {document.sentence_id(lang, index)} of {doc_id!r} "
                                f"is in no row (it was in bead {document.bead_id(bead)})")


def read_review_workbook(path: str | os.PathLike[str],
                         documents: Iterable[AlignedDocument]) -> Review:
    """Read an edited review workbook back into beads for ``documents`` (the run it came from).

    The beads are built from the sentence ids in each row, so a translator may move ids
    between rows, join, split and unalign, and set the status; see ``HOW_TO_EDIT``.  Every
    problem (a sentence in two rows or in none, an unknown id or document, ids out of order,
    a changed text, an unknown status) is collected and raised together as one
    :class:`ReviewWorkbookError` naming the rows, and nothing is returned: a correction is
    applied whole or not at all.
    """
    documents = list(documents)
    sheet = read_review_rows(path)
    checker = _Checker(documents)
    for row in sheet.rows:
        checker.row(row)
    checker.finish()
    if checker.problems:
        raise ReviewWorkbookError(path, checker.problems)
    reviewed = [replace(document, beads=tuple(checker.beads[document.pair.doc_id]))
                for document in documents]
    confirmed = sum(bead.status == "confirmed" for d in reviewed for bead in d.beads)
    return Review(sheet.signature, reviewed, checker.regrouped, confirmed)
