"""Ids that corrections are keyed by: offsets, never row numbers."""

from pathlib import Path

from aligner.model import (
    AlignedDocument,
    Bead,
    Document,
    DocumentPair,
    Paragraph,
    Sentence,
    SourceFile,
)


def _document() -> AlignedDocument:
    text = "Первое. Второе.\n第一。"
    source = SourceFile(Path("a.txt"), "a.txt", text, "utf-8")
    ru = Document("a", "ru", source, (Paragraph(0, 0, 15, "ru"),))
    zh = Document("a", "zh", source, (Paragraph(1, 16, 19, "zh"),))
    return AlignedDocument(
        DocumentPair("a", ru, zh),
        (Sentence("Первое.", 0, 7, 0), Sentence("Второе.", 8, 15, 0)),
        (Sentence("第一。", 16, 19, 1),),
        (Bead((0, 1), (0,), 0.9), Bead((), (0,), 0.1)),
    )


def test_sentence_id_is_language_and_offsets() -> None:
    document = _document()
    assert document.sentence_id("ru", 1) == "ru:8-15"
    assert document.sentence_id("zh", 0) == "zh:16-19"


def test_bead_id_names_document_and_first_sentence() -> None:
    document = _document()
    assert document.bead_id(document.beads[0]) == "a/ru:0-7"
    assert document.bead_id(document.beads[1]) == "a/zh:16-19"


def test_new_beads_are_auto() -> None:
    assert Bead((0,), (0,), 0.7).status == "auto"
