"""The LASER2 back-end on a tiny random-weight checkpoint in the real laser2.pt format.

The real weights (200 MB, downloaded) are not available to the tests, so each test run builds
``laser2.pt``, ``laser2.spm`` and ``laser2.cvocab`` the way Facebook's files are laid out, only
tiny, and loads them through the real library code. Nothing here touches the network: the
library's downloader and the socket layer are both made to fail loudly.
"""

from __future__ import annotations

import importlib.util
import socket
import sys
from importlib import import_module
from pathlib import Path

import numpy as np
import pytest

torch = pytest.importorskip("torch")
if not any(importlib.util.find_spec(name) for name in ("laser_encoders", "nano_laser")):
    pytest.skip(
        "neither laser_encoders nor nano_laser is installed (pip install 'ruzh-aligner[laser]')",
        allow_module_level=True,
    )
spm = pytest.importorskip("sentencepiece")

from aligner.embed import get_encoder  # noqa: E402
from aligner.embed.base import EncoderError  # noqa: E402
from aligner.embed.laser import LaserEncoder, _import_library  # noqa: E402

EMBED_DIM = 8
HIDDEN = 8
LAYERS = 2  # the real one has 5; two are enough to exercise the per-layer key names
SPECIALS = ("<s>", "<pad>", "</s>", "<unk>")  # fairseq's, at ids 0-3, as in laser2.pt
PAD = 1

TRAINING_LINES = [
    "Мы сидели в гостиной, когда пришло письмо.",
    "Он долго молчал, глядя в окно на тёмную улицу.",
    "Завтра утром поезд отправится в Москву.",
    "Она сказала, что не вернётся до весны.",
    "В комнате было холодно и пахло табаком.",
    "Старик открыл книгу и начал читать вслух.",
    "我们坐在客厅里的时候，信来了。",
    "他沉默了很久，望着窗外漆黑的街道。",
    "明天早上火车将开往莫斯科。",
    "她说她春天之前不会回来。",
    "房间里很冷，有一股烟草的味道。",
    "老人打开书，开始大声朗读。",
]

SENTENCES = [
    "Письмо пришло утром.",
    "信是早上来的。",
    "Он смотрел в окно.",
    "他望着窗外。",
    "Поезд ушёл в Москву, и она осталась одна на пустой платформе.",
    "火车开往莫斯科，她一个人留在空荡荡的站台上。",
    "Книга",
]


def build_laser2_folder(folder: Path) -> Path:
    """Write a tiny LASER2 model in the real files' formats into ``folder``.

    - ``laser2.spm``: a SentencePiece model, trained here on lower-cased text, as LASER
      lower-cases before encoding.
    - ``laser2.cvocab``: fairseq dictionary text, one ``piece count`` a line, no specials.
    - ``laser2.pt``: ``torch.save`` of ``{"params", "model", "dictionary"}``: ``params`` the
      keyword arguments of LASER's LSTM encoder (real: 50004 embeddings, pad 1, embed 320,
      hidden 512, 5 layers, bidirectional), ``model`` the state dict of its ``embed_tokens``
      embedding and ``lstm`` (``weight_ih_l0``, ``..._reverse``, ...), ``dictionary`` a plain
      ``{piece: id}`` with the four fairseq specials first.
    """
    folder.mkdir(parents=True)
    corpus = folder / "corpus.txt"
    corpus.write_text("\n".join(line.lower() for line in TRAINING_LINES), encoding="utf-8")
    spm.SentencePieceTrainer.train(
        input=str(corpus),
        model_prefix=str(folder / "spm"),
        vocab_size=120,
        hard_vocab_limit=False,
        character_coverage=1.0,
        minloglevel=2,
    )
    (folder / "spm.model").rename(folder / "laser2.spm")
    (folder / "spm.vocab").unlink()
    corpus.unlink()

    processor = spm.SentencePieceProcessor(model_file=str(folder / "laser2.spm"))
    pieces = [
        processor.id_to_piece(i)
        for i in range(processor.get_piece_size())
        if not (processor.is_control(i) or processor.is_unknown(i))
    ]
    (folder / "laser2.cvocab").write_text(
        "".join(f"{piece} {len(pieces) - i}\n" for i, piece in enumerate(pieces)), encoding="utf-8"
    )
    dictionary = {symbol: i for i, symbol in enumerate((*SPECIALS, *pieces))}

    torch.manual_seed(0)
    embed_tokens = torch.nn.Embedding(len(dictionary), EMBED_DIM, padding_idx=PAD)
    lstm = torch.nn.LSTM(EMBED_DIM, HIDDEN, num_layers=LAYERS, bidirectional=True)
    model = {f"embed_tokens.{key}": value for key, value in embed_tokens.state_dict().items()}
    model |= {f"lstm.{key}": value for key, value in lstm.state_dict().items()}
    params = {
        "num_embeddings": len(dictionary),
        "padding_idx": PAD,
        "embed_dim": EMBED_DIM,
        "hidden_size": HIDDEN,
        "num_layers": LAYERS,
        "bidirectional": True,
        "left_pad": True,
        "padding_value": 0.0,
    }
    torch.save({"params": params, "model": model, "dictionary": dictionary}, folder / "laser2.pt")
    return folder


@pytest.fixture(scope="module")
def weights(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_laser2_folder(tmp_path_factory.mktemp("laser") / "weights")


@pytest.fixture(autouse=True)
def offline(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[str]:
    """No network, no $LASER, a fresh home; returns the files a download was attempted for."""
    attempted: list[str] = []

    def refuse_download(self: object, filename: str) -> None:
        attempted.append(filename)
        raise OSError("downloads are disabled in the tests")

    def refuse_network(*args: object, **kwargs: object) -> None:
        raise AssertionError("a test tried to reach the network")

    package, _ = _import_library()
    downloads = import_module(f"{package}.download_models")
    monkeypatch.setattr(downloads.LaserModelDownloader, "download", refuse_download)
    monkeypatch.setattr(socket, "getaddrinfo", refuse_network)
    monkeypatch.setattr(socket.socket, "connect", refuse_network)
    monkeypatch.delenv("LASER", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    return attempted


@pytest.fixture(scope="module")
def encoder(weights: Path) -> LaserEncoder:
    return LaserEncoder(model_dir=weights)


def test_rows_are_unit_float32_of_the_checkpoint_dimension(encoder: LaserEncoder) -> None:
    rows = encoder.encode(SENTENCES)
    assert encoder.dimension == 2 * HIDDEN  # bidirectional: forward and backward states
    assert rows.shape == (len(SENTENCES), encoder.dimension)
    assert rows.dtype == np.float32
    assert np.all(np.isfinite(rows))
    np.testing.assert_allclose(np.linalg.norm(rows, axis=1), 1.0, rtol=1e-5)


def test_same_sentence_same_row_different_sentences_different_rows(
    encoder: LaserEncoder,
) -> None:
    rows = encoder.encode([*SENTENCES, SENTENCES[1], SENTENCES[0]])
    np.testing.assert_allclose(rows[-1], rows[0], atol=1e-6)
    np.testing.assert_allclose(rows[-2], rows[1], atol=1e-6)
    distinct = rows[: len(SENTENCES)]
    gaps = np.abs(distinct[:, None, :] - distinct[None, :, :]).max(axis=2)
    off_diagonal = gaps[~np.eye(len(SENTENCES), dtype=bool)]
    assert off_diagonal.min() > 1e-3


def test_laser_preprocessing_is_applied(encoder: LaserEncoder) -> None:
    # LASER lower-cases and normalises punctuation before SentencePiece: these are one text to it
    rows = encoder.encode(["ПИСЬМО ПРИШЛО УТРОМ.", "письмо пришло утром.", "Письмо пришло утром."])
    np.testing.assert_allclose(rows[0], rows[1], atol=1e-6)
    np.testing.assert_allclose(rows[0], rows[2], atol=1e-6)


def test_batch_size_does_not_change_the_rows(weights: Path, encoder: LaserEncoder) -> None:
    small = LaserEncoder(batch_size=2, model_dir=weights)
    np.testing.assert_allclose(small.encode(SENTENCES), encoder.encode(SENTENCES), atol=1e-6)
    alone = np.concatenate([encoder.encode([sentence]) for sentence in SENTENCES])
    np.testing.assert_allclose(alone, encoder.encode(SENTENCES), atol=1e-6)


def test_empty_sentences(encoder: LaserEncoder) -> None:
    assert encoder.encode([]).shape == (0, encoder.dimension)
    rows = encoder.encode(["", "   ", SENTENCES[0]])
    assert rows.shape == (3, encoder.dimension)
    assert np.all(np.isfinite(rows))


def test_signature_names_model_and_library(encoder: LaserEncoder) -> None:
    _, distribution = _import_library()
    assert encoder.signature.startswith("laser2@")
    assert distribution in encoder.signature
    assert encoder.name == "laser"


def test_local_folder_downloads_nothing(weights: Path, offline: list[str]) -> None:
    LaserEncoder(model_dir=weights).encode(SENTENCES[:2])
    assert offline == []


def test_laser_environment_variable(
    weights: Path, offline: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LASER", str(weights))
    assert LaserEncoder().encode(SENTENCES[:1]).shape == (1, 2 * HIDDEN)
    # LASER's own scripts keep the weights in $LASER/models
    monkeypatch.setenv("LASER", str(weights.parent))
    (weights.parent / "models").symlink_to(weights)
    try:
        assert LaserEncoder().encode(SENTENCES[:1]).shape == (1, 2 * HIDDEN)
    finally:
        (weights.parent / "models").unlink()
    assert offline == []


def test_laser_dir_wins_over_environment(
    weights: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LASER", str(tmp_path / "elsewhere"))
    assert LaserEncoder(model_dir=weights).dimension == 2 * HIDDEN


def test_missing_folder_fails_at_construction_with_instructions(
    tmp_path: Path, offline: list[str]
) -> None:
    with pytest.raises(EncoderError) as caught:
        LaserEncoder(model_dir=tmp_path / "missing")
    message = str(caught.value)
    for expected in ("--laser-dir", "LASER=", "laser2.pt", "laser2.spm", "ruzh-aligner[laser]"):
        assert expected in message
    assert str(tmp_path / "missing") in message
    assert offline == []  # a folder the user named is never downloaded into


def test_missing_environment_folder_fails_too(
    tmp_path: Path, offline: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LASER", str(tmp_path / "nowhere"))
    with pytest.raises(EncoderError, match="--laser-dir"):
        LaserEncoder()
    assert offline == []


def test_no_folder_and_no_network_fails_with_instructions(
    tmp_path: Path, offline: list[str]
) -> None:
    with pytest.raises(EncoderError) as caught:
        LaserEncoder()
    message = str(caught.value)
    assert "--laser-dir" in message and "LASER=" in message
    assert str(tmp_path / "home" / ".cache" / "laser_encoders") in message
    assert offline == ["laser2.pt"]  # it went to the library's own cache and downloader


def test_corrupt_weights_fail_with_instructions(weights: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "laser2.spm").write_bytes((weights / "laser2.spm").read_bytes())
    (broken / "laser2.pt").write_text("<html>403 Forbidden</html>")  # a failed download's page
    with pytest.raises(EncoderError, match="could not load") as caught:
        LaserEncoder(model_dir=broken)
    assert "--laser-dir" in str(caught.value)


def test_without_a_laser_library_says_what_to_install(
    weights: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("laser_encoders", "nano_laser"):
        monkeypatch.setitem(sys.modules, name, None)  # makes `import name` raise ImportError
    with pytest.raises(EncoderError, match=r"pip install 'ruzh-aligner\[laser\]'"):
        LaserEncoder(model_dir=weights)


def test_registry_builds_it(weights: Path) -> None:
    built = get_encoder("laser", batch_size=4, laser_dir=weights)
    assert isinstance(built, LaserEncoder)
    assert built.batch_size == 4
    assert built.encode(SENTENCES).shape == (len(SENTENCES), 2 * HIDDEN)
