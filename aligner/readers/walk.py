"""Listing a corpus folder: every file under it, and a reason for every entry that is not one.

Real corpora hold more than articles: broken or looping symbolic links, folders
that cannot be listed, pipes.  Every such entry becomes a ``FileProblem`` in
words, never a crash, so that one bad entry never costs the user the others.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from aligner.model import FileProblem


def walk_corpus(root: Path) -> Iterator[Path | FileProblem]:
    """Every file under ``root``, and a FileProblem for every entry that cannot be one.

    Entries come sorted by relative path, so the same folder always gives the
    same output, byte for byte; hidden entries (a name starting with a dot)
    are skipped.  Problems are folders that cannot be listed, broken and
    looping symbolic links, and pipes, sockets or devices.

    Symbolic links are followed to files and folders outside the corpus (each
    such folder once).  A link into the corpus is not followed, since its
    target is read in its own place, and a link back to a folder above it
    would never end.
    """
    real_root = Path(os.path.realpath(root))
    yield from _walk(_Walk(root, real_root, {}), root, [real_root])


def find_files(root: Path) -> Iterator[Path]:
    """The files of :func:`walk_corpus`, for callers that report nothing about the rest."""
    return (entry for entry in walk_corpus(root) if isinstance(entry, Path))


@dataclass(frozen=True)
class _Walk:
    """One walk's fixed points, and the folders outside the corpus it has read so far."""

    root: Path
    real_root: Path
    outside: dict[Path, str]  # real path -> the path it was read under

    def rel(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()


def _walk(walk: _Walk, folder: Path, branch: list[Path]) -> Iterator[Path | FileProblem]:
    """Walk ``folder``; ``branch`` holds the real paths of the folders from the root down to it."""
    try:
        with os.scandir(folder) as listing:
            names = sorted(entry.name for entry in listing)
    except OSError as error:
        yield FileProblem(walk.rel(folder), f"folder cannot be listed: {error.strerror}")
        return
    for name in names:
        if name.startswith("."):
            continue
        path = folder / name
        try:
            mode = path.stat().st_mode
        except OSError as error:
            yield FileProblem(walk.rel(path), os_reason(path, error))
            continue
        real = Path(os.path.realpath(path))
        if path.is_symlink() and (reason := _unfollowed_link(walk, real, mode, branch)):
            yield FileProblem(walk.rel(path), reason)
        elif stat.S_ISREG(mode):
            yield path
        elif stat.S_ISDIR(mode):
            if not real.is_relative_to(walk.real_root):
                walk.outside[real] = walk.rel(path)
            yield from _walk(walk, path, [*branch, real])
        else:
            yield FileProblem(walk.rel(path),
                              f"cannot be read: it is {describe_mode(mode)}, not a file")


def _unfollowed_link(walk: _Walk, target: Path, mode: int, branch: list[Path]) -> str | None:
    """Why a symbolic link to ``target`` (real path, of ``mode``) is not followed, or None."""
    is_folder = stat.S_ISDIR(mode)
    if is_folder and (target in branch or target in walk.real_root.parents):
        return (f"is a symbolic link loop: it points back to {_shown(walk, target)}, which "
                "holds it; not followed")
    if target.is_relative_to(walk.real_root):
        inside = target.relative_to(walk.real_root)
        if not any(part.startswith(".") for part in inside.parts):
            return (f"is a symbolic link to {_shown(walk, target)}, which is read in its own "
                    "place; not followed")
    if is_folder and target in walk.outside:
        return (f"is a symbolic link to a folder already read as {walk.outside[target]!r}; "
                "not followed")
    return None


def _shown(walk: _Walk, target: Path) -> str:
    """A link's target as the user knows it: relative to the corpus where it lies inside."""
    if target == walk.real_root:
        return "the corpus folder"
    if target.is_relative_to(walk.real_root):
        return repr(target.relative_to(walk.real_root).as_posix())
    return repr(str(target))


def describe_mode(mode: int) -> str:
    """What a file-system entry that is not a regular file is, in words."""
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a device"


def os_reason(path: Path, error: OSError) -> str:
    """Why ``path`` cannot be opened, naming a broken or looping symbolic link as such."""
    if error.errno == errno.ELOOP:
        return "is a symbolic link loop (its links never reach a file)"
    if error.errno == errno.ENOENT and path.is_symlink():
        return f"is a broken symbolic link (its target {os.readlink(path)!r} does not exist)"
    return f"cannot be read: {error.strerror}"
