"""Credentials in the other places a literal can sit (command lines,
annotations), Secrets handed over through environment variables, and
ingress-nginx snippet annotations (configuration injection)."""

from __future__ import annotations

from ..engine import check, check_all
from ..findings import Problem
from ..kinds import WORKLOAD_KINDS, get_path
from ._common import as_list, cname, containers, credential_name, literal_credential_value
from .credentials import _key_params, names_secret_object, not_a_credential, value_credential

_WHY = (
    "it is stored in the object for everyone who may read it, shows in `ps` on the node and in "
    "`kubectl describe`, and ends up in git"
)


def _flag_credential(arg: str, nxt, patterns, exempt):
    """(flag, inline) when ``arg`` is ``--password=VALUE`` (inline) or a
    ``--password`` followed by a literal value (``nxt``)."""
    if not arg.startswith("-") or arg.startswith("---"):
        return None
    flag, eq, value = arg.lstrip("-").partition("=")
    if not flag or not credential_name(flag, patterns, exempt):
        return None
    if not eq:
        value = nxt if isinstance(nxt, str) and not nxt.startswith("-") else None
    if not isinstance(value, str) or not literal_credential_value(value):
        return None
    v = value.strip()
    if v.startswith("$") or names_secret_object(flag, v) or not_a_credential(v):
        return None
    return flag, bool(eq)


@check("secret-in-args")
def secret_in_args(obj, ctx):
    if obj.kind not in WORKLOAD_KINDS:
        return  # (the catalogue entry's kinds)
    patterns, exempt = _key_params(ctx.params)
    for c, path, _ in containers(obj, init=True, ephemeral=True):
        for field in ("command", "args"):
            items = c.get(field)
            if not isinstance(items, list):
                continue
            for i, arg in enumerate(items):
                if not isinstance(arg, str):
                    continue
                what = value_credential(arg)
                if what:
                    yield Problem(
                        path + (field, i),
                        f'container "{cname(c)}" has {what} in its {field} (value not shown): {_WHY}; put it '
                        "in a Secret and pass it as an environment variable (valueFrom.secretKeyRef, then "
                        "$(VAR) in args) or a mounted file",
                    )
                    continue
                nxt = items[i + 1] if i + 1 < len(items) else None
                hit = _flag_credential(arg, nxt, patterns, exempt)
                if hit:
                    at = i if hit[1] else i + 1
                    yield Problem(
                        path + (field, at),
                        f'container "{cname(c)}" passes --{hit[0]} a literal value in its {field} (not shown): '
                        f"{_WHY}; put it in a Secret, expose it as an environment variable with "
                        "valueFrom.secretKeyRef and write --" + hit[0] + "=$(VAR), or read it from a file",
                    )


_SKIP_ANNOTATIONS = ("kubectl.kubernetes.io/last-applied-configuration",)


def _annotation_sets(obj):
    """(path, annotations) of the object and of its pod template."""
    ann = obj.metadata.get("annotations")
    if isinstance(ann, dict):
        yield ("metadata", "annotations"), ann
    from ..kinds import pod_spec_path

    spec_path = pod_spec_path(obj.group, obj.kind)
    if spec_path and obj.kind != "Pod":
        tpath = spec_path[:-1] + ("metadata", "annotations")
        t = get_path(obj.data, tpath)
        if isinstance(t, dict):
            yield tpath, t


@check_all("secret-in-annotation")
def secret_in_annotation(index, ctx):
    """Cross-object only because it looks at every object (catalogue kinds document, not select)."""
    for obj in index.targets:
        for p in _secret_in_annotation(obj, ctx):
            yield obj, p


def _secret_in_annotation(obj, ctx):
    if obj.kind == "Secret" and obj.group == "":
        return  # a Secret's own annotations are as protected as its data
    patterns, exempt = _key_params(ctx.params)
    for base, ann in _annotation_sets(obj):
        for key, value in ann.items():
            if not isinstance(value, str) or not isinstance(key, str) or key in _SKIP_ANNOTATIONS:
                continue
            what = value_credential(value)
            if not what:
                name = key.rsplit("/", 1)[-1]
                if (
                    "\n" in value.strip()
                    or not credential_name(name, patterns, exempt)
                    or not literal_credential_value(value)
                    or not_a_credential(value)
                    or names_secret_object(name, value.strip())
                ):
                    continue
                what = "a credential"
            yield Problem(
                base + (key,),
                f'annotation "{key}" holds {what} (value not shown): annotations are readable by anyone who '
                "may get the object, are copied by tools and controllers into events and logs, and end up in "
                "git; move it to a Secret and let the consumer read it from there",
            )


@check("secret-env-var")
def secret_env_var(obj, ctx):
    if obj.kind not in WORKLOAD_KINDS:
        return  # (the catalogue entry's kinds)
    for c, path, _ in containers(obj, init=True):
        for i, e in enumerate(as_list(c.get("env"))):
            ref = get_path(e, ("valueFrom", "secretKeyRef")) if isinstance(e, dict) else None
            if isinstance(ref, dict):
                yield Problem(
                    path + ("env", i, "valueFrom", "secretKeyRef"),
                    f'container "{cname(c)}" reads Secret "{ref.get("name")}" into environment variable '
                    f"{e.get('name')}: environment variables leak into crash dumps, debug pages, child "
                    "processes and `kubectl describe`-style tooling, and never change without a restart; "
                    "mount the Secret as a volume and read the file, if the program can",
                    at="key",
                )
        for i, ef in enumerate(as_list(c.get("envFrom"))):
            ref = ef.get("secretRef") if isinstance(ef, dict) else None
            if isinstance(ref, dict):
                yield Problem(
                    path + ("envFrom", i, "secretRef"),
                    f'container "{cname(c)}" loads every key of Secret "{ref.get("name")}" into its '
                    "environment: environment variables leak into crash dumps, debug pages and child "
                    "processes; mount the Secret as a volume and read the files, if the program can",
                    at="key",
                )


# ingress-nginx annotations that splice raw NGINX configuration into the
# controller's nginx.conf (CVE-2021-25742, CVE-2023-5043, CVE-2025-1974
# family): whoever may edit an Ingress can read the controller's token and
# every Secret it sees.
_SNIPPETS = (
    "configuration-snippet",
    "server-snippet",
    "location-snippet",
    "auth-snippet",
    "stream-snippet",
    "modsecurity-snippet",
)
_PREFIXES = ("nginx.ingress.kubernetes.io/", "nginx.org/")


@check("ingress-nginx-snippet")
def ingress_nginx_snippet(obj, ctx):
    if obj.kind not in ("Ingress", "ConfigMap"):
        return  # (the catalogue entry's kinds)
    if obj.kind == "ConfigMap":
        data = obj.data.get("data")
        if obj.group != "" or not isinstance(data, dict):
            return
        v = data.get("allow-snippet-annotations")
        if isinstance(v, str) and v.strip().lower() == "true":
            yield Problem(
                ("data", "allow-snippet-annotations"),
                'allow-snippet-annotations: "true" lets anyone who may create an Ingress inject raw NGINX '
                "configuration into the shared controller (CVE-2021-25742): they can read the controller's "
                'ServiceAccount token and every Secret it can see; set it to "false" (the default since '
                "controller 1.9) and use dedicated annotations instead",
            )
        return
    ann = obj.metadata.get("annotations")
    if not isinstance(ann, dict):
        return
    for key in ann:
        if isinstance(key, str) and key.startswith(_PREFIXES) and key.split("/", 1)[1] in _SNIPPETS:
            yield Problem(
                ("metadata", "annotations", key),
                f"annotation {key} injects raw NGINX configuration into the shared ingress controller: with "
                "snippets allowed, anyone who may edit an Ingress can read the controller's token and every "
                "Secret it sees (CVE-2021-25742 and its successors), and controllers since 1.9 ignore it unless "
                "an administrator allows snippets; use the dedicated annotations or a configuration of the "
                "controller itself",
                at="key",
            )
