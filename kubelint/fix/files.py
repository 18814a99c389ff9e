"""Fixes on files: which files may be edited, reading them exactly, diffs,
atomic writes, and marking a run's findings as fixable.

Interface::

    outcomes = fix_paths(paths, settings, unsafe=False, write=True)   # [FileOutcome]
    annotate(result, settings)       # findings of a RunResult get .fix (safe fixes, verified)

Never edited: non-regular files (symlinks, FIFOs, devices: reported, not
followed), files over ``--max-file-size``, files not in UTF-8 (a UTF-8
byte-order mark is kept), files that do not load cleanly (a YAML syntax
error, a Helm template), and files that changed on disk while being fixed.
Writes go through :func:`kubelint.atomic.write_text` (temp file + rename,
mode kept).
"""

from __future__ import annotations

import difflib
import os
import stat
from dataclasses import dataclass, field
from typing import List, Optional

from ..loader import STDIN, STDIN_NAME, discover
from .model import Fix, FindingFix
from .stage import FixStage, finding_key

_BOM = "\ufeff"


@dataclass
class FileOutcome:
    path: str
    original: str = ""
    text: str = ""
    applied: List[Fix] = field(default_factory=list)
    skipped: Optional[str] = None  # why it was not edited (None: edited or nothing to do)
    written: bool = False

    @property
    def changed(self) -> bool:
        return self.text != self.original


class Unreadable(Exception):
    pass


def read_text(path: str, max_bytes: int) -> str:
    """The file's text exactly as on disk, or Unreadable (with the reason)."""
    try:
        st = os.lstat(path)
    except OSError as exc:
        raise Unreadable(f"cannot read it ({exc.strerror or exc})")
    if not stat.S_ISREG(st.st_mode):
        raise Unreadable("not a regular file (symlinks, FIFOs and devices are never edited)")
    if st.st_size > max_bytes:
        raise Unreadable(f"larger than --max-file-size ({max_bytes:,} bytes)")
    try:
        with open(path, "rb") as fh:
            data = fh.read(max_bytes + 1)
    except OSError as exc:
        raise Unreadable(f"cannot read it ({exc.strerror or exc})")
    return decode(data, max_bytes)


def decode(data: bytes, max_bytes: int) -> str:
    if len(data) > max_bytes:
        raise Unreadable(f"larger than --max-file-size ({max_bytes:,} bytes)")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise Unreadable("UTF-16 encoded (only UTF-8 files are edited)")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise Unreadable("not valid UTF-8")
    if "\x00" in text:
        raise Unreadable("binary data")
    return text


def fix_text(stage: FixStage, path: str, text: str, unsafe: bool) -> FileOutcome:
    """Fix one text (``path`` is its display name); a BOM is kept."""
    bom = text.startswith(_BOM)
    body = text[1:] if bom else text
    r = stage.fix_text(path, body, unsafe)
    return FileOutcome(path, text, (_BOM if bom else "") + r.text, r.applied, r.skipped)


def write(path: str, original: str, text: str) -> None:
    """Atomically replace ``path`` with ``text`` if it still holds
    ``original`` and is still a regular file."""
    from ..atomic import write_text

    current = read_text(path, max(len(original.encode("utf-8")) * 2, 1 << 20))
    if current != original:
        raise Unreadable("it changed on disk while kubelint was fixing it; run again")
    write_text(path, text)


def fix_paths(paths, settings, unsafe: bool = False, write_files: bool = True, stdin=None) -> List[FileOutcome]:
    """Fix every YAML/JSON file under ``paths`` (as ``kubelint check`` finds
    them), honouring the configuration's excludes."""
    stage = FixStage(settings)
    config = settings.config
    out: List[FileOutcome] = []
    for path, error in discover(paths):
        if path == STDIN or path == STDIN_NAME:
            data = stdin.read() if stdin is not None else b""
            try:
                text = decode(data, settings.limits.max_file_bytes)
            except Unreadable as exc:
                out.append(FileOutcome(STDIN_NAME, skipped=str(exc)))
                continue
            o = fix_text(stage, STDIN_NAME, text, unsafe)
            out.append(o)
            continue
        if error is not None:
            continue  # reported by the check that follows
        if config is not None and config.excluded(path):
            continue
        try:
            text = read_text(path, settings.limits.max_file_bytes)
        except Unreadable as exc:
            out.append(FileOutcome(path, skipped=str(exc)))
            continue
        o = fix_text(stage, path, text, unsafe)
        if write_files and o.changed:
            try:
                write(path, text, o.text)
                o.written = True
            except (Unreadable, OSError) as exc:
                o.skipped = f"not written: {exc}"
        out.append(o)
    return out


MASK = "******"


def secret_lines(text: str) -> set:
    """0-based numbers of the lines holding the values of a Secret's
    ``data`` / ``stringData`` (never shown in a diff)."""
    from .yamltext import compose_documents

    out = set()
    try:
        docs = compose_documents(text)
    except Exception:  # a text that does not compose: mask nothing here, the caller masks it all
        return {-1}
    for doc in docs.values():
        root = doc.root
        if not hasattr(root, "value") or not isinstance(root.value, list):
            continue
        kind = next(
            (v.value for k, v in root.value if getattr(k, "value", None) == "kind" and isinstance(v.value, str)), None
        )
        if kind != "Secret":
            continue
        for k, v in root.value:
            if getattr(k, "value", None) in ("data", "stringData"):
                out.update(range(v.start_mark.line, v.end_mark.line + 1))
    return out


def _masked_lines(text: str) -> list:
    lines = text.splitlines(True)
    hide = secret_lines(text)
    if -1 in hide:
        return [MASK + "\n" for _ in lines]
    out = []
    for i, ln in enumerate(lines):
        if i in hide and ":" in ln:
            head = ln.split(":", 1)[0]
            out.append(f"{head}: {MASK}\n")
        elif i in hide and ln.strip():
            out.append(MASK + "\n")
        else:
            out.append(ln)
    return out


def unified_diff(outcome: FileOutcome, mask=None) -> str:
    """The fixes as a unified diff; the values of Secrets are masked
    (their lines show as changed, never their content)."""
    name = outcome.path
    lines = difflib.unified_diff(
        _masked_lines(outcome.original),
        _masked_lines(outcome.text),
        fromfile=f"a/{name}" if name != STDIN_NAME and not os.path.isabs(name) else name,
        tofile=f"b/{name}" if name != STDIN_NAME and not os.path.isabs(name) else name,
    )
    out = []
    for ln in lines:
        if not ln.endswith("\n"):
            ln += "\n\\ No newline at end of file\n"
        out.append(mask(ln) if mask else ln)
    return "".join(out)


def _line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset)


def annotate(result, settings, unsafe: bool = False) -> int:
    """Give the findings of ``result`` their verified fixes (``Finding.fix``);
    returns how many findings got one.  Only files with a finding of a rule
    that has a fix are analysed again."""
    from .fixers import FIXERS

    wanted = {}
    for f in result.findings:
        fx = FIXERS.get(f.rule)
        if fx is not None and (fx.safe or unsafe):
            wanted.setdefault(f.file, []).append(f)
    if not wanted:
        return 0
    stage = FixStage(settings)
    masker = getattr(result, "masker", None)
    mask = masker.text if masker is not None else None
    by_file = {}
    for path in wanted:
        if path == STDIN_NAME:
            text = result.texts.get(path)
        else:
            try:
                text = read_text(path, settings.limits.max_file_bytes)
            except Unreadable:
                continue
        if text is None:
            continue
        body = text[1:] if text.startswith(_BOM) else text
        try:
            plans = stage.plan(path, body, unsafe)
        except Exception:  # marking fixes must never cost the report (--debug shows the error)
            if settings.debug:
                raise
            continue
        hidden = secret_lines(body)
        # a fix of a Secret's value would show the value: applied by `kubelint fix`, never reported
        plans = {k: fx for k, fx in plans.items() if not any(_line_of(body, e.start) in hidden for e in fx.edits)}
        by_file[path] = {k: FindingFix.of(fx, text if body is text else body, mask) for k, fx in plans.items()}
    n = 0
    out = []
    for f in result.findings:
        ff = by_file.get(f.file, {}).get(finding_key(f))
        if ff is not None:
            f = f._replace(fix=ff)
            n += 1
        out.append(f)
    result.findings = out
    return n
