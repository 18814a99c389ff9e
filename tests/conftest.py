"""Shared test fixtures and paths.

``SHARED`` is the project's shared data folder (../shared beside the
checkout, as in CI; override with KUBELINT_SHARED).
"""

import os
import pathlib

ROOT = pathlib.Path(__file__).resolve().parents[1]
SHARED = pathlib.Path(os.environ.get("KUBELINT_SHARED", ROOT.parent / "shared"))
if not SHARED.is_dir() and pathlib.Path("/work/shared").is_dir():
    SHARED = pathlib.Path("/work/shared")
CORPUS = SHARED / "corpus"
CORPUS_LEGACY = SHARED / "corpus-legacy"


import pytest  # noqa: E402


@pytest.fixture(scope="session")
def corpus_result():
    """One default run over ../shared/corpus, shared by every test that needs it."""
    from kubelint.runner import run
    from kubelint.settings import Settings

    if not CORPUS.is_dir():
        pytest.skip(f"shared corpus not found at {CORPUS}")
    return run([str(CORPUS)], Settings())
