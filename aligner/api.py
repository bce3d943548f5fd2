"""The researcher's entry points: a folder or two strings in, a typed DataFrame out.

Both functions run the pipeline's own stages (``aligner.pipeline``) and return
:func:`aligner.export.to_dataframe` of the result: the CSV's columns, with
nullable ``Int64`` offsets and paragraph numbers, a ``float64`` score, a
categorical ``type`` and the run's signature in ``df.attrs["signature"]``.

Options are the fields of :class:`aligner.config.RunConfig` (``encoder``,
``presplit``, ``segmentation``, ``main_text``, ``batch_size``, ``laser_dir``,
``aligner``) and, for convenience, the fields of :class:`aligner.config.AlignerSettings` given flat
(``null_cost=0.6``), which override those of ``aligner``.  ``encoder`` may be a
name (``"use"``, ``"laser"``) or an encoder object from
:func:`aligner.get_encoder`, which lets a loaded model serve many calls.
"""

from __future__ import annotations

import difflib
import os
import warnings
from dataclasses import asdict, fields, replace
from pathlib import Path
from typing import Any

import pandas as pd

from aligner.config import AlignerSettings, RunConfig
from aligner.embed import Encoder
from aligner.export.table import to_dataframe
from aligner.language import label_paragraphs
from aligner.model import CorpusResult, Document, DocumentPair, Lang, Paragraph, SourceFile
from aligner.pipeline import align_corpus_dir
from aligner.work import align_pair as align_document_pair
from aligner.work import prepare_run

#: document id of the one document :func:`align_pair` aligns
PAIR_DOC_ID = "pair"
#: what :func:`align_pair` puts in ``ru_file`` / ``zh_file``: the language, as there is no file
PAIR_FILES: dict[Lang, str] = {"ru": "ru", "zh": "zh"}

_RUN_OPTIONS = [f.name for f in fields(RunConfig)]
_ALIGNER_OPTIONS = [f.name for f in fields(AlignerSettings)]


def _run_config(function: str, options: dict[str, Any]) -> tuple[RunConfig, Encoder | None]:
    """The RunConfig the options describe, and the encoder object if one was passed."""
    known = [*_RUN_OPTIONS, *_ALIGNER_OPTIONS]
    for name in options:
        if name not in known:
            close = difflib.get_close_matches(name, known, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise TypeError(f"{function}() got an unexpected option {name!r}{hint}; "
                            f"options are: {', '.join(known)}")
    run = {name: options[name] for name in _RUN_OPTIONS if name in options}
    encoder = run.get("encoder")
    if isinstance(encoder, Encoder):
        run["encoder"] = encoder.name
    else:
        encoder = None
    if isinstance(run.get("aligner"), dict):
        run["aligner"] = AlignerSettings(**run["aligner"])
    for folder in ("laser_dir", "cache_dir"):
        if run.get(folder) is not None:
            run[folder] = Path(run[folder])
    config = RunConfig(**run)
    flat = {name: options[name] for name in _ALIGNER_OPTIONS if name in options}
    if flat:
        config = replace(config, aligner=replace(config.aligner, **flat))
    return config, encoder


def _frame(result: CorpusResult) -> pd.DataFrame:
    frame = to_dataframe(result)
    frame.attrs["skipped_files"] = [asdict(problem) for problem in result.problems]
    return frame


def align_corpus(path: str | os.PathLike[str], *, progress: bool = False,
                 **options: Any) -> pd.DataFrame:
    """Align every document under the folder ``path`` (read recursively), as ``ruzh-align run``.

    Returns one row per bead, unaligned sentences and documents with no partner included,
    with the CSV's columns and types; ``df.attrs["signature"]`` is the run's signature and
    ``df.attrs["skipped_files"]`` lists the files that could not be used (``rel``, ``reason``),
    which are also reported as a warning.  ``progress=True`` shows a progress bar.
    Other options: see the module's docstring; an unknown one raises TypeError.

    >>> import aligner
    >>> df = aligner.align_corpus("corpus")                       # doctest: +SKIP
    >>> df.attrs["signature"].startswith("ruzh-aligner:")         # doctest: +SKIP
    True
    >>> df[df.score >= 0.8][["ru_text", "zh_text"]]               # doctest: +SKIP
    """
    config, encoder = _run_config("align_corpus", options)
    result = align_corpus_dir(Path(path), config, progress=progress, encoder=encoder)
    if result.problems:
        listed = "; ".join(f"{p.rel}: {p.reason}" for p in result.problems)
        warnings.warn(f"skipped {len(result.problems)} file(s): {listed}", stacklevel=2)
    return _frame(result)


def _document(lang: Lang, text: str) -> Document | None:
    """One side of :func:`align_pair`: every non-empty line of ``text`` is a paragraph of ``lang``.

    The caller said which language the text is in, so a line of the other script (a quoted
    Chinese name on its own line) stays on this side instead of being cut out as the script
    decides in a file; the line detection and trimming are the language stage's.
    """
    pieces = label_paragraphs(text)
    if not pieces:
        if text.strip():
            raise ValueError(f"{lang}_text holds no {'Cyrillic' if lang == 'ru' else 'Han'} "
                             "text at all")
        return None
    if all(piece.lang != lang for piece in pieces):
        other = "zh" if lang == "ru" else "ru"
        raise ValueError(f"{lang}_text holds only {other} text; were the two texts swapped?")
    lines: dict[int, Paragraph] = {}
    for piece in pieces:  # a line label_paragraphs cut at a script boundary is one paragraph
        first = lines.get(piece.index, piece)
        lines[piece.index] = Paragraph(piece.index, first.start, piece.end, lang)
    source = SourceFile(path=Path(PAIR_FILES[lang]), rel=PAIR_FILES[lang], text=text,
                        encoding="str")
    return Document(PAIR_DOC_ID, lang, source, tuple(lines.values()))


def align_pair(ru_text: str, zh_text: str, **options: Any) -> pd.DataFrame:
    """Align a Russian text with its Chinese translation, both given as strings.

    Each non-empty line is a paragraph (with ``presplit=True``, a sentence).  The result has
    the same columns and types as :func:`align_corpus`, for one document whose ``doc`` is
    ``"pair"`` and whose ``ru_file`` / ``zh_file`` are ``"ru"`` / ``"zh"`` (empty on the side
    a bead leaves empty); offsets are string indices into ``ru_text`` / ``zh_text``.
    An empty text leaves the other one's sentences unaligned; a text with none of its
    language's script raises ValueError.  Options: see the module's docstring; pass a loaded
    encoder (``encoder=aligner.get_encoder("use")``) to align many pairs without reloading it.

    >>> import aligner
    >>> encoder = aligner.get_encoder("use")
    >>> ru = ("Президент России провёл переговоры с председателем КНР. "
    ...       "Стороны обсудили торговлю.\\n"
    ...       "Погода в Москве сегодня солнечная.\\nВстреча продлилась полтора часа.")
    >>> zh = "俄罗斯总统与中国国家主席举行了会谈。双方讨论了贸易。\\n会谈持续了一个半小时。"
    >>> df = aligner.align_pair(ru, zh, encoder=encoder)
    >>> for bead in df.itertuples():
    ...     print(bead.type, bead.ru_text[:30], "->", bead.zh_text or "(unaligned)")
    1-1 Президент России провёл перего -> 俄罗斯总统与中国国家主席举行了会谈。
    1-1 Стороны обсудили торговлю. -> 双方讨论了贸易。
    1-0 Погода в Москве сегодня солнеч -> (unaligned)
    1-1 Встреча продлилась полтора час -> 会谈持续了一个半小时。
    >>> ru[df.ru_start[1]:df.ru_end[1]]
    'Стороны обсудили торговлю.'
    """
    config, encoder = _run_config("align_pair", options)
    pair = DocumentPair(PAIR_DOC_ID, _document("ru", ru_text), _document("zh", zh_text))
    splitters, encoder, signature = prepare_run(config, encoder)
    document = align_document_pair(pair, splitters, encoder, config)
    return _frame(CorpusResult(documents=[document], files_read=0, signature=signature))
