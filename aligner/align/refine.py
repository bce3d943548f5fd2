"""Cutting sentences the splitter glued together, once the search has aligned them.

A splitter cannot see a boundary that has no full stop: a title running into
the first sentence of its paragraph, a quotation closed without a stop.  The
search then pays for the glued sentence with a 2-1 bead, a null beside a 1-1
bead, or a 1-1 bead of two glued sentences on both sides.  Here each such
place is offered the cut the splitter missed: positions between two words
where a sentence can end, near where the other side's sentence lengths put
it, are embedded (all halves of a document in one encoder call per language),
and a cut is kept only when the search's own costs are sure of it: the 2x2
block of the two halves and their two partners must be cheaper as two 1-1
beads than any coarser alignment by a margin that grows the less the place
looks like a sentence end, and cheaper than a cut at any other place.  A wrong
cut is worse than a coarse bead: a translator can use a right 2-1 pair, never
a half-sentence.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import accumulate, pairwise
from typing import Literal

import numpy as np

from aligner.align.calibration import Evidence, probability
from aligner.align.scoring import (
    Side,
    bead_shapes,
    length_cost,
    mean_distance,
    normalised_cost,
    row_costs,
)
from aligner.boundaries import SENTENCE_END
from aligner.config import AlignerSettings
from aligner.embed.base import Encoder
from aligner.model import Bead, Lang, Sentence
from aligner.segment.chinese import word_boundaries

# How far from the length-predicted point a cut is looked for, in standard deviations of the
# log length ratio of the two halves (each half's ratio varies by length_log_ratio_sd, so
# their difference by sqrt(2) times that): two keep ~95% of true cuts, measured on the dev set.
WINDOW_SDS = 2.0
# A title's end is looked for at its first few candidates only: titles come first, and every
# extra candidate costs two encoder calls and one more chance of a wrong cut.
MAX_TITLE_CUTS = 3
# Positions tried per sentence: each costs two encoder calls, and the embedding cannot tell
# places a word apart anyway (see cut_place_margin).
MAX_CUTS = 5

# The shortest piece a cut may leave, in characters other than spaces: a shorter one is a
# fragment of a word or a heading (``约‖拿书 - 章 2``), never a sentence a translator can use.
MIN_PIECE = {"ru": 6, "zh": 3}
# A title that ends with no mark at all is longer still: a shorter "title" is the subject of an
# ordinary sentence (``Президент‖России провёл…``, ``俄罗斯总统‖与…``).
MIN_TITLE = {"ru": 3, "zh": 6}  # words / characters before a bare cut

# What a cut position looks like, which decides how sure the costs must be before it is made
# (AlignerSettings.cut_margins): after a closing quote, bracket, colon or semicolon a sentence
# often ends without a stop; after a comma it rarely does; with no mark at all only a title
# (a paragraph's first sentence) ends there.
CutKind = Literal["mark", "comma", "word"]

ZH_NO_CUT_BEFORE = frozenset("，。、：；！？”’」』）)》〉】,.;:!?%…·-—")
ZH_NO_CUT_AFTER = frozenset("“‘「『（(《〈【·、")
ZH_MARK_ENDS = frozenset("”’」』\"'；;。！？!?…")
# A colon ends a title's first part (``英超：…``) or introduces a quotation far more often than
# it ends a sentence, so it needs the evidence of a comma.
ZH_COMMAS = frozenset("，,：:")
RU_NO_CUT_AFTER = frozenset("—–-«„“([")
RU_MARK_ENDS = frozenset(".!?…»\"”')];")
RU_OPENERS = "«\"„“([—–-"
# Words a Russian sentence cannot end with: prepositions, conjunctions, particles.
RU_FUNCTION_WORDS = frozenset({
    "в", "во", "на", "с", "со", "к", "ко", "о", "об", "обо", "от", "до", "из", "за", "по", "под",
    "над", "при", "про", "для", "без", "у", "и", "а", "но", "или", "что", "как", "не", "ни", "же",
    "ли", "бы", "то", "через", "перед", "между", "после", "около", "возле", "среди", "чтобы",
    "если", "когда", "пока", "хотя", "либо", "да", "также", "тоже", "чем", "где", "который",
    "которая", "которое", "которые", "его", "её", "ее", "их", "этот", "эта", "это", "эти",
    "против", "насчёт", "насчет", "вместо", "кроме", "вокруг", "вдоль", "сквозь", "ради",
    # honorifics written short (``г-на‖Трампа``): a name always follows
    "г-н", "г-на", "г-ну", "г-ном", "г-не", "г-жа", "г-жи", "г-же", "г-жу", "г-жой"})
_WORD = re.compile(r"\S+")
# A patronymic (``Ефимыча``, ``Владимировна``): it belongs to the name before it.
_PATRONYMIC = re.compile(r"[А-ЯЁ][а-яё]+(?:ович|евич|ич|ыч|овн|евн|ичн)(?:а|у|ем|ом|е|ы|ой|ей)?")
# An initial (``В.``, ``Дж.``) or a short lower-case abbreviation (``г.``, ``ул.``, ``им.``): a
# full stop after them is no sentence end, and what follows is usually a name.
_LATIN_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’&.-]*")
_ABBREVIATION = re.compile(r"(?:[А-ЯЁA-Z][а-яёa-z]?|[а-яё]{1,3})\.")


def _solid(text: str) -> int:
    """Characters that are not white space."""
    return sum(not char.isspace() for char in text)


def zh_cut_positions(text: str, title: bool = False) -> dict[int, CutKind]:
    """Where a Chinese sentence may be cut in two, and what kind of place each is.

    Only between two words (``word_boundaries``), never inside 《》, inside a Latin or digit
    run (across spaces too: ``Il faut bien‖le faire`` is one quotation), before punctuation
    or a space, nor after an opening mark or an enumeration comma;
    a place with no punctuation before it only in a ``title`` (a paragraph's first sentence).
    """
    depth = list(accumulate(text, lambda d, c: d + (c == "《") - (c == "》" and d > 0),
                            initial=0))
    last = list(accumulate(text, lambda kept, c: kept if c.isspace() else c, initial=""))
    positions: dict[int, CutKind] = {}
    for at in word_boundaries(text):
        if min(_solid(text[:at]), _solid(text[at:])) < MIN_PIECE["zh"]:
            continue
        before, after = last[at], text[at]
        if (depth[at] > 0 or after in ZH_NO_CUT_BEFORE or before in ZH_NO_CUT_AFTER
                or after.isspace() or (before.isascii() and before.isalnum()
                                       and after.isascii() and after.isalnum())):
            continue
        if last[at] in ZH_MARK_ENDS:
            positions[at] = "mark"
        elif last[at] in ZH_COMMAS:
            positions[at] = "comma"
        elif title and _solid(text[:at]) >= MIN_TITLE["zh"]:
            positions[at] = "word"
    return positions


def ru_cut_positions(text: str, title: bool = False) -> dict[int, CutKind]:
    """Starts of the Russian words a sentence can begin with (a capital, a digit or an opening
    quote or dash), and what kind of place each is.

    Only between words, never after a preposition, conjunction, particle, initial or short
    abbreviation, nor after a dash or an opening mark; with no punctuation before it only in a
    ``title``, before a capitalised word that is no patronymic (``Андрея‖Ефимыча`` is one
    name; a title ending in a name, ``…юго-запада США‖Согласно…``, is common); never between
    two Latin words.
    """
    words = [(m.start(), m.group()) for m in _WORD.finditer(text)]
    positions: dict[int, CutKind] = {}
    for (_, before), (start, word) in pairwise(words):
        first = word.lstrip(RU_OPENERS)[:1]
        if not (word[0] in RU_OPENERS or first.isupper() or first.isdigit()):
            continue
        if min(_solid(text[:start]), _solid(text[start:])) < MIN_PIECE["ru"]:
            continue
        bare = before.strip(".,;:!?…»\"”')(«„“").lower()
        if (before[-1] in RU_NO_CUT_AFTER or bare in RU_FUNCTION_WORDS
                or _ABBREVIATION.fullmatch(before.lstrip(RU_OPENERS))):
            continue
        if _LATIN_WORD.fullmatch(before) and _LATIN_WORD.fullmatch(word):
            continue  # inside a foreign name or title quoted as written (``Still Game``)
        if before[-1] in RU_MARK_ENDS:
            positions[start] = "mark"
        elif before[-1] in ",:":
            positions[start] = "comma"
        elif (title and first.isupper() and len(text[:start].split()) >= MIN_TITLE["ru"]
              and not _PATRONYMIC.fullmatch(word.rstrip(".,;:!?»\"”)"))):
            positions[start] = "word"
    return positions


def title_cut_positions(text: str) -> dict[int, CutKind]:
    """Where a title without a full stop may end: the first few places ``ru_cut_positions``
    allows in a title (``…в президентской гонке Член парламента…``)."""
    return dict(list(ru_cut_positions(text, title=True).items())[:MAX_TITLE_CUTS])


def length_window(positions: list[int], length: int, parts: tuple[int, int],
                  settings: AlignerSettings) -> list[int]:
    """The positions whose left/right length share is what the other side's two sentences
    predict, within WINDOW_SDS standard deviations of the length model; at most MAX_CUTS of
    them, the nearest to the predicted point, in order."""
    if not positions:
        return []
    at = np.array(positions, dtype=np.float64)
    log_share = np.log(at / (length - at))
    reach = WINDOW_SDS * math.sqrt(2.0) * settings.length_log_ratio_sd
    distance = np.abs(log_share - math.log(parts[0] / parts[1]))
    nearest = [k for k in np.argsort(distance, kind="stable")[:MAX_CUTS] if distance[k] <= reach]
    return [positions[k] for k in sorted(nearest)]


def lengths(first: Sentence, second: Sentence) -> tuple[int, int]:
    return len(first.text), len(second.text)


def split_sentence(sentence: Sentence, at: int) -> tuple[Sentence, Sentence]:
    """The two halves of ``sentence`` cut at ``at``, trimmed, with exact file offsets."""

    def part(start: int, end: int) -> Sentence:
        text = sentence.text
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        return Sentence(text[start:end], sentence.start + start, sentence.start + end,
                        sentence.paragraph)

    return part(0, at), part(at, len(sentence.text))


@dataclass(frozen=True)
class Piece:
    """A sentence or a half as the search sees it."""

    vector: np.ndarray
    normaliser: float
    length: float


@dataclass(frozen=True)
class Window:
    """A block side's two pieces taken together: the uncut sentence, or two neighbours."""

    piece: Piece
    crosses_paragraph: bool


Cut = tuple[int | None, int | None]  # (Russian cut, Chinese cut) inside the group's sentences
CUT_PATH = ((1, 1), (1, 1))  # the block as two 1-1 beads: what a kept cut makes of it


@dataclass(frozen=True)
class Group:
    """Beads that may hide a missed boundary: their sentences (two on one side, one to be cut
    on the other, or one to be cut on each) and the cuts worth trying."""

    beads: tuple[int, ...]
    ru: tuple[int, ...]
    zh: tuple[int, ...]
    cuts: tuple[Cut, ...]
    margins: tuple[float, ...]  # per cut, in merge penalties: how sure its costs must be


class Refiner:
    """The refinement of one document's beads; see the module docstring."""

    def __init__(self, sentences: dict[Lang, Sequence[Sentence]], sides: dict[Lang, Side],
                 encoder: Encoder, settings: AlignerSettings) -> None:
        self.sentences, self.sides = sentences, sides
        self.encoder, self.settings = encoder, settings
        self.halves: dict[tuple[Lang, int, int], tuple[Piece, Piece]] = {}

    # --- where to look ------------------------------------------------------------------

    def groups(self, beads: Sequence[Bead]) -> list[Group]:
        """2-1 and 1-2 beads, a null beside a 1-1 bead whose sentence it resembles, and the
        document's first bead when it is 1-1 (where a title sits)."""
        found: dict[int, Group] = {}
        for k, bead in enumerate(beads):
            if bead.type in ("2-1", "1-2"):
                found[k] = self.group((k,), beads)
        for k, bead in enumerate(beads):
            if bead.type in ("1-0", "0-1") and k not in found:
                partner = self.null_partner(k, beads, found)
                if partner is not None:
                    ks = tuple(sorted((k, partner)))
                    found[ks[0]] = found[ks[1]] = self.group(ks, beads)
        first = next((k for k, bead in enumerate(beads) if bead.ru and bead.zh), None)
        if first is not None and beads[first].type == "1-1" and first not in found:
            found[first] = self.group((first,), beads)
        return [group for k, group in sorted(found.items()) if group.cuts and k == group.beads[0]]

    def null_partner(self, k: int, beads: Sequence[Bead], taken: dict[int, Group]) -> int | None:
        """The neighbouring 1-1 bead whose sentence on the other side is closest to the null
        sentence, if the search would have found the two worth aligning on their own (cost
        under two nulls): otherwise a cut could only pair the null with an unrelated half."""
        null = beads[k]
        own, other = ("ru", "zh") if null.ru else ("zh", "ru")
        index = (null.ru or null.zh)[0]
        best, best_cost = None, 2 * self.settings.null_cost
        for n in (k - 1, k + 1):
            if 0 <= n < len(beads) and n not in taken and beads[n].type == "1-1":
                j = (beads[n].ru if other == "ru" else beads[n].zh)[0]
                a, b = self.sides[own], self.sides[other]
                cost = float(normalised_cost(float(a.vectors[1][index] @ b.vectors[1][j]),
                                             a.normaliser[1][index], b.normaliser[1][j]))
                if cost < best_cost:
                    best, best_cost = n, cost
        return best

    def starts_paragraph(self, lang: Lang, i: int) -> bool:
        """Whether sentence ``i`` is its paragraph's first: where a title without a stop sits."""
        sentences = self.sentences[lang]
        return i == 0 or sentences[i - 1].paragraph != sentences[i].paragraph

    def margin(self, *kinds: CutKind | None) -> float:
        """The margin a cut must win by: that of the least sure of its one or two positions."""
        return max(self.settings.cut_margins[kind] for kind in kinds if kind is not None)

    def group(self, ks: tuple[int, ...], beads: Sequence[Bead]) -> Group:
        """The group of beads ``ks`` with the cuts to try in its single sentence(s)."""
        ru = tuple(i for k in ks for i in beads[k].ru)
        zh = tuple(j for k in ks for j in beads[k].zh)
        ru_sentence, zh_text = self.sentences["ru"][ru[0]], self.sentences["zh"][zh[0]].text
        if len(zh) == 2:  # one Russian sentence against two Chinese ones: cut the Russian
            parts = lengths(self.sentences["zh"][zh[0]], self.sentences["zh"][zh[1]])
            kinds = ru_cut_positions(ru_sentence.text, self.starts_paragraph("ru", ru[0]))
            window = length_window(sorted(kinds), len(ru_sentence.text), parts, self.settings)
            return Group(ks, ru, zh, tuple((p, None) for p in window),
                         tuple(self.margin(kinds[p]) for p in window))
        ru_kinds: dict[int | None, CutKind | None]
        if len(ru) == 2:  # two Russian sentences against one Chinese: cut the Chinese
            ru_kinds = {None: None}
            ru_parts = [lengths(ru_sentence, self.sentences["ru"][ru[1]])]
        else:  # a 1-1 bead that may hold a title on both sides: cut both
            ru_kinds = dict(title_cut_positions(ru_sentence.text))
            ru_parts = [lengths(*split_sentence(ru_sentence, c)) for c in ru_kinds
                        if c is not None]
        zh_kinds = zh_cut_positions(zh_text, self.starts_paragraph("zh", zh[0]))
        windows = [length_window(sorted(zh_kinds), len(zh_text), parts, self.settings)
                   for parts in ru_parts]
        cuts = [(c, p) for c, window in zip(ru_kinds, windows, strict=True) for p in window]
        return Group(ks, ru, zh, tuple(cuts),
                     tuple(self.margin(ru_kinds[c], zh_kinds[p]) for c, p in cuts))

    # --- embedding ----------------------------------------------------------------------

    def embed_halves(self, groups: list[Group]) -> None:
        """Embed every half the groups need, one encoder call per language."""
        for lang, slot, other in (("ru", 0, "zh"), ("zh", 1, "ru")):
            keys = list(dict.fromkeys(
                (lang, (g.ru if lang == "ru" else g.zh)[0], cut[slot])
                for g in groups for cut in g.cuts if cut[slot] is not None))
            if not keys:
                continue
            texts = [half.text for _, i, at in keys
                     for half in split_sentence(self.sentences[lang][i], at)]
            vectors = self.encoder.encode(texts)
            normalisers = mean_distance(vectors, self.sides[other].vectors[1],
                                        self.settings.normaliser_sample)
            pieces = [Piece(v, float(n), float(len(t)))
                      for v, n, t in zip(vectors, normalisers, texts, strict=True)]
            for k, key in enumerate(keys):
                self.halves[key] = (pieces[2 * k], pieces[2 * k + 1])

    def piece(self, lang: Lang, i: int) -> Piece:
        side = self.sides[lang]
        return Piece(side.vectors[1][i], float(side.normaliser[1][i]), float(side.lengths[1][i]))

    def pieces(self, lang: Lang, ids: tuple[int, ...], at: int | None) -> tuple[Piece, Piece]:
        """The block side's two pieces: the halves of the cut sentence, or the two sentences."""
        if at is not None:
            return self.halves[(lang, ids[0], at)]
        return self.piece(lang, ids[0]), self.piece(lang, ids[1])

    def window(self, lang: Lang, ids: tuple[int, ...], at: int | None) -> Window | None:
        """Both pieces together: the uncut sentence, or the search's window of the two (None
        when the settings let no bead hold two sentences of this side)."""
        side = self.sides[lang]
        if at is not None:
            return Window(self.piece(lang, ids[0]), False)
        if 2 not in side.vectors:
            return None
        i = ids[0]
        return Window(Piece(side.vectors[2][i], float(side.normaliser[2][i]),
                            float(side.lengths[2][i])), bool(side.crosses_paragraph[2][i]))

    # --- deciding -----------------------------------------------------------------------

    def pair_costs(self, ru: Sequence[Piece], zh: Sequence[Piece]) -> np.ndarray:
        """The search's cost of 1-1 beads pairing ``ru[k]`` with ``zh[k]``."""
        similarity = np.einsum("ij,ij->i", np.stack([p.vector for p in ru]),
                               np.stack([p.vector for p in zh]))
        cost = normalised_cost(similarity, np.array([p.normaliser for p in ru]),
                               np.array([p.normaliser for p in zh]))
        return cost + self.settings.length_weight * length_cost(
            np.array([p.length for p in ru]), np.array([p.length for p in zh]), self.settings)

    def best_cut(self, group: Group) -> tuple[Cut, float, float, float]:
        """The cut whose two 1-1 beads cost least, that cost, the margin it must win by, and
        how much more the best cut elsewhere costs (how sure its place is)."""
        ru = [self.pieces("ru", group.ru, cut[0]) for cut in group.cuts]
        zh = [self.pieces("zh", group.zh, cut[1]) for cut in group.cuts]
        costs = (self.pair_costs([r[0] for r in ru], [z[0] for z in zh])
                 + self.pair_costs([r[1] for r in ru], [z[1] for z in zh]))
        k = int(np.argmin(costs))
        others = np.delete(costs, k)
        lead = float(others.min() - costs[k]) if len(others) else np.inf
        return group.cuts[k], float(costs[k]), group.margins[k], lead

    def cut_advantage(self, group: Group, cut: Cut, cost: float) -> float:
        """How much more the cheapest other way the search could align the block costs than
        the two 1-1 beads of the cut."""
        ru = block_side(self.pieces("ru", group.ru, cut[0]), self.window("ru", group.ru, cut[0]))
        zh = block_side(self.pieces("zh", group.zh, cut[1]), self.window("zh", group.zh, cut[1]))
        rivals = [c for path, c in block_paths(ru, zh, self.settings) if path != CUT_PATH]
        return min(rivals) - cost


def block_side(pieces: tuple[Piece, Piece], window: Window | None) -> Side:
    """One side of a 2x2 block, in the form the search's cost function reads."""
    windows = [(1, list(pieces), [False, False])]
    if window is not None:
        windows.append((2, [window.piece], [window.crosses_paragraph]))
    return Side({k: np.stack([p.vector for p in ps]) for k, ps, _ in windows},
                {k: np.array(crosses) for k, _, crosses in windows},
                {k: np.array([p.length for p in ps]) for k, ps, _ in windows},
                {k: np.array([p.normaliser for p in ps], dtype=np.float32) for k, ps, _ in windows})


def block_paths(ru: Side, zh: Side, settings: AlignerSettings
                ) -> list[tuple[tuple[tuple[int, int], ...], float]]:
    """Every monotone path of beads through a 2x2 block, with the search's cost of each."""
    shapes = [(a, b) for a, b in bead_shapes(settings) if a <= 2 and b <= 2]

    def bead_cost(i: int, j: int, shape: tuple[int, int]) -> float:
        if shape[0] == 0:
            return settings.null_cost
        return float(row_costs(ru, zh, i + shape[0], shape, np.array([j + shape[1]]), settings)[0])

    paths = []

    def walk(i: int, j: int, path: tuple[tuple[int, int], ...], cost: float) -> None:
        if (i, j) == (2, 2):
            paths.append((path, cost))
        for a, b in shapes:
            if i + a <= 2 and j + b <= 2:
                walk(i + a, j + b, (*path, (a, b)), cost + bead_cost(i, j, (a, b)))

    walk(0, 0, (), 0.0)
    return paths


def refine_alignment(ru: Sequence[Sentence], zh: Sequence[Sentence], beads: list[Bead],
                     evidence: list[Evidence], ru_side: Side, zh_side: Side, encoder: Encoder,
                     settings: AlignerSettings
                     ) -> tuple[tuple[Sentence, ...], tuple[Sentence, ...], list[Bead],
                                list[Evidence]]:
    """The sentences, cut where the search's costs prefer it by the cut's margin, and the
    beads over them with their evidence (a new bead's margin is its share of the cut's
    advantage over the coarser alignment).

    The cut is the cheapest of several positions, so its cost is optimistic, and a wrong cut
    does more harm than a coarse bead: it must win by ``settings.cut_margins`` merge
    penalties, more the less its place looks like a sentence end.
    """
    refiner = Refiner({"ru": ru, "zh": zh}, {"ru": ru_side, "zh": zh_side}, encoder, settings)
    groups = refiner.groups(beads)
    refiner.embed_halves(groups)
    kept: dict[int, tuple[Group, Cut, float]] = {}
    for group in groups:
        cut, cost, margin, lead = refiner.best_cut(group)
        advantage = refiner.cut_advantage(group, cut, cost)
        if (advantage > margin * settings.merge_penalty
                and lead > settings.cut_place_margin * settings.merge_penalty):
            kept[group.beads[0]] = (group, cut, advantage)
    if not kept:
        return tuple(ru), tuple(zh), beads, evidence
    ru_cuts = {g.ru[0]: cut[0] for g, cut, _ in kept.values() if cut[0] is not None}
    zh_cuts = {g.zh[0]: cut[1] for g, cut, _ in kept.values() if cut[1] is not None}
    new_ru, ru_at = apply_cuts(ru, ru_cuts)
    new_zh, zh_at = apply_cuts(zh, zh_cuts)
    refined: list[Bead] = []
    refined_evidence: list[Evidence] = []
    done: set[int] = set()
    for k, bead in enumerate(beads):
        if k in done:
            continue
        if k not in kept:
            refined.append(Bead(tuple(x for i in bead.ru for x in ru_at[i]),
                                tuple(x for j in bead.zh for x in zh_at[j]), bead.score))
            refined_evidence.append(evidence[k])
            continue
        group, cut, advantage = kept[k]
        done.update(group.beads)
        ru_pieces = refiner.pieces("ru", group.ru, cut[0])
        zh_pieces = refiner.pieces("zh", group.zh, cut[1])
        similarity = [float(r.vector @ z.vector) for r, z in zip(ru_pieces, zh_pieces, strict=True)]
        new_ru_ids = [x for i in group.ru for x in ru_at[i]]
        new_zh_ids = [x for j in group.zh for x in zh_at[j]]
        for half in range(2):
            cost = float(normalised_cost(similarity[half], ru_pieces[half].normaliser,
                                         zh_pieces[half].normaliser))
            unended = any(SENTENCE_END[lang].search(side[ids[half]].text) is None
                          for lang, side, ids in (("ru", new_ru, new_ru_ids),
                                                  ("zh", new_zh, new_zh_ids)))
            found = Evidence("cut", cost, advantage / 2, 2, unended=unended, split_by_us=True)
            refined.append(Bead((new_ru_ids[half],), (new_zh_ids[half],),
                                round(probability(found), 4)))
            refined_evidence.append(found)
    return new_ru, new_zh, refined, refined_evidence


def apply_cuts(sentences: Sequence[Sentence], cuts: dict[int, int]
               ) -> tuple[tuple[Sentence, ...], dict[int, tuple[int, ...]]]:
    """The sentences with the cut ones replaced by their halves, and where each old one went."""
    new: list[Sentence] = []
    where: dict[int, tuple[int, ...]] = {}
    for i, sentence in enumerate(sentences):
        pieces = split_sentence(sentence, cuts[i]) if i in cuts else (sentence,)
        where[i] = tuple(range(len(new), len(new) + len(pieces)))
        new.extend(pieces)
    return tuple(new), where
