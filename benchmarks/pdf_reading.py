"""Time to read a long PDF: a 300-page report must go through, and this says how long it takes.

The PDF is made the way a translator's is, by LibreOffice from a document: the sample
article's paragraphs (Russian and Chinese, alternating chapters) repeated until the
document has the pages asked for, with a running header and page numbers.  Then
``aligner.readers.read_file`` reads it as a run does; printed: pages, paragraphs,
characters, seconds (wall and CPU: on shared cores they differ), pages per second, and the
process's peak resident memory.

    .venv/bin/python benchmarks/pdf_reading.py            # 300 pages
    .venv/bin/python benchmarks/pdf_reading.py --pages 50 --pages 300
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import tempfile
import time
from html import escape
from pathlib import Path

from aligner.language import label_paragraphs
from aligner.readers import read_file

REPO = Path(__file__).resolve().parents[1]
ARTICLE = REPO / "corpus" / "002_9e5125a431169a21.txt"
# Measured from LibreOffice's output for this layout: how many paragraphs fill a page.
PARAGRAPHS_PER_PAGE = 15.6

FLAT_ODT = """<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
 xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"
 office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.text">
<office:automatic-styles>
<style:style style:name="P1" style:family="paragraph">
 <style:paragraph-properties fo:margin-bottom="0.25cm"/></style:style>
<style:page-layout style:name="pm1"><style:page-layout-properties fo:page-width="21cm"
 fo:page-height="29.7cm" fo:margin-top="1cm" fo:margin-bottom="1cm" fo:margin-left="2cm"
 fo:margin-right="2cm"/>
 <style:header-style><style:header-footer-properties fo:min-height="1cm"/></style:header-style>
 <style:footer-style><style:header-footer-properties fo:min-height="1cm"/></style:footer-style>
</style:page-layout></office:automatic-styles>
<office:master-styles><style:master-page style:name="Standard" style:page-layout-name="pm1">
 <style:header><text:p>Отчёт о переговорах · 会谈报告</text:p></style:header>
 <style:footer><text:p><text:page-number text:select-page="current">1</text:page-number>
 </text:p></style:footer>
</style:master-page></office:master-styles>
<office:body><office:text>{paragraphs}</office:text></office:body></office:document>
"""


def build_pdf(pages: int, folder: Path) -> Path:
    text = ARTICLE.read_text(encoding="utf-8")
    chapters = {lang: [text[p.start:p.end] for p in label_paragraphs(text) if p.lang == lang]
                for lang in ("ru", "zh")}
    paragraphs: list[str] = []
    while len(paragraphs) < pages * PARAGRAPHS_PER_PAGE:
        paragraphs += chapters["ru" if len(paragraphs) % 2 == 0 else "zh"]
    source = folder / f"report-{pages}.fodt"
    source.write_text(FLAT_ODT.format(paragraphs="".join(
        f'<text:p text:style-name="P1">{escape(p)}</text:p>' for p in paragraphs)),
        encoding="utf-8")
    with tempfile.TemporaryDirectory(prefix="soffice-profile-") as profile:
        subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless",
                        "--convert-to", "pdf", "--outdir", str(folder), str(source)],
                       check=True, capture_output=True, timeout=900)
    return source.with_suffix(".pdf")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--pages", type=int, action="append", help="pages (repeatable)")
    pages_asked = parser.parse_args().pages or [300]
    print(f"{'pages':>6} {'paragraphs':>10} {'characters':>10} {'seconds':>8} "
          f"{'cpu s':>7} {'pages/s':>8} {'peak RSS MB':>11}")
    with tempfile.TemporaryDirectory(prefix="pdf-bench-") as temporary:
        folder = Path(temporary)
        for pages in pages_asked:
            pdf = build_pdf(pages, folder)
            started, cpu_started = time.perf_counter(), time.process_time()
            source = read_file(pdf, folder)
            seconds = time.perf_counter() - started
            cpu = time.process_time() - cpu_started
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux
            found = int(source.locators[-1].label.split()[-1])
            print(f"{found:>6} {len(source.locators):>10} {len(source.text):>10} "
                  f"{seconds:>8.1f} {cpu:>7.1f} {found / seconds:>8.1f} {peak:>11.0f}")


if __name__ == "__main__":
    main()
