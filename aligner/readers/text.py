"""Plain text: decoding bytes into text whose offsets never move.

Decoding: images, PDFs and archives are named by their signature; a byte-order
mark decides; valid UTF-8 is UTF-8; otherwise the bytes are decoded in each
encoding our users send (GB18030, CP1251, KOI8-R, and UTF-8 again in case a
valid file was damaged) and the reading that is the most likely Russian or
Chinese text wins.  Detectors guess from byte statistics and confuse short
Cyrillic texts between the Cyrillic code pages, or with GB18030; asking which
reading looks like the languages we align does not.  Only bytes that none of
those encodings reads as text are left to charset-normalizer.  The decoded
text is kept exactly as it is; only a copy is ever normalised.

The other readers decode their own text parts (an HTML page, a Markdown file)
with :func:`decode` too, so a Markdown file in CP1251 reads like a ``.txt`` one.
"""

from __future__ import annotations

import codecs
import math
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from charset_normalizer import from_bytes

from aligner.model import SourceFile
from aligner.readers.base import Reader, ReadError, ReadOptions

_BOMS = (
    (codecs.BOM_UTF8, "utf_8_sig"),
    (codecs.BOM_UTF32_LE, "utf_32"),
    (codecs.BOM_UTF32_BE, "utf_32"),
    (codecs.BOM_UTF16_LE, "utf_16"),
    (codecs.BOM_UTF16_BE, "utf_16"),
)
# Files that users rename to .txt or drop into a corpus by mistake, by their first bytes:
# naming the format tells them what to do (export the text) better than "binary" does.
_SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"%PDF-", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive (or a .docx, .odt or .epub, which are ZIP archives)"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Microsoft Office document (.doc, .xls)"),
    (b"\x1f\x8b", "a gzip archive"),
)
#: The encodings tried, in the order preferred when two readings are equally likely.
CANDIDATE_ENCODINGS = ("utf_8", "gb18030", "cp1251", "koi8_r")
_DISPLAY_NAMES = {"utf_8": "UTF-8", "gb18030": "GB18030", "cp1251": "CP1251", "koi8_r": "KOI8-R"}

# --- how likely a reading is: a unigram model of Russian and Chinese news text ---
#
# Every reading decodes the same bytes, so comparing the log-probabilities of the
# readings under one model of text compares the encodings.  Wrong readings betray
# themselves by rare letters (KOI8-R read as CP1251 swaps frequent letters for rare
# ones), by words in mIXED case (the two code pages swap the cases), by words mixing
# Latin and Cyrillic letters (a Western code page read as Cyrillic), by rare
# ideographs (Cyrillic bytes read as GB18030) and by box-drawing characters, C1
# controls and undecodable bytes (anything read in the wrong code page).

# Russian letter frequencies in per cent (Lebedev's news corpus, as in Wikipedia).
_RUSSIAN_PERCENT = {
    "о": 10.97, "е": 8.45, "а": 8.01, "и": 7.35, "н": 6.70, "т": 6.26, "с": 5.47, "р": 4.73,
    "в": 4.54, "л": 4.40, "к": 3.49, "м": 3.21, "д": 2.98, "п": 2.81, "у": 2.62, "я": 2.01,
    "ы": 1.90, "ь": 1.74, "г": 1.70, "з": 1.65, "б": 1.59, "ч": 1.44, "й": 1.21, "х": 0.97,
    "ж": 0.94, "ш": 0.73, "ю": 0.64, "ц": 0.48, "щ": 0.36, "э": 0.32, "ф": 0.26, "ъ": 0.04,
    "ё": 0.04,
}
# log P(character) by class: the class's share of news text over the number of its characters.
_LOG_ASCII = math.log(0.25 / 100)
_LOG_RUSSIAN = {letter: math.log(0.4 * percent / 100)
                for letter, percent in _RUSSIAN_PERCENT.items()}
# The 100 most frequent hanzi, roughly 40 % of running text (as charset-normalizer's
# frequency tables list them).  GB2312 level 1 holds the 3755 most frequent hanzi in all
# (these 100 included), level 2 3008 rarer ones.
_TOP_HANZI = frozenset(
    "的一是不了在人有我他这个们中来上大为和国地到以说时要就出会可也你对生能而子那得于着下自之年过发后作里"
    "用道行所然家种事成方多经么去法学如都同现当没动面起看定天分还进好小部其些主样理心她本前开但因只从想实"
)
_LOG_HAN_TOP = math.log(0.3 * 0.4 / 100)
_LOG_HAN_LEVEL_1 = math.log(0.3 * 0.5 / 3655)
_LOG_HAN_LEVEL_2 = math.log(0.3 * 0.08 / 3008)
_LOG_HAN_OTHER = math.log(0.3 * 0.02 / 20000)
_LOG_PUNCTUATION = math.log(0.04 / 200)
_LOG_OTHER = math.log(0.01 / 10000)
_LOG_JUNK = math.log(1e-5 / 100000)
_LOG_MOJIBAKE = math.log(0.001)
# How Russian words are written: lower case, capitalised, or in capitals.  The two
# Cyrillic code pages swap the cases, so short lower-case text read in the wrong one
# comes out in capitals.  News text has about 85 % lower-case words and 2 % in capitals;
# capitals get more here because a short file is often a headline.
_LOG_LOWER, _LOG_TITLE, _LOG_UPPER = math.log(0.6), math.log(0.25), math.log(0.15)
_RUSSIAN_WORD = re.compile(r"[а-яёА-ЯЁ]+")
# Places where a word's case goes from lower to upper, or its script between Latin and Cyrillic.
_MOJIBAKE = re.compile(r"[а-яё][А-ЯЁ]|[А-ЯЁ]{2}[а-яё]|[a-zA-Z][а-яёА-ЯЁ]|[а-яёА-ЯЁ][a-zA-Z]")
_WHITESPACE_CONTROLS = frozenset("\t\n\r\x0b\x0c")
# Characters our texts do not use but wrong readings are full of: box drawing, block
# elements, geometric shapes and integral halves (KOI8-R's upper half read from another
# code page), and the Cyrillic letters of languages other than Russian (what CP1251's
# upper half makes of UTF-8 or GB18030 bytes).
_MISREAD = re.compile(r"[\u2500-\u25ff\u2320\u2321"
                      r"\u0400\u0402-\u040f\u0450\u0452-\u045f\u0460-\u052f]")
# Undecodable bytes, as the "surrogateescape" error handler keeps them.
_UNDECODABLE = re.compile("[\udc80-\udcff]")
# More junk than this share of the non-ASCII characters: not text in that encoding.
MAX_JUNK_SHARE = 0.05
# Enough bytes to tell the encodings apart; the rest of a file is decoded, not scored.
SAMPLE_BYTES = 1 << 16


@dataclass(frozen=True)
class _Reading:
    """How likely the sample is as text when decoded in ``encoding``."""

    encoding: str
    log_probability: float
    looks_like_text: bool


def _is_junk(char: str) -> bool:
    category = unicodedata.category(char)
    if category == "Cc":
        return char not in _WHITESPACE_CONTROLS
    return category in ("Co", "Cn", "Cs") or bool(_MISREAD.match(char))


def _log_probability(char: str) -> float:
    """log P(char) under the unigram model of Russian and Chinese text described above."""
    if (russian := _LOG_RUSSIAN.get(char.lower())) is not None:
        return russian
    if _is_junk(char):
        return _LOG_JUNK
    if char.isascii():
        return _LOG_ASCII
    if char in _TOP_HANZI:
        return _LOG_HAN_TOP
    category = unicodedata.category(char)
    if category == "Lo" and unicodedata.name(char, "").startswith("CJK"):
        try:
            row = char.encode("gb2312")[0]
        except UnicodeEncodeError:
            return _LOG_HAN_OTHER
        return _LOG_HAN_LEVEL_1 if row < 0xD8 else _LOG_HAN_LEVEL_2
    if category[0] in "PSZ":
        return _LOG_PUNCTUATION
    return _LOG_OTHER


def _looks_like_text(text: str) -> bool:
    """Whether junk stays within ``MAX_JUNK_SHARE`` of the characters the encoding decided.

    Only non-ASCII characters count: ASCII bytes (controls included) read
    alike in every candidate encoding, so they say nothing about which one is
    right.  One stray character (a private-use glyph from an old GBK font) is
    forgiven, however short the text.  Mojibake marks only make a reading less
    likely: real text has some (a Latin brand glued to a Russian word), so
    they cannot rule a reading out.
    """
    counts = Counter(char for char in text if not char.isascii())
    junk = sum(n for char, n in counts.items() if _is_junk(char))
    return junk <= max(1.0, MAX_JUNK_SHARE * sum(counts.values()))


def _log_shape(word: str) -> float:
    """log P(the case pattern of a Russian word); mixed case is left to the mojibake marks."""
    if word.islower():
        return _LOG_LOWER
    if word[0].isupper() and (len(word) == 1 or word[1:].islower()):
        return _LOG_TITLE
    return _LOG_UPPER if word.isupper() else 0.0


def _reading(sample: bytes, encoding: str) -> _Reading:
    text = sample.decode(encoding, "surrogateescape")
    log_probability = sum(n * _log_probability(char) for char, n in Counter(text).items())
    log_probability += _LOG_MOJIBAKE * len(_MOJIBAKE.findall(text))
    log_probability += sum(map(_log_shape, _RUSSIAN_WORD.findall(text)))
    return _Reading(encoding, log_probability, _looks_like_text(text))


def _sample(data: bytes) -> bytes:
    """The start of ``data``, up to ``SAMPLE_BYTES``, cut between two characters.

    A byte below 0x30 (an ASCII control, the space, or one of ``!"#$%&'()*+,-./``)
    is a whole character in every candidate encoding, never part of a multi-byte
    one, so cutting after it splits no character in any reading.
    """
    if len(data) <= SAMPLE_BYTES:
        return data
    cut = max(data.rfind(bytes([byte]), 0, SAMPLE_BYTES) for byte in range(0x30))
    return data[: cut + 1] if cut > 0 else data[:SAMPLE_BYTES]


def _damaged(text: str, encoding: str, first: int) -> str:
    """Say where the undecodable bytes of ``text`` are, as a user finds them in an editor.

    ``first`` is the index of the first one in ``text``.
    """
    before = text[:first]
    offset = len(before.encode(encoding, "surrogateescape"))
    return (f"reads as {_DISPLAY_NAMES[encoding]} but {len(_UNDECODABLE.findall(text))} byte(s) "
            f"do not decode, the first is 0x{ord(text[first]) - 0xDC00:02X} at byte {offset} "
            f"(line {before.count(chr(10)) + 1}): the file is damaged, or mixes encodings")


class TextReader(Reader):
    """A file read as it is: its paragraphs are its lines, its offsets the decoded text's."""

    name = "text"
    description = "a plain-text file"

    def read(self, data: bytes, path: Path, rel: str, options: ReadOptions) -> SourceFile:
        text, encoding = decode(data)
        if not text.strip():
            raise ReadError("holds only whitespace")
        return SourceFile(path=path, rel=rel, text=text, encoding=encoding)


def decode(data: bytes) -> tuple[str, str]:
    """Return ``(text, encoding)`` for raw bytes, or raise ReadError saying why not."""
    text, encoding = _decode(data)
    # Checked on every path: BOM-less UTF-16 and many binaries are valid UTF-8 byte for byte.
    if "\x00" in text:
        raise ReadError("holds NUL characters (binary file, or UTF-16 without a byte-order mark?)")
    return text, encoding


def _decode(data: bytes) -> tuple[str, str]:
    if not data:
        raise ReadError("file is empty")
    for signature, kind in _SIGNATURES:
        if data.startswith(signature):
            raise ReadError(f"is {kind}, not plain text")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding
            except UnicodeDecodeError as error:
                raise ReadError(f"starts with a {encoding} byte-order mark but does not decode: "
                                f"{error.reason} at byte {error.start}") from None
    try:
        # Text in a legacy code page is valid UTF-8 only by a rare accident.
        return data.decode("utf_8"), "utf_8"
    except UnicodeDecodeError:
        pass
    sample = _sample(data)
    readings = [_reading(sample, encoding) for encoding in CANDIDATE_ENCODINGS]
    best = max(readings, key=lambda reading: reading.log_probability)
    if best.looks_like_text:
        text = data.decode(best.encoding, "surrogateescape")
        if (undecodable := _UNDECODABLE.search(text)) is not None:
            raise ReadError(_damaged(text, best.encoding, undecodable.start()))
        return text, best.encoding
    match = from_bytes(data).best()
    if match is None or not _looks_like_text(str(match)[:SAMPLE_BYTES]):
        raise ReadError("bytes do not decode as text in any known encoding "
                        "(a binary file, or one that mixes encodings?)")
    return str(match), match.encoding
