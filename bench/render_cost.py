#!/usr/bin/env python3
"""Cost of checking charts and kustomizations against rendering them alone.

For each chart (kustomize root), alternated in one process tree so both
see the same machine state, best of ``--rounds``:

* **baseline**: ``helm template`` (``kustomize build``) of it, a subprocess;
* **kubelint**: ``kubelint check CHART`` (``ROOT``) as a subprocess, which
  runs that same ``helm template`` (``kustomize build``) itself and then
  parses, checks and maps every finding back to the templates.

Prints each ratio kubelint / baseline, and ``--repo`` runs: a whole vendored
repository (``kubelint check .``, every chart and root rendered with
``--jobs 1`` and ``--jobs 2``) against rendering its charts and roots one
after the other.  Also the cost of discovery on ``../shared/corpus``
(classifying 2,577 files before loading them) against the whole run.

    nice -n 19 python3 bench/render_cost.py [--rounds 5]

helm and kustomize must be on PATH (or in KUBELINT_TOOLS_DIR).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
DATA = os.path.join(ROOT, "tests", "data", "repos")
CHARTS = [
    ("podinfo", "charts/podinfo"),
    ("metrics-server", "charts/metrics-server"),
    ("postgres-operator", "charts/postgres-operator"),
    ("aks-store-demo", "charts/aks-store-demo"),
    ("mixed", "charts/app"),
]
ROOTS = [
    ("podinfo", "deploy/overlays/production"),
    ("metrics-server", "manifests/overlays/release"),
    ("mixed", "k8s/overlays/prod"),
]


def _env():
    env = dict(os.environ)
    extra = [
        d
        for d in (
            os.environ.get("KUBELINT_TOOLS_DIR"),
            os.path.expanduser("~/go/bin"),
            os.path.expanduser("~/.cache/kubelint-tools/bin"),
        )
        if d
    ]
    env["PATH"] = os.pathsep.join([env.get("PATH", "")] + extra)
    env["PYTHONPATH"] = ROOT
    return env


def timed(argv, cwd, env) -> float:
    t = time.perf_counter()
    subprocess.run(argv, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - t


def pair(base, mine, cwd, env, rounds, pipe=None):
    """Best times of ``base``, ``mine`` (and ``pipe``), alternated."""
    runs = [base, mine] + ([pipe] if pipe else [])
    best = [float("inf")] * len(runs)
    for argv in runs:
        timed(argv, cwd, env)  # warm file caches
    for _ in range(rounds):
        for i, argv in enumerate(runs):
            best[i] = min(best[i], timed(argv, cwd, env))
    return best


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()
    env = _env()
    helm = shutil.which("helm", path=env["PATH"])
    kustomize = shutil.which("kustomize", path=env["PATH"])
    if not helm or not kustomize:
        print("helm and kustomize must be installed (see .ci/run)", file=sys.stderr)
        return 2
    kl = [sys.executable, "-m", "kubelint", "check", "--no-progress", "--jobs", "1", "-f", "json", "--fail-on", "never"]
    # baseline: the tool alone; pipe: `tool | kubelint check -` (what users did before); kubelint: `kubelint check DIR`.
    print(f"{'what':<52} {'tool':>7} {'pipe':>7} {'kubelint':>8} {'/tool':>6} {'/pipe':>6}")

    def row(what, base, cwd, target):
        piped = ["sh", "-c", " ".join(base) + " | " + " ".join(kl) + " -"]
        a, b, c = pair(base, kl + [target], cwd, env, args.rounds, piped)
        print(f"{what:<52} {a:>6.3f}s {c:>6.3f}s {b:>7.3f}s {b / a:>5.1f}x {b / c:>5.2f}x")

    for repo, chart in CHARTS:
        name = os.path.basename(chart)
        row(
            f"helm template {repo}/{chart}",
            [helm, "template", name, chart, "--namespace", "default", "--kube-version", "v1.37.0", "--include-crds"],
            os.path.join(DATA, repo),
            chart,
        )
    for repo, root in ROOTS:
        row(f"kustomize build {repo}/{root}", [kustomize, "build", root], os.path.join(DATA, repo), root)
    # In process (no interpreter start): a whole run against the time spent waiting on the tool.
    from kubelint.render import tools as tools_mod
    from kubelint.runner import run
    from kubelint.settings import Settings

    real_run = tools_mod.run
    spent = []

    def counting(*a, **k):
        t = time.perf_counter()
        try:
            return real_run(*a, **k)
        finally:
            spent.append(time.perf_counter() - t)

    tools_mod.run = counting
    print(
        f"\n{'in process: run(CHART) against its helm/kustomize subprocess':<52} {'tool':>7} {'run':>8} {'rest':>7}"
        f" {'/tool':>6}"
    )
    old = os.environ["PATH"]
    os.environ["PATH"] = env["PATH"]
    here = os.getcwd()
    try:
        for repo, target in CHARTS + ROOTS:
            os.chdir(os.path.join(DATA, repo))
            best = None
            for _ in range(args.rounds + 1):
                spent.clear()
                t = time.perf_counter()
                run([target], Settings(jobs=1))
                total = time.perf_counter() - t
                if best is None or total < best[0]:
                    best = (total, sum(spent))
            total, tool = best
            print(f"{repo + '/' + target:<52} {tool:>6.3f}s {total:>7.3f}s {total - tool:>6.3f}s {total / tool:>5.2f}x")
    finally:
        os.chdir(here)
        os.environ["PATH"] = old
        tools_mod.run = real_run
    print()
    # Whole repositories: every chart and root, serial and with --jobs 2.
    for repo in ("podinfo", "metrics-server"):
        cwd = os.path.join(DATA, repo)
        from kubelint.discover import plan

        here = os.getcwd()
        os.chdir(cwd)
        try:
            p = plan(["."])
        finally:
            os.chdir(here)
        renders = []
        for s in p.sources:
            if s.tool == "helm":
                renders.append([helm, "template", os.path.basename(s.root), s.root, "--include-crds"])
            else:
                renders.append([kustomize, "build", s.root])
        script = "; ".join(" ".join(r) for r in renders)
        base = ["sh", "-c", script + " >/dev/null"]
        for jobs in ("1", "2"):
            mine = [
                sys.executable,
                "-m",
                "kubelint",
                "check",
                "--no-progress",
                "--jobs",
                jobs,
                "-f",
                "json",
                "--fail-on",
                "never",
                ".",
            ]
            a, b = pair(base, mine, cwd, env, args.rounds)
            print(
                f"{f'{repo} repository ({len(renders)} renders), --jobs {jobs}':<52} {a:>6.3f}s {'':>7} {b:>7.3f}s "
                f"{b / a:>5.1f}x"
            )
    # Discovery over the shared corpus: classification against the whole run.
    corpus = os.path.join(os.path.dirname(ROOT), "shared", "corpus")
    if not os.path.isdir(corpus):
        corpus = "/work/shared/corpus"
    if os.path.isdir(corpus):
        from kubelint.discover import plan
        from kubelint.runner import run
        from kubelint.settings import Settings

        run([corpus], Settings(jobs=1))  # warm
        d, r = [], []
        for _ in range(max(1, args.rounds // 2)):
            t = time.perf_counter()
            plan([corpus])
            d.append(time.perf_counter() - t)
            t = time.perf_counter()
            run([corpus], Settings(jobs=1))
            r.append(time.perf_counter() - t)
        print(f"discovery of the corpus: {min(d):.3f}s of a {min(r):.3f}s corpus run ({min(d) / min(r) * 100:.1f}%)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
