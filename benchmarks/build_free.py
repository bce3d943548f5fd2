"""Build the synthetic free-translation set (benchmarks/heldout/free/<doc>/) from the dev set.

Not a test and not run by CI: the set it writes is committed, and
tests/test_free_set.py checks it.  The output is a pure function of the dev
set's clean units and the seed: every random choice comes from a generator
seeded per document with sha256("ruzh-free-v1/<doc>"), so a rebuild gives
the same bytes.

    python benchmarks/build_free.py [--dev-set /work/shared/eval]

Why synthetic: no real literary translation with a hand-made sentence
alignment could be had here (see benchmarks/heldout/README.md), and issue 13
needs the phenomena of free translation in numbers large enough to count per
group type.  So the dev set's news pairs, which are close 1-1 translations,
are rewritten the way a free translator or an editor changes a text:

* ``zh-split``: a Chinese sentence cut at its clause commas or semicolons
  into 2-4 sentences ending in 。 (gold 1-2, 1-3, 1-4);
* ``ru-merge``: 2-4 Russian sentences joined by ``;`` into one (gold 1-2 .. 1-4);
* ``zh-merge``: 2-3 Chinese sentences joined by ``；`` into one (gold 2-1, 3-1);
* ``cross``: two neighbouring Chinese sentences in the other order (gold 2-2),
  and ``cross-split`` the same with one of them split in two (gold 2-3);
* ``tag``: a Russian quotation ``«X», — сказал Паттон.`` rewritten as a
  dialogue line ``— X! — сказал Паттон.`` whose tag is a sentence of its own,
  while the Chinese sentence (unchanged: the published translation already
  folds the tag into the quote or drops it) stays one (gold 2-1);
* ``note``: a translator's footnote only in Chinese, a marker ① inside a
  sentence and a line ``①原文如此。`` after the paragraph or at the end of the
  document, and ``remark``: a ``注：…`` line at the end (gold 0-1);
* ``tail``: the last 2-3 sentences of one side left untranslated (gold 1-0 or 0-1).

Every rewrite keeps the text readable: cuts only at clause punctuation, never
inside a word, Chinese pieces end in sentence punctuation, a Russian clause
after ``;`` starts in lower case only when its first word is a common word
(never a name).  Raw files are paragraphed the way such texts are printed:
the title alone, dialogue lines alone, notes alone, the rest in paragraphs of
1-4 beads that line up across the two languages.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
FREE = REPO_ROOT / "benchmarks" / "heldout" / "free"
# The dev set sits beside the main checkout; worktrees are one level deeper.
DEV_SET_CANDIDATES = (REPO_ROOT.parent / "shared" / "eval",
                      REPO_ROOT.parent.parent / "shared" / "eval")
SEED = "ruzh-free-v1"

# Chance per place (a clean 1-1 bead) of starting each rewrite; a rewrite that
# does not fit the sentences there (no clause comma to cut at, a headline, the
# end of the document) leaves the place plain.  Tuned so that about a fifth of
# the beads are 1-2 / 2-1, as in the literary pairs issue 13 describes.
OP_WEIGHTS: dict[str, float] = {
    "plain": 0.55,
    "zh-split-2": 0.14, "zh-split-3": 0.06, "zh-split-4": 0.03,
    "ru-merge-2": 0.08, "ru-merge-3": 0.03, "ru-merge-4": 0.012,
    "zh-merge-2": 0.06, "zh-merge-3": 0.02,
    "cross": 0.04, "cross-split": 0.02,
}
TAG_CHANCE = 0.75  # of a Russian quotation with a short tag being printed as a dialogue line
TAIL_CHANCE = 0.3  # of a document losing its last 2-3 sentences on one side
TAIL_RU_SHARE = 0.7  # the Chinese translation stops early more often than it runs on
NOTE_COUNTS = (0, 1, 1, 2)  # footnotes per document, drawn uniformly
NOTE_AFTER_PARAGRAPH = 0.5  # else the note goes to the end of the document
REMARK_CHANCE = 0.3  # of a 注： line at the end of the document

MIN_PIECE = 8  # characters: a Chinese piece shorter than this is not a sentence of its own
MARKERS = "①②③④⑤⑥⑦⑧⑨⑩"
# Written for this project: what translators' footnotes in Chinese say, general
# enough to stand after any term.
NOTE_TEXTS = (
    "原文如此。",
    "此处为音译。",
    "原文为俄语习语，此处意译。",
    "俄文原文带有引号，译文从略。",
    "数字据原文，译者未能核实。",
    "人名按新华社译名手册译出。",
    "此处原文有文字游戏，中文难以译出。",
    "译者注：原文为缩写，此处译出全称。",
)
SAME_AS_ABOVE = "同上。"  # a note that is little more than its marker
REMARKS = (
    "注：本文译自俄文，个别段落有删节。",
    "注：文中人名、地名参照新华社译名手册译出。",
    "注：括号内文字为译者所加。",
    "注：本译文仅供参考，以原文为准。",
)

# A Russian quotation with its tag: «X», — сказал Паттон.  (tag of at most 4 words)
QUOTE = re.compile(r"^«(?P<said>[^«»]+?)(?P<end>[?!…]?)»,? — "
                   r"(?P<tag>[а-яё]+(?: [^\s,—«».]+){0,3})\.$")
WORD = re.compile(r"[А-Яа-яЁё]+(?:-[А-Яа-яЁё]+)*")
# Common words that open a Russian sentence and are written in lower case after ";".
LOWERABLE = frozenset((
    "В", "Во", "По", "Он", "Она", "Оно", "Они", "Но", "На", "Это", "Этот", "Эта", "Эти",
    "Однако", "И", "А", "Мы", "Вы", "Я", "После", "Согласно", "Когда", "Тем", "Его", "Ее",
    "Её", "Их", "Им", "Ей", "С", "Со", "Для", "Если", "Как", "Один", "Одна", "Что", "Все",
    "Всё", "Кроме", "У", "К", "Ко", "Не", "Ни", "Некоторые", "Другие", "Сегодня", "Затем",
    "Далее", "Несмотря", "Между", "Через", "Вместо", "Чтобы", "Ранее", "Сотни", "Вот",
    "При", "Из", "За", "От", "До", "Также", "Так", "Там", "Здесь", "Теперь", "Сейчас",
    "Позже", "Уже", "Лишь", "Только", "Около", "Более", "Почти", "Всего", "О", "Об", "Над",
    "Под", "Перед", "Без", "Такие", "Такой", "Тогда", "Поэтому", "Впрочем",
))
# A Chinese clause ending in one of these introduces what follows (他表示，…), or is a
# time clause (…时，); cutting after it would leave a sentence that does not stand alone.
INTRODUCING = ("说", "表示", "指出", "称", "认为", "强调", "写道", "透露", "发现", "知道",
               "相信", "希望", "宣布", "报道", "告诉", "问", "道", "是", "的", "了解到",
               "显示", "表明", "证实", "声称", "意识到", "认识到", "提到", "预计", "估计", "要求",
               "时", "时候", "后", "之后", "以后", "前", "之前", "以前", "期间", "中", "下")
# ... and a clause opening with one of these is subordinate to the next one (在…，…),
CLAUSE_OPENING = ("若", "当", "随着", "为了", "据", "根据", "在", "自从", "除了", "对于", "关于",
                  "作为")
# as is one that holds a conjunction the next clause answers (…如果…，那么…).
CONJUNCTIONS = ("如果", "假如", "因为", "由于", "虽然", "尽管", "即使", "一旦", "只要", "无论",
                "不管", "不仅", "既然")
OPENING, CLOSING = "“「（(《『‘〈[", "”」）)》』’〉]"
ZH_END = ("。", "！", "？")
ZH_CLOSED = (*ZH_END, "”", "」", "…", "）", '"')  # a sentence, possibly inside a quotation
RU_END = (".", "!", "?", "…", "»", '"')


@dataclass
class Block:
    """One gold bead under construction: its sentences on each side and how it came about."""

    ru: list[str]
    zh: list[str]
    op: str
    clean_beads: list[int]
    own_paragraph: bool = False
    tag: bool = False  # the last Russian sentence is a dialogue tag
    note: bool = False  # a Chinese footnote or remark line


@dataclass
class Document:
    doc_id: str
    paragraphs: list[list[Block]]
    meta: dict[str, object] = field(default_factory=dict)


def rng_for(doc_id: str) -> random.Random:
    digest = hashlib.sha256(f"{SEED}/{doc_id}".encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


# --- the rewrites ---------------------------------------------------------------


def split_points(sentence: str) -> list[int]:
    """Offsets of the ，/； where a Chinese sentence can become two: outside quotes and brackets,
    not between digits, and not after a clause that leans on the next one."""
    points: list[int] = []
    depth = 0
    straight_quote = False
    clause_start = 0
    for offset, char in enumerate(sentence):
        if char in OPENING:
            depth += 1
        elif char in CLOSING:
            depth = max(0, depth - 1)
        elif char == '"':
            straight_quote = not straight_quote
        elif char in "，；" and depth == 0 and not straight_quote:
            clause = sentence[clause_start:offset].strip()
            if not (sentence[offset - 1].isdigit() or clause.endswith(INTRODUCING)
                    or clause.startswith(CLAUSE_OPENING)
                    or any(word in clause for word in CONJUNCTIONS)):
                points.append(offset)
            clause_start = offset + 1
    return points


def zh_split(sentence: str, pieces: int, rng: random.Random) -> list[str] | None:
    """The sentence cut at ``pieces - 1`` clause marks, each piece ending in 。, or None."""
    if not sentence.endswith(ZH_END):
        return None
    points = [p for p in split_points(sentence)
              if p >= MIN_PIECE and len(sentence) - p - 1 >= MIN_PIECE]
    for _ in range(20):
        if len(points) < pieces - 1:
            return None
        cuts = sorted(rng.sample(points, pieces - 1))
        bounds = [-1, *cuts, len(sentence)]
        parts = [sentence[a + 1:b].strip() for a, b in pairwise(bounds)]
        if all(len(part) >= MIN_PIECE for part in parts):
            return [part + "。" for part in parts[:-1]] + [parts[-1]]
    return None


def _ends_clause(sentence: str) -> bool:
    """A Russian sentence whose final full stop can become ';': not a headline, not an
    abbreviation (``г.``, ``т. д.``), not a question or an exclamation."""
    if not sentence.endswith(".") or sentence.endswith(".."):
        return False
    last_word = sentence[:-1].rsplit(" ", 1)[-1].strip("»\")")
    return len(last_word) >= 3 or last_word.isdigit()


def common_words(sentences: Iterable[str]) -> frozenset[str]:
    """Russian words seen in lower case inside a sentence: common nouns and verbs, not names.

    A sentence's first word is written in capitals whatever it is, so whether
    ``Опрос`` may become ``опрос`` after a ';' is read off the corpus: a word the
    texts also write in lower case is a common word; ``Дейли`` never is.
    """
    return frozenset(word for sentence in sentences for word in WORD.findall(sentence)
                     if word.islower())


def _lower_first(sentence: str, common: frozenset[str]) -> str:
    first = sentence.split(" ", 1)[0].rstrip(",:")
    lowered = first.lower()
    if first in LOWERABLE or (first[1:] == lowered[1:] and lowered in common):
        return sentence[0].lower() + sentence[1:]
    return sentence


def ru_merge(sentences: list[str], common: frozenset[str] = frozenset()) -> str | None:
    """Consecutive Russian sentences as one, joined by '; ', or None where that would not read.

    The clauses after a ';' start in lower case when their first word is one of
    ``LOWERABLE`` or of ``common`` (see ``common_words``), else they keep it.
    """
    if not all(_ends_clause(s) for s in sentences[:-1]) or not sentences[-1].endswith(RU_END):
        return None
    return "; ".join([sentences[0][:-1]]
                     + [_lower_first(s, common)[:-1] for s in sentences[1:-1]]
                     + [_lower_first(sentences[-1], common)])


def zh_merge(sentences: list[str]) -> str | None:
    """Consecutive Chinese sentences as one, joined by '；', or None."""
    if not all(s.endswith("。") for s in sentences[:-1]) or not sentences[-1].endswith(ZH_END):
        return None
    return "；".join(s[:-1] for s in sentences[:-1]) + "；" + sentences[-1]


def dialogue(sentence: str, rng: random.Random) -> list[str] | None:
    """``«X», — сказал он.`` as a dialogue line: ``— X! — сказал он.`` in two sentences."""
    match = QUOTE.match(sentence)
    if match is None:
        return None
    end = match["end"] or rng.choice(("!", "…"))
    return [f"— {match['said']}{end}", f"— {match['tag']}."]


# (Russian sentences, Chinese sentences, the document's generator, common Russian words)
Rewrite = Callable[[list[str], list[str], random.Random, frozenset[str]], Block | None]


def _zh_split_op(pieces: int) -> Rewrite:
    def rewrite(ru: list[str], zh: list[str], rng: random.Random,
                common: frozenset[str]) -> Block | None:
        parts = zh_split(zh[0], pieces, rng)
        return None if parts is None else Block(ru, parts, f"zh-split-{pieces}", [])
    return rewrite


def _ru_merge_op(size: int) -> Rewrite:
    def rewrite(ru: list[str], zh: list[str], rng: random.Random,
                common: frozenset[str]) -> Block | None:
        # The Chinese sentences stay as they are, so they must be sentences, not a subheading.
        merged = ru_merge(ru, common) if all(s.endswith(ZH_CLOSED) for s in zh) else None
        return None if merged is None else Block([merged], zh, f"ru-merge-{size}", [])
    return rewrite


def _zh_merge_op(size: int) -> Rewrite:
    def rewrite(ru: list[str], zh: list[str], rng: random.Random,
                common: frozenset[str]) -> Block | None:
        merged = zh_merge(zh)
        return None if merged is None else Block(ru, [merged], f"zh-merge-{size}", [])
    return rewrite


def _cross(ru: list[str], zh: list[str], rng: random.Random,
           common: frozenset[str]) -> Block | None:
    if not (all(s.endswith(RU_END) for s in ru) and all(s.endswith(ZH_END) for s in zh)):
        return None
    return Block(ru, [zh[1], zh[0]], "cross", [])


def _cross_split(ru: list[str], zh: list[str], rng: random.Random,
                 common: frozenset[str]) -> Block | None:
    crossed = _cross(ru, zh, rng, common)
    if crossed is None:
        return None
    which = rng.randrange(2)
    parts = zh_split(crossed.zh[which], 2, rng)
    if parts is None:
        return None
    crossed.zh[which:which + 1] = parts
    crossed.op = "cross-split"
    return crossed


# op name -> (clean beads it takes, rewrite)
REWRITES: dict[str, tuple[int, Rewrite]] = {
    **{f"zh-split-{k}": (1, _zh_split_op(k)) for k in (2, 3, 4)},
    **{f"ru-merge-{k}": (k, _ru_merge_op(k)) for k in (2, 3, 4)},
    **{f"zh-merge-{k}": (k, _zh_merge_op(k)) for k in (2, 3)},
    "cross": (2, _cross),
    "cross-split": (2, _cross_split),
}


# --- one document ---------------------------------------------------------------


def rewrite_body(ru: list[str], zh: list[str], end: int, rng: random.Random,
                 common: frozenset[str]) -> list[Block]:
    """Blocks for clean beads [0, end): the title stays as it is, then rewrites drawn per place."""
    names, weights = list(OP_WEIGHTS), list(OP_WEIGHTS.values())
    blocks = [Block([ru[0]], [zh[0]], "plain", [0], own_paragraph=True)]
    place = 1
    while place < end:
        block: Block | None = None
        size = 1
        said = dialogue(ru[place], rng) if QUOTE.match(ru[place]) else None
        if said is not None and rng.random() < TAG_CHANCE:
            block = Block(said, [zh[place]], "tag", [], own_paragraph=True, tag=True)
        else:
            name = rng.choices(names, weights)[0]
            if name != "plain":
                size, rewrite = REWRITES[name]
                if place + size <= end:
                    block = rewrite(ru[place:place + size], zh[place:place + size], rng,
                                    common)
        if block is None:
            size = 1
            block = Block([ru[place]], [zh[place]], "plain", [])
        block.clean_beads = list(range(place, place + size))
        blocks.append(block)
        place += size
    return blocks


def paragraphs_of(blocks: list[Block], rng: random.Random) -> list[list[Block]]:
    """Runs of 1-4 blocks; blocks that stand alone (title, dialogue) are paragraphs of their own."""
    paragraphs: list[list[Block]] = []
    current: list[Block] = []
    length = rng.randint(1, 4)
    for block in blocks:
        if block.own_paragraph or len(current) >= length:
            if current:
                paragraphs.append(current)
            current, length = [], rng.randint(1, 4)
        if block.own_paragraph:
            paragraphs.append([block])
        else:
            current.append(block)
    if current:
        paragraphs.append(current)
    return paragraphs


def marker_positions(sentence: str) -> list[int]:
    """Where a footnote marker can go: right after a word, before a ，；。"""
    return [p for p in range(1, len(sentence))
            if sentence[p] in "，；。" and ("\u4e00" <= sentence[p - 1] <= "\u9fff"
                                          or sentence[p - 1] in "”》）")]


def add_notes(paragraphs: list[list[Block]], rng: random.Random) -> list[dict[str, object]]:
    """Footnotes (marker in a sentence, note line after its paragraph or at the end) and a
    注： remark; returns their log entries.  Titles and tails get no marker."""
    places = [(p, b, s) for p, paragraph in enumerate(paragraphs) for b, block in
              enumerate(paragraph) if block.op not in ("tail",) and (p, b) != (0, 0)
              for s, sentence in enumerate(block.zh) if marker_positions(sentence)]
    count = min(rng.choice(NOTE_COUNTS), len(places))
    chosen = sorted(rng.sample(places, count))
    after: dict[int, list[Block]] = {}
    at_end: list[Block] = []
    log: list[dict[str, object]] = []
    # One habit per document, as a translator keeps to one: so the notes stay in marker order.
    placed = "after-paragraph" if rng.random() < NOTE_AFTER_PARAGRAPH else "end"
    for number, (p, b, s) in enumerate(chosen):
        block = paragraphs[p][b]
        position = rng.choice(marker_positions(block.zh[s]))
        marker = MARKERS[number]
        block.zh[s] = block.zh[s][:position] + marker + block.zh[s][position:]
        text = SAME_AS_ABOVE if number and rng.random() < 0.3 else rng.choice(NOTE_TEXTS)
        note = Block([], [marker + text], "note", [], note=True)
        (after.setdefault(p, []) if placed == "after-paragraph" else at_end).append(note)
        log.append({"op": "note", "marker": marker, "line": note.zh[0], "placed": placed,
                    "clean_beads": block.clean_beads})
    if rng.random() < REMARK_CHANCE:
        remark = Block([], [rng.choice(REMARKS)], "remark", [], note=True)
        at_end.append(remark)
        log.append({"op": "remark", "line": remark.zh[0], "placed": "end"})
    rebuilt: list[list[Block]] = []
    for p, paragraph in enumerate(paragraphs):
        rebuilt.append(paragraph)
        rebuilt.extend([note] for note in after.get(p, []))
    rebuilt.extend([note] for note in at_end)
    paragraphs[:] = rebuilt
    return log


def free_document(doc_id: str, ru: list[str], zh: list[str],
                  common: frozenset[str] = frozenset()) -> Document:
    """The clean 1-1 pair ``ru``/``zh`` rewritten as a free translation.

    ``common``: Russian words known to be common words (``common_words``).
    """
    if len(ru) != len(zh):
        raise ValueError(f"{doc_id}: the clean units are not 1-1 ({len(ru)} ru, {len(zh)} zh)")
    rng = rng_for(doc_id)
    tail, tail_side = 0, "ru"
    if len(ru) >= 8 and rng.random() < TAIL_CHANCE:
        tail = rng.randint(2, 3)
        tail_side = "ru" if rng.random() < TAIL_RU_SHARE else "zh"
    end = len(ru) - tail
    blocks = rewrite_body(ru, zh, end, rng, common)
    paragraphs = paragraphs_of(blocks, rng)
    if tail:
        paragraphs.append([Block([ru[i]] if tail_side == "ru" else [],
                                 [zh[i]] if tail_side == "zh" else [],
                                 "tail", [i]) for i in range(end, len(ru))])
    log = [{"op": block.op, "clean_beads": block.clean_beads}
           for paragraph in paragraphs for block in paragraph if block.op != "plain"]
    log.extend(add_notes(paragraphs, rng))
    return Document(doc_id, paragraphs, {"tail": {"side": tail_side, "sentences": tail}
                                         if tail else None, "perturbation": log})


# --- writing -------------------------------------------------------------------


def write(document: Document, clean_meta: dict[str, object], root: Path) -> dict[str, object]:
    """The dev set's layout, plus the indices of the tag and note units for the benchmark."""
    ru_units: list[str] = []
    zh_units: list[str] = []
    beads: list[tuple[list[int], list[int]]] = []
    tags: list[int] = []
    notes: list[int] = []
    ru_raw: list[str] = []
    zh_raw: list[str] = []
    for paragraph in document.paragraphs:
        ru_raw.append(" ".join(s for block in paragraph for s in block.ru))
        zh_raw.append("".join(s for block in paragraph for s in block.zh))
        for block in paragraph:
            ru_ids = list(range(len(ru_units), len(ru_units) + len(block.ru)))
            zh_ids = list(range(len(zh_units), len(zh_units) + len(block.zh)))
            ru_units.extend(block.ru)
            zh_units.extend(block.zh)
            if block.note:
                # A note is a bead of its own per line: nothing on the Russian side matches it.
                beads.extend(([], [i]) for i in zh_ids)
                notes.extend(zh_ids)
            elif block.op == "tail":
                beads.extend(([i], []) for i in ru_ids)
                beads.extend(([], [i]) for i in zh_ids)
            else:
                beads.append((ru_ids, zh_ids))
            if block.tag:
                tags.append(ru_ids[-1])
    units = {"ru": ru_units, "zh": zh_units}
    for lang, sentences in units.items():
        bad = [i for i, s in enumerate(sentences) if not s or s != s.strip() or "\n" in s]
        if bad:
            raise ValueError(f"{document.doc_id}: {lang} units {bad[:5]} are empty or not one line")
    folder = root / document.doc_id
    folder.mkdir(parents=True, exist_ok=True)
    for lang, sentences in units.items():
        (folder / f"{lang}.txt").write_text("\n".join(sentences) + "\n", encoding="utf-8")
    for lang, paragraphs in (("ru", ru_raw), ("zh", zh_raw)):
        text = "\n\n".join(p for p in paragraphs if p) + "\n"
        (folder / f"{lang}.raw.txt").write_text(text, encoding="utf-8")
    (folder / "gold.txt").write_text("".join(f"{ru}:{zh}\n" for ru, zh in beads),
                                     encoding="utf-8")
    types = Counter(f"{len(ru)}-{len(zh)}" for ru, zh in beads)
    meta = {
        "set": "free",
        "doc": document.doc_id,
        "synthetic": True,
        "derived_from": f"dev set clean/{document.doc_id}",
        "source": clean_meta.get("source"),
        "license": clean_meta.get("license"),
        "licence_note": "derived from NTREX-128 (CC BY-SA 4.0; Federmann et al. 2022, "
                        "Barrault et al. 2019) and shared under the same licence",
        "seed": f"sha256({SEED}/{document.doc_id})",
        "ru_units": len(ru_units),
        "zh_units": len(zh_units),
        "beads": len(beads),
        "bead_types": dict(types.most_common()),
        "ru_paragraphs": sum(1 for p in ru_raw if p),
        "zh_paragraphs": sum(1 for p in zh_raw if p),
        "tag_units_ru": tags,
        "note_units_zh": notes,
        **document.meta,
    }
    (folder / "meta.json").write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n",
                                      encoding="utf-8")
    return meta


def find_dev_set() -> Path | None:
    return next((path for path in DEV_SET_CANDIDATES if (path / "clean").is_dir()), None)


def build(dev_set: Path, root: Path = FREE) -> list[dict[str, object]]:
    """Write every clean dev document as a free-translation document under ``root``."""
    folders = sorted(p for p in (dev_set / "clean").iterdir() if p.is_dir())
    texts = {folder: tuple((folder / f"{lang}.txt").read_text(encoding="utf-8").splitlines()
                           for lang in ("ru", "zh")) for folder in folders}
    common = common_words(sentence for ru, _ in texts.values() for sentence in ru)
    metas = []
    for folder, (ru, zh) in texts.items():
        clean_meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
        metas.append(write(free_document(folder.name, list(ru), list(zh), common),
                           clean_meta, root))
    return metas


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dev-set", type=Path, default=find_dev_set(),
                        help="the dev set folder holding clean/ (default: %(default)s)")
    parser.add_argument("--out", type=Path, default=FREE)
    args = parser.parse_args()
    if args.dev_set is None:
        parser.error("no dev set found; pass --dev-set")
    metas = build(args.dev_set, args.out)
    types: Counter[str] = Counter()
    ops: Counter[str] = Counter()
    for meta in metas:
        types.update(meta["bead_types"])  # type: ignore[arg-type]
        ops.update(entry["op"] for entry in meta["perturbation"])  # type: ignore[union-attr]
    print(f"{len(metas)} documents, "
          f"{sum(m['ru_units'] for m in metas)} ru / {sum(m['zh_units'] for m in metas)} zh "
          f"units, {sum(m['beads'] for m in metas)} beads")  # type: ignore[misc]
    print("bead types: " + ", ".join(f"{k}: {n}" for k, n in types.most_common()))
    print("rewrites:   " + ", ".join(f"{k}: {n}" for k, n in sorted(ops.items())))


if __name__ == "__main__":
    main()
