"""An on-disk embedding cache, so a re-run, or a run with other aligner options, does not
re-embed what an earlier run already embedded.

Embedding is most of a run's cost, and a run with other aligner settings (penalties,
thresholds, output formats) embeds mostly the same window texts again.  The cache keys a vector
by ``sha256(encoder signature + "\\0" + normalised text)``, so two model versions never
share an entry and a changed model simply misses.

Storage is one SQLite file per cache folder, ``cache-v1.sqlite3`` (bump the version in
the name when the layout changes in a way an older reader would misread):

    vectors(key BLOB PRIMARY KEY,   -- the 32-byte sha256 above
            dim INTEGER NOT NULL,   -- the encoder's dimension, checked on every read
            vector BLOB NOT NULL,   -- dim little-endian float32s, exactly as computed
            used INTEGER NOT NULL)  -- when the row was last written or read (Unix seconds)

``used`` (indexed) was added without a rename, since older readers never select it: a file
written before it existed gets the column on first open, its rows counting as least recently
used.  The cache is held to a size limit (``--cache-max-size``, :data:`DEFAULT_MAX_BYTES` by
default): when a write takes the live data past it, the least recently used rows are deleted
in the same transaction, down to :data:`EVICT_TO` of the limit so that eviction happens in
rare large steps, not on every write.  The size is SQLite's own count of pages in use, which
costs nothing to read; new files use incremental auto-vacuum, so freed pages go back to the
file system, while an older file keeps its size and reuses them.

WAL mode lets several processes (``--jobs N`` workers, a Dask pool, two runs sharing the
cache) read while one writes, as long as they run on one host: WAL needs shared memory, so
SQLite does not support it on a network filesystem shared between machines.  Each ``encode``
call writes its new vectors, and evicts, in one ``BEGIN IMMEDIATE`` transaction, and a key,
once stored, is never overwritten, so what a run reads back is always what some run
computed, bit for bit; a row evicted under another run is only a miss for it, embedded
again to the same bits.  A cache must never cost the user a run: a damaged file is deleted
and recreated, and any other failure (read-only folder, full disk, a lock held too long)
turns caching off for the rest of the run; both with a :class:`CacheWarning`.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import sqlite3
import threading
import time
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import platformdirs

from aligner.embed.base import Encoder, WrappingEncoder, normalise_for_embedding

#: overrides the default cache folder (``--cache-dir`` overrides both)
ENV_VAR = "RUZH_ALIGNER_CACHE"
DB_NAME = "cache-v1.sqlite3"
#: how long a writer waits for another process's transaction before giving up on the cache
LOCK_TIMEOUT_SECONDS = 60.0
PAGE_SIZE = 32768
#: keys per SELECT; below SQLite's historical limit of 999 bound parameters
LOOKUP_CHUNK = 500
#: the limit unless --cache-max-size says otherwise: about two million USE vectors, the
#: sentences and windows of some 15,000 news articles per language
DEFAULT_MAX_BYTES = 4 * 10**9
#: eviction empties the cache down to this share of the limit
EVICT_TO = 0.8
#: at most this many rounds of eviction per write (see CachedEncoder._evict)
EVICT_ROUNDS = 8
#: a row read is marked used again at most this often, so a warm run does not rewrite its
#: whole cache to record reads; eviction order is exact to within this many seconds
TOUCH_AFTER_SECONDS = 60
_UNITS = {"": 1, "b": 1, "k": 10**3, "m": 10**6, "g": 10**9, "t": 10**12,
          "ki": 2**10, "mi": 2**20, "gi": 2**30, "ti": 2**40}
_SIZE = re.compile(r"\s*(\d+(?:\.\d+)?)\s*([kmgt]i?)?b?\s*", re.IGNORECASE)
_STORED = np.dtype("<f4")  # fixed byte order, so a cache folder can move between machines
_CORRUPT = {sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB}

_SCHEMA = """
CREATE TABLE IF NOT EXISTS vectors (
    key BLOB PRIMARY KEY,
    dim INTEGER NOT NULL,
    vector BLOB NOT NULL,
    used INTEGER NOT NULL DEFAULT 0
)
"""
_USE_INDEX = "CREATE INDEX IF NOT EXISTS vectors_by_use ON vectors (used)"
# First writer wins: a concurrent run's copy of the same text is left alone, so stored
# vectors never change under a reader; only a row of the wrong size is replaced.
_INSERT = """
INSERT INTO vectors (key, dim, vector, used) VALUES (?, ?, ?, ?)
ON CONFLICT (key) DO UPDATE SET dim = excluded.dim, vector = excluded.vector,
                                used = excluded.used
WHERE vectors.dim != excluded.dim OR length(vectors.vector) != 4 * excluded.dim
"""
# Oldest first; the key breaks ties, so which rows go never depends on the storage order.
_EVICT = """
DELETE FROM vectors WHERE key IN (SELECT key FROM vectors ORDER BY used, key LIMIT ?)
"""

T = TypeVar("T")


class CacheWarning(UserWarning):
    """The embedding cache could not be used as asked; the run goes on without it."""


def default_cache_dir() -> Path:
    """``$RUZH_ALIGNER_CACHE`` if set, else ``<user cache dir>/ruzh-aligner/embeddings``.

    The user cache directory is where the platform expects disposable data (and what
    backup tools skip); the variable moves it, e.g. to a larger disk, without a flag on
    every command.  On a cluster it should name a folder on each host's local disk.
    """
    chosen = os.environ.get(ENV_VAR)
    if chosen:
        return Path(chosen).expanduser()
    return Path(platformdirs.user_cache_dir("ruzh-aligner", appauthor=False)) / "embeddings"


def parse_size(text: str) -> int | None:
    """Bytes in a size such as ``2GB``, ``500M``, ``1.5GiB`` or ``10000000``; ``none`` for no
    limit.  GB and G are powers of ten (as disks are sold), GiB powers of two."""
    if text.strip().lower() in ("none", "unlimited"):
        return None
    match = _SIZE.fullmatch(text)
    if not match:
        raise ValueError(f"{text!r} is not a size: write it like 2GB, 500MB, 1.5GiB or none")
    return int(float(match[1]) * _UNITS[(match[2] or "").lower()])


def cached(encoder: Encoder, cache_dir: Path | None,
           max_bytes: int | None = DEFAULT_MAX_BYTES) -> Encoder:
    """``encoder`` behind a cache in ``cache_dir`` of at most ``max_bytes`` (``None``: no
    limit); a ``cache_dir`` of ``None`` means no cache."""
    return encoder if cache_dir is None else CachedEncoder(encoder, cache_dir, max_bytes)


def _live_bytes(db: sqlite3.Connection) -> int:
    """The bytes of the pages in use: SQLite's own count, read without a scan."""
    pages, free, size = (db.execute(f"PRAGMA {name}").fetchone()[0]
                         for name in ("page_count", "freelist_count", "page_size"))
    return (pages - free) * size


def _is_corrupt(error: sqlite3.Error) -> bool:
    """True when SQLite says the file itself is damaged, not merely busy or unwritable."""
    code = getattr(error, "sqlite_errorcode", None) or 0
    return (code & 0xFF) in _CORRUPT  # the low byte is the primary code of an extended one


class CachedEncoder(WrappingEncoder):
    """An encoder that embeds only texts it has not seen, through ``inner``.

    It is transparent to the aligner: same ``name``, ``dimension`` and ``signature`` as
    ``inner``, same vectors; ``calls`` counts only the texts sent to ``inner``, since that
    is the cost the benchmarks measure.
    """

    def __init__(self, inner: Encoder, cache_dir: Path,
                 max_bytes: int | None = DEFAULT_MAX_BYTES) -> None:
        super().__init__(inner, inner.batch_size)
        if max_bytes is not None and max_bytes <= 0:
            raise ValueError(f"the cache size limit must be positive, not {max_bytes}")
        self.path = Path(cache_dir) / DB_NAME
        self.max_bytes = max_bytes
        self.evicted = 0  # rows this process deleted to keep the limit
        self._enabled = True
        self._lock = threading.Lock()  # one connection, one transaction at a time
        self._db: sqlite3.Connection | None = None
        self._db_pid = 0

    def _encode_batch(self, texts: list[str]) -> np.ndarray:
        """The base class's hook, routed through the cache like any other request."""
        return self.encode(texts)

    def encode(self, sentences: Sequence[str]) -> np.ndarray:
        """Rows for ``sentences`` in order: stored ones read back, the rest embedded in one
        call to ``inner`` (each distinct text once) and stored."""
        texts = [normalise_for_embedding(s) for s in sentences]
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        # the signature is hashed once per call (a back-end may look up its version for it)
        prefix = hashlib.sha256(f"{self.signature}\0".encode())
        keys: dict[str, bytes] = {}  # distinct texts, in first-seen order
        for text in texts:
            if text not in keys:
                hasher = prefix.copy()
                hasher.update(text.encode())
                keys[text] = hasher.digest()
        now = int(time.time())
        found, stale = self._use_db(lambda db: self._fetch(db, list(keys.values()), now),
                                    ({}, []))
        missing = [text for text, key in keys.items() if key not in found]
        computed: dict[bytes, np.ndarray] = {}
        if missing:
            fresh = self.inner.encode(missing)
            self.calls += len(missing)
            computed = {keys[text]: row for text, row in zip(missing, fresh, strict=True)}
            found.update(computed)
        if computed or stale:
            self._use_db(lambda db: self._store(db, computed, stale, now), None)
        return np.stack([found[keys[text]] for text in texts])

    def _fetch(self, db: sqlite3.Connection, keys: list[bytes],
               now: int) -> tuple[dict[bytes, np.ndarray], list[bytes]]:
        """The stored vectors among ``keys`` (a row of the wrong size counts as missing), and
        the keys among them last marked used more than :data:`TOUCH_AFTER_SECONDS` ago."""
        found: dict[bytes, np.ndarray] = {}
        stale: list[bytes] = []
        damaged = 0
        for start in range(0, len(keys), LOOKUP_CHUNK):
            chunk = keys[start : start + LOOKUP_CHUNK]
            marks = ",".join("?" * len(chunk))
            query = f"SELECT key, dim, vector, used FROM vectors WHERE key IN ({marks})"
            for key, dim, blob, used in db.execute(query, chunk):
                if dim != self.dimension or len(blob) != dim * _STORED.itemsize:
                    damaged += 1
                    continue
                found[key] = np.frombuffer(blob, dtype=_STORED).astype(np.float32)
                if used < now - TOUCH_AFTER_SECONDS:
                    stale.append(key)
        if damaged:
            warnings.warn(f"embedding cache {self.path}: {damaged} stored vector(s) of the "
                          f"wrong size; embedding them again", CacheWarning, stacklevel=5)
        return found, stale

    def _store(self, db: sqlite3.Connection, vectors: dict[bytes, np.ndarray],
               read: list[bytes], now: int) -> None:
        """Write one call's new vectors, mark the rows it read as used, and evict what the
        limit asks, in one transaction, so a reader sees all or none of it."""
        rows = [(key, len(row), row.astype(_STORED).tobytes(), now)
                for key, row in vectors.items()]
        db.execute("BEGIN IMMEDIATE")  # take the write lock now, waiting for it if need be
        try:
            db.executemany(_INSERT, rows)
            db.executemany("UPDATE vectors SET used = ? WHERE key = ?",
                           [(now, key) for key in read])
            if rows:
                self._evict(db)
            db.execute("COMMIT")
        except BaseException:
            # leave no transaction open on a connection that outlives an interrupted call;
            # the original error, not a failed rollback's, is the one to report
            with contextlib.suppress(sqlite3.Error):
                db.execute("ROLLBACK")
            raise

    def _evict(self, db: sqlite3.Connection) -> None:
        """Delete least recently used rows once the live data exceeds the limit, down to
        :data:`EVICT_TO` of it."""
        if self.max_bytes is None:
            return
        used = _live_bytes(db)
        if used <= self.max_bytes:
            return
        target = EVICT_TO * self.max_bytes
        # Rows are all about one size, so the share of rows to drop is the share of bytes; a
        # few rounds more when deletions leave pages part full instead of freeing them (the
        # key index is in hash order, so its pages empty only partly).
        for _ in range(EVICT_ROUNDS):
            count = db.execute("SELECT count(*) FROM vectors").fetchone()[0]
            drop = max(1, count - int(count * target / used))
            self.evicted += db.execute(_EVICT, (drop,)).rowcount
            # stepped to the end (fetchall), else SQLite frees one page per step; a no-op on
            # files without auto-vacuum
            db.execute("PRAGMA incremental_vacuum").fetchall()
            used = _live_bytes(db)
            if used <= target or drop >= count:
                break

    def _use_db(self, action: Callable[[sqlite3.Connection], T], fallback: T) -> T:
        """Run ``action`` on the database, or return ``fallback`` when the cache is unusable.

        A damaged file is recreated and ``action`` tried once more on the new, empty one;
        any other failure turns the cache off, since it would most likely fail again.
        """
        with self._lock:
            for attempt in (1, 2):
                if not self._enabled:
                    break
                try:
                    return action(self._connection())
                except (sqlite3.Error, OSError) as error:
                    if attempt == 2 or not (isinstance(error, sqlite3.Error)
                                            and _is_corrupt(error)):
                        self._disable(error)
                        break
                    warnings.warn(f"embedding cache {self.path} is damaged ({error}); "
                                  f"starting it afresh", CacheWarning, stacklevel=3)
                    try:
                        self._discard_files()
                    except OSError as unlink_error:
                        self._disable(unlink_error)
                        break
            return fallback

    def _connection(self) -> sqlite3.Connection:
        """This process's connection, opened on first use.

        A connection must not cross a fork (SQLite's rule), so a forked worker that
        inherited this encoder opens its own.
        """
        if self._db is None or self._db_pid != os.getpid():
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # autocommit (isolation_level=None): transactions are begun explicitly in _store
            db = sqlite3.connect(self.path, timeout=LOCK_TIMEOUT_SECONDS, isolation_level=None,
                                 check_same_thread=False)
            try:
                # applies to a new file only: a row of 512 floats is just over 2 KiB, so the
                # default 4 KiB pages hold one and waste half the disk; 32 KiB pages hold 15
                # (7 of LASER's 1024 floats)
                db.execute(f"PRAGMA page_size={PAGE_SIZE}")
                # also for a new file only: pages freed by eviction go back to the disk
                db.execute("PRAGMA auto_vacuum=INCREMENTAL")
                db.execute("PRAGMA journal_mode=WAL")
                # WAL + NORMAL survives a crashed process; a power cut may lose the last
                # commits, which for a cache only means embedding them again
                db.execute("PRAGMA synchronous=NORMAL")
                db.execute(_SCHEMA)
                self._add_use_column(db)
                db.execute(_USE_INDEX)
            except BaseException:
                db.close()
                raise
            self._db, self._db_pid = db, os.getpid()
        return self._db

    @staticmethod
    def _add_use_column(db: sqlite3.Connection) -> None:
        """Give a file from before the size limit its ``used`` column; checked again under
        the write lock, since another process may be doing the same."""
        def has_column() -> bool:
            return any(row[1] == "used" for row in db.execute("PRAGMA table_info(vectors)"))

        if has_column():
            return
        db.execute("BEGIN IMMEDIATE")
        try:
            if not has_column():
                db.execute("ALTER TABLE vectors ADD COLUMN used INTEGER NOT NULL DEFAULT 0")
            db.execute("COMMIT")
        except BaseException:
            with contextlib.suppress(sqlite3.Error):
                db.execute("ROLLBACK")
            raise

    def close(self) -> None:
        """Close the database now; the next ``encode`` reopens it.

        Python's sqlite3 connections are freed by the cycle collector, not when the last
        reference goes, so a long-lived process that is done with the cache says so here
        (closing also folds the write-ahead log back into the database file).
        """
        if self._db is not None and self._db_pid == os.getpid():
            self._db.close()
        self._db = None

    def _discard_files(self) -> None:
        """Delete the database with its side files: a stale WAL or journal would otherwise
        be replayed into the new database."""
        self.close()
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{self.path}{suffix}").unlink(missing_ok=True)

    def _disable(self, error: Exception) -> None:
        warnings.warn(f"embedding cache {self.path} cannot be used ({error}); "
                      f"embedding without it for the rest of this run", CacheWarning,
                      stacklevel=4)
        self.close()
        self._enabled = False

    def __getstate__(self) -> dict[str, Any]:
        """Pickle without the connection and lock, so the encoder can be shipped to a
        worker process (Dask, a spawned pool), which opens its own."""
        state = self.__dict__.copy()
        del state["_lock"], state["_db"]
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._lock = threading.Lock()
        self._db = None
