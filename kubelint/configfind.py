"""Where the configuration is: ``.kubelint.yaml`` (or ``.kubelint.yml``), then a ``pyproject.toml`` with a
``[tool.kubelint]`` table, in the working directory and each directory above it; the first found wins.

Apart from kubelint.config so that a run without a configuration (most one-file checks) does not import the
parser, its dataclass and its checks (issue 18, "start fast")."""

from __future__ import annotations

import os
import re

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only (strings): a run does not import typing (tests/test_startup.py)
    from typing import Optional, Tuple

FILE_NAMES = (".kubelint.yaml", ".kubelint.yml")
# A configuration can come from the pull request being checked: read at most this much of it.
MAX_CONFIG_CHARS = 4 << 20


class ConfigError(Exception):
    pass


def find(cwd: str) -> Optional[Tuple[str, str]]:
    """(path, "yaml"|"toml") of the configuration that applies in ``cwd``."""
    d = os.path.abspath(cwd)
    while True:
        for name in FILE_NAMES:
            p = os.path.join(d, name)
            if os.path.isfile(p):
                return p, "yaml"
        p = os.path.join(d, "pyproject.toml")
        if os.path.isfile(p) and _has_tool_table(p):
            return p, "toml"
        parent = os.path.dirname(d)
        if parent == d:
            return None
        d = parent


def read_text(path: str) -> str:
    """The text of a configuration file, at most MAX_CONFIG_CHARS of it: ConfigError for anything but a
    regular file (a FIFO would block forever) or a larger one; OSError and UnicodeDecodeError as raised."""
    import stat

    if not stat.S_ISREG(os.stat(path).st_mode):
        raise ConfigError(f"{path}: cannot read configuration: not a regular file")
    with open(path, encoding="utf-8") as fh:
        text = fh.read(MAX_CONFIG_CHARS + 1)
    if len(text) > MAX_CONFIG_CHARS:
        raise ConfigError(f"{path}: configuration is larger than {MAX_CONFIG_CHARS:,} characters")
    return text


def _has_tool_table(path: str) -> bool:
    try:
        text = read_text(path)
    except (OSError, UnicodeDecodeError):
        return False
    return re.search(r"^\s*\[\s*tool\.kubelint\s*[\].]", text, re.M) is not None
