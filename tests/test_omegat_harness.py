"""tests/omegat.py must give the same counts as the reference harness in shared/tools/tmxcheck.

omegat_check.sh on the same files reports: the hand-written sample 12/12; paragraph-sized
units marked segtype="sentence" 2/12, because only the two one-sentence paragraphs are
OmegaT segments; broken XML "0/12 [TMX REJECTED]". The samples are read from shared/,
which sits beside the repository clone (locally and in CI). They are not copied into the
repository, so the two tools keep judging the same files.
"""

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from omegat import OmegatResult, fill_from_tmx, omegat_available

SAMPLES = Path(__file__).resolve().parents[2] / "shared" / "tools" / "tmxcheck" / "samples"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def tmx_sides(tmx: Path, lang: str) -> list[str]:
    """The segs of one language in file order (the sample has plain-text segs only)."""
    return [
        tuv.findtext("seg", default="")
        for tuv in ET.parse(tmx).getroot().iter("tuv")
        if tuv.get(XML_LANG) == lang
    ]


@pytest.fixture(scope="module")
def source_text() -> str:
    if reason := omegat_available():
        pytest.skip(reason)
    if not SAMPLES.is_dir():
        pytest.skip(f"reference samples not found at {SAMPLES}: shared/ must sit beside the repo")
    return (SAMPLES / "sample_ru_source.txt").read_text(encoding="utf-8")


@pytest.mark.slow
def test_sample_is_filled_completely(source_text: str) -> None:
    tmx = SAMPLES / "sample_ru_zh.tmx"
    result = fill_from_tmx(tmx, source_text)
    assert not result.rejected
    assert (result.filled, result.total) == (12, 12)
    # The hand-written units are exactly OmegaT's segments, in document order.
    # OmegaT inserted their zh-CN sides verbatim, including the NBSP in pair 4.
    assert list(result.segments) == tmx_sides(tmx, "ru")
    assert list(result.translations) == tmx_sides(tmx, "zh-CN")


@pytest.mark.slow
def test_paragraph_units_match_only_one_sentence_paragraphs(source_text: str) -> None:
    result = fill_from_tmx(
        SAMPLES / "variants" / "paragraph_units_segtype_sentence.tmx", source_text
    )
    assert not result.rejected
    assert (result.filled, result.total) == (2, 12)
    filled = [s for s, t in zip(result.segments, result.translations, strict=True) if t]
    paragraphs = [p.strip() for p in source_text.split("\n\n")]
    assert filled == [p for p in paragraphs if p in result.segments]  # paragraphs 2 and 5


@pytest.mark.slow
def test_broken_xml_is_rejected_as_a_whole(source_text: str) -> None:
    # The XML error is in unit 5, yet OmegaT uses none of units 1-4 either.
    result = fill_from_tmx(SAMPLES / "variants" / "bad_xml.tmx", source_text)
    assert result.rejected
    assert "XMLStreamException" in result.log
    assert (result.filled, result.total) == (0, 12)
    assert result.translations == (None,) * 12


def test_filled_counts_only_chinese_translations() -> None:
    result = OmegatResult(
        segments=("Глава 3.", "2025", "Конец.", "Конец."),
        translations=("第三章。", "2025", None, "终。"),
        rejected=False,
        log="",
    )
    assert (result.filled, result.total) == (2, 4)
