"""Credentials and addresses that do not belong in plain configuration."""
from __future__ import annotations

import ipaddress
import re
from functools import lru_cache

from ..engine import check
from ..findings import Problem
from ._common import as_list, cname, containers, credential_name, is_template, literal_credential_value  # noqa: F401

# Values that are credentials whatever their key is called.
_VALUE_PATTERNS = (  # (what, regex, substring that must occur: a cheap prefilter)
    ("a PEM private key", re.compile(r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----")),
    ("an AWS access key id", re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b")),
    ("a JSON Web Token", re.compile(r"\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}")),
    ("a GitHub token", re.compile(r"\bgh[pousr]_[A-Za-z0-9]{36,}\b")),
    ("a Slack token", re.compile(r"\bxox[abposr]-[A-Za-z0-9-]{10,}")),
    ("a Google API key", re.compile(r"\bAIza[0-9A-Za-z_-]{35}\b")),
)
_NEEDLES = ("PRIVATE KEY", "A", "eyJ", "_", "xox", "AIza")
# scheme://user:password@host
_URI_PASSWORD = re.compile(r"\b([a-zA-Z][a-zA-Z0-9+.-]{1,20})://([^\s/:@'\"]*):([^\s@/'\"]+)@[^\s/@'\"]")
# key = value / key: value lines inside embedded configuration files.
_EMBEDDED = re.compile(r"^\s*[\"']?([A-Za-z][A-Za-z0-9_.\-]*)[\"']?\s*(?:=|:)\s*[\"']?([^\"'#\s][^\"'#]*?)[\"']?\s*,?\s*$")


def _uri_password(value: str):
    for m in _URI_PASSWORD.finditer(value):
        pw = m.group(3)
        if is_template(pw) or not literal_credential_value(pw) or pw.startswith("$"):
            continue
        return m.group(1)
    return None


def value_credential(value: str):
    """What kind of credential ``value`` contains, or None."""
    for (what, rx), needle in zip(_VALUE_PATTERNS, _NEEDLES):
        if needle in value and rx.search(value):
            return what
    scheme = _uri_password(value) if "://" in value and "@" in value else None
    if scheme:
        return f"a {scheme}:// URI with an embedded password"
    return None


_DNS_NAME = re.compile(r"^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")
_NAMES_AN_OBJECT = {"credentials", "credential", "password", "token", "existing", "tls", "basic", "auth", "keys"}
# nsswitch.conf: "passwd: files systemd" names lookup sources, not a password.
_NSSWITCH = re.compile(r"^(files|compat|sss|ldap|nis|nisplus|systemd|db|dns|hesiod|winbind|altfiles|extrausers)(\s|$)")


def names_secret_object(name: str, value: str) -> bool:
    """``credentialsSecret: jaeger-creds``: the key names the Secret that
    holds the credential (its value is an object name), not the credential."""
    from ._common import name_tokens

    toks = name_tokens(name)
    return (len(toks) > 1 and toks[-1] in ("secret", "secrets") and any(t in _NAMES_AN_OBJECT for t in toks[:-1])
            and bool(_DNS_NAME.match(value.strip())))


def credential_entry(name, value, patterns, exempt) -> bool:
    """A key/env name that looks like a credential with a literal credential value."""
    if not credential_name(name, patterns, exempt) or not literal_credential_value(value):
        return False
    v = value.strip()
    if names_secret_object(name, v) or _NSSWITCH.match(v):
        return False
    return True


def _mentions_pattern(value: str, patterns) -> bool:
    """Cheap prefilter: some pattern's first word occurs in the text at all."""
    low = value.lower()
    return any(p.lower().split("_")[0] in low for p in patterns)


def _key_params(params):
    return tuple(params["key_patterns"]), frozenset(s.lower() for s in params["exempt_suffixes"])


@check("configmap-credentials")
def configmap_credentials(obj, ctx):
    if obj.group != "":
        return
    data = obj.data.get("data")
    if not isinstance(data, dict):
        return
    patterns, exempt = _key_params(ctx.params)
    fix = "move it to a Secret and mount it or reference it with secretKeyRef / envFrom.secretRef"
    why = ("ConfigMaps are not confidential: anyone who may read ConfigMaps in the namespace sees it, "
           "it is printed by kubectl describe and stored unencrypted")
    for key, value in data.items():
        if not isinstance(value, str):
            continue
        if "\n" not in value.strip() and credential_entry(key, value, patterns, exempt):
            yield Problem(("data", key), f'key "{key}" holds a credential (value not shown): {why}; {fix}')
            continue
        what = value_credential(value)
        if what:
            yield Problem(("data", key), f'key "{key}" contains {what} (value not shown): {why}; {fix}')
            continue
        if "\n" in value.strip() and _mentions_pattern(value, patterns):
            for n, line in enumerate(value.split("\n"), 1):
                m = _EMBEDDED.match(line)
                if not m:
                    continue
                inner = m.group(1).rsplit(".", 1)[-1]
                if credential_entry(inner, m.group(2), patterns, exempt) \
                        and not m.group(2).strip().startswith(("$", "%", "@", "ENC[")):
                    yield Problem(("data", key),
                                  f'key "{key}" sets "{m.group(1)}" on its line {n} to a literal credential '
                                  f"(value not shown): {why}; {fix} (most programs can read it from an environment "
                                  "variable or a file)")
                    break


@check("secret-in-env-literal")
def secret_in_env_literal(obj, ctx):
    patterns, exempt = _key_params(ctx.params)
    for c, path, _ in containers(obj, init=True, ephemeral=True):
        env = c.get("env")
        if not isinstance(env, list):
            continue
        for i, e in enumerate(env):
            if not isinstance(e, dict) or "value" not in e:
                continue
            name, value = e.get("name"), e.get("value")
            if not credential_entry(name, value, patterns, exempt):
                what = value_credential(value) if isinstance(value, str) else None
                if not what:
                    continue
            yield Problem(path + ("env", i, "value"),
                          f'container "{cname(c)}" sets {name} to a literal value (not shown): it is stored in the '
                          f"{obj.kind} for everyone who can read it and ends up in git; put it in a Secret and use "
                          f"valueFrom.secretKeyRef")


@lru_cache(maxsize=64)
def _networks(cidrs):
    return tuple(ipaddress.ip_network(c, strict=False) for c in cidrs)


_IPV4 = re.compile(r"(?<![\d.-])((?:25[0-5]|2[0-4]\d|1?\d?\d)(?:\.(?:25[0-5]|2[0-4]\d|1?\d?\d)){3})(?![\d/-]|\.\d)")


def pod_ip_in(value, params):
    if not isinstance(value, str) or "." not in value:
        return None
    nets = _networks(tuple(params["cidrs"]))
    for m in _IPV4.finditer(value):
        try:
            ip = ipaddress.ip_address(m.group(1))
        except ValueError:  # leading zeros ("05.244.1.17"): not an address Python (or Go) reads; fuzz crash
            continue
        for net in nets:
            if ip in net and ip != net.network_address and ip != net.broadcast_address:
                return m.group(1), net
    return None


_IP_WHY = ("Pods get a new IP every time they are recreated (rollout, eviction, node failure), so the address "
           "soon points at nothing or at another Pod; use the Service DNS name (SERVICE.NAMESPACE.svc)")


@check("hardcoded-pod-ip")
def hardcoded_pod_ip(obj, ctx):
    if obj.kind == "ConfigMap":
        if obj.group != "":
            return
        data = obj.data.get("data")
        if not isinstance(data, dict):
            return
        for key, value in data.items():
            hit = pod_ip_in(value, ctx.params)
            if hit:
                yield Problem(("data", key), f'key "{key}" holds {hit[0]}, an address of the pod network {hit[1]}: {_IP_WHY}')
        return
    for c, path, _ in containers(obj, init=True):
        for i, e in enumerate(as_list(c.get("env"))):
            if not isinstance(e, dict):
                continue
            hit = pod_ip_in(e.get("value"), ctx.params)
            if hit:
                yield Problem(path + ("env", i, "value"),
                              f'container "{cname(c)}" env {e.get("name")} holds {hit[0]}, an address of the pod network '
                              f"{hit[1]}: {_IP_WHY}")
