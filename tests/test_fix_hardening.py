"""The unsafe hardening / Pod Security fixes: the cases they leave alone,
and the paths the fixtures do not take (tests/fixes/ has one fixture each)."""

from kubelint.fix.stage import FixStage
from kubelint.settings import Settings

POD = """apiVersion: v1
kind: Pod
metadata:
  name: tool
{annotations}spec:
{pod}  containers:
  - name: tool
    image: busybox:1.36
    securityContext:
{container}"""


def _fix(text, profile):
    r = FixStage(Settings(profiles=(profile,))).fix_text("x.yaml", text, unsafe=True)
    return r, {f.rule for f in r.applied}


def _pod(annotations="", pod="", container="      allowPrivilegeEscalation: false\n"):
    return POD.format(annotations=annotations, pod=pod, container=container)


def test_unsafe_fixes_are_opt_in():
    text = _pod(pod="  securityContext:\n    seccompProfile:\n      type: Unconfined\n")
    r = FixStage(Settings()).fix_text("x.yaml", text, unsafe=False)
    assert r.text == text and not r.applied


def test_container_seccomp_unconfined_set_in_place():
    text = _pod(container="      seccompProfile:\n        type: Unconfined\n")
    r, rules = _fix(text, "recommended")
    assert "seccomp-unconfined" in rules
    assert r.text == text.replace("type: Unconfined", "type: RuntimeDefault")


def test_legacy_seccomp_annotation_not_edited():
    ann = '  annotations:\n    seccomp.security.alpha.kubernetes.io/pod: "unconfined"\n'
    text = _pod(annotations=ann)
    r, rules = _fix(text, "recommended")
    assert "seccomp-unconfined" not in rules
    assert "unconfined" in r.text


def test_run_as_non_root_false_on_the_container():
    text = _pod(container="      allowPrivilegeEscalation: false\n      runAsNonRoot: false\n")
    r, rules = _fix(text, "pss-restricted")
    assert "pss-run-as-non-root" in rules
    assert "runAsNonRoot: true" in r.text and "runAsNonRoot: false" not in r.text


def test_explicit_root_uid_not_fixed():
    text = _pod(container="      allowPrivilegeEscalation: false\n      runAsUser: 0\n")
    r, rules = _fix(text, "pss-restricted")
    assert "pss-run-as-user" not in rules
    assert "runAsUser: 0" in r.text


def test_non_list_drop_not_fixed():
    text = _pod(container="      capabilities:\n        drop: ALL\n")
    r, rules = _fix(text, "all")
    assert "capabilities-not-dropped" not in rules and "pss-capabilities-restricted" not in rules
    assert "drop: ALL\n" in r.text


def test_pss_restricted_fixes_leave_nothing_of_their_kind():
    text = _pod(container="      readOnlyRootFilesystem: true\n")
    r, rules = _fix(text, "pss-restricted")
    assert {"pss-allow-privilege-escalation", "pss-capabilities-restricted", "pss-run-as-non-root",
            "pss-seccomp-restricted"} <= rules
    left = FixStage(Settings(profiles=("pss-restricted",))).analyse("x.yaml", r.text)
    assert not [i for i in left.items if i.finding.rule in rules]
