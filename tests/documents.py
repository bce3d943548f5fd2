"""The sample article as the documents translators get, made by the tools that make them.

``corpus/002_…txt`` is one bilingual file.  Here it becomes a Russian and a
Chinese document per format: Markdown written here, turned into DOCX and HTML
by pandoc, and into ODT, PDF and EPUB by LibreOffice (``soffice --headless
--convert-to``), as a translator's files are made, not by the libraries that
read them.  ``python tests/documents.py OUT`` builds them into a folder.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from aligner.language import label_paragraphs
from aligner.model import Lang

REPO = Path(__file__).resolve().parents[1]
ARTICLE = REPO / "corpus" / "002_9e5125a431169a21.txt"
NAME = "article"
# What pandoc reads as markup in running text; escaped so the documents hold the plain words.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]#<>|~^$])")
_LIST_START = re.compile(r"^(?=[-+]\s|\d+[.)]\s)")
# Seconds: LibreOffice starts slowly, and a cold start on shared cores can take a minute.
SOFFICE_TIMEOUT = 300


def article_paragraphs(lang: Lang) -> list[str]:
    """The article's paragraphs in one language, as the language stage cuts the file."""
    text = ARTICLE.read_text(encoding="utf-8")
    return [text[p.start:p.end] for p in label_paragraphs(text) if p.lang == lang]


def markdown(paragraphs: list[str]) -> str:
    """Markdown whose text, once rendered, is exactly ``paragraphs`` (one block each)."""
    escaped = (_LIST_START.sub("\\\\", _MARKDOWN_SPECIAL.sub(r"\\\1", p)) for p in paragraphs)
    return "\n\n".join(escaped) + "\n"


def missing_tools() -> str | None:
    """Why the documents cannot be built here, or None."""
    for tool in ("pandoc", "soffice"):
        if shutil.which(tool) is None:
            return (f"{tool} is not installed "
                    "(Debian: apt-get install pandoc libreoffice-writer-nogui)")
    return None


def pandoc(source: Path, target: Path, *extra: str) -> None:
    # -smart: pandoc would turn straight quotes into curly ones, which the plain text has not.
    subprocess.run(["pandoc", "-f", "markdown-smart", *extra, str(source), "-o", str(target)],
                   check=True, capture_output=True, timeout=120)


def soffice(sources: list[Path], fmt: str, out_dir: Path) -> None:
    """Convert with LibreOffice headless, in a profile of its own (a user's open LibreOffice
    would otherwise take the job, or lock the profile)."""
    with tempfile.TemporaryDirectory(prefix="soffice-profile-") as profile:
        subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless",
                        "--convert-to", fmt, "--outdir", str(out_dir), *map(str, sources)],
                       check=True, capture_output=True, timeout=SOFFICE_TIMEOUT)


def build(out_dir: Path) -> dict[str, Path]:
    """Every format's folder (``docx/article.ru.docx`` + ``docx/article.zh.docx``, …),
    ``txt/``, the plain-text pair they are compared with, and ``mixed/article.docx``, the
    bilingual file as one Word document."""
    out_dir.mkdir(parents=True, exist_ok=True)
    folders = {fmt: out_dir / fmt
               for fmt in ("txt", "md", "docx", "odt", "html", "epub", "pdf", "mixed")}
    for folder in folders.values():
        folder.mkdir(exist_ok=True)
    docx_files = []
    for lang in ("ru", "zh"):
        paragraphs = article_paragraphs(lang)
        stem = f"{NAME}.{lang}"
        (folders["txt"] / f"{stem}.txt").write_text("\n".join(paragraphs) + "\n", encoding="utf-8")
        source = folders["md"] / f"{stem}.md"
        source.write_text(markdown(paragraphs), encoding="utf-8")
        pandoc(source, folders["docx"] / f"{stem}.docx")
        # A title element but no title block: the document's text is the article's only.
        pandoc(source, folders["html"] / f"{stem}.html", "-s", "--metadata", f"pagetitle={stem}")
        docx_files.append(folders["docx"] / f"{stem}.docx")
    # The article as it is in the corpus, both languages in one file (a Chinese title glued to
    # its Russian one included): the language stage must cut the Word file's paragraphs too.
    text = ARTICLE.read_text(encoding="utf-8")
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    bilingual = folders["mixed"] / f"{NAME}.md"
    bilingual.write_text(markdown(lines), encoding="utf-8")
    pandoc(bilingual, folders["mixed"] / f"{NAME}.docx")
    bilingual.unlink()
    soffice(docx_files, "odt", folders["odt"])
    soffice(docx_files, "pdf", folders["pdf"])
    soffice(docx_files, "epub", folders["epub"])
    return folders


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python tests/documents.py OUT_DIR")
    if reason := missing_tools():
        sys.exit(reason)
    for fmt, folder in build(Path(sys.argv[1])).items():
        print(fmt, *sorted(p.name for p in folder.iterdir()))
