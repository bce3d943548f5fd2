"""The signature: one string naming every setting that produced an output.

Like sacrebleu's, it lets two results be compared only when they are
comparable: same encoder and version, same splitters, same aligner settings.
"""

from __future__ import annotations

from dataclasses import asdict
from importlib.metadata import PackageNotFoundError, version

from aligner.config import RunConfig


def package_version() -> str:
    try:
        return version("ruzh-aligner")
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "0+unknown"


def make_signature(config: RunConfig, encoder: str, splitters: dict[str, str]) -> str:
    """``ruzh-aligner:0.1.0|enc:use-m3@0.2.1|split:ru=…,zh=…|presplit:no|align:max_ru=2,…``"""
    aligner = ",".join(f"{key}={value}" for key, value in asdict(config.effective_aligner).items())
    split = ",".join(f"{lang}={name}" for lang, name in sorted(splitters.items()))
    return "|".join([
        f"ruzh-aligner:{package_version()}",
        f"enc:{encoder}",
        f"split:{split}",
        f"presplit:{'yes' if config.presplit else 'no'}",
        f"pairs:{'names+content' if config.match_by_content else 'names'}",
        *(["read:main-text"] if config.main_text else []),
        f"align:{aligner}",
    ])
