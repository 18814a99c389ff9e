"""Where a finding is, as CI systems want it: a path relative to the
repository root (``git rev-parse --show-toplevel`` from the working
directory, else the working directory itself), with ``/`` separators.

SARIF, JUnit, GitHub annotations and baselines all key on this path, so a
report made from a sub-directory still points at the right file and a
baseline written in one directory matches a run started in another.
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
from functools import lru_cache
from typing import Optional, Tuple

STDIN_NAME = "<stdin>"


@lru_cache(maxsize=None)
def _root_for(cwd: str) -> str:
    env = os.environ.get("KUBELINT_REPO_ROOT")
    if env:
        return os.path.abspath(env)
    try:
        r = subprocess.run(
            ["git", "rev-parse", "--show-toplevel"],
            cwd=cwd,
            capture_output=True,
            text=True,
            timeout=10,
            stdin=subprocess.DEVNULL,
        )
        if r.returncode == 0 and r.stdout.strip():
            return os.path.realpath(r.stdout.strip())
    except (OSError, subprocess.SubprocessError):
        pass
    return cwd


def repo_root() -> str:
    """The repository root (cached per working directory)."""
    return _root_for(os.path.realpath(os.getcwd()))


def relative(path: str, root: Optional[str] = None) -> Optional[str]:
    """``path`` relative to the repository root, ``/``-separated; None when
    it lies outside the root (or is stdin)."""
    if path == STDIN_NAME:
        return None
    root = root or repo_root()
    # Resolve directory symlinks (the root is a real path) but not the
    # file's own: a symlinked manifest is reported where it is linked.
    absolute = os.path.abspath(path)
    full = os.path.join(os.path.realpath(os.path.dirname(absolute)), os.path.basename(absolute))
    try:
        rel = os.path.relpath(full, root)
    except ValueError:  # another drive on Windows
        return None
    if rel == os.pardir or rel.startswith(os.pardir + os.sep):
        return None
    return rel.replace(os.sep, "/")


def display(path: str, root: Optional[str] = None) -> str:
    """The repository-relative path when there is one, else the path as given."""
    rel = relative(path, root)
    return rel if rel is not None else path.replace(os.sep, "/")


_KEY_BRACKET = re.compile(r"\[([^\]]*[^\]0-9][^\]]*|)\]")


def canonical_path(path: str) -> str:
    """A finding's path with map keys in the old dotted notation:
    ``metadata.labels[app]`` -> ``metadata.labels.app`` (list indices stay
    ``[0]``).  Identities use it, so the server's bracket notation for map
    keys (kubelint 0.x reported ``metadata.labels.app``) changes neither a
    baseline match nor a SARIF fingerprint."""
    return _KEY_BRACKET.sub(lambda m: "." + m.group(1), path) if "[" in path else path


_LINE_REF = re.compile(r"\b(lines?|column|col)\s+\d+(\s*(,|and|-)\s*\d+)*", re.I)


def identity(finding, root: Optional[str] = None) -> Tuple[str, str, str, str, str]:
    """What makes a finding the same finding after unrelated edits: rule,
    repository-relative file, object identity (group, kind, namespace,
    name — not the version, not the line), dotted path inside the object,
    and a hash of the message with line/column references blanked.

    Line numbers are deliberately absent, so inserting lines above a
    finding neither makes it new (baselines) nor changes its SARIF
    fingerprint (code-scanning alert tracking)."""
    ref = finding.object
    if ref is not None:
        group = ref.api_version.rpartition("/")[0]
        obj = f"{group}/{ref.kind}/{ref.namespace or ''}/{ref.name or ''}"
    else:
        obj = ""
    # the message with its hint, as one text ("message (hint)"): what kubelint
    # printed as the message before the hint was a field of its own
    text = finding.text() if hasattr(finding, "text") else finding.message
    message = _LINE_REF.sub(lambda m: m.group(1) + " #", text)
    digest = hashlib.sha256(message.encode("utf-8", "surrogatepass")).hexdigest()[:16]
    return (finding.rule, display(finding.file, root), obj, canonical_path(finding.path or ""), digest)


def fingerprint(key: Tuple[str, ...], occurrence: int = 0) -> str:
    """A short stable hash of an :func:`identity` (plus its occurrence
    number among identical ones, so duplicates stay distinct)."""
    text = "\0".join(key) + (f"\0{occurrence}" if occurrence else "")
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]
