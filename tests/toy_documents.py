"""Hand-made documents for exporter and editor tests: exact offsets without a reader."""

from __future__ import annotations

from pathlib import Path

from aligner.model import Document, Paragraph, Sentence, SourceFile


def sentence_per_line(doc_id: str, rel: str, lang: str, sentences: list[str]
                      ) -> tuple[Document, tuple[Sentence, ...]]:
    """One file holding the sentences, one per line, with their exact offsets."""
    records, start = [], 0
    for index, text in enumerate(sentences):
        records.append(Sentence(text, start, start + len(text), index))
        start += len(text) + 1
    source = SourceFile(Path("/corpus") / rel, rel, "\n".join(sentences) + "\n", "utf_8")
    paragraphs = tuple(Paragraph(s.paragraph, s.start, s.end, lang) for s in records)
    return Document(doc_id, lang, source, paragraphs), tuple(records)
