"""Reading a TMX back into a DataFrame: ours, or another tool's.

Our own props (``x-doc``, ``x-type``, ``x-score`` on a unit, ``x-signature`` in the
header) are read where present and left NA where not.  Languages are told apart by
the primary subtag of ``xml:lang`` (TMX 1.1's ``lang`` too), so ``ru``, ``ru-RU``,
``zh-CN``, ``zh-Hans`` and ``ZH_tw`` all count.  The file is parsed incrementally and
never fetches a DTD or resolves entities, so a large or hostile file is safe to open.
A TMX holds no offsets or paragraph numbers, so only these five columns come back.
"""

from __future__ import annotations

import os
from typing import IO

import pandas as pd
from lxml import etree

from aligner.export.tmx import XML_LANG

#: the columns :func:`read_tmx` returns, in the CSV's order
TMX_COLUMNS = ["doc", "ru_text", "zh_text", "score", "type"]
# Inline elements whose content is text of the segment; the others (bpt, ept, ph, it, ut)
# hold the original document's formatting codes, which are not.
_TEXT_INLINES = {"hi"}
# pandas' own dtype for a column of strings: "str" from pandas 3 on, object before.
_TEXT_DTYPE = pd.Series(["text"]).dtype


def _lang(tuv: etree._Element) -> str:
    """``'zh-CN'`` -> ``'zh'``; an unmarked variant gives ``''``."""
    code = tuv.get(XML_LANG) or tuv.get("lang") or ""
    return code.replace("_", "-").split("-")[0].strip().lower()


def _segment_text(element: etree._Element) -> str:
    parts = [element.text or ""]
    for child in element:
        if isinstance(child.tag, str) and etree.QName(child).localname in _TEXT_INLINES:
            parts.append(_segment_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _props(element: etree._Element) -> dict[str, str]:
    return {prop.get("type", ""): prop.text or "" for prop in element.iterchildren("{*}prop")}


def _score(text: str | None) -> float | None:
    try:
        return float(text) if text is not None else None
    except ValueError:
        return None


def read_tmx(path: str | os.PathLike[str] | IO[bytes]) -> pd.DataFrame:
    """The translation units of a TMX file as a DataFrame, one row per unit.

    Columns: ``doc`` (str), ``ru_text`` and ``zh_text`` (str; ``""`` where the unit has no
    variant in that language), ``score`` (float64) and ``type`` (category), these three from
    our ``x-doc`` / ``x-score`` / ``x-type`` props and NA where a unit has none.  A unit with
    neither a Russian nor a Chinese variant is left out; where a unit has two variants in one
    language the first is taken.  ``df.attrs["signature"]`` is the header's ``x-signature``
    prop when there is one.

    >>> import io, aligner
    >>> tmx = '''<tmx version="1.4"><header srclang="ru-RU"/><body><tu>
    ...   <tuv xml:lang="ru-RU"><seg>Привет.</seg></tuv>
    ...   <tuv xml:lang="zh-CN"><seg>你好。</seg></tuv>
    ... </tu></body></tmx>'''.encode()
    >>> df = aligner.read_tmx(io.BytesIO(tmx))   # or aligner.read_tmx("output/aligned.tmx")
    >>> df[["ru_text", "zh_text"]].values.tolist(), df.score.isna().tolist()
    ([['Привет.', '你好。']], [True])
    >>> "signature" in df.attrs
    False
    """
    source = os.fspath(path) if isinstance(path, str | os.PathLike) else path
    rows: list[dict[str, object]] = []
    signature: str | None = None
    # "{*}": a tool that puts TMX in a namespace of its own is read all the same.
    events = etree.iterparse(source, events=("end",), tag=("{*}header", "{*}tu"),
                             huge_tree=True, resolve_entities=False, no_network=True,
                             load_dtd=False)
    for _, element in events:
        if etree.QName(element).localname == "header":
            signature = _props(element).get("x-signature")
            continue
        texts: dict[str, str] = {}
        for tuv in element.iterchildren("{*}tuv"):
            lang, seg = _lang(tuv), tuv.find("{*}seg")
            if lang in ("ru", "zh") and lang not in texts and seg is not None:
                texts[lang] = _segment_text(seg)
        if texts:
            props = _props(element)
            rows.append({"doc": props.get("x-doc"), "ru_text": texts.get("ru", ""),
                         "zh_text": texts.get("zh", ""), "score": _score(props.get("x-score")),
                         "type": props.get("x-type")})
        element.clear(keep_tail=True)  # units already read: keep memory flat on big files
        while element.getprevious() is not None:
            del element.getparent()[0]
    frame = pd.DataFrame(rows, columns=TMX_COLUMNS)
    for column in ("doc", "ru_text", "zh_text"):  # even when all NA, as to_dataframe's would be
        frame[column] = frame[column].astype(_TEXT_DTYPE)
    frame["score"] = frame["score"].astype("float64")
    frame["type"] = frame["type"].astype("category")
    if signature is not None:
        frame.attrs["signature"] = signature
    return frame
