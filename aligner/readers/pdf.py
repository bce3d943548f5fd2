"""PDF: the text layer, put back into paragraphs.

A PDF holds positioned glyphs, not paragraphs.  pdfminer.six (MIT; PyMuPDF is
AGPL) finds the lines; this module turns lines into the paragraphs the author
wrote:

* Lines are joined into a paragraph unless one of three things shows a
  paragraph ends between them: a gap wider than the document's usual line
  spacing, an indented first line, or a line that ends short of the column
  by more than the next line's first word (so the word would have fitted: the
  author ended the line, the layout did not).  A page or column break ends a
  paragraph only by the same evidence.
* Joining: a Russian end-of-line hyphen is removed (``согла-`` + ``совать``),
  unless the hyphenated word is written whole elsewhere in the document
  (``по-настоящему``); Chinese lines are joined with no space.
* Running headers and footers (the same line, numbers aside, in the top or
  bottom margin of most pages) and page numbers are dropped.
* The spaces pdfminer inserts where glyphs stand apart (``2 月 4 日``: digits set
  in a Latin font beside ideographs) are layout, not text, next to a Han
  character; spaces the PDF itself holds are kept.

A PDF without a text layer (a scan) is refused: run OCR first.

A page in two columns is read column by column.  Not handled: three or more
columns, and vertical Chinese.
"""

from __future__ import annotations

import io
import itertools
import re
import statistics
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import numpy as np
from pdfminer.converter import PDFPageAggregator
from pdfminer.layout import LTChar, LTContainer, LTPage
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
from pdfminer.pdfpage import PDFPage
from pdfminer.pdfparser import PDFSyntaxError
from pdfminer.psexceptions import PSException

from aligner.language import script_of
from aligner.readers.base import Block, DocumentReader, Extraction, ReadError, ReadOptions

# CJK punctuation and full-width forms: written without spaces, like the ideographs.
_CJK_PUNCTUATION = re.compile(r"[\u3000-\u303f\uff00-\uffef\u2014\u2026\u201c\u201d]")
_LATIN_OR_DIGIT = re.compile(r"[0-9A-Za-z%.,:;()\-/]")
# What a page number looks like once its digits are gone: nothing but these.
_MARKS = r"[\s\-–—.,/|()\[\]]*"
_PAGE_NUMBER = re.compile(rf"^{_MARKS}(?:стр\.?|страница|с\.|page|p\.|第)?{_MARKS}\d+{_MARKS}"
                          rf"(?:(?:из|of|/)\s*\d+)?{_MARKS}页?{_MARKS}$", re.IGNORECASE)
_DIGITS = re.compile(r"\d+")
_HYPHENS = ("-", "\u2010", "\u00ad")
_HYPHENATED_PREFIXES = frozenset({"по", "кое", "кой", "из", "во", "в"})
_HYPHENATED_SUFFIXES = frozenset({"то", "либо", "нибудь", "таки", "ка"})
_COMPOUND_STEMS = ("ско", "цко", "ово", "ево", "енно", "онно", "ально", "ично", "ьно")
_WORD_TAIL = re.compile(r"(\w+)[-\u2010\u00ad]$")
_WORD_HEAD = re.compile(r"^(\w+)")
# Lines in the outer share of a page may be running headers or footers.
_MARGIN_SHARE = 0.12
# How many glyph widths a short line must have to spare beyond the next word to end a paragraph.
_FIT_MARGIN = 3
# The lines at each end of a page that may be a header or footer, and how close (in points)
# their heights must be on two pages to be the same line.
_OUTERMOST = 2
_SAME_HEIGHT = 4.0
# A running header is on at least this share of the pages (and on two at least).
_RUNNING_SHARE = 0.5
# Glyph gaps, in units of the font size: wider than a word space, narrower than a gutter.
_WORD_GAP = 0.2
_COLUMN_GAP = 2.0
_SAME_PLACE = 0.1
# Two columns: a gutter at least this wide (points), inked by at most this share of the rows
# (full-width titles), with ink on each of its sides in at least this share, on a page of at
# least this many rows.
_MIN_GUTTER = 6
_SPANNING_SHARE = 0.15
_SIDE_SHARE = 0.3
_MIN_COLUMN_ROWS = 6
# Glyphs whose vertical centres are this close (in glyph heights) stand on one line.
_ROW_TOLERANCE = 0.5


@dataclass(frozen=True)
class _Line:
    page: int  # 1-based
    text: str
    x0: float
    x1: float
    top: float  # distance from the page's top edge
    bottom: float
    char_width: float  # the line's mean glyph width
    column: str  # "left" or "right" on a page in two columns, else "all"

    @property
    def height(self) -> float:
        return self.bottom - self.top


def _is_cjk(char: str) -> bool:
    return script_of(char) == "zh" or bool(_CJK_PUNCTUATION.match(char))


def _glyphs(element: object) -> Iterator[LTChar]:
    for child in element:  # type: ignore[attr-defined]
        if isinstance(child, LTChar):
            yield child
        elif isinstance(child, LTContainer):
            yield from _glyphs(child)


def _layout_space(before: str, after: str) -> bool:
    """Whether a gap between two glyphs is a space of the text, not of the layout.

    Beside a Han character, a gap before a digit, a Latin letter or another Han
    character is typesetting (``2 月 4 日``); Chinese puts no spaces there.
    """
    if _is_cjk(before) or _is_cjk(after):
        return not ((_is_cjk(before) or _LATIN_OR_DIGIT.match(before))
                    and (_is_cjk(after) or _LATIN_OR_DIGIT.match(after)))
    return True


def _segment_line(glyphs: list[LTChar], page: int, page_top: float, column: str
                  ) -> _Line | None:
    parts: list[str] = []
    for previous, glyph in itertools.pairwise([None, *glyphs]):
        text = glyph.get_text()
        if previous is not None:
            before = previous.get_text()
            gap = glyph.x0 - previous.x1
            if (not before.isspace() and not text.isspace() and gap > _WORD_GAP * glyph.size
                    and _layout_space(before[-1:], text[:1])):
                parts.append(" ")
        parts.append(text)
    text = "".join(parts).strip()
    if not text:
        return None
    visible = [g for g in glyphs if not g.get_text().isspace()]
    return _Line(page, text, visible[0].x0, visible[-1].x1,
                 page_top - max(g.y1 for g in visible), page_top - min(g.y0 for g in visible),
                 statistics.fmean(g.width for g in visible), column)


def _rows(page: LTPage) -> list[list[LTChar]]:
    """The page's glyphs in rows (glyphs whose vertical centres are close), top to bottom."""
    glyphs = sorted((g for g in _glyphs(page) if g.get_text()),
                    key=lambda g: -(g.y0 + g.y1) / 2)
    rows: list[list[LTChar]] = []
    centre = height = 0.0
    for glyph in glyphs:
        glyph_centre = (glyph.y0 + glyph.y1) / 2
        if rows and abs(centre - glyph_centre) < _ROW_TOLERANCE * min(height, glyph.height or 1):
            rows[-1].append(glyph)
            continue
        rows.append([glyph])
        centre, height = glyph_centre, glyph.height or 1.0
    for row in rows:
        row.sort(key=lambda g: g.x0)
    return rows


def _gutter(rows: list[list[LTChar]]) -> tuple[float, float] | None:
    """The strip between two columns, if the page has two: a vertical band in its middle
    that (almost) no row inks, with ink on each side of it in many rows.

    Found from the ink, not from gaps in a row: a gutter is often narrower than the
    space a justified line puts between two words.
    """
    ink = [[(g.x0, g.x1) for g in row if not g.get_text().isspace()] for row in rows]
    ink = [row for row in ink if row]
    if len(ink) < _MIN_COLUMN_ROWS:
        return None
    left = min(x0 for row in ink for x0, _ in row)
    width = max(x1 for row in ink for _, x1 in row) - left
    occupied = np.zeros((len(ink), int(width) + 2), dtype=bool)
    for index, row in enumerate(ink):
        for x0, x1 in row:
            occupied[index, int(x0 - left):int(x1 - left) + 1] = True
    free = occupied.sum(axis=0) <= _SPANNING_SHARE * len(ink)
    middle = range(int(width * 0.2), int(width * 0.8))
    best: tuple[int, int] | None = None
    start = None
    for x in [*middle, middle.stop]:
        if x < middle.stop and free[x]:
            start = x if start is None else start
        elif start is not None:
            if best is None or x - start > best[1] - best[0]:
                best = (start, x)
            start = None
    if best is None or best[1] - best[0] < _MIN_GUTTER:
        return None
    g0, g1 = left + best[0], left + best[1]
    # The two columns' lines need not share rows: their baselines are set independently.
    on_the_left = sum(1 for row in ink if row[0][0] < g0)
    on_the_right = sum(1 for row in ink if row[-1][1] > g1)
    enough = _SIDE_SHARE * len(ink)
    return (g0, g1) if on_the_left >= enough and on_the_right >= enough else None


def _page_lines(page: LTPage, number: int) -> list[_Line]:
    """The page's lines in reading order, built from its glyphs.

    From the glyphs, not from pdfminer's lines: those come in the order the PDF
    draws them, and office suites draw a Chinese line's quotation marks (set in
    a Latin font) after the ideographs, as lines of their own.  On a page in two
    columns, each band between full-width lines (a title) is read down the left
    column, then down the right one.
    """
    rows = _rows(page)
    gutter = _gutter(rows)
    lines: list[_Line] = []
    band: dict[str, list[_Line]] = {"left": [], "right": []}
    for row in rows:
        if gutter is None or any(gutter[0] < g.x1 and g.x0 < gutter[1]
                                 for g in row if not g.get_text().isspace()):
            lines += band["left"] + band["right"]
            band = {"left": [], "right": []}
            lines += _row_lines(row, number, page.y1, "all")
            continue
        for column, part in (("left", [g for g in row if g.x1 <= gutter[1]]),
                             ("right", [g for g in row if g.x1 > gutter[1]])):
            band[column] += _row_lines(part, number, page.y1, column)
    return lines + band["left"] + band["right"]


def _row_lines(row: list[LTChar], page: int, page_top: float, column: str) -> list[_Line]:
    """A row's glyphs as lines: one, unless a gap wider than a gutter splits it."""
    if not row:
        return []
    lines = []
    segment = [row[0]]
    for previous, glyph in itertools.pairwise(row):
        if glyph.x0 - previous.x1 > _COLUMN_GAP * glyph.size:
            lines.append(_segment_line(segment, page, page_top, column))
            segment = []
        if not (segment and glyph.get_text() == segment[-1].get_text()
                and abs(glyph.x0 - segment[-1].x0) < _SAME_PLACE * glyph.size):
            segment.append(glyph)  # (a glyph drawn twice over itself is a fake bold)
    lines.append(_segment_line(segment, page, page_top, column))
    return [line for line in lines if line is not None]


def _running_lines(pages: list[list[_Line]], heights: list[float]) -> set[tuple[int, int]]:
    """(page, index) of the headers, footers and page numbers to drop.

    Only a page's outermost lines, in its top or bottom margin, can be one.  A line
    is a running header when the same text (numbers aside) stands at the same
    height on most pages; a page number is one on its own.
    """
    margin: list[tuple[int, int, tuple[str, int]]] = []
    for page_index, (lines, height) in enumerate(zip(pages, heights, strict=True)):
        by_height = sorted(range(len(lines)), key=lambda i: lines[i].top)
        for line_index in {*by_height[:_OUTERMOST], *by_height[-_OUTERMOST:]}:
            line = lines[line_index]
            if line.bottom < height * _MARGIN_SHARE or line.top > height * (1 - _MARGIN_SHARE):
                key = (_DIGITS.sub("#", line.text), round(line.top / _SAME_HEIGHT))
                margin.append((page_index, line_index, key))
    repeated = Counter(key for _, key in {(page, key) for page, _, key in margin})
    needed = max(2, _RUNNING_SHARE * len(pages))
    return {(p, i) for p, i, key in margin
            if repeated[key] >= needed or _PAGE_NUMBER.match(pages[p][i].text)}


def _ends_paragraph(line: _Line, following: _Line, usual_gap: float, column_right: float,
                    column_left: float) -> bool:
    """Whether the layout shows a paragraph ending between two consecutive lines."""
    if (line.column == "all") != (following.column == "all"):
        return True  # a full-width title above or below the columns
    if following.page == line.page and following.column == line.column:
        gap = following.top - line.bottom
        if gap < -line.height / 2 or gap > usual_gap + 0.4 * line.height:
            return True  # a new column, or space between paragraphs
    if following.x0 > column_left + 1.5 * following.char_width:
        return True  # an indented first line
    # What the layout would have had to fit on the line: a space and the next line's first
    # word (up to its first space: punctuation clings to it), or one ideograph; with a margin,
    # since a word's width is estimated from the line's mean glyph width.
    head = 1 if _is_cjk(following.text[0]) else len(following.text.split(" ", 1)[0])
    return line.x1 + (head + 1 + _FIT_MARGIN) * following.char_width < column_right


def _keeps_hyphen(tail: str, head: str, words: set[str]) -> bool:
    """Whether ``tail-`` + ``head`` at a line end is a hyphenated word, not a word hyphenated.

    The document decides where it can: the word written elsewhere with its hyphen, or
    without.  Otherwise particles (``по-``, ``-то``, ``-либо``) and the first halves of
    compound adjectives (``торгово-``, ``военно-``, ``социально-``) keep theirs.
    """
    tail, head = tail.lower(), head.lower()
    if tail.isdigit() or f"{tail}-{head}" in words:  # 80-летия is never hyphenation
        return True
    if tail + head in words:
        return False
    return (tail in _HYPHENATED_PREFIXES or head in _HYPHENATED_SUFFIXES
            or (len(tail) >= 6 and tail.endswith(_COMPOUND_STEMS)))


def _join(left: str, right: str, words: set[str]) -> str:
    """Two lines of one paragraph as one: hyphens and spaces as the author wrote them."""
    if left.endswith(_HYPHENS) and right[:1].islower():
        tail, head = _WORD_TAIL.search(left), _WORD_HEAD.match(right)
        if left.endswith("\u00ad") or not (tail and head and _keeps_hyphen(tail[1], head[1],
                                                                             words)):
            return left[:-1] + right
        return left + right
    # Chinese is written without spaces; the nearest letters decide, not a quotation mark,
    # since Russian text quotes “like this” too.
    if _nearest_letter_is_han(reversed(left)) or _nearest_letter_is_han(right):
        return left + right
    return f"{left} {right}"


def _nearest_letter_is_han(chars: Iterable[str]) -> bool:
    return next((script_of(c) == "zh" for c in chars if c.isalnum()), False)


def _paragraphs(lines: list[_Line]) -> Iterator[Block]:
    if not lines:
        return
    gaps = [b.top - a.bottom for a, b in itertools.pairwise(lines)
            if a.page == b.page and 0 <= b.top - a.bottom < a.height]
    usual_gap = statistics.median(gaps) if gaps else 0.0
    # A column's edges are where its text reaches on any page.
    right: dict[str, float] = {}
    left: dict[str, float] = {}
    for line in lines:
        right[line.column] = max(right.get(line.column, line.x1), line.x1)
        left[line.column] = min(left.get(line.column, line.x0), line.x0)
    words = {match.lower() for line in lines for match in re.findall(r"\w+(?:-\w+)?", line.text)}
    current: list[_Line] = []
    for line in lines:
        if current and _ends_paragraph(current[-1], line, usual_gap, right[current[-1].column],
                                       left[line.column]):
            yield _block(current, words)
            current = []
        current.append(line)
    if current:
        yield _block(current, words)


def _block(lines: list[_Line], words: set[str]) -> Block:
    text = lines[0].text
    for line in lines[1:]:
        text = _join(text, line.text, words)
    return Block(text, f"page {lines[0].page}")


def _layouts(data: bytes) -> Iterator[LTPage]:
    """Each page's glyphs with their positions, without pdfminer's layout analysis (which
    ``extract_pages`` always runs, for a fifth of the time): lines are built here."""
    resources = PDFResourceManager(caching=True)
    device = PDFPageAggregator(resources, laparams=None)
    interpreter = PDFPageInterpreter(resources, device)
    for page in PDFPage.get_pages(io.BytesIO(data), caching=True):
        interpreter.process_page(page)
        yield device.get_result()


class PdfReader(DocumentReader):
    name = "pdf"
    description = "a PDF document"
    extensions = (".pdf",)
    empty_reason = "no text layer: run OCR first (the PDF holds images of pages, not text)"

    def identifies(self, data: bytes) -> bool:
        return b"%PDF-" in data[:1024]

    def extract(self, data: bytes, options: ReadOptions) -> Extraction:
        if not self.identifies(data):
            raise ReadError("is damaged: it does not start as a PDF does (%PDF-)")
        pages: list[list[_Line]] = []
        heights: list[float] = []
        try:
            for number, page in enumerate(_layouts(data), 1):
                pages.append(_page_lines(page, number))
                heights.append(page.height)
        except PDFPasswordIncorrect:
            raise ReadError("is password-protected: save it without a password "
                            "to have it read") from None
        except PDFEncryptionError as error:
            raise ReadError(f"is encrypted in a way that cannot be read: {error}") from None
        except (PDFSyntaxError, PSException, ValueError, KeyError, TypeError) as error:
            raise ReadError(f"is damaged: {type(error).__name__}: {error}") from None
        if not pages:
            raise ReadError("is damaged: it holds no page")
        dropped = _running_lines(pages, heights)
        lines = [line for p, page_lines in enumerate(pages) for i, line in enumerate(page_lines)
                 if (p, i) not in dropped]
        return Extraction(list(_paragraphs(lines)), "utf_8")
