"""Discovery: what each file of a repository is, before anything is parsed.

A directory walk (:func:`kubelint.loader.discover`) yields every YAML/JSON
file.  :func:`plan` sorts them into what kubelint does with each:

* **Helm charts** (a directory with ``Chart.yaml``): rendered with
  ``helm template`` (:mod:`kubelint.render.helm`); nothing inside a chart is
  ever parsed as plain YAML.  Charts in another chart's tree (``charts/``
  dependencies) are rendered with their parent.
* **Kustomize roots** (a ``kustomization.yaml`` that no other kustomization
  of the walk references): built with ``kustomize build``
  (:mod:`kubelint.render.kustomize`).  Every file a kustomization of the
  walk uses (resources, patches, generators, transformer configurations...)
  is checked through the build, never standalone: patches are partial objects.
* **Manifests**: the other files, loaded and checked as before.
* **Skipped** files: files with a well-known role that are not manifests
  (``values.yaml``, compose files, CI configurations, ``package.json``,
  OpenAPI specs...), recognised by name and content, and any file none of
  whose documents has a top-level ``apiVersion`` or ``kind``.  They are
  counted and listed (``--show-skipped``, the JSON summary), never errors.

A file named on the command line is checked strictly (never skipped),
unless ``walked_files`` is set (``--discover``, the pre-commit hook): then
each named file is treated as the walk would treat it, and a file inside a
chart or used by a kustomization brings in that chart or root.

Interface::

    p = plan(paths, limits=Limits(), walked_files=False, excluded=None)
    p.files            # [(path, LoadError | None)]: plain inputs, in order ("-" is stdin)
    p.charts           # [Source]: Helm charts to render
    p.kustomizations   # [Source]: kustomize roots to build
    p.skipped          # [Skipped(path, reason)]

Classification reads a file's text once, cheaply (top-level keys by a
line scan, no YAML parse); :func:`classify` is the single rule used by the
walk and by the pre-commit hook.
"""

from __future__ import annotations

import json
import os
import re
from collections import namedtuple

from . import record
from .lazyre import lazy
from . import loader
from .loader import STDIN, LoadError
from .settings import Limits

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only (strings): a run does not import typing (tests/test_startup.py)
    from typing import Callable, Dict, Iterable, List, Optional, Set, Tuple

CHART_FILE = "Chart.yaml"
KUSTOMIZATION_FILES = ("kustomization.yaml", "kustomization.yml", "Kustomization")


class Skipped(namedtuple("Skipped", ("path", "reason"))):
    """A file that is not a Kubernetes manifest (``path``), and why (``reason``).
    (collections.namedtuple: a run does not import typing.)"""

    __slots__ = ()

    def to_json(self) -> dict:
        return {"file": self.path, "reason": self.reason}


class Source(record.Record):
    """A Helm chart or a kustomize root: rendered by a tool, then checked."""

    tool: str  # "helm" | "kustomize"
    root: str  # the chart or kustomization directory, as found
    file: str  # Chart.yaml or kustomization.yaml: where failures are reported
    context_only: bool = False  # loaded for cross-object rules (--context), never reported

    _FIELDS = ("tool", "root", "file", "context_only")

    def __init__(self, tool, root, file, context_only=context_only):
        self.tool = tool
        self.root = root
        self.file = file
        self.context_only = context_only


class Plan(record.Record):
    files: List[Tuple[str, Optional[LoadError]]]
    charts: List[Source]
    kustomizations: List[Source]
    skipped: List[Skipped]

    _FIELDS = ("files", "charts", "kustomizations", "skipped")

    def __init__(
        self, files=record.FACTORY, charts=record.FACTORY, kustomizations=record.FACTORY, skipped=record.FACTORY
    ):
        self.files = list() if files is record.FACTORY else files
        self.charts = list() if charts is record.FACTORY else charts
        self.kustomizations = list() if kustomizations is record.FACTORY else kustomizations
        self.skipped = list() if skipped is record.FACTORY else skipped

    @property
    def sources(self) -> List[Source]:
        return self.charts + self.kustomizations


# ---------------------------------------------------------------------------
# Well-known files (by name and path)

# Files that are never manifests, whatever they hold (name, lower-cased -> role).
_STRONG_NAMES: Dict[str, str] = {
    "chart.yaml": "Helm chart metadata",
    "chart.lock": "Helm chart lock file",
    "requirements.yaml": "Helm 2 chart dependencies",
    "requirements.lock": "Helm 2 chart lock file",
    "kustomization.yaml": "kustomization",
    "kustomization.yml": "kustomization",
    "kustomizeconfig.yaml": "kustomize transformer configuration",
    "kustomizeconfig.yml": "kustomize transformer configuration",
    ".pre-commit-config.yaml": "pre-commit configuration",
    ".pre-commit-hooks.yaml": "pre-commit hook definitions",
    ".kubelint.yaml": "kubelint configuration",
    ".kubelint.yml": "kubelint configuration",
    "package.json": "npm package manifest",
    "package-lock.json": "npm lock file",
    "npm-shrinkwrap.json": "npm lock file",
    "pnpm-lock.yaml": "pnpm lock file",
    "pnpm-workspace.yaml": "pnpm workspace",
    "composer.json": "Composer manifest",
    "composer.lock": "Composer lock file",
    "jsconfig.json": "JavaScript project configuration",
    "lerna.json": "Lerna configuration",
    "nx.json": "Nx configuration",
    "turbo.json": "Turborepo configuration",
    "angular.json": "Angular workspace",
    "vercel.json": "Vercel configuration",
    "deno.json": "Deno configuration",
    "devcontainer.json": "dev container configuration",
    ".devcontainer.json": "dev container configuration",
    "renovate.json": "Renovate configuration",
    ".renovaterc.json": "Renovate configuration",
    "mkdocs.yml": "MkDocs configuration",
    "mkdocs.yaml": "MkDocs configuration",
    ".readthedocs.yml": "Read the Docs configuration",
    ".readthedocs.yaml": "Read the Docs configuration",
    "codecov.yml": "Codecov configuration",
    ".codecov.yml": "Codecov configuration",
    "codecov.yaml": "Codecov configuration",
    ".gitlab-ci.yml": "GitLab CI configuration",
    ".travis.yml": "Travis CI configuration",
    "appveyor.yml": "AppVeyor configuration",
    "bitbucket-pipelines.yml": "Bitbucket Pipelines configuration",
    ".drone.yml": "Drone CI configuration",
    "buildkite.yml": "Buildkite pipeline",
    ".golangci.yml": "golangci-lint configuration",
    ".golangci.yaml": "golangci-lint configuration",
    ".goreleaser.yml": "GoReleaser configuration",
    ".goreleaser.yaml": "GoReleaser configuration",
    ".yamllint": "yamllint configuration",
    ".yamllint.yml": "yamllint configuration",
    ".yamllint.yaml": "yamllint configuration",
    ".markdownlint.yaml": "markdownlint configuration",
    ".markdownlint.json": "markdownlint configuration",
    ".prettierrc.json": "Prettier configuration",
    ".prettierrc.yaml": "Prettier configuration",
    ".eslintrc.json": "ESLint configuration",
    ".eslintrc.yml": "ESLint configuration",
    ".eslintrc.yaml": "ESLint configuration",
    ".babelrc.json": "Babel configuration",
    "ct.yaml": "chart-testing configuration",
    "lintconf.yaml": "chart-testing lint configuration",
    "chart_schema.yaml": "chart-testing schema",
    "artifacthub-repo.yml": "Artifact Hub repository metadata",
    "artifacthub-pkg.yml": "Artifact Hub package metadata",
    "index.yaml": "Helm repository index",
    "skaffold.yaml": "Skaffold configuration",
    "skaffold.yml": "Skaffold configuration",
    "tilt_config.json": "Tilt configuration",
    "devspace.yaml": "DevSpace configuration",
    "azure-pipelines.yml": "Azure Pipelines configuration",
    "azure-pipelines.yaml": "Azure Pipelines configuration",
    "cloudbuild.yaml": "Cloud Build configuration",
    "cloudbuild.yml": "Cloud Build configuration",
    "buildspec.yml": "AWS CodeBuild specification",
    "buildspec.yaml": "AWS CodeBuild specification",
    "taskfile.yml": "Taskfile",
    "taskfile.yaml": "Taskfile",
    "serverless.yml": "Serverless Framework configuration",
    "serverless.yaml": "Serverless Framework configuration",
    "environment.yml": "conda environment",
    "environment.yaml": "conda environment",
    "pubspec.yaml": "Dart package manifest",
    "dependabot.yml": "Dependabot configuration",
    "dependabot.yaml": "Dependabot configuration",
    "action.yml": "GitHub Action metadata",
    "action.yaml": "GitHub Action metadata",
    "helmfile.yaml": "Helmfile",
    "helmfile.yml": "Helmfile",
    "fleet.yaml": "Fleet bundle configuration",
    "catalog-info.yaml": "Backstage catalog entry",
    "app.json": "app platform manifest",
    "tsconfig.json": "TypeScript configuration",
    ".zappr.yaml": "Zappr configuration",
    "delivery.yaml": "delivery pipeline configuration",
    "ps-rule.yaml": "PSRule configuration",
    "values.schema.json": "Helm values schema",
}
# Names whose files are rarely manifests: skipped unless a document has both
# a top-level apiVersion and kind (pattern on the lower-cased name -> role).
_WEAK_NAMES: List[Tuple[re.Pattern, str]] = [
    (lazy(r"^values([-_.][^/]*)?\.(ya?ml|json)$|^[^/]*[-_.]values\.(ya?ml|json)$"), "Helm values"),
    (lazy(r"^(docker-)?compose([-_.][^/]*)?\.ya?ml$|^[^/]*\.compose\.ya?ml$"), "Docker Compose file"),
    (lazy(r"^(openapi|swagger)([-_.][^/]*)?\.(ya?ml|json)$"), "OpenAPI specification"),
    (lazy(r"^tsconfig[^/]*\.json$"), "TypeScript configuration"),
    (lazy(r"^azure\.ya?ml$"), "Azure Developer CLI project"),
    (lazy(r"^\.?(eslintrc|prettierrc|stylelintrc|babelrc|lintstagedrc)[^/]*$"), "JavaScript tool configuration"),
    (lazy(r"^[^/]*\.schema\.json$"), "JSON Schema"),
    (
        lazy(r"^(azure-pipelines|cloudbuild|buildspec|taskfile|skaffold|helmfile|garden)[-_.][^/]*\.ya?ml$"),
        "build or deployment tool configuration",
    ),
]
# Directories whose files are tool configuration, never manifests.
_ROLE_DIRS: Dict[str, str] = {
    ".github": "GitHub configuration",
    ".gitlab": "GitLab configuration",
    ".circleci": "CircleCI configuration",
    ".vscode": "editor configuration",
    ".idea": "editor configuration",
    ".devcontainer": "dev container configuration",
    "node_modules": "npm dependency",
    ".husky": "git hook configuration",
}
# apiVersion groups of configuration files that are not API objects.
_CONFIG_GROUPS: Dict[str, str] = {
    "kustomize.config.k8s.io": "kustomization",
    "builtin": "kustomize transformer configuration",
    "kind.x-k8s.io": "kind cluster configuration",
    "kubeadm.k8s.io": "kubeadm configuration",
    "kubelet.config.k8s.io": "kubelet configuration",
    "kubeproxy.config.k8s.io": "kube-proxy configuration",
    "kubescheduler.config.k8s.io": "kube-scheduler configuration",
    "apiserver.config.k8s.io": "kube-apiserver configuration",
    "apiserver.k8s.io": "kube-apiserver configuration",
    "audit.k8s.io": "audit policy",
    "controllermanager.config.k8s.io": "kube-controller-manager configuration",
    "skaffold": "Skaffold configuration",
    "backstage.io": "Backstage catalog entry",
    "k3d.io": "k3d configuration",
    "ctlptl.dev": "ctlptl configuration",
    "kpt.dev": "kpt package file",
    "config.kubernetes.io": "KRM function configuration",
    "cli.kyverno.io": "Kyverno CLI test",
    "chainsaw.kyverno.io": "Chainsaw test",
    "garden.io": "Garden configuration",
    "fn.kpt.dev": "kpt function configuration",
}

_TOP_KEY = lazy(
    r"""^(?:"([^"\n]*)"|'([^'\n]*)'|([^\s#'"\-?:!&*|>%@`{\[][^:#\n]*?))[ \t]*:(?:[ \t]+(.*?))?[ \t]*$""", re.M
)
_DOC_SEP = lazy(r"^(?:---|\.\.\.)(?=[ \t\r\n]|$)", re.M)
# On "\n" + text: a literal first character lets the regex engine skip ahead (5x faster than ^ with re.M).
_TYPED_LINE = lazy(r"""\n["']?(apiVersion|kind)["']?[ \t]*:[ \t]*([^\n]*)""")
_NUMBER = lazy(r"^\d+(\.\d+)*$")
_JSON_KEY = lazy(r'"(apiVersion|kind)"\s*:')


def role_by_name(path: str) -> Tuple[Optional[str], bool]:
    """(role, strong): the well-known role of a file by its name and the
    directories it is in; strong roles are never manifests."""
    parts = path.replace(os.sep, "/").split("/")
    for part in parts[:-1]:
        role = _ROLE_DIRS.get(part)
        if role:
            return role, True
    name = parts[-1].lower()
    role = _STRONG_NAMES.get(name)
    if role:
        return role, True
    for rx, role in _WEAK_NAMES:
        if rx.match(name):
            return role, False
    return None, False


def _scalar(value: Optional[str]) -> str:
    if not value:
        return ""
    value = value.split(" #", 1)[0].strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        value = value[1:-1]
    return value


def top_level(text: str) -> List[Dict[str, str]]:
    """The top-level keys of every document (key -> raw scalar value), by a
    line scan: block mappings at column 0, or a JSON object."""
    stripped = text.lstrip()
    if stripped[:1] in "{[":
        try:
            data = json.loads(text)
        except ValueError:
            data = None
        if isinstance(data, dict):
            return [{str(k): v if isinstance(v, str) else "" for k, v in data.items()}]
        if isinstance(data, list):
            return [{}]
        if data is None and _JSON_KEY.search(text):  # flow YAML or broken JSON naming a type: a manifest to check
            return [{"apiVersion": "", "kind": ""}]
    docs: List[Dict[str, str]] = []
    for chunk in _DOC_SEP.split(text):
        keys: Dict[str, str] = {}
        for m in _TOP_KEY.finditer(chunk):
            key = m.group(1) if m.group(1) is not None else m.group(2) if m.group(2) is not None else m.group(3)
            keys.setdefault(key.strip(), _scalar(m.group(4)))
        if keys:
            docs.append(keys)
    return docs


def _config_role(api_version: str, kind: str) -> Optional[str]:
    group = api_version.rpartition("/")[0] if "/" in api_version else ""
    if not group and "/" not in api_version and api_version and not api_version.startswith("v"):
        group = api_version  # "builtin"
    if group in _CONFIG_GROUPS:
        return _CONFIG_GROUPS[group]
    if group.endswith(".config.k8s.io"):
        return "Kubernetes component configuration"
    if api_version == "v1" and kind == "Config":
        return "kubeconfig"
    return None


def classify(path: str, text: Optional[str]) -> Optional[str]:
    """None if ``path`` is a manifest to check; else why it is skipped.

    ``text`` None means the file could not be read or decoded: it is
    loaded, so the loader reports why (never silently skipped).  When in
    doubt (a document the line scan cannot see, text that does not parse)
    the file is a manifest: the strict loader then says what is wrong."""
    role, strong = role_by_name(path)
    if strong:
        return role
    if text is None:
        return None
    hits = _TYPED_LINE.findall("\n" + text)  # top-level apiVersion/kind lines of block documents: the common case
    if not hits and text.lstrip()[:1] in "{[":
        hits = [(k, v) for d in top_level(text) for k, v in d.items() if k in ("apiVersion", "kind")]
    hits = [(k, _scalar(v)) for k, v in hits]
    # apiVersion: 1 without a kind is another format's version (Grafana provisioning, ...).
    if not any(k == "kind" for k, _ in hits):
        hits = [(k, v) for k, v in hits if not _NUMBER.match(v)]
    if role is not None:  # a weak name: a manifest only if it says both what it is and in which API
        return None if {k for k, _ in hits} >= {"apiVersion", "kind"} else role
    if hits:
        versions = [v for k, v in hits if k == "apiVersion"]
        kinds = [v for k, v in hits if k == "kind"]
        roles = {_config_role(v, kinds[0] if len(set(kinds)) == 1 else "") for v in versions}
        if versions and None not in roles and len(roles) == 1:
            return roles.pop()
        return None
    if ("apiVersion" in text or "kind" in text) and _parsed_typed(text):
        return None  # flow-style or indented documents the line scan cannot see: a manifest
    keys = set().union(*top_level(text)) if text.strip() else set()
    if "openapi" in keys or "swagger" in keys:
        return "OpenAPI specification"
    if "$schema" in keys and path.lower().endswith(".json"):
        return "JSON Schema"
    if "services" in keys and ("version" in keys or "volumes" in keys or "networks" in keys or len(keys) == 1):
        return "Docker Compose file"
    if "jobs" in keys and ("on" in keys or "true" in keys or "name" in keys):
        return "CI workflow"
    return "not a Kubernetes manifest (no document has apiVersion or kind)"


def _parsed_typed(text: str) -> bool:
    """Whether some document, parsed, is a mapping with apiVersion or kind
    (True when it cannot be parsed: the loader then reports why)."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        for doc in yaml.load_all(text, Loader=loader):
            if isinstance(doc, dict) and (
                "kind" in doc or ("apiVersion" in doc and not isinstance(doc["apiVersion"], (int, float)))
            ):
                return True
    except Exception:  # noqa: BLE001 - any parse failure: let the strict loader report it
        return True
    return False


def _read_text(path: str, limits: Limits) -> Optional[str]:
    try:
        with open(path, "rb") as fh:
            data = loader.read_at_most(fh, limits.max_file_bytes + 1)
    except OSError:
        return None
    return _decoded(data, limits)


def _decoded(data: bytes, limits: Limits) -> Optional[str]:
    if len(data) > limits.max_file_bytes:
        return None
    try:
        return loader.decode_text(data)
    except LoadError:
        return None


_HEAD = 4096  # bytes of a file that usually settle that it is a manifest (_manifest_head)


def _classify_file(path: str, limits: Limits) -> Optional[str]:
    """``classify(path, _read_text(path, limits))``, reading no more of the file than it takes: a strong
    name needs none of it, and most manifests are settled by their first lines (:func:`_manifest_head`);
    the loader reads the whole file anyway."""
    role, strong = role_by_name(path)
    if strong:
        return role
    try:
        # os.read, not a file object (whose open costs a fstat, an ioctl and a seek more)
        fd = os.open(path, loader._O_READ)
        try:
            size = limits.max_file_bytes + 1
            data = loader.read_fd_at_most(fd, min(_HEAD, size))
            if role is None and _manifest_head(data):
                return None
            if len(data) == _HEAD < size:
                data += loader.read_fd_at_most(fd, size - _HEAD)  # the bytes one read(size) gives
        finally:
            os.close(fd)
    except OSError:
        return classify(path, None)
    return classify(path, _decoded(data, limits))


def _manifest_head(head: bytes) -> bool:
    """Whether the first complete lines of a file (UTF-8) settle that :func:`classify` finds it a manifest,
    whatever follows (a file without a role by its name): a top-level apiVersion line whose API is no
    configuration format's (:func:`_config_role` None whatever the kinds), or ``v1`` beside a kind line other
    than ``Config`` (then no kind list can make it a kubeconfig).  Such a line is among classify()'s hits,
    and one version without a role makes the file a manifest.  False: not settled."""
    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:]
    elif head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False
    cut = head.rfind(b"\n")  # complete lines only (a newline byte is never inside a UTF-8 sequence)
    if cut < 0:
        return False
    try:
        text = head[:cut].decode("utf-8")
    except UnicodeDecodeError:
        return False
    hits = [(k, _scalar(v)) for k, v in _TYPED_LINE.findall("\n" + text)]
    other_kind = any(k == "kind" and v != "Config" for k, v in hits)
    return any(
        k == "apiVersion" and v and not _NUMBER.match(v) and _config_role(v, "") is None and (v != "v1" or other_kind)
        for k, v in hits
    )


# ---------------------------------------------------------------------------
# Kustomizations: what each one uses


def _is_remote(ref: str) -> bool:
    return "://" in ref or ref.startswith(("git@", "github.com/", "gitlab.com/", "bitbucket.org/")) or "?ref=" in ref


class Kustomization(record.Record):
    dir: str  # real path
    file: str  # the path as found
    component: bool = False
    dirs: Set[str]  # kustomization directories it uses (real paths)
    files: Set[str]  # files it uses (real paths)
    patches: Set[str]  # its patch files (real paths), a subset of files
    charts: Set[str]  # chart directories it inflates (helmCharts)
    error: Optional[str] = None

    _FIELDS = ("dir", "file", "component", "dirs", "files", "patches", "charts", "error")

    def __init__(
        self,
        dir,
        file,
        component=component,
        dirs=record.FACTORY,
        files=record.FACTORY,
        patches=record.FACTORY,
        charts=record.FACTORY,
        error=error,
    ):
        self.dir = dir
        self.file = file
        self.component = component
        self.dirs = set() if dirs is record.FACTORY else dirs
        self.files = set() if files is record.FACTORY else files
        self.patches = set() if patches is record.FACTORY else patches
        self.charts = set() if charts is record.FACTORY else charts
        self.error = error


def read_kustomization(path: str) -> Kustomization:
    """The files and directories a kustomization uses, as kustomize's
    ``types.Kustomization`` fields name them."""
    import yaml

    base = os.path.dirname(os.path.realpath(path))
    k = Kustomization(base, path)
    try:
        with open(path, "rb") as fh:
            raw = fh.read(4 << 20)
        data = yaml.load(raw, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except (OSError, yaml.YAMLError, ValueError) as exc:
        k.error = str(exc)
        return k
    if not isinstance(data, dict):
        return k
    k.component = data.get("kind") == "Component"

    def ref(entry, dir_ok=True, patch=False):
        if not isinstance(entry, str) or not entry.strip() or "\n" in entry or _is_remote(entry):
            return
        full = os.path.realpath(os.path.join(base, entry.strip()))
        if os.path.isdir(full):
            if dir_ok:
                k.dirs.add(full)
        else:
            k.files.add(full)
            if patch:
                k.patches.add(full)

    def entries(key):
        value = data.get(key)
        return value if isinstance(value, list) else []

    for key in (
        "resources",
        "bases",
        "components",
        "crds",
        "configurations",
        "generators",
        "transformers",
        "validators",
    ):
        for e in entries(key):
            ref(e)
    for key in ("patches", "patchesJson6902", "replacements"):
        for e in entries(key):
            if isinstance(e, dict):
                ref(e.get("path"), dir_ok=False, patch=key == "patches")
            elif isinstance(e, str):
                ref(e, dir_ok=False, patch=key == "patches")
    for e in entries("patchesStrategicMerge"):
        ref(e, dir_ok=False, patch=True)
    for key in ("configMapGenerator", "secretGenerator"):
        for gen in entries(key):
            if not isinstance(gen, dict):
                continue
            for f in gen.get("files") or []:
                if isinstance(f, str):
                    ref(f.split("=", 1)[-1], dir_ok=False)
            for f in (gen.get("envs") or []) + ([gen["env"]] if isinstance(gen.get("env"), str) else []):
                ref(f, dir_ok=False)
    openapi = data.get("openapi")
    if isinstance(openapi, dict):
        ref(openapi.get("path"), dir_ok=False)
    charts = entries("helmCharts")
    if charts:
        globals_ = data.get("helmGlobals") if isinstance(data.get("helmGlobals"), dict) else {}
        home = os.path.realpath(os.path.join(base, globals_.get("chartHome") or "charts"))
        for c in charts:
            if isinstance(c, dict) and isinstance(c.get("name"), str):
                k.charts.add(os.path.join(home, c["name"]))
    return k


def kustomization_file(directory: str) -> Optional[str]:
    for name in KUSTOMIZATION_FILES:
        p = os.path.join(directory, name)
        if os.path.isfile(p):
            return p
    return None


def closure(root_dir: str) -> List[Kustomization]:
    """The kustomizations a root uses (bases, components... recursively), itself first."""
    out, seen, todo = [], set(), [os.path.realpath(root_dir)]
    while todo:
        d = todo.pop(0)
        if d in seen:
            continue
        seen.add(d)
        kf = kustomization_file(d)
        if kf is not None:
            k = read_kustomization(kf)
            out.append(k)
            todo.extend(sorted(k.dirs))
    return out


# ---------------------------------------------------------------------------
# The plan


def _inside(path: str, directory: str) -> bool:
    return path == directory or path.startswith(directory.rstrip(os.sep) + os.sep)


class _Tree:
    """Charts and kustomizations among a set of walked files."""

    def __init__(self, entries: List[Tuple[str, Optional[LoadError]]]):
        self.chart_dirs: Dict[str, str] = {}  # real dir -> Chart.yaml as found
        self.kustomizations: Dict[str, Kustomization] = {}  # real dir -> its reading
        as_found: Dict[str, None] = {}
        for path, error in entries:
            if error is not None:
                continue
            d = os.path.dirname(path)
            as_found.setdefault(d, None)
            if os.path.basename(path) == CHART_FILE:
                self.chart_dirs[os.path.realpath(d)] = path
        dirs = {os.path.realpath(d): d for d in as_found}
        for real, d in dirs.items():
            kf = kustomization_file(d)
            if kf is not None and not any(_inside(real, c) for c in self.chart_dirs):
                self.kustomizations[real] = read_kustomization(kf)
        # Outermost charts only: a chart in another's tree renders with it.
        outer = sorted(self.chart_dirs, key=len)
        self.roots: Dict[str, str] = {}
        for d in outer:
            if not any(_inside(d, r) for r in self.roots):
                self.roots[d] = self.chart_dirs[d]
        self.used_dirs: Set[str] = set()
        self.used_files: Set[str] = set()
        inflated: Set[str] = set()
        for k in self.kustomizations.values():
            self.used_dirs |= k.dirs
            self.used_files |= k.files
            inflated |= k.charts
        for d in inflated:  # charts kustomize inflates (helmCharts) are checked through that build
            self.roots.pop(d, None)

    def in_chart(self, real: str) -> Optional[str]:
        for d in self.roots:
            if _inside(real, d):
                return d
        return None

    def kustomize_roots(self) -> List[Kustomization]:
        return [k for d, k in self.kustomizations.items() if d not in self.used_dirs and not k.component]

    def roots_using(self, real_file: str) -> List[Kustomization]:
        """Kustomize roots whose build uses ``real_file`` (directly or through the kustomizations they use)."""
        out = []
        for root in self.kustomize_roots():
            seen, todo = set(), [root.dir]
            while todo:
                d = todo.pop()
                if d in seen:
                    continue
                seen.add(d)
                k = self.kustomizations.get(d)
                if k is None:
                    continue
                if (
                    real_file in k.files
                    or os.path.dirname(real_file) == d
                    and os.path.basename(real_file) in KUSTOMIZATION_FILES
                ):
                    out.append(root)
                    break
                todo.extend(k.dirs)
        return out


def enclosing_chart(directory: str) -> Optional[Tuple[str, str]]:
    """(real chart dir, Chart.yaml) of the outermost chart strictly above
    ``directory`` (a directory inside a chart), or None."""
    found = None
    d = os.path.dirname(os.path.abspath(directory))
    while True:
        if os.path.isfile(os.path.join(d, CHART_FILE)):
            found = d
        parent = os.path.dirname(d)
        if parent == d:
            break
        d = parent
    if found is None:
        return None
    rel = os.path.relpath(found)
    shown = found if rel.startswith(os.pardir) else rel
    return os.path.realpath(found), os.path.join(shown, CHART_FILE)


class RealPaths:
    """``os.path.realpath`` of many files in few directories: each directory resolved once (realpath
    checks every component of every path; 500 context files cost 25 ms that way), the file name
    itself resolved only when it is a link; each path once (the context's files are asked twice)."""

    def __init__(self):
        self._dirs: Dict[str, str] = {}
        self._paths: Dict[str, str] = {}

    def __call__(self, path: str) -> str:
        real = self._paths.get(path)
        if real is None:
            real = self._paths[path] = self._resolve(path)
        return real

    def _resolve(self, path: str) -> str:
        head, tail = os.path.split(path)
        if not tail or tail in (".", "..") or os.path.islink(path):
            return os.path.realpath(path)
        real = self._dirs.get(head)
        if real is None:
            real = self._dirs[head] = os.path.realpath(head or ".")
        return os.path.join(real, tail)


def plan(
    paths: Iterable[str],
    limits: Limits = Limits(),
    walked_files: bool = False,
    excluded: Optional[Callable[[str], bool]] = None,
    context_only: bool = False,
    read: Optional[Callable[[str, Limits], Optional[str]]] = None,
) -> Plan:
    """Sort ``paths`` (files, directories, ``-``) into a :class:`Plan`.  ``read(path, limits)``: a file's
    text for :func:`classify`, or None (default: read and decoded here; kubelint/contextfiles.py keeps
    the bytes it reads for their hash)."""
    excluded = excluded or (lambda p: False)
    out = Plan()
    walked: List[Tuple[str, Optional[LoadError], bool]] = []  # (path, error, explicit)
    enclosing: List[Tuple[str, str]] = []  # (real chart dir, Chart.yaml): a directory given inside a chart
    for arg in paths:
        if arg == STDIN:
            walked.append((arg, None, True))
            continue
        if os.path.isdir(arg):
            chart = enclosing_chart(arg)
            if chart is not None:  # e.g. `kubelint check charts/app/templates`: the chart is what renders
                enclosing.append(chart)
                continue
            walked.extend((p, e, False) for p, e in loader.discover([arg]))
        else:
            walked.extend((p, e, not walked_files) for p, e in loader.discover([arg]))
    tree = _Tree([(p, e) for p, e, _ in walked])
    if walked_files:
        # Named files: the chart or kustomize roots they belong to, found from the working directory.
        project = (
            _Tree([(os.path.normpath(p), e) for p, e in loader.discover(["."])])
            if any(not x for _, _, x in walked)
            else tree
        )
    else:
        project = tree
    charts: Dict[str, Source] = {}
    roots: Dict[str, Source] = {}

    def add_chart(real: str, chart_file: str):
        if real not in charts and not excluded(os.path.dirname(chart_file)):
            charts[real] = Source("helm", os.path.dirname(chart_file), chart_file, context_only)

    def add_root(k: Kustomization):
        if k.dir not in roots and not excluded(os.path.dirname(k.file)):
            roots[k.dir] = Source("kustomize", os.path.dirname(k.file), k.file, context_only)

    for real, chart_file in enclosing:
        add_chart(real, chart_file)
    root_dirs = {k.dir for k in tree.kustomize_roots()}
    real_path = RealPaths()  # a directory resolved once, not each file's every component
    for path, error, explicit in walked:
        if path == STDIN or explicit:
            out.files.append((path, error))
            continue
        # Real paths only matter where charts or kustomizations are (a plain tree of manifests needs none).
        real = real_path(path) if (tree.chart_dirs or tree.kustomizations or walked_files) else path
        chart = tree.in_chart(real)
        if chart is None and walked_files:
            chart = project.in_chart(real)
            if chart is not None:
                add_chart(chart, project.roots[chart])
                continue
        elif chart is not None:
            add_chart(chart, tree.roots[chart])
            continue
        if error is not None:
            out.files.append((path, error))
            continue
        if excluded(path):
            out.files.append((path, None))  # the runner drops excluded inputs as before
            continue
        name = os.path.basename(path)
        if name in KUSTOMIZATION_FILES:
            # Roots are added below; the others are built through the roots that use them.
            if walked_files:
                for r in project.roots_using(real):
                    add_root(r)
            continue
        if real in tree.used_files or (walked_files and real in project.used_files):
            if walked_files:  # the file is checked through the builds that use it
                for r in project.roots_using(real):
                    add_root(r)
            continue
        # a caller's reader (kubelint/contextfiles.py keeps the bytes it reads for their hash) reads the whole
        # file; else its first 4 KiB usually settle it (_classify_file)
        reason = classify(path, read(path, limits)) if read is not None else _classify_file(path, limits)
        if reason is None:
            out.files.append((path, None))
        else:
            out.skipped.append(Skipped(path, reason))
    if not walked_files:  # (with --discover, roots come from the project: a named base is not a root)
        for d in sorted(root_dirs):
            add_root(tree.kustomizations[d])
    out.charts = list(charts.values())
    out.kustomizations = sorted(roots.values(), key=lambda s: s.root)
    return out
