"""kubelint.settings: one frozen value, one precedence rule (flags >
configuration > defaults), and no run state in module globals."""

import ast
import dataclasses
import os
from pathlib import Path

import pytest

from kubelint import config as cfgmod
from kubelint.loader import Limits
from kubelint.settings import FAIL_ON, Settings, SettingsError, build, minor_version

ROOT = Path(__file__).resolve().parent.parent


def conf(text, tmp_path):
    return cfgmod.parse(text, str(tmp_path / ".kubelint.yaml"))


def test_defaults_without_flags_or_configuration():
    from kubelint.cache import default_dir

    s = build(jobs=1, color=False, progress=False)
    # the command line keeps the results cache in the user cache directory; the API's default is memory only
    assert s == dataclasses.replace(Settings(), cache_dir=default_dir())


def test_cache_location_flags_over_configuration_over_default(tmp_path):
    from kubelint.cache import default_dir

    assert build(jobs=1).cache_dir == default_dir()
    assert build(jobs=1, no_cache=True).cache_dir is None
    assert build(jobs=1, cache_dir=str(tmp_path / "c")).cache_dir == str(tmp_path / "c")
    off = conf("cache: false\n", tmp_path)
    assert build(off, jobs=1).cache_dir is None
    assert build(off, jobs=1, cache_dir="/x/y").cache_dir == "/x/y"  # the flag wins
    moved = conf("cache: .cache/kl\n", tmp_path)
    assert build(moved, jobs=1).cache_dir == str(tmp_path / ".cache" / "kl")  # relative to the file
    assert build(moved, jobs=1, no_cache=True).cache_dir is None
    assert build(conf("cache: true\n", tmp_path), jobs=1).cache_dir == default_dir()
    with pytest.raises(cfgmod.ConfigError, match="cache must be true, false or a directory"):
        conf("cache: 3\n", tmp_path)


def test_flags_win_over_the_configuration_which_wins_over_defaults(tmp_path):
    c = conf(
        'kubernetes-version: "v1.33.4"\nnamespace: shop\nfail-on: error\nlimits: {max-documents: 5, max-depth: 50}\n',
        tmp_path,
    )
    s = build(c, jobs=1)
    assert (s.kubernetes_version, s.default_namespace, s.fail_on) == ("1.33", "shop", "error")
    assert s.limits == dataclasses.replace(Limits(), max_documents=5, max_depth=50)
    s = build(c, jobs=1, kubernetes_version="1.30", namespace="dev", fail_on="never", limits={"max_depth": 7})
    assert (s.kubernetes_version, s.default_namespace, s.fail_on) == ("1.30", "dev", "never")
    assert (s.limits.max_documents, s.limits.max_depth) == (5, 7)  # per field
    assert s.config is c  # the rule policy travels with the settings


def test_paths_add_up_configuration_first_relative_to_its_file(tmp_path):
    c = conf("crd: [crds/, crds/]\nschema-dir: cat\n", tmp_path)
    s = build(c, jobs=1, crd_paths=("x.yaml",), schema_dirs=("other",), context_paths=("ctx",))
    assert s.crd_paths == (str(tmp_path / "crds"), "x.yaml")
    assert s.schema_dirs == (str(tmp_path / "cat"), "other")
    assert s.context_paths == ("ctx",)


def test_versions_are_normalised_once():
    assert minor_version("v1.33.2") == minor_version("1.33") == "1.33"
    assert build(jobs=1, kubernetes_version="v1.30.1").kubernetes_version == "1.30"
    with pytest.raises(SettingsError, match="unsupported --kubernetes-version '1.99'"):
        build(jobs=1, kubernetes_version="1.99")


def test_bad_settings_name_their_flag():
    with pytest.raises(SettingsError, match="unknown --format 'yaml'"):
        build(format="yaml")
    with pytest.raises(SettingsError, match="--jobs must be at least 1"):
        build(jobs=0)


def test_settings_are_frozen():
    s = Settings()
    with pytest.raises(dataclasses.FrozenInstanceError):
        s.jobs = 4  # type: ignore[misc]
    assert dataclasses.replace(s, jobs=4).jobs == 4


def test_fail_on_is_defined_once():
    from kubelint import cli, config

    assert cli.FAIL_ON is config.FAIL_ON is FAIL_ON


def _module_assignments(path: Path):
    """Names a module rebinds with ``global`` inside a function."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {name for node in ast.walk(tree) if isinstance(node, ast.Global) for name in node.names}


# Lazily built constants, the same in every run (not run state).
CACHES = {
    os.path.join("kubelint", "apiserver", "meta.py"): {"_PLACEHOLDER_RE"},  # compiled regexes
    os.path.join("kubelint", "cel.py"): {"_context"},  # the CEL base environment
    # the process's results cache (the rule catalogue, needed before a run's settings exist):
    # where it is, set by the command line (kubelint.cache.configure)
    os.path.join("kubelint", "cache.py"): {"_process"},
    # PyYAML and the names of it the loader uses, imported on first need (loader._pyyaml)
    os.path.join("kubelint", "loader.py"): {
        "yaml",
        "_BaseLoader",
        "_ComposeLoader",
        "_ScalarNode",
        "_MappingNode",
        "_SequenceNode",
        "_CParser",
        "_ScalarEvent",
        "_MappingStartEvent",
        "_MappingEndEvent",
        "_SequenceStartEvent",
        "_SequenceEndEvent",
        "_DocumentStartEvent",
        "_StreamEndEvent",
    },
}


def test_no_run_state_in_module_globals():
    """Besides caches of constants, nothing is rebound at run time (parallel's
    workers get their task as the arguments of the forked process)."""
    rebound = dict(CACHES)
    for path in sorted((ROOT / "kubelint").rglob("*.py")):
        names = _module_assignments(path)
        if names:
            rebound[os.path.relpath(path, ROOT)] = names
    assert rebound == CACHES


def test_no_options_bag_read_with_getattr():
    """Settings are read as attributes, never ``getattr(options, "...", default)``."""
    hits = []
    for path in sorted((ROOT / "kubelint").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "getattr"
                and node.args
                and isinstance(node.args[0], (ast.Name, ast.Attribute))
                and any(w in ast.unparse(node.args[0]) for w in ("options", "settings"))
            ):
                hits.append(f"{path.name}:{node.lineno}")
    assert hits == []


def test_runner_and_parallel_do_not_import_each_other_both_ways():
    def imports(name):
        tree = ast.parse((ROOT / "kubelint" / f"{name}.py").read_text(encoding="utf-8"))
        out = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.level == 1:
                out.add(node.module or "")
        return out

    assert "parallel" in imports("runner")
    assert "runner" not in imports("parallel") and "runner" not in imports("phases")


# Declared runtime dependency -> the module name the package imports.
IMPORT_NAMES = {
    "pyyaml": "yaml",
    "jsonschema": "jsonschema",
    "click": "click",
    "ruamel.yaml": "ruamel.yaml",
    "common-expression-language": "cel",
    "google-re2": "re2",
    "pygls": "pygls",
    "lsprotocol": "lsprotocol",
}
# Every declared dependency is imported (ruamel.yaml by kubelint.fix.yamltext since `kubelint fix` landed).
NOT_YET_IMPORTED = set()


def test_every_declared_dependency_is_imported_by_the_package():
    import re
    import tomllib

    deps = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    names = [re.split(r"[<>=!~;\[ ]", d, maxsplit=1)[0].strip().lower() for d in deps]
    imported = set()
    for path in (ROOT / "kubelint").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                imported.update(a.name for a in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                imported.add(node.module)
    for name in names:
        module = IMPORT_NAMES[name]  # a new dependency: add its import name here
        used = any(m == module or m.startswith(module + ".") for m in imported)
        assert used or name in NOT_YET_IMPORTED, f"{name} is declared but kubelint never imports {module}"
