"""Helpers shared by the concept rules: pod templates, selectors, images,
credential-looking names.  Nothing here raises on odd shapes: a value of the
wrong type is the schema's business, rules just skip it."""

from __future__ import annotations

import re
from functools import lru_cache

from ..lazyre import lazy
from ..kinds import get_path, iter_containers, pod_spec_path, pod_template_labels
from ..labels import label_value

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only (strings): a run does not import typing (tests/test_startup.py)
    from typing import Dict, List, Optional, Tuple

# Kinds whose pods run until stopped (Jobs and CronJobs run to completion).
LONG_RUNNING = {
    ("", "Pod"),
    ("", "ReplicationController"),
    ("apps", "Deployment"),
    ("apps", "StatefulSet"),
    ("apps", "DaemonSet"),
    ("apps", "ReplicaSet"),
}


def as_list(value) -> list:
    """``value`` if it is a list, else an empty one (odd shapes are the schema's business)."""
    return value if isinstance(value, list) else []


def is_workload(obj) -> bool:
    return pod_spec_path(obj.group, obj.kind) is not None


def is_long_running(obj) -> bool:
    if (obj.group, obj.kind) not in LONG_RUNNING:
        return False
    if obj.kind == "Pod":
        spec = obj.data.get("spec")
        if isinstance(spec, dict) and spec.get("restartPolicy") in ("Never", "OnFailure"):
            return False
    return True


def replicas(obj) -> Optional[int]:
    """spec.replicas of a scalable workload (unset = 1), None if not an int."""
    spec = obj.data.get("spec")
    if not isinstance(spec, dict):
        return None
    r = spec.get("replicas", 1)
    if r is None:
        return 1
    if isinstance(r, bool) or not isinstance(r, (int, float)) or r != int(r):
        return None
    return int(r)


def containers(obj, init: bool = False, ephemeral: bool = False):
    """(container, path) of the workload's containers (not init ones unless asked)."""
    return iter_containers(obj, include_init=init, include_ephemeral=ephemeral)


def cname(c: dict) -> str:
    n = c.get("name")
    return n if isinstance(n, str) else "?"


_DNS_SUBDOMAIN = lazy(r"^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")


def is_template(value) -> bool:
    """An unrendered template expression (Helm, envsubst, kustomize vars)."""
    return isinstance(value, str) and ("{{" in value or "${" in value or "$(" in value)


def is_object_name(value) -> bool:
    """A plausible object name (not a placeholder such as $NAME or <name>)."""
    return isinstance(value, str) and len(value) <= 253 and bool(_DNS_SUBDOMAIN.match(value))


# Labels controllers add to the Pods they create (not in the template).
_CONTROLLER_LABELS = (
    "pod-template-hash",
    "controller-revision-hash",
    "controller-uid",
    "batch.kubernetes.io/controller-uid",
    "pod-template-generation",
)


def _controller_labels(obj, labels: dict) -> dict:
    """Template labels plus what the controller stamps on each Pod."""
    out = dict(labels)
    for k in _CONTROLLER_LABELS:
        out[k] = _ANY
    if obj.kind == "StatefulSet" and obj.name:
        out["statefulset.kubernetes.io/pod-name"] = _Prefix(obj.name + "-")
        out["apps.kubernetes.io/pod-index"] = _ANY
    elif obj.kind == "Job" and obj.name:
        out["job-name"] = out["batch.kubernetes.io/job-name"] = obj.name
    elif obj.kind == "CronJob" and obj.name:
        out["job-name"] = out["batch.kubernetes.io/job-name"] = _Prefix(obj.name + "-")
    return out


class _Any(str):
    def __eq__(self, other):
        return isinstance(other, str)

    def __ne__(self, other):
        return not self.__eq__(other)

    __hash__ = str.__hash__


class _Prefix(str):
    def __eq__(self, other):
        return isinstance(other, str) and other.startswith(str(self)) and other[len(self) :].isdigit()

    def __ne__(self, other):
        return not self.__eq__(other)

    __hash__ = str.__hash__


_ANY = _Any("*")


class PodTemplates:
    """Pod templates of every workload in the set, per namespace (built
    once per run and cached on the index).  Custom resources with a
    ``spec.template.metadata.labels`` (Argo Rollouts, OpenKruise, ...) count
    as workloads too."""

    def __init__(self, index):
        self.by_ns: Dict[Optional[str], List[Tuple[object, dict]]] = {}
        self.operated = {}
        for obj in index.objects:
            labels = None
            if is_workload(obj):
                labels, _ = pod_template_labels(obj)
            elif obj.group and not _builtin_group(obj.group):
                labels = get_path(obj.data, ("spec", "template", "metadata", "labels"))
            if isinstance(labels, dict):
                labels = {str(k): label_value(v) for k, v in labels.items()}
                self.by_ns.setdefault(index.namespace_of(obj), []).append((obj, _controller_labels(obj, labels)))
            if obj.group and not _builtin_group(obj.group) and obj.name:
                # A custom resource without a pod template: an operator may
                # create Pods for it, labelled with its name or its labels.
                self.operated.setdefault(index.namespace_of(obj), []).append(obj)

    def _build_label_index(self):
        self._exact = {}
        self._wild = {}
        for ns, items in self.by_ns.items():
            for item in items:
                for k, v in item[1].items():
                    if isinstance(v, (_Any, _Prefix)):
                        self._wild.setdefault((ns, k), []).append(item)
                    else:
                        self._exact.setdefault((ns, k, v), []).append(item)

    def matching(self, namespace, predicate, required=None) -> List[object]:
        """Workloads of the namespace whose pod labels satisfy ``predicate``;
        ``required`` (label -> value pairs every match must have, e.g. a
        selector's matchLabels) narrows the candidates through an index."""
        items = self.by_ns.get(namespace, ())
        if required:
            if not hasattr(self, "_exact"):
                self._build_label_index()
            best = None
            for k, v in required.items():
                cands = self._exact.get((namespace, k, label_value(v)), []) + self._wild.get((namespace, k), [])
                if best is None or len(cands) < len(best):
                    best = cands
                if not best:
                    return []
            items = best
        return [obj for obj, labels in items if predicate(labels)]

    def operator_may_create(self, namespace, selector_values, predicate) -> bool:
        """Some custom resource of the namespace is named like a selector value, or carries
        labels the selector matches: its operator probably creates the Pods."""
        values = {v for v in selector_values if isinstance(v, str)}
        for obj in self.operated.get(namespace, ()):
            if obj.name in values or (obj.labels and predicate(obj.labels)):
                return True
        return False

    def has_any(self, namespace) -> bool:
        return bool(self.by_ns.get(namespace))


def pod_templates(index) -> PodTemplates:
    cached = getattr(index, "_pod_templates", None)
    if cached is None:
        cached = PodTemplates(index)
        index._pod_templates = cached
    return cached


def target_template_namespaces(index) -> set:
    """Namespaces holding a pod template of a target (``ObjectIndex.targets``): a Service of any other
    namespace selects no target workload (cached on the index)."""
    cached = getattr(index, "_target_template_ns", None)
    if cached is None:
        cached = index._target_template_ns = {
            ns for ns, items in pod_templates(index).by_ns.items() if any(index.is_target(o) for o, _ in items)
        }
    return cached


def _builtin_group(group: str) -> bool:
    return group in ("apps", "batch", "policy", "autoscaling") or group.endswith(".k8s.io")


def who(obj, index_or_ctx) -> str:
    """``Service shop/web`` (namespace made explicit)."""
    ns = index_or_ctx.namespace_of(obj)
    name = obj.name or "<unnamed>"
    return f"{obj.kind} {ns}/{name}" if ns else f"{obj.kind} {name}"


# ---------------------------------------------------------------------------
# Images


def split_image(image: str) -> Tuple[str, Optional[str], Optional[str]]:
    """``registry:5000/org/name:tag@sha256:...`` -> (repository, tag, digest)."""
    digest = None
    if "@" in image:
        image, digest = image.split("@", 1)
    tag = None
    slash = image.rfind("/")
    colon = image.rfind(":")
    if colon > slash:
        image, tag = image[:colon], image[colon + 1 :]
    return image, tag, digest


def image_basename(image: str) -> str:
    """Last path segment of the repository, lower-case: ``bitnami/postgresql:16`` -> ``postgresql``."""
    repo, _, _ = split_image(image)
    return repo.rsplit("/", 1)[-1].lower()


# ---------------------------------------------------------------------------
# Credential-looking names

_CAMEL = lazy(r"(?<=[a-z0-9])(?=[A-Z])")
_SPLIT = lazy(r"[^A-Za-z0-9]+")


@lru_cache(maxsize=4096)
def name_tokens(name: str) -> Tuple[str, ...]:
    """``dbPassword`` / ``DB_PASSWORD`` / ``db.password`` -> ("db", "password")."""
    return tuple(t.lower() for t in _SPLIT.split(_CAMEL.sub("_", name)) if t)


@lru_cache(maxsize=64)
def _pattern_tokens(patterns: tuple) -> tuple:
    out = []
    for p in patterns:
        ptoks = tuple(t for t in str(p).lower().split("_") if t)
        if "*" in ptoks:  # azure_*_key: "*" stands for one or more words
            rx = (
                "(?:^|_)"
                + "_".join("[a-z0-9]+(?:_[a-z0-9]+)*" if t == "*" else re.escape(t) for t in ptoks)
                + "(?:_|$)"
            )
            out.append((p, re.compile(rx), None))
        elif ptoks:
            out.append((p, ptoks, "".join(ptoks) if len(ptoks) > 1 else None))
    return tuple(out)


def credential_name(name: str, patterns, exempt_suffixes) -> Optional[str]:
    """The credential word a key/env name contains (``password``), or None.

    A pattern is a word or words joined by ``_`` (``api_key``) matched on
    whole tokens of the name (``x-api-key``, ``apiKey``, ``APIKEY``), so
    ``tokenizer`` and ``secretary`` do not match; a name whose last token
    says it holds something else (``PASSWORD_FILE``, ``secret-name``,
    ``token_ttl``) is exempt."""
    if not isinstance(name, str) or not name:
        return None
    return _credential_name(name, tuple(patterns), frozenset(exempt_suffixes))


@lru_cache(maxsize=16384)
def _credential_name(name: str, patterns: tuple, exempt_suffixes: frozenset) -> Optional[str]:
    toks = name_tokens(name)
    if not toks or toks[-1] in exempt_suffixes:
        return None
    tokset = set(toks)
    joined = None
    for p, ptoks, squashed in _pattern_tokens(patterns):
        if not isinstance(ptoks, tuple):
            joined = joined or "_".join(toks)
            if ptoks.search(joined):
                return p
            continue
        n = len(ptoks)
        if n == 1:
            if ptoks[0] in tokset:
                return p
            continue
        if ptoks[0] in tokset and any(toks[i : i + n] == ptoks for i in range(len(toks) - n + 1)):
            return p
        if squashed in tokset:
            return p
    return None


_PLACEHOLDER = lazy(r"^(<[^>]*>|\*+|x+|\.\.\.|-|none|null|nil|redacted)$", re.I)


def literal_credential_value(value) -> bool:
    """A value that is plausibly the credential itself (not empty, not a
    number or boolean, not a path, not a template or placeholder)."""
    if not isinstance(value, str):
        return False
    v = value.strip()
    if not v or is_template(v) or v.startswith(("/", "file:", "vault:", "ref+", "arn:")):
        return False
    if v.lower() in ("true", "false", "yes", "no", "on", "off", "enabled", "disabled"):
        return False
    if re.fullmatch(r"[0-9.]+[a-z]{0,2}", v):  # numbers, durations like 30s, 5m
        return False
    if _PLACEHOLDER.match(v):
        return False
    return True
