"""The API server's warnings on accepted objects (rule ``apiserver-warning``).

kubectl prints each as ``Warning: <text>`` on ``apply --dry-run=server``; the
object is stored anyway.  Ported from the warning producers the registry
strategies call in ``WarningsOnCreate``:

* ``warningsForPodSpecAndMeta`` (pkg/api/pod/warnings.go), reached through
  ``GetWarningsForPod`` and ``GetWarningsForPodTemplate`` for every kind with a
  pod template: deprecated node labels in nodeSelector, node affinity and
  topologySpreadConstraints (``GetNodeLabelDeprecatedMessage`` and
  ``GetWarningsForNodeSelectorTerm``, pkg/api/node/util.go), null label
  selectors, deprecated seccomp/AppArmor annotations, deprecated volume
  plugins, duplicate hostAliases IPs and imagePullSecrets, fractional byte
  quantities, env entries that hide an earlier one, duplicate or overlapping
  container ports;
* the DNS-label advice on the names of workloads whose name becomes a pod name
  prefix (``dns.GetWarningsForNameDNSLabel``-style "a DNS label is recommended").

The text is the server's own, so a finding reads exactly as kubectl's warning;
each was confirmed on a v1.37.2 API server (tests/conformance/warnings).
"""

from __future__ import annotations

from fractions import Fraction
from math import ceil

from ..findings import WARNING, Problem
from ..quantity import QuantityError, parse_quantity
from . import validation as v
from .common import dict_at, is_int, list_at
from .registry import validates

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only (strings): a run does not import typing (tests/test_startup.py)
    from typing import List, Optional

APISERVER_WARNING = "apiserver-warning"

# GetNodeLabelDeprecatedMessage (pkg/api/node/util.go)
DEPRECATED_NODE_LABELS = {
    "beta.kubernetes.io/arch": 'deprecated since v1.14; use "kubernetes.io/arch" instead',
    "beta.kubernetes.io/os": 'deprecated since v1.14; use "kubernetes.io/os" instead',
    "failure-domain.beta.kubernetes.io/region": 'deprecated since v1.17; use "topology.kubernetes.io/region" instead',
    "failure-domain.beta.kubernetes.io/zone": 'deprecated since v1.17; use "topology.kubernetes.io/zone" instead',
    "beta.kubernetes.io/instance-type": 'deprecated since v1.17; use "node.kubernetes.io/instance-type" instead',
}

SECCOMP_POD_ANNOTATION = "seccomp.security.alpha.kubernetes.io/pod"
SECCOMP_CONTAINER_PREFIX = "container.seccomp.security.alpha.kubernetes.io/"
APPARMOR_PREFIX = "container.apparmor.security.beta.kubernetes.io/"

# the volume plugins warningsForPodSpecAndMeta names, with the server's words (v1.37)
DEPRECATED_VOLUMES = (  # (YAML field, the server's field name, text), measured on v1.37.2
    ("photonPersistentDisk", "photonPersistentDisk", "deprecated in v1.11, non-functional in v1.16+"),
    ("gitRepo", "gitRepo", "deprecated in v1.11, and disabled by default in v1.33+"),
    ("scaleIO", "scaleIO", "deprecated in v1.16, non-functional in v1.22+"),
    ("flocker", "flocker", "deprecated in v1.22, non-functional in v1.25+"),
    ("storageos", "storageOS", "deprecated in v1.22, non-functional in v1.25+"),
    ("quobyte", "quobyte", "deprecated in v1.22, non-functional in v1.25+"),
    ("glusterfs", "glusterfs", "deprecated in v1.25, non-functional in v1.26+"),
    ("cephfs", "cephfs", "deprecated in v1.28, non-functional in v1.31+"),
    ("rbd", "rbd", "deprecated in v1.28, non-functional in v1.31+"),
)

# kinds whose name prefixes pod names: the strategies warn when it is no DNS label
# (measured on v1.37.2: DaemonSet and StatefulSet give none; a Pod's name is its hostname)
POD_NAME_PREFIX_KINDS = {
    ("apps", "Deployment"): "Pod names and hostnames",
    ("apps", "ReplicaSet"): "Pod names and hostnames",
    ("batch", "Job"): "Pod names and hostnames",
    ("batch", "CronJob"): "Pod names and hostnames",
    ("", "ReplicationController"): "Pod names and hostnames",
    ("", "Pod"): "the Pod's hostname",
}


def _fmt(path) -> str:
    """field.Path's String(): ``a.b[0].c[key]`` (map keys in brackets, unquoted)."""
    out = []
    for elem in path:
        if isinstance(elem, int):
            out.append(f"[{elem}]")
        elif isinstance(elem, tuple):  # ("key", k): a map key
            out.append(f"[{elem[1]}]")
        else:
            out.append(("." if out else "") + elem)
    return "".join(out)


class _Out:
    def __init__(self):
        self.problems: List[Problem] = []

    def add(self, path, text: str, at: str = "value", where=None):
        """``where``: the YAML path to point at, when it differs from the server's."""
        loc = tuple(e[1] if isinstance(e, tuple) else e for e in (where if where is not None else path))
        self.problems.append(Problem(loc, f"{_fmt(path)}: {text}", APISERVER_WARNING, WARNING, at))


def _node_selector_term(term: dict, path, out: _Out):
    """GetWarningsForNodeSelectorTerm."""
    for i, e in enumerate(list_at(term.get("matchExpressions"))):
        key = dict_at(e).get("key")
        if isinstance(key, str) and key in DEPRECATED_NODE_LABELS:
            out.add(path + ("matchExpressions", i, "key"), f"{key} is {DEPRECATED_NODE_LABELS[key]}")


def _affinity_terms(terms, path, out: _Out, weighted: bool):
    """warningsForPodAffinityTerms / warningsForWeightedPodAffinityTerms."""
    for i, t in enumerate(list_at(terms)):
        t = dict_at(t)
        tp = path + (i,)
        if weighted:
            t, tp = dict_at(t.get("podAffinityTerm")), tp + ("podAffinityTerm",)
            if not t:
                continue
        if t.get("labelSelector") is None:
            out.add(
                tp + ("labelSelector",),
                "a null labelSelector results in matching no pod",
                at="key",
                where=tp if tp else None,
            )


def _byte_quantity(value) -> Optional[str]:
    """The quantity text when it has a fractional byte (MilliValue() % 1000 != 0)."""
    try:
        q = parse_quantity(value)
    except (QuantityError, ValueError, TypeError, OverflowError):
        return None
    milli = ceil(Fraction(q) * 1000)
    if milli % 1000 == 0:
        return None
    return value if isinstance(value, str) else str(value)


def _port_struct(p: dict) -> str:
    """fmt's %+v of a core.ContainerPort."""
    hp = p.get("hostPort") if is_int(p.get("hostPort")) else 0
    return (
        f"{{Name:{p.get('name') or ''} HostPort:{hp} ContainerPort:{p.get('containerPort')} "
        f"Protocol:{p.get('protocol') or 'TCP'} HostIP:{p.get('hostIP') or ''}}}"
    )


def _host(p: dict):
    """(hostIP, hostPort) with the zero values for unset fields."""
    return p.get("hostIP") or "", p.get("hostPort") if is_int(p.get("hostPort")) else 0


def pod_spec_warnings(spec: dict, meta: dict, prefix, out: _Out) -> None:
    """warningsForPodSpecAndMeta(fieldPath=prefix, podSpec, meta)."""
    sp = prefix + ("spec",)
    _scheduling_warnings(spec, sp, out)
    _annotation_warnings(meta, prefix, out)
    _volume_warnings(spec, sp, out)
    containers = [
        (lst, i, dict_at(c))
        for lst in ("initContainers", "containers", "ephemeralContainers")
        for i, c in enumerate(list_at(spec.get(lst)))
    ]
    _container_warnings(containers, sp, out)
    _port_warnings(containers, sp, out)
    _pod_affinity_warnings(dict_at(spec.get("affinity")), sp, out)


def _scheduling_warnings(spec: dict, sp, out: _Out) -> None:
    """Deprecated node labels in nodeSelector, node affinity and topology spread; null spread selectors."""
    for k in dict_at(spec.get("nodeSelector")):
        if k in DEPRECATED_NODE_LABELS:
            out.add(sp + ("nodeSelector", ("key", k)), DEPRECATED_NODE_LABELS[k], at="key")
    affinity = dict_at(spec.get("affinity"))
    na = dict_at(affinity.get("nodeAffinity"))
    req = dict_at(na.get("requiredDuringSchedulingIgnoredDuringExecution"))
    tp = sp + ("affinity", "nodeAffinity", "requiredDuringSchedulingIgnoredDuringExecution", "nodeSelectorTerms")
    for i, term in enumerate(list_at(req.get("nodeSelectorTerms"))):
        _node_selector_term(dict_at(term), tp + (i,), out)
    pp = sp + ("affinity", "nodeAffinity", "preferredDuringSchedulingIgnoredDuringExecution")
    for i, term in enumerate(list_at(na.get("preferredDuringSchedulingIgnoredDuringExecution"))):
        _node_selector_term(dict_at(dict_at(term).get("preference")), pp + (i, "preference"), out)
    for i, t in enumerate(list_at(spec.get("topologySpreadConstraints"))):
        t = dict_at(t)
        cp = sp + ("topologySpreadConstraints", i)
        key = t.get("topologyKey")
        if isinstance(key, str) and key in DEPRECATED_NODE_LABELS:
            out.add(cp + ("topologyKey",), f"{key} is {DEPRECATED_NODE_LABELS[key]}")
        if t.get("labelSelector") is None:
            out.add(cp + ("labelSelector",), "a null labelSelector results in matching no pod", where=cp, at="value")


def _annotation_warnings(meta: dict, prefix, out: _Out) -> None:
    """The seccomp and AppArmor annotations the fields replaced."""
    ann = dict_at(meta.get("annotations"))
    ap = prefix + ("metadata", "annotations")
    for k in ann:
        if not isinstance(k, str):
            continue
        if k == SECCOMP_POD_ANNOTATION or k.startswith(SECCOMP_CONTAINER_PREFIX):
            out.add(ap + (("key", k),), 'non-functional in v1.27+; use the "seccompProfile" field instead', at="key")
        elif k.startswith(APPARMOR_PREFIX):
            out.add(ap + (("key", k),), 'deprecated since v1.30; use the "appArmorProfile" field instead', at="key")


def _volume_warnings(spec: dict, sp, out: _Out) -> None:
    """Deprecated volume types, empty imagePullSecrets names, a fractional memory overhead."""
    for i, vol in enumerate(list_at(spec.get("volumes"))):
        vol = dict_at(vol)
        for field, server_name, text in DEPRECATED_VOLUMES:
            if vol.get(field) is not None:
                out.add(sp + ("volumes", i, server_name), text, at="key", where=sp + ("volumes", i, field))
    # duplicate hostAliases IPs ('duplicate ip "..."') and imagePullSecrets ('duplicate name "..."'):
    # the schema stage's duplicate-list-key warning already points at them; not repeated here
    for i, s in enumerate(list_at(spec.get("imagePullSecrets"))):
        if dict_at(s).get("name", "") == "":
            out.add(
                sp + ("imagePullSecrets", i, "name"),
                'invalid empty name ""',
                where=sp + ("imagePullSecrets", i, "name") if "name" in dict_at(s) else sp + ("imagePullSecrets", i),
            )
    ov = dict_at(spec.get("overhead")).get("memory")
    if ov is not None and _byte_quantity(ov):
        out.add(
            sp + ("overhead", ("key", "memory")),
            f'fractional byte value "{_byte_quantity(ov)}" is invalid, must be an integer',
        )


def _container_warnings(containers, sp, out: _Out) -> None:
    """Fractional byte quantities in resources, env entries that hide an earlier one."""
    for lst, i, c in containers:
        cp = sp + (lst, i)
        res = dict_at(c.get("resources"))
        for kind in ("limits", "requests"):
            for r in ("memory", "ephemeral-storage"):
                val = dict_at(res.get(kind)).get(r)
                text = _byte_quantity(val) if val is not None else None
                if text:
                    out.add(
                        cp + ("resources", kind, ("key", r)),
                        f'fractional byte value "{text}" is invalid, must be an integer',
                    )
        names = set()
        for j, ev in enumerate(list_at(c.get("env"))):
            ev = dict_at(ev)
            name = ev.get("name")
            if not isinstance(name, str):
                continue
            if name in names:
                ref = f"$({name})"
                value = ev.get("value") if isinstance(ev.get("value"), str) else ""
                if ev.get("valueFrom") is not None or value == ref or ref not in value:
                    out.add(
                        cp + ("env", j),
                        f'hides previous definition of "{name}", which may be dropped when using apply',
                        where=cp + ("env", j, "name"),
                    )
            else:
                names.add(name)


def _port_warnings(containers, sp, out: _Out) -> None:
    """hostIP without hostPort, and duplicate, overlapping or ambiguous port definitions across containers."""
    ports = {}
    for lst, i, c in containers:
        cp = sp + (lst, i)
        for j, p in enumerate(list_at(c.get("ports"))):
            p = dict_at(p)
            pp = cp + ("ports", j)
            if (
                not is_int(p.get("containerPort"))
                or not isinstance(p.get("protocol", ""), str)
                or not isinstance(p.get("hostIP", ""), str)
            ):
                continue  # the schema stage reports the wrong type
            host_ip, host_port = _host(p)
            if host_ip and host_port == 0:
                out.add(pp, f"hostIP set without hostPort: {_port_struct(p)}", where=pp + ("hostIP",))
            k = (p.get("containerPort"), p.get("protocol") or "TCP")
            for other_path, other in ports.get(k, ()):
                o_ip, o_port = _host(other)
                where = pp + ("containerPort",) if "containerPort" in p else pp
                if host_ip == o_ip and host_port == o_port:
                    out.add(pp, f"duplicate port definition with {_fmt(other_path)}", where=where)
                elif host_port == 0 or o_port == 0:
                    out.add(pp, f"overlapping port definition with {_fmt(other_path)}", where=where)
                elif host_port == o_port and (host_ip == "") != (o_ip == ""):
                    out.add(pp, f"dangerously ambiguous port definition with {_fmt(other_path)}", where=where)
            ports.setdefault(k, []).append((pp, p))


def _pod_affinity_warnings(affinity: dict, sp, out: _Out) -> None:
    """Pod (anti-)affinity terms, required and preferred."""
    pa = dict_at(affinity.get("podAffinity"))
    paa = dict_at(affinity.get("podAntiAffinity"))
    for name, block in (("podAffinity", pa), ("podAntiAffinity", paa)):
        bp = sp + ("affinity", name)
        _affinity_terms(
            block.get("requiredDuringSchedulingIgnoredDuringExecution"),
            bp + ("requiredDuringSchedulingIgnoredDuringExecution",),
            out,
            False,
        )
        _affinity_terms(
            block.get("preferredDuringSchedulingIgnoredDuringExecution"),
            bp + ("preferredDuringSchedulingIgnoredDuringExecution",),
            out,
            True,
        )


_TEMPLATE_PREFIX = {
    ("", "Pod"): (),
    ("", "PodTemplate"): ("template",),
    ("", "ReplicationController"): ("spec", "template"),
    ("apps", "Deployment"): ("spec", "template"),
    ("apps", "ReplicaSet"): ("spec", "template"),
    ("apps", "DaemonSet"): ("spec", "template"),
    ("apps", "StatefulSet"): ("spec", "template"),
    ("batch", "Job"): ("spec", "template"),
    ("batch", "CronJob"): ("spec", "jobTemplate", "spec", "template"),
}


def _at(data, path):
    for k in path:
        data = dict_at(data).get(k)
    return dict_at(data)


@validates(*_TEMPLATE_PREFIX)
def apiserver_warnings(obj, ctx):
    """The warnings kubectl prints for this object (WarningsOnCreate)."""
    out = _Out()
    prefix = _TEMPLATE_PREFIX.get((obj.group, obj.kind))
    if prefix is None:
        return []
    tmpl = _at(obj.data, prefix)
    spec = dict_at(tmpl.get("spec"))
    if spec:
        pod_spec_warnings(spec, dict_at(tmpl.get("metadata")), prefix, out)
    if (obj.group, obj.kind) in POD_NAME_PREFIX_KINDS and isinstance(obj.name, str) and obj.name:
        # a valid DNS subdomain that is no DNS label: dots or more than 63 characters
        errs = [
            e
            for bad, e in (
                (len(obj.name) > 63, "must be no more than 63 characters"),
                ("." in obj.name, "must not contain dots"),
            )
            if bad
        ]
        if errs and not v.is_dns1123_subdomain(obj.name):
            used = POD_NAME_PREFIX_KINDS[(obj.group, obj.kind)]
            out.add(
                ("metadata", "name"),
                f"this is used in {used}, which can result in surprising behavior; "
                f"a DNS label is recommended: [{' '.join(errs)}]",
            )
    return out.problems
