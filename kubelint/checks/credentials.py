"""Credentials and addresses that do not belong in plain configuration."""

from __future__ import annotations

import re
from functools import lru_cache

from ..lazyre import lazy
from ..engine import check
from ..findings import Problem
from ._common import as_list, cname, containers, credential_name, is_template, literal_credential_value  # noqa: F401

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only (strings): a run does not import typing (tests/test_startup.py)
    from typing import Dict

# Values that are credentials whatever their key is called: (what, regex,
# substring that must occur, or a tuple of substrings one of which must: a
# cheap prefilter, so each must occur in every match of the regex).  Formats from the vendors'
# documentation of their token prefixes; only formats with a distinctive
# prefix or structure (bare hex or base64 strings are left to the key names).
_VALUE_PATTERNS = (
    ("a private key", lazy(r"-{4,5} ?BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)? ?-{4,5}"), "PRIVATE KEY"),
    ("a PuTTY private key", lazy(r"PuTTY-User-Key-File-\d+: [\s\S]*Private-Lines: "), "PuTTY-User-Key-File"),
    ("an age secret key", lazy(r"\bAGE-SECRET-KEY-1[0-9A-Z]{58}\b"), "AGE-SECRET-KEY-"),
    ("an AWS access key id", lazy(r"\b(?:AKIA|ASIA)(?!IOSFODNN7EXAMPLE)[0-9A-Z]{16}\b"), ("AKIA", "ASIA")),
    ("a JSON Web Token", lazy(r"\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}"), "eyJ"),
    (
        "a GitHub token",
        lazy(r"\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{60,})\b"),
        ("ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"),
    ),
    (
        "a GitLab token",
        lazy(r"\bgl(?:pat|dt|rt|ptt|ft|soat|cbt|imt)-[0-9A-Za-z_-]{20,}"),
        ("glpat-", "gldt-", "glrt-", "glptt-", "glft-", "glsoat-", "glcbt-", "glimt-"),
    ),
    ("a Slack token", lazy(r"\bxox[abposre]-[A-Za-z0-9-]{10,}"), "xox"),
    (
        "a Slack webhook URL",
        lazy(r"hooks\.slack\.com/(?:services|workflows)/T[A-Z0-9]+/[A-Z0-9]+/[A-Za-z0-9]{16,}"),
        "hooks.slack.com",
    ),
    ("a Google API key", lazy(r"\bAIza[0-9A-Za-z_-]{35}\b"), "AIza"),
    ("a Stripe secret key", lazy(r"\b(?:sk|rk)_live_[0-9A-Za-z]{20,}\b"), "_live_"),
    ("an npm token", lazy(r"\bnpm_[A-Za-z0-9]{36}\b"), "npm_"),
    ("a PyPI token", lazy(r"\bpypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{40,}"), "pypi-"),
    ("a HashiCorp Vault token", lazy(r"\bhv[sb]\.[A-Za-z0-9_-]{24,}"), ("hvs.", "hvb.")),
    ("a Terraform Cloud token", lazy(r"\b[A-Za-z0-9]{14}\.atlasv1\.[A-Za-z0-9_=-]{60,}"), ".atlasv1."),
    ("a SendGrid API key", lazy(r"\bSG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}\b"), "SG."),
    ("a Twilio API key", lazy(r"\bSK[0-9a-f]{32}\b"), "SK"),
    ("a New Relic key", lazy(r"\bNR(?:AK|II|JS|RA)-[A-Za-z0-9]{27,}\b"), ("NRAK-", "NRII-", "NRJS-", "NRRA-")),
    (
        "a LaunchDarkly key",
        lazy(r"\b(?:sdk|api|mob)-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b"),
        ("sdk-", "api-", "mob-"),
    ),
    ("a Shopify token", lazy(r"\bshp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}\b"), "shp"),
    ("a DigitalOcean token", lazy(r"\bdo[opr]_v1_[a-f0-9]{64}\b"), "_v1_"),
    ("an OpenAI API key", lazy(r"\bsk-[A-Za-z0-9_-]{8,}T3BlbkFJ[A-Za-z0-9_-]{8,}"), "T3BlbkFJ"),
    ("an Anthropic API key", lazy(r"\bsk-ant-[a-z]{3,5}\d{2}-[A-Za-z0-9_-]{60,}"), "sk-ant-"),
    ("a Hugging Face token", lazy(r"\bhf_[A-Za-z]{34}\b"), "hf_"),
    ("an Azure storage account key", lazy(r"AccountKey=[A-Za-z0-9+/]{80,}={0,2}"), "AccountKey="),
    ("a Bitbucket app password", lazy(r"\bATBB[A-Za-z0-9_=.-]{28,}"), "ATBB"),
    ("an Atlassian API token", lazy(r"\bATATT3[A-Za-z0-9_=-]{150,}"), "ATATT3"),
    ("a Databricks token", lazy(r"\bdapi[a-f0-9]{32}\b"), "dapi"),
    ("a Docker Hub token", lazy(r"\bdckr_pat_[A-Za-z0-9_-]{27,}"), "dckr_pat_"),
    (
        "a Grafana token",
        lazy(r"\b(?:glsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8}|glc_[A-Za-z0-9+/]{32,}={0,2})"),
        ("glsa_", "glc_"),
    ),
    ("a Sentry token", lazy(r"\bsntr[ysu]_[A-Za-z0-9+/=_-]{40,}"), "sntr"),
    ("a Pulumi token", lazy(r"\bpul-[a-f0-9]{40}\b"), "pul-"),
)
# scheme://user:password@host
_URI_PASSWORD = lazy(r"\b([a-zA-Z][a-zA-Z0-9+.-]{1,20})://([^\s/:@'\"]*):([^\s@/'\"]+)@[^\s/@'\"]")
# key = value / key: value lines inside embedded configuration files.
_EMBEDDED = lazy(r"^\s*[\"']?([A-Za-z][A-Za-z0-9_.\-]*)[\"']?\s*(?:=|:)\s*[\"']?([^\"'#\s][^\"'#]*?)[\"']?\s*,?\s*$")


def _uri_password(value: str):
    for m in _URI_PASSWORD.finditer(value):
        pw = m.group(3)
        if is_template(pw) or not literal_credential_value(pw) or pw.startswith("$"):
            continue
        return m.group(1)
    return None


# Every prefilter substring in one regex: most values are short and hold none of them, and one search of a
# short value costs less than the loop's 35 tests (on a long value the loop's substring tests are faster).
_ANY_NEEDLE = lazy(
    "|".join(
        re.escape(n)
        for _what, _rx, needle in _VALUE_PATTERNS
        for n in ((needle,) if isinstance(needle, str) else needle)
    )
)


def value_credential(value: str):
    """What kind of credential ``value`` contains, or None."""
    if len(value) >= 256 or _ANY_NEEDLE.search(value):
        for what, rx, needle in _VALUE_PATTERNS:
            if (needle in value if needle.__class__ is str else any(n in value for n in needle)) and rx.search(value):
                return what
    scheme = _uri_password(value) if "://" in value and "@" in value else None
    if scheme:
        return f"a {scheme}:// URI with an embedded password"
    return None


_DNS_NAME = lazy(r"^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")
_NS_SLASH_NAME = lazy(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?/[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")  # namespace/name
_NAMES_AN_OBJECT = {"credentials", "credential", "password", "token", "existing", "tls", "basic", "auth", "keys"}
# nsswitch.conf: "passwd: files systemd" names lookup sources, not a password.
_NSSWITCH = lazy(r"^(files|compat|sss|ldap|nis|nisplus|systemd|db|dns|hesiod|winbind|altfiles|extrausers)(\s|$)")


def names_secret_object(name: str, value: str) -> bool:
    """``credentialsSecret: jaeger-creds``: the key names the Secret that
    holds the credential (its value is an object name), not the credential."""
    from ._common import name_tokens

    toks = name_tokens(name)
    return (
        len(toks) > 1
        and toks[-1] in ("secret", "secrets")
        and any(t in _NAMES_AN_OBJECT for t in toks[:-1])
        and bool(_DNS_NAME.match(value.strip()) or _NS_SLASH_NAME.match(value.strip()))
    )


# Values that are not the credential but say where or how to get it, or what
# kind it is: a command that prints it (``*_SECRET_KEY_CMD: cat /run/...``),
# the name of a cluster-bootstrap token Secret, a list or mapping literal
# (``secret: [status, secret]``), code (``token = request.headers.get(...)``).
_COMMAND = lazy(
    r"^(?:cat|echo|printf|base64|gpg|sops|vault|aws|gcloud|az|op|pass|bw|kubectl|openssl|head|tail|"
    r"sh|bash|python3?|node|curl|wget|jq|yq|envsubst|awk|sed|tr|xargs|exec)\s"
)
_BOOTSTRAP_SECRET = lazy(r"^bootstrap-token-[a-z0-9]{6}$")
_CODE = lazy(
    r"""^(?:[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)+|[A-Za-z_$][\w.$]*\s*[(\[].*[)\]]\W*|new\s.*|"""
    r"""(?:this|self|os|process|request|req|ctx|context|config|env|settings|params|args|kwargs)\b.*|"""
    r""".*\s(?:==|!=|&&|\|\||=>|->)\s.*)$"""
)


# Option lists that configure a credential (etcd --auth-token: "jwt,priv-key=/path/key.pem,sign-method=RS256").
_OPTION_LIST = lazy(r"^[\w.-]+(?:,[\w.-]+=[^,\s]*)+$")


def not_a_credential(value: str) -> bool:
    """A value that names, fetches or describes a credential (not the credential)."""
    v = value.strip()
    return bool(
        v.startswith(("[", "{"))
        or _COMMAND.match(v)
        or _BOOTSTRAP_SECRET.match(v)
        or _CODE.match(v)
        or (_OPTION_LIST.match(v) and "/" in v)
    )


def credential_entry(name, value, patterns, exempt) -> bool:
    """A key/env name that looks like a credential with a literal credential value."""
    if not credential_name(name, patterns, exempt) or not literal_credential_value(value):
        return False
    v = value.strip()
    if names_secret_object(name, v) or _NSSWITCH.match(v) or not_a_credential(v):
        return False
    if name.upper().startswith("AIRFLOW__") and name.upper().endswith(("_CMD", "_SECRET")):
        return False  # Airflow: _CMD runs a command, _SECRET names a secrets-backend entry
    if name.upper().replace("-", "_").endswith("INITIAL_CLUSTER_TOKEN"):
        return False  # etcd's initial-cluster-token names the cluster (documented as not a secret)
    return True


def _mentions_pattern(value: str, patterns) -> bool:
    """Cheap prefilter: some pattern's first word occurs in the text at all."""
    low = value.lower()
    return any(p.lower().split("_")[0] in low for p in patterns)


_KEY_PARAMS: Dict[tuple, tuple] = {}


def _key_params(params):
    """(key patterns, lower-cased exempt suffixes), built once per distinct parameter values (the
    credential checks ask for them for every object)."""
    key = (tuple(params["key_patterns"]), tuple(params["exempt_suffixes"]))
    hit = _KEY_PARAMS.get(key)
    if hit is None:
        hit = _KEY_PARAMS[key] = (key[0], frozenset(s.lower() for s in key[1]))
    return hit


@check("configmap-credentials")
def configmap_credentials(obj, ctx):
    if obj.group != "":
        return
    data = obj.data.get("data")
    if not isinstance(data, dict):
        return
    patterns, exempt = _key_params(ctx.params)
    fix = "move it to a Secret and mount it or reference it with secretKeyRef / envFrom.secretRef"
    why = (
        "ConfigMaps are not confidential: anyone who may read ConfigMaps in the namespace sees it, "
        "it is printed by kubectl describe and stored unencrypted"
    )
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
                if credential_entry(inner, m.group(2), patterns, exempt) and not m.group(2).strip().startswith(
                    ("$", "%", "@", "ENC[")
                ):
                    yield Problem(
                        ("data", key),
                        f'key "{key}" sets "{m.group(1)}" on its line {n} to a literal credential '
                        f"(value not shown): {why}; {fix} (most programs can read it from an environment "
                        "variable or a file)",
                    )
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
            yield Problem(
                path + ("env", i, "value"),
                f'container "{cname(c)}" sets {name} to a literal value (not shown): it is stored in the '
                f"{obj.kind} for everyone who can read it and ends up in git; put it in a Secret and use "
                f"valueFrom.secretKeyRef",
            )


@lru_cache(maxsize=64)
def _networks(cidrs):
    import ipaddress  # imported by the runs that have an address in a value

    return tuple(ipaddress.ip_network(c, strict=False) for c in cidrs)


_IPV4 = lazy(r"(?<![\d.-])((?:25[0-5]|2[0-4]\d|1?\d?\d)(?:\.(?:25[0-5]|2[0-4]\d|1?\d?\d)){3})(?![\d/-]|\.\d)")


@lru_cache(maxsize=64)
def _first_octets(cidrs) -> tuple:
    """``("10.", "100.")``: text every address of the networks starts with (an address in an IPv4 network
    of prefix 8 or longer has the network's first octet, and Python reads no leading zero), or () when
    some network does not say (an IPv6 or shorter prefix, an odd value): a prefilter read without
    ipaddress."""
    out = []
    for cidr in cidrs:
        addr, _, bits = str(cidr).partition("/")
        parts = addr.split(".")
        if (
            len(parts) != 4
            or not all(p.isdigit() and p.isascii() and int(p) <= 255 for p in parts)
            or not (bits == "" or bits.isdigit() and bits.isascii() and 8 <= int(bits) <= 32)
        ):
            return ()
        out.append(f"{int(parts[0])}.")
    return tuple(out)


def pod_ip_in(value, params):
    if not isinstance(value, str) or "." not in value:
        return None
    firsts = _first_octets(tuple(params["cidrs"]))
    if firsts and not any(f in value for f in firsts):
        return None  # no address of the pod networks can be in it
    nets = None  # parsed (and ipaddress imported) for the first value that holds an address
    for m in _IPV4.finditer(value):
        import ipaddress

        if nets is None:
            nets = _networks(tuple(params["cidrs"]))
        try:
            ip = ipaddress.ip_address(m.group(1))
        except ValueError:  # leading zeros ("05.244.1.17"): not an address Python (or Go) reads; fuzz crash
            continue
        for net in nets:
            if ip in net and ip != net.network_address and ip != net.broadcast_address:
                return m.group(1), net
    return None


_IP_WHY = (
    "Pods get a new IP every time they are recreated (rollout, eviction, node failure), so the address "
    "soon points at nothing or at another Pod; use the Service DNS name (SERVICE.NAMESPACE.svc)"
)


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
                yield Problem(
                    ("data", key), f'key "{key}" holds {hit[0]}, an address of the pod network {hit[1]}: {_IP_WHY}'
                )
        return
    for c, path, _ in containers(obj, init=True):
        for i, e in enumerate(as_list(c.get("env"))):
            if not isinstance(e, dict):
                continue
            hit = pod_ip_in(e.get("value"), ctx.params)
            if hit:
                yield Problem(
                    path + ("env", i, "value"),
                    f'container "{cname(c)}" env {e.get("name")} holds {hit[0]}, an address of the pod network '
                    f"{hit[1]}: {_IP_WHY}",
                )
