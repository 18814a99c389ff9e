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
    if debug:
        traceback.print_exc()
    click.echo(f"kubelint: error: {message}", err=True)
    raise SystemExit(2)


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
            if "--debug" in sys.argv:
                traceback.print_exc()
            click.echo(f"kubelint: internal error: {type(exc).__name__}: {exc} (run with --debug for details)", err=True)
            raise SystemExit(2)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="kubelint", message="%(prog)s %(version)s")
def main():
    """kubelint: validate Kubernetes manifests as the API server would, and
    flag what it would accept but you will regret."""


def _versions():
    from . import schema

    return schema.available_versions()


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(allow_dash=True))
@click.option("--kubernetes-version", "-k", metavar="1.NN", help="Kubernetes minor version to validate against (default: newest bundled).")
@click.option("--format", "-f", "fmt", default="text", show_default=True, help="Output format: text or json.")
@click.option("--fail-on", type=click.Choice(FAIL_ON), default=None, help="Lowest severity that makes the exit status 1 (default: warning).")
@click.option("--quiet", "-q", is_flag=True, help="Only findings, no source excerpts; nothing at all when clean.")
@click.option("--no-color", is_flag=True, help="Never colour the output (NO_COLOR is honoured too).")
@click.option("--no-schema", type=click.Choice(["info", "error", "off"]), default=None,
              help="Severity of 'no schema for KIND' findings (default: info).")
@click.option("--debug", is_flag=True, help="Show tracebacks of internal errors.")
def check(paths, kubernetes_version, fmt, fail_on, quiet, no_color, no_schema, debug):
    """Check manifests in PATHS (files, directories, or - for stdin)."""
    from . import report, schema
    from .runner import Options, run

    if not paths:
        _die("no input: give files or directories to check, or - for stdin (e.g. `kubelint check k8s/`)")
    if kubernetes_version is not None:
        kv = kubernetes_version.lstrip("v")
        if kv.count(".") == 2:
            kv = kv.rsplit(".", 1)[0]
        if kv not in schema.available_versions():
            _die(f"unsupported --kubernetes-version {kubernetes_version!r}; bundled: {', '.join(schema.available_versions())}")
        kubernetes_version = kv
    try:
        reporter = report.get(fmt)
    except KeyError:
        _die(f"unknown --format {fmt!r}; choose one of {', '.join(report.FORMATS)}")
    options = Options(kubernetes_version=kubernetes_version)
    if no_schema:
        options.no_schema_severity = no_schema
    try:
        result = run(paths, options)
    except Exception as exc:
        _die(f"internal error: {type(exc).__name__}: {exc} (run with --debug for details)", debug)
    color = not no_color and "NO_COLOR" not in os.environ and sys.stdout.isatty() and fmt == "text"
    render_opts = type("RenderOptions", (), {"color": color, "quiet": quiet, "excerpts": not quiet})()
    out = reporter.render(result, render_opts)
    if out:
        click.echo(out, nl=False)
    if result.fatal:
        raise SystemExit(2)
    threshold = fail_on or "warning"
    if threshold != "never" and result.max_rank() >= RANK[threshold]:
        raise SystemExit(1)
    raise SystemExit(0)


if __name__ == "__main__":  # pragma: no cover
    main()
