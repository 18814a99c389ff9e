"""Start-up cost of a one-file check (issue 18, item 4), in CPU seconds.

    python3 bench/startup.py [--repeat 15] [--file examples/app/web.yaml] [--importtime] [--no-venv] [--against DIR]

Every figure is the CPU time (user + system, from ``wait4``) of a fresh
process, the median and the minimum of ``--repeat`` interleaved rounds
(every command once per round, after one warm-up run each), measured in the
same run as the interpreter baselines. Two settings:

* **installed (venv)**, as users run kubelint: the ``kubelint`` console
  script of a virtual environment (as pipx makes one: no system
  site-packages) under ``~/.cache/kubelint-bench/venv`` into which this
  checkout is installed with pip, its dependencies from PyPI and every
  module byte-compiled (bench/installed.py; re-installed when the checkout
  changed). Beside it, that environment's ``python -c pass``, ``-S -c
  pass``, ``-c "import yaml"`` and ``-c "import click"``. Run with the
  environment a shell gives (no ``PYTHONPATH``, no
  ``PYTHONDONTWRITEBYTECODE``).
* **system python**, comparable with the figures of earlier sessions: this
  machine's interpreter running ``python -m kubelint check FILE`` from the
  checkout, beside its own ``python -c pass`` (its ``site`` included: this
  machine's ``site-packages`` has a sandbox ``.pth`` file that imports
  ``certifi``, ~35 ms, which users do not have). The checkout's modules are
  byte-compiled first (``compileall``): this environment sets
  ``PYTHONDONTWRITEBYTECODE=1``, and a checkout would otherwise recompile
  kubelint on every run.

``--instructions`` adds the instructions each command executes, counted by
valgrind (callgrind's ``Ir``): unlike CPU time it does not depend on the
load of a shared machine, so two commits compare exactly.

``--against DIR`` adds the console script of another tree (an exported
earlier commit), installed into a venv of its own, to the same rounds.

``--importtime`` adds the import tree of one installed check (``python -X
importtime``, the minimum over the runs of each module's cumulative time),
the top-level packages first.
"""

from __future__ import annotations

import argparse
import compileall
import hashlib
import os
import re
import shutil
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)

import installed  # noqa: E402


def cpu_of(argv, env=None) -> float:
    """CPU seconds (user + system) of one run of ``argv``."""
    proc = subprocess.Popen(argv, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    _, _, usage = os.wait4(proc.pid, 0)
    proc.returncode = 0
    return usage.ru_utime + usage.ru_stime


def measure_all(cases, repeat):
    """``cases``: (label, argv, env). Each once to warm the page cache and the results cache, then ``repeat``
    rounds of every case in turn (interleaved, so a change of the machine's load hits all of them alike).
    Prints and returns each label's median."""
    for _, argv, env in cases:
        cpu_of(argv, env)
    samples = {label: [] for label, _, _ in cases}
    for _ in range(repeat):
        for label, argv, env in cases:
            samples[label].append(cpu_of(argv, env))
    medians = {}
    for label, _, _ in cases:
        got = samples[label]
        medians[label] = statistics.median(got)
        print(f"{label:<52} median {medians[label] * 1000:6.1f} ms  min {min(got) * 1000:6.1f} ms")
    return medians


def instructions(argv, env=None) -> int:
    """Instructions executed by ``argv`` (valgrind --tool=callgrind), in user space, the whole process."""
    out = subprocess.run(
        ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", *argv],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env,
    ).stderr
    m = re.search(r"Collected : (\d+)", out)
    return int(m[1]) if m else 0


def count(label, argv, env=None):
    instructions(argv, env)  # a first run fills the results cache
    n = instructions(argv, env)
    print(f"{label:<48} {n / 1e6:8.1f} M instructions")
    return n


def import_tree(argv, repeat, env=None, top=40):
    """Each module's smallest cumulative import time (microseconds) over ``repeat`` runs."""
    best, depth = {}, {}
    for _ in range(repeat):
        out = subprocess.run(
            [argv[0], "-X", "importtime", *argv[1:]], cwd=ROOT, capture_output=True, text=True, env=env
        ).stderr
        for line in out.splitlines():
            m = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)", line)
            if m:
                name = m[4]
                depth.setdefault(name, len(m[3]) // 2)
                best[name] = min(best.get(name, 1 << 60), int(m[2]))
    tops = sorted(((v, k) for k, v in best.items() if depth[k] == 0), reverse=True)
    print(f"\nimport tree (min cumulative of {repeat} runs, -X importtime inflates it): {len(best)} modules")
    for v, k in tops[:top]:
        print(f"  {v / 1000:6.1f} ms  {k}")
    print(f"  {sum(v for v, _ in tops) / 1000:6.1f} ms  in all")
    kub = sorted(k for k in best if k.startswith("kubelint"))
    print(f"kubelint modules loaded ({len(kub)}):", ", ".join(kub))
    other = sorted(k for k in best if not k.startswith("kubelint") and depth[k] == 0)
    print(f"other top-level imports ({len(other)}):", ", ".join(other))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=15)
    ap.add_argument("--file", default="examples/app/web.yaml")
    ap.add_argument("--importtime", action="store_true")
    ap.add_argument("--instructions", action="store_true")
    ap.add_argument("--no-venv", action="store_true", help="only the system interpreter, from the checkout")
    ap.add_argument(
        "--against",
        metavar="DIR",
        help="also an earlier tree (e.g. `git archive COMMIT | tar -x -C DIR`), installed into its own venv and "
        "run in the same rounds",
    )
    args = ap.parse_args()
    compileall.compile_dir(os.path.join(ROOT, "kubelint"), quiet=1)
    py = sys.executable
    cases = []
    if not args.no_venv:
        vpy, script = installed.ensure()
        venv_env = installed.clean_env("venv")
        cases += [
            ("venv: python -c pass", [vpy, "-c", "pass"], venv_env),
            ("venv: python -S -c pass (no site)", [vpy, "-S", "-c", "pass"], venv_env),
            ("venv: python -c 'import yaml'", [vpy, "-c", "import yaml"], venv_env),
            ("venv: python -c 'import click'", [vpy, "-c", "import click"], venv_env),
            (f"venv: kubelint check {args.file}", [script, "check", args.file], venv_env),
            ("venv: kubelint --version", [script, "--version"], venv_env),
        ]
        if args.against:
            root = os.path.abspath(args.against)
            tag = hashlib.blake2b(root.encode(), digest_size=4).hexdigest()
            _, old = installed.ensure(os.path.join(installed.BENCH_DIR, f"venv-against-{tag}"), root)
            old_env = installed.clean_env(f"against-{tag}")
            cases.append((f"venv, {args.against}: kubelint check {args.file}", [old, "check", args.file], old_env))
    check = [py, "-m", "kubelint", "check", args.file]
    # the checkout's kubelint: its own results cache too (installed.clean_env says why)
    system_env = {**os.environ, "XDG_CACHE_HOME": os.path.join(installed.BENCH_DIR, "xdg-checkout")}
    cases += [
        ("system python: python -c pass", [py, "-c", "pass"], None),
        ("system python: python -S -c pass (no site)", [py, "-S", "-c", "pass"], None),
        (f"system python: python -m kubelint check {args.file}", check, system_env),
    ]
    # A version manager's shim on PATH (pyenv: bash + pyenv exec) costs far more than the console script.
    on_path = shutil.which("kubelint")
    if on_path and (args.no_venv or os.path.realpath(on_path) != os.path.realpath(installed.paths()[1])):
        cases.append((f"{on_path} check (on PATH)", [on_path, "check", args.file], {**system_env, "PYTHONPATH": ROOT}))
    print(f"{time.strftime('%Y-%m-%d %H:%M:%S')}  load average {os.getloadavg()[0]:.2f}  {py}")
    med = measure_all(cases, args.repeat)
    if not args.no_venv:
        one, base = med[f"venv: kubelint check {args.file}"], med["venv: python -c pass"]
        print(f"venv: one-file check {one * 1000:.1f} ms, above the interpreter {(one - base) * 1000:.1f} ms")
    one, base = med[f"system python: python -m kubelint check {args.file}"], med["system python: python -c pass"]
    print(f"system python: one-file check {one * 1000:.1f} ms, above the interpreter {(one - base) * 1000:.1f} ms")
    if args.instructions and shutil.which("valgrind"):
        print()
        base_n = count("python -c pass", [py, "-c", "pass"])
        count("python -S -c pass (no site)", [py, "-S", "-c", "pass"])
        count("python -c 'import yaml'", [py, "-c", "import yaml"])
        count("python -c 'import click'", [py, "-c", "import click"])
        one_n = count(f"python -m kubelint check {args.file}", check, system_env)
        print(f"one-file check above the interpreter: {(one_n - base_n) / 1e6:.1f} M instructions")
        if not args.no_venv:
            vbase = count("venv: python -c pass", [vpy, "-c", "pass"], venv_env)
            vone = count(f"venv: kubelint check {args.file}", [script, "check", args.file], venv_env)
            print(f"venv: one-file check above the interpreter: {(vone - vbase) / 1e6:.1f} M instructions")
            if args.against:
                count(f"venv, {args.against}: kubelint check {args.file}", [old, "check", args.file], old_env)
    if args.importtime:
        if args.no_venv:
            import_tree(check, max(3, args.repeat // 3), system_env)
        else:
            import_tree([vpy, script, "check", args.file], max(3, args.repeat // 3), venv_env)
    return 0


if __name__ == "__main__":
    sys.exit(main())
