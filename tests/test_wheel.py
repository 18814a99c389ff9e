"""An installed wheel (not the source tree) finds its bundled schemas and
rule catalogue."""

import os
import shutil
import subprocess
import sys
import venv

import pytest

from conftest import ROOT


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("wheel")
    wheels = tmp / "dist"
    # Build from a copy so the checkout gets no build/ or egg-info clutter.
    src = tmp / "src"
    shutil.copytree(
        ROOT, src, ignore=shutil.ignore_patterns(".git", "build", "*.egg-info", "__pycache__", ".pytest_cache", "tests")
    )
    r = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), str(src)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    if r.returncode != 0:
        pytest.fail(f"wheel build failed: {r.stderr[-2000:]}")
    (wheel,) = wheels.glob("kubelint-*.whl")
    env_dir = tmp / "venv"
    venv.EnvBuilder(system_site_packages=True, with_pip=False).create(env_dir)
    py = env_dir / "bin" / "python"
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(py),
            "install",
            "--no-deps",
            "--ignore-installed",
            "-q",
            str(wheel),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    if r.returncode != 0:
        pytest.fail(f"install failed: {r.stderr[-2000:]}")
    return py, tmp


def _env():
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    env.pop("KUBELINT_SCHEMA_DIR", None)
    env.pop("KUBELINT_RULES_DIR", None)
    return env


def test_wheel_contains_and_uses_package_data(installed):
    py, tmp = installed
    probe = (
        "import kubelint, kubelint.schema as s, kubelint.engine as e, kubelint.config as c, os; "
        "print(kubelint.__file__); print(s.schema_dir()); print(e.catalogue_dir()); "
        "print(len(s.available_versions())); "
        "d = os.path.dirname(c.SCHEMA_FILE); "
        "print(all(os.path.isfile(os.path.join(d, f)) for f in ('config.schema.json', 'report.schema.json')))"
    )
    r = subprocess.run([str(py), "-c", probe], capture_output=True, text=True, cwd=tmp, env=_env(), timeout=60)
    assert r.returncode == 0, r.stderr
    mod, schemas, rules, n, json_schemas = r.stdout.split()
    assert json_schemas == "True"  # the published JSON Schemas of the configuration and the report
    assert str(ROOT) not in mod and "site-packages" in mod
    assert schemas.endswith(os.path.join("kubelint", "data", "schemas")) and str(ROOT) not in schemas
    assert rules.endswith(os.path.join("kubelint", "data", "rules"))
    assert int(n) == 13


def test_installed_cli_checks_a_file(installed, tmp_path):
    py, _ = installed
    m = tmp_path / "d.yaml"
    m.write_text("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: x\nspec:\n  replicsa: 1\n")
    kubelint = py.parent / "kubelint"
    r = subprocess.run(
        [str(kubelint), "check", str(m), "-q"], capture_output=True, text=True, cwd=tmp_path, env=_env(), timeout=60
    )
    assert r.returncode == 1 and "[unknown-field]" in r.stdout, r.stdout + r.stderr
