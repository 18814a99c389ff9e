"""kubelint installed as users install a command-line tool: a virtual environment (as pipx makes one, without
the system site-packages) under the bench directory, this checkout installed into it with pip (its
dependencies from PyPI, every module byte-compiled by pip), re-installed when the checkout changed.

    python3 bench/installed.py            # create or refresh it; print its interpreter and console script

The system interpreter of this machine is no stand-in for that: its site-packages carries a sandbox ``.pth``
that imports ``certifi`` at every start (about 35 ms of CPU), and ``PYTHONDONTWRITEBYTECODE`` is set, so a
checkout run with it recompiles whatever has no cached bytecode."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
BENCH_DIR = os.environ.get("KUBELINT_BENCH_DIR") or os.path.join(
    os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "kubelint-bench"
)
VENV = os.path.join(BENCH_DIR, "venv")

# What an install copies or builds from: the package's sources (by content), the data it carries and the
# build's own files (by size and modification time: schemas/ is megabytes).
_SOURCES = ("kubelint",)
_DATA = ("schemas", "rules")
_BUILD = ("pyproject.toml", "setup.py", "setup.cfg", "MANIFEST.in")


def checkout_digest(root: str = ROOT) -> str:
    h = hashlib.blake2b(digest_size=16)
    for top in _SOURCES + _DATA:
        for dirpath, dirs, files in os.walk(os.path.join(root, top)):
            dirs[:] = sorted(d for d in dirs if d != "__pycache__")
            for name in sorted(files):
                path = os.path.join(dirpath, name)
                h.update(os.path.relpath(path, root).encode() + b"\0")
                if top in _SOURCES and name.endswith((".py", ".c", ".h", ".pyx")):
                    with open(path, "rb") as fh:
                        h.update(fh.read())
                else:
                    st = os.stat(path)
                    h.update(f"{st.st_size}:{st.st_mtime_ns}".encode())
    for name in _BUILD:
        path = os.path.join(root, name)
        if os.path.isfile(path):
            with open(path, "rb") as fh:
                h.update(name.encode() + b"\0" + fh.read())
    return h.hexdigest()


def paths(venv: str = VENV) -> tuple[str, str]:
    """The environment's interpreter and its ``kubelint`` console script."""
    return os.path.join(venv, "bin", "python"), os.path.join(venv, "bin", "kubelint")


def clean_env(cache: str = "") -> dict:
    """The environment a user's shell gives the tool: no PYTHONPATH into the checkout, bytecode writable.

    ``cache``: a results cache of its own (``XDG_CACHE_HOME`` under the bench directory). kubelint keeps one
    version's entries and prunes the others' (kubelint/cache.py), so two kubelints (the venv's, a
    checkout's) measured in turn on one cache would each find the other's, recompute and rewrite it every
    run: a user has one."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONDONTWRITEBYTECODE", "PYTHONHOME")}
    env.pop("PYTHONPYCACHEPREFIX", None)
    if cache:
        env["XDG_CACHE_HOME"] = os.path.join(BENCH_DIR, f"xdg-{cache}")
    return env


def ensure(venv: str = VENV, root: str = ROOT, quiet: bool = True) -> tuple[str, str]:
    """Create the environment if needed and install this checkout into it unless the installed copy is
    of the same sources; return its interpreter and console script."""
    python, script = paths(venv)
    env = clean_env()
    if not os.path.isfile(python):
        os.makedirs(os.path.dirname(venv), exist_ok=True)
        subprocess.run([sys.executable, "-m", "venv", venv], check=True, env=env, cwd=root)
    stamp = os.path.join(venv, "kubelint-checkout.digest")
    digest = checkout_digest(root)
    try:
        with open(stamp, encoding="utf-8") as fh:
            installed = fh.read().strip()
    except OSError:
        installed = ""
    if installed != digest or not os.path.isfile(script):
        print(f"installing {root} into {venv} ...", file=sys.stderr, flush=True)
        q = ["-q"] if quiet else []
        # Dependencies as declared (from PyPI, kept when already satisfied); pip always builds and reinstalls
        # a local directory, byte-compiling every module it installs.
        subprocess.run([python, "-m", "pip", "install", *q, root], check=True, env=env, cwd=root)
        with open(stamp, "w", encoding="utf-8") as fh:
            fh.write(digest + "\n")
    return python, script


def main() -> int:
    python, script = ensure(quiet=False)
    print(python)
    print(script)
    return 0


if __name__ == "__main__":
    sys.exit(main())
