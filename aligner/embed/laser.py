"""Facebook's LASER2 (a 5-layer BiLSTM over SentencePiece, 1024 dimensions) through the
``laser_encoders`` API.

An optional back-end: ``pip install 'ruzh-aligner[laser]'`` brings torch and ``nano-laser``, a
fairseq-free drop-in for ``laser_encoders`` that loads the same checkpoints and gives the same
embeddings. ``laser_encoders`` itself is used where it imports, since it is the reference.

The weights ship in no wheel. They are read from ``--laser-dir``, else from ``$LASER``, else the
library downloads them on first use into its cache, ``~/.cache/laser_encoders``. A folder the user
names is never downloaded into: missing weights there are an error, not a reason to go online.
"""

from __future__ import annotations

import os
from importlib import import_module
from importlib.metadata import version
from pathlib import Path

import numpy as np

from aligner.embed.base import Encoder, EncoderError

MODEL = "laser2"
#: what loading reads; the library's download also fetches ``laser2.cvocab``, which only the
#: LASER3 transformers use
NEEDED = (f"{MODEL}.pt", f"{MODEL}.spm")
FILES = (*NEEDED, f"{MODEL}.cvocab")
INSTALL = "pip install 'ruzh-aligner[laser]'"
BASE_URL = "https://dl.fbaipublicfiles.com/nllb/laser"  # where both libraries download from


def _import_library() -> tuple[str, str]:
    """The importable LASER package and its distribution name, ``laser_encoders`` first."""
    try:
        import_module("laser_encoders")
    # fairseq 0.12.2, which laser_encoders imports, raises ValueError on Python >= 3.11
    # (mutable dataclass defaults), not ImportError: any failure means "use nano_laser".
    except Exception:
        pass
    else:
        return "laser_encoders", "laser-encoders"
    try:
        import_module("nano_laser")
    except ImportError as err:
        raise EncoderError(
            f"the laser encoder needs torch and nano-laser (or laser_encoders): {INSTALL}"
        ) from err
    return "nano_laser", "nano-laser"


def _how_to_get_weights(where: Path) -> str:
    return (
        f"download {', '.join(FILES)} from {BASE_URL}/ into {where} (or any folder, then "
        f"pass it with --laser-dir DIR or set LASER=DIR; a LASER checkout's DIR/models works "
        f"too); without --laser-dir and LASER the weights are downloaded on first use into "
        f"~/.cache/laser_encoders. torch and the LASER code come with {INSTALL}"
    )


def _configured_folder(model_dir: Path | str | None) -> Path | None:
    """``--laser-dir``, else ``$LASER``, else None for the library's cache."""
    chosen = model_dir if model_dir is not None else os.environ.get("LASER") or None
    return None if chosen is None else Path(chosen).expanduser()


def _local_weights(folder: Path) -> Path:
    """The folder holding the weights: ``folder`` or, as LASER's own scripts lay it out,
    ``folder/models`` (``$LASER`` traditionally names the LASER checkout)."""
    for candidate in (folder, folder / "models"):
        if all((candidate / name).is_file() for name in NEEDED):
            return candidate
    raise EncoderError(
        f"LASER2 weights not found: {' and '.join(NEEDED)} are not in {folder} "
        f"nor in {folder / 'models'}; {_how_to_get_weights(folder)}"
    )


def _cached_weights(package: str) -> Path:
    """The library's cache, after the library has downloaded whatever it lacks."""
    downloads = import_module(f"{package}.download_models")
    cache = Path("~/.cache/laser_encoders").expanduser()
    try:
        downloader = downloads.LaserModelDownloader()
        downloader.download_laser2()
    # urllib, requests and the file system each raise their own errors; all mean "no weights"
    except Exception as err:
        raise EncoderError(
            f"LASER2 weights are not in {cache} and could not be downloaded ({err}); "
            f"{_how_to_get_weights(cache)}"
        ) from err
    return Path(downloader.model_dir)


class LaserEncoder(Encoder):
    name = "laser"

    def __init__(self, batch_size: int = 64, model_dir: Path | str | None = None) -> None:
        super().__init__(batch_size)
        package, self._distribution = _import_library()
        configured = _configured_folder(model_dir)
        folder = _local_weights(configured) if configured is not None else _cached_weights(package)
        models = import_module(f"{package}.models")
        tokenizers = import_module(f"{package}.laser_tokenizer")
        try:
            # built from the files rather than by initialize_encoder(), which would try to
            # download laser2.cvocab into a user's folder that lacks it
            self._tokenizer = tokenizers.LaserTokenizer(spm_model=folder / f"{MODEL}.spm")
            # one forward pass per batch of ours; the library sorts it by length itself
            self._model = models.SentenceEncoder(
                model_path=str(folder / f"{MODEL}.pt"), max_sentences=batch_size
            )
        # torch.load, load_state_dict and SentencePiece each raise their own errors on a bad file
        except Exception as err:
            raise EncoderError(
                f"could not load the LASER2 weights in {folder} ({err}); an interrupted or "
                f"failed download leaves such files: delete them, then "
                f"{_how_to_get_weights(folder)}"
            ) from err

    @property
    def dimension(self) -> int:
        # read from the checkpoint (1024 for the real LASER2) rather than assumed
        return int(self._model.encoder.output_units)

    @property
    def signature(self) -> str:
        return f"{MODEL}@{self._distribution}-{version(self._distribution)}"

    def _encode_batch(self, texts: list[str]) -> np.ndarray:
        # LASER2's own preprocessing (punctuation normalisation, lower-casing, SentencePiece);
        # an empty text becomes "</s>" alone, which the model takes.
        pieces = [self._tokenizer.tokenize(text) for text in texts]
        return self._model.encode_sentences(pieces)
