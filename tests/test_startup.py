"""Start fast: a one-file check imports only what the run uses (issue 18).

Asserted on the modules a real ``kubelint check`` process has loaded when it
exits, never on timings (bench/startup.py measures those)."""

import json
import os
import subprocess
import sys

from conftest import ROOT

# Run the command line in a fresh interpreter and report the modules it loaded on the way out. The interpreter
# runs without `site` (-S), its site-packages put on the path by hand: this machine's site-packages has a
# sandbox .pth that imports certifi, and with it typing, which a user's environment does not; what the probe
# itself imports is not counted.
PROBE = """
import site, sys
sys.path.extend(p for p in site.getsitepackages() if p not in sys.path)
import atexit, json, os
_before = set(sys.modules)
atexit.register(lambda: sys.__stderr__.write("MODULES=" + json.dumps(sorted(set(sys.modules) - _before)) + "\\n"))
_exit = os._exit  # a command that ends its process without the interpreter's exit: report first
os._exit = lambda code: (atexit._run_exitfuncs(), sys.__stderr__.flush(), _exit(code))
sys.argv = ["kubelint"] + json.loads(sys.argv[1])
from kubelint.entry import main
main()
"""

# What a check of built-in kinds never needs.
NOT_FOR_BUILTIN_KINDS = (
    "kubelint.cel",  # CEL: custom resources' rules, admission policies
    "kubelint.celcheck",
    "cel",  # the CEL engine
    "kubelint.crd.compiler",  # CRD schemas
    "kubelint.crd.walker",
    "kubelint.crd.structural",
    "kubelint.crd.formats",
    "kubelint.catalogue_schema",
    "jsonschema",  # --schema-dir catalogues, the configuration's schema
    "kubelint.admission.stage",  # policies and custom rules
    "kubelint.admission.celenv",
    "kubelint.admission.policy",
    "kubelint.fix.stage",  # verified fixes: only when a finding has a fixer
    "kubelint.fix.files",
    "kubelint.fix.fixers",  # the fixers and the fix model: only then too (kubelint.fix.ids says)
    "kubelint.fix.model",
    "kubelint.fix.yamltext",
    "kubelint.fix.migrate",
    "ruamel",
    "kubelint.lsp",  # the language server
    "pygls",
    "lsprotocol",
    "kubelint.render.stage",  # charts and kustomizations
    "kubelint.render.tools",
    "subprocess",
    "kubelint.report.json",  # the other reporters
    "kubelint.report.sarif",
    "kubelint.report.junit",
    "kubelint.report.github",
    "kubelint.baseline",
    "traceback",  # --debug
    "hashlib",  # OpenSSL: the cache hashes with the built-in blake2b
    "click",  # `check [FLAGS] PATH...` runs without it (kubelint.entry)
    "kubelint.config",  # no configuration found (kubelint.configfind): its parser is not needed
    "kubelint.cli",
    "typing",  # ~2.5 ms: annotations are strings, typing names are imported `if TYPE_CHECKING:` only
    "contextlib",  # apiserver.validation.words_of is a class
    "importlib.util",  # the cache's version key finds the engines' modules itself (kubelint.cache._find_spec)
    "signal",  # the Ctrl-C handler is set with _signal
    "weakref",  # the CRD stage's proxy is _weakref's
    "importlib",  # (and with it warnings): modules found by name are imported with __import__
    "warnings",
    "kubelint.apiserver.autoscaling",  # validators of kinds the file does not have (apiserver.stage.ONLY_FOR)
    "kubelint.apiserver.crd_spec",
    "kubelint.apiserver.rbac",
    "kubelint.apiserver.scheduling",
    "kubelint.apiserver.storage",
)


def modules_of(*args, cwd=ROOT, env=None):
    r = subprocess.run(
        [sys.executable, "-S", "-c", PROBE, json.dumps(list(args))],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})},
        timeout=120,
    )
    line = [x for x in r.stderr.splitlines() if x.startswith("MODULES=")]
    assert line, r.stderr
    return r.returncode, set(json.loads(line[-1][len("MODULES=") :]))


def loaded(modules, name):
    return name in modules or any(m.startswith(name + ".") for m in modules)


def test_the_ids_of_fixed_rules_are_the_fixers():
    from kubelint.fix.fixers import FIXERS
    from kubelint.fix.ids import RULES_WITH_FIXERS

    assert RULES_WITH_FIXERS == set(FIXERS)


def test_a_one_file_check_of_builtin_kinds_loads_only_what_it_uses(tmp_path):
    status, modules = modules_of("check", "--no-cache", "examples/app/web.yaml")
    assert status == 1  # its two missing-*-ref warnings: the run did happen
    assert "kubelint.runner" in modules and "kubelint.report.text" in modules
    assert [m for m in NOT_FOR_BUILTIN_KINDS if loaded(modules, m)] == []


def test_what_a_run_needs_is_still_loaded(tmp_path):
    """The probe is not vacuous: a CRD, a policy, another format load their modules."""
    crd = ROOT / "tests" / "data" / "crd" / "widget-crd.yaml"
    _, modules = modules_of(
        "check", "--no-cache", "--format", "json", str(crd), str(ROOT / "tests/data/crd/widget-bad.yaml")
    )
    for name in ("kubelint.crd.structural", "kubelint.crd.walker", "kubelint.report.json"):
        assert loaded(modules, name), name
    policy = tmp_path / "vap.yaml"
    policy.write_text(
        "apiVersion: admissionregistration.k8s.io/v1\nkind: ValidatingAdmissionPolicy\nmetadata: {name: p}\n"
        "spec:\n  matchConstraints:\n    resourceRules:\n    - {apiGroups: [apps], apiVersions: [v1], "
        "operations: [CREATE], resources: [deployments]}\n  validations:\n  - expression: object.spec.replicas > 1\n"
    )
    _, modules = modules_of("check", "--no-cache", str(policy), "examples/app/web.yaml")
    assert loaded(modules, "kubelint.admission.stage") and loaded(modules, "kubelint.cel")
    broken = tmp_path / "broken.yaml"
    broken.write_text("apiVersion: apps/v1beta1\nkind: Deployment\nmetadata: {name: d}\nspec: {}\n")
    _, modules = modules_of("check", "--no-cache", str(broken))  # a finding with a fixer
    assert loaded(modules, "kubelint.fix.stage")


def test_validator_modules_loaded_by_kind_are_the_only_ones_for_their_kinds(tmp_path):
    """apiserver.stage.ONLY_FOR: each module there registers exactly its kinds, no other module registers
    them, and none of them validates every kind; so a kind's validators, and their order, do not depend on
    when the module is imported. A run with such a kind loads its module."""
    from kubelint.apiserver import registry, stage

    stage._load_modules()
    for name in stage.ONLY_FOR:
        __import__(f"kubelint.apiserver.{name}")
    served = {}
    for kind, fns in registry._VALIDATORS.items():
        for fn in fns:
            served.setdefault(fn.__module__.rpartition(".")[2], set()).add(kind)
    for name, kinds in stage.ONLY_FOR.items():
        assert served[name] == set(kinds), name
        others = {m for m, ks in served.items() if m != name and ks & set(kinds)}
        assert others == set(), (name, others)
    assert {m for m, ks in served.items() if registry.ANY in ks}.isdisjoint(stage.ONLY_FOR)
    role = tmp_path / "role.yaml"
    role.write_text("apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: r, namespace: n}\n")
    _, modules = modules_of("check", "--no-cache", str(role))
    assert "kubelint.apiserver.rbac" in modules and "kubelint.apiserver.storage" not in modules


def test_custom_rules_load_the_admission_stage(tmp_path):
    (tmp_path / ".kubelint.yaml").write_text(
        "custom-rules:\n  - id: team-label\n    severity: warning\n    match: {kinds: [Deployment]}\n"
        "    expression: \"has(object.metadata.labels) && 'team' in object.metadata.labels\"\n"
        "    message: every Deployment needs a team label\n"
    )
    (tmp_path / "d.yaml").write_text(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d, namespace: x}\nspec:\n"
        "  selector: {matchLabels: {a: b}}\n  template:\n    metadata: {labels: {a: b}}\n"
        "    spec: {containers: [{name: c, image: nginx:1.25}]}\n"
    )
    status, modules = modules_of("check", "--no-cache", "d.yaml", cwd=tmp_path)
    assert loaded(modules, "kubelint.admission.stage")


def test_a_configuration_validated_before_does_not_load_jsonschema(tmp_path):
    (tmp_path / ".kubelint.yaml").write_text("namespace: shop\nrules:\n  single-replica: off\n")
    (tmp_path / "cm.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {a: b}\n")
    env = {"XDG_CACHE_HOME": str(tmp_path / "cache")}
    _, first = modules_of("check", "cm.yaml", cwd=tmp_path, env=env)
    assert loaded(first, "jsonschema")  # validated, and the verdict kept
    status, second = modules_of("check", "cm.yaml", cwd=tmp_path, env=env)
    assert status == 0 and not loaded(second, "jsonschema")
    (tmp_path / ".kubelint.yaml").write_text("namespace: shop\nrules:\n  single-replica: {severity: 3}\n")
    r = subprocess.run(
        [sys.executable, "-m", "kubelint", "check", "cm.yaml"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT), **env},
        timeout=120,
    )
    assert r.returncode == 2 and ".kubelint.yaml:3" in r.stderr  # a changed file is checked again


def test_context_files_skip_the_per_object_stages_and_change_no_finding(monkeypatch):
    """--context: loaded for the cross-object rules only; the checked files' findings are those of a run
    over everything, restricted to them."""
    from conftest import CORPUS

    from kubelint import parallel
    from kubelint.runner import run
    from kubelint.settings import Settings

    files = sorted(str(p) for p in CORPUS.rglob("*.yaml") if " " not in p.name)[:80]
    if not files:
        import pytest

        pytest.skip("no shared corpus")
    inputs, context = files[:6], files[6:]
    checked = []
    real = parallel.check_objects
    monkeypatch.setattr(parallel, "check_objects", lambda fr, ctx: checked.append(fr.path) or real(fr, ctx))
    with_context = run(inputs, Settings(context_paths=tuple(context)))
    assert sorted(checked) == sorted(inputs)  # no per-object stage ran on a context file
    whole = run(inputs + context, Settings())
    assert with_context.findings and with_context.findings == [f for f in whole.findings if f.file in inputs]


def test_a_lazy_pattern_is_the_compiled_pattern():
    import re

    from kubelint.lazyre import lazy

    rx = lazy(r"(?P<k>[a-z]+)=(\d+)", re.I)
    assert rx.pattern == r"(?P<k>[a-z]+)=(\d+)" and "match" not in vars(rx)  # nothing compiled yet
    assert rx.groups == 2 and rx.groupindex == {"k": 1}
    assert rx.match("A=1")[2] == "1" and rx.fullmatch("a=1x") is None and rx.search("- b=2")["k"] == "b"
    assert rx.sub("x", "a=1 b=2") == "x x" and rx.findall("a=1") == [("a", "1")]
    assert [m.group() for m in rx.finditer("a=1,b=2")] == ["a=1", "b=2"]
    assert vars(rx)["match"] == re.compile(r"(?P<k>[a-z]+)=(\d+)", re.I).match  # the compiled pattern's own
    assert rx.compiled() is re.compile(r"(?P<k>[a-z]+)=(\d+)", re.I) and rx.flags & re.I
    assert not hasattr(rx, "nope")


def test_module_level_patterns_of_a_one_file_check_are_lazy():
    """A regular expression compiled at import time is paid by every run (kubelint.lazyre): the modules a
    one-file check of built-in kinds imports compile none of theirs before they need them (the loader's
    too: a file its C extension loads uses 3 of its 17)."""
    import ast

    _, modules = modules_of("check", "--no-cache", "examples/app/web.yaml")
    eager = []
    for name in sorted(m for m in modules if m.startswith("kubelint")):
        path = ROOT / (name.replace(".", "/") + ".py")
        if not path.exists():
            path = ROOT / name.replace(".", "/") / "__init__.py"
        tree = ast.parse(path.read_text(encoding="utf-8"))

        def visit(node, in_def):
            for child in ast.iter_child_nodes(node):
                inner = in_def or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
                if (
                    not in_def
                    and isinstance(child, ast.Call)
                    and isinstance(child.func, ast.Attribute)
                    and child.func.attr == "compile"
                    and getattr(child.func.value, "id", "") == "re"
                ):
                    eager.append(f"{name}:{child.lineno}")
                visit(child, inner)

        visit(tree, False)
    assert eager == []


def test_a_one_file_check_creates_few_dataclasses():
    """Creating a dataclass compiles its methods (~0.35 ms each), and importing dataclasses loads inspect
    (~7 ms): the classes a one-file check defines are plain classes (kubelint.record), those whose
    interface is dataclasses.replace (the settings) with their __dataclass_fields__ built on first use.
    The loader's Document and LoadedFile are record classes too."""
    import importlib

    _, modules = modules_of("check", "--no-cache", "examples/app/web.yaml")
    found = []
    for name in sorted(m for m in modules if m.startswith("kubelint")):
        module = importlib.import_module(name)
        for value in vars(module).values():
            if isinstance(value, type) and value.__module__ == name and "__dataclass_fields__" in vars(value):
                init = vars(value).get("__init__")
                if init is None or init.__code__.co_filename == "<string>":  # compiled by @dataclass
                    found.append(f"{name}.{value.__qualname__}")
    assert found == []


def test_settings_are_still_dataclasses_to_dataclasses():
    import dataclasses

    from kubelint.settings import Limits, Settings

    s = Settings()
    assert dataclasses.is_dataclass(s) and [f.name for f in dataclasses.fields(Limits)][0] == "max_file_bytes"
    assert dataclasses.replace(s, jobs=4) == Settings(jobs=4) != s
    assert hash(Limits()) == hash(dataclasses.replace(Limits()))
    with __import__("pytest").raises(dataclasses.FrozenInstanceError):
        s.jobs = 4  # type: ignore[misc]
    assert repr(Limits(max_depth=5)).startswith("Limits(max_file_bytes=33554432, max_documents=10000, max_depth=5,")


def test_prefilters_answer_as_the_patterns_they_spare():
    """A one-file check need not compile a pattern a cheap test rules out: the answer is the pattern's own."""
    from kubelint import mask
    from kubelint.apiserver import meta

    for c in range(0x110000):  # every character: str.isprintable refuses each one of the control pattern's
        s = chr(c)
        assert mask._has_ctrl(s) == (mask._CTRL.search(s) is not None), hex(c)
    samples = [
        "",
        "web",
        "a\tb",
        "a\nb",
        "\x1b]0;x\x07",
        "x\u202ey",
        "\xa0",
        "é",
        "😀",
        "a$b",
        "${X}",
        "${X:-d}",
        "$(X)",
    ]
    samples += [
        "$X",
        "$x",
        "<x>",
        "<1>",
        "a<b>c",
        "{{ .x }}",
        "{{",
        "}}",
        "<",
        ">",
        "$",
        "{x}",
        "$$",
        "<<X>>",
        "{ { x } }",
    ]
    meta.is_placeholder("$X")
    for s in samples:
        assert mask._has_ctrl(s) == (mask._CTRL.search(s) is not None), s
        assert meta.is_placeholder(s) == bool(meta._PLACEHOLDER_RE[0].search(s) or meta._PLACEHOLDER_RE[1].search(s)), s
