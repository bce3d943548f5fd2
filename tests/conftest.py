"""Test-wide settings."""

import os
import tempfile


def pytest_configure() -> None:
    # Runs through the CLI use the embedding cache; keep it out of the user's home folder.
    os.environ.setdefault("RUZH_ALIGNER_CACHE", tempfile.mkdtemp(prefix="ruzh-test-cache-"))
