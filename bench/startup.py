"""Start-up cost of a one-file check (issue 18, item 4), in CPU seconds.

    python3 bench/startup.py [--repeat 15] [--file examples/app/web.yaml] [--importtime]

Every figure is the CPU time (user + system, from ``wait4``) of a fresh
process, the median and the minimum of ``--repeat`` runs, measured in the
same run as the interpreter baseline:

* ``python -c pass``: the interpreter (its ``site`` included: this machine's
  ``site-packages`` has a ``.pth`` file that imports ``certifi``);
* ``python -c "import yaml"``, ``"import click"``: the two dependencies a
  check always loaded before issue 18;
* ``python -m kubelint check FILE``: the one-file check;
* the ``kubelint`` console script of the environment, when installed.

Modules are byte-compiled first (``compileall``): an installed wheel has
them compiled, while this environment sets ``PYTHONDONTWRITEBYTECODE=1``
and a source checkout would otherwise recompile kubelint on every run.

``--instructions`` adds the instructions each command executes, counted by
valgrind (callgrind's ``Ir``): unlike CPU time it does not depend on the
load of a shared machine, so two commits compare exactly.

``--importtime`` adds the import tree of one check (``python -X
importtime``, the minimum over the runs of each module's cumulative time),
the top-level packages first.
"""

from __future__ import annotations

import argparse
import compileall
import os
import re
import shutil
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def cpu_of(argv, env=None) -> float:
    """CPU seconds (user + system) of one run of ``argv``."""
    proc = subprocess.Popen(argv, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    _, _, usage = os.wait4(proc.pid, 0)
    proc.returncode = 0
    return usage.ru_utime + usage.ru_stime


def measure(label, argv, repeat, env=None):
    cpu_of(argv, env)  # warm the page cache
    samples = [cpu_of(argv, env) for _ in range(repeat)]
    print(f"{label:<48} median {statistics.median(samples) * 1000:6.1f} ms  min {min(samples) * 1000:6.1f} ms")
    return statistics.median(samples)


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


def import_tree(argv, repeat, top=40):
    """Each module's smallest cumulative import time (microseconds) over ``repeat`` runs."""
    best, depth = {}, {}
    for _ in range(repeat):
        out = subprocess.run([argv[0], "-X", "importtime", *argv[1:]], cwd=ROOT, capture_output=True, text=True).stderr
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


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=15)
    ap.add_argument("--file", default="examples/app/web.yaml")
    ap.add_argument("--importtime", action="store_true")
    ap.add_argument("--instructions", action="store_true")
    args = ap.parse_args()
    compileall.compile_dir(os.path.join(ROOT, "kubelint"), quiet=1)
    py = sys.executable
    print(f"{time.strftime('%Y-%m-%d %H:%M:%S')}  load average {os.getloadavg()[0]:.2f}  {py}")
    base = measure("python -c pass", [py, "-c", "pass"], args.repeat)
    measure("python -S -c pass (no site)", [py, "-S", "-c", "pass"], args.repeat)
    measure("python -c 'import yaml'", [py, "-c", "import yaml"], args.repeat)
    measure("python -c 'import click'", [py, "-c", "import click"], args.repeat)
    check = [py, "-m", "kubelint", "check", args.file]
    one = measure(f"python -m kubelint check {args.file}", check, args.repeat)
    # The installed entry point (pip's console script beside the interpreter), importing this checkout's
    # kubelint; and the `kubelint` found on PATH, which may be a version manager's shim (pyenv: bash + pyenv).
    env = {**os.environ, "PYTHONPATH": ROOT}
    script = os.path.join(os.path.dirname(sys.executable), "kubelint")
    if os.path.isfile(script):
        measure("kubelint check (console script)", [script, "check", args.file], args.repeat, env)
    on_path = shutil.which("kubelint")
    if on_path and os.path.realpath(on_path) != os.path.realpath(script):
        measure(f"{on_path} check (on PATH)", [on_path, "check", args.file], args.repeat, env)
    measure("python -m kubelint --version", [py, "-m", "kubelint", "--version"], args.repeat)
    print(f"one-file check above the interpreter: {(one - base) * 1000:.1f} ms")
    if args.instructions and shutil.which("valgrind"):
        print()
        base_n = count("python -c pass", [py, "-c", "pass"])
        count("python -S -c pass (no site)", [py, "-S", "-c", "pass"])
        count("python -c 'import yaml'", [py, "-c", "import yaml"])
        count("python -c 'import click'", [py, "-c", "import click"])
        one_n = count(f"python -m kubelint check {args.file}", check)
        print(f"one-file check above the interpreter: {(one_n - base_n) / 1e6:.1f} M instructions")
    if args.importtime:
        import_tree(check, max(3, args.repeat // 3))
    return 0


if __name__ == "__main__":
    sys.exit(main())
