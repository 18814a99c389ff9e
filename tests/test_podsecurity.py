"""Pod Security Standards (kubelint/podsecurity.py, kubelint/checks/pss.py) and
rule sets (profiles).

The conformance cases under tests/conformance/podsecurity/ were applied to a
real kube-apiserver v1.37.2 (scripts/oracle_compare.py); those with a
`# server-says:` label carry the server's exact text, which kubelint must
print too.
"""

import io
import pathlib
import re

import pytest
from click.testing import CliRunner

from kubelint import podsecurity as psa
from kubelint.cli import main
from kubelint.config import ConfigError, parse
from kubelint.engine import PROFILES, catalogue, profile_rules
from kubelint.runner import run
from kubelint.settings import Settings

CASES = sorted((pathlib.Path(__file__).parent / "conformance" / "podsecurity").glob("*.yaml"))


def lint(text, **options):
    return run(["-"], Settings(jobs=1, **options), stdin=io.BytesIO(text.encode())).findings


def _label(path, name):
    m = re.search(rf"^#\s*{name}:\s*(.*?)\s*$", path.read_text(), re.M)
    return m.group(1) if m else None


@pytest.mark.parametrize("path", [p for p in CASES if _label(p, "server-says")], ids=lambda p: p.name)
def test_server_text(path):
    """kubelint quotes what the API server says (error or warning) word for word."""
    says = _label(path, "server-says").removeprefix("Warning: ")
    findings = run([str(path)], Settings(jobs=1)).findings
    wanted = "error" if _label(path, "verdict") == "reject" else "warning"
    assert any(says in f.message and f.severity == wanted for f in findings), [
        (f.rule, f.message) for f in findings if f.rule.startswith("pod-security")
    ]


def test_workload_without_warning_and_audit():
    d = {p.name: run([str(p)], Settings(jobs=1)).findings for p in CASES}
    [f] = [f for f in d["enforce-baseline-deployment-warn-privileged.yaml"] if f.rule.startswith("pod-security")]
    assert f.rule == "pod-security-enforce-workload" and f.severity == "warning"
    assert "admits this Deployment without a warning (warn level privileged:latest)" in f.message
    assert "rejects every Pod created from its template" in f.message
    [f] = [f for f in d["audit-baseline-pod.yaml"] if f.rule.startswith("pod-security")]
    assert f.rule == "pod-security-audit" and f.severity == "info"
    assert 'would violate PodSecurity "baseline:latest": host namespaces (hostPID=true)' in f.message


NS = """apiVersion: v1
kind: Namespace
metadata:
  name: shop
  labels:
    pod-security.kubernetes.io/enforce: restricted
---
"""
POD = """apiVersion: v1
kind: Pod
metadata:
  name: app
  namespace: shop
spec:
  volumes:
    - name: logs
      hostPath:
        path: /var/log
  containers:
    - name: app
      image: example/app:1.0
      readinessProbe:
        tcpSocket:
          host: 10.0.0.1
          port: 80
"""


def _ids(findings, prefix="pss-"):
    return sorted({f.rule for f in findings if f.rule.startswith(prefix)})


def test_profiles_select_rules():
    assert _ids(lint(POD)) == []  # recommended has no pss-* rule
    base = _ids(lint(POD, profiles=("pss-baseline",)))
    assert base == ["pss-host-path-volumes", "pss-host-probes-lifecycle"]
    restricted = _ids(lint(POD, profiles=("pss-restricted",)))
    # restrictedVolumes replaces hostPathVolumes (registry.go overrides): one finding, not two
    assert restricted == [
        "pss-allow-privilege-escalation",
        "pss-capabilities-restricted",
        "pss-host-probes-lifecycle",
        "pss-restricted-volumes",
        "pss-run-as-non-root",
        "pss-seccomp-restricted",
    ]
    assert "no-liveness-probe" not in {f.rule for f in lint(POD, profiles=("pss-restricted",))}
    everything = {f.rule for f in lint(POD, profiles=("all",))}
    assert {"no-liveness-probe", "pss-restricted-volumes"} <= everything and "pss-host-path-volumes" not in everything


def test_policy_version_follows_kubernetes_version():
    assert "pss-host-probes-lifecycle" not in _ids(lint(POD, profiles=("pss-baseline",), kubernetes_version="1.33"))
    sysctl = POD.replace(
        "  volumes:",
        "  securityContext:\n    sysctls:\n      - name: net.ipv4.tcp_wmem\n"
        '        value: "4096 16384 4194304"\n  volumes:',
    )
    assert "pss-sysctls" in _ids(lint(sysctl, profiles=("pss-baseline",), kubernetes_version="1.31"))
    assert "pss-sysctls" not in _ids(lint(sysctl, profiles=("pss-baseline",), kubernetes_version="1.32"))


def test_errors_are_on_whatever_the_profile():
    for profiles in ((), ("pss-baseline",), ("recommended",)):
        rules = {f.rule for f in lint(NS + POD, profiles=profiles) if f.severity == "error"}
        assert rules == {"pod-security-enforce"}, profiles
    msg = [f.message for f in lint(NS + POD) if f.rule == "pod-security-enforce"][0]
    # the server's text for this manifest (kube-apiserver v1.37.2): restricted volume types replaces hostPath
    # volumes and comes in the restricted group, after the baseline checks
    assert msg.startswith(
        'pods "app" is forbidden: violates PodSecurity "restricted:latest": probe or lifecycle host '
        '(container "app" uses probe or lifecycle host "10.0.0.1"), allowPrivilegeEscalation != false '
        '(container "app" must set securityContext.allowPrivilegeEscalation=false), unrestricted '
        'capabilities (container "app" must set securityContext.capabilities.drop=["ALL"]), restricted '
        'volume types (volume "logs" uses restricted volume type "hostPath"), runAsNonRoot != true'
    )
    older = [f.message for f in lint(NS + POD, kubernetes_version="1.30") if f.rule == "pod-security-enforce"][0]
    assert "probe or lifecycle host" not in older  # latest = the server's version


def test_registry_per_version():
    ids = lambda level, v: [c.id for c in psa.checks_for(level, v)]  # noqa: E731
    assert len(ids("baseline", (1, 37))) == 12 and len(ids("restricted", (1, 37))) == 15
    assert "hostProbesAndHostLifecycle" not in ids("baseline", (1, 33))
    assert "procMount" in ids("restricted", (1, 34)) and "procMount_restricted" not in ids("restricted", (1, 34))
    assert "procMount" not in ids("restricted", (1, 35)) and "procMount_restricted" in ids("restricted", (1, 35))
    assert "runAsUser" not in ids("restricted", (1, 22)) and "capabilities_baseline" in ids("restricted", (1, 21))
    assert ids("privileged", (1, 37)) == []
    assert "net.ipv4.tcp_notsent_lowat" in psa.allowed_sysctls((1, 37))
    assert "net.ipv4.tcp_notsent_lowat" not in psa.allowed_sysctls((1, 36))


def test_policy_labels():
    p = psa.policy_to_evaluate(
        {"pod-security.kubernetes.io/enforce": "baseline", "pod-security.kubernetes.io/enforce-version": "v1.30"}
    )
    assert (
        str(p.enforce) == "baseline:v1.30" and str(p.warn) == "baseline:v1.30" and str(p.audit) == "privileged:latest"
    )
    p = psa.policy_to_evaluate(
        {"pod-security.kubernetes.io/enforce": "baseline", "pod-security.kubernetes.io/warn": "bad"}
    )
    assert (
        str(p.warn) == "privileged:latest" and p.errors[0].message == "must be one of privileged, baseline, restricted"
    )
    assert psa.parse_version("v1.05")[1] == 'must be "latest" or "v1.x"' and psa.parse_version("v1.0") == ((1, 0), None)


def test_profile_in_configuration_and_enable_by_id():
    cfg = parse("profile: pss-baseline\nenable: [bare-pod]\n")
    assert cfg.profiles == ("pss-baseline",)
    rules = {f.rule for f in lint(POD, config=cfg)}
    assert {"pss-host-path-volumes", "bare-pod"} <= rules and "no-liveness-probe" not in rules
    assert parse("profile: [recommended, pss-restricted]\n").profiles == ("recommended", "pss-restricted")
    with pytest.raises(
        ConfigError, match=r'\.kubelint\.yaml:1: unknown profile "pss-basline" \(did you mean "pss-baseline"\?\)'
    ):
        parse("profile: pss-basline\n")


def test_profile_option(tmp_path):
    f = tmp_path / "pod.yaml"
    f.write_text(POD)
    r = CliRunner().invoke(main, ["check", "-q", "--profile", "pss-baseline", "--jobs", "1", str(f)])
    assert "[pss-host-path-volumes]" in r.output and "[no-liveness-probe]" not in r.output
    r = CliRunner().invoke(main, ["check", "--profile", "strict", str(f)])
    assert r.exit_code == 2 and 'unknown profile "strict"' in r.output


def test_catalogue_profiles():
    cat = catalogue()
    pss = {rid for rid in cat if rid.startswith("pss-")}
    assert len(pss) == len(psa.CONTROLS) == 19
    assert profile_rules(["pss-baseline"]) - pss == {
        "pod-security-enforce-workload",
        "pod-security-warn",
        "pod-security-audit",
        "pod-security-enforce",
        "pod-security-label-invalid",
    }
    assert profile_rules(["all"]) == {rid for rid, e in cat.items() if e.source == "rules"}
    assert set(PROFILES) == {"recommended", "pss-baseline", "pss-restricted", "all"}


def test_rules_and_explain_show_profiles():
    import json

    rules = {r["id"]: r for r in json.loads(CliRunner().invoke(main, ["rules", "-f", "json"]).output)}
    assert rules["pss-run-as-user"]["profiles"] == ["pss-restricted"] and rules["no-liveness-probe"]["profiles"] == []
    out = CliRunner().invoke(main, ["explain", "writable-root-filesystem"]).output
    assert "Profiles: none (opt-in: enable it by id or use --profile all)" in out


def test_namespace_from_context(tmp_path):
    """A Namespace passed with --context (not reported on) still sets the policy of its Pods."""
    ns, pod = tmp_path / "namespace.yaml", tmp_path / "pod.yaml"
    ns.write_text(NS.rstrip("-\n") + "\n")
    pod.write_text(POD)
    alone = run([str(pod)], Settings(jobs=1)).findings
    assert not [f for f in alone if f.rule.startswith("pod-security")]
    with_context = run([str(pod)], Settings(jobs=1, context_paths=(str(ns),))).findings
    assert [f.rule for f in with_context if f.severity == "error"] == ["pod-security-enforce"]
    assert all(f.file == str(pod) for f in with_context)


def test_the_plugins_own_fixtures():
    """Every golden fixture of k8s.io/pod-security-admission v0.37.2 (test/testdata/{level}/{version}/
    {pass,fail}/*.yaml, vendored with its licence in tests/data/pod-security-admission): 4,537 verdicts over
    38 policy versions.  Each pass fixture passes, each fail fixture fails its own check (or the restricted
    check that replaces it)."""
    import gzip
    import json

    data = json.loads(
        gzip.decompress(
            (pathlib.Path(__file__).parent / "data" / "pod-security-admission" / "fixtures.json.gz").read_bytes()
        )
    )
    by_lower = {c.id.lower(): c for c in psa.CONTROLS}
    wrong = []
    for level, ver, verdict, name, key in data["cases"]:
        pod = data["pods"][key]
        version = tuple(int(x) for x in ver[1:].split("."))
        results = psa.evaluate(level, version, psa.Pod(pod.get("metadata"), ("metadata",), pod.get("spec"), ("spec",)))
        got = {r.check for r in results}
        if verdict == "pass":
            ok = not results
        else:
            control = by_lower[re.sub(r"\d+$", "", name)]
            replaced = psa.overridden_at(control, version) if level == "restricted" else None
            ok = control.id in got or (replaced is not None and replaced.id in got)
        if not ok:
            wrong.append((level, ver, verdict, name, sorted(got)))
    assert len(data["cases"]) == 4537 and not wrong, wrong[:20]


CLUSTER = pathlib.Path(__file__).parent / "data" / "pod-security-admission" / "cluster"


def test_cluster_admission_configuration():
    """--pod-security-config: the cluster's defaults apply to namespaces without labels (in the set or not),
    exempt namespaces and runtime classes are not evaluated.  The verdicts and texts below are those of
    kube-apiserver v1.37.2 started with --admission-control-config-file=cluster/admission.yaml (scripts/
    apiserver-oracle.sh with APISERVER_EXTRA_ARGS; RuntimeClass kata created, namespace team-a created)."""
    from kubelint.podsecurity import load_admission_config

    config = load_admission_config(str(CLUSTER / "admission.yaml"))
    findings = [
        f
        for f in run([str(CLUSTER / "manifests.yaml")], Settings(jobs=1, pod_security=config)).findings
        if f.rule.startswith("pod-security")
    ]
    by_name = {f.object.name: f for f in findings}
    assert sorted(by_name) == ["hostpid", "plain"]  # kube-system/hostpid and the kata Pod: exempt, server silent
    assert by_name["plain"].rule == "pod-security-warn" and (
        '"would violate PodSecurity "restricted:latest": allowPrivilegeEscalation != false (container "app" must set '
        "securityContext.allowPrivilegeEscalation=false), unrestricted capabilities" in by_name["plain"].message
    )
    assert by_name["hostpid"].rule == "pod-security-enforce" and by_name["hostpid"].message.startswith(
        'pods "hostpid" is forbidden: violates PodSecurity "baseline:latest": host namespaces (hostPID=true) '
        "(the cluster's PodSecurity configuration ("
    )
    [f] = [
        f
        for f in run([str(CLUSTER / "exempt-namespace.yaml")], Settings(jobs=1, pod_security=config)).findings
        if f.rule.startswith("pod-security")
    ]
    assert f.rule == "pod-security-warn" and (
        '"namespace "kube-system" is exempt from Pod Security, and the policy '
        '(enforce=restricted:latest, warn=restricted:latest) will be ignored"' in f.message
    )
    # without the configuration: the plugin's default, privileged everywhere
    assert not [
        f
        for f in run([str(CLUSTER / "manifests.yaml")], Settings(jobs=1)).findings
        if f.rule.startswith("pod-security")
    ]


def test_admission_configuration_files(tmp_path):
    from kubelint.podsecurity import load_admission_config
    from kubelint.settings import SettingsError, build

    inner = tmp_path / "psa.yaml"
    inner.write_text(
        "apiVersion: pod-security.admission.config.k8s.io/v1\nkind: PodSecurityConfiguration\n"
        "defaults: {enforce: restricted, warn-version: v1.30}\n"
    )
    outer = tmp_path / "admission.yaml"
    outer.write_text(
        "apiVersion: apiserver.config.k8s.io/v1\nkind: AdmissionConfiguration\n"
        "plugins:\n  - name: PodSecurity\n    path: psa.yaml\n"
    )
    policy = load_admission_config(str(outer)).default_policy()
    assert (str(policy.enforce), str(policy.warn), str(policy.audit)) == (
        "restricted:latest",
        "privileged:v1.30",
        "privileged:latest",
    )
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "apiVersion: pod-security.admission.config.k8s.io/v1\nkind: PodSecurityConfiguration\n"
        "defaults: {enforce: strict}\nexemptions: {namespaces: [Kube_System]}\n"
    )
    with pytest.raises(
        SettingsError,
        match=r'defaults.enforce: Invalid value: "strict": must be one of privileged, '
        r"baseline, restricted; exemptions.namespaces\[0\]: Invalid value",
    ):
        build(pod_security_config=str(bad))
    cfg = parse(f"pod-security-config: {outer.name}\n", str(tmp_path / ".kubelint.yaml"))
    assert build(cfg).pod_security.source == str(inner)
    r = CliRunner().invoke(main, ["check", "--pod-security-config", str(bad), str(inner)])
    assert r.exit_code == 2 and "invalid PodSecurity configuration" in r.output


def test_the_shop_done_right_meets_the_restricted_standard():
    from conftest import ROOT

    for profile in ("pss-baseline", "pss-restricted"):
        assert run([str(ROOT / "examples" / "app")], Settings(jobs=1, profiles=(profile,))).findings == [], profile
