"""kubelint.entry: `kubelint check [FLAGS] PATH...` without click is the same command as click's.

The fast path must pass `check` the parameters click passes, and a process must print the same bytes and
exit with the same status whichever path it takes; anything the fast path does not take goes to click."""

import json
import os
import subprocess
import sys

import pytest
from conftest import ROOT

from kubelint import cli, entry
from kubelint.settings import FAIL_ON


def click_params(argv):
    ctx = cli.check.make_context("check", list(argv))
    return dict(ctx.params)


SHAPES = [
    ["examples/app/web.yaml"],
    ["examples/app/web.yaml", "examples/app", "-"],
    ["--no-progress", "--discover", "a.yaml", "b.yaml"],  # the pre-commit hook
    ["--no-progress", "--discover", "--context", "k8s/", "a.yaml", "--context=other/"],
    ["-q", "--quiet", "--no-color", "--show-skipped", "--no-cache", "--debug", "x"],
    ["--fail-on", "never", "x", "--fail-on=error"],
    ["-f", "json", "x", "--format", "sarif", "--format="],
    ["-n", "shop", "-k", "1.30", "-j", "2", "--namespace=a", "--kubernetes-version=1.33", "--jobs=auto", "x"],
    ["-p", "pss-baseline", "--profile", "all", "--profile=recommended,pss-restricted", "x"],
    ["x", "--no-progress", "y"],  # options after paths (click's interspersed arguments)
]


@pytest.mark.parametrize("argv", SHAPES, ids=lambda a: " ".join(a))
def test_the_fast_path_passes_what_click_passes(argv):
    assert entry.parse_check(argv) == click_params(argv)


def test_the_defaults_are_clicks():
    params = click_params(["x"])
    del params["paths"]
    assert entry.DEFAULTS == params
    assert entry.FAIL_ON is FAIL_ON


FALLBACK = [
    [],  # no input: click's path says so
    ["--help"],
    ["-h", "x"],
    ["--", "-x.yaml"],
    ["--fail-on", "bogus", "x"],
    ["--fail-on", "x"],  # "x" is not a severity: click's usage error
    ["--format"],  # a value missing
    ["--format", "-q", "x"],  # click would take "-q" as the value
    ["-qn", "shop", "x"],  # combined short flags
    ["-fjson", "x"],  # a short option's attached value
    ["-q=1", "x"],
    ["--quiet=yes", "x"],
    ["--config", "c.yaml", "x"],
    ["--output", "o.json", "x"],
    ["--fix", "x"],
    ["--max-file-size", "1MiB", "x"],
    ["--crd", "c.yaml", "x"],
    ["--policy", "p.yaml", "x"],
    ["--baseline", "b.json", "x"],
    ["--discoverr", "x"],
]


@pytest.mark.parametrize("argv", FALLBACK, ids=lambda a: " ".join(a) or "(none)")
def test_what_the_fast_path_does_not_take_goes_to_click(argv):
    assert entry.parse_check(argv) is None


# A process: the modules it loaded, written to a file on the way out (its own stderr is compared).
PROBE = """
import atexit, json, os, sys
out = sys.argv.pop(1)
atexit.register(lambda: open(out, "w").write(json.dumps(sorted(sys.modules))))
_exit = os._exit  # a command that ends its process without the interpreter's exit: write them first
os._exit = lambda code: (atexit._run_exitfuncs(), _exit(code))
sys.argv = ["kubelint"] + sys.argv[1:]
from kubelint.{module} import main
main()
"""


def run(module, args, tmp_path, stdin=None, env=None):
    modules = tmp_path / f"modules-{module}.json"
    r = subprocess.run(
        [sys.executable, "-c", PROBE.format(module=module), str(modules), *args],
        capture_output=True,
        cwd=ROOT,
        input=stdin,
        env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})},
        timeout=120,
    )
    return r.returncode, r.stdout, r.stderr, set(json.loads(modules.read_text()))


def _cases(tmp_path):
    bad_ns = tmp_path / "bad.yaml"
    bad_ns.write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: Bad_Name}\ndata: {a: b}\n")
    secret = tmp_path / "secret.yaml"
    secret.write_text(
        "apiVersion: v1\nkind: Secret\nmetadata: {name: s, namespace: x}\nstringData: {password: hunter2}\n"
        "type: Opaque\nfoo: 1\n"
    )
    broken = tmp_path / "broken.yaml"
    broken.write_text("a: [1, 2\n")
    return [
        (["check", "examples/app/web.yaml"], None),
        (["check", "--no-progress", "--discover", "examples/app/web.yaml", "README.md", str(bad_ns)], None),
        (["check", "-q", "--fail-on", "error", "examples/"], None),
        (["check", "-f", "json", "examples/app/web.yaml", str(secret)], None),
        (["check", "--format", "sarif", str(broken)], None),
        (["check", "-f", "github", "-n", "shop", "--context", "examples/", "examples/app/web.yaml"], None),
        (["check", "-", "--format=junit"], b"apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {}\n"),
        (["check", "no/such/file.yaml"], None),
        (["check", "--format", "nope", "examples/app/web.yaml"], None),  # a settings error
        (["check", "-k", "1.0", "examples/app/web.yaml"], None),
        (["check", "-j", "none", "examples/app/web.yaml"], None),
        (["check", "--profile", "bogus", "examples/app/web.yaml"], None),
        (["check", "--no-cache", "--show-skipped", "--no-color", "examples/"], None),
    ]


def test_a_process_prints_and_exits_the_same_without_click(tmp_path):
    for args, stdin in _cases(tmp_path):
        fast = run("entry", args, tmp_path, stdin)
        slow = run("cli", args, tmp_path, stdin)
        assert fast[:3] == slow[:3], args
        assert "click" not in fast[3], args  # the fast path did not fall back
        assert "click" in slow[3]


def test_the_rest_goes_to_click_with_the_same_result(tmp_path):
    rest = (["check", "--help"], ["check"], ["check", "--fail-on", "bogus", "x"], ["rules"], ["nope"], ["--version"])
    for args in rest:
        fast = run("entry", args, tmp_path)
        slow = run("cli", args, tmp_path)
        assert fast[:3] == slow[:3], args
        assert "click" in fast[3]


def test_a_non_utf8_stream_goes_through_click_echo(tmp_path):
    """click.echo rewraps an ASCII stdout as UTF-8 (errors replaced): the fast path's echo hands it to click."""
    args = ["check", "examples/app/web.yaml"]
    env = {"PYTHONIOENCODING": "ascii"}
    fast, slow = run("entry", args, tmp_path, env=env), run("cli", args, tmp_path, env=env)
    assert fast[:3] == slow[:3]


def test_a_terminal_gets_the_same_colours(tmp_path):
    import pty

    def on_terminal(module):
        master, slave = pty.openpty()
        proc = subprocess.Popen(
            [sys.executable, "-c", PROBE.format(module=module), str(tmp_path / "m.json"), "check", "examples/"],
            stdout=slave,
            stderr=subprocess.PIPE,
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        os.close(slave)
        out = b""
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            out += chunk
        err = proc.communicate(timeout=120)[1]
        os.close(master)
        return proc.returncode, out, err

    fast, slow = on_terminal("entry"), on_terminal("cli")
    assert b"\x1b[" in fast[1]  # coloured
    assert fast == slow


def test_shell_completion_goes_to_click(tmp_path):
    env = {"_KUBELINT_COMPLETE": "bash_source"}
    fast = run("entry", ["check", "x"], tmp_path, env=env)
    slow = run("cli", ["check", "x"], tmp_path, env=env)
    assert fast[:3] == slow[:3]
    assert "click" in fast[3]


def test_ctrl_c_is_the_same_without_click():
    import signal
    import time

    from conftest import CORPUS

    if not CORPUS.is_dir():
        pytest.skip("no shared corpus")
    got = []
    for module in ("entry", "cli"):
        proc = subprocess.Popen(
            [sys.executable, "-c", f"from kubelint.{module} import main; main()", "check", "-j", "1", str(CORPUS)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1"},
        )
        time.sleep(1.5)  # inside the run, whichever path parsed the command line
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
        got.append((proc.returncode, out, err))
    assert got[0] == got[1] and got[0][0] == 130 and got[0][2].endswith(b"Aborted!\n"), got
