"""Each reader: the structure it finds (paragraphs, tables, notes, what is not text), the
offsets and locators of its text, and the bad files it refuses with a reason."""

from __future__ import annotations

import io
import random
import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import pytest
from documents import article_paragraphs, pandoc, soffice
from docx.oxml import parse_xml

from aligner.model import SourceFile
from aligner.pipeline import load_files
from aligner.readers import READERS, ReadError, ReadOptions, read_file, reader_for
from aligner.readers.base import PARAGRAPH_SEPARATOR
from aligner.readers.pdf import _join, _layout_space

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def _read(tmp_path: Path, name: str, data: bytes | str, **options: bool) -> SourceFile:
    path = tmp_path / name
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return read_file(path, tmp_path, ReadOptions(**options))


def _blocks(source: SourceFile) -> list[tuple[str, str]]:
    """(paragraph, locator) pairs, after checking each locator points at its paragraph."""
    paragraphs = source.text.removesuffix("\n").split(PARAGRAPH_SEPARATOR)
    offsets = [0]
    for paragraph in paragraphs[:-1]:
        offsets.append(offsets[-1] + len(paragraph) + len(PARAGRAPH_SEPARATOR))
    assert [locator.start for locator in source.locators] == offsets
    return [(p, locator.label) for p, locator in zip(paragraphs, source.locators, strict=True)]


def _refused(tmp_path: Path, name: str, data: bytes) -> str:
    with pytest.raises(ReadError) as caught:
        _read(tmp_path, name, data)
    return str(caught.value)


# --- the registry ---


def test_reader_chosen_by_extension() -> None:
    assert {reader_for(Path(f"a.{ext}")).name for ext in ("txt", "csv", "TXT")} == {"text"}
    assert reader_for(Path("a")).name == "text"
    assert [reader_for(Path(f"a.ru.{ext}")).name for ext in
            ("docx", "ODT", "html", "htm", "epub", "pdf", "md")] == [
        "docx", "odt", "html", "html", "epub", "pdf", "markdown"]
    assert set(READERS) == {"text", "docx", "odt", "html", "epub", "pdf", "markdown"}


def test_content_confirms_the_extension(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("Текст документа.")
    buffer = io.BytesIO()
    document.save(buffer)
    assert _refused(tmp_path, "a.odt", buffer.getvalue()) == (
        "is a DOCX document, not an ODT document: rename it .docx to have it read as one")
    assert "rename it .docx" in _refused(tmp_path, "a.txt", buffer.getvalue())
    assert "rename it .pdf" in _refused(tmp_path, "a.txt", b"%PDF-1.7\n%\xe2\xe3\n")
    page = "<!DOCTYPE html><html><body><p>Текст</p></body></html>".encode()
    assert "rename it .html" in _refused(tmp_path, "a.md", page)


# --- DOCX ---


def _docx_with_everything() -> bytes:
    """A Word file with the structures a reader must get right, written with python-docx and
    the WordprocessingML that Word itself writes for the rest."""
    document = docx.Document()
    document.add_heading("Заголовок статьи", level=1)
    document.add_paragraph("Первый абзац.")
    table = document.add_table(rows=2, cols=2)
    for cell, text in zip(table._cells, ["Ячейка один", "单元格二", "Ячейка три", "Ячейка четыре"],
                          strict=True):
        cell.text = text
    paragraph = document.add_paragraph("Видимый текст.")
    paragraph.add_run(" Скрытый текст.").font.hidden = True
    body = document.element.body
    sect = body[-1]
    for xml in (
        f'<w:p {W}><w:r><w:t xml:space="preserve">Было </w:t></w:r><w:del w:id="1" w:author="a">'
        '<w:r><w:delText>удалено </w:delText></w:r></w:del><w:ins w:id="2" w:author="a"><w:r>'
        '<w:t>вставлено</w:t></w:r></w:ins></w:p>',
        f'<w:p {W}><w:r><w:t xml:space="preserve">Страница </w:t></w:r>'
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> PAGE </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>7</w:t></w:r>'
        '<w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>',
        f'<w:p {W}><w:r><w:t xml:space="preserve">См. </w:t></w:r>'
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        '<w:r><w:instrText> HYPERLINK "http://kremlin.ru" </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>сайт Кремля</w:t></w:r>'
        '<w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>',
        f'<w:p {W}><w:r><w:t xml:space="preserve">Лист </w:t></w:r><w:fldSimple w:instr="PAGE">'
        '<w:r><w:t>3</w:t></w:r></w:fldSimple></w:p>',
        f'<w:p {W} xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
        'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
        'xmlns:v="urn:schemas-microsoft-com:vml"><w:r><w:t>Якорь врезки.</w:t></w:r><w:r>'
        '<mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wps:wsp><wps:txbx>'
        '<w:txbxContent><w:p><w:r><w:t>Текст во врезке</w:t></w:r></w:p></w:txbxContent>'
        '</wps:txbx></wps:wsp></w:drawing></mc:Choice><mc:Fallback><w:pict><v:shape><v:textbox>'
        '<w:txbxContent><w:p><w:r><w:t>Текст во врезке</w:t></w:r></w:p></w:txbxContent>'
        '</v:textbox></v:shape></w:pict></mc:Fallback></mc:AlternateContent></w:r></w:p>',
        f'<w:sdt {W}><w:sdtPr/><w:sdtContent><w:p><w:r><w:t>Текст в поле формы</w:t></w:r></w:p>'
        '</w:sdtContent></w:sdt>',
        f'<w:sdt {W}><w:sdtPr><w:docPartObj><w:docPartGallery w:val="Table of Contents"/>'
        '</w:docPartObj></w:sdtPr><w:sdtContent><w:p><w:r><w:t>Заголовок статьи 1</w:t></w:r>'
        '</w:p></w:sdtContent></w:sdt>',
    ):
        sect.addprevious(parse_xml(xml))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_docx_structure(tmp_path: Path) -> None:
    source = _read(tmp_path, "a.docx", _docx_with_everything())
    assert source.format == "docx" and source.is_extracted
    assert _blocks(source) == [
        ("Заголовок статьи", "p 1"), ("Первый абзац.", "p 2"),
        ("Ячейка один", "table 1 row 1"), ("单元格二", "table 1 row 1"),
        ("Ячейка три", "table 1 row 2"), ("Ячейка четыре", "table 1 row 2"),
        ("Видимый текст.", "p 3"), ("Было вставлено", "p 4"), ("Страница", "p 5"),
        ("См. сайт Кремля", "p 6"), ("Лист", "p 7"), ("Якорь врезки.", "p 8"),
        ("Текст во врезке", "text box 1"), ("Текст в поле формы", "p 9"),
    ]


NOTES_MARKDOWN = ("Основной текст статьи.[^1] Второе предложение.[^2]\n\n"
                  "| Город | 城市 |\n|---|---|\n| Москва | 莫斯科 |\n\n"
                  "Последний абзац.\n\n[^1]: Текст первой сноски.\n\n[^2]: Текст второй сноски.\n")
NOTES_BLOCKS = [
    ("Основной текст статьи. Второе предложение.", "p 1"),
    ("Город", "table 1 row 1"), ("城市", "table 1 row 1"),
    ("Москва", "table 1 row 2"), ("莫斯科", "table 1 row 2"),
    ("Последний абзац.", "p 2"),
    ("Текст первой сноски.", "footnote 1"), ("Текст второй сноски.", "footnote 2"),
]


@pytest.fixture(scope="module")
def notes_documents(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A document with a table and footnotes, made by pandoc (DOCX) and LibreOffice (ODT)."""
    if shutil.which("pandoc") is None or shutil.which("soffice") is None:
        pytest.skip("pandoc and LibreOffice (soffice) are needed to make the documents")
    folder = tmp_path_factory.mktemp("notes")
    (folder / "notes.md").write_text(NOTES_MARKDOWN, encoding="utf-8")
    pandoc(folder / "notes.md", folder / "notes.docx")
    soffice([folder / "notes.docx"], "odt", folder)
    return folder


@pytest.mark.parametrize("fmt", ["docx", "odt"])
def test_footnotes_and_tables_made_by_the_office_tools(notes_documents: Path, fmt: str) -> None:
    source = read_file(notes_documents / f"notes.{fmt}", notes_documents)
    blocks = _blocks(source)
    # the note references are numbers in superscript: the reader leaves them out of the text
    assert blocks == NOTES_BLOCKS


def test_docx_bad_files(tmp_path: Path) -> None:
    good = _docx_with_everything()
    assert "is damaged" in _refused(tmp_path, "cut.docx", good[: len(good) // 2])
    # What Word writes for a file saved with a password: an OLE container of the encrypted package.
    encrypted = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)
                 + "EncryptedPackage".encode("utf-16-le") + bytes(1000))
    assert "password-protected" in _refused(tmp_path, "locked.docx", encrypted)
    old = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(2000)
    assert "old binary Word document" in _refused(tmp_path, "old.docx", old)
    assert "is damaged" in _refused(tmp_path, "garbage.docx", random.Random(5).randbytes(900))


# --- ODT ---

ODT_CONTENT = """<?xml version="1.0" encoding="UTF-8"?>
<office:document-content
  xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
  xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
  xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"
  xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" office:version="1.3">
<office:body><office:text>
<text:tracked-changes><text:changed-region text:id="c1"><text:deletion>
  <text:p>удалено</text:p></text:deletion></text:changed-region></text:tracked-changes>
<text:table-of-content><text:index-body><text:p>Заголовок 1</text:p></text:index-body>
</text:table-of-content>
<text:h text:outline-level="1">Заголовок</text:h>
<text:p>Было<text:change text:change-id="c1"/> <text:change-start
 text:change-id="c2"/>вставлено<text:change-end text:change-id="c2"/>,<text:s
 text:c="2"/>три   пробела.</text:p>
<text:p>Страница <text:page-number>4</text:page-number><text:hidden-text
 text:string-value="скрыто"/></text:p>
<text:list><text:list-item><text:p>Пункт списка<text:note text:note-class="footnote"
 ><text:note-citation>1</text:note-citation><text:note-body><text:p>Сноска.</text:p
 ></text:note-body></text:note></text:p></text:list-item></text:list>
<table:table><table:table-row><table:table-cell><text:p>Ячейка</text:p></table:table-cell>
<table:covered-table-cell/></table:table-row></table:table>
<text:p>Якорь<draw:frame><draw:text-box><text:p>Во врезке</text:p></draw:text-box
 ></draw:frame></text:p>
<text:p text:is-hidden="true">Скрытый абзац</text:p>
<text:p>Конец<text:note text:note-class="endnote"><text:note-citation>i</text:note-citation
 ><text:note-body><text:p>Концевая сноска.</text:p></text:note-body></text:note></text:p>
</office:text></office:body></office:document-content>
"""


def _odt(content: str, manifest_extra: str = "") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", content)
        archive.writestr("META-INF/manifest.xml", (
            '<manifest:manifest '
            'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
            f'<manifest:file-entry manifest:full-path="content.xml">{manifest_extra}'
            "</manifest:file-entry></manifest:manifest>"))
    return buffer.getvalue()


def test_odt_structure(tmp_path: Path) -> None:
    assert _blocks(_read(tmp_path, "a.odt", _odt(ODT_CONTENT))) == [
        ("Заголовок", "p 1"), ("Было вставлено,  три пробела.", "p 2"), ("Страница", "p 3"),
        ("Пункт списка", "p 4"), ("Ячейка", "table 1 row 1"), ("Якорь", "p 5"),
        ("Во врезке", "text box 1"), ("Конец", "p 6"),
        ("Сноска.", "footnote 1"), ("Концевая сноска.", "endnote 1"),
    ]


def test_odt_bad_files(tmp_path: Path) -> None:
    locked = _odt("\x8f\x03 encrypted bytes", '<manifest:encryption-data manifest:checksum="x"/>')
    assert "password-protected" in _refused(tmp_path, "locked.odt", locked)
    assert "not well-formed" in _refused(tmp_path, "broken.odt", _odt(ODT_CONTENT[:700]))
    whole = _odt(ODT_CONTENT)
    assert "is damaged" in _refused(tmp_path, "cut.odt", whole[: len(whole) - 40])


# --- HTML ---

PAGE = """<!DOCTYPE html><html><head><title>Заголовок окна</title>
<style>p { color: red }</style><script>var a = "Скрипт";</script></head><body>
<header>Шапка сайта</header><nav><a href="/">Главная</a></nav>
<article><header><h1>Заголовок &laquo;статьи&raquo;</h1></header>
<p>Первый   абзац,
  с&nbsp;неразрывным пробелом &amp; сущностью.</p>
<div>Строка один<br>Строка <b>два</b><br/>普京说。</div>
<ul><li>Пункт</li><li>Второй пункт</li></ul>
<table><tr><td>А</td><td>Б</td></tr><tr><td>В</td></tr></table>
<pre>код строка
вторая строка</pre>
<p hidden>Скрыто</p><p aria-hidden="true">Тоже скрыто</p><p style="display:none">Нет</p>
<footer>Автор статьи</footer></article>
<aside>Реклама</aside><form><button>Отправить</button></form><footer>Подвал</footer>
</body></html>"""


def test_html_structure(tmp_path: Path) -> None:
    source = _read(tmp_path, "a.html", PAGE)
    assert _blocks(source) == [
        ("Заголовок «статьи»", "p 1"),
        ("Первый абзац, с\u00a0неразрывным пробелом & сущностью.", "p 2"),
        ("Строка один", "p 3"), ("Строка два", "p 4"), ("普京说。", "p 5"),
        ("Пункт", "p 6"), ("Второй пункт", "p 7"),
        ("А", "table 1 row 1"), ("Б", "table 1 row 1"), ("В", "table 1 row 2"),
        ("код строка", "p 8"), ("вторая строка", "p 9"), ("Автор статьи", "p 10"),
    ]


def test_html_header_of_the_main_content_is_its_title(tmp_path: Path) -> None:
    page = ("<html><body><header>Новости сайта</header><main><header><h1>Заголовок</h1>"
            "</header><p>Текст.</p><footer>Автор</footer></main><footer>Подвал</footer>"
            "</body></html>")
    assert _blocks(_read(tmp_path, "a.html", page)) == [
        ("Заголовок", "p 1"), ("Текст.", "p 2"), ("Автор", "p 3")]


@pytest.mark.parametrize(("head", "encoding", "python_name"), [
    ('<meta charset="windows-1251">', "cp1251", "cp1251"),
    ('<meta http-equiv="Content-Type" content="text/html; charset=koi8-r">', "koi8_r", "koi8_r"),
    ('<meta charset="gb2312">', "gbk", "gb18030"),
    ('', "utf-8", "utf_8"),
])
def test_html_declared_charset_is_honoured(tmp_path: Path, head: str, encoding: str,
                                           python_name: str) -> None:
    text = "普京与习近平会谈。" if "gb" in encoding else "Путин и Си Цзиньпин провели переговоры."
    page = f"<html><head>{head}</head><body><p>{text}</p></body></html>".encode(encoding)
    source = _read(tmp_path, "a.htm", page)
    assert _blocks(source) == [(text, "p 1")] and source.encoding == python_name


def test_html_without_text_is_refused(tmp_path: Path) -> None:
    page = "<html><head><script>alert('Привет')</script></head><body><nav>Меню</nav></body></html>"
    assert _refused(tmp_path, "empty.html", page.encode()) == (
        "holds no text: only markup, scripts or menus")


def test_main_text_keeps_the_article(tmp_path: Path) -> None:
    page = ("<html><body><div class='menu'><p>Раздел новостей и прочие ссылки сайта</p></div>"
            "<div class='story'><p>" + "Первое предложение статьи, довольно длинное. " * 3
            + "</p><p>" + "Второй абзац статьи тоже длинный и подробный. " * 3 + "</p></div>"
            "<div class='related'><p>Читайте также другую новость про погоду</p></div>"
            "</body></html>")
    everything = [text for text, _ in _blocks(_read(tmp_path, "a.html", page))]
    main = [text for text, _ in _blocks(_read(tmp_path, "a.html", page, main_text=True))]
    assert len(everything) == 4
    assert main == everything[1:3]


# --- EPUB ---


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    if shutil.which("pandoc") is None:
        pytest.skip("pandoc is needed to make the e-book")
    folder = tmp_path_factory.mktemp("book")
    (folder / "book.md").write_text(
        "# Глава первая\n\nТекст первой главы.\n\n# Глава вторая\n\nТекст второй главы.\n",
        encoding="utf-8")
    pandoc(folder / "book.md", folder / "book.epub", "--metadata", "title=Книга")
    return (folder / "book.epub").read_bytes()


def _with_member(epub: bytes, name: str, content: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(epub)) as source, zipfile.ZipFile(buffer, "w") as target:
        for item in source.infolist():
            target.writestr(item, source.read(item))
        target.writestr(name, content)
    return buffer.getvalue()


def test_epub_chapters_in_spine_order(tmp_path: Path, book: bytes) -> None:
    blocks = _blocks(_read(tmp_path, "book.epub", book))
    texts = [text for text, _ in blocks]
    assert texts[-4:] == ["Глава первая", "Текст первой главы.", "Глава вторая",
                          "Текст второй главы."]
    chapters = [where.split(" p ")[0] for _, where in blocks[-4:]]
    assert chapters[0] == chapters[1] != chapters[2] == chapters[3]
    assert int(chapters[2].split()[1]) == int(chapters[0].split()[1]) + 1


ENCRYPTION = ('<encryption xmlns="urn:oasis:names:tc:opendocument:xmlns:container" '
              'xmlns:enc="http://www.w3.org/2001/04/xmlenc#"><enc:EncryptedData>'
              '<enc:EncryptionMethod Algorithm="{algorithm}"/><enc:CipherData>'
              '<enc:CipherReference URI="{uri}"/></enc:CipherData></enc:EncryptedData>'
              '</encryption>')


def test_epub_with_drm_is_refused_but_font_obfuscation_is_not(tmp_path: Path,
                                                              book: bytes) -> None:
    drm = _with_member(book, "META-INF/encryption.xml", ENCRYPTION.format(
        algorithm="http://www.w3.org/2001/04/xmlenc#aes128-cbc", uri="EPUB/text/ch001.xhtml"))
    assert "protected by DRM" in _refused(tmp_path, "drm.epub", drm)
    adept = _with_member(book, "META-INF/rights.xml", "<rights/>")
    assert "protected by DRM" in _refused(tmp_path, "adept.epub", adept)
    fonts = _with_member(book, "META-INF/encryption.xml", ENCRYPTION.format(
        algorithm="http://www.idpf.org/2008/embedding", uri="EPUB/fonts/a.otf"))
    assert "Текст второй главы." in _read(tmp_path, "fonts.epub", fonts).text


def test_epub_damaged(tmp_path: Path, book: bytes) -> None:
    assert "is damaged" in _refused(tmp_path, "cut.epub", book[: len(book) // 3])
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/epub+zip")
    assert "has no META-INF/container.xml" in _refused(tmp_path, "empty.epub", buffer.getvalue())


# --- PDF ---


def test_pdf_line_joins() -> None:
    assert _join("будут согла-", "совать позже", set()) == "будут согласовать позже"
    assert _join("по-", "настоящему тепло", {"по-настоящему"}) == "по-настоящему тепло"
    assert _join("Путин", "провёл", set()) == "Путин провёл"
    assert _join("对中国进", "行正式访问", set()) == "对中国进行正式访问"
    assert _join("普京", "2026年访华", set()) == "普京2026年访华"
    assert _join("перенос\u00ad", "слова", set()) == "переносслова"
    assert _join("в честь 80-", "летия победы", set()) == "в честь 80-летия победы"
    assert _join("乌沙科夫向记者表示:“", "会谈中", set()) == "乌沙科夫向记者表示:“会谈中"
    assert _join("сказал “нет”", "Путин", set()) == "сказал “нет” Путин"
    assert not _layout_space("2", "月") and not _layout_space("月", "4")
    assert not _layout_space("在", "APEC") and _layout_space("平", "Путин")
    assert _layout_space("Путин", "провёл")


def test_pdf_of_the_article_has_its_paragraphs_exactly(sample_documents: dict[str, Path]
                                                       ) -> None:
    """Made by LibreOffice from the Word file: lines joined, Chinese without spaces although
    the layout sets the digits of 2月4日 apart (checked in the glyphs, so the test has teeth)."""
    from pdfminer.high_level import extract_pages

    from aligner.readers.pdf import _glyphs

    for lang in ("ru", "zh"):
        path = sample_documents["pdf"] / f"article.{lang}.pdf"
        source = read_file(path, path.parent)
        assert [text for text, _ in _blocks(source)] == article_paragraphs(lang)
        assert {where for _, where in _blocks(source)} <= {"page 1", "page 2", "page 3"}
    glyphs = list(_glyphs(next(extract_pages(sample_documents["pdf"] / "article.zh.pdf"))))
    at = "".join(g.get_text() for g in glyphs).index("2月4日")
    assert glyphs[at + 1].x0 - glyphs[at].x1 > 0.15 * glyphs[at].size


FLAT_ODT = """<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
 xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"
 office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.text">
<office:automatic-styles>
<style:style style:name="P1" style:family="paragraph"><style:paragraph-properties
  fo:margin-bottom="0.25cm"/></style:style>
<style:page-layout style:name="pm1">
 <style:page-layout-properties fo:page-width="21cm" fo:page-height="29.7cm"
  fo:margin-top="1cm" fo:margin-bottom="1cm" fo:margin-left="2cm" fo:margin-right="2cm"/>
 <style:header-style><style:header-footer-properties fo:min-height="1cm"/></style:header-style>
 <style:footer-style><style:header-footer-properties fo:min-height="1cm"/></style:footer-style>
</style:page-layout></office:automatic-styles>
<office:master-styles><style:master-page style:name="Standard" style:page-layout-name="pm1">
 <style:header><text:p>Вестник Москвы — ежедневная газета</text:p></style:header>
 <style:footer><text:p>Страница <text:page-number
   text:select-page="current">1</text:page-number></text:p></style:footer>
</style:master-page></office:master-styles>
<office:body><office:text>{paragraphs}</office:text></office:body></office:document>
"""


def test_pdf_running_headers_footers_and_page_numbers_dropped(tmp_path: Path) -> None:
    """Paragraphs spaced as LibreOffice's and Word's body text styles space them."""
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice (soffice) is needed to make the PDF")
    article = article_paragraphs("ru")[3:]
    paragraphs = [f"Абзац {i}. {article[i % len(article)]}" for i in range(1, 40)]
    (tmp_path / "paper.fodt").write_text(FLAT_ODT.format(paragraphs="".join(
        f'<text:p text:style-name="P1">{p}</text:p>' for p in paragraphs)), encoding="utf-8")
    soffice([tmp_path / "paper.fodt"], "pdf", tmp_path)
    source = read_file(tmp_path / "paper.pdf", tmp_path)
    blocks = _blocks(source)
    assert [text for text, _ in blocks] == paragraphs
    pages = {where for _, where in blocks}
    assert len(pages) >= 3  # the header recurs: a running header, not text


TWO_COLUMNS = """<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
 xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"
 office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.text">
<office:automatic-styles>
<style:style style:name="P1" style:family="paragraph"><style:paragraph-properties
  fo:margin-bottom="0.25cm" fo:text-align="justify"/></style:style>
<style:style style:name="S1" style:family="section"><style:section-properties>
  <style:columns fo:column-count="2" fo:column-gap="0.5cm"/></style:section-properties>
</style:style></office:automatic-styles>
<office:body><office:text><text:p text:style-name="P1">{title}</text:p>
<text:section text:style-name="S1" text:name="columns">{paragraphs}</text:section>
</office:text></office:body></office:document>
"""


def test_pdf_in_two_columns_is_read_column_by_column(tmp_path: Path) -> None:
    """A newsletter layout: a full-width title, then justified text in two columns with a
    gutter narrower than the widest word space; paragraphs run on from column to column."""
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice (soffice) is needed to make the PDF")
    title = "Итоги переговоров в формате видеоконференции"
    paragraphs = article_paragraphs("ru")[3:14]
    (tmp_path / "two.fodt").write_text(TWO_COLUMNS.format(title=title, paragraphs="".join(
        f'<text:p text:style-name="P1">{p}</text:p>' for p in paragraphs)), encoding="utf-8")
    soffice([tmp_path / "two.fodt"], "pdf", tmp_path)
    source = read_file(tmp_path / "two.pdf", tmp_path)
    assert [text for text, _ in _blocks(source)] == [title, *paragraphs]


def test_pdf_bad_files(tmp_path: Path, sample_documents: dict[str, Path]) -> None:
    article = sample_documents["pdf"] / "article.ru.pdf"
    data = article.read_bytes()
    assert "is damaged" in _refused(tmp_path, "cut.pdf", data[: len(data) // 3])
    garbage = b"%PDF-1.4\n" + random.Random(1).randbytes(2000)
    assert "is damaged" in _refused(tmp_path, "garbage.pdf", garbage)
    # a scan: the page as an image, as a scanner or "print to image" leaves it
    pytest.importorskip("PIL")
    from PIL import Image

    if shutil.which("pdftoppm") is None:
        pytest.skip("poppler-utils (pdftoppm) is needed to rasterise the page")
    subprocess.run(["pdftoppm", "-r", "40", "-png", "-f", "1", "-l", "1", str(article),
                    str(tmp_path / "scan")], check=True, timeout=120)
    (png,) = tmp_path.glob("scan*.png")
    Image.open(png).convert("RGB").save(tmp_path / "scan.pdf")
    assert _refused(tmp_path, "scan.pdf", (tmp_path / "scan.pdf").read_bytes()) == (
        "no text layer: run OCR first (the PDF holds images of pages, not text)")
    soffice([sample_documents["docx"] / "article.ru.docx"],
            'pdf:writer_pdf_Export:{"EncryptFile":{"type":"boolean","value":"true"},'
            '"DocumentOpenPassword":{"type":"string","value":"secret"}}', tmp_path / "locked")
    locked = (tmp_path / "locked" / "article.ru.pdf").read_bytes()
    assert "password-protected" in _refused(tmp_path, "locked.pdf", locked)


# --- Markdown ---

MARKDOWN = """# Заголовок

Абзац с **жирным**, *курсивом*, `кодом` и [ссылкой](http://example.com),
продолжение строки.

- пункт один
- пункт \\*два\\*

> Цитата.

| А | Б |
|---|---|
| В | Г |

```
код строка
```

Строка с переносом\\
вторая строка ![картинка](a.png)

<div><p>Абзац в HTML</p></div>
"""


def test_markdown_structure(tmp_path: Path) -> None:
    assert _blocks(_read(tmp_path, "a.md", MARKDOWN)) == [
        ("Заголовок", "line 1"),
        ("Абзац с жирным, курсивом, кодом и ссылкой, продолжение строки.", "line 3"),
        ("пункт один", "line 6"), ("пункт *два*", "line 7"), ("Цитата.", "line 9"),
        ("А", "table 1 row 1"), ("Б", "table 1 row 1"),
        ("В", "table 1 row 2"), ("Г", "table 1 row 2"),
        ("код строка", "line 16"), ("Строка с переносом", "line 19"),
        ("вторая строка", "line 19"), ("Абзац в HTML", "line 22"),
    ]


def test_markdown_in_a_legacy_encoding(tmp_path: Path) -> None:
    source = _read(tmp_path, "a.md", "# Заголовок\n\nТекст статьи.\n".encode("cp1251"))
    assert source.encoding == "cp1251" and _blocks(source) == [
        ("Заголовок", "line 1"), ("Текст статьи.", "line 3")]


# --- one bad document never costs the others ---


def test_bad_documents_are_named_and_the_rest_go_through(tmp_path: Path) -> None:
    good = _docx_with_everything()
    for name, data in {
        "good.docx": good, "cut.docx": good[:500], "locked.odt": _odt(
            "x", '<manifest:encryption-data manifest:checksum="x"/>'),
        "empty.html": b"<html><body><script>1</script></body></html>",
        "scan.pdf": b"%PDF-1.4\n" + bytes(100), "page.md": "Текст заметки.\n".encode(),
    }.items():
        (tmp_path / name).write_bytes(data)
    labelled, problems, files = load_files(tmp_path)
    assert files == 6
    assert sorted(f.file.rel for f in labelled) == ["good.docx", "page.md"]
    reasons = {problem.rel: problem.reason for problem in problems}
    assert set(reasons) == {"cut.docx", "locked.odt", "empty.html", "scan.pdf"}
    assert "password-protected" in reasons["locked.odt"]
    assert "holds no text" in reasons["empty.html"]


def test_a_zip_bomb_is_not_unpacked(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        with archive.open("content.xml", "w", force_zip64=True) as member:
            chunk = b" " * (1 << 24)
            for _ in range(65):
                member.write(chunk)
    assert "ZIP bomb" in _refused(tmp_path, "bomb.odt", buffer.getvalue())
