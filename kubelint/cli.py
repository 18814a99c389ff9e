"""Command line: ``kubelint check``, ``kubelint rules``, ``kubelint explain``.

Exit status: 0 no finding at or above ``--fail-on``; 1 such findings;
2 usage error, unreadable input or internal error.
"""

from __future__ import annotations

import dataclasses
import os
import sys

import click

from . import __version__
from .findings import RANK
from .settings import FAIL_ON, NO_SCHEMA


def _die(message: str, debug: bool = False, masker=None) -> None:
    """``kubelint: error: MESSAGE`` (secrets of the run masked), exit status 2."""
    from .mask import one_line

    if debug:
        _print_traceback(masker)
    click.echo(f"kubelint: error: {one_line(_masked(message, masker))}", err=True)
    raise SystemExit(2)


def _print_traceback(masker=None) -> None:
    """--debug: the traceback, with every secret of the run masked."""
    import traceback

    click.echo(_masked(traceback.format_exc(), masker), err=True, nl=False)


def _internal_error(exc: BaseException, debug: bool, masker=None) -> None:
    """An unexpected exception: one line (or the traceback with --debug), exit status 2."""
    from .mask import one_line

    if debug:
        _print_traceback(masker)
    click.echo(
        f"kubelint: internal error: {type(exc).__name__}: {one_line(_masked(str(exc), masker))} "
        "(run with --debug for details)",
        err=True,
    )
    raise SystemExit(2)


def _masked(text: str, masker) -> str:
    if masker is None:
        return text
    try:
        return masker.text(text)
    except Exception:  # pragma: no cover - never lose output to the safety net
        return text


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


_INTERRUPTED = []  # set by the SIGINT handler (_on_sigint)


def _on_sigint(signum, frame):
    _INTERRUPTED.append(signum)
    raise KeyboardInterrupt


class _Group(click.Group):
    """Usage errors exit 2 with one line (click's default), internal errors too."""

    def main(self, *args, **kwargs):
        kwargs.setdefault("standalone_mode", True)
        import signal
        import threading

        if threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGINT, _on_sigint)
        try:
            return super().main(*args, **kwargs)
        except SystemExit as exc:
            if exc.code == 1 and _INTERRUPTED:
                # click's standalone mode turns Ctrl-C into "Aborted!" and exit 1,
                # the "findings" status: a script must be able to tell them apart.
                raise SystemExit(130) from None
            raise
        except KeyboardInterrupt:  # pragma: no cover - interactive
            click.echo("kubelint: interrupted", err=True)
            raise SystemExit(130)
        except Exception as exc:  # pragma: no cover - safety net (check has its own, with the run's secrets)
            _internal_error(exc, "--debug" in sys.argv)


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
    help="Worker processes, 1 = serial (default: auto, from the input's size and the free cores).",
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
    from .mask import Masker

    fix_flags = {k: flags.pop(k, False) for k in ("fix", "unsafe_fixes", "fix_diff", "fix_check")}
    masker = Masker()  # learns the run's secrets: every error line and traceback is masked with it
    try:
        settings = _settings(paths, config_path, debug, flags)
        fixing = _fix(paths, settings, **fix_flags)
        result = _run(paths, settings, masker, fixing.stdin if fixing is not None else None)
        if fixing is None:  # mark the findings that have a verified fix (kubelint.fix)
            from .fix.fixers import FIXERS

            if any(f.rule in FIXERS for f in result.findings):  # the fix stage is loaded when it has work
                from .fix.files import annotate

                annotate(result, settings, unsafe=fix_flags["unsafe_fixes"])
        if settings.write_baseline:
            _write_baseline(result, settings, masker)
        if settings.baseline:
            result.findings = _known_findings(settings, masker).filter(result.findings)
        _report(result, settings, masker, fixing)
        raise SystemExit(_exit_status(result, settings))
    except SystemExit:
        raise
    except Exception as exc:
        _internal_error(exc, debug, masker)


def _settings(paths, config_path, debug, flags):
    """The run's settings: flags over the configuration file over defaults (kubelint.settings)."""
    from . import cache
    from . import settings as settings_mod

    # The rule catalogue may be needed while the configuration is read: until the run's
    # settings say where the cache is, it is only read, from where the flags (or the default) put it.
    cache.configure(settings_mod.cache_location(None, flags["no_cache"], flags["cache_dir"]), read_only=True)
    config = _load_config(config_path, debug)
    if not paths:
        _die("no input: give files or directories to check, or - for stdin (e.g. `kubelint check k8s/`)")
    if sys.stdout is None and not flags.get("output") and not flags.get("write_baseline"):
        _die("standard output is closed: nowhere to write the report (give --output FILE)")
    limits = {
        field: flags.pop(flag)
        for field, flag in (
            ("max_file_bytes", "max_file_size"),
            ("max_documents", "max_documents"),
            ("max_depth", "max_depth"),
            ("max_aliases", "max_aliases"),
            ("max_nodes", "max_nodes"),
        )
    }
    no_color, no_progress = flags.pop("no_color"), flags.pop("no_progress")
    try:
        settings = settings_mod.build(
            config,
            debug=debug,
            color=False if no_color else None,
            progress=False if no_progress else None,
            limits={k: v for k, v in limits.items() if v is not None},
            **flags,
        )
    except settings_mod.SettingsError as exc:
        _die(str(exc))
    cache.configure(settings.cache_dir)
    return settings


def _fix(paths, settings, fix, unsafe_fixes, fix_diff, fix_check):
    """--fix / --diff / --check (kubelint/fix/command.py): edit the files (the
    check that follows reports what is left), or show the fixes and exit."""
    if not (fix or fix_diff or fix_check):
        return None
    from .fix.command import FixRun

    fixing = FixRun(paths, settings, unsafe=unsafe_fixes, diff=fix_diff, check=fix_check)
    fixing.execute()
    if fixing.done:
        raise SystemExit(fixing.exit_code)
    return fixing


def _run(paths, settings, masker, stdin=None):
    """The pipeline, with a progress indicator on a terminal."""
    from .runner import run

    progress = None
    if settings.progress:
        from .progress import Progress

        progress = Progress(sys.stderr)
    try:
        return run(paths, settings, stdin, progress=progress, masker=masker)
    except Exception as exc:
        _die(f"internal error: {type(exc).__name__}: {exc} (run with --debug for details)", settings.debug, masker)
    finally:
        if progress is not None:
            progress.close()


def _write_baseline(result, settings, masker) -> None:
    """--write-baseline: record the findings and exit (0, or 2 if some input could not be read)."""
    from . import baseline

    path = settings.write_baseline
    try:
        n = baseline.write(path, result.findings)
    except OSError as exc:
        _die(f"cannot write baseline {path}: {exc.strerror or exc}", masker=masker)
    click.echo(f"kubelint: recorded {n} finding{'s' if n != 1 else ''} in {path}", err=True)
    raise SystemExit(2 if result.fatal else 0)


def _known_findings(settings, masker):
    """--baseline: the recorded findings."""
    from . import baseline

    try:
        return baseline.load(settings.baseline)
    except baseline.BaselineError as exc:
        _die(str(exc), masker=masker)


def _report(result, settings, masker, fixing=None) -> None:
    """The --format report on stdout, or in --output with the text report on stdout.

    Reports need no final pass: findings are masked in the runner and
    excerpts by SourceLines (kubelint.mask)."""
    from . import report

    terminal = report.RenderOptions(
        color=settings.color, quiet=settings.quiet, excerpts=not settings.quiet, show_skipped=settings.show_skipped
    )
    if settings.output:
        from .atomic import write_text

        try:
            write_text(settings.output, report.get(settings.format).render(result, report.RenderOptions()))
        except OSError as exc:
            _die(f"cannot write {settings.output}: {exc.strerror or exc}", masker=masker)
        out = report.get("text").render(result, terminal)
    else:  # colour is for the text report only
        options = terminal if settings.format == "text" else dataclasses.replace(terminal, color=False)
        out = report.get(settings.format).render(result, options)
    if fixing is not None and fixing.uses_stdin:  # stdin: the fixed text on stdout, the report on stderr
        click.echo(fixing.stdin_text or "", nl=False)
        if out:
            click.echo(out, nl=False, err=True)
    elif out:
        click.echo(out, nl=False)
    if fixing is not None:
        click.echo(fixing.summary(), err=True)


def _exit_status(result, settings) -> int:
    """2 if some input could not be read; 1 if a finding reaches --fail-on; else 0."""
    if result.fatal:
        return 2
    if settings.fail_on != "never" and result.max_rank() >= RANK[settings.fail_on]:
        return 1
    return 0


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


def _load_config(path, debug):
    from . import config as config_mod

    try:
        return config_mod.load(path, os.getcwd())
    except config_mod.ConfigError as exc:
        _die(str(exc), debug)


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
