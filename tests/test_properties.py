"""Properties over generated documents: nothing the user wrote is ever lost or doubled.

Documents mix Russian and Chinese sentences with what real pages carry:
digits, Latin words, no-break spaces, quotes, blank lines, CRLF, emoji and the
control characters XML cannot hold, in UTF-8, UTF-16 and the legacy code
pages.  They go through the real stages (read, language, pairing, split with
the default or the line splitters) and a cheap monotone stand-in for the
aligner, then through the real exporters.  Every
non-space character must come out in exactly one CSV row on its side, with its
original text; the TMX must parse, whatever the input, and be valid TMX 1.4.
"""

from __future__ import annotations

import csv
import functools
import io
import tempfile
import zipfile
from pathlib import Path

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from aligner.export import CsvExporter, TmxExporter
from aligner.export.base import JOINERS
from aligner.export.tmx import xml_safe
from aligner.language import script_of
from aligner.model import LANGS, AlignedDocument, Bead, CorpusResult, Lang
from aligner.pairing import pair_documents
from aligner.pipeline import load_files
from aligner.segment import Splitter, get_splitters

OMEGAT_JAR = Path("/usr/share/omegat/OmegaT.jar")
SPLITTERS = {"default": get_splitters(presplit=False), "presplit": get_splitters(presplit=True)}
# Deterministic for CI: the same examples on every run, and no example database on disk.
PROPERTY_SETTINGS = settings(max_examples=100, deadline=None, derandomize=True, database=None,
                             suppress_health_check=[HealthCheck.too_slow])

RUSSIAN_WORDS = ["Президент", "России", "провёл", "переговоры", "в", "Пекине", "ёмкий", "объём",
                 "г.", "т. е.", "В. В. Путин", "ООН", "Си Цзиньпин", "сказал", "что"]
CHINESE_WORDS = ["俄罗斯", "总统", "在", "北京", "举行", "会谈", "习近平", "《人民日报》", "國際",
                 "關係", "表示", "经济", "合作"]
PUNCTUATION = [".", "!", "?", "…", "。", "！", "？", "，", ",", ";", ":", "—", "-", "(", ")",
               "（", "）", "、"]
QUOTES = ["«", "»", "“", "”", "„", '"', "'", "「", "」", "‘", "’"]
LATIN = ["CRMtv", "WTO", "Reuters", "COVID-19", "e-mail", "A", "iPhone"]
SPACES = [" ", " ", "\u00a0", "\u3000", "\t", "\u2009", "\u200b"]
EMOJI = ["😀", "🇷🇺", "👍🏽", "❤️", "🐼"]
# Everything XML 1.0 forbids, except NUL (a file holding NUL is refused as binary).
XML_FORBIDDEN = [chr(c) for c in [*range(1, 9), 0x0B, 0x0C, *range(0x0E, 0x20)]] + ["\ufffe",
                                                                                   "\uffff"]

# Whole sentences, so that a file in a legacy code page says which one it is in: a
# word or two can read as well in another (test_how_short_a_text_decodes measures it).
SENTENCES = ["Президент России провёл переговоры в Пекине.", "Стороны подписали соглашение.",
             "俄罗斯总统在北京举行了会谈。", "双方签署了能源领域合作协议。"]


def _encodable(text: str, encoding: str) -> bool:
    return text == text.encode(encoding, "replace").decode(encoding)


def text_tokens(encoding: str) -> st.SearchStrategy[str]:
    """What a file in ``encoding`` holds: text, not arbitrary code points.

    An unassigned character in a legacy code page is a sign of a wrong
    reading, and rightly loses; only Unicode files get arbitrary characters.
    """
    pool = [*RUSSIAN_WORDS, *CHINESE_WORDS, *PUNCTUATION, *QUOTES, *LATIN, *EMOJI,
            *(c for c in XML_FORBIDDEN if c.isascii())]
    return st.one_of(st.sampled_from([t for t in pool if _encodable(t, encoding)]),
                     st.integers(0, 10**6).map(str))


# What a Unicode file may hold: anything at all but NUL (and lone surrogates, which no
# encoder writes).
any_token = st.one_of(text_tokens("utf-8"), st.sampled_from(XML_FORBIDDEN),
                      st.characters(exclude_categories=("Cs",), exclude_characters="\x00"))


def documents(token: st.SearchStrategy[str], encoding: str = "utf-8") -> st.SearchStrategy[str]:
    """Lines of tokens glued or spaced, joined by LF or CRLF, blank lines included."""
    spaces = ["", *(space for space in SPACES if _encodable(space, encoding))]
    line = st.lists(st.tuples(st.sampled_from(spaces), token), max_size=14).map(
        lambda pieces: "".join(space + word for space, word in pieces))
    return st.tuples(st.lists(line, max_size=8), st.sampled_from(["\n", "\r\n"]),
                     st.booleans()).map(
        lambda parts: parts[1].join(parts[0]) + (parts[1] if parts[2] else ""))


def legacy_documents(encoding: str) -> st.SearchStrategy[str]:
    """A whole sentence the code page encodes, then a generated document."""
    sentences = [sentence for sentence in SENTENCES if _encodable(sentence, encoding)]
    return st.tuples(st.sampled_from(sentences), st.sampled_from(["", " ", "\n"]),
                     documents(text_tokens(encoding), encoding)).map("".join)


UNICODE_ENCODINGS = ["utf-8", "utf-8-sig", "utf-16"]
LEGACY_ENCODINGS = ["gb18030", "cp1251", "koi8_r"]
FILE_NAMES = ["doc.txt", "pair.ru.txt", "pair.zh.txt"]
corpus = st.one_of(
    st.tuples(st.sampled_from(UNICODE_ENCODINGS),
              st.fixed_dictionaries({name: documents(any_token) for name in FILE_NAMES})),
    st.sampled_from(LEGACY_ENCODINGS).flatmap(lambda encoding: st.tuples(
        st.just(encoding),
        st.fixed_dictionaries({name: legacy_documents(encoding) for name in FILE_NAMES}))),
)
# Bead shapes the stand-in aligner takes, in the order drawn, while sentences last.
SHAPES = [(1, 1), (1, 0), (0, 1), (2, 1), (1, 2), (2, 2)]


def _stand_in_beads(n_ru: int, n_zh: int, shapes: list[tuple[int, int]]) -> tuple[Bead, ...]:
    """A monotone alignment: the drawn shapes while both sides last, then the rest as nulls."""
    beads, i, j = [], 0, 0
    for take_ru, take_zh in shapes:
        take_ru, take_zh = min(take_ru, n_ru - i), min(take_zh, n_zh - j)
        if take_ru or take_zh:
            beads.append(Bead(tuple(range(i, i + take_ru)), tuple(range(j, j + take_zh)), 0.5))
            i, j = i + take_ru, j + take_zh
    beads += [Bead((k,), (), 0.5) for k in range(i, n_ru)]
    beads += [Bead((), (k,), 0.5) for k in range(j, n_zh)]
    return tuple(beads)


def _run(texts: dict[str, str], encoding: str, splitters: dict[Lang, Splitter],
         shapes: list[tuple[int, int]]) -> tuple[CorpusResult, dict[str, str]]:
    """Write the files, run the stages, and return the result and each loaded file's text."""
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        for name, text in texts.items():
            (root / name).write_bytes(text.encode(encoding))
        labelled, problems, files_read = load_files(root)
    for problem in problems:
        text = texts[problem.rel]
        assert problem.reason in {"file is empty", "holds only whitespace",
                                  "holds no Russian or Chinese text"}, problem
        assert not any(script_of(char) for char in text), problem
    documents = []
    for pair in pair_documents(labelled):
        ru = splitters["ru"].split_document(pair.ru) if pair.ru else ()
        zh = splitters["zh"].split_document(pair.zh) if pair.zh else ()
        documents.append(AlignedDocument(pair, ru, zh, _stand_in_beads(len(ru), len(zh), shapes)))
    result = CorpusResult(documents, problems, files_read, signature="property-test")
    return result, {f.file.rel: f.file.text for f in labelled}


def _csv_rows(data: bytes) -> list[dict[str, str]]:
    """The CSV as text cells, read with csv and with pandas, which must agree."""
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8"), newline="")))
    frame = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False)
    assert frame.to_dict("records") == rows
    return rows


def _offset(cell: str) -> int | None:
    return int(cell) if cell else None


@functools.cache
def _tmx_dtd() -> etree.DTD | None:
    if not OMEGAT_JAR.is_file():
        return None
    with zipfile.ZipFile(OMEGAT_JAR) as jar:
        return etree.DTD(jar.open("schemas/tmx14.dtd"))


def _check_sentences(result: CorpusResult, sources: dict[str, str]) -> None:
    """Sentences are non-empty, trimmed, and exactly the file's characters at their offsets."""
    for document in result.documents:
        for lang in LANGS:
            side = document.pair.side(lang)
            for sentence in document.sentences(lang):
                assert side is not None
                assert sentence.text == sources[side.file.rel][sentence.start : sentence.end]
                assert sentence.text and sentence.text == sentence.text.strip()


def _check_nothing_lost(rows: list[dict[str, str]], result: CorpusResult,
                        sources: dict[str, str]) -> None:
    """Every non-space character lies in one paragraph, and in exactly one row's span on its side.

    A bead of two sentences may span a paragraph of the other language between
    them (in a file holding both); that paragraph's characters belong to the
    other side, so only the spans of their own side count for them.
    """
    owner: dict[str, list[Lang | None]] = {rel: [None] * len(text) for rel, text in sources.items()}
    for document in result.documents:
        for side in filter(None, (document.pair.ru, document.pair.zh)):
            for paragraph in side.paragraphs:
                for index in range(paragraph.start, paragraph.end):
                    assert owner[side.file.rel][index] is None, "paragraphs overlap"
                    owner[side.file.rel][index] = side.lang
    covered = {rel: [0] * len(text) for rel, text in sources.items()}
    for row in rows:
        for lang in LANGS:
            rel, start, end = row[f"{lang}_file"], row[f"{lang}_start"], row[f"{lang}_end"]
            if not rel:
                assert (start, end, row[f"{lang}_text"]) == ("", "", "")
                continue
            for index in range(int(start), int(end)):
                if owner[rel][index] == lang:
                    covered[rel][index] += 1
    for rel, text in sources.items():
        for index, char in enumerate(text):
            if not char.isspace():
                assert owner[rel][index] is not None, (rel, index, char, text)
                assert covered[rel][index] == 1, (rel, index, char, text)


def _check_texts(rows: list[dict[str, str]], result: CorpusResult,
                 sources: dict[str, str]) -> None:
    """Each row's text is its sentences exactly as in the file, control characters included."""
    beads = [(document, bead) for document in result.documents for bead in document.beads]
    assert len(rows) == len(beads)
    for row, (document, bead) in zip(rows, beads, strict=True):
        for lang, ids in (("ru", bead.ru), ("zh", bead.zh)):
            sentences = [document.sentences(lang)[i] for i in ids]
            text = sources[row[f"{lang}_file"]] if ids else ""
            assert row[f"{lang}_text"] == JOINERS[lang].join(
                text[s.start : s.end] for s in sentences)
            if ids:
                assert (_offset(row[f"{lang}_start"]), _offset(row[f"{lang}_end"])) == (
                    sentences[0].start, sentences[-1].end)


def _check_tmx(data: bytes, rows: list[dict[str, str]]) -> None:
    """The TMX parses, is valid TMX 1.4, and holds each pair's text less what XML forbids."""
    tree = etree.fromstring(data)
    dtd = _tmx_dtd()
    if dtd is not None:
        assert dtd.validate(tree), dtd.error_log.filter_from_errors()
    expected = [(xml_safe(row["ru_text"]).strip(), xml_safe(row["zh_text"]).strip())
                for row in rows]
    expected = [(ru, zh) for ru, zh in expected if ru and zh]
    units = [tuple(tu.findtext(f"tuv[{i}]/seg") for i in (1, 2)) for tu in tree.iter("tu")]
    assert units == expected


@PROPERTY_SETTINGS
@given(corpus=corpus, splitting=st.sampled_from(sorted(SPLITTERS)),
       shapes=st.lists(st.sampled_from(SHAPES), max_size=20))
def test_nothing_is_lost_and_the_outputs_hold_any_text(corpus: tuple[str, dict[str, str]],
                                                       splitting: str,
                                                       shapes: list[tuple[int, int]]) -> None:
    encoding, texts = corpus
    result, sources = _run(texts, encoding, SPLITTERS[splitting], shapes)
    for rel, text in sources.items():
        assert text == texts[rel], "decoding changed the text"
    _check_sentences(result, sources)
    rows = _csv_rows(CsvExporter().render(result))
    _check_nothing_lost(rows, result, sources)
    _check_texts(rows, result, sources)
    _check_tmx(TmxExporter().render(result), rows)
