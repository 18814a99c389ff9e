"""Coverage-guided fuzz target for the whole check pipeline (atheris; not
run in CI): load -> objects -> schema -> API-server checks -> rules ->
suppressions -> masking -> every reporter available.

Internal errors are re-raised (Settings.debug) so the fuzzer sees them as
crashes instead of ``internal-error`` findings.  Run through fuzz/run.sh.
"""

import io
import sys

import atheris

with atheris.instrument_imports(include=["kubelint"]):
    import kubelint.apiserver  # noqa: F401  (the stages import lazily:
    import kubelint.engine  # noqa: F401      import them here so they are
    import kubelint.schema  # noqa: F401      instrumented)
    from kubelint import report, runner
    from kubelint.loader import Limits
    from kubelint.settings import Settings

    OPTIONS = Settings(
        debug=True, limits=Limits(max_file_bytes=256 * 1024, max_documents=50, max_depth=60, max_nodes=20_000)
    )
    runner.build_context(OPTIONS)  # imports every rule module
    import kubelint.cel  # noqa: F401
    import kubelint.crd  # noqa: F401
    import kubelint.mask  # noqa: F401
    import kubelint.re2  # noqa: F401
    import kubelint.suppress  # noqa: F401
FORMATS = [report.get(_name) for _name in report.FORMATS]


def TestOneInput(data: bytes) -> None:
    result = runner.run(["-"], OPTIONS, stdin=io.BytesIO(data))
    for f in result.findings:
        assert f.rule != "internal-error", f
        assert "\n" not in f.message, f
    for fmt in FORMATS:
        fmt.render(result, report.RenderOptions())


def main() -> None:
    sys.setrecursionlimit(10_000)
    atheris.Setup(sys.argv, TestOneInput)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
