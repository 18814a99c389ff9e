"""API-server conformance suite: every case under tests/conformance/ is a
small manifest labelled with the verdict `kubectl apply --dry-run=server
--validate=strict` gives on a fresh cluster (where the namespaces it names
exist).  Header comments, before the first document::

    # verdict: reject            (or accept)
    # field: spec.replicas       (the field path the server names; reject only)
    # line: 7                    (the line kubelint must report; reject only)
    # source: ValidateDeploymentSpec (pkg/apis/apps/validation/validation.go)
    # oracle: confirmed v1.37.2  (set by scripts/oracle_compare.py --record)

A reject case passes when kubelint reports at least one `error` at `line`
(whose path contains `field`); an accept case when it reports no error.
"""
import os
import pathlib
import re

import pytest

from kubelint.runner import Options, run

ROOT = pathlib.Path(__file__).parent / "conformance"
HEADER = re.compile(r"^#\s*(verdict|field|line|source|oracle):\s*(.*?)\s*$", re.M)


def load_cases():
    cases = []
    for dirpath, _dirs, files in os.walk(ROOT):
        for name in sorted(files):
            if name.endswith((".yaml", ".yml", ".json")) and name != "oracle-results.json":
                path = pathlib.Path(dirpath, name)
                head = path.read_text(encoding="utf-8", errors="replace")[:4000]
                labels = dict(HEADER.findall(head))
                cases.append((path, labels))
    return sorted(cases)


CASES = load_cases()


def _id(case):
    return str(case[0].relative_to(ROOT))


def test_suite_is_labelled():
    """Every case has a verdict and a source; every reject names a field and line."""
    for path, labels in CASES:
        assert labels.get("verdict") in ("accept", "reject"), path
        assert labels.get("source"), f"{path}: no '# source:' label"
        if labels["verdict"] == "reject":
            assert labels.get("field") and labels.get("line", "").isdigit(), path


@pytest.mark.parametrize("case", CASES, ids=_id)
def test_case(case):
    path, labels = case
    result = run([str(path)], Options())
    errors = [f for f in result.findings if f.severity == "error"]
    shown = "\n".join(f"  {f.line}:{f.column} [{f.rule}] {f.path}: {f.message}" for f in result.findings)
    if labels.get("verdict") == "accept":
        assert not errors, f"{path.name}: the API server accepts it, kubelint reported:\n{shown}"
        return
    line = int(labels.get("line", "0") or 0)
    at_line = [f for f in errors if f.line == line]
    assert at_line, f"{path.name}: the API server rejects {labels.get('field')} (line {line}); kubelint reported:\n{shown or '  nothing'}"
    field = labels.get("field", "")
    if field:
        leaf = re.split(r"[.\[]", field.rstrip("]"))[-1]
        assert any(leaf in (f.path + " " + f.message) for f in at_line), (
            f"{path.name}: error at line {line} does not name {field!r}:\n{shown}")


def test_validators_survive_odd_shapes():
    """API-server validators never raise: every case, with values swapped for
    odd types (the schema layer reports those; the validators must skip them)."""
    import copy
    import random

    import yaml

    from kubelint.apiserver import registry

    stage = registry.ApiServerStage("1.37")
    odd = [None, [], {}, 1, -1, "x", True, 1.5, [1, "a"], {"a": None}, "", 10 ** 20, "${X}"]
    rnd = random.Random(4)

    def paths(node, p=()):
        yield p
        if isinstance(node, dict):
            for k, val in node.items():
                yield from paths(val, p + (k,))
        elif isinstance(node, list):
            for i, val in enumerate(node):
                yield from paths(val, p + (i,))

    class Obj:
        pass

    for path, _labels in CASES:
        try:
            base = yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError:
            continue
        if not isinstance(base, dict):
            continue
        candidates = [p for p in paths(base) if p]
        for _ in range(5):
            data = copy.deepcopy(base)
            for p in rnd.sample(candidates, min(3, len(candidates))):
                node = data
                try:
                    for elem in p[:-1]:
                        node = node[elem]
                    node[p[-1]] = copy.deepcopy(rnd.choice(odd))
                except (KeyError, IndexError, TypeError):
                    pass
            obj = Obj()
            obj.data = data
            api = data.get("apiVersion") if isinstance(data.get("apiVersion"), str) else ""
            obj.group = api.split("/")[0] if "/" in api else ""
            obj.kind = data.get("kind") if isinstance(data.get("kind"), str) else ""
            obj.metadata = data.get("metadata") if isinstance(data.get("metadata"), dict) else {}
            obj.name = obj.metadata.get("name") if isinstance(obj.metadata.get("name"), str) else None
            obj.namespace = None
            for fn in registry._VALIDATORS.get((obj.group, obj.kind), []) + registry._VALIDATORS.get(registry.ANY, []):
                list(fn(obj, stage.ctx) or ())  # must not raise
