"""The HTML report: escaping, one row per bead, highlights, the path plot, determinism, offline.

The fast tests read the page with lxml; the slow one has headless Chromium
render it, which is what proves the markup survives a browser's HTML parser
(rows not hoisted out of the table, the SVG in place) and paints.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import struct
import subprocess
import time
from pathlib import Path

import lxml.html
import pytest
from toy_documents import sentence_per_line

from aligner.export.report import ReportExporter, score_class
from aligner.model import (
    AlignedDocument,
    Bead,
    CorpusResult,
    DocumentPair,
    FileProblem,
    Sentence,
)

SIGNATURE = "ruzh-aligner:0.1.0|enc:test@1|split:ru=ru-moses,zh=zh-rules-v1|presplit:no"
CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOT_COPY = Path("/tmp/ruzh-report-screenshot.png")
BROWSER_TIMEOUT = 90  # seconds per Chromium run

RU = ["Первое предложение.", "Второе предложение.", "Третье предложение.",
      "Цена <script>alert(1)</script> & «10» рублей.", "Лишнее предложение.",
      "Шестое предложение.", "Седьмое предложение."]
ZH = ["第一句。", "第二句与第三句。", "价格<b>10</b> & 卢布。", "尤里说。", "多余的句子。",
      "第六句。", "第七句。"]
BEADS = (  # (ru, zh, score): every type, both sides of the threshold
    Bead((0,), (0,), 0.91234),
    Bead((1, 2), (1,), 0.75),
    Bead((3,), (2, 3), 0.45),  # low
    Bead((4,), (), 0.125),  # low and null
    Bead((), (4,), 0.6),  # null only
    Bead((5,), (5,), 0.5),  # exactly at the threshold: not low
    Bead((6,), (6,), 0.0),  # low
)
LONELY = ["Одинокая статья.", "Без перевода."]


def _result() -> CorpusResult:
    ru, ru_sentences = sentence_per_line("news/a&b", "news/a&b.ru.txt", "ru", RU)
    zh, zh_sentences = sentence_per_line("news/a&b", "news/a&b.zh.txt", "zh", ZH)
    paired = AlignedDocument(DocumentPair("news/a&b", ru, zh), ru_sentences, zh_sentences,
                             BEADS)
    lonely, lonely_sentences = sentence_per_line("lonely", "lonely.txt", "ru", LONELY)
    unpaired = AlignedDocument(DocumentPair("lonely", lonely, None), lonely_sentences, (),
                               (Bead((0,), (), None), Bead((1,), (), None)))
    return CorpusResult(
        documents=[paired, unpaired],
        problems=[FileProblem("bad<1>.bin", "holds NUL characters (binary file?)")],
        files_read=4, signature=SIGNATURE)


@pytest.fixture
def result() -> CorpusResult:
    return _result()


def classes(element: lxml.html.HtmlElement) -> set[str]:
    return set((element.get("class") or "").split())


def has_class(name: str) -> str:
    """An XPath test for one class among several."""
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')"


def bead_rows(page: lxml.html.HtmlElement) -> list[lxml.html.HtmlElement]:
    return page.xpath(f".//table[{has_class('beads')}]/tbody/tr[{has_class('bead')}]")


def plot_marks(section: lxml.html.HtmlElement) -> list[lxml.html.HtmlElement]:
    return section.xpath(f".//svg[{has_class('path')}]//rect[{has_class('m')}]")


def parse(data: bytes) -> lxml.html.HtmlElement:
    return lxml.html.document_fromstring(data.decode("utf-8"))


@pytest.fixture
def page(result: CorpusResult) -> lxml.html.HtmlElement:
    return parse(ReportExporter().render(result))


# --- fast: the markup ---


def test_is_one_utf8_htmlsentence_per_line(result: CorpusResult) -> None:
    data = ReportExporter().render(result)
    assert data.startswith(b"<!DOCTYPE html>")
    text = data.decode("utf-8")
    assert "Первое предложение." in text and "第一句。" in text
    assert '<meta charset="utf-8">' in text
    assert ReportExporter.name == "html" and ReportExporter.suffix == ".html"


def test_escapes_all_text(result: CorpusResult, page: lxml.html.HtmlElement) -> None:
    text = ReportExporter().render(result).decode("utf-8")
    assert "<script" not in text  # neither ours (there is none) nor the document's
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; «10»" in text
    assert "<b>" not in text and "&lt;b&gt;10&lt;/b&gt;" in text
    assert "bad&lt;1&gt;.bin" in text
    assert page.xpath("//script") == [] and page.xpath("//b") == []
    ru_cells = [row.find("td").text_content() for row in bead_rows(page)]
    assert ru_cells[2] == RU[3]  # the text round-trips exactly


def test_control_characters_are_dropped_not_fatal() -> None:
    result = _result()
    document = result.documents[0]
    sentences = (Sentence("Звонок\x07.", 0, 8, 0), *document.ru_sentences[1:])
    result.documents[0] = AlignedDocument(document.pair, sentences, document.zh_sentences,
                                          document.beads)
    assert bead_rows(parse(ReportExporter().render(result)))[0].find("td").text == "Звонок."


def test_one_row_per_bead_in_order(result: CorpusResult, page: lxml.html.HtmlElement) -> None:
    rows = bead_rows(page)
    assert len(rows) == sum(len(d.beads) for d in result.documents) == 9
    assert [row.get("data-type") for row in rows] == [
        "1-1", "2-1", "1-2", "1-0", "0-1", "1-1", "1-1", "1-0", "1-0"]
    assert [row.get("data-score") for row in rows] == [
        "0.9123", "0.7500", "0.4500", "0.1250", "0.6000", "0.5000", "0.0000", None, None]
    first = rows[0]
    assert [td.get("class").split()[0] for td in first.findall("td")] == [
        "ru", "score", "type", "zh"]
    assert [td.text for td in first.findall("td")] == ["Первое предложение.", "0.91", "1-1",
                                                       "第一句。"]
    assert rows[1].find("td").text == "Второе предложение. Третье предложение."
    assert rows[2].findall("td")[3].text == "价格<b>10</b> & 卢布。尤里说。"


def test_low_and_null_classes(page: lxml.html.HtmlElement) -> None:
    rows = bead_rows(page)
    assert [sorted(classes(row) - {"bead"}) for row in rows] == [
        [], [], ["low"], ["low", "null"], ["null"], [], ["low"], ["null"], ["null"]]
    null_cells = [td for row in rows if "null" in classes(row) for td in row.findall("td")
                  if td.get("class") in ("ru", "zh")]
    assert sum(td.text is None for td in null_cells) == 4  # one empty side per null bead


def test_low_score_is_configurable(result: CorpusResult) -> None:
    rows = bead_rows(parse(ReportExporter(low_score=0.8).render(result)))
    assert [row.get("data-type") for row in rows if "low" in classes(row)] == [
        "2-1", "1-2", "1-0", "0-1", "1-1", "1-1"]
    assert not any("low" in classes(row) for row in
                   bead_rows(parse(ReportExporter(low_score=0.0).render(result))))


def test_header_signature_counts_and_problems(page: lxml.html.HtmlElement) -> None:
    header = page.find(".//header")
    assert header.xpath(f"string(.//p[{has_class('signature')}]/code)") == SIGNATURE
    counts = {tr.find("th").text: tr.find("td").text for tr in header.xpath(".//tr")}
    assert counts == {
        "Files read": "4",
        "Document pairs": "1",
        "Unpaired documents": "1",
        "Sentences": "ru 7, zh 7 (in pairs)",
        "Beads": "7: 0-1 1, 1-0 1, 1-1 3, 1-2 1, 2-1 1",
        "Unaligned sentences": "ru 1, zh 1",
        "Low-confidence beads (score < 0.50)": "3",
        "Skipped files": "1",
    }
    (problem,) = header.xpath(f".//section[{has_class('problems')}]//li")
    assert problem.text_content().strip() == "bad<1>.bin: holds NUL characters (binary file?)"
    links = header.xpath(".//nav//a | .//details//a")
    assert [(a.text, a.get("href")) for a in links] == [("news/a&b", "#doc-1"),
                                                        ("lonely", "#doc-2")]


def test_document_sections(page: lxml.html.HtmlElement) -> None:
    paired, unpaired = page.xpath(f"//section[{has_class('doc')}]")
    assert (paired.get("id"), unpaired.get("id")) == ("doc-1", "doc-2")
    assert "paired" in classes(paired) and "unpaired" in classes(unpaired)
    assert paired.findtext(".//h2") == "news/a&b"
    assert "news/a&b.ru.txt" in paired.text_content()
    assert "news/a&b.zh.txt" in paired.text_content()
    assert "no Chinese counterpart" in unpaired.text_content()
    assert len(bead_rows(paired)) == 7 and len(bead_rows(unpaired)) == 2
    assert unpaired.xpath(".//svg") == []  # a single text has no path


def test_plot_has_one_mark_per_bead(page: lxml.html.HtmlElement) -> None:
    paired = page.get_element_by_id("doc-1")
    (plot,) = paired.xpath(f".//svg[{has_class('path')}]")
    marks = plot_marks(paired)
    assert len(marks) == len(BEADS)
    # Each mark links to its row, so a stray point in the plot leads to the text.
    targets = [mark.getparent().get("href") for mark in marks]
    assert sorted(targets) == sorted(f"#{row.get('id')}" for row in bead_rows(paired))
    for target in targets:
        assert page.get_element_by_id(target[1:]).tag == "tr"
    assert "Russian sentence" in plot.text_content()
    assert "Chinese sentence" in plot.text_content()


def test_plot_geometry(page: lxml.html.HtmlElement) -> None:
    """Sentence units, origin bottom left: y counts up from the last Chinese sentence."""
    marks = {mark.getparent().get("href"): mark for mark in plot_marks(page)}

    def box(index: int) -> tuple[str, str, str, str]:
        mark = marks[f"#d1-{index}"]
        return mark.get("x"), mark.get("y"), mark.get("width"), mark.get("height")

    n_zh = len(ZH)
    assert box(1) == ("0", str(n_zh - 1), "1", "1")  # 1-1 at the origin
    assert box(2) == ("1", str(n_zh - 2), "2", "1")  # 2-1: two wide
    assert box(3) == ("3", str(n_zh - 4), "1", "2")  # 1-2: two high
    assert "null" in classes(marks["#d1-4"])  # on the Russian axis strip
    assert marks["#d1-4"].getparent().getparent().get("viewbox") == f"0 0 {len(RU)} 1"
    assert marks["#d1-5"].getparent().getparent().get("viewbox") == f"0 0 1 {n_zh}"
    assert classes(marks["#d1-1"]) == {"m", "s9"}
    assert classes(marks["#d1-7"]) == {"m", "s0"}


def test_score_classes() -> None:
    assert [score_class(s) for s in (0.0, 0.05, 0.1, 0.49, 0.5, 0.99, 1.0)] == [
        "s0", "s0", "s1", "s4", "s5", "s9", "s9"]


def test_render_is_deterministic() -> None:
    first = ReportExporter().render(_result())
    assert first == ReportExporter().render(_result())
    assert first != ReportExporter(low_score=0.9).render(_result())


def test_no_network_references(result: CorpusResult, page: lxml.html.HtmlElement) -> None:
    text = ReportExporter().render(result).decode("utf-8")
    assert not re.search(r"https?://", text)
    assert not re.search(r"@import|url\(", text)
    assert page.xpath("//script | //link | //img | //iframe | //*[@src]") == []


def test_compact_no_inline_styles(result: CorpusResult) -> None:
    text = ReportExporter().render(result).decode("utf-8")
    assert " style=" not in text
    assert text.count("<style>") == 1


def test_empty_paired_document_still_plots() -> None:
    ru, _ = sentence_per_line("e", "e.ru.txt", "ru", ["x"])
    zh, _ = sentence_per_line("e", "e.zh.txt", "zh", ["y"])
    result = CorpusResult([AlignedDocument(DocumentPair("e", ru, zh), (), (), ())])
    page = parse(ReportExporter().render(result))
    assert bead_rows(page) == []
    assert page.xpath(f"//svg[{has_class('path')}]/svg")[0].get("viewbox") == "0 0 1 1"


def test_write(tmp_path: Path, result: CorpusResult) -> None:
    path = tmp_path / "out" / "report.html"
    assert ReportExporter().write(result, path) == [path]
    assert path.read_bytes() == ReportExporter().render(result)


# --- slow: a real browser ---


def _run_chromium(*arguments: str, profile: Path) -> str:
    """Headless Chromium's stdout; on a timeout its whole process group is killed.

    Chromium's helpers (zygote, renderers) hold its stdout open and would
    outlive a killed main process, hence a session of its own and the group.
    """
    command = [str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu",
               "--disable-dev-shm-usage", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update",
               "--disable-sync", "--disable-extensions", f"--user-data-dir={profile}",
               *arguments]
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                          start_new_session=True, env={**os.environ, "HOME": str(profile)}
                          ) as process:
        try:
            stdout, stderr = process.communicate(timeout=BROWSER_TIMEOUT)
        except BaseException as error:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)  # not reaped yet: the group is ours
            process.communicate()
            if isinstance(error, subprocess.TimeoutExpired):
                pytest.fail(f"chromium did not finish within {BROWSER_TIMEOUT} s: {command}")
            raise
    assert process.returncode == 0, stderr[-2000:]
    return stdout


def _png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()[:24]
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


@pytest.mark.slow
@pytest.mark.skipif(not CHROMIUM.exists(),
                    reason=f"{CHROMIUM} not installed (apt-get install chromium)")
def test_renders_in_headless_chromium(tmp_path: Path, result: CorpusResult) -> None:
    report = tmp_path / "report.html"
    ReportExporter().write(result, report)

    started = time.perf_counter()
    dumped = _run_chromium("--dump-dom", report.as_uri(), profile=tmp_path / "profile-dom")
    page = lxml.html.document_fromstring(dumped)
    rows = bead_rows(page)  # found only if the browser kept the rows inside the table
    assert len(rows) == 9
    assert sum("low" in classes(row) for row in rows) == 3
    assert sum("null" in classes(row) for row in rows) == 4
    assert page.xpath("//script") == []
    assert len(plot_marks(page.get_element_by_id("doc-1"))) == len(BEADS)
    assert page.xpath("//header//p/code")[0].text == SIGNATURE

    screenshot = tmp_path / "report.png"
    _run_chromium(f"--screenshot={screenshot}", "--window-size=1280,2000",
                  "--hide-scrollbars", report.as_uri(), profile=tmp_path / "profile-shot")
    assert screenshot.exists()
    assert _png_size(screenshot) == (1280, 2000)
    assert screenshot.stat().st_size > 20_000  # a blank page compresses to a few kB
    shutil.copyfile(screenshot, SCREENSHOT_COPY)
    print(f"chromium: two runs in {time.perf_counter() - started:.1f} s; "
          f"screenshot copied to {SCREENSHOT_COPY}")
