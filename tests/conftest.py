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
