"""The language server's settings: built the way ``kubelint check`` builds
them (kubelint.settings.build), from the workspace folder's configuration
file and the client's ``kubelint`` settings in place of the flags."""

from __future__ import annotations

import os
from typing import Optional, Tuple

from ..settings import Settings

# client setting -> settings.build() keyword (the flag it stands for)
_SCALARS = {
    "kubernetesVersion": "kubernetes_version",
    "namespace": "namespace",
    "noSchema": "no_schema",
    "podSecurityConfig": "pod_security_config",
}
_LISTS = {
    "profiles": "profiles",
    "crd": "crd_paths",
    "context": "context_paths",
    "schemaDir": "schema_dirs",
    "policy": "policy_paths",
    "namespaceLabels": "namespace_labels",
}
_PATHS = ("crd_paths", "context_paths", "schema_dirs", "policy_paths")


def build_settings(root: Optional[str], options: dict) -> Tuple[Settings, Optional[str]]:
    """``(settings, problem)``: on a bad configuration file or setting the
    problem is the message ``kubelint check`` would print, and the settings
    fall back to the configuration file alone, then to the defaults."""
    from .. import config as config_mod
    from .. import settings as settings_mod

    base = root or os.getcwd()
    problem = None
    config = None
    path = options.get("config")
    if isinstance(path, str) and path and not os.path.isabs(path):
        path = os.path.join(base, path)
    try:
        config = config_mod.load(path if isinstance(path, str) and path else None, base)
    except config_mod.ConfigError as exc:
        problem = str(exc)
    flags = {}
    for key, kw in _SCALARS.items():
        v = options.get(key)
        if isinstance(v, str) and v:
            flags[kw] = v if kw != "pod_security_config" or os.path.isabs(v) else os.path.join(base, v)
    for key, kw in _LISTS.items():
        v = options.get(key)
        if isinstance(v, str):
            v = [v]
        if isinstance(v, list) and all(isinstance(x, str) for x in v):
            if kw in _PATHS:
                v = [x if os.path.isabs(x) else os.path.join(base, x) for x in v]
            flags[kw] = tuple(v)
    try:
        return settings_mod.build(config, jobs=1, color=False, progress=False, **flags), problem
    except settings_mod.SettingsError as exc:
        problem = str(exc)
    try:
        return settings_mod.build(config, jobs=1, color=False, progress=False), problem
    except settings_mod.SettingsError:
        return settings_mod.build(None, jobs=1, color=False, progress=False), problem
