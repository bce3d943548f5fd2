"""PDF: the text layer, put back into paragraphs.

A PDF holds positioned glyphs, not paragraphs.  pdfminer.six (MIT; PyMuPDF is
AGPL) finds the lines; this module turns lines into the paragraphs the author
wrote:

* Lines are joined into a paragraph unless one of three things shows a
  paragraph ends between them: a gap wider than the document's usual line
  spacing, an indented first line, or a line that ends short of the column
  by more than the next line's first word (so the word would have fitted: the
  author ended the line, the layout did not).  A page break ends a paragraph
  only by the same evidence.
* Joining: a Russian end-of-line hyphen is removed (``согла-`` + ``совать``),
  unless the hyphenated word is written whole elsewhere in the document
  (``по-настоящему``); Chinese lines are joined with no space.
* Running headers and footers (the same line, numbers aside, in the top or
  bottom margin of most pages) and page numbers are dropped.
* The spaces pdfminer inserts where glyphs stand apart (``2 月 4 日``: digits set
  in a Latin font beside ideographs) are layout, not text, next to a Han
  character; spaces the PDF itself holds are kept.

A PDF without a text layer (a scan) is refused: run OCR first.
"""

from __future__ import annotations

import io
import itertools
import re
import statistics
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

from pdfminer.high_level import extract_pages
from pdfminer.layout import LAParams, LTAnno, LTChar, LTPage, LTTextContainer, LTTextLine
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
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
_WORD_TAIL = re.compile(r"(\w+)[-\u2010\u00ad]$")
_WORD_HEAD = re.compile(r"^(\w+)")
# Lines in the outer share of a page may be running headers or footers.
_MARGIN_SHARE = 0.12
# A running header is on at least this share of the pages (and on two at least).
_RUNNING_SHARE = 0.5
_LAYOUT = LAParams(line_margin=0.5, char_margin=2.0, word_margin=0.1, boxes_flow=0.5,
                   all_texts=True)


@dataclass(frozen=True)
class _Line:
    page: int  # 1-based
    text: str
    x0: float
    x1: float
    top: float  # distance from the page's top edge
    bottom: float
    char_width: float  # the line's mean glyph width

    @property
    def height(self) -> float:
        return self.bottom - self.top


def _is_cjk(char: str) -> bool:
    return script_of(char) == "zh" or bool(_CJK_PUNCTUATION.match(char))


def _line_text(line: LTTextLine) -> str:
    """The line's characters, without the spaces layout analysis put beside a Han character."""
    items = [item for item in line if isinstance(item, LTChar | LTAnno)]
    chars: list[str] = []
    for index, item in enumerate(items):
        text = item.get_text()
        if isinstance(item, LTAnno):
            if text == "\n":
                continue
            before = chars[-1][-1:] if chars else ""
            after = next((i.get_text()[:1] for i in items[index + 1:] if isinstance(i, LTChar)),
                         "")
            if before and after and (_is_cjk(before) or _is_cjk(after)) and (
                    _is_cjk(before) or _LATIN_OR_DIGIT.match(before)) and (
                    _is_cjk(after) or _LATIN_OR_DIGIT.match(after)):
                continue
        chars.append(text)
    return "".join(chars).strip()


def _page_lines(page: LTPage, number: int) -> Iterator[_Line]:
    def containers(element: object) -> Iterator[LTTextContainer]:
        for child in element:  # type: ignore[attr-defined]
            if isinstance(child, LTTextLine):
                yield child
            elif isinstance(child, LTTextContainer) or hasattr(child, "__iter__"):
                yield from containers(child)

    for line in containers(page):
        text = _line_text(line)
        if not text:
            continue
        glyphs = [c for c in line if isinstance(c, LTChar)]
        width = statistics.fmean(c.width for c in glyphs) if glyphs else line.height / 2
        yield _Line(number, text, line.x0, line.x1, page.y1 - line.y1, page.y1 - line.y0, width)


def _running_lines(pages: list[list[_Line]], heights: list[float]) -> set[tuple[int, int]]:
    """(page, index) of the headers, footers and page numbers to drop."""
    margin: list[tuple[int, int, str]] = []
    for page_index, (lines, height) in enumerate(zip(pages, heights, strict=True)):
        for line_index, line in enumerate(lines):
            if line.bottom < height * _MARGIN_SHARE or line.top > height * (1 - _MARGIN_SHARE):
                margin.append((page_index, line_index, _DIGITS.sub("#", line.text)))
    repeated = Counter(key for _, _, key in {(p, 0, key) for p, _, key in margin})
    needed = max(2, _RUNNING_SHARE * len(pages))
    return {(p, i) for p, i, key in margin
            if repeated[key] >= needed or _PAGE_NUMBER.match(pages[p][i].text)}


def _ends_paragraph(line: _Line, following: _Line, usual_gap: float, column_right: float,
                    column_left: float) -> bool:
    """Whether the layout shows a paragraph ending between two consecutive lines."""
    if following.page == line.page:
        gap = following.top - line.bottom
        if gap < -line.height / 2 or gap > usual_gap + 0.4 * line.height:
            return True  # a new column, or space between paragraphs
    if following.x0 > column_left + 1.5 * following.char_width:
        return True  # an indented first line
    first_word = _WORD_HEAD.match(following.text)
    head = 1 if _is_cjk(following.text[0]) else len(first_word[1]) if first_word else 1
    return line.x1 + (head + 1) * following.char_width < column_right


def _join(left: str, right: str, words: set[str]) -> str:
    """Two lines of one paragraph as one: hyphens and spaces as the author wrote them."""
    if left.endswith(_HYPHENS) and right[:1].islower():
        tail, head = _WORD_TAIL.search(left), _WORD_HEAD.match(right)
        if left.endswith("\u00ad"):
            return left[:-1] + right
        if tail and head and f"{tail[1]}-{head[1]}".lower() not in words:
            return left[:-1] + right
        return left + right
    if _is_cjk(left[-1]) or _is_cjk(right[0]):
        return left + right
    return f"{left} {right}"


def _paragraphs(lines: list[_Line]) -> Iterator[Block]:
    gaps = [b.top - a.bottom for a, b in itertools.pairwise(lines)
            if a.page == b.page and 0 <= b.top - a.bottom < a.height]
    usual_gap = statistics.median(gaps) if gaps else 0.0
    right = {page: max(line.x1 for line in lines if line.page == page)
             for page in {line.page for line in lines}}
    left = {page: min(line.x0 for line in lines if line.page == page) for page in right}
    words = {match.lower() for line in lines for match in re.findall(r"\w+-\w+", line.text)}
    current: list[_Line] = []
    for line in lines:
        if current and _ends_paragraph(current[-1], line, usual_gap, right[current[-1].page],
                                       left[line.page]):
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
            for number, page in enumerate(extract_pages(io.BytesIO(data), laparams=_LAYOUT), 1):
                pages.append(list(_page_lines(page, number)))
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
