"""Finding input files and decoding them into text whose offsets never move.

Decoding is left to charset-normalizer, with the BOMs and the encodings our
users really send (UTF-8, UTF-16, GB18030, CP1251, KOI8-R) tried first: a
detector alone confuses short Cyrillic texts between the Cyrillic code pages.
The decoded text is kept exactly as it is; only a copy is ever normalised.
"""

from __future__ import annotations

import codecs
from collections.abc import Iterator
from pathlib import Path

from charset_normalizer import from_bytes

from aligner.model import SourceFile

_BOMS = (
    (codecs.BOM_UTF8, "utf_8_sig"),
    (codecs.BOM_UTF32_LE, "utf_32"),
    (codecs.BOM_UTF32_BE, "utf_32"),
    (codecs.BOM_UTF16_LE, "utf_16"),
    (codecs.BOM_UTF16_BE, "utf_16"),
)
# The encodings this corpus family arrives in, in the order charset-normalizer
# should prefer them when several decode the bytes.
PREFERRED_ENCODINGS = ["utf_8", "gb18030", "cp1251", "koi8_r", "utf_16"]


class ReadError(ValueError):
    """A file that cannot be used as text; str() names the problem, the caller adds the file."""


def find_files(root: Path) -> Iterator[Path]:
    """Yield the regular files under ``root`` in a stable order, skipping hidden ones.

    The order is sorted by relative path so that the same folder always gives
    the same output, byte for byte.
    """
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        if any(part.startswith(".") for part in relative.parts):
            continue
        if path.is_file():
            yield path


def decode(data: bytes) -> tuple[str, str]:
    """Return ``(text, encoding)`` for raw bytes, or raise ReadError saying why not."""
    text, encoding = _decode(data)
    # Checked on every path: BOM-less UTF-16 and many binaries are valid UTF-8 byte for byte.
    if "\x00" in text:
        raise ReadError("holds NUL characters (binary file, or UTF-16 without a byte-order mark?)")
    return text, encoding


def _decode(data: bytes) -> tuple[str, str]:
    if not data.strip():
        raise ReadError("file is empty")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding
            except UnicodeDecodeError as error:
                raise ReadError(f"starts with a {encoding} byte-order mark but does not decode: "
                                f"{error.reason} at byte {error.start}") from None
    try:
        return data.decode("utf_8"), "utf_8"
    except UnicodeDecodeError:
        pass
    match = from_bytes(data, cp_isolation=PREFERRED_ENCODINGS).best()
    if match is None:
        match = from_bytes(data).best()
    if match is None:
        raise ReadError("bytes do not decode in any known text encoding (binary file?)")
    return str(match), match.encoding


def read_file(path: Path, root: Path) -> SourceFile:
    """Read and decode one file; ``rel`` is its path relative to the corpus folder."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ReadError(f"cannot be read: {error.strerror}") from None
    text, encoding = decode(data)
    if not text.strip():
        raise ReadError("holds only whitespace")
    rel = path.relative_to(root).as_posix()
    return SourceFile(path=path, rel=rel, text=text, encoding=encoding)
