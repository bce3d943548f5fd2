"""The on-disk embedding cache, driven by a toy encoder that counts what reaches it.

The toy's vectors depend only on its signature and the text, so any row the cache
returns can be checked bit for bit against a fresh, uncached encoder.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import pickle
import shutil
import sqlite3
import tempfile
import warnings
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
import pytest

from aligner.embed.base import Encoder
from aligner.embed.cache import (
    DB_NAME,
    ENV_VAR,
    CachedEncoder,
    CacheWarning,
    _live_bytes,
    cached,
    default_cache_dir,
    parse_size,
)

DIM = 16
TEXTS = ["Привет, мир.", "你好，世界。", "Ещё  одно\u00a0предложение.", "", "短句。"]


class CountingEncoder(Encoder):
    """Deterministic pseudo-random rows per (signature, text); records every request."""

    name = "toy"

    def __init__(self, signature: str = "toy@1", dim: int = DIM) -> None:
        super().__init__(batch_size=3)  # small batches, so one request spans several
        self._signature = signature
        self._dim = dim
        self.requests: list[list[str]] = []

    @property
    def dimension(self) -> int:
        return self._dim

    @property
    def signature(self) -> str:
        return self._signature

    def encode(self, sentences: Sequence[str]) -> np.ndarray:
        self.requests.append(list(sentences))
        return super().encode(sentences)

    def _encode_batch(self, texts: list[str]) -> np.ndarray:
        seeds = [hashlib.sha256(f"{self._signature}|{t}".encode()).digest()[:8] for t in texts]
        return np.stack([np.random.default_rng(int.from_bytes(seed)).standard_normal(self._dim)
                         for seed in seeds])


def reference(texts: Sequence[str], signature: str = "toy@1", dim: int = DIM) -> np.ndarray:
    return CountingEncoder(signature, dim).encode(texts)


def test_only_misses_reach_the_inner_encoder_and_are_counted(tmp_path: Path) -> None:
    inner = CountingEncoder()
    encoder = CachedEncoder(inner, tmp_path)
    encoder.encode(["a", "b"])
    assert encoder.calls == 2
    encoder.encode(["b", "c", "a"])
    assert encoder.calls == 3
    assert inner.requests == [["a", "b"], ["c"]]  # one batched request per call, misses only


def test_rows_keep_order_and_duplicates_are_embedded_once(tmp_path: Path) -> None:
    inner = CountingEncoder()
    encoder = CachedEncoder(inner, tmp_path)
    texts = ["x", "y", "x", "z", "y", "x"]
    rows = encoder.encode(texts)
    assert inner.requests == [["x", "y", "z"]]
    assert encoder.calls == 3
    assert np.array_equal(rows, reference(texts))
    # texts that differ only in what normalisation removes are one text
    assert encoder.encode(["a  b", "a\u00a0b", " a b "]).shape == (3, DIM)
    assert inner.requests[-1] == ["a b"]


def test_vectors_are_bit_identical_with_and_without_cache(tmp_path: Path) -> None:
    expected = reference(TEXTS)
    cold = CachedEncoder(CountingEncoder(), tmp_path).encode(TEXTS)
    warm = CachedEncoder(CountingEncoder(), tmp_path).encode(TEXTS)
    for rows in (cold, warm):
        assert rows.dtype == np.float32
        assert rows.tobytes() == expected.tobytes()


def test_cache_is_invisible_in_name_dimension_and_signature(tmp_path: Path) -> None:
    inner = CountingEncoder("toy@7")
    encoder = CachedEncoder(inner, tmp_path)
    assert (encoder.name, encoder.dimension, encoder.signature) == ("toy", DIM, "toy@7")
    assert encoder.batch_size == inner.batch_size


def test_two_signatures_never_share_entries(tmp_path: Path) -> None:
    CachedEncoder(CountingEncoder("toy@1"), tmp_path).encode(TEXTS)
    other = CachedEncoder(CountingEncoder("toy@2"), tmp_path)
    rows = other.encode(TEXTS)
    assert other.calls == len(set(TEXTS))
    assert np.array_equal(rows, reference(TEXTS, "toy@2"))


def test_entries_persist_across_instances(tmp_path: Path) -> None:
    CachedEncoder(CountingEncoder(), tmp_path).encode(TEXTS)
    inner = CountingEncoder()
    again = CachedEncoder(inner, tmp_path)
    assert np.array_equal(again.encode(TEXTS), reference(TEXTS))
    assert again.calls == 0
    assert inner.requests == []


def test_empty_input_touches_neither_encoder_nor_disk(tmp_path: Path) -> None:
    inner = CountingEncoder()
    encoder = CachedEncoder(inner, tmp_path / "cache")
    rows = encoder.encode([])
    assert rows.shape == (0, DIM)
    assert rows.dtype == np.float32
    assert (encoder.calls, inner.requests) == (0, [])
    assert not (tmp_path / "cache").exists()


def _write_overlapping(encoder: CachedEncoder, worker: int, start: multiprocessing.Event) -> None:
    """Many small overlapping writes, so the two workers' transactions interleave."""
    warnings.simplefilter("error", CacheWarning)  # any fallback fails the worker
    start.wait()
    for round_ in range(20):
        first = worker * 7 + round_ * 11
        rows = encoder.encode([f"text {i % 120}" for i in range(first, first + 40)])
        assert rows.shape == (40, DIM)


def test_concurrent_writers_leave_every_vector_readable(tmp_path: Path) -> None:
    # One encoder, already connected, is inherited by both workers: each must open its own
    # connection rather than use the parent's across the fork.
    shared = CachedEncoder(CountingEncoder(), tmp_path)
    shared.encode(["text 0"])
    context = multiprocessing.get_context("fork")
    start = context.Event()
    workers = [context.Process(target=_write_overlapping, args=(shared, worker, start))
               for worker in (0, 1)]
    for worker in workers:
        worker.start()
    start.set()
    for worker in workers:
        worker.join(timeout=120)
    assert [worker.exitcode for worker in workers] == [0, 0]

    written = sorted({f"text {i % 120}" for w in (0, 1) for r in range(20)
                      for i in range(w * 7 + r * 11, w * 7 + r * 11 + 40)})
    reader = CachedEncoder(CountingEncoder(), tmp_path)
    assert np.array_equal(reader.encode(written), reference(written))
    assert reader.calls == 0


@pytest.mark.parametrize("damage", ["garbage", "truncated"])
def test_damaged_database_is_recreated_with_a_warning(tmp_path: Path, damage: str) -> None:
    texts = [f"sentence {i} " * 30 for i in range(300)]  # enough rows for a many-page file
    first = CachedEncoder(CountingEncoder(), tmp_path)
    first.encode(texts)
    first.close()  # folds the write-ahead log into the file, which is then damaged
    db = tmp_path / DB_NAME
    content = db.read_bytes()
    db.write_bytes(b"not a database" * 100 if damage == "garbage" else content[: len(content) // 2])

    encoder = CachedEncoder(CountingEncoder(), tmp_path)
    with pytest.warns(CacheWarning, match="damaged"):
        rows = encoder.encode(texts)
    assert np.array_equal(rows, reference(texts))
    assert encoder.calls == len(texts)
    # the recreated file is a working cache again
    again = CachedEncoder(CountingEncoder(), tmp_path)
    again.encode(texts)
    assert again.calls == 0


def test_stored_vector_of_wrong_size_is_embedded_again_and_repaired(tmp_path: Path) -> None:
    CachedEncoder(CountingEncoder(), tmp_path).encode(TEXTS)
    db = sqlite3.connect(tmp_path / DB_NAME)
    with db:
        db.execute("UPDATE vectors SET vector = substr(vector, 1, 8)")
    db.close()

    encoder = CachedEncoder(CountingEncoder(), tmp_path)
    with pytest.warns(CacheWarning, match="wrong size"):
        rows = encoder.encode(TEXTS)
    assert np.array_equal(rows, reference(TEXTS))
    assert encoder.calls == len(set(TEXTS))
    repaired = CachedEncoder(CountingEncoder(), tmp_path)
    repaired.encode(TEXTS)
    assert repaired.calls == 0


NOBODY = 65534


@pytest.fixture
def read_only_dir() -> Iterator[Path]:
    """A folder the test (or, when the test runs as root, user ``nobody``) cannot write to.

    It lives under a fresh world-readable folder in the system temp dir, since pytest's
    own temp dirs are private to their owner and ``nobody`` could not even enter them.
    """
    base = Path(tempfile.mkdtemp(prefix="ruzh-cache-test-"))
    base.chmod(0o755)
    folder = base / "cache"
    folder.mkdir()
    folder.chmod(0o555)
    yield folder
    folder.chmod(0o755)
    shutil.rmtree(base)


def _embed_twice(folder: Path) -> tuple[list[str], bool, int]:
    """Two calls through a cache in ``folder``: CacheWarning texts, rows right?, calls."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        encoder = CachedEncoder(CountingEncoder(), folder)
        rows = [encoder.encode(TEXTS), encoder.encode(TEXTS)]
    right = all(np.array_equal(r, reference(TEXTS)) for r in rows)
    return [str(w.message) for w in caught if issubclass(w.category, CacheWarning)], right, \
        encoder.calls


def _embed_twice_as_nobody(folder: Path, results: multiprocessing.Queue) -> None:
    os.setgid(NOBODY)
    os.setuid(NOBODY)
    results.put(_embed_twice(folder))


def test_read_only_folder_falls_back_to_no_cache_with_one_warning(read_only_dir: Path) -> None:
    if os.geteuid() == 0:  # root writes anywhere; drop to nobody so the folder really is read-only
        context = multiprocessing.get_context("fork")
        results = context.Queue()
        child = context.Process(target=_embed_twice_as_nobody, args=(read_only_dir, results))
        child.start()
        outcome = results.get(timeout=60)
        child.join(timeout=60)
    else:
        outcome = _embed_twice(read_only_dir)
    messages, right, calls = outcome
    assert right
    assert len(messages) == 1
    assert "cannot be used" in messages[0]
    assert calls == 2 * len(set(TEXTS))  # nothing was cached, so both calls embedded everything


def test_pickled_encoder_reopens_the_same_cache(tmp_path: Path) -> None:
    encoder = CachedEncoder(CountingEncoder(), tmp_path)
    encoder.encode(TEXTS)  # connected before pickling, as a pool's parent would be
    copy = pickle.loads(pickle.dumps(encoder))
    assert np.array_equal(copy.encode(TEXTS), reference(TEXTS))
    assert copy.calls == encoder.calls  # the copy sent nothing new to its inner encoder


def test_cached_with_no_folder_is_the_encoder_itself(tmp_path: Path) -> None:
    inner = CountingEncoder()
    assert cached(inner, None) is inner
    wrapped = cached(inner, tmp_path)
    assert isinstance(wrapped, CachedEncoder)
    assert wrapped.inner is inner


def test_default_folder_is_the_user_cache_unless_the_variable_says(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv(ENV_VAR, raising=False)
    default = default_cache_dir()
    assert default.name == "embeddings"
    assert "ruzh-aligner" in default.parts
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "shared"))
    assert default_cache_dir() == tmp_path / "shared"


# --- the size limit ---

LIMIT = 600_000  # some 270 rows of a real encoder's size
BIG = 512  # USE's dimension: rows of realistic size, so pages fill as they do in use


def big_encoder(folder: Path, max_bytes: int | None = LIMIT) -> CachedEncoder:
    return CachedEncoder(CountingEncoder(dim=BIG), folder, max_bytes=max_bytes)


def live_bytes(folder: Path) -> int:
    """The bytes of pages in use, as the cache itself measures its size."""
    db = sqlite3.connect(folder / DB_NAME)
    try:
        return _live_bytes(db)
    finally:
        db.close()


def stored_texts(encoder: CachedEncoder, texts: list[str]) -> set[str]:
    """Which of ``texts`` the cache holds, without marking them used."""
    db = sqlite3.connect(encoder.path)
    try:
        keys = {hashlib.sha256(f"{encoder.signature}\0{t}".encode()).digest(): t for t in texts}
        rows = db.execute("SELECT key FROM vectors").fetchall()
    finally:
        db.close()
    return {keys[key] for (key,) in rows if key in keys}


@pytest.mark.parametrize(("text", "size"), [
    ("2GB", 2 * 10**9), ("500 MB", 500 * 10**6), ("1.5GiB", 3 * 2**29), ("4g", 4 * 10**9),
    ("12345", 12345), ("none", None),
])
def test_sizes_are_read_in_decimal_and_binary_units(text: str, size: int | None) -> None:
    assert parse_size(text) == size


@pytest.mark.parametrize("text", ["", "2 parsecs", "-1GB", "GB"])
def test_a_bad_size_is_refused_with_the_text(text: str) -> None:
    with pytest.raises(ValueError, match="not a size"):
        parse_size(text)


def test_limit_evicts_least_recently_used_first(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    clock = iter(range(1000, 10**6, 1000))  # each encode call is 1,000 s after the last
    monkeypatch.setattr("aligner.embed.cache.time.time", lambda: next(clock))
    encoder = big_encoder(tmp_path)
    old = [f"old {i}" for i in range(40)]
    middle = [f"middle {i}" for i in range(100)]
    encoder.encode(old)
    encoder.encode(middle)
    encoder.encode(old)  # read again: now more recently used than the middle rows
    assert encoder.evicted == 0
    new: list[str] = []
    while not encoder.evicted and len(new) < 500:  # new rows until the limit is reached
        batch = [f"new {len(new) + i}" for i in range(10)]
        encoder.encode(batch)
        new += batch
    assert encoder.evicted > 0
    assert live_bytes(tmp_path) <= LIMIT
    kept = stored_texts(encoder, old + middle + new)
    # only the middle rows, least recently used, went
    assert set(old) | set(new) <= kept
    assert len(set(middle) - kept) == encoder.evicted
    # evicted rows are merely missing: embedded again, to the same bits
    assert np.array_equal(encoder.encode(middle[:50]), reference(middle[:50], dim=BIG))


def test_eviction_gives_the_space_back_to_the_disk(tmp_path: Path) -> None:
    encoder = big_encoder(tmp_path)
    for round_ in range(20):
        encoder.encode([f"text {round_} {i}" for i in range(50)])
    encoder.close()  # folds the write-ahead log into the file
    assert (tmp_path / DB_NAME).stat().st_size <= LIMIT + 4 * 32768


def test_unlimited_cache_keeps_everything(tmp_path: Path) -> None:
    encoder = big_encoder(tmp_path, None)
    texts = [f"text {i}" for i in range(600)]
    encoder.encode(texts)
    assert encoder.evicted == 0
    assert live_bytes(tmp_path) > LIMIT
    assert stored_texts(encoder, texts) == set(texts)


def _fill_under_limit(folder: Path, worker: int, start: multiprocessing.Event) -> None:
    """Many writes of fresh and shared texts, so eviction and reads of the other run's rows
    interleave; every row read back must be right."""
    warnings.simplefilter("error", CacheWarning)  # any fallback fails the worker
    encoder = big_encoder(folder)
    start.wait()
    for round_ in range(40):
        texts = ([f"run {worker} text {round_} {i}" for i in range(15)]
                 + [f"shared {(round_ + i) % 30}" for i in range(5)])
        assert np.array_equal(encoder.encode(texts), reference(texts, dim=BIG))
    assert encoder.evicted > 0


def test_two_runs_sharing_a_limited_cache(tmp_path: Path) -> None:
    # each child opens its own encoder and connection, as two separate runs would
    context = multiprocessing.get_context("fork")
    start = context.Event()
    runs = [context.Process(target=_fill_under_limit, args=(tmp_path, worker, start))
            for worker in (0, 1)]
    for run in runs:
        run.start()
    start.set()
    for run in runs:
        run.join(timeout=180)
    assert [run.exitcode for run in runs] == [0, 0]
    assert live_bytes(tmp_path) <= LIMIT
    db = sqlite3.connect(tmp_path / DB_NAME)
    assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    db.close()


def test_a_file_from_before_the_limit_gains_its_use_column(tmp_path: Path) -> None:
    db = sqlite3.connect(tmp_path / DB_NAME)
    db.execute("CREATE TABLE vectors (key BLOB PRIMARY KEY, dim INTEGER NOT NULL, "
               "vector BLOB NOT NULL)")
    db.commit()
    db.close()
    first = CachedEncoder(CountingEncoder(), tmp_path)
    first.encode(TEXTS)
    again = CachedEncoder(CountingEncoder(), tmp_path)
    assert np.array_equal(again.encode(TEXTS), reference(TEXTS))
    assert again.calls == 0
