"""The pre-commit hook end to end: a temporary git repository uses this
checkout as its hook repository (``repo: <path>``, ``rev: <commit>``);
committing a bad manifest fails with the finding in the output, a good one
passes.

No network: pre-commit builds the hook's virtualenv from a local
wheelhouse (kubelint and its dependencies, plus setuptools for the build),
which .ci/run makes with ``pip wheel . setuptools -w .ci/wheelhouse``
(or point KUBELINT_WHEELHOUSE at one).  Without it the test is skipped,
except in CI where it must run.
"""

import os
import pathlib
import re
import shutil
import subprocess
import sys

import pytest

from conftest import ROOT

WHEELHOUSE = pathlib.Path(os.environ.get("KUBELINT_WHEELHOUSE", ROOT / ".ci" / "wheelhouse"))

BAD = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: bad\ndatta:\n  a: b\n"
GOOD = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: good\ndata:\n  a: b\n"


def _unavailable(reason):
    if os.environ.get("CI"):
        pytest.fail(f"pre-commit end-to-end test cannot run in CI: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def precommit():
    try:
        import pre_commit  # noqa: F401
    except ImportError:
        _unavailable("pre-commit is not installed (pip install '.[test]')")
    if shutil.which("git") is None:
        _unavailable("git is not installed")
    if not any(WHEELHOUSE.glob("kubelint-*.whl")) or not any(WHEELHOUSE.glob("setuptools-*.whl")):
        _unavailable(f"no local wheelhouse at {WHEELHOUSE} (make one with `pip wheel . setuptools -w .ci/wheelhouse`)")
    wheels = [w.name.lower() for w in WHEELHOUSE.glob("*.whl")]
    missing = [d for d in _dependencies() if not any(w.startswith(d + "-") for w in wheels)]
    if missing:
        _unavailable(
            f"the wheelhouse at {WHEELHOUSE} lacks {', '.join(missing)} (a new dependency? "
            "rebuild it with `pip wheel . setuptools -w .ci/wheelhouse`)"
        )
    return [sys.executable, "-m", "pre_commit"]


def _dependencies():
    """kubelint's runtime dependencies, as wheel-file name prefixes."""
    import tomllib

    deps = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    return [
        re.split(r"[<>=!~;\[ ]", d, maxsplit=1)[0].strip().lower().replace("-", "_").replace(".", "_") for d in deps
    ]


def git(*args, cwd, env=None):
    return subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


def _env(tmp):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "PRE_COMMIT", "GIT_", "VIRTUAL_ENV"))}
    env.update(
        {
            "PIP_NO_INDEX": "1",  # never the network: only the wheelhouse
            "PIP_FIND_LINKS": str(WHEELHOUSE),
            "PIP_DISABLE_PIP_VERSION_CHECK": "1",
            "PRE_COMMIT_HOME": str(tmp / "pre-commit-home"),
            "GIT_AUTHOR_NAME": "t",
            "GIT_AUTHOR_EMAIL": "t@example.com",
            "GIT_COMMITTER_NAME": "t",
            "GIT_COMMITTER_EMAIL": "t@example.com",
            "GIT_CONFIG_NOSYSTEM": "1",
            "HOME": str(tmp),
            "NO_COLOR": "1",
        }
    )
    env.pop("PYTHONPATH", None)
    # helm renders the staged chart (tests/test_repositories.py finds it the same way).
    from test_repositories import _tool_dirs

    env["PATH"] = os.pathsep.join([env.get("PATH", "")] + _tool_dirs())
    return env


def _hook_repo(tmp, env) -> tuple:
    """This checkout's working tree (tracked and new files) as a one-commit
    repository, so the test exercises the files as they are now."""
    files = git("ls-files", "-co", "--exclude-standard", "-z", cwd=ROOT).stdout.split("\0")
    dest = tmp / "hook-repo"
    for rel in filter(None, files):
        src = ROOT / rel
        if src.is_file():
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / rel)
    assert (dest / ".pre-commit-hooks.yaml").is_file()
    git("init", "-q", cwd=dest, env=env)
    git("add", "-A", cwd=dest, env=env)
    r = git("commit", "-q", "-m", "hook repo", cwd=dest, env=env)
    assert r.returncode == 0, r.stderr
    return dest, git("rev-parse", "HEAD", cwd=dest, env=env).stdout.strip()


def test_hook_end_to_end(precommit, tmp_path):
    env = _env(tmp_path)
    hook_repo, rev = _hook_repo(tmp_path, env)
    repo = tmp_path / "user-repo"
    (repo / "k8s").mkdir(parents=True)
    git("init", "-q", cwd=repo, env=env)
    (repo / ".pre-commit-config.yaml").write_text(
        "repos:\n"
        f"  - repo: {hook_repo}\n"
        f"    rev: {rev}\n"
        "    hooks:\n"
        "      - id: kubelint\n"
        '        args: [--kubernetes-version, "1.33", --context, k8s/]\n'
    )
    (repo / "k8s" / "existing.yaml").write_text(GOOD.replace("good", "existing"))
    # The user's configuration applies inside the hook too.
    (repo / ".kubelint.yaml").write_text("exclude:\n  - k8s/vendor/\n")
    (repo / "k8s" / "vendor").mkdir()
    (repo / "k8s" / "vendor" / "third-party.yaml").write_text(BAD.replace("name: bad", "name: vendored"))
    # Not a manifest: skipped by kubelint's discovery (the hook has no exclude pattern).
    (repo / "docker-compose.yml").write_text("services:\n  web:\n    image: nginx\n")
    r = subprocess.run(precommit + ["install"], cwd=repo, env=env, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr
    git(
        "add",
        ".pre-commit-config.yaml",
        ".kubelint.yaml",
        "docker-compose.yml",
        "k8s/existing.yaml",
        "k8s/vendor/third-party.yaml",
        cwd=repo,
        env=env,
    )
    first = git("commit", "-m", "setup", cwd=repo, env=env)
    assert first.returncode == 0, first.stdout + first.stderr  # also builds the hook environment, offline

    (repo / "k8s" / "bad.yaml").write_text(BAD)
    git("add", "k8s/bad.yaml", cwd=repo, env=env)
    r = git("commit", "-m", "bad", cwd=repo, env=env)
    out = r.stdout + r.stderr
    assert r.returncode != 0, out
    assert "kubelint" in out and "Failed" in out
    assert "k8s/bad.yaml:5:1: error [unknown-field]" in out and 'did you mean "data"' in out
    assert "existing.yaml" not in out  # context is loaded, never reported
    assert git("log", "--oneline", cwd=repo, env=env).stdout.count("\n") == 1  # the bad commit did not happen

    (repo / "k8s" / "bad.yaml").write_text(GOOD)
    git("add", "k8s/bad.yaml", cwd=repo, env=env)
    r = git("commit", "-m", "good", cwd=repo, env=env)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "Passed" in r.stdout + r.stderr

    # A Helm chart: a staged template renders the whole chart with helm template, and
    # the finding is reported at the template line; values.yaml and Chart.yaml are not manifests.
    chart = repo / "charts" / "app"
    (chart / "templates").mkdir(parents=True)
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: app\nversion: 0.1.0\n")
    (chart / "values.yaml").write_text("level: info\nkind: Deployment\n")  # values, whatever keys they use
    (chart / "templates" / "configmap.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-settings\ndatta:\n"
        "  level: {{ .Values.level }}\n"
    )
    git("add", "charts", cwd=repo, env=env)
    r = git("commit", "-m", "chart", cwd=repo, env=env)
    out = r.stdout + r.stderr
    assert r.returncode != 0, out
    assert "charts/app/templates/configmap.yaml:5:1: error [unknown-field] ConfigMap default/app-settings" in out, out
    assert "values.yaml" not in out and "Chart.yaml" not in out and "helm-template" not in out
    (chart / "templates" / "configmap.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-settings\ndata:\n"
        "  level: {{ .Values.level }}\n"
    )
    git("add", "charts", cwd=repo, env=env)
    r = git("commit", "-m", "chart", cwd=repo, env=env)
    assert r.returncode == 0, r.stdout + r.stderr


FIXABLE = (
    "apiVersion: v1\nkind: Service\nmetadata:\n  name: web  # the front door\nspec:\n  type: clusterip\n"
    "  selector: {app: web}\n  ports:\n    - port: 80\n      protocol: tcp\n"
)


def test_fix_hook_end_to_end(precommit, tmp_path):
    """`kubelint-fix`: the commit fails because the hook changed the file,
    the file holds the fixes (comment kept), and committing it passes."""
    env = _env(tmp_path)
    hook_repo, rev = _hook_repo(tmp_path, env)
    repo = tmp_path / "user-repo"
    (repo / "k8s").mkdir(parents=True)
    git("init", "-q", cwd=repo, env=env)
    (repo / ".pre-commit-config.yaml").write_text(
        "repos:\n"
        f"  - repo: {hook_repo}\n"
        f"    rev: {rev}\n"
        "    hooks:\n"
        "      - id: kubelint-fix\n"
        "      - id: kubelint\n"
        "        args: [--fail-on, error]\n"
    )
    r = subprocess.run(precommit + ["install"], cwd=repo, env=env, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr
    git("add", ".pre-commit-config.yaml", cwd=repo, env=env)
    first = git("commit", "-m", "setup", cwd=repo, env=env)
    assert first.returncode == 0, first.stdout + first.stderr

    (repo / "k8s" / "svc.yaml").write_text(FIXABLE)
    (repo / "k8s" / "cm.yaml").write_text(BAD)
    git("add", "k8s/svc.yaml", "k8s/cm.yaml", cwd=repo, env=env)
    r = git("commit", "-m", "fixable", cwd=repo, env=env)
    out = r.stdout + r.stderr
    assert r.returncode != 0, out
    assert "kubelint fix" in out and "files were modified by this hook" in out, out
    assert (repo / "k8s" / "svc.yaml").read_text() == FIXABLE.replace("clusterip", "ClusterIP").replace("tcp", "TCP")
    assert (repo / "k8s" / "cm.yaml").read_text() == BAD.replace("datta:", "data:")
    git("add", "k8s/svc.yaml", "k8s/cm.yaml", cwd=repo, env=env)
    r = git("commit", "-m", "fixed", cwd=repo, env=env)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "Passed" in r.stdout + r.stderr
