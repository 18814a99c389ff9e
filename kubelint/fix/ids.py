"""The rule ids that have a fixer (kubelint.fix.fixers registers one per id), for a check that must know
whether a run has findings to mark with fixes without loading the fixers, the fix model and ruamel.yaml
(issue 18, "start fast"). tests/test_startup.py holds it equal to ``FIXERS``."""

RULES_WITH_FIXERS = frozenset(
    {
        "capabilities-not-dropped",
        "dangerous-capabilities",
        "host-namespaces",
        "invalid-schedule",
        "invalid-type",
        "invalid-value",
        "privilege-escalation",
        "privileged-container",
        "pss-allow-privilege-escalation",
        "pss-capabilities-baseline",
        "pss-capabilities-restricted",
        "pss-host-namespaces",
        "pss-privileged",
        "pss-run-as-non-root",
        "pss-seccomp-baseline",
        "pss-seccomp-restricted",
        "removed-api",
        "run-as-root",
        "seccomp-profile-missing",
        "seccomp-unconfined",
        "service-account-token-automount",
        "unknown-field",
        "unsupported-value",
        "writable-root-filesystem",
    }
)
