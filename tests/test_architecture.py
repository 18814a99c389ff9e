"""The package's import graph is a one-way flow (no cycles), and
docs/architecture.md names exactly the package's modules.

Every import counts: module level and inside functions (a lazy import is
still a dependency; only ``if TYPE_CHECKING:`` blocks are left out), ``from . import x`` (the submodule x) and
``from .x import y`` (the module x; y itself when it is a submodule).
Importing ``a.b.c`` also runs ``a/__init__.py`` and ``a/b/__init__.py``, so a
module depends on the packages above every module it imports.
"""

from __future__ import annotations

import ast
import os
import re

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
PACKAGE = "kubelint"


def _modules() -> dict:
    """Dotted module name -> file path, for every module of the package."""
    out = {}
    base = os.path.join(ROOT, PACKAGE)
    for dirpath, dirs, files in os.walk(base):
        dirs[:] = sorted(d for d in dirs if not d.startswith((".", "__")))
        for f in files:
            if not f.endswith(".py"):
                continue
            rel = os.path.relpath(os.path.join(dirpath, f), ROOT)[:-3].split(os.sep)
            if rel[-1] == "__init__":
                rel = rel[:-1]
            out[".".join(rel)] = os.path.join(dirpath, f)
    return out


def _parents(name: str):
    parts = name.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts))]


def _runtime_nodes(tree):
    """Every node except those under ``if TYPE_CHECKING:`` (annotations only:
    never imported at run time, so they cannot form an import cycle)."""
    stack = [tree]
    while stack:
        node = stack.pop()
        yield node
        for child in ast.iter_child_nodes(node):
            if (
                isinstance(child, ast.If)
                and getattr(child.test, "id", getattr(child.test, "attr", "")) == "TYPE_CHECKING"
            ):
                stack.extend(child.orelse)
                continue
            stack.append(child)


def import_graph() -> dict:
    """Module -> set of package modules it imports (directly)."""
    modules = _modules()
    graph = {}
    for name, path in modules.items():
        is_pkg = path.endswith("__init__.py")
        package = name if is_pkg else name.rpartition(".")[0]
        with open(path, encoding="utf-8") as fh:
            tree = ast.parse(fh.read(), path)
        targets = set()
        for node in _runtime_nodes(tree):
            if isinstance(node, ast.Import):
                targets.update(a.name for a in node.names)
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split(".")
                    base = base[: len(base) - node.level + 1]
                    mod = ".".join(base + ([node.module] if node.module else []))
                else:
                    mod = node.module or ""
                subs = {f"{mod}.{a.name}" for a in node.names} & modules.keys()
                targets.update(subs)
                if len(subs) < len(node.names):  # a name defined in mod itself
                    targets.add(mod)
        # Importing a.b.c first runs a/__init__.py and a/b/__init__.py; for the
        # packages above this module itself that already happened.
        implicit = {p for t in targets for p in _parents(t)} - set(_parents(name))
        graph[name] = {t for t in targets | implicit if t in modules and t != name}
    return graph


def find_cycles(graph: dict) -> list:
    """The strongly connected components with more than one module (Tarjan)."""
    index, low, stack, on, out = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def test_import_graph_has_no_cycle():
    graph = import_graph()
    cycles = find_cycles(graph)
    detail = []
    for comp in cycles:
        members = set(comp)
        edges = sorted(f"{a} -> {b}" for a in comp for b in graph[a] if b in members)
        detail.append(", ".join(edges))
    assert cycles == [], "import cycles:\n" + "\n".join(detail)


def test_cycle_finder():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": {"e"}}
    assert find_cycles(graph) == [["a", "b", "c"]]


def test_graph_sees_function_level_and_package_imports():
    graph = import_graph()
    assert "kubelint.cel" in graph["kubelint.crd.compiler"]  # imported inside a function
    assert "kubelint.apiserver" in graph["kubelint.crd.stage"]  # `from ..apiserver import meta` runs its __init__
    assert "kubelint.apiserver.meta" in graph["kubelint.crd.stage"]


def _documented() -> set:
    with open(os.path.join(ROOT, "docs", "architecture.md"), encoding="utf-8") as fh:
        text = fh.read()
    names = set()
    for m in re.finditer(r"(?<![\w./-])((?:[a-z_0-9]+/)*[a-z_0-9]+(?:\.py|/))(?![\w])", text):
        names.add(m.group(1))
    return names


def test_architecture_doc_names_every_module_and_only_real_ones():
    modules = _modules()
    documented = _documented()
    # The doc writes paths relative to kubelint/: "loader.py", "apiserver/", "crd/stage.py".
    real = set()
    for path in modules.values():
        rel = os.path.relpath(path, os.path.join(ROOT, PACKAGE)).replace(os.sep, "/")
        real.add(rel[: -len("__init__.py")] if rel.endswith("__init__.py") else rel)
    real.discard("")
    real |= {r + "__init__.py" for r in real if r.endswith("/")}
    missing = sorted(r for r in real if r not in documented and not r.endswith("__init__.py"))
    unknown = sorted(d for d in documented if d not in real and not os.path.exists(os.path.join(ROOT, d)))
    assert missing == [], f"modules docs/architecture.md does not name: {missing}"
    assert unknown == [], f"docs/architecture.md names modules that do not exist: {unknown}"


def test_every_package_is_in_the_wheel():
    """pyproject lists packages explicitly: a new subpackage left out would be
    missing from an installed kubelint."""
    import tomllib

    with open(os.path.join(ROOT, "pyproject.toml"), "rb") as fh:
        listed = set(tomllib.load(fh)["tool"]["setuptools"]["packages"])
    packages = {name for name, path in _modules().items() if path.endswith("__init__.py")}
    assert packages - listed == set()


def test_rule_facts_have_one_home():
    """Kinds and parameter defaults live in the catalogue entry; the check
    function only reads them (docs/architecture.md, "Rules: one home per fact")."""
    from kubelint import engine

    cat = engine.catalogue()
    checks = engine.registered_checks()
    python_entries = {rid for rid, e in cat.items() if e.source == "rules"}
    assert set(checks) == python_entries
    for path in sorted(os.listdir(os.path.join(ROOT, PACKAGE, "checks"))):
        if not path.endswith(".py"):
            continue
        with open(os.path.join(ROOT, PACKAGE, "checks", path), encoding="utf-8") as fh:
            tree = ast.parse(fh.read())
        for node in ast.walk(tree):
            # params.get("x", default) would be a second home for the default
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "get"
                and isinstance(node.func.value, (ast.Name, ast.Attribute))
                and getattr(node.func.value, "attr", getattr(node.func.value, "id", "")) == "params"
            ):
                raise AssertionError(
                    f"checks/{path}:{node.lineno}: read parameters as params[name]; the default is in the catalogue"
                )


def test_check_refuses_kinds():
    import pytest

    from kubelint import engine

    with pytest.raises(TypeError, match="catalogue entry"):
        engine.check("some-rule", kinds=("Pod",))
