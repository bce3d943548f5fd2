"""Test-wide settings, and the sample article as documents (built once per session)."""

import os
import tempfile
from pathlib import Path

import documents
import pytest


def pytest_configure() -> None:
    # Runs through the CLI use the embedding cache; keep it out of the user's home folder.
    os.environ.setdefault("RUZH_ALIGNER_CACHE", tempfile.mkdtemp(prefix="ruzh-test-cache-"))


@pytest.fixture(scope="session")
def sample_documents(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The sample article in every format, each in its own folder (``documents.build``).

    Built once per session, since LibreOffice takes seconds per conversion; the tests
    that need it are skipped, with the reason printed, where pandoc or LibreOffice is missing.
    """
    reason = documents.missing_tools()
    if reason:
        pytest.skip(reason)
    return documents.build(tmp_path_factory.mktemp("documents"))
