"""One self-contained HTML page for reading an alignment, opened straight from disk.

A translator checks an alignment by reading the two texts side by side, so
the page is the beads as table rows, with the rows worth a second look (low
score, sentences left without a translation) tinted.  A researcher judges a
document pair at a glance from its alignment path: a clean pair is a thin
diagonal, a wrong pairing or a missing passage is not.  Hence one small SVG
plot per pair, whose marks link to their rows.

Everything is inline (CSS, SVG; no script, font or image), as the page must
work offline and be sent as a single file.  Colours come from CSS classes,
never per-row styles, which keeps a large corpus's page small.  The text goes
through lxml, which escapes it; the per-bead parts use plain ``SubElement``,
which builds a 100,000-bead page in 60% of the builder's time.
"""

from __future__ import annotations

import shutil
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree
from lxml.builder import E

from aligner.export.base import Exporter, Sink, StreamedFile, bead_row
from aligner.export.tmx import xml_safe
from aligner.model import AlignedDocument, Bead, CorpusResult

BUCKETS = 10  # score colour steps, red (0) to green (1)
PLOT = 200  # side of the plot area, px
MARGIN_LEFT, MARGIN_TOP, STRIP = 46, 8, 7  # room for the y labels; null strips' thickness
PLOT_WIDTH, PLOT_HEIGHT = MARGIN_LEFT + PLOT + 12, MARGIN_TOP + PLOT + 40


def score_bucket(score: float) -> int:
    """The score's colour step, 0 (red) to BUCKETS - 1 (green); the workbook uses it too."""
    return min(max(int(score * BUCKETS), 0), BUCKETS - 1)


def bucket_hue(bucket: int) -> int:
    """The hue of a colour step, in degrees: 0 is red, 120 green."""
    return round(bucket * 120 / (BUCKETS - 1))


def _bucket_css() -> str:
    rules = []
    for bucket in range(BUCKETS):
        hue = bucket_hue(bucket)
        rules.append(f".s{bucket},tr.bead td.s{bucket}{{background:hsl({hue},70%,86%)}}"
                     f".path .s{bucket}{{fill:hsl({hue},75%,42%);stroke:hsl({hue},75%,42%)}}")
    return "\n".join(rules)


CSS = """
body{font:15px/1.45 system-ui,"Segoe UI",Roboto,"Noto Sans",sans-serif;color:#1d1d1f;
 margin:0 auto;padding:0 20px 40px;max-width:1400px}
h1{font-size:22px;margin:18px 0 6px}
h2{font-size:18px;margin:0 0 4px;overflow-wrap:anywhere}
code{font:12.5px/1.4 ui-monospace,"DejaVu Sans Mono",Menlo,Consolas,monospace}
.signature{overflow-wrap:anywhere;color:#444}
.counts{border-collapse:collapse;margin:8px 0}
.counts th{text-align:left;font-weight:600;padding:1px 16px 1px 0;vertical-align:top}
.counts td{padding:1px 0}
.problems li,.toc li{margin:1px 0}
.legend{display:flex;flex-wrap:wrap;gap:6px 18px;align-items:center;margin:10px 0;
 padding:8px 10px;background:#f6f6f6;border-radius:6px}
.swatch{display:inline-block;width:26px;height:14px;vertical-align:-2px;margin-right:4px;
 border:1px solid #bbb}
.scale span{display:inline-block;width:12px;height:14px;vertical-align:-2px}
.swatch.low{background:#ffe7b0;border-left:4px solid #d98c00}
.swatch.null{background:#e4e9f7;border-left:4px solid #5b6fb5}
details.toc{margin:6px 0 10px}
details.toc summary{cursor:pointer;font-weight:600}
.doc{margin-top:28px;border-top:2px solid #333;padding-top:10px;
 content-visibility:auto;contain-intrinsic-size:auto 2000px}
.doc-head{display:flex;gap:24px;justify-content:space-between;align-items:flex-start;
 flex-wrap:wrap;margin-bottom:8px}
.files,.stats{margin:2px 0;color:#444}
.unpaired .files{color:#8a4b00}
.unpaired summary{cursor:pointer;color:#444;margin-bottom:6px}
table.beads{width:100%;border-collapse:collapse;table-layout:fixed}
col.c-score{width:4.2em}col.c-type{width:3.4em}
.beads th{position:sticky;top:0;background:#eceff3;text-align:left;padding:4px 8px;
 border-bottom:1px solid #999;z-index:1}
.beads td{padding:4px 8px;vertical-align:baseline;border-bottom:1px solid #e2e2e2;
 overflow-wrap:break-word}
td.zh{font-family:"Noto Sans CJK SC","Source Han Sans SC","PingFang SC","Microsoft YaHei",
 "WenQuanYi Zen Hei",sans-serif;font-size:16px}
td.score,td.type{text-align:center;font-variant-numeric:tabular-nums;color:#333}
td.type{font-size:13px;color:#666}
tr.low td{background:#fff3d6}
tr.low td:first-child{box-shadow:inset 4px 0 #d98c00}
tr.null td{background:#eef1fa}
tr.null td:first-child{box-shadow:inset 4px 0 #5b6fb5}
.unpaired tr.null td{background:none}
.unpaired tr.null td:first-child{box-shadow:none}
.beads td.ru:empty::before,.beads td.zh:empty::before{content:"\\2014";color:#8a93b0}
tr:target td{outline:2px solid #2a6ad1;outline-offset:-2px}
body:has(#only-issues:checked) tr.bead:not(.low,.null){display:none}
.path{flex:none}
.path text{font:11px system-ui,sans-serif;fill:#444}
.path .frame{fill:#fafafa;stroke:#bbb}
.path .diag{stroke:#999;stroke-dasharray:3 3;vector-effect:non-scaling-stroke}
.path .m{stroke-width:1.5px;vector-effect:non-scaling-stroke}
.path .null{fill:#5b6fb5;stroke:#5b6fb5}
.path .strip{fill:#eef1fa}
""" + _bucket_css()


def score_class(score: float) -> str:
    """The colour bucket of a score, shared by the table's score cell and the plot's mark."""
    return f"s{score_bucket(score)}"


def _type_key(bead_type: str) -> tuple[int, ...]:
    return tuple(int(part) for part in bead_type.split("-"))


def _is_null(bead: Bead) -> bool:
    return not bead.ru or not bead.zh


def _span(ids: tuple[int, ...]) -> str:
    """Sentence numbers as people count them: 1-based, a range when several."""
    return f"{ids[0] + 1}" if len(ids) == 1 else f"{ids[0] + 1}–{ids[-1] + 1}"


@dataclass
class ReportTally:
    """What the report's header says about the documents, counted as they pass: the header
    comes first in the page but is only known at the end, so a streamed report keeps
    these numbers and a table-of-contents line per document, not the documents."""

    paired: int = 0
    unpaired: int = 0
    sentences: Counter[str] = field(default_factory=Counter)  # in paired documents
    types: Counter[str] = field(default_factory=Counter)
    unaligned: Counter[str] = field(default_factory=Counter)
    low: int = 0
    contents: list[tuple[str, str]] = field(default_factory=list)  # (doc id, its stats)

    def add(self, exporter: ReportExporter, document: AlignedDocument) -> None:
        self.contents.append((document.pair.doc_id, exporter.stats(document)))
        if not document.pair.is_paired:
            self.unpaired += 1
            return
        self.paired += 1
        self.sentences.update(ru=len(document.ru_sentences), zh=len(document.zh_sentences))
        for bead in document.beads:
            self.types[bead.type] += 1
            if _is_null(bead):
                self.unaligned.update(ru=len(bead.ru), zh=len(bead.zh))
            self.low += exporter.is_low(bead)


# The page is serialised by lxml in parts that are cut out of whole pages (the header at
# the end, each document's section as it comes), so the bytes are those of the one-tree
# page: libxml2's HTML pretty printer puts line breaks by an element's children and next
# sibling, so every section is cut from a page where it has a section after it.
_CUT = b'<section id="ruzh-cut"></section>'


class ReportExporter(Exporter):
    """Streams (see ReportSink): the sections go to a side file, the header is written
    last, in front of them."""

    name = "html"
    suffix = ".html"

    def __init__(self, low_score: float = 0.5) -> None:
        self.low_score = low_score

    def is_low(self, bead: Bead) -> bool:
        """Unscored beads (unpaired documents) are not low: nobody judged them."""
        return bead.score is not None and bead.score < self.low_score

    def render(self, result: CorpusResult) -> bytes:
        tally = ReportTally()
        sections = []
        for number, document in enumerate(result.documents, 1):
            sections.append(self.section(number, document))
            tally.add(self, document)
        return b"".join([self.head(result, tally), *sections, self.tail(bool(sections))])

    def open(self, path: Path, signature: str) -> Sink:
        return ReportSink(self, path)

    @staticmethod
    def _page(*body: etree._Element) -> bytes:
        page = E.html(
            E.head(
                E.meta(charset="utf-8"),
                E.meta(name="viewport", content="width=device-width, initial-scale=1"),
                E.title("Alignment report"),
                E.style(CSS),
            ),
            E.body(*body),
            lang="en",
        )
        return etree.tostring(page, doctype="<!DOCTYPE html>", encoding="utf-8", method="html",
                              pretty_print=True)

    def head(self, run: CorpusResult, tally: ReportTally) -> bytes:
        """The page up to the first section: or the whole page, when there is none."""
        header = self._header(run, tally)
        if not tally.contents:
            return self._page(header)
        page = self._page(header, etree.fromstring(_CUT))
        return page[:page.index(_CUT)]

    def section(self, number: int, document: AlignedDocument) -> bytes:
        """Document ``number``'s section, as the whole page would hold it."""
        page = self._page(E.header(), self._document(number, document), etree.fromstring(_CUT))
        start = page.index(b"<section", page.index(b"</header>"))
        return page[start:page.index(_CUT)]

    def tail(self, sections: bool) -> bytes:
        """What follows the last section (nothing: ``head`` was the whole page)."""
        if not sections:
            return b""
        page = self._page(E.header(), etree.fromstring(_CUT))
        return page[page.index(_CUT) + len(_CUT):]

    # --- the run as a whole ---

    def _header(self, result: CorpusResult, tally: ReportTally) -> etree._Element:
        types = tally.types
        counts = [
            ("Files read", str(result.files_read)),
            ("Document pairs", str(tally.paired)),
            ("Unpaired documents", str(tally.unpaired)),
            ("Sentences", f"ru {tally.sentences['ru']}, "
                          f"zh {tally.sentences['zh']} (in pairs)"),
            ("Beads", f"{types.total()}: " + (", ".join(
                f"{t} {types[t]}" for t in sorted(types, key=_type_key)) or "none")),
            ("Unaligned sentences", f"ru {tally.unaligned['ru']}, "
                                    f"zh {tally.unaligned['zh']}"),
            (f"Low-confidence beads (score < {self.low_score:.2f})", str(tally.low)),
            ("Skipped files", str(len(result.problems))),
        ]
        header = E.header(
            E.h1("Alignment report"),
            E.p({"class": "signature"}, "Signature: ", E.code(xml_safe(result.signature))),
            E.table({"class": "counts"}, *(E.tr(E.th(k), E.td(v)) for k, v in counts)),
        )
        if result.problems:
            header.append(E.section(
                {"class": "problems"},
                E.h2(f"Skipped files ({len(result.problems)})"),
                E.ul(*(E.li(E.code(xml_safe(p.rel)), ": ", xml_safe(p.reason))
                       for p in result.problems)),
            ))
        header.append(self._legend())
        header.append(E.details(
            {"class": "toc"},
            E.summary(f"Documents ({len(tally.contents)})"),
            E.ol(*(E.li(E.a(xml_safe(doc_id), href=f"#doc-{number}"), " — ", stats)
                   for number, (doc_id, stats) in enumerate(tally.contents, 1))),
        ))
        return header

    def _legend(self) -> etree._Element:
        return E.div(
            {"class": "legend"},
            E.span(E.span({"class": "swatch low"}),
                   f"low confidence (score < {self.low_score:.2f})"),
            E.span(E.span({"class": "swatch null"}), "unaligned sentence (1-0, 0-1)"),
            E.span("score 0 ", E.span({"class": "scale"},
                                      *(E.span({"class": f"s{b}"}) for b in range(BUCKETS))),
                   " 1"),
            E.label(E.input(type="checkbox", id="only-issues"),
                    " show only low-confidence and unaligned rows"),
        )

    def stats(self, document: AlignedDocument) -> str:
        beads = document.beads
        if not document.pair.is_paired:
            return f"{len(beads)} sentences, unpaired"
        scores = [b.score for b in beads if b.score is not None]
        mean = f", mean score {sum(scores) / len(scores):.2f}" if scores else ""
        return (f"{len(beads)} beads, {sum(self.is_low(b) for b in beads)} low-confidence, "
                f"{sum(len(b.ru) + len(b.zh) for b in beads if _is_null(b))} unaligned sentences"
                f"{mean}")

    # --- one document ---

    def _document(self, number: int, document: AlignedDocument) -> etree._Element:
        pair = document.pair
        if pair.is_paired:
            files = f"ru: {pair.ru.file.rel} · zh: {pair.zh.file.rel}"
        else:
            only, missing = ("ru", "Chinese") if pair.ru else ("zh", "Russian")
            files = f"{only}: {pair.side(only).file.rel} · no {missing} counterpart found"
        head = E.div(
            {"class": "doc-head"},
            E.div(E.h2(xml_safe(pair.doc_id)),
                  E.p({"class": "files"}, xml_safe(files)),
                  E.p({"class": "stats"}, self.stats(document))),
        )
        if pair.is_paired:
            head.append(self._plot(number, document))
        table = E.table(
            {"class": "beads"},
            E.colgroup(E.col({"class": "c-ru"}), E.col({"class": "c-score"}),
                       E.col({"class": "c-type"}), E.col({"class": "c-zh"})),
            E.thead(E.tr(E.th("Russian"), E.th("Score"), E.th("Type"), E.th("Chinese"))),
            E.tbody(),
        )
        body = table[-1]
        for index, bead in enumerate(document.beads, 1):
            self._row(body, number, index, document, bead)
        if pair.is_paired:
            return E.section({"class": "doc paired", "id": f"doc-{number}"}, head, table)
        # Folded: with no partner there is nothing to check, and half of each row is empty.
        return E.section({"class": "doc unpaired", "id": f"doc-{number}"}, head,
                         E.details(E.summary("show the sentences"), table))

    def _row(self, body: etree._Element, number: int, index: int, document: AlignedDocument,
             bead: Bead) -> None:
        row = bead_row(document, bead)
        classes = "bead" + " low" * self.is_low(bead) + " null" * _is_null(bead)
        attributes = {"class": classes, "id": f"d{number}-{index}", "data-type": bead.type}
        if bead.score is not None:
            attributes["data-score"] = f"{bead.score:.4f}"
        tr = etree.SubElement(body, "tr", attributes)
        etree.SubElement(tr, "td", {"class": "ru", "lang": "ru"}).text = xml_safe(row.ru_text)
        if bead.score is None:
            etree.SubElement(tr, "td", {"class": "score"}).text = "–"
        else:
            etree.SubElement(tr, "td", {"class": f"score {score_class(bead.score)}"}
                             ).text = f"{bead.score:.2f}"
        etree.SubElement(tr, "td", {"class": "type"}).text = bead.type
        etree.SubElement(tr, "td", {"class": "zh", "lang": "zh-CN"}).text = xml_safe(row.zh_text)

    def _plot(self, number: int, document: AlignedDocument) -> etree._Element:
        """The alignment path: x Russian sentence, y Chinese sentence (origin bottom left).

        Marks are drawn in sentence units (nested viewBoxes stretch them to the
        plot), so every coordinate is an integer and the output stays exact;
        a non-scaling stroke keeps a bead visible in a long document.  Null
        beads go on strips along the axis of the side that has sentences.
        """
        n_ru, n_zh = max(len(document.ru_sentences), 1), max(len(document.zh_sentences), 1)
        area = E.svg({"x": str(MARGIN_LEFT), "y": str(MARGIN_TOP), "width": str(PLOT),
                      "height": str(PLOT), "viewBox": f"0 0 {n_ru} {n_zh}",
                      "preserveAspectRatio": "none"},
                     E.line({"class": "diag", "x1": "0", "y1": str(n_zh), "x2": str(n_ru),
                             "y2": "0"}))
        ru_strip = E.svg({"x": str(MARGIN_LEFT), "y": str(MARGIN_TOP + PLOT + 3),
                          "width": str(PLOT), "height": str(STRIP),
                          "viewBox": f"0 0 {n_ru} 1", "preserveAspectRatio": "none"},
                         E.rect({"class": "strip", "width": str(n_ru), "height": "1"}))
        zh_strip = E.svg({"x": str(MARGIN_LEFT - STRIP - 3), "y": str(MARGIN_TOP),
                          "width": str(STRIP), "height": str(PLOT),
                          "viewBox": f"0 0 1 {n_zh}", "preserveAspectRatio": "none"},
                         E.rect({"class": "strip", "width": "1", "height": str(n_zh)}))
        # Best scores first, so that in a dense plot the weak beads are drawn on top.
        ordered = sorted(enumerate(document.beads, 1),
                         key=lambda item: -item[1].score if item[1].score is not None else 0)
        for index, bead in ordered:
            parts = [f"bead {index}", bead.type]
            parts += [f"{lang} {_span(ids)}" for lang, ids in (("ru", bead.ru), ("zh", bead.zh))
                      if ids]
            if bead.score is not None:
                parts.append(f"score {bead.score:.2f}")
            x, width = (bead.ru[0], len(bead.ru)) if bead.ru else (0, 1)
            y, height = (n_zh - bead.zh[-1] - 1, len(bead.zh)) if bead.zh else (0, 1)
            if not bead.zh:
                target, colour = ru_strip, "null"
            elif not bead.ru:
                target, colour = zh_strip, "null"
            else:
                target = area
                colour = score_class(bead.score) if bead.score is not None else "null"
            link = etree.SubElement(target, "a", {"href": f"#d{number}-{index}"})
            mark = etree.SubElement(link, "rect", {
                "class": f"m {colour}", "x": str(x), "y": str(y), "width": str(width),
                "height": str(height)})
            etree.SubElement(mark, "title").text = " · ".join(parts)
        bottom = MARGIN_TOP + PLOT
        return E.svg(
            {"class": "path", "width": str(PLOT_WIDTH), "height": str(PLOT_HEIGHT),
             "viewBox": f"0 0 {PLOT_WIDTH} {PLOT_HEIGHT}", "role": "img",
             "aria-label": "alignment path"},
            E.rect({"class": "frame", "x": str(MARGIN_LEFT), "y": str(MARGIN_TOP),
                    "width": str(PLOT), "height": str(PLOT)}),
            area, ru_strip, zh_strip,
            self._text(MARGIN_LEFT, bottom + 22, "1", "start"),
            self._text(MARGIN_LEFT + PLOT, bottom + 22, str(len(document.ru_sentences)), "end"),
            self._text(MARGIN_LEFT + PLOT // 2, bottom + 34, "Russian sentence →", "middle"),
            self._text(MARGIN_LEFT - STRIP - 6, bottom, "1", "end"),
            self._text(MARGIN_LEFT - STRIP - 6, MARGIN_TOP + 9, str(len(document.zh_sentences)),
                       "end"),
            E.text({"x": "0", "y": "0", "text-anchor": "middle",
                    "transform": f"translate(14 {MARGIN_TOP + PLOT // 2}) rotate(-90)"},
                   "Chinese sentence →"),
        )

    @staticmethod
    def _text(x: int, y: int, text: str, anchor: str) -> etree._Element:
        return E.text({"x": str(x), "y": str(y), "text-anchor": anchor}, text)


class ReportSink(Sink):
    """The sections go to a side file as documents come; at the end the header (counts,
    skipped files, contents) is written to the report and the sections copied after it."""

    def __init__(self, exporter: ReportExporter, path: Path) -> None:
        self.exporter, self.path = exporter, path
        self.sections = StreamedFile(path.with_name(f".{path.name}.sections"))
        self.tally = ReportTally()

    def add(self, document: AlignedDocument) -> None:
        self.sections.write(self.exporter.section(len(self.tally.contents) + 1, document))
        self.tally.add(self.exporter, document)

    def close(self, run: CorpusResult) -> list[Path]:
        sections = self.sections.close()
        report = StreamedFile(self.path)
        report.write(self.exporter.head(run, self.tally))
        with sections.open("rb") as source:
            shutil.copyfileobj(source, report.stream)
        report.write(self.exporter.tail(bool(self.tally.contents)))
        sections.unlink()
        return [report.close()]

    def discard(self) -> None:
        self.sections.discard()
