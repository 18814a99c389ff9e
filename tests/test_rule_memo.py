"""The rules' shortcuts (issue 18: CPU of the rule stages) give what the code they replaced gave: the
per-object memo (kinds.derived) only inside a rule stage, and the index and prefilter rewrites on the
objects of ../shared/corpus and on edge cases.  Each reference below is the replaced code."""

import random

import pytest

from conftest import CORPUS
from kubelint import kinds
from kubelint.model import KubeObject


@pytest.fixture(scope="module")
def corpus_objects():
    from kubelint.loader import discover, load_file
    from kubelint.model import objects_from_document

    if not CORPUS.is_dir():
        pytest.skip(f"shared corpus not found at {CORPUS}")
    out = []
    for path, error in discover([str(CORPUS)]):
        if error is None:
            for doc in load_file(path).documents:
                out.extend(objects_from_document(doc)[0])
    assert len(out) > 4000
    return out


def _reference_iter_containers(obj, include_init=True, include_ephemeral=False):
    spec, base = kinds._pod_spec(obj)
    if spec is None:
        return
    for list_name in kinds.CONTAINER_LISTS:
        if list_name == "initContainers" and not include_init:
            continue
        if list_name == "ephemeralContainers" and not include_ephemeral:
            continue
        containers = spec.get(list_name)
        if not isinstance(containers, list):
            continue
        for i, c in enumerate(containers):
            if isinstance(c, dict):
                yield c, base + (list_name, i), list_name


@pytest.mark.parametrize("in_stage", [False, True])
def test_iter_containers_as_before(corpus_objects, in_stage):
    if in_stage:
        kinds.remember()
    try:
        for obj in corpus_objects:
            for init in (False, True):
                for eph in (False, True):
                    for _ in range(2):  # the second time from the memo, in a stage
                        assert list(kinds.iter_containers(obj, init, eph)) == list(
                            _reference_iter_containers(obj, init, eph)
                        )
            assert kinds.pod_spec(obj) == kinds._pod_spec(obj)
    finally:
        kinds.forget()


def _obj(data):
    return KubeObject(data, (1, 1, None), "x.yaml", 0)


def test_derived_kept_only_within_a_stage_and_per_data():
    calls = []

    def compute(o):
        calls.append(o)
        return len(calls)

    obj = _obj({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": {}})
    assert kinds.derived(obj, "k", compute) == 1 and kinds.derived(obj, "k", compute) == 2  # outside: every time
    kinds.remember()
    try:
        assert kinds.derived(obj, "k", compute) == 3 and kinds.derived(obj, "k", compute) == 3
        assert kinds.derived(obj, "other", compute) == 4
        obj.data = dict(obj.data)  # an object whose data was replaced is not seen through the old entry
        assert kinds.derived(obj, "k", compute) == 5
    finally:
        kinds.forget()
    assert kinds.derived(obj, "k", compute) == 6


def test_engine_forgets_after_each_object():
    from kubelint.engine import RuleSet, RulesStage

    stage = RulesStage(RuleSet())
    data = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d"}}
    data["spec"] = {"template": {"spec": {"containers": [{"name": "a", "image": "nginx:1"}]}}}
    obj = _obj(data)
    first = stage.check_object(obj)
    assert not kinds._Memo.active and not kinds._Memo.by_id
    data["spec"]["template"]["spec"]["containers"][0]["image"] = "nginx:latest"  # changed in place (a fix)
    second = stage.check_object(obj)
    assert {p.rule for p in second} - {p.rule for p in first} == {"image-latest-tag"}


def _reference_cr_match(name, cr):
    return name == cr or name.startswith((cr + "-", cr + ".")) or f".{cr}." in name or name.endswith("-" + cr)


def test_secret_name_parts_as_before():
    from kubelint.checks.references import _cr_names_in

    rng = random.Random(18)
    for _ in range(50000):
        name = "".join(rng.choice("ab-.") for _ in range(rng.randint(0, 9)))
        cr = "".join(rng.choice("ab-.") for _ in range(rng.randint(0, 6)))
        assert _reference_cr_match(name, cr) == (cr in _cr_names_in(name)), (name, cr)


def _values(corpus_objects):
    for obj in corpus_objects:
        for key in ("data", "stringData"):
            if isinstance(obj.data.get(key), dict):
                yield from (v for v in obj.data[key].values() if isinstance(v, str))
        ann = obj.metadata.get("annotations")
        if isinstance(ann, dict):
            yield from (v for v in ann.values() if isinstance(v, str))
        for c, _, _ in kinds.iter_containers(obj, True, True):
            for e in c.get("env") or ():
                if isinstance(e, dict) and isinstance(e.get("value"), str):
                    yield e["value"]


def test_value_credential_as_before(corpus_objects):
    from kubelint.checks import credentials as cr

    def reference(value):
        for what, rx, _needle in cr._VALUE_PATTERNS:  # a regex's own search, no prefilter at all
            if rx.search(value):
                return what
        scheme = cr._uri_password(value) if "://" in value and "@" in value else None
        return f"a {scheme}:// URI with an embedded password" if scheme else None

    samples = list(_values(corpus_objects))
    samples += [
        "AKIA" + "ABCDEFGHIJKLMNOP",
        "x ghp_" + "a" * 36,
        "github_pat_" + "a" * 60,
        "glimt-" + "x" * 20,
        "hvb." + "a" * 24,
        "mob-12345678-1234-1234-1234-123456789012",
        "glsa_" + "a" * 32 + "_abcdef12",
        "NRJS-" + "A" * 27,
        "y" * 300 + " ASIA" + "B" * 16,
    ]
    for value in samples:
        assert cr.value_credential(value) == reference(value)


def test_pod_ip_prefilter_as_before(corpus_objects):
    import ipaddress

    from kubelint.checks.credentials import _IPV4, pod_ip_in

    def reference(value, cidrs):
        if not isinstance(value, str) or "." not in value:
            return None
        nets = [ipaddress.ip_network(c, strict=False) for c in cidrs]
        for m in _IPV4.finditer(value):
            try:
                ip = ipaddress.ip_address(m.group(1))
            except ValueError:
                continue
            for net in nets:
                if ip in net and ip != net.network_address and ip != net.broadcast_address:
                    return m.group(1), net
        return None

    values = list(_values(corpus_objects)) + ["a 10.244.1.2", "110.244.1.2", "x=100.96.3.4;", "10.0.0.1", "05.244.1.1"]
    for cidrs in (
        ["10.244.0.0/16", "10.42.0.0/16", "100.96.0.0/11"],
        ["0.0.0.0/0"],
        ["10.0.0.0/7"],
        ["fd00::/8", "10.244.0.0/16"],
        ["10.244.1.1/8"],
    ):
        for value in values:
            got = pod_ip_in(value, {"cidrs": cidrs})
            assert got == reference(value, cidrs), (value, cidrs)


def test_closest_skips_only_a_repeated_question():
    from kubelint.suggest import closest

    assert closest("confgmap-web", ["configmap-web", "other"], 0.8) == "configmap-web"
    assert closest("Web-Config", ["web-config"], 0.8) == "web-config"
    assert closest("xyz", ["abc"], 0.8) is None
