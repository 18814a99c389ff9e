"""The fixers: one per rule id that has a fix.

A fixer looks at one finding (the object and the check's
:class:`~kubelint.findings.Problem`, whose path is exact) and returns a
title and *operations* on the object, or ``None`` when the fix is not
mechanical here:

* ``("set", path, value)``   set a field (replacing it, or adding it and
  any missing parent mappings);
* ``("rename", path, key)``  rename the key at ``path``;
* ``("raw", path, text)``    replace a scalar's source text (quoting).

:func:`to_fix` turns operations into text edits (:mod:`kubelint.fix.yamltext`).
:data:`FIXERS` is the single record of which rules have a fix; the
catalogue, ``kubelint rules``/``explain`` and docs/fixes.md read it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Dict, List, Optional, Tuple

from ..findings import Problem
from ..suggest import closest
from . import migrate
from .model import Fix
from .yamltext import CannotEdit, TextDoc, quoted


@dataclass(frozen=True)
class Fixer:
    rule: str
    safe: bool
    summary: str  # what the fix does, for `kubelint explain` and docs/fixes.md
    plan: Callable  # (Target) -> Optional[(title, ops)]


@dataclass
class Target:
    obj: object  # kubelint.model.KubeObject
    problem: Problem
    version: str  # target Kubernetes minor version
    schemas: object  # kubelint.schema.Schemas of that version
    doc: TextDoc  # the document's text


FIXERS: Dict[str, Fixer] = {}


def fixer(rule: str, safe: bool, summary: str):
    def register(fn):
        FIXERS[rule] = Fixer(rule, safe, summary, fn)
        return fn

    return register


def _get(data, path):
    for p in path:
        if isinstance(data, dict):
            if p not in data:
                return _MISSING
            data = data[p]
        elif isinstance(data, list) and isinstance(p, int) and 0 <= p < len(data):
            data = data[p]
        else:
            return _MISSING
    return data


_MISSING = object()


def field_type(schemas, api_version: str, kind: str, path) -> Optional[object]:
    """The compiled schema type at ``path`` (see kubelint.schema.Walker)."""
    root = schemas.root(api_version, kind)
    if root is None:
        return None
    t = "#" + root
    for elem in path:
        if isinstance(t, str) and t.startswith("#"):
            props = schemas.definition(t[1:])["p"]
            t = props.get(elem)
        elif isinstance(t, list):
            t = t[1]
        elif isinstance(t, dict):
            t = t.get("map")
        else:
            return None
        if t is None:
            return None
    return t


def _props_at(schemas, api_version, kind, path) -> Optional[List[str]]:
    t = field_type(schemas, api_version, kind, path)
    if isinstance(t, str) and t.startswith("#"):
        return list(schemas.definition(t[1:])["p"])
    return None


# ---------------------------------------------------------------------------
# Safe fixes


@fixer(
    "removed-api",
    True,
    "rewrite a removed apiVersion to the served replacement, with the structural changes it needs "
    "(see docs/fixes.md for every pair)",
)
def _removed_api(t: Target):
    obj = t.obj
    m = migrate.migrate(obj.data, obj.api_version, obj.kind)
    if m is None:
        return None
    new, ops = m
    if t.schemas.root(new, obj.kind) is None:
        return None  # the replacement is not served by the target version either
    return f"migrate {obj.kind} from {obj.api_version} to {new}", ops


_MEANT = re.compile(r'did you mean "([^"]+)"\?')


def _confident(word: str, candidates: List[str]) -> Optional[str]:
    """The one candidate ``word`` is evidently a misspelling of: equal
    ignoring case and separators, or the single candidate within a small
    edit distance while no other comes close."""
    hit = closest(word, candidates, cutoff=0.8)
    if hit is None:
        return None
    squashed = word.lower().replace("_", "").replace("-", "")
    if hit.lower() == squashed:
        return hit
    if len(word) < 4:
        return None
    # the single nearest candidate, within two edits, and strictly nearer
    # than any other (cluserIP -> clusterIP, not clusterIPs; igress is as
    # near to ingress as to egress: no fix)
    dist = sorted((_distance(word.lower(), c.lower()), c) for c in candidates)
    if dist and dist[0][0] <= 2 and dist[0][1] == hit and (len(dist) == 1 or dist[1][0] > dist[0][0]):
        return hit
    return None


def _distance(a: str, b: str) -> int:
    """Damerau-Levenshtein (optimal string alignment) distance, capped."""
    if abs(len(a) - len(b)) > 2:
        return 3
    prev2 = None
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb))
            if prev2 is not None and i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        prev2, prev = prev, cur
    return prev[-1]


@fixer(
    "unknown-field",
    True,
    'rename a misspelt field to its one confident "did you mean" candidate, when that field is not already set',
)
def _unknown_field(t: Target):
    path = t.problem.path
    if not path or not isinstance(path[-1], str):
        return None
    parent = path[:-1]
    props = _props_at(t.schemas, t.obj.api_version, t.obj.kind, parent)
    hint = _MEANT.search(f"{t.problem.message} {t.problem.hint}")
    if props is None or hint is None:
        return None
    cand = _confident(path[-1], props)
    if cand is None or cand != hint.group(1):
        return None
    siblings = _get(t.obj.data, parent)
    if not isinstance(siblings, dict) or cand in siblings:
        return None
    return f'rename "{path[-1]}" to "{cand}"', [("rename", path, cand)]


_SUPPORTED = re.compile(r'supported values: ((?:"[^"]*"(?:, )?)+)')


@fixer(
    "unsupported-value",
    True,
    "set an enumerated value written in the wrong case (tcp, always, clusterip) to the "
    "canonical value; drop a plural or past-tense slip (Roles, NoScheduled) or an API "
    "group's version (rbac.authorization.k8s.io/v1) when exactly one supported value remains",
)
def _unsupported_value(t: Target):
    value = _get(t.obj.data, t.problem.path)
    m = _SUPPORTED.search(t.problem.message)
    if not isinstance(value, str) or m is None:
        return None
    allowed = re.findall(r'"([^"]*)"', m.group(1))
    hits = [a for a in allowed if a.lower() == value.lower() and a != value]
    if not hits:
        # a plural or past-tense slip (Roles, NoScheduled, WaitForFirstConsumers,
        # Recycled) or an API group written with its version
        # (rbac.authorization.k8s.io/v1): exactly one supported value is the
        # value without it.  Other near misses are not mechanical (Masked is
        # one letter from Unmasked and means the opposite).
        stems = {value[:-1]} if value[-1:] in ("s", "d") else set()
        group, _, version = value.rpartition("/")
        if group and re.fullmatch(r"v[0-9]+((alpha|beta)[0-9]+)?", version):
            stems.add(group)
        hits = [a for a in allowed if a in stems]
    if len(hits) != 1:
        return None
    return f"set {value} to {hits[0]}", [("set", t.problem.path, hits[0])]


_INT = re.compile(r"-?(0|[1-9][0-9]{0,17})\Z")


@fixer(
    "invalid-type",
    True,
    "quote a YAML 1.1 boolean or number written in a string field (yes, on, 1.10, 0644) as the "
    "string it was typed as; unquote a quoted integer in an integer field",
)
def _invalid_type(t: Target):
    path = t.problem.path
    value = _get(t.obj.data, path)
    if value is _MISSING:
        return None
    ftype = field_type(t.schemas, t.obj.api_version, t.obj.kind, path)
    if not isinstance(ftype, str):
        return None
    try:
        loc = t.doc.locate(_doc_path(t.obj, path))
    except (KeyError, CannotEdit):
        return None
    node = loc.node
    if not hasattr(node, "style"):
        return None
    if ftype.startswith("string") and ftype not in ("string:byte", "string:date-time"):
        # a plain scalar that YAML 1.1 resolved to a boolean or a number:
        # quote the text as typed (1.10 stays 1.10, 0644 stays 0644)
        if not node.style and isinstance(value, (bool, int, float)) and node.value and "\n" not in node.value:
            return f"quote {node.value} as a string", [("raw", path, quoted(node.value, t.doc.quote_style()))]
        return None
    if ftype.startswith("integer") and isinstance(value, str) and node.style in ('"', "'") and _INT.match(value):
        return f'unquote "{value}" as an integer', [("raw", path, str(int(value)))]
    return None


@fixer(
    "invalid-schedule", True, "set a CronJob timeZone written in the wrong case (utc, europe/berlin) to the IANA name"
)
def _invalid_schedule(t: Target):
    if t.problem.path[-1:] != ("timeZone",):
        return None
    value = _get(t.obj.data, t.problem.path)
    hint = _MEANT.search(f"{t.problem.message} {t.problem.hint}")
    if not isinstance(value, str) or hint is None or hint.group(1).lower() != value.lower() or hint.group(1) == value:
        return None
    return f"set {value} to {hint.group(1)}", [("set", t.problem.path, hint.group(1))]


@fixer(
    "invalid-value",
    True,
    "unquote a port number written as a string where a string must name a port "
    '(targetPort: "8080", containerPort-like int-or-string fields)',
)
def _invalid_value(t: Target):
    path = t.problem.path
    value = _get(t.obj.data, path)
    if not (isinstance(value, str) and _INT.match(value) and "must contain at least one letter" in t.problem.message):
        return None
    ftype = field_type(t.schemas, t.obj.api_version, t.obj.kind, path)
    if ftype != "int-or-string":
        return None
    n = int(value)
    if not 1 <= n <= 65535:
        return None
    return f'unquote "{value}" as the port number {n}', [("raw", path, str(n))]


# ---------------------------------------------------------------------------
# Unsafe fixes: they change behaviour (opt in with --unsafe-fixes)


def _container_path(path) -> Optional[tuple]:
    for i in range(len(path) - 1, 0, -1):
        if path[i - 1] in ("containers", "initContainers", "ephemeralContainers") and isinstance(path[i], int):
            return tuple(path[: i + 1])
    return None


def _container_setting(key, value, title):
    def plan(t: Target):
        cpath = _container_path(t.problem.path)
        if cpath is None:
            return None
        return title, [("set", cpath + ("securityContext", key), value)]

    return plan


FIXERS["privilege-escalation"] = Fixer(
    "privilege-escalation",
    False,
    "set securityContext.allowPrivilegeEscalation: false on the container",
    _container_setting("allowPrivilegeEscalation", False, "set allowPrivilegeEscalation: false"),
)
FIXERS["privileged-container"] = Fixer(
    "privileged-container",
    False,
    "set securityContext.privileged: false on the container",
    _container_setting("privileged", False, "set privileged: false"),
)
FIXERS["writable-root-filesystem"] = Fixer(
    "writable-root-filesystem",
    False,
    "set securityContext.readOnlyRootFilesystem: true on the container",
    _container_setting("readOnlyRootFilesystem", True, "set readOnlyRootFilesystem: true"),
)


@fixer("run-as-root", False, "set securityContext.runAsNonRoot: true on the container (not when it sets runAsUser: 0)")
def _run_as_root(t: Target):
    if t.problem.path[-1:] == ("runAsUser",):
        return None  # an explicit root UID: the image or the UID must change, not a flag
    if t.problem.path[-1:] == ("runAsNonRoot",):  # runAsNonRoot: false, on the container or the Pod
        return "set runAsNonRoot: true", [("set", tuple(t.problem.path), True)]
    cpath = _container_path(t.problem.path)
    if cpath is None:
        return None
    return "set runAsNonRoot: true", [("set", cpath + ("securityContext", "runAsNonRoot"), True)]


@fixer(
    "dangerous-capabilities",
    False,
    "remove the dangerous capability from securityContext.capabilities.add and drop ALL capabilities",
)
def _dangerous_capabilities(t: Target):
    path = t.problem.path
    if len(path) < 2 or not isinstance(path[-1], int):
        return None
    add = _get(t.obj.data, path[:-1])
    if not isinstance(add, list):
        return None
    cap = add[path[-1]]
    rest = [c for c in add if c != cap]
    ops = [("set", path[:-1], rest)]
    caps = _get(t.obj.data, path[:-2])
    drop = caps.get("drop") if isinstance(caps, dict) else None
    if drop is None:
        ops.append(("set", path[:-2] + ("drop",), ["ALL"]))
    return f"remove {cap} from capabilities.add", ops


@fixer("host-namespaces", False, "set hostNetwork / hostPID / hostIPC to false")
def _host_namespaces(t: Target):
    key = t.problem.path[-1] if t.problem.path else None
    if key not in ("hostNetwork", "hostPID", "hostIPC", "hostUsers"):
        return None
    return f"set {key}: {'true' if key == 'hostUsers' else 'false'}", [("set", t.problem.path, key == "hostUsers")]


@fixer("service-account-token-automount", False, "set automountServiceAccountToken: false on the Pod spec")
def _automount(t: Target):
    return "set automountServiceAccountToken: false", [
        ("set", tuple(t.problem.path) + ("automountServiceAccountToken",), False)
    ]


# Unsafe fixes for the hardening and Pod Security Standards rules
# (kubelint/checks/hardening.py, kubelint/checks/pss.py): the same single-field changes


def _pod_spec_path(t: Target) -> Optional[tuple]:
    from ..kinds import pod_spec_path

    p = pod_spec_path(t.obj.group, t.obj.kind)
    return tuple(p) if p is not None else None


def _seccomp_runtime_default(pod_level_when_unset: bool):
    """An Unconfined (or otherwise forbidden) seccompProfile.type becomes
    RuntimeDefault where it is set; a container with none gets it on the Pod
    (``pod_level_when_unset``). Legacy annotations are not edited."""

    def plan(t: Target):
        path = tuple(t.problem.path)
        if path[-2:] == ("seccompProfile", "type"):
            if _get(t.obj.data, path) == "RuntimeDefault":
                return None
            return "set seccompProfile.type: RuntimeDefault", [("set", path, "RuntimeDefault")]
        if not pod_level_when_unset or path[-1:] != ("name",) or _container_path(path) is None:
            return None
        spec = _pod_spec_path(t)
        if spec is None or _get(t.obj.data, spec + ("securityContext", "seccompProfile")) is not _MISSING:
            return None
        return "set seccompProfile.type: RuntimeDefault on the Pod", [
            ("set", spec + ("securityContext", "seccompProfile", "type"), "RuntimeDefault")
        ]

    return plan


FIXERS["seccomp-unconfined"] = Fixer(
    "seccomp-unconfined",
    False,
    "set securityContext.seccompProfile.type: RuntimeDefault where it is Unconfined (not the legacy annotations)",
    _seccomp_runtime_default(False),
)
FIXERS["seccomp-profile-missing"] = Fixer(
    "seccomp-profile-missing",
    False,
    "set spec.securityContext.seccompProfile.type: RuntimeDefault on the Pod",
    _seccomp_runtime_default(True),
)
FIXERS["pss-seccomp-baseline"] = Fixer(
    "pss-seccomp-baseline",
    False,
    "set a forbidden securityContext.seccompProfile.type to RuntimeDefault (not the legacy annotations)",
    _seccomp_runtime_default(False),
)
FIXERS["pss-seccomp-restricted"] = Fixer(
    "pss-seccomp-restricted",
    False,
    "set a forbidden securityContext.seccompProfile.type to RuntimeDefault, or set it on the Pod when none is set",
    _seccomp_runtime_default(True),
)


def _drop_all(t: Target):
    """capabilities.drop: ["ALL"] on the container (ALL covers whatever the
    list held); not on a capabilities.add entry, not through a non-list."""
    path = tuple(t.problem.path)
    cpath = _container_path(path)
    if cpath is None or "add" in path[len(cpath) :]:
        return None
    caps = _get(t.obj.data, cpath + ("securityContext", "capabilities"))
    if caps is not _MISSING and not isinstance(caps, dict):
        return None
    drop = caps.get("drop", _MISSING) if isinstance(caps, dict) else _MISSING
    if drop is not _MISSING and not isinstance(drop, list):
        return None
    return 'set capabilities.drop: ["ALL"]', [("set", cpath + ("securityContext", "capabilities", "drop"), ["ALL"])]


FIXERS["capabilities-not-dropped"] = Fixer(
    "capabilities-not-dropped",
    False,
    'set securityContext.capabilities.drop: ["ALL"] on the container',
    _drop_all,
)


def _remove_added_capability(t: Target):
    path = tuple(t.problem.path)
    if len(path) < 2 or path[-2] != "add" or not isinstance(path[-1], int):
        return None
    add = _get(t.obj.data, path[:-1])
    if not isinstance(add, list) or not 0 <= path[-1] < len(add):
        return None
    cap = add[path[-1]]
    return f"remove {cap} from capabilities.add", [("set", path[:-1], [c for c in add if c != cap])]


@fixer(
    "pss-capabilities-restricted",
    False,
    'set securityContext.capabilities.drop: ["ALL"] on the container, and remove what capabilities.add holds '
    "besides NET_BIND_SERVICE",
)
def _pss_capabilities_restricted(t: Target):
    return _remove_added_capability(t) or _drop_all(t)


FIXERS["pss-capabilities-baseline"] = Fixer(
    "pss-capabilities-baseline",
    False,
    "remove a capability outside the baseline set from securityContext.capabilities.add",
    _remove_added_capability,
)
FIXERS["pss-allow-privilege-escalation"] = Fixer(
    "pss-allow-privilege-escalation",
    False,
    "set securityContext.allowPrivilegeEscalation: false on the container",
    _container_setting("allowPrivilegeEscalation", False, "set allowPrivilegeEscalation: false"),
)
FIXERS["pss-privileged"] = Fixer(
    "pss-privileged",
    False,
    "set securityContext.privileged: false on the container",
    _container_setting("privileged", False, "set privileged: false"),
)


@fixer(
    "pss-run-as-non-root", False, "set securityContext.runAsNonRoot: true (where it is false, else on the container)"
)
def _pss_run_as_non_root(t: Target):
    if t.problem.path[-1:] not in (("runAsNonRoot",), ("name",)):
        return None
    return _run_as_root(t)


@fixer("pss-host-namespaces", False, "set hostNetwork / hostPID / hostIPC to false")
def _pss_host_namespaces(t: Target):
    if (t.problem.path[-1:] or (None,))[0] == "hostUsers":
        return None
    return _host_namespaces(t)


# ---------------------------------------------------------------------------
# Operations -> edits


def _doc_path(obj, path) -> tuple:
    if getattr(obj, "item_index", None) is not None:
        return ("items", obj.item_index) + tuple(path)
    return tuple(path)


def to_fix(rule: str, safe: bool, title: str, ops, obj, doc: TextDoc) -> Optional[Fix]:
    """Operations on ``obj`` -> a :class:`Fix` of non-overlapping edits
    (insertions into one mapping merged), or None if a node cannot be
    edited exactly."""
    edits = []
    inserts: Dict[tuple, List[Tuple[str, object]]] = {}
    try:
        for op in ops:
            kind, path = op[0], _doc_path(obj, op[1])
            if kind == "rename":
                edits.append(doc.rename_key(path, op[2]))
            elif kind == "raw":
                edits.append(doc.replace_scalar(path, op[2]))
            elif kind == "set":
                if doc.exists(path):
                    edits.append(doc.set_value(path, op[2]))
                    continue
                # the deepest existing mapping on the path gets the rest as a nested value
                i = len(path) - 1
                while i > 0 and not doc.exists(path[:i]):
                    i -= 1
                if any(isinstance(p, int) for p in path[i:]):
                    return None
                value = op[2]
                for key in reversed(path[i + 1 :]):
                    value = {key: value}
                parent = path[:i]
                entries = inserts.setdefault(parent, [])
                for k, v in entries:
                    if k == path[i]:
                        if not isinstance(v, dict) or not isinstance(value, dict):
                            return None
                        _merge(v, value)
                        break
                else:
                    entries.append((path[i], value))
            else:  # pragma: no cover - programming error
                raise ValueError(kind)
        for parent, entries in inserts.items():
            edits.append(doc.insert_entries(parent, entries))
    except (KeyError, CannotEdit):
        return None
    edits.sort(key=lambda e: (e.start, e.end))
    for a, b in zip(edits, edits[1:]):
        if b.start < a.end or (a.start == a.end == b.start == b.end):
            return None
    return Fix(rule, title, safe, tuple(edits))


def _merge(into: dict, other: dict) -> None:
    for k, v in other.items():
        if isinstance(into.get(k), dict) and isinstance(v, dict):
            _merge(into[k], v)
        else:
            into[k] = v


def fix_status(rule: str):
    """``("safe" | "unsafe", summary)`` for a rule with a fix, else None."""
    fx = FIXERS.get(rule)
    if fx is None:
        return None
    return ("safe" if fx.safe else "unsafe"), fx.summary
