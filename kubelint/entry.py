"""The ``kubelint`` command (console script and ``python -m kubelint``).

The command lines a pre-commit hook, an editor and a shell send most, ``kubelint check [FLAGS] PATH...``
with the flags below, run without importing click: click's import is about a quarter of a one-file check's
CPU (issue 18, "start fast"). Everything else (help, usage errors, other
commands and options, shell completion) goes to click (kubelint.cli), so there is one definition of the
command line; tests/test_entry.py holds the two to the same parameters, output and exit statuses.
"""

from __future__ import annotations

import os
import sys

from .settings import FAIL_ON

# check's flags the fast path takes (click: is_flag options, False unless given)
_FLAGS = {
    "--no-progress": "no_progress",
    "--quiet": "quiet",
    "-q": "quiet",
    "--no-color": "no_color",
    "--show-skipped": "show_skipped",
    "--discover": "discover",
    "--no-cache": "no_cache",
    "--debug": "debug",
}
# options with one string value (no type conversion in click), the last one given wins
_VALUES = {
    "--kubernetes-version": "kubernetes_version",
    "-k": "kubernetes_version",
    "--format": "format",
    "-f": "format",
    "--namespace": "namespace",
    "-n": "namespace",
    "--jobs": "jobs",
    "-j": "jobs",
    "--fail-on": "fail_on",
}
# repeatable options (click: a tuple in the order given)
_MULTIPLE = {"--context": "context_paths", "--profile": "profiles", "-p": "profiles"}

# every parameter of `check` as click passes it when not given (tests/test_entry.py compares with click)
DEFAULTS = {
    "kubernetes_version": None,
    "format": None,
    "output": None,
    "fail_on": None,
    "namespace": None,
    "config_path": None,
    "context_paths": (),
    "policy_paths": (),
    "namespace_labels": (),
    "crd_paths": (),
    "schema_dirs": (),
    "baseline": None,
    "write_baseline": None,
    "jobs": None,
    "no_progress": False,
    "quiet": False,
    "no_color": False,
    "no_schema": None,
    "max_file_size": None,
    "max_documents": None,
    "max_depth": None,
    "max_aliases": None,
    "max_nodes": None,
    "pod_security_config": None,
    "profiles": (),
    "helm": None,
    "kustomize": None,
    "show_skipped": False,
    "discover": False,
    "no_cache": False,
    "cache_dir": None,
    "debug": False,
    "fix": False,
    "unsafe_fixes": False,
    "fix_diff": False,
    "fix_check": False,
}


def parse_check(argv):
    """``check``'s parameters (as click would pass them) for ``argv`` (after ``check``), or None when the
    command line needs click: an option not listed above, a missing or dash-led value, a value click would
    reject, ``--``, no path."""
    params = dict(DEFAULTS)
    paths = []
    multiple = {}
    i = 0
    while i < len(argv):
        arg = argv[i]
        i += 1
        if arg[:1] != "-" or arg == "-":
            paths.append(arg)
            continue
        name, eq, value = arg.partition("=")
        if name in _FLAGS and not eq:
            params[_FLAGS[name]] = True
            continue
        dest = _VALUES.get(name) or _MULTIPLE.get(name)
        if dest is None or (eq and not name.startswith("--")):
            return None
        if not eq:
            if i >= len(argv):
                return None
            value = argv[i]
            i += 1
        if value[:1] == "-" or (dest == "fail_on" and value not in FAIL_ON):
            return None
        if name in _MULTIPLE:
            multiple.setdefault(dest, []).append(value)
        else:
            params[dest] = value
    if not paths:
        return None
    for dest, values in multiple.items():
        params[dest] = tuple(values)
    params["paths"] = tuple(paths)
    return params


def main() -> None:
    argv = sys.argv[1:]
    if any(k.endswith("_COMPLETE") and k.startswith("_") for k in os.environ):  # click's shell completion
        argv = None
    params = parse_check(argv[1:]) if argv and argv[0] == "check" else None
    if params is None:
        from .cli import main as click_main

        click_main()
        return
    import gc

    # A command-line check builds many small acyclic objects from its first import to its report, then exits:
    # the cyclic collector would only rescan them (the run pauses it too: kubelint.runner).
    gc.disable()
    from . import checkcmd

    paths, config_path, debug = params.pop("paths"), params.pop("config_path"), params.pop("debug")
    checkcmd.guarded(lambda: checkcmd.standalone_check(paths, config_path, debug, params))


if __name__ == "__main__":  # pragma: no cover
    main()
