"""Real manifests: ../shared/corpus is accepted by real clusters (kubelint
must report no errors); every file of ../shared/corpus-legacy uses a removed
API and must get an error naming its replacement."""
import collections
import os

import pytest

from conftest import CORPUS, CORPUS_LEGACY
from kubelint.runner import Options, run

pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason=f"shared corpus not found at {CORPUS}")


@pytest.fixture(scope="module")
def corpus_result():
    return run([str(CORPUS)], Options())


def test_corpus_has_no_errors(corpus_result):
    errors = [f for f in corpus_result.findings if f.severity == "error"]
    shown = "\n".join(f"{f.file}:{f.line}:{f.column} [{f.rule}] {f.message}" for f in errors[:20])
    assert not errors, f"{len(errors)} errors on accepted manifests:\n{shown}"
    assert corpus_result.files > 2000 and corpus_result.documents > 4000
    assert not corpus_result.fatal


def test_corpus_no_internal_errors(corpus_result):
    assert not [f for f in corpus_result.findings if f.rule == "internal-error"]


@pytest.mark.skipif(not CORPUS_LEGACY.is_dir(), reason="legacy corpus not found")
def test_every_legacy_file_gets_a_removed_api_error():
    result = run([str(CORPUS_LEGACY)], Options())
    removed = collections.defaultdict(list)
    for f in result.findings:
        if f.rule == "removed-api":
            removed[f.file].append(f)
    files = [os.path.join(d, n) for d, _, ns in os.walk(CORPUS_LEGACY) for n in ns if n.endswith((".yaml", ".yml", ".json"))]
    missing = [p for p in files if p not in removed]
    assert not missing, missing
    for fs in removed.values():
        for f in fs:
            assert "removed in Kubernetes" in f.message and ("apiVersion:" in f.message or "Pod Security Admission" in f.message)
