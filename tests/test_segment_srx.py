"""SRX segmentation: the reader, the Java-regex translation, the shipped OmegaT-like rules.

The expected segments in PROBE_CASES are OmegaT 3.6's, as measured with
shared/tools/tmxcheck (README, "OmegaT 3.6 default segmentation of Russian";
``omegat_segments.sh samples/seg_probe_ru.txt``).  The slow tests ask OmegaT itself.
"""

from __future__ import annotations

import dataclasses
import difflib
import zipfile
from pathlib import Path

import pytest
from omegat import OMEGAT_JAR, fill_from_tmx, omegat_available

from aligner.language import label_paragraphs
from aligner.segment import get_splitters
from aligner.segment.chinese import ChineseSplitter
from aligner.segment.presplit import LineSplitter
from aligner.segment.russian import RussianSplitter
from aligner.segment.srx import (
    SrxDocument,
    SrxError,
    SrxSplitter,
    compile_java,
    translate_java_regex,
)

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "corpus"
ARTICLE = CORPUS / "002_9e5125a431169a21.txt"
TMXCHECK = REPO.parent / "shared" / "tools" / "tmxcheck" / "samples"
PROBE_FILE = TMXCHECK / "seg_probe_ru.txt"
NBSP = "\u00a0"

# input → OmegaT's segments, joined with " | " (the README table, one construct per case)
PROBE_CASES = [
    ("Это т.е. пример без пробела. Конец.", "Это т.е. пример без пробела. | Конец."),
    ("Это т. е. пример с пробелом. Конец.", "Это т. | е. | пример с пробелом. | Конец."),
    ("Т.к. было поздно, все ушли.", "Т.к. было поздно, все ушли."),
    ("Яблоки, груши и т. д. продаются здесь.", "Яблоки, груши и т. | д. | продаются здесь."),
    ("Яблоки, груши и т.д. продаются здесь.", "Яблоки, груши и т.д. | продаются здесь."),
    ("В 2025 г. объем торговли вырос.", "В 2025 г. | объем торговли вырос."),
    ("В 1990-х гг. было иначе.", "В 1990-х гг. | было иначе."),
    ("В XX в. жил поэт.", "В XX в. | жил поэт."),
    ("Стоимость 5 тыс. руб. за штуку.", "Стоимость 5 тыс. | руб. | за штуку."),
    ("Рост на 3 млн. человек.", "Рост на 3 млн. | человек."),
    ("Адрес: ул. Ленина, д. 5, кв. 3.", "Адрес: ул. | Ленина, д. | 5, кв. | 3."),
    ("Проф. Иванов и акад. Петров выступили.", "Проф. | Иванов и акад. | Петров выступили."),
    ("См. рис. 2 на стр. 5.", "См. | рис. | 2 на стр. | 5."),
    ("Он жил в 300 г. до н. э. в Риме.", "Он жил в 300 г. | до н. | э. | в Риме."),
    ("Давление 760 мм рт. ст. в норме.", "Давление 760 мм рт. | ст. в норме."),
    ("Председатель КНР Си Цзиньпин и др. лидеры приехали.",
     "Председатель КНР Си Цзиньпин и др. | лидеры приехали."),
    ("В. В. Путин прибыл в Пекин.", "В. | В. | Путин прибыл в Пекин."),
    ("Президент Путин В.В. прибыл в Пекин.", "Президент Путин В.В. | прибыл в Пекин."),
    ("А.С. Пушкин родился в Москве.", "А.С. | Пушкин родился в Москве."),
    ('"Он сказал." Далее текст.', '"Он сказал." Далее текст.'),
    ("«Привет!» — сказал он. Потом ушел.", "«Привет!» — сказал он. | Потом ушел."),
    ("Он спросил: «Ты придешь?» Я ответил.", "Он спросил: «Ты придешь?» Я ответил."),
    ("«Цитата». Следующее предложение.", "«Цитата». | Следующее предложение."),
    ('"Итоги 2025 года". Путин и Си Цзиньпин констатировали.',
     '"Итоги 2025 года". | Путин и Си Цзиньпин констатировали.'),
    ('"Мы будем действовать взвешенно",\n— Привет! — сказал он.',
     '"Мы будем действовать взвешенно",\n— Привет! | — сказал он.'),
    ("- сказал Ушаков журналистам.", "- сказал Ушаков журналистам."),
    ("Москва – столица России. Париж — столица Франции.",
     "Москва – столица России. | Париж — столица Франции."),
    ("МОСКВА, 4 фев - CRMtv. Сроки будут согласованы.",
     "МОСКВА, 4 фев - CRMtv. | Сроки будут согласованы."),
    ("Он подумал... и ушел.", "Он подумал... и ушел."),
    ("Он подумал... Потом ушел.", "Он подумал... | Потом ушел."),
    ("Он подумал… Потом ушел.", "Он подумал… Потом ушел."),
    ("Что?! Не может быть!", "Что?! | Не может быть!"),
    ("Правда?.. Не знаю.", "Правда?.. | Не знаю."),
    ("(...) В текущем году запланированы контакты.",
     "(...) В текущем году запланированы контакты."),
    ("Рост составил 1.5% за год. Это много.", "Рост составил 1.5% за год. | Это много."),
    ("Разговор длился 1,5 часа. Это долго.", "Разговор длился 1,5 часа. | Это долго."),
    ("1. Введение. 2. Основная часть.", "1. | Введение. | 2. | Основная часть."),
    ("Глава 3. Итоги\nСайт www.kremlin.ru открыт.",
     "Глава 3. | Итоги\nСайт www.kremlin.ru открыт."),
    ("Компания Apple Inc. объявила о сделке.", "Компания Apple Inc. | объявила о сделке."),
    (f"Конец.{NBSP}Начало после неразрывного пробела.",
     f"Конец.{NBSP}Начало после неразрывного пробела."),
    ("Общались часто и плодотворно./\nСледующее предложение.",
     "Общались часто и плодотворно./\nСледующее предложение."),
    ("Это предложение разбито\nна две строки.", "Это предложение разбито\nна две строки."),
]

# The documented Chinese behaviour: 。？！ end a segment, except before a closing quote or
# bracket (or another end mark); an ASCII period never does.
ZH_CASES = [
    ("你好。我很好！你呢？", "你好。 | 我很好！ | 你呢？"),
    ("他说：“我们走吧。”", "他说：“我们走吧。”"),
    ("“好。”，他说。", "“好。”，他说。"),
    ("增长了1.5%。这是很多。", "增长了1.5%。 | 这是很多。"),
    ("Apple Inc. 宣布了交易。", "Apple Inc. 宣布了交易。"),
    ("莫斯科,2月4日-CRMtv。俄罗斯总统普京访华。", "莫斯科,2月4日-CRMtv。 | 俄罗斯总统普京访华。"),
]
# Where the shipped Chinese rules cut more than OmegaT ("ruzh-chinese-extra"; OmegaT keeps
# each of these in one piece) or less (OmegaT cuts between ？ and ！).
ZH_EXTRA_CASES = [
    ("“会谈中，两国领导人高度重视经贸合作议题。”乌沙科夫说。",
     "“会谈中，两国领导人高度重视经贸合作议题。” | 乌沙科夫说。"),
    ("他说：“我们走吧。”然后离开了。", "他说：“我们走吧。” | 然后离开了。"),
    ("（完。）下一段开始。", "（完。） | 下一段开始。"),
    ("“一。”“二。”", "“一。” | “二。”"),
    ("平均收视率.其他电视网络也播放了。", "平均收视率. | 其他电视网络也播放了。"),
    ("“你认为他说了实话吗?”他问。", "“你认为他说了实话吗?” | 他问。"),
    ("真的吗？！不可能。", "真的吗？！ | 不可能。"),
]

def pieces(splitter, text: str) -> str:
    return " | ".join(text[start:end] for start, end in splitter.split(text))


def assert_covers_once(text: str, spans: list[tuple[int, int]]) -> None:
    """Spans are in order, trimmed, non-empty, disjoint, and hold every non-space character."""
    previous_end = 0
    covered = [False] * len(text)
    for start, end in spans:
        assert previous_end <= start < end <= len(text)
        assert text[start:end] == text[start:end].strip()
        covered[start:end] = [True] * (end - start)
        previous_end = end
    assert all(covered[i] for i, char in enumerate(text) if not char.isspace())


def russian_paragraphs(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8")
    return [text[p.start : p.end] for p in label_paragraphs(text) if p.lang == "ru"]


def agreement(reference: list[str], ours: list[str]) -> float:
    """Share of the reference segments that ``ours`` has too, in the same order."""
    matcher = difflib.SequenceMatcher(a=reference, b=ours, autojunk=False)
    return sum(block.size for block in matcher.get_matching_blocks()) / len(reference)


@pytest.fixture(scope="module")
def shipped() -> SrxDocument:
    return SrxDocument.shipped()


@pytest.fixture(scope="module")
def omegat_rules() -> SrxDocument:
    """OmegaT's own defaultRules.srx, read from the installed jar (GPL: never copied here)."""
    if not OMEGAT_JAR.is_file():
        pytest.skip(f"no OmegaT jar at {OMEGAT_JAR} (apt-get install omegat)")
    with zipfile.ZipFile(OMEGAT_JAR) as jar:
        data = jar.read("org/omegat/core/segmentation/defaultRules.srx")
    return SrxDocument.from_bytes(data, source=f"{OMEGAT_JAR.name}!defaultRules.srx")


# --- the shipped rules reproduce OmegaT's default segmentation ---


@pytest.mark.parametrize(("text", "expected"), PROBE_CASES, ids=[c[0][:30] for c in PROBE_CASES])
def test_shipped_rules_cut_russian_like_omegat(shipped: SrxDocument, text: str,
                                               expected: str) -> None:
    assert pieces(shipped.splitter("ru"), text) == expected


@pytest.mark.parametrize(("text", "expected"), ZH_CASES + ZH_EXTRA_CASES,
                         ids=[c[0][:12] for c in ZH_CASES + ZH_EXTRA_CASES])
def test_shipped_rules_cut_chinese_at_end_marks(shipped: SrxDocument, text: str,
                                                expected: str) -> None:
    assert pieces(shipped.splitter("zh"), text) == expected


def omegat_chinese_only(shipped: SrxDocument) -> SrxDocument:
    """The shipped rules without the extra Chinese cuts, as the rules file says to do."""
    maps = tuple(m for m in shipped.maps if m.rule_name != "ruzh-chinese-extra")
    assert len(maps) == len(shipped.maps) - 1
    return dataclasses.replace(shipped, maps=maps)


def test_probe_file_cases_hold_in_context(shipped: SrxDocument) -> None:
    """OmegaT reads the probe file as one block; every table case found in it comes out as the
    table says, with the lines around it."""
    if not PROBE_FILE.is_file():
        pytest.skip(f"{PROBE_FILE} not found: shared/ must sit beside the repository")
    text = PROBE_FILE.read_text(encoding="utf-8").strip()
    segments = [text[s:e] for s, e in shipped.splitter("ru").split(text)]
    joined = "\n".join(segments)
    found = 0
    for case, expected in PROBE_CASES:
        if case in text and "\n" not in case:
            found += 1
            assert "\n".join(expected.split(" | ")) in joined, case
    assert found >= 30


def test_spans_cover_every_character_of_the_corpus(shipped: SrxDocument) -> None:
    for path in sorted(CORPUS.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        for paragraph in label_paragraphs(text):
            piece = text[paragraph.start : paragraph.end]
            assert_covers_once(piece, shipped.splitter(paragraph.lang).split(piece))
    assert_covers_once("  А.  Б.  ", shipped.splitter("ru").split("  А.  Б.  "))
    assert shipped.splitter("ru").split("   ") == []
    assert shipped.splitter("ru").split("") == []


# --- OmegaT's own rules file, read by our reader ---


def test_omegat_rules_file_is_read_and_cascades(omegat_rules: SrxDocument) -> None:
    # no cascade attribute in OmegaT's header: read as cascading, as OmegaT does
    assert omegat_rules.cascade
    assert omegat_rules.rule_names_for("ru") == ["Russian", "Default", "Text", "HTML"]
    assert omegat_rules.rule_names_for("RU-ru") == ["Russian", "Default", "Text", "HTML"]
    assert omegat_rules.rule_names_for("zh-CN") == ["Chinese", "Default", "Text", "HTML"]


@pytest.mark.parametrize(("text", "expected"), PROBE_CASES[::3], ids=[c[0][:30] for c in
                                                                      PROBE_CASES[::3]])
def test_omegat_rules_file_gives_omegat_segments(omegat_rules: SrxDocument, text: str,
                                                 expected: str) -> None:
    assert pieces(omegat_rules.splitter("ru"), text) == expected


def test_shipped_rules_agree_with_omegat_rules_file(omegat_rules: SrxDocument,
                                                    shipped: SrxDocument) -> None:
    texts = [*russian_paragraphs(ARTICLE), *(case for case, _ in PROBE_CASES)]
    for text in texts:
        assert pieces(shipped.splitter("ru"), text) == pieces(omegat_rules.splitter("ru"), text)
    article = ARTICLE.read_text(encoding="utf-8")
    chinese = [article[p.start : p.end] for p in label_paragraphs(article) if p.lang == "zh"]
    faithful = omegat_chinese_only(shipped)
    cases = [case for case, _ in ZH_CASES + ZH_EXTRA_CASES if "？！" not in case]
    for text in [*chinese, *cases]:
        assert pieces(faithful.splitter("zh"), text) == pieces(omegat_rules.splitter("zh"), text)
    for text, _ in ZH_CASES:
        assert pieces(shipped.splitter("zh"), text) == pieces(omegat_rules.splitter("zh"), text)
    for text, _ in ZH_EXTRA_CASES:
        assert pieces(shipped.splitter("zh"), text) != pieces(omegat_rules.splitter("zh"), text)


# --- a user's SRX file ---

USER_SRX = """<?xml version="1.0" encoding="UTF-8"?>
<srx xmlns="http://www.lisa.org/srx20" version="2.0">
  <header segmentsubflows="yes" cascade="{cascade}"><formathandle type="start" include="no"/>
  </header>
  <body>
    <languagerules>
      <languagerule languagerulename="ru-abbr">
        <rule break="no">
          <beforebreak>\\b(?:г|ул)\\.</beforebreak><afterbreak>\\s</afterbreak>
        </rule>
      </languagerule>
      <languagerule languagerulename="zh-comma">
        <rule><beforebreak>，</beforebreak></rule>
      </languagerule>
      <languagerule languagerulename="all">
        <rule break="yes"><beforebreak>[.?!]</beforebreak><afterbreak>\\s</afterbreak></rule>
      </languagerule>
    </languagerules>
    <maprules>
      <languagemap languagepattern="RU.*" languagerulename="ru-abbr"/>
      <languagemap languagepattern="zh" languagerulename="zh-comma"/>
      <languagemap languagepattern=".*" languagerulename="all"/>
    </maprules>
  </body>
</srx>
"""


def write_srx(tmp_path: Path, text: str, name: str = "mine.srx") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_user_file_is_used_for_both_languages(tmp_path: Path) -> None:
    path = write_srx(tmp_path, USER_SRX.format(cascade="yes"))
    splitters = get_splitters(False, f"srx:{path}")
    assert isinstance(splitters["ru"], SrxSplitter) and isinstance(splitters["zh"], SrxSplitter)
    ru, zh = splitters["ru"], splitters["zh"]
    # the first matching rule wins: the no-break exception comes before the break rule
    assert pieces(ru, "В 2025 г. на ул. Ленина. Потом ушли.") == \
        "В 2025 г. на ул. Ленина. | Потом ушли."
    # a rule without <afterbreak> and without break= breaks (SRX defaults)
    assert pieces(zh, "你好，朋友。再见. Bye") == "你好， | 朋友。再见. | Bye"
    assert ru.signature.startswith("srx-mine@") and ru.signature.endswith("/ru")
    assert ru.signature != get_splitters(False, "srx")["ru"].signature
    document = SrxDocument.from_file(path)
    assert document.segment_subflows
    assert document.format_handles == ({"type": "start", "include": "no"},)


def test_cascade_no_applies_only_the_first_matching_map(tmp_path: Path) -> None:
    path = write_srx(tmp_path, USER_SRX.format(cascade="no"))
    document = SrxDocument.from_file(path)
    assert document.rule_names_for("ru") == ["ru-abbr"]
    assert document.rule_names_for("en") == ["all"]
    # only no-break rules for ru: nothing ever breaks
    assert pieces(document.splitter("ru"), "Раз. Два.") == "Раз. Два."
    assert pieces(document.splitter("en"), "One. Two.") == "One. | Two."


def test_presplit_and_default_are_unchanged(tmp_path: Path) -> None:
    default = get_splitters(False)
    assert isinstance(default["ru"], RussianSplitter)
    assert isinstance(default["zh"], ChineseSplitter)
    assert isinstance(get_splitters(True, "srx")["ru"], LineSplitter)
    shipped = get_splitters(False, "srx")
    assert shipped["ru"].signature.startswith("srx-ruzh@")
    assert shipped["zh"].signature.endswith("/zh")


# --- errors ---


@pytest.mark.parametrize("value", ["omegat", "SRX", "srx:", "srx:  ", ""])
def test_unknown_segmentation_value(value: str) -> None:
    with pytest.raises(ValueError, match="segmentation") as error:
        get_splitters(False, value)
    assert "srx:" in str(error.value)
    with pytest.raises(ValueError):
        get_splitters(True, value)


BROKEN = {
    "missing": (None, "cannot be read"),
    "not_xml": ("<srx><body>", "not well-formed XML"),
    "wrong_root": ("<tmx version='1.4'/>", "not an SRX <srx>"),
    "bad_regex": (USER_SRX.replace("[.?!]", "[.?!"), "languagerule 'all', rule 1"),
    "bad_break": (USER_SRX.replace('break="no"', 'break="maybe"'), 'break="maybe"'),
    "unknown_rule": (USER_SRX.replace('languagerulename="all"/>', 'languagerulename="x"/>'),
                     "languagerule 'x', which the file does not define"),
    "no_zh": (USER_SRX.replace('"zh"', '"ja"').replace('".*"', '"en"'),
              "no languagemap matches language 'zh'"),
    "no_maps": (USER_SRX.split("<maprules>")[0] + "</body></srx>", "no <languagemap>"),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_bad_srx_file_names_file_and_problem(tmp_path: Path, case: str) -> None:
    content, problem = BROKEN[case]
    path = tmp_path / f"{case}.srx"
    if content is not None:
        path.write_text(content.format(cascade="yes"), encoding="utf-8")
    with pytest.raises(ValueError) as error:
        get_splitters(False, f"srx:{path}")
    assert isinstance(error.value, SrxError)
    assert str(path) in str(error.value)
    assert problem in str(error.value)


# --- Java regular expressions ---


@pytest.mark.parametrize(("java", "text", "matches"), [
    (r"a\sb", "a b", True),
    (r"a\sb", f"a{NBSP}b", False),  # Java's \s is ASCII: a no-break space is not white space
    (r"a\hb", f"a{NBSP}b", True),
    (r"a[\s,]b", f"a{NBSP}b", False),
    (r"a[^\S]b", "a\tb", True),
    (r"\d", "٣", False),
    (r"\w", "ж", False),
    (r"\p{Lower}", "ж", False),
    (r"(?U)\p{Lower}", "ж", True),
    (r"(?U)\s", NBSP, True),
    (r"\p{javaLowerCase}", "ж", True),
    (r"\p{IsLu}", "Ж", True),
    (r"\p{IsCyrillic}", "ж", True),
    (r"\p{InCJK_Symbols_and_Punctuation}", "。", True),
    (r"a.b", "a\rb", False),
    (r"(?s)a.b", "a\rb", True),
    (r"a$\r\n", "a\r\n", True),  # Java's $ also stands before a final \r\n
    (r"a$\n", "a\n", True),
    (r"\Qa.b\E", "axb", False),
    (r"\Qa.b\E", "a.b", True),
    (r"x{1,2}+x", "xx", False),  # possessive
    (r"(?>x+)x", "xx", False),  # atomic
    (r"[a-z&&[^x]]", "x", False),
    (r"[a-z&&[^x]]", "y", True),
    (r"[a-d[m-p]]", "n", True),
    (r"[+--]", ",", True),  # a range that ends in "-"
    (r"[-a]", "-", True),
    (r"[a||b]", "|", True),
    (r"\x{1F600}", "\U0001f600", True),
    (r"\u0416", "Ж", True),
    (r"\0101", "A", True),
    (r"(?i)т\.е\.", "Т.Е.", True),  # case folding in every script, as OmegaT compiles
    (r"(?:(?i)a)B", "AB", True),
    (r"(?:(?i)a)B", "Ab", False),  # an inline flag ends with its group, as in Java
    (r"(a)\1", "aa", True),
    (r"\R", "\r\n", True),
])
def test_java_regex_semantics(java: str, text: str, matches: bool) -> None:
    assert bool(compile_java(java).fullmatch(text)) is matches, translate_java_regex(java)


def test_back_references_survive_group_offset() -> None:
    assert translate_java_regex(r"(a)\1", group_offset=2) == r"(a)\g<3>"


# --- OmegaT itself (slow: one JVM run each) ---


TINY_TMX = """<?xml version="1.0" encoding="UTF-8"?>
<tmx version="1.4"><header creationtool="test" creationtoolversion="1" segtype="sentence"
o-tmf="test" adminlang="en" srclang="ru" datatype="plaintext"/>
<body><tu><tuv xml:lang="ru"><seg>Конец.</seg></tuv><tuv xml:lang="zh-CN"><seg>完。</seg></tuv></tu>
</body></tmx>
"""


def omegat_segments(source_text: str, tmp_path: Path) -> list[str]:
    """OmegaT's segments of a Russian text (any TMX will do: only the segmentation is read)."""
    if reason := omegat_available():
        pytest.skip(reason)
    tmx = tmp_path / "tiny.tmx"
    tmx.write_text(TINY_TMX, encoding="utf-8")
    return list(fill_from_tmx(tmx, source_text).segments)


@pytest.mark.slow
def test_article_is_cut_exactly_like_omegat(shipped: SrxDocument, tmp_path: Path) -> None:
    paragraphs = russian_paragraphs(ARTICLE)
    reference = omegat_segments("\n\n".join(paragraphs) + "\n", tmp_path)
    splitter = shipped.splitter("ru")
    ours = [p[s:e] for p in paragraphs for s, e in splitter.split(p)]
    default = [p[s:e] for p in paragraphs for s, e in RussianSplitter().split(p)]
    share, default_share = agreement(reference, ours), agreement(reference, default)
    print(f"\nOmegaT {len(reference)} segments; SRX splitter {len(ours)}, agreement {share:.1%}; "
          f"default splitter {len(default)}, agreement {default_share:.1%}")
    assert share >= 0.95, difflib.unified_diff(reference, ours, lineterm="")
    assert share > default_share


@pytest.mark.slow
def test_probe_file_is_cut_exactly_like_omegat(shipped: SrxDocument, tmp_path: Path) -> None:
    if not PROBE_FILE.is_file():
        pytest.skip(f"{PROBE_FILE} not found")
    text = PROBE_FILE.read_text(encoding="utf-8")
    reference = omegat_segments(text, tmp_path)
    # OmegaT's plain-text filter: a paragraph is a block between empty lines
    blocks = [block.strip() for block in text.split("\n\n") if block.strip()]
    ours = [b[s:e] for b in blocks for s, e in shipped.splitter("ru").split(b)]
    assert ours == reference
