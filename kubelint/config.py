"""Configuration: ``.kubelint.yaml``, ``[tool.kubelint]`` in pyproject.toml,
or ``--config FILE``.

Found by walking up from the working directory: in each directory
``.kubelint.yaml`` (or ``.kubelint.yml``), then a ``pyproject.toml`` with a
``[tool.kubelint]`` table; the first found wins.  Format (YAML; the TOML
table has the same keys)::

    kubernetes-version: "1.33"     # default for --kubernetes-version
    namespace: shop                # namespace of objects that name none (default: default)
    fail-on: warning               # default for --fail-on: error, warning, info, never
    missing-refs: false            # turn off missing-{configmap,secret,pvc,serviceaccount,hpa-target}-ref
    exclude: [charts/, "*.tmpl.yaml"]   # paths not checked (relative to this file)
    crd: [crds/]                   # like --crd: CRD files/directories used as schemas (relative to this file)
    schema-dir: [schemas/]         # like --schema-dir: JSON-schema catalogues for custom resources
    profile: [recommended, pss-baseline]  # rule sets (default: recommended); see docs/rules.md
    pod-security-config: admission.yaml  # the cluster's PodSecurity defaults and exemptions (docs/pod-security.md)
    cache: false                   # no results cache on disk, or its directory (docs/configuration.md#cache)
    disable: [writable-root-filesystem]  # rule ids ("all" = every concept rule)
    enable: [run-as-root]          # turn on an opt-in rule, or re-enable after disable: [all]
    rules:
      nodeport-service: off        # off, or a severity: error, warning, info
      single-replica:
        severity: info
        exclude: [dev/]            # paths where this rule is not reported
        params: {min_replicas: 3}

A bad key or value is a :class:`ConfigError` naming the file and line (and
the closest valid key); the command line exits with status 2.

The published JSON Schema of this format is ``kubelint/data/config.schema.json``
(:data:`SCHEMA_FILE`; editors use it through a ``# yaml-language-server:
$schema=...`` line).  Every configuration is validated against it with
jsonschema after the checks here, which know the rule catalogue and give
the closest valid key; a key added here must be added there too
(tests/test_config_schema.py keeps the two in agreement).
"""

from __future__ import annotations

import dataclasses
import fnmatch
import os
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Dict, List, Optional, Set, Tuple

from .configfind import FILE_NAMES, MAX_CONFIG_CHARS, ConfigError, _has_tool_table, find, read_text  # noqa: F401
from .findings import SEVERITIES
from .settings import FAIL_ON, parse_profiles
from .suggest import did_you_mean

SCHEMA_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "config.schema.json")
# Admission settings (kubelint/admission, docs/policies.md): `policy:` like --policy,
# `namespace-labels:` like --namespace-labels, `request-user:`, `custom-rules:`.
ADMISSION_KEYS = ("policy", "namespace-labels", "request-user", "custom-rules")
MISSING_REF_RULES = (
    "missing-configmap-ref",
    "missing-secret-ref",
    "missing-pvc-ref",
    "missing-serviceaccount-ref",
    "missing-hpa-target-ref",
)
TOP_KEYS = (
    "kubernetes-version",
    "namespace",
    "fail-on",
    "missing-refs",
    "exclude",
    "disable",
    "enable",
    "rules",
    "crd",
    "schema-dir",
    "limits",
    "profile",
    "pod-security-config",
    "helm",
    "kustomize",
    "cache",
) + ADMISSION_KEYS
# `limits:` keys -> kubelint.loader.Limits fields (the --max-* flags win);
# the least each may be set to.
LIMIT_KEYS = {
    "max-file-size": ("max_file_bytes", 1),
    "max-documents": ("max_documents", 1),
    "max-depth": ("max_depth", 1),
    "max-aliases": ("max_aliases", 0),
    "max-nodes": ("max_nodes", 1),
}
RULE_KEYS = ("severity", "enabled", "exclude", "params")
_NAMESPACE = r"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$"  # compiled when a configuration names a namespace


@dataclass(frozen=True)
class Config:
    """A parsed configuration file.  :func:`kubelint.settings.build` takes
    its run settings (version, namespace, fail-on, limits, crd, schema-dir);
    the rest is the rule policy that :class:`~kubelint.engine.RuleSet`
    (:meth:`apply`) and the runner (:meth:`excluded`, :meth:`filter`) use."""

    path: str = ""
    base_dir: str = "."
    kubernetes_version: Optional[str] = None  # as written ("v1.33.2"); kubelint.settings.minor_version normalises
    namespace: Optional[str] = None
    fail_on: Optional[str] = None
    missing_refs: bool = True
    exclude: List[str] = field(default_factory=list)
    disable: Set[str] = field(default_factory=set)
    enable: Set[str] = field(default_factory=set)
    severity: Dict[str, str] = field(default_factory=dict)
    params: Dict[str, dict] = field(default_factory=dict)
    rule_exclude: Dict[str, List[str]] = field(default_factory=dict)
    crd: List[str] = field(default_factory=list)  # schema sources for custom resources (kubelint/crd/)
    schema_dir: List[str] = field(default_factory=list)
    limits: Dict[str, int] = field(default_factory=dict)  # kubelint.loader.Limits field -> value
    profiles: Tuple[str, ...] = ()  # `profile:` rule sets (kubelint.engine.PROFILES); () = recommended
    pod_security_config: Optional[str] = (
        None  # the cluster's PodSecurity admission configuration (relative to this file)
    )
    render: Dict[str, object] = field(
        default_factory=dict
    )  # helm:, kustomize: -> kubelint.render.RenderSettings fields
    # admission (kubelint/admission): policy files, labels of namespaces outside the input,
    # the user of the simulated create, custom CEL rules
    policy: List[str] = field(default_factory=list)
    namespace_labels: Dict[str, Dict[str, str]] = field(default_factory=dict)
    request_user: Optional[dict] = None
    custom_rules: List[dict] = field(default_factory=list)
    # `cache:` (kubelint/cache.py): None = not set, False = no disk cache, True = the default
    # directory, or a directory (absolute: relative to this file); --no-cache and --cache-dir win
    cache: object = None

    # -- effects ------------------------------------------------------------
    def disabled(self) -> Set[str]:
        """Every rule id this configuration turns off."""
        from .engine import catalogue

        out = set(self.disable)
        if "all" in out:
            out |= {rid for rid, e in catalogue().items() if e.source == "rules"}
            out.discard("all")
        if not self.missing_refs:
            out |= set(MISSING_REF_RULES)
        return out - self.enable

    def enabled_ids(self) -> Set[str]:
        """Rule ids turned on by id (opt-in rules, rules outside the profile); "all" = every concept rule."""
        from .engine import catalogue

        if "all" in self.enable:
            return {rid for rid, e in catalogue().items() if e.source == "rules"}
        return set(self.enable)

    def apply(self, ruleset) -> None:
        """Called by :class:`kubelint.engine.RuleSet`: enabled rules, severities, params."""
        ruleset.enabled -= self.disabled()
        ruleset.enabled |= self.enabled_ids()
        for rid, sev in self.severity.items():
            ruleset.severity[rid] = sev
        for rid, params in self.params.items():
            ruleset.params.setdefault(rid, {}).update(params)

    def paths(self, paths: List[str]) -> Tuple[str, ...]:
        """``crd:`` or ``schema-dir:`` entries relative to this file's directory, each once."""
        out: List[str] = []
        for path in paths:
            full = path if os.path.isabs(path) else os.path.normpath(os.path.join(self.base_dir, path))
            if full not in out:
                out.append(full)
        return tuple(out)

    def excluded(self, path: str) -> bool:
        """Files not checked: the ``exclude`` patterns, and this configuration file itself."""
        if self.path and os.path.abspath(path) == os.path.abspath(self.path):
            return True
        return bool(self.exclude) and _matches(self.exclude, path, self.base_dir)

    def filter(self, findings):
        """Drop findings of disabled rules and of per-rule excluded paths;
        apply severity overrides to ids of every stage."""
        off = self.disabled()
        if not (off or self.severity or self.rule_exclude):
            return findings
        out = []
        for f in findings:
            if f.rule in off:
                continue
            ex = self.rule_exclude.get(f.rule)
            if ex and _matches(ex, f.file, self.base_dir):
                continue
            sev = self.severity.get(f.rule)
            if sev and sev != f.severity:
                f = f._replace(severity=sev)
            out.append(f)
        return out


def _matches(patterns: List[str], path: str, base_dir: str) -> bool:
    """Glob patterns against a path relative to the config's directory (and
    the path as given); ``*`` crosses directories, ``dir/`` is a prefix."""
    candidates = {path.replace(os.sep, "/")}
    try:
        rel = os.path.relpath(os.path.abspath(path), base_dir).replace(os.sep, "/")
        if not rel.startswith("../"):
            candidates.add(rel)
    except ValueError:  # pragma: no cover - other drive on Windows
        pass
    for c in list(candidates):
        if c.startswith("./"):
            candidates.add(c[2:])
    for p in patterns:
        p = p.replace(os.sep, "/")
        if p.startswith("./"):
            p = p[2:]
        prefix = p.rstrip("/")
        for c in candidates:
            if fnmatch.fnmatchcase(c, p) or fnmatch.fnmatchcase(c, prefix + "/*") or c == prefix:
                return True
            if "/" not in p and fnmatch.fnmatchcase(c.rsplit("/", 1)[-1], p):
                return True
    return False


# ---------------------------------------------------------------------------
# Loading


def load(path: Optional[str], cwd: str) -> Optional[Config]:
    """The configuration given with ``--config`` or found from ``cwd``; None if none."""
    if path:
        kind = "toml" if path.endswith(".toml") else "yaml"
    else:
        found = find(cwd)
        if found is None:
            return None
        path, kind = found
    try:
        text = read_text(path)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read configuration: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: configuration is not UTF-8 text") from None
    return parse(text, path, kind)


def parse(text: str, path: str = ".kubelint.yaml", kind: str = "yaml") -> Config:
    data, lines = (_parse_toml if kind == "toml" else _parse_yaml)(text, path)
    config = _build(data, lines, path)
    _check_schema(data, lines, path)
    return config


@lru_cache(maxsize=1)
def schema_validator():
    """A jsonschema validator of :data:`SCHEMA_FILE` (the schema itself is
    checked against its meta-schema by the tests, not at every run)."""
    import json

    import jsonschema

    with open(SCHEMA_FILE, encoding="utf-8") as fh:
        schema = json.load(fh)
    # A key kubelint reads that the file does not describe yet is left to the
    # checks here (tests/test_config_schema.py fails until it is described).
    for key in TOP_KEYS:
        schema["properties"].setdefault(key, {})
    return jsonschema.validators.validator_for(schema)(schema)


def _schema_error(data):
    import jsonschema

    return jsonschema.exceptions.best_match(schema_validator().iter_errors(data))


def _check_schema(data, lines, path) -> None:
    """The published schema's verdict, at the file and line of the offending key.

    A configuration found valid before is not validated again (kubelint/cache.py: loading
    jsonschema and validating costs more than the rest of a one-file check)."""
    from .cache import content_key, process_store

    try:
        key = content_key(data)
    except ValueError:  # not plain data (a TOML date): validated every time
        key = None
    if key is not None and process_store().get_or_compute("config-schema", key, lambda: _schema_error(data) is None):
        return
    error = _schema_error(data)
    if error is None:
        return
    where = tuple(error.absolute_path)
    line = next((lines[where[:n]] for n in range(len(where), -1, -1) if where[:n] in lines), 1)
    field = ".".join(str(p) for p in where) or "configuration"
    raise ConfigError(f"{path}:{line}: {field}: {error.message} (schema: {os.path.basename(SCHEMA_FILE)})")


# A configuration can come from the pull request being checked: its YAML is
# bounded like a manifest's (no recursive alias, no alias bomb, no nesting
# that exhausts the composer's recursion).
MAX_CONFIG_NODES = 100_000
MAX_CONFIG_DEPTH = 100


def _parse_yaml(text: str, path: str):
    import yaml

    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else path
        raise ConfigError(f"{where}: configuration is not valid YAML: {getattr(exc, 'problem', None) or exc}") from None
    except RecursionError:
        raise ConfigError(f"{path}: configuration is not valid YAML: nesting too deep") from None
    lines: Dict[tuple, int] = {}
    if node is None:
        return {}, lines
    try:
        data = _node_value(node, (), lines, _Guard(path))
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: configuration is not valid YAML: {exc}") from None
    return data, lines


class _Guard:
    __slots__ = ("active", "count", "file")

    def __init__(self, file: str):
        self.file = file
        self.active: set = set()
        self.count = 0

    def error(self, lines, path, why: str) -> ConfigError:
        while path and path not in lines:
            path = path[:-1]
        where = f"{self.file}:{lines[path]}" if path in lines else self.file
        return ConfigError(f"{where}: configuration is not valid YAML: {why}")


def _node_value(node, path, lines, guard: _Guard):
    import yaml

    guard.count += 1
    if guard.count > MAX_CONFIG_NODES:
        raise guard.error(lines, path, f"aliases expand to more than {MAX_CONFIG_NODES:,} nodes (a YAML alias bomb?)")
    if len(path) > MAX_CONFIG_DEPTH:
        raise guard.error(lines, path, f"nesting deeper than {MAX_CONFIG_DEPTH} levels")
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, (yaml.MappingNode, yaml.SequenceNode)):
        if id(node) in guard.active:
            raise guard.error(lines, path, "anchor value contains itself (recursive alias)")
        guard.active.add(id(node))
        try:
            if isinstance(node, yaml.MappingNode):
                out = {}
                for k, v in node.value:
                    key = k.value if isinstance(k, yaml.ScalarNode) else str(_construct(k))
                    lines[path + (key,)] = k.start_mark.line + 1
                    out[key] = _node_value(v, path + (key,), lines, guard)
                return out
            return [_node_value(v, path + (i,), lines, guard) for i, v in enumerate(node.value)]
        finally:
            guard.active.discard(id(node))
    return _construct(node)


def _construct(node):
    import yaml

    loader = yaml.SafeLoader("")
    try:
        return loader.construct_object(node, deep=True)
    finally:
        loader.dispose()


def _parse_toml(text: str, path: str):
    import tomllib

    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: configuration is not valid TOML: {exc}") from None
    data = doc.get("tool", {}).get("kubelint", {})
    # tomllib keeps no positions: find each key's line by its text.
    src = text.split("\n")
    lines: Dict[tuple, int] = {}
    start = 1
    for i, line in enumerate(src, 1):
        if re.match(r"^\s*\[\s*tool\.kubelint\s*\]", line):
            start = i
            break
    lines[()] = start

    def walk(obj, p):
        if isinstance(obj, dict):
            for k, v in obj.items():
                lines[p + (k,)] = _toml_line(src, k, start, lines.get(p, start))
                walk(v, p + (k,))

    walk(data, ())
    return data, lines


def _toml_line(src: List[str], key: str, start: int, after: int) -> int:
    rx = re.compile(r'^\s*(?:\[\s*tool\.kubelint(?:\.[^\]]*)?\.)?["\']?' + re.escape(key) + r'["\']?\s*(=|\])')
    rx_inline = re.compile(r'[{,]\s*["\']?' + re.escape(key) + r'["\']?\s*=')
    for i in range(max(after, start), len(src) + 1):
        line = src[i - 1]
        if rx.search(line) or rx_inline.search(line):
            return i
    return after


def _build(data, lines, path) -> Config:
    from .engine import catalogue

    def err(p, msg):
        line = lines.get(p) or lines.get(p[:-1]) or lines.get(()) or 1
        return ConfigError(f"{path}:{line}: {msg}")

    if not isinstance(data, dict):
        raise err((), "configuration must be a mapping of settings (see docs/configuration.md)")
    cat = catalogue()
    cfg = Config(path=path, base_dir=os.path.dirname(os.path.abspath(path)))
    top = {}  # the settings that are not collections (Config is frozen: set once, below)
    if "custom-rules" in data:  # first: their ids are valid in disable:/rules: of the same file
        from .admission.config import parse_custom_rules

        top["custom_rules"] = parse_custom_rules(data["custom-rules"], cat, err)
        cat = catalogue()
    for key, value in data.items():
        p = (key,)
        if key in ADMISSION_KEYS:
            from .admission.config import parse_setting

            top.update(parse_setting(key, value, err))
        elif key not in TOP_KEYS:
            raise err(p, f'unknown setting "{key}"{did_you_mean(key, TOP_KEYS)}; valid: {", ".join(TOP_KEYS)}')
        elif key in _SCALAR_SETTINGS:
            top[_SCALAR_SETTINGS[key]] = _scalar_setting(key, value, p, err)
        elif key in ("exclude", "crd", "schema-dir"):
            top[key.replace("-", "_")] = _str_list(value, p, key, err)
        elif key == "limits":
            _limits(cfg, value, p, err)
        elif key == "cache":
            top["cache"] = _cache_setting(value, cfg.base_dir, p, err)
        elif key == "profile":
            top["profiles"] = parse_profiles(value, lambda msg: err(p, msg))
        elif key in ("helm", "kustomize"):  # kubelint/render/config.py
            from .render.config import parse as parse_render

            parse_render(key, value, p, err, cfg.base_dir, cfg.render)
        elif key in ("disable", "enable"):
            ids = _str_list(value, p, key, err)
            for i, rid in enumerate(ids):
                _rule_id(rid, p + (i,), cat, err)
            getattr(cfg, key).update(ids)
        elif key == "rules":
            _rules(cfg, cat, value, p, err)
    return dataclasses.replace(cfg, **top)


# The settings that are one checked value each, and their Config field.
_SCALAR_SETTINGS = {
    "kubernetes-version": "kubernetes_version",
    "namespace": "namespace",
    "fail-on": "fail_on",
    "missing-refs": "missing_refs",
    "pod-security-config": "pod_security_config",
}


def _scalar_setting(key, value, p, err):
    if key == "kubernetes-version":
        if isinstance(value, float):
            raise err(p, f'kubernetes-version {value!r} is a number (YAML reads 1.30 as 1.3): quote it, e.g. "1.30"')
        if not isinstance(value, str) or not re.fullmatch(r"v?1\.\d+(\.\d+)?", value):
            raise err(p, f'kubernetes-version must be a quoted version such as "1.33", found {value!r}')
    elif key == "namespace":
        if not isinstance(value, str) or not re.match(_NAMESPACE, value):
            raise err(p, f"namespace must be a namespace name (lower-case DNS label), found {value!r}")
    elif key == "fail-on":
        if value is False:  # YAML 1.1 reads `never`? no, but `off`/`no` are false
            value = "never"
        if value not in FAIL_ON:
            raise err(
                p,
                f"fail-on must be one of {', '.join(FAIL_ON)}, found {value!r}{did_you_mean(str(value), FAIL_ON)}",
            )
    elif key == "missing-refs":
        if not isinstance(value, bool):
            raise err(p, f"missing-refs must be true or false, found {value!r}")
    elif key == "pod-security-config":
        if not isinstance(value, str) or not value:
            raise err(
                p,
                "pod-security-config must be the path of a PodSecurityConfiguration or AdmissionConfiguration file",
            )
    return value


def _cache_setting(value, base_dir, p, err):
    """``cache:``: true, false, or the cache directory (relative to the configuration file)."""
    if isinstance(value, bool):
        return value
    if not isinstance(value, str) or not value:
        raise err(p, f"cache must be true, false or a directory, found {value!r}")
    return os.path.normpath(os.path.join(base_dir, os.path.expanduser(value)))


def _rule_id(value, p, cat, err):
    if not isinstance(value, str):
        raise err(p, f"rule id must be a string, found {value!r}")
    if value not in cat and value != "all":
        raise err(p, f'unknown rule "{value}"{did_you_mean(value, cat)}; `kubelint rules --all` lists them')
    return value


def _str_list(value, p, what, err):
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise err(p, f"{what} must be a list of strings")
    return list(value)


def _limits(cfg, value, p, err):
    if not isinstance(value, dict):
        raise err(p, f"limits must be a mapping of {', '.join(LIMIT_KEYS)} to numbers")
    for name, n in value.items():
        lp = p + (name,)
        if name not in LIMIT_KEYS:
            raise err(
                lp,
                f'unknown limit "{name}"{did_you_mean(str(name), LIMIT_KEYS)}; valid: {", ".join(LIMIT_KEYS)}',
            )
        target, least = LIMIT_KEYS[name]
        if name == "max-file-size" and isinstance(n, str):
            from .loader import parse_size

            try:
                n = parse_size(n)
            except ValueError:
                raise err(lp, f"max-file-size must be a size such as 32MiB, 500k or 1048576, found {n!r}") from None
        most = 100_000 if name == "max-depth" else None  # as --max-depth: the parser's own recursion
        if not isinstance(n, int) or isinstance(n, bool) or n < least or (most and n > most):
            raise err(lp, f"{name} must be a whole number from {least}{f' to {most:,}' if most else ''}, found {n!r}")
        cfg.limits[target] = n


def _rules(cfg, cat, value, p, err):
    if not isinstance(value, dict):
        raise err(p, "rules must be a mapping of rule id to off, a severity, or settings")
    for rid, setting in value.items():
        rp = p + (rid,)
        _rule_id(rid, rp, cat, err)
        if rid == "all":
            raise err(rp, "use `disable: [all]` to turn every concept rule off")
        _rule_setting(cfg, cat[rid], setting, rp, err)


def _rule_setting(cfg, entry, setting, p, err):
    rid = entry.id
    if setting is False or setting == "off":
        cfg.disable.add(rid)
        return
    if setting is True or setting == "on":
        cfg.enable.add(rid)
        return
    if isinstance(setting, str):
        setting = {"severity": setting}
    if not isinstance(setting, dict):
        raise err(p, f"{rid}: expected off, on, a severity ({', '.join(SEVERITIES)}) or a mapping, found {setting!r}")
    for k, v in setting.items():
        kp = p + (k,)
        if k not in RULE_KEYS:
            raise err(kp, f'{rid}: unknown setting "{k}"{did_you_mean(k, RULE_KEYS)}; valid: {", ".join(RULE_KEYS)}')
        if k == "severity":
            if v == "off" or v is False:
                cfg.disable.add(rid)
            elif v not in SEVERITIES:
                raise err(
                    kp,
                    f"{rid}: severity must be one of {', '.join(SEVERITIES)} or off, "
                    f"found {v!r}{did_you_mean(str(v), SEVERITIES)}",
                )
            else:
                cfg.severity[rid] = v
        elif k == "enabled":
            if not isinstance(v, bool):
                raise err(kp, f"{rid}: enabled must be true or false")
            (cfg.enable if v else cfg.disable).add(rid)
        elif k == "exclude":
            if isinstance(v, str):
                v = [v]
            if not isinstance(v, list) or not all(isinstance(x, str) for x in v):
                raise err(kp, f"{rid}: exclude must be a list of path patterns")
            cfg.rule_exclude.setdefault(rid, []).extend(v)
        elif k == "params":
            if not isinstance(v, dict):
                raise err(kp, f"{rid}: params must be a mapping")
            for name, value in v.items():
                pp = kp + (name,)
                if name not in entry.params:
                    known = ", ".join(entry.params) or "none"
                    raise err(
                        pp,
                        f'{rid}: unknown parameter "{name}"{did_you_mean(name, entry.params)}; its parameters: {known}',
                    )
                default = entry.params[name]
                if not _same_type(default, value):
                    raise err(
                        pp,
                        f"{rid}: parameter {name} must be {_type_word(default)} like its default "
                        f"{default!r}, found {value!r}",
                    )
                cfg.params.setdefault(rid, {})[name] = value


def _same_type(default, value) -> bool:
    if isinstance(default, bool):
        return isinstance(value, bool)
    if isinstance(default, int):
        return isinstance(value, int) and not isinstance(value, bool)
    if isinstance(default, list):
        return isinstance(value, list)
    if isinstance(default, dict):
        return isinstance(value, dict)
    if isinstance(default, str):
        return isinstance(value, str)
    return True


def _type_word(v) -> str:
    return {bool: "true or false", int: "an integer", list: "a list", dict: "a mapping", str: "a string"}.get(
        type(v), type(v).__name__
    )
