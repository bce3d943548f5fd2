"""Markdown: every block a paragraph, the markup gone.

Parsed with markdown-it-py (CommonMark, plus GitHub's tables), so what counts
as markup is what every Markdown renderer agrees on: ``**bold**`` is the word,
``[a link](url)`` is ``a link``, ``\\*`` is an asterisk, a list marker or a
heading's ``#`` is not text.  A hard line break ends a paragraph, as ``br``
does in a web page.  Code keeps its lines; raw HTML blocks are read as a web
page.  A paragraph's locator is its line in the Markdown file (``line 12``),
which is where a translator's editor takes them.
"""

from __future__ import annotations

import lxml.html
from lxml import etree
from markdown_it import MarkdownIt
from markdown_it.token import Token

from aligner.readers.base import Block, DocumentReader, Extraction, ReadOptions
from aligner.readers.html import page_blocks
from aligner.readers.text import decode

_PARSER = MarkdownIt("commonmark").enable("table")
_KEPT_INLINE = ("text", "code_inline")


def _inline_lines(token: Token) -> list[str]:
    """An inline token's text without markup, cut at hard line breaks."""
    lines, current = [], []
    for child in token.children or ():  # an image's alt text is its own children: not here
        if child.type in _KEPT_INLINE:
            current.append(child.content)
        elif child.type == "softbreak":
            current.append(" ")
        elif child.type == "hardbreak":
            lines.append("".join(current))
            current = []
    lines.append("".join(current))
    return lines


def _html_blocks(content: str, where: str, options: ReadOptions) -> list[Block]:
    try:
        root = lxml.html.fragment_fromstring(content, create_parent="div")
    except etree.ParserError:
        return []
    return [Block(block.text, where) for block in page_blocks(root, options)]


def markdown_blocks(text: str, options: ReadOptions) -> list[Block]:
    blocks: list[Block] = []
    tables = 0
    table_row: tuple[int, int] | None = None  # (table, row) while inside a table
    for token in _PARSER.parse(text):
        line = token.map[0] + 1 if token.map else 0
        if token.type == "table_open":
            tables += 1
            table_row = (tables, 0)
        elif token.type == "table_close":
            table_row = None
        elif token.type == "tr_open" and table_row is not None:
            table_row = (table_row[0], table_row[1] + 1)
        elif token.type == "inline":
            where = (f"table {table_row[0]} row {table_row[1]}" if table_row is not None
                     else f"line {line}")
            blocks.extend(Block(piece, where) for piece in _inline_lines(token))
        elif token.type in ("fence", "code_block"):
            first = line + 1 if token.type == "fence" else line  # after the ``` line
            blocks.extend(Block(code_line, f"line {first + i}")
                          for i, code_line in enumerate(token.content.split("\n")))
        elif token.type == "html_block":
            blocks.extend(_html_blocks(token.content, f"line {line}", options))
    return blocks


class MarkdownReader(DocumentReader):
    name = "markdown"
    description = "a Markdown file"
    extensions = (".md", ".markdown")
    empty_reason = "holds no text: only Markdown markup"

    def extract(self, data: bytes, options: ReadOptions) -> Extraction:
        text, encoding = decode(data)
        return Extraction(markdown_blocks(text, options), encoding)
