"""Command line: ``kubelint check``, ``kubelint rules``, ``kubelint explain``.

Exit status: 0 no finding at or above ``--fail-on``; 1 such findings;
2 usage error, unreadable input or internal error.
"""

from __future__ import annotations

import click

from . import __version__, checkcmd
from .checkcmd import _die, _load_config, _report  # noqa: F401 (_report: tests call it through this module)
from .settings import FAIL_ON, NO_SCHEMA


class _Size(click.ParamType):
    name = "SIZE"

    def convert(self, value, param, ctx):
        if isinstance(value, int):
            return value
        from .loader import parse_size

        try:
            return parse_size(value)
        except ValueError as exc:
            self.fail(str(exc), param, ctx)


class _Group(click.Group):
    """Usage errors exit 2 with one line (click's default), internal errors too."""

    def main(self, *args, **kwargs):
        kwargs.setdefault("standalone_mode", True)
        return checkcmd.guarded(lambda: super(_Group, self).main(*args, **kwargs))


def _print_version(ctx, _param, value):
    """--version: the version, and which YAML loader path runs (the C extension or its Python fallback)."""
    if not value or ctx.resilient_parsing:
        return
    from .loader import ONE_PASS

    click.echo(f"kubelint {__version__}\nYAML loader: one-pass path in {ONE_PASS}")
    ctx.exit()


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_print_version,
    help="Show the version and exit.",
)
def main():
    """kubelint: validate Kubernetes manifests as the API server would, and
    flag what it would accept but you will regret."""


@main.command()
@click.argument(
    "paths", nargs=-1, type=click.Path(allow_dash=True, readable=False)
)  # unreadable: a finding, not a usage error
@click.option(
    "--kubernetes-version",
    "-k",
    "kubernetes_version",
    metavar="1.NN",
    help="Kubernetes minor version to validate against (default: newest bundled).",
)
@click.option(
    "--format", "-f", "format", default=None, help="Output format: text, json, sarif, junit or github (default: text)."
)
@click.option(
    "--output",
    "-o",
    "output",
    type=click.Path(dir_okay=False),
    default=None,
    help="Write the report in --format to FILE (atomically); the terminal still gets the text report.",
)
@click.option(
    "--fail-on",
    type=click.Choice(FAIL_ON),
    default=None,
    help="Lowest severity that makes the exit status 1 (default: warning).",
)
@click.option(
    "--namespace", "-n", "namespace", default=None, help="Namespace of objects that name none (default: default)."
)
@click.option(
    "--config",
    "-c",
    "config_path",
    type=click.Path(dir_okay=False),
    default=None,
    help="Configuration file (default: .kubelint.yaml or [tool.kubelint] in pyproject.toml, found walking up from "
    "the working directory).",
)
@click.option(
    "--context",
    "context_paths",
    multiple=True,
    type=click.Path(readable=False),
    help="Load PATH for cross-object rules without reporting on it (repeatable).",
)
@click.option(
    "--policy",
    "policy_paths",
    multiple=True,
    type=click.Path(readable=False),
    help="ValidatingAdmissionPolicies, bindings and params to evaluate the input against, not reported on "
    "(repeatable).",
)
@click.option(
    "--namespace-labels",
    "namespace_labels",
    multiple=True,
    metavar="NS=key=value,...",
    help="Labels of a namespace that is not in the input, for policies' namespaceSelector and namespaceObject "
    "(repeatable).",
)
@click.option(
    "--crd",
    "crd_paths",
    multiple=True,
    type=click.Path(readable=False),
    help="CustomResourceDefinitions to validate custom resources with, not reported on (repeatable).",
)
@click.option(
    "--schema-dir",
    "schema_dirs",
    multiple=True,
    type=click.Path(file_okay=False),
    help="JSON-schema catalogue for custom resources (repeatable).",
)
@click.option(
    "--baseline",
    "baseline",
    type=click.Path(dir_okay=False),
    default=None,
    help="Report only findings not recorded in this baseline file.",
)
@click.option(
    "--write-baseline",
    "write_baseline",
    type=click.Path(dir_okay=False),
    default=None,
    help="Record the current findings in FILE and exit 0.",
)
@click.option(
    "--jobs",
    "-j",
    default=None,
    metavar="N|auto",
    help="Cores to use, 1 = serial (default: auto, from the input's size and the free cores).",
)
@click.option("--no-progress", is_flag=True, help="Never show a progress indicator.")
@click.option("--quiet", "-q", is_flag=True, help="Only findings, no source excerpts; nothing at all when clean.")
@click.option("--no-color", is_flag=True, help="Never colour the output (NO_COLOR is honoured too).")
@click.option(
    "--no-schema",
    type=click.Choice(NO_SCHEMA),
    default=None,
    help="Severity of 'no schema for KIND' findings (default: info).",
)
@click.option(
    "--max-file-size",
    type=_Size(),
    default=None,
    metavar="SIZE",
    help="Largest input file read, e.g. 32MiB (default: 32MiB).",
)
@click.option(
    "--max-documents",
    type=click.IntRange(min=1),
    default=None,
    metavar="N",
    help="Most YAML documents read from one file (default: 10000).",
)
@click.option(
    "--max-depth",
    type=click.IntRange(min=1, max=100_000),
    default=None,
    metavar="N",
    help="Deepest nesting of mappings and sequences (default: 1000).",
)
@click.option(
    "--max-aliases",
    type=click.IntRange(min=0),
    default=None,
    metavar="N",
    help="Most nodes a document may produce by expanding YAML aliases (default: 1000000).",
)
@click.option(
    "--max-nodes",
    type=click.IntRange(min=1),
    default=None,
    metavar="N",
    help="Most nodes (mappings, sequences, scalars) in one document (default: 1000000).",
)
@click.option(
    "--pod-security-config",
    "pod_security_config",
    type=click.Path(dir_okay=False),
    default=None,
    help="The cluster's PodSecurity admission configuration (defaults and exemptions), as the API server reads it.",
)
@click.option(
    "--profile",
    "-p",
    "profiles",
    multiple=True,
    metavar="NAME",
    help="Rule set: recommended (default), pss-baseline, pss-restricted or all; repeatable or comma-separated.",
)
@click.option(
    "--helm", metavar="PATH", default=None, help="The helm executable that renders charts (default: helm on PATH)."
)
@click.option(
    "--kustomize",
    metavar="PATH",
    default=None,
    help="The kustomize (or kubectl) executable that builds kustomizations (default: kustomize, else kubectl).",
)
@click.option("--show-skipped", is_flag=True, help="List the files skipped because they are not Kubernetes manifests.")
@click.option(
    "--discover",
    is_flag=True,
    help="Treat named files as a directory walk does: skip what is not a manifest, check chart and kustomize "
    "files through their chart or kustomization (the pre-commit hook uses it).",
)
@click.option(
    "--no-cache",
    is_flag=True,
    help="Keep no results cache on disk (CRD checks, the rule catalogue; docs/configuration.md#the-cache).",
)
@click.option(
    "--cache-dir",
    type=click.Path(file_okay=False),
    default=None,
    help="The results cache's directory (default: $XDG_CACHE_HOME/kubelint, else ~/.cache/kubelint).",
)
@click.option("--debug", is_flag=True, help="Show tracebacks of internal errors (secrets masked).")
@click.option(
    "--fix", "fix", is_flag=True, help="Apply the safe fixes in place, then report what is left (docs/fixes.md)."
)
@click.option("--unsafe-fixes", is_flag=True, help="Also apply (or show) the fixes that change behaviour.")
@click.option(
    "--diff", "fix_diff", is_flag=True, help="Print the fixes as a unified diff; write nothing (exit 1 if any)."
)
@click.option(
    "--check", "fix_check", is_flag=True, help="List the files fixes would change; write nothing (exit 1 if any)."
)
def check(paths, config_path, debug, **flags):
    """Check manifests in PATHS (files, directories, or - for stdin)."""
    checkcmd.check(paths, config_path, debug, **flags)


def _fix_command(**kwargs):
    kwargs["fix"] = True
    return check.callback(**kwargs)


main.add_command(
    click.Command(
        "fix",
        params=[p for p in check.params if p.name != "fix"],
        callback=_fix_command,
        help="Apply the safe fixes to manifests in PATHS (files, directories, or - for stdin: the fixed text goes to "
        "stdout), then report what is left; `kubelint check --fix`. See docs/fixes.md.",
        context_settings={"help_option_names": ["-h", "--help"]},
    )
)


@main.command("rules")
@click.option("--format", "-f", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--all", "show_all", is_flag=True, help="Also list the ids of the loader, schema and API-server checks.")
@click.option("--test", "run_tests", is_flag=True, help="Run the examples of the custom rules of the configuration.")
@click.option(
    "--config",
    "-c",
    "config_path",
    type=click.Path(dir_okay=False),
    default=None,
    help="Configuration file (its custom-rules are listed and tested).",
)
def rules_cmd(fmt, show_all, run_tests, config_path):
    """List rules: id, default severity, summary (custom rules of the configuration included)."""
    import json as _json

    from .engine import catalogue
    from .fix.fixers import fix_status

    config = _load_config(config_path, False)  # registers custom-rules (kubelint/admission/custom.py)
    if run_tests:
        from .admission.examples import run_examples

        raise SystemExit(1 if run_examples(config, click.echo) else 0)
    entries = [e for e in catalogue().values() if show_all or e.source in ("rules", "custom")]
    entries.sort(key=lambda e: (e.source != "rules", e.family, e.id))
    if fmt == "json":
        click.echo(
            _json.dumps(
                [
                    {
                        "id": e.id,
                        "severity": e.severity,
                        "category": e.category,
                        "source": e.source,
                        "profiles": list(e.profiles) if e.source == "rules" else [],
                        "summary": e.summary,
                        "fix": (fix_status(e.id) or ("none",))[0],
                    }
                    for e in entries
                ],
                indent=2,
            )
        )
        return
    width = max((len(e.id) for e in entries), default=10)
    for e in entries:
        fx = fix_status(e.id)
        mark = {"safe": "fix", "unsafe": "unsafe"}[fx[0]] if fx else ""
        click.echo(f"{e.id:<{width}}  {e.severity:<7}  {mark:<6}  {e.summary}")


@main.command()
@click.argument("rule")
@click.option(
    "--config",
    "-c",
    "config_path",
    type=click.Path(dir_okay=False),
    default=None,
    help="Configuration file (for its custom rules).",
)
def explain(rule, config_path):
    """Print a rule's full catalogue entry with its examples."""
    from .engine import catalogue
    from .suggest import did_you_mean

    _load_config(config_path, False)  # registers custom-rules
    cat = catalogue()
    e = cat.get(rule)
    if e is None:
        _die(f"unknown rule {rule!r}{did_you_mean(rule, cat)}; `kubelint rules --all` lists them")
    lines = [f"{e.id} ({e.severity}{', ' + e.category if e.category else ''})", "", e.summary, ""]
    if e.rationale:
        lines += ["Why:", _indent(e.rationale), ""]
    if e.remediation:
        lines += ["Fix:", _indent(e.remediation), ""]
    from .fix.fixers import fix_status

    fx = fix_status(e.id)
    if fx is None:
        lines += ["Automatic fix: none (fix it by hand)", ""]
    elif fx[0] == "safe":
        lines += ["Automatic fix (safe, `kubelint fix`):", _indent(fx[1]), ""]
    else:
        lines += ["Automatic fix (unsafe: changes behaviour, `kubelint fix --unsafe-fixes`):", _indent(fx[1]), ""]
    if e.source in ("apiserver", "schema", "loader", "crd"):
        said = "kubectl's decoder" if e.source == "loader" else "the API server"
        lines += [
            f"Message: the words {said} uses where it has any (<field path>: <reason>: <detail>); kubelint's "
            "explanation follows as the hint, in parentheses (the `hint` field in JSON, SARIF and LSP).",
            "",
        ]
    if e.kinds:
        lines += [f"Applies to: {', '.join(e.kinds)}", ""]
    if e.source == "rules":
        sets = ", ".join(e.profiles) if e.profiles else "none (opt-in: enable it by id or use --profile all)"
        lines += [f"Profiles: {sets}" + (" (an error: on whatever the profile)" if e.severity == "error" else ""), ""]
    if e.params:
        lines += ["Parameters (set under rules.<id>.params in .kubelint.yaml):"]
        for k, v in e.params.items():
            lines.append(f"  {k}: {v!r}")
        lines.append("")
    for ex in e.examples:
        for label in ("bad", "good"):
            if label in ex:
                lines += [f"{label.capitalize()} example:", _indent(ex[label].rstrip("\n")), ""]
    click.echo("\n".join(lines).rstrip("\n"))


@main.command()
@click.option("--stdio", is_flag=True, help="Talk over stdin/stdout (the default and only transport).")
def lsp(stdio):
    """Run the language server (LSP over stdio) for editors: docs/editors.md."""
    from .lsp.server import serve

    serve()


def _indent(text: str) -> str:
    import textwrap

    return (
        "\n".join("    " + line if line else "" for line in textwrap.fill(text, 76).split("\n"))
        if "\n" not in text.strip()
        else "\n".join("    " + line for line in text.split("\n"))
    )


if __name__ == "__main__":  # pragma: no cover
    main()
