"""The sample article as a translator gets it (Word, LibreOffice, a web page, an e-book, a PDF,
Markdown) aligns as well as the plain-text article: the same pairs, the dateline unaligned,
no markup in any segment, offsets into the extracted text, every character in one row."""

from __future__ import annotations

import contextlib
import io
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
from documents import ARTICLE

from aligner.cli import main
from aligner.language import script_of

FORMATS = ("md", "docx", "odt", "html", "epub", "pdf")
LOCATOR_SHAPES = {"md": r"line \d+", "docx": r"p \d+", "odt": r"p \d+", "html": r"p \d+",
                  "epub": r"chapter 1 p \d+", "pdf": r"page \d+", "html-site": r"p \d+"}
DATELINE = "04 ФЕВРАЛЯ 2026, 16:40"
# What would betray markup left in a segment: tags, entities, Markdown escapes and links.
MARKUP = re.compile(r"[<>\\]|&#?\w+;|\]\(|^#|\*\*")

SITE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{menu}</title>
<style>nav {{ color: red }}</style><script>var section = "{menu}";</script></head>
<body><header><a href="/">{menu}</a> <span>{menu}</span></header>
<nav><ul><li><a href="/1">{menu}</a></li><li><a href="/2">{menu} 2026</a></li></ul></nav>
<div hidden>{menu}</div><div style="display: none">{menu}</div>
<form><input value="{menu}"><button>{menu}</button></form>
{body}
<aside><p>{menu}</p></aside>
<footer><p>© 2026 {menu}</p></footer>
<script>track("{menu}");</script></body></html>
"""
# A sidebar in a plain <div>, as most news sites have it: only --main-text leaves it out.
SIDEBAR_PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"></head><body>
<div class="layout"><div class="content">{body}</div>
<div class="sidebar"><p>{teaser}</p><p>{teaser}</p></div></div>
</body></html>
"""
MENUS = {"ru": "Главная страница новостей, политика и экономика",
         "zh": "首页新闻政治经济栏目导航菜单"}
TEASERS = {"ru": "Читайте также: в Москве открылась новая станция метро на юге города.",
           "zh": "相关阅读:莫斯科南部新开通了一座地铁站,市民纷纷前往参观。"}


def _body(page: Path) -> str:
    html = page.read_text(encoding="utf-8")
    return html[html.index("<body>") + len("<body>"): html.index("</body>")]


def _run(corpus: Path, out: Path, *options: str) -> pd.DataFrame:
    with contextlib.redirect_stdout(io.StringIO()):
        assert main(["run", str(corpus), "-o", str(out), "--no-progress", *options]) == 0
    return pd.read_csv(out / "aligned.csv", keep_default_na=False)


@pytest.fixture(scope="module")
def corpus(sample_documents: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One folder per format, each with the article's Russian and Chinese document."""
    root = tmp_path_factory.mktemp("formats")
    for fmt in ("txt", *FORMATS):
        shutil.copytree(sample_documents[fmt], root / fmt)
    # Name pairs are not the only way: a Word file and a PDF with unrelated names pair by content.
    (root / "matched").mkdir()
    shutil.copy(sample_documents["docx"] / "article.ru.docx", root / "matched" / "report-17.docx")
    shutil.copy(sample_documents["pdf"] / "article.zh.pdf", root / "matched" / "scan-0042.pdf")
    # Both languages in one Word file, as in the corpus: cut inside its paragraphs.
    shutil.copytree(sample_documents["mixed"], root / "mixed")
    (root / "mixed-txt").mkdir()
    shutil.copy(ARTICLE, root / "mixed-txt" / "article.txt")
    (root / "html-site").mkdir()
    for lang in ("ru", "zh"):
        page = sample_documents["html"] / f"article.{lang}.html"
        (root / "html-site" / page.name).write_text(
            SITE.format(menu=MENUS[lang], body=_body(page)), encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def run(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, pd.DataFrame]:
    out = tmp_path_factory.mktemp("out")
    return out, _run(corpus, out)


def _pairs(table: pd.DataFrame, doc: str) -> set[tuple[str, str]]:
    rows = table[(table.doc == doc) & (table.ru_text != "") & (table.zh_text != "")]
    return set(zip(rows.ru_text, rows.zh_text, strict=True))


@pytest.mark.slow
@pytest.mark.parametrize("fmt", [*FORMATS, "html-site"])
def test_same_pairs_as_the_plain_text(run: tuple[Path, pd.DataFrame], fmt: str) -> None:
    _, table = run
    expected = _pairs(table, "txt/article")
    assert len(expected) >= 20
    assert _pairs(table, f"{fmt}/article") == expected


@pytest.mark.slow
@pytest.mark.parametrize("fmt", [*FORMATS, "html-site"])
def test_dateline_unaligned_and_no_markup(run: tuple[Path, pd.DataFrame], fmt: str) -> None:
    _, table = run
    rows = table[table.doc == f"{fmt}/article"]
    dateline = rows[rows.ru_text == DATELINE]
    assert list(dateline.type) == ["1-0"]
    for text in [*rows.ru_text, *rows.zh_text]:
        assert not MARKUP.search(text), text
    for lang in ("ru", "zh"):
        assert not any(MENUS[lang] in text for text in rows[f"{lang}_text"])


@pytest.mark.slow
@pytest.mark.parametrize("fmt", [*FORMATS, "html-site"])
def test_offsets_point_into_the_extracted_text(run: tuple[Path, pd.DataFrame], fmt: str) -> None:
    """text/<file>.txt is written; single sentences are found at their offsets in it, every
    Russian and Chinese character of it is in exactly one row, and each row says where."""
    out, table = run
    rows = table[table.doc == f"{fmt}/article"]
    for lang in ("ru", "zh"):
        side = rows[rows[f"{lang}_file"] != ""]
        (rel,) = set(side[f"{lang}_file"])
        text = (out / "text" / f"{rel}.txt").read_text(encoding="utf-8")
        covered = [0] * len(text)
        for row in side.itertuples():
            start, end = int(getattr(row, f"{lang}_start")), int(getattr(row, f"{lang}_end"))
            for index in range(start, end):
                covered[index] += 1
            if row.type[0 if lang == "ru" else 2] == "1":
                assert text[start:end] == getattr(row, f"{lang}_text")
            assert re.fullmatch(LOCATOR_SHAPES[fmt], getattr(row, f"{lang}_locator"))
        letters = [i for i, char in enumerate(text) if script_of(char) is not None]
        assert letters and all(covered[i] == 1 for i in letters)


@pytest.mark.slow
def test_plain_text_has_no_extracted_copy_and_no_locator(run: tuple[Path, pd.DataFrame]) -> None:
    out, table = run
    rows = table[table.doc == "txt/article"]
    assert set(rows.ru_locator) == {""} and set(rows.zh_locator) == {""}
    assert not (out / "text" / "txt").exists()


@pytest.mark.slow
def test_main_text_leaves_out_a_sidebar_with_the_same_pairs(
        run: tuple[Path, pd.DataFrame], sample_documents: dict[str, Path],
        tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    (corpus / "html").mkdir(parents=True)
    for lang in ("ru", "zh"):
        page = sample_documents["html"] / f"article.{lang}.html"
        (corpus / "html" / page.name).write_text(
            SIDEBAR_PAGE.format(body=_body(page), teaser=TEASERS[lang]), encoding="utf-8")
    everything = _run(corpus, tmp_path / "all")
    assert any(TEASERS["ru"] in text for text in everything.ru_text)
    main_only = _run(corpus, tmp_path / "main", "--main-text")
    assert not any(TEASERS[lang] in text for lang in ("ru", "zh")
                   for text in main_only[f"{lang}_text"])
    assert _pairs(main_only, "html/article") == _pairs(run[1], "txt/article")


@pytest.mark.slow
def test_a_word_file_and_a_pdf_pair_by_content(run: tuple[Path, pd.DataFrame]) -> None:
    _, table = run
    assert (_pairs(table, "matched/report-17+matched/scan-0042")
            == _pairs(table, "txt/article"))


@pytest.mark.slow
def test_a_bilingual_word_file_is_cut_like_the_bilingual_text(
        run: tuple[Path, pd.DataFrame]) -> None:
    """The corpus file's glued title line (Chinese then Russian, no separator) is one Word
    paragraph: the language stage cuts it there as in the plain text."""
    _, table = run
    expected = _pairs(table, "mixed-txt/article")
    assert len(expected) >= 20
    assert _pairs(table, "mixed/article") == expected
    rows = table[table.doc == "mixed/article"]
    assert set(rows.ru_file) - {""} == {"mixed/article.docx"} == set(rows.zh_file) - {""}
