"""The ``check`` command's work, without click: settings from flags, the run, the report, the exit status.

kubelint.cli declares the command line with click and calls ``check`` here; kubelint.entry calls it
directly for the command lines a pre-commit hook and an editor send (``kubelint check [FLAGS] PATH...``),
so they never import click (issue 18, "start fast"). Output goes through ``echo``, which writes exactly
what ``click.echo`` would.
"""

from __future__ import annotations

import os
import sys
from io import TextIOWrapper

from .findings import RANK


def echo(message: str = "", nl: bool = True, err: bool = False) -> None:
    """``click.echo(message, nl=nl, err=err)``. Written here for the common stream (a text file in UTF-8,
    nothing to strip); anything else, or once click is loaded anyway, by click.echo itself."""
    stream = sys.stderr if err else sys.stdout
    if stream is None:
        return
    out = message + "\n" if nl else message
    if (
        "click" in sys.modules
        or type(stream) is not TextIOWrapper
        or stream.encoding.lower().replace("-", "_") not in ("utf_8", "utf8")
        or ("\x1b" in out and not _isatty(stream))  # click strips ANSI codes when not writing to a terminal
    ):
        import click

        click.echo(message, nl=nl, err=err)
        return
    if out:
        stream.write(out)
    stream.flush()


def _isatty(stream) -> bool:
    try:
        return stream.isatty()
    except Exception:
        return False


def _die(message: str, debug: bool = False, masker=None) -> None:
    """``kubelint: error: MESSAGE`` (secrets of the run masked), exit status 2."""
    from .mask import one_line

    if debug:
        _print_traceback(masker)
    echo(f"kubelint: error: {one_line(_masked(message, masker))}", err=True)
    raise SystemExit(2)


def _print_traceback(masker=None) -> None:
    """--debug: the traceback, with every secret of the run masked."""
    import traceback

    echo(_masked(traceback.format_exc(), masker), err=True, nl=False)


def _internal_error(exc: BaseException, debug: bool, masker=None) -> None:
    """An unexpected exception: one line (or the traceback with --debug), exit status 2."""
    from .mask import one_line

    if debug:
        _print_traceback(masker)
    echo(
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


_INTERRUPTED = []  # set by the SIGINT handler (_on_sigint)


def _on_sigint(signum, frame):
    _INTERRUPTED.append(signum)
    raise KeyboardInterrupt


def guarded(command):
    """Run ``command`` (click's standalone main, or ``standalone_check``) as the ``kubelint`` process:
    Ctrl-C exits 130, internal errors exit 2 with one line."""
    import _signal  # what signal.signal calls; the signal module's import (its enums) is ~0.5 ms of a check

    try:  # only the main thread may set a handler
        _signal.signal(_signal.SIGINT, _on_sigint)
    except ValueError:
        pass
    try:
        return command()
    except SystemExit as exc:
        if exc.code == 1 and _INTERRUPTED:
            # click's standalone mode turns Ctrl-C into "Aborted!" and exit 1,
            # the "findings" status: a script must be able to tell them apart.
            raise SystemExit(130) from None
        raise
    except KeyboardInterrupt:  # pragma: no cover - interactive
        echo("kubelint: interrupted", err=True)
        raise SystemExit(130)
    except Exception as exc:  # pragma: no cover - safety net (check has its own, with the run's secrets)
        _internal_error(exc, "--debug" in sys.argv)


def standalone_check(paths, config_path, debug, flags) -> None:
    """``check`` as click's standalone mode runs a command: Ctrl-C (or end of input) prints "Aborted!" and
    exits 1 (``guarded`` makes it 130), a broken pipe exits 1 quietly."""
    try:
        try:
            check(paths, config_path, debug, **flags)
        except (EOFError, KeyboardInterrupt):
            echo("", err=True)  # the blank line closes the terminal's ^C echo
            echo("Aborted!", err=True)
            raise SystemExit(1)
        except OSError as exc:
            import errno

            if exc.errno != errno.EPIPE:
                raise
            sys.stdout = _PacifyFlushWrapper(sys.stdout)
            sys.stderr = _PacifyFlushWrapper(sys.stderr)
            raise SystemExit(1)
    except (EOFError, KeyboardInterrupt):
        raise SystemExit(1)


class _PacifyFlushWrapper:
    """A stream whose flush ignores a broken pipe (as click wraps the standard streams after one)."""

    def __init__(self, wrapped):
        self.wrapped = wrapped

    def flush(self) -> None:
        try:
            self.wrapped.flush()
        except OSError as exc:
            import errno

            if exc.errno != errno.EPIPE:
                raise

    def __getattr__(self, attr):
        return getattr(self.wrapped, attr)


def check(paths, config_path, debug, **flags):
    """Check manifests in PATHS (files, directories, or - for stdin)."""
    from .mask import Masker

    fix_flags = {k: flags.pop(k, False) for k in ("fix", "unsafe_fixes", "fix_diff", "fix_check")}
    masker = Masker()  # learns the run's secrets: every error line and traceback is masked with it
    try:
        settings = _settings(paths, config_path, debug, flags)
        fixing = _fix(paths, settings, **fix_flags)
        keep = _Process.held
        if keep is not None:  # kubelint.entry: the process ends after the report; the collector stays off
            import gc

            gc.disable()
        result = _run(paths, settings, masker, fixing.stdin if fixing is not None else None, keep)
        if fixing is None:  # mark the findings that have a verified fix (kubelint.fix)
            from .fix.ids import RULES_WITH_FIXERS

            if any(f.rule in RULES_WITH_FIXERS for f in result.findings):  # the fix stage is loaded when it has work
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


class _Process:
    """Set by kubelint.entry only: this process ends when the command returns.  ``held``: what a ``check``
    run built, kept alive until then (None: a caller in-process, e.g. click's test runner)."""

    held = None


def exit_now(exc: SystemExit) -> None:
    """After a ``check`` run in the ``kubelint`` process (kubelint.entry): end the process at once, as the
    interpreter would (output flushed, the same exit status), without first freeing the millions of
    objects the run built and every module (0.2 s of CPU over ../shared/corpus).  Returns, for the
    interpreter's own exit, after other commands, a check that ended before running, or a flush that fails
    (a closed pipe: the interpreter reports it as before)."""
    code = exc.code
    if not _Process.held or not (code is None or (isinstance(code, int) and 0 <= code < 256)):
        return
    try:
        for stream in (sys.stdout, sys.stderr):
            if stream is not None:
                stream.flush()
    except BaseException:
        return
    os._exit(code or 0)


def _run(paths, settings, masker, stdin=None, keep=None):
    """The pipeline, with a progress indicator on a terminal (``keep``: runner.run's)."""
    from .runner import run

    progress = None
    if settings.progress:
        from .progress import Progress

        progress = Progress(sys.stderr)
    try:
        return run(paths, settings, stdin, progress=progress, masker=masker, keep=keep)
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
    echo(f"kubelint: recorded {n} finding{'s' if n != 1 else ''} in {path}", err=True)
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
    elif settings.format == "text":
        out = report.get("text").render(result, terminal)
    else:  # colour is for the text report only
        options = report.RenderOptions(
            color=False, quiet=terminal.quiet, excerpts=terminal.excerpts, show_skipped=terminal.show_skipped
        )
        out = report.get(settings.format).render(result, options)
    if fixing is not None and fixing.uses_stdin:  # stdin: the fixed text on stdout, the report on stderr
        echo(fixing.stdin_text or "", nl=False)
        if out:
            echo(out, nl=False, err=True)
    elif out:
        echo(out, nl=False)
    if fixing is not None:
        echo(fixing.summary(), err=True)


def _exit_status(result, settings) -> int:
    """2 if some input could not be read; 1 if a finding reaches --fail-on; else 0."""
    if result.fatal:
        return 2
    if settings.fail_on != "never" and result.max_rank() >= RANK[settings.fail_on]:
        return 1
    return 0


def _load_config(path, debug):
    from .configfind import ConfigError, find

    try:
        if not path and find(os.getcwd()) is None:
            return None  # no configuration: kubelint.config (its parser and checks) is not needed
        from . import config as config_mod

        return config_mod.load(path, os.getcwd())
    except ConfigError as exc:
        _die(str(exc), debug)
