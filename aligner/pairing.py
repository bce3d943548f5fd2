"""Deciding which Russian text is the translation of which Chinese text.

Two ways are recognised: one file holding both languages, and a name pair
``NAME.ru.EXT`` / ``NAME.zh.EXT``.  Everything else stays unpaired (and still
reaches the output, as unaligned sentences): forcing a partner on an article
that has none would put false pairs into a translation memory.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from aligner.model import LANGS, Document, DocumentPair, Lang, Paragraph, SourceFile

_LANG_SUFFIX = re.compile(r"^(?P<name>.+)\.(?P<lang>ru|zh)$", re.IGNORECASE)


@dataclass(frozen=True)
class LabelledFile:
    """A decoded file with its language-labelled paragraphs (the language stage's output)."""

    file: SourceFile
    paragraphs: tuple[Paragraph, ...]

    @property
    def languages(self) -> set[Lang]:
        return {p.lang for p in self.paragraphs}

    def document(self, doc_id: str, lang: Lang) -> Document:
        paragraphs = tuple(p for p in self.paragraphs if p.lang == lang)
        return Document(doc_id=doc_id, lang=lang, file=self.file, paragraphs=paragraphs)


def split_name(rel: str) -> tuple[str, str | None]:
    """``'a/NAME.ru.txt'`` -> ``('a/NAME', 'ru')``; a name without a language suffix gives None.

    The extension is dropped first (any extension, or none), then a ``.ru`` /
    ``.zh`` suffix if one is there.
    """
    stem = rel.rsplit("/", 1)
    base = stem[-1]
    if "." in base and not _LANG_SUFFIX.match(base):
        base = base.rsplit(".", 1)[0]
    match = _LANG_SUFFIX.match(base)
    name, lang = (match["name"], match["lang"].lower()) if match else (base, None)
    return ("/".join([*stem[:-1], name]), lang)


def pair_documents(files: list[LabelledFile]) -> list[DocumentPair]:
    """Group labelled files into document pairs and unpaired documents, sorted by id."""
    pairs: list[DocumentPair] = []
    by_name: dict[str, list[LabelledFile]] = defaultdict(list)
    for labelled in files:
        doc_id, suffix = split_name(labelled.file.rel)
        if labelled.languages == set(LANGS):
            pairs.append(DocumentPair(doc_id, labelled.document(doc_id, "ru"),
                                      labelled.document(doc_id, "zh")))
        elif suffix is None:
            pairs.append(_alone(doc_id, labelled))
        else:
            by_name[doc_id].append(labelled)
    for doc_id, group in by_name.items():
        ru = [f for f in group if f.languages == {"ru"}]
        zh = [f for f in group if f.languages == {"zh"}]
        if len(ru) == 1 and len(zh) == 1:
            pairs.append(DocumentPair(doc_id, ru[0].document(doc_id, "ru"),
                                      zh[0].document(doc_id, "zh")))
        elif len(group) == 1:
            pairs.append(_alone(doc_id, group[0]))
        else:
            # Two files of one language under one name: neither can be chosen
            # over the other, so each is reported under its own file name.
            pairs.extend(_alone(f.file.rel, f) for f in group)
    return sorted(pairs, key=lambda pair: pair.doc_id)


def _alone(doc_id: str, labelled: LabelledFile) -> DocumentPair:
    (lang,) = labelled.languages
    document = labelled.document(doc_id, lang)
    return DocumentPair(doc_id, document if lang == "ru" else None,
                        document if lang == "zh" else None)
