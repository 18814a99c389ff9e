"""Property tests of `kubelint fix` (hypothesis): generated manifests in
varied styles (indentation, sequence dashes, comments, blank lines, flow
mappings, quoting) with seeded mistakes.

* the fixed text means what the author meant: it loads to the data of the
  manifest before the mistakes were seeded;
* idempotence: fixing the fixed text changes nothing;
* fix then check: no finding of a fixed kind is left at a fixed place, and
  no verified safe fix is left at all;
* every comment of the input is in the output, in order.
"""

import copy
import json
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kubelint.fix.stage import FixStage
from kubelint.loader import parse_text
from kubelint.settings import Settings

SETTINGS = dict(
    derandomize=True,
    deadline=None,
    database=None,
    max_examples=80,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

BASES = [
    {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web", "labels": {"app": "web", "release": "1.10"}},
        "spec": {
            "replicas": 3,
            "selector": {"matchLabels": {"app": "web"}},
            "template": {
                "metadata": {"labels": {"app": "web"}},
                "spec": {
                    "restartPolicy": "Always",
                    "terminationGracePeriodSeconds": 30,
                    "containers": [
                        {
                            "name": "web",
                            "image": "nginx:1.25",
                            "imagePullPolicy": "IfNotPresent",
                            "ports": [{"containerPort": 8080, "protocol": "TCP"}],
                            "env": [{"name": "DEBUG", "value": "true"}, {"name": "V", "value": "1.10"}],
                        }
                    ],
                },
            },
        },
    },
    {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "web"},
        "spec": {
            "type": "ClusterIP",
            "selector": {"app": "web"},
            "sessionAffinity": "None",
            "ports": [{"name": "http", "port": 80, "targetPort": 8080, "protocol": "TCP"}],
        },
    },
    {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "flags", "labels": {"enabled": "yes"}},
        "data": {"mode": "0644", "debug": "off", "name": "x"},
    },
    {
        "apiVersion": "batch/v1",
        "kind": "CronJob",
        "metadata": {"name": "backup"},
        "spec": {
            "schedule": "0 3 * * *",
            "concurrencyPolicy": "Forbid",
            "jobTemplate": {
                "spec": {
                    "template": {
                        "spec": {"restartPolicy": "OnFailure", "containers": [{"name": "b", "image": "busybox:1.36"}]}
                    }
                }
            },
        },
    },
]

ENUMS = {"restartPolicy", "imagePullPolicy", "protocol", "type", "sessionAffinity", "concurrencyPolicy"}
TYPO_KEYS = {
    "containers": "contaners",
    "imagePullPolicy": "imagePullPolicyy",
    "terminationGracePeriodSeconds": "terminationGracePeriodSecnds",
    "containerPort": "containerport",
    "targetPort": "targetport",
    "sessionAffinity": "sessionAfinity",
    "concurrencyPolicy": "concurencyPolicy",
    "selector": "selecctor",
    "schedule": "schedul",
}


def _paths(value, path=()):
    yield path, value
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _paths(v, path + (k,))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _paths(v, path + (i,))


_PLAIN = re.compile(r"[A-Za-z_/][A-Za-z0-9_./:-]*\Z")


class Emitter:
    """Block YAML with chosen indentation, dash offset and decorations;
    ``raw`` maps paths to scalar source text (the seeded mistakes)."""

    def __init__(self, draw, step, dash, raw, quote):
        self.draw, self.step, self.dash, self.raw, self.quote = draw, step, dash, raw, quote
        self.comments = []

    def scalar(self, v, path):
        if path in self.raw:
            return self.raw[path]
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, int):
            return str(v)
        if (
            _PLAIN.match(v)
            and v not in ("true", "false", "yes", "no", "on", "off", "null")
            and not re.match(r"[0-9.]+\Z", v)
        ):
            return v if self.draw(st.booleans()) else self.quote + v + self.quote
        return json.dumps(v) if self.quote == '"' else "'" + v + "'"

    def tail(self):
        if self.draw(st.integers(0, 5)) == 0:
            c = f"# note {len(self.comments)}"
            self.comments.append(c)
            return "  " + c
        return ""

    def mapping(self, d, indent, path, out):
        for k, v in d.items():
            key = self.raw.get(("key",) + path + (k,), k)
            if self.draw(st.integers(0, 9)) == 0:
                out.append("")
            if isinstance(v, dict) and v:
                if all(not isinstance(x, (dict, list)) for x in v.values()) and self.draw(st.integers(0, 3)) == 0:
                    inner = ", ".join(
                        f"{self.raw.get(('key',) + path + (k, kk), kk)}: {self.scalar(vv, path + (k, kk))}"
                        for kk, vv in v.items()
                    )
                    out.append(" " * indent + f"{key}: {{{inner}}}" + self.tail())
                    continue
                out.append(" " * indent + f"{key}:" + self.tail())
                self.mapping(v, indent + self.step, path + (k,), out)
            elif isinstance(v, list) and v:
                out.append(" " * indent + f"{key}:" + self.tail())
                self.sequence(v, indent + self.dash, path + (k,), out)
            else:
                out.append(" " * indent + f"{key}: {self.scalar(v, path + (k,))}" + self.tail())

    def sequence(self, items, indent, path, out):
        for i, v in enumerate(items):
            if isinstance(v, dict):
                sub = []
                self.mapping(v, indent + 2, path + (i,), sub)
                first = sub[0] if sub[0] else sub.pop(0) or sub[0]
                out.append(" " * indent + "- " + first.lstrip(" "))
                out.extend(sub[1:])
            else:
                out.append(" " * indent + "- " + self.scalar(v, path + (i,)) + self.tail())


@st.composite
def manifests(draw):
    n = draw(st.integers(1, 3))
    docs, intended, seeded = [], [], []
    quote = draw(st.sampled_from(['"', "'"]))
    for _ in range(n):
        base = copy.deepcopy(draw(st.sampled_from(BASES)))
        raw = {}
        eligible = []
        for path, value in _paths(base):
            if not path:
                continue
            key = path[-1]
            if key in ENUMS and isinstance(value, str) and value != value.lower():
                eligible.append(("enum", path, value))
            if key in TYPO_KEYS:
                eligible.append(("typo", path, value))
            if isinstance(value, int) and not isinstance(value, bool):
                eligible.append(("int", path, value))
            if isinstance(value, str) and value in ("true", "1.10", "yes", "0644", "off"):
                eligible.append(("yaml11", path, value))
        for _ in range(draw(st.integers(1, 3))):
            kind, path, value = draw(st.sampled_from(eligible))
            if any(
                p[-len(path) :] == path or path[: len(p)] == p or p[: len(path)] == path
                for p in (q[1:] if q[0] == "key" else q for q in raw)
            ):
                continue  # one mistake per place (and none inside a misspelt key's subtree)
            if kind == "enum":
                raw[path] = value.lower()
            elif kind == "typo":
                raw[("key",) + path] = TYPO_KEYS[path[-1]]
            elif kind == "int":
                raw[path] = f'"{value}"'
            else:
                raw[path] = value
            seeded.append((kind, path))
        em = Emitter(draw, draw(st.sampled_from([2, 4])), draw(st.sampled_from([0, 2])), raw, quote)
        out = []
        if draw(st.booleans()):
            em.comments.append("# a header comment")
            out.append("# a header comment")
        em.mapping(base, 0, (), out)
        docs.append("\n".join(out) + "\n")
        intended.append(base)
    return (
        "---\n".join(docs),
        intended,
        seeded,
        [c for c in re.findall(r"# (?:note \d+|a header comment)", "---\n".join(docs))],
    )


@pytest.fixture(scope="module")
def stage():
    return FixStage(Settings())


@settings(**SETTINGS)
@given(manifests())
def test_fix_properties(stage, case):
    text, intended, seeded, comments = case
    r = stage.fix_text("gen.yaml", text)
    fixed = r.text
    # the author's meaning is restored
    loaded = parse_text(fixed, "gen.yaml")
    assert not [p for p in loaded.problems if p.severity == "error"], loaded.problems
    assert [d.data for d in loaded.documents] == intended, (text, fixed)
    # idempotent
    again = stage.fix_text("gen.yaml", fixed)
    assert again.text == fixed and not again.applied
    # fix then check: nothing of a fixed kind at a fixed place, no safe fix left
    a = stage.analyse("gen.yaml", fixed)
    fixed_rules = {f.rule for f in r.applied}
    assert not [i for i in a.items if i.finding.rule in fixed_rules and i.finding.severity == "error"]
    assert stage.plan("gen.yaml", fixed, unsafe=False) == {}
    # comments kept, in order
    pos = 0
    for c in comments:
        pos = fixed.find(c, pos)
        assert pos >= 0, c
