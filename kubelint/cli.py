"""Command line: ``kubelint check``, ``kubelint rules``, ``kubelint explain``.

Exit status: 0 no finding at or above ``--fail-on``; 1 such findings;
2 usage error, unreadable input or internal error.
"""
from __future__ import annotations

import os
import sys
import traceback

import click

from . import __version__
from .findings import RANK

FAIL_ON = ("error", "warning", "info", "never")


class _Exit(Exception):
    def __init__(self, code: int):
        self.code = code


def _die(message: str, debug: bool = False) -> None:
    from .mask import one_line, redact

    if debug:
        _print_traceback()
    click.echo(f"kubelint: error: {one_line(redact(message))}", err=True)
    raise SystemExit(2)


def _print_traceback() -> None:
    """--debug: the traceback, with every secret of the run masked."""
    from .mask import redact

    click.echo(redact(traceback.format_exc()), err=True, nl=False)


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
        try:
            return super().main(*args, **kwargs)
        except SystemExit:
            raise
        except KeyboardInterrupt:  # pragma: no cover - interactive
            click.echo("kubelint: interrupted", err=True)
            raise SystemExit(130)
        except Exception as exc:  # pragma: no cover - safety net
            from .mask import one_line, redact

            if "--debug" in sys.argv:
                _print_traceback()
            click.echo(f"kubelint: internal error: {type(exc).__name__}: {one_line(redact(str(exc)))} (run with --debug for details)", err=True)
            raise SystemExit(2)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="kubelint", message="%(prog)s %(version)s")
def main():
    """kubelint: validate Kubernetes manifests as the API server would, and
    flag what it would accept but you will regret."""


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(allow_dash=True))
@click.option("--kubernetes-version", "-k", metavar="1.NN", help="Kubernetes minor version to validate against (default: newest bundled).")
@click.option("--format", "-f", "fmt", default=None, help="Output format: text, json, sarif, junit or github (default: text).")
@click.option("--output", "-o", "output", type=click.Path(dir_okay=False), default=None,
              help="Write the report in --format to FILE (atomically); the terminal still gets the text report.")
@click.option("--fail-on", type=click.Choice(FAIL_ON), default=None, help="Lowest severity that makes the exit status 1 (default: warning).")
@click.option("--namespace", "-n", "namespace", default=None, help="Namespace of objects that name none (default: default).")
@click.option("--config", "-c", "config_path", type=click.Path(dir_okay=False), default=None,
              help="Configuration file (default: .kubelint.yaml or [tool.kubelint] in pyproject.toml, found walking up from the working directory).")
@click.option("--context", "context_paths", multiple=True, type=click.Path(), help="Load PATH for cross-object rules without reporting on it (repeatable).")
@click.option("--crd", "crd_paths", multiple=True, type=click.Path(), help="CustomResourceDefinitions to validate custom resources with, not reported on (repeatable).")
@click.option("--schema-dir", "schema_dirs", multiple=True, type=click.Path(file_okay=False), help="JSON-schema catalogue for custom resources (repeatable).")
@click.option("--baseline", "baseline", type=click.Path(dir_okay=False), default=None, help="Report only findings not recorded in this baseline file.")
@click.option("--write-baseline", "write_baseline", type=click.Path(dir_okay=False), default=None, help="Record the current findings in FILE and exit 0.")
@click.option("--jobs", "-j", type=int, default=None, help="Worker processes (default: all cores; 1 = serial).")
@click.option("--no-progress", is_flag=True, help="Never show a progress indicator.")
@click.option("--quiet", "-q", is_flag=True, help="Only findings, no source excerpts; nothing at all when clean.")
@click.option("--no-color", is_flag=True, help="Never colour the output (NO_COLOR is honoured too).")
@click.option("--no-schema", type=click.Choice(["info", "error", "off"]), default=None,
              help="Severity of 'no schema for KIND' findings (default: info).")
@click.option("--max-file-size", type=_Size(), default=None, metavar="SIZE",
              help="Largest input file read, e.g. 32MiB (default: 32MiB).")
@click.option("--max-documents", type=click.IntRange(min=1), default=None, metavar="N",
              help="Most YAML documents read from one file (default: 10000).")
@click.option("--max-depth", type=click.IntRange(min=1, max=100_000), default=None, metavar="N",
              help="Deepest nesting of mappings and sequences (default: 1000).")
@click.option("--max-aliases", type=click.IntRange(min=0), default=None, metavar="N",
              help="Most nodes a document may produce by expanding YAML aliases (default: 1000000).")
@click.option("--max-nodes", type=click.IntRange(min=1), default=None, metavar="N",
              help="Most nodes (mappings, sequences, scalars) in one document (default: 1000000).")
@click.option("--debug", is_flag=True, help="Show tracebacks of internal errors (secrets masked).")
@click.option("--fix", "fix", is_flag=True, help="Apply the safe fixes in place, then report what is left (docs/fixes.md).")
@click.option("--unsafe-fixes", is_flag=True, help="Also apply (or show) the fixes that change behaviour.")
@click.option("--diff", "fix_diff", is_flag=True, help="Print the fixes as a unified diff; write nothing (exit 1 if any).")
@click.option("--check", "fix_check", is_flag=True, help="List the files fixes would change; write nothing (exit 1 if any).")
def check(paths, kubernetes_version, fmt, output, fail_on, namespace, config_path, context_paths, crd_paths, schema_dirs,
          baseline, write_baseline, jobs, no_progress, quiet, no_color, no_schema, max_file_size, max_documents,
          max_depth, max_aliases, max_nodes, debug, fix=False, unsafe_fixes=False, fix_diff=False, fix_check=False):
    """Check manifests in PATHS (files, directories, or - for stdin)."""
    from . import report, schema
    from .runner import Options, run

    config = _load_config(config_path, debug)
    if not paths:
        _die("no input: give files or directories to check, or - for stdin (e.g. `kubelint check k8s/`)")
    kubernetes_version = kubernetes_version or (config.kubernetes_version if config else None)
    if kubernetes_version is not None:
        kv = str(kubernetes_version).lstrip("v")
        if kv.count(".") == 2:
            kv = kv.rsplit(".", 1)[0]
        if kv not in schema.available_versions():
            _die(f"unsupported --kubernetes-version {kubernetes_version!r}; bundled: {', '.join(schema.available_versions())}")
        kubernetes_version = kv
    fmt = fmt or "text"
    try:
        reporter = report.get(fmt)
    except KeyError:
        _die(f"unknown --format {fmt!r}; choose one of {', '.join(report.FORMATS)}")
    options = Options(kubernetes_version=kubernetes_version, config=config, debug=debug)
    if config is not None:
        config.apply_options(options)
    if namespace:
        options.default_namespace = namespace
    if no_schema:
        options.no_schema_severity = no_schema
    limit_overrides = {k: v for k, v in (("max_file_bytes", max_file_size), ("max_documents", max_documents),
                                         ("max_depth", max_depth), ("max_aliases", max_aliases),
                                         ("max_nodes", max_nodes)) if v is not None}
    if limit_overrides:
        import dataclasses

        options.limits = dataclasses.replace(options.limits, **limit_overrides)
    options.context_paths.extend(context_paths)
    options.crd_paths.extend(crd_paths)
    options.schema_dirs.extend(schema_dirs)
    if jobs is None:
        from .parallel import default_jobs

        jobs = default_jobs()
    options.jobs = jobs
    if options.jobs < 1:
        _die("--jobs must be at least 1")
    machine = fmt != "text"
    if not no_progress and not machine and sys.stderr.isatty():
        from .progress import Progress

        options.progress = Progress(sys.stderr)
    fixing = None
    if fix or fix_diff or fix_check:  # the fix stage (kubelint/fix/command.py)
        from .fix.command import FixRun

        fixing = FixRun(paths, options, unsafe=unsafe_fixes, diff=fix_diff, check=fix_check)
        try:
            fixing.execute()
        except Exception as exc:
            _die(f"internal error: {type(exc).__name__}: {exc} (run with --debug for details)", debug)
        if fixing.done:
            raise SystemExit(fixing.exit_code)
    try:
        result = run(paths, options, stdin=fixing.stdin if fixing is not None else None)
        if fixing is None:  # mark the findings that have a verified fix
            from .fix.files import annotate

            annotate(result, options, unsafe=unsafe_fixes)
    except Exception as exc:
        _die(f"internal error: {type(exc).__name__}: {exc} (run with --debug for details)", debug)
    finally:
        if options.progress is not None:
            options.progress.close()
    # Reports need no final pass: findings are masked in the runner and
    # excerpts by SourceLines (kubelint.mask); tracebacks and error lines
    # go through mask.redact.
    if write_baseline:
        from . import baseline as baseline_mod

        try:
            n = baseline_mod.write(write_baseline, result.findings)
        except OSError as exc:
            _die(f"cannot write baseline {write_baseline}: {exc.strerror or exc}")
        click.echo(f"kubelint: recorded {n} finding{'s' if n != 1 else ''} in {write_baseline}", err=True)
        raise SystemExit(2 if result.fatal else 0)
    if baseline:
        from . import baseline as baseline_mod

        try:
            known = baseline_mod.load(baseline)
        except baseline_mod.BaselineError as exc:
            _die(str(exc))
        result.findings = known.filter(result.findings)
    color = not no_color and "NO_COLOR" not in os.environ and sys.stdout.isatty()
    render_opts = report.RenderOptions(color=color and not machine, quiet=quiet, excerpts=not quiet)
    if output:
        from .atomic import write_text

        try:
            write_text(output, reporter.render(result, report.RenderOptions()))
        except OSError as exc:
            _die(f"cannot write {output}: {exc.strerror or exc}")
        out = report.get("text").render(result, report.RenderOptions(color=color, quiet=quiet, excerpts=not quiet))
    else:
        out = reporter.render(result, render_opts)
    if fixing is not None and fixing.uses_stdin:  # stdin: the fixed text on stdout, the report on stderr
        click.echo(fixing.stdin_text or "", nl=False)
        if out:
            click.echo(out, nl=False, err=True)
    elif out:
        click.echo(out, nl=False)
    if fixing is not None:
        click.echo(fixing.summary(), err=True)
    if result.fatal:
        raise SystemExit(2)
    threshold = fail_on or (config.fail_on if config and config.fail_on else None) or "warning"
    if threshold != "never" and result.max_rank() >= RANK[threshold]:
        raise SystemExit(1)
    raise SystemExit(0)


def _fix_command(**kwargs):
    kwargs["fix"] = True
    return check.callback(**kwargs)


main.add_command(click.Command(
    "fix", params=[p for p in check.params if p.name != "fix"], callback=_fix_command,
    help="Apply the safe fixes to manifests in PATHS (files, directories, or - for stdin: the fixed text goes to "
         "stdout), then report what is left; `kubelint check --fix`. See docs/fixes.md.",
    context_settings={"help_option_names": ["-h", "--help"]}))


def _load_config(path, debug):
    try:
        from . import config as config_mod
    except ImportError:  # pragma: no cover - module not built yet
        return None
    try:
        return config_mod.load(path, os.getcwd())
    except config_mod.ConfigError as exc:
        _die(str(exc), debug)


@main.command("rules")
@click.option("--format", "-f", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--all", "show_all", is_flag=True, help="Also list the ids of the loader, schema and API-server checks.")
def rules_cmd(fmt, show_all):
    """List rules: id, default severity, summary."""
    import json as _json

    from .engine import catalogue

    from .fix import fix_status

    entries = [e for e in catalogue().values() if show_all or e.source == "rules"]
    entries.sort(key=lambda e: (e.source != "rules", e.family, e.id))
    if fmt == "json":
        click.echo(_json.dumps([{"id": e.id, "severity": e.severity, "category": e.category, "source": e.source, "summary": e.summary,
                                 "fix": (fix_status(e.id) or ("none",))[0]} for e in entries], indent=2))
        return
    width = max((len(e.id) for e in entries), default=10)
    for e in entries:
        fx = fix_status(e.id)
        mark = {"safe": "fix   ", "unsafe": "unsafe"}.get(fx[0], "") if fx else ""
        click.echo(f"{e.id:<{width}}  {e.severity:<7}  {mark:<6}  {e.summary}")


@main.command()
@click.argument("rule")
def explain(rule):
    """Print a rule's full catalogue entry with its examples."""
    from .engine import catalogue
    from .suggest import did_you_mean

    cat = catalogue()
    e = cat.get(rule)
    if e is None:
        _die(f"unknown rule {rule!r}{did_you_mean(rule, cat)}; `kubelint rules --all` lists them")
    lines = [f"{e.id} ({e.severity}{', ' + e.category if e.category else ''})", "", e.summary, ""]
    if e.rationale:
        lines += ["Why:", _indent(e.rationale), ""]
    if e.remediation:
        lines += ["Fix:", _indent(e.remediation), ""]
    from .fix import fix_status

    fx = fix_status(e.id)
    if fx is None:
        lines += ["Automatic fix: none (fix it by hand)", ""]
    elif fx[0] == "safe":
        lines += ["Automatic fix (safe, `kubelint fix`):", _indent(fx[1]), ""]
    else:
        lines += ["Automatic fix (unsafe: changes behaviour, `kubelint fix --unsafe-fixes`):", _indent(fx[1]), ""]
    if e.kinds:
        lines += [f"Applies to: {', '.join(e.kinds)}", ""]
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


def _indent(text: str) -> str:
    import textwrap

    return "\n".join("    " + line if line else "" for line in textwrap.fill(text, 76).split("\n")) if "\n" not in text.strip() else "\n".join("    " + line for line in text.split("\n"))


if __name__ == "__main__":  # pragma: no cover
    main()
