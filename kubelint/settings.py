"""The settings of a run: one frozen, typed value, built in one place.

:class:`Settings` holds every option of ``kubelint check``.  :func:`build`
resolves it with one precedence rule, field by field::

    command-line flag (given)  >  configuration file  >  default

(the configuration is ``.kubelint.yaml``, ``[tool.kubelint]`` or
``--config``, parsed by :mod:`kubelint.config`).  Path lists add up instead:
the configuration's entries (relative to its directory), then the flags'.
After :func:`build` nothing reads flags, the configuration file or module
globals: the command line hands the value to :func:`kubelint.runner.run`,
which hands it to each stage (``SchemaStage(version, settings)``,
``RuleSet(settings)``, ...), as kubeconform's ``validator.New(opts)``.
State that lives only while a run lasts (the secrets masker, the progress
indicator) is not a setting: it is passed to ``run`` beside it.

Adding an option (``--helm``, ``--policy``, ...):

1. a field on :class:`Settings` with its default and a comment naming its
   flag and configuration key;
2. the flag on ``cli.check`` (default ``None``) and/or the key in
   :mod:`kubelint.config` (``TOP_KEYS``, ``_build``, the JSON schema
   ``kubelint/data/config.schema.json``);
3. one line in :func:`build` that applies the precedence rule;
4. the stage that needs it reads ``settings.<field>``.

The API (tests, bench/) may also construct ``Settings(...)`` directly: the
defaults below are those of a serial run without configuration.
"""

from __future__ import annotations

import os
import sys

from . import record
from .suggest import did_you_mean

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only (strings): a run does not import typing (tests/test_startup.py)
    from typing import Mapping, Optional, Sequence, Tuple, Union

# A kubelint.config.Config. Named, not imported: config.py builds on this module
# (Limits, FAIL_ON, profiles), so the layout flows one way.
ConfigData = object


class Limits(record.FrozenRecord):
    """Bounds that keep hostile input from hanging or exhausting kubelint.

    Defaults are far above anything real manifests need: over the whole
    shared corpus (2,577 files) the maxima are a 2.8 MB file, 70 documents
    in a file, nesting depth 38, 30 nodes expanded through aliases and
    67,833 decoded nodes in a document.  Each is configurable on the
    command line (``--max-file-size``, ``--max-documents``, ``--max-depth``,
    ``--max-aliases``, ``--max-nodes``); see docs/robustness.md.
    """

    max_file_bytes: int = 32 * 1024 * 1024  # --max-file-size
    max_documents: int = 10_000  # --max-documents (non-empty documents per file)
    max_depth: int = 1_000  # --max-depth (nesting of mappings and sequences)
    # --max-aliases: nodes a document may produce by expanding aliases.
    # go-yaml v2's own alias ratio check (decode.go allowedAliasRatio)
    # always applies on top, as kubectl rejects such documents.
    max_aliases: int = 1_000_000
    # absolute cap on decoded nodes of a document, aliases included.  The
    # API server stores no object above ~1.5 MB (etcd's request limit), far
    # below a million nodes; PyYAML's composer needs ~400 bytes a node, so
    # a document is counted before it is composed when it could exceed this.
    max_nodes: int = 1_000_000  # --max-nodes
    # The API server's limit on a request body (apiserver MaxRequestBodyBytes;
    # kube-apiserver v1.37.2: "Request entity too large: limit is 3145728"),
    # not a flag: an object above it is rejected whatever kubelint says.
    # A document's JSON size is bounded below before composing (text without
    # indentation and comments) and, aliases expanded, while it is built.
    max_request_bytes: int = 3 * 1024 * 1024

    _FIELDS = ("max_file_bytes", "max_documents", "max_depth", "max_aliases", "max_nodes", "max_request_bytes")

    def __init__(
        self,
        max_file_bytes=max_file_bytes,
        max_documents=max_documents,
        max_depth=max_depth,
        max_aliases=max_aliases,
        max_nodes=max_nodes,
        max_request_bytes=max_request_bytes,
    ):
        object.__setattr__(self, "max_file_bytes", max_file_bytes)
        object.__setattr__(self, "max_documents", max_documents)
        object.__setattr__(self, "max_depth", max_depth)
        object.__setattr__(self, "max_aliases", max_aliases)
        object.__setattr__(self, "max_nodes", max_nodes)
        object.__setattr__(self, "max_request_bytes", max_request_bytes)

    __dataclass_fields__ = record.DataclassFields(frozen=True)


RECOMMENDED = "recommended"
PROFILES = {  # --profile / profile: rule sets (kubelint.engine applies them)
    "recommended": "the default set: precise rules a team can adopt on day one",
    "pss-baseline": "Pod Security Standards, baseline level: each control of the PodSecurity admission plugin",
    "pss-restricted": "Pod Security Standards, restricted level: the baseline controls and the restricted ones (a "
    "restricted control that replaces a baseline one reports alone)",
    "all": "every rule, opt-in ones included",
}
FAIL_ON = ("error", "warning", "info", "never")  # --fail-on / fail-on:
NO_SCHEMA = ("info", "error", "off")  # --no-schema


class HelmSettings(record.FrozenRecord):
    """How one Helm chart is rendered (``helm:`` in .kubelint.yaml; kubelint/render/helm.py)."""

    release: Optional[str] = None  # default: the chart's name
    namespace: Optional[str] = None  # default: the run's namespace
    values: Tuple[str, ...] = ()  # values files (absolute paths)
    set: Tuple[str, ...] = ()  # --set key=value
    set_string: Tuple[str, ...] = ()  # --set-string key=value
    api_versions: Tuple[str, ...] = ()  # --api-versions
    include_crds: bool = True
    skip_tests: bool = False

    _FIELDS = ("release", "namespace", "values", "set", "set_string", "api_versions", "include_crds", "skip_tests")

    def __init__(
        self,
        release=release,
        namespace=namespace,
        values=values,
        set=set,
        set_string=set_string,
        api_versions=api_versions,
        include_crds=include_crds,
        skip_tests=skip_tests,
    ):
        object.__setattr__(self, "release", release)
        object.__setattr__(self, "namespace", namespace)
        object.__setattr__(self, "values", values)
        object.__setattr__(self, "set", set)
        object.__setattr__(self, "set_string", set_string)
        object.__setattr__(self, "api_versions", api_versions)
        object.__setattr__(self, "include_crds", include_crds)
        object.__setattr__(self, "skip_tests", skip_tests)

    __dataclass_fields__ = record.DataclassFields(frozen=True)


class KustomizeSettings(record.FrozenRecord):
    """How kustomizations are built (``kustomize:``; kubelint/render/kustomize.py)."""

    enable_helm: bool = False  # --enable-helm (helmCharts: in kustomizations)
    load_restrictor: str = "rootOnly"  # "rootOnly" | "none"

    _FIELDS = ("enable_helm", "load_restrictor")

    def __init__(self, enable_helm=enable_helm, load_restrictor=load_restrictor):
        object.__setattr__(self, "enable_helm", enable_helm)
        object.__setattr__(self, "load_restrictor", load_restrictor)

    __dataclass_fields__ = record.DataclassFields(frozen=True)


class RenderSettings(record.FrozenRecord):
    """How charts and kustomize roots are rendered (``--helm``,
    ``--kustomize``, ``helm:``, ``kustomize:``; kubelint/render/)."""

    helm: Optional[str] = None  # --helm: the helm executable (default: helm on PATH)
    kustomize: Optional[str] = None  # --kustomize: kustomize or kubectl (default: kustomize, else kubectl, on PATH)
    helm_defaults: HelmSettings = HelmSettings()
    helm_charts: Tuple[Tuple[str, HelmSettings], ...] = ()  # (chart directory, its settings)
    kustomize_settings: KustomizeSettings = KustomizeSettings()
    timeout: float = 300.0  # seconds per render

    _FIELDS = ("helm", "kustomize", "helm_defaults", "helm_charts", "kustomize_settings", "timeout")

    def __init__(
        self,
        helm=helm,
        kustomize=kustomize,
        helm_defaults=helm_defaults,
        helm_charts=helm_charts,
        kustomize_settings=kustomize_settings,
        timeout=timeout,
    ):
        object.__setattr__(self, "helm", helm)
        object.__setattr__(self, "kustomize", kustomize)
        object.__setattr__(self, "helm_defaults", helm_defaults)
        object.__setattr__(self, "helm_charts", helm_charts)
        object.__setattr__(self, "kustomize_settings", kustomize_settings)
        object.__setattr__(self, "timeout", timeout)

    __dataclass_fields__ = record.DataclassFields(frozen=True)

    def for_chart(self, chart_dir: str) -> HelmSettings:
        real = os.path.realpath(chart_dir)
        for path, settings in self.helm_charts:
            if os.path.realpath(path) == real:
                return settings
        return self.helm_defaults


class SettingsError(Exception):
    """A setting that cannot be used; the message names the flag (exit status 2)."""


class Settings(record.FrozenRecord):
    """Every option of a run.  Frozen: derive a changed copy with
    :func:`dataclasses.replace`."""

    # -- what is checked, and how ---------------------------------------------
    kubernetes_version: Optional[str] = None  # --kubernetes-version / kubernetes-version: "1.37"; None = newest bundled
    default_namespace: str = "default"  # --namespace / namespace: of objects that name none
    no_schema_severity: str = "info"  # --no-schema: "info", "error" or "off"
    limits: Limits = Limits()  # --max-* / limits: bounds against hostile input
    context_paths: Tuple[str, ...] = ()  # --context: loaded for cross-object rules, not reported
    crd_paths: Tuple[str, ...] = ()  # crd: then --crd: CRDs used as schema sources, not reported
    schema_dirs: Tuple[str, ...] = ()  # schema-dir: then --schema-dir: JSON-schema catalogues for custom resources
    # Admission (kubelint/admission, docs/policies.md): policy: then --policy: ValidatingAdmissionPolicies,
    # bindings and params, loaded as context; namespace-labels: then --namespace-labels NS=k=v,...:
    # labels of namespaces outside the input, as ((namespace, ((key, value), ...)), ...)
    policy_paths: Tuple[str, ...] = ()
    namespace_labels: Tuple[Tuple[str, Tuple[Tuple[str, str], ...]], ...] = ()
    # The configuration file's rule policy: disable/enable/rules/exclude/missing-refs
    # (kubelint.config.Config: RuleSet applies it, the runner filters with it).
    config: Optional[ConfigData] = None
    # --jobs: worker processes for loading and per-object checks; None = auto (the command line's default:
    # kubelint.parallel.choose_workers picks from the work and the free cores)
    jobs: Optional[int] = 1
    profiles: Tuple[str, ...] = ()  # --profile / profile: rule sets (kubelint.engine.PROFILES); () = recommended
    # --pod-security-config / pod-security-config: the cluster's PodSecurity admission configuration
    # (kubelint.podsecurity.AdmissionConfig); None = the plugin's default (privileged everywhere, no exemptions)
    pod_security: Optional[object] = None
    debug: bool = False  # --debug: internal errors raise (tracebacks, secrets masked)
    # -- what is reported, and how ---------------------------------------------
    fail_on: str = "warning"  # --fail-on / fail-on: lowest severity that makes the exit status 1
    format: str = "text"  # --format: text, json, sarif, junit, github
    output: Optional[str] = None  # --output: the --format report goes to this file, the terminal gets text
    quiet: bool = False  # --quiet: no excerpts, nothing when clean
    color: bool = False  # not --no-color, no NO_COLOR, stdout a terminal
    progress: bool = False  # not --no-progress, text format, stderr a terminal
    baseline: Optional[str] = None  # --baseline: report only findings not recorded there
    write_baseline: Optional[str] = None  # --write-baseline: record the findings there and exit
    # -- repositories (kubelint/discover.py, kubelint/render/) -------------------
    render: RenderSettings = RenderSettings()  # --helm, --kustomize / helm:, kustomize:
    walked_files: bool = False  # --discover: named files are treated as a directory walk treats them
    show_skipped: bool = False  # --show-skipped: list the files that are not manifests
    # -- the results cache (kubelint/cache.py) -----------------------------------
    # --cache-dir / cache: DIR, --no-cache / cache: false; None = in memory only (the API's default;
    # build() defaults to kubelint.cache.default_dir())
    cache_dir: Optional[str] = None

    _FIELDS = (
        "kubernetes_version",
        "default_namespace",
        "no_schema_severity",
        "limits",
        "context_paths",
        "crd_paths",
        "schema_dirs",
        "policy_paths",
        "namespace_labels",
        "config",
        "jobs",
        "profiles",
        "pod_security",
        "debug",
        "fail_on",
        "format",
        "output",
        "quiet",
        "color",
        "progress",
        "baseline",
        "write_baseline",
        "render",
        "walked_files",
        "show_skipped",
        "cache_dir",
    )

    def __init__(
        self,
        kubernetes_version=kubernetes_version,
        default_namespace=default_namespace,
        no_schema_severity=no_schema_severity,
        limits=limits,
        context_paths=context_paths,
        crd_paths=crd_paths,
        schema_dirs=schema_dirs,
        policy_paths=policy_paths,
        namespace_labels=namespace_labels,
        config=config,
        jobs=jobs,
        profiles=profiles,
        pod_security=pod_security,
        debug=debug,
        fail_on=fail_on,
        format=format,
        output=output,
        quiet=quiet,
        color=color,
        progress=progress,
        baseline=baseline,
        write_baseline=write_baseline,
        render=render,
        walked_files=walked_files,
        show_skipped=show_skipped,
        cache_dir=cache_dir,
    ):
        object.__setattr__(self, "kubernetes_version", kubernetes_version)
        object.__setattr__(self, "default_namespace", default_namespace)
        object.__setattr__(self, "no_schema_severity", no_schema_severity)
        object.__setattr__(self, "limits", limits)
        object.__setattr__(self, "context_paths", context_paths)
        object.__setattr__(self, "crd_paths", crd_paths)
        object.__setattr__(self, "schema_dirs", schema_dirs)
        object.__setattr__(self, "policy_paths", policy_paths)
        object.__setattr__(self, "namespace_labels", namespace_labels)
        object.__setattr__(self, "config", config)
        object.__setattr__(self, "jobs", jobs)
        object.__setattr__(self, "profiles", profiles)
        object.__setattr__(self, "pod_security", pod_security)
        object.__setattr__(self, "debug", debug)
        object.__setattr__(self, "fail_on", fail_on)
        object.__setattr__(self, "format", format)
        object.__setattr__(self, "output", output)
        object.__setattr__(self, "quiet", quiet)
        object.__setattr__(self, "color", color)
        object.__setattr__(self, "progress", progress)
        object.__setattr__(self, "baseline", baseline)
        object.__setattr__(self, "write_baseline", write_baseline)
        object.__setattr__(self, "render", render)
        object.__setattr__(self, "walked_files", walked_files)
        object.__setattr__(self, "show_skipped", show_skipped)
        object.__setattr__(self, "cache_dir", cache_dir)

    __dataclass_fields__ = record.DataclassFields(frozen=True)


def minor_version(version) -> str:
    """``"v1.33.2"``, ``"1.33"`` -> ``"1.33"`` (a bundled schema's name)."""
    v = str(version).lstrip("v")
    return v.rsplit(".", 1)[0] if v.count(".") == 2 else v


def default_jobs() -> int:
    """Every core this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def _jobs(value) -> Optional[int]:
    """``--jobs``: ``None`` or ``"auto"`` -> ``None`` (auto), else a number >= 1."""
    if value is None or (isinstance(value, str) and value.strip().lower() == "auto"):
        return None
    try:
        jobs = int(value)
    except (TypeError, ValueError):
        raise SettingsError(f"--jobs must be a number of worker processes or 'auto', not {value!r}") from None
    if jobs < 1:
        raise SettingsError("--jobs must be at least 1")
    return jobs


def build(
    config: Optional[ConfigData] = None,
    *,
    kubernetes_version: Optional[str] = None,
    namespace: Optional[str] = None,
    no_schema: Optional[str] = None,
    limits: Optional[Mapping[str, int]] = None,
    context_paths: Sequence[str] = (),
    crd_paths: Sequence[str] = (),
    schema_dirs: Sequence[str] = (),
    policy_paths: Sequence[str] = (),
    namespace_labels: Sequence[str] = (),
    jobs: Union[int, str, None] = None,
    profiles: Sequence[str] = (),
    pod_security_config: Optional[str] = None,
    debug: bool = False,
    fail_on: Optional[str] = None,
    format: Optional[str] = None,
    output: Optional[str] = None,
    quiet: bool = False,
    color: Optional[bool] = None,
    progress: Optional[bool] = None,
    baseline: Optional[str] = None,
    write_baseline: Optional[str] = None,
    helm: Optional[str] = None,
    kustomize: Optional[str] = None,
    discover: bool = False,
    show_skipped: bool = False,
    no_cache: bool = False,
    cache_dir: Optional[str] = None,
) -> Settings:
    """The settings of a run from the command-line flags (``None``: not
    given) and the configuration file (``None``: none found).

    ``limits`` maps :class:`Limits` fields to the values
    of the ``--max-*`` flags that were given.  ``jobs`` (``--jobs``: a
    number or ``"auto"``) defaults to auto; ``color`` and ``progress`` default to "on a terminal" (and
    ``color`` to off under ``NO_COLOR``).  Raises :class:`SettingsError`.
    """
    from . import report

    cfg = config
    version = _version(_pick(kubernetes_version, cfg and cfg.kubernetes_version))
    format = format or "text"
    if format not in report.FORMATS:
        raise SettingsError(f"unknown --format {format!r}; choose one of {', '.join(report.FORMATS)}")
    jobs = _jobs(jobs)
    if profiles:  # --profile NAME (repeatable, or comma-separated) wins over profile:
        profiles = parse_profiles(",".join(profiles), lambda msg: SettingsError(f"--profile: {msg}"))
    pod_security = _pod_security(
        pod_security_config or (cfg.paths([cfg.pod_security_config])[0] if cfg and cfg.pod_security_config else None)
    )
    labels = _namespace_labels(cfg, namespace_labels)
    policies = (cfg.paths(cfg.policy) if cfg else ()) + tuple(policy_paths)
    for path in policies:  # context is never reported on: a missing policy file must not pass silently
        if not os.path.exists(path):
            raise SettingsError(f"--policy {path}: no such file or directory")
    if color is None:
        color = "NO_COLOR" not in os.environ and sys.stdout is not None and sys.stdout.isatty()
    if progress is None:
        progress = format == "text" and sys.stderr.isatty()
    return Settings(
        kubernetes_version=version,
        default_namespace=_pick(namespace, cfg and cfg.namespace, "default"),
        no_schema_severity=no_schema or "info",
        limits=Limits(**{**(cfg.limits if cfg else {}), **(limits or {})}),
        context_paths=tuple(context_paths),
        crd_paths=(cfg.paths(cfg.crd) if cfg else ()) + tuple(crd_paths),
        schema_dirs=(cfg.paths(cfg.schema_dir) if cfg else ()) + tuple(schema_dirs),
        policy_paths=policies,
        namespace_labels=tuple((ns, tuple(sorted(v.items()))) for ns, v in sorted(labels.items())),
        config=cfg,
        jobs=jobs,
        profiles=tuple(profiles) or (cfg.profiles if cfg else ()),
        pod_security=pod_security,
        debug=debug,
        fail_on=_pick(fail_on, cfg and cfg.fail_on, "warning"),
        format=format,
        output=output,
        quiet=quiet,
        color=color,
        progress=progress,
        baseline=baseline,
        write_baseline=write_baseline,
        render=RenderSettings(
            **{
                **(cfg.render if cfg else {}),
                **{k: v for k, v in (("helm", helm), ("kustomize", kustomize)) if v},
            }
        ),
        walked_files=discover,
        show_skipped=show_skipped,
        cache_dir=cache_location(cfg, no_cache, cache_dir),
    )


def cache_location(cfg: Optional[ConfigData], no_cache: bool = False, cache_dir: Optional[str] = None):
    """The results cache's directory: --no-cache (None), else --cache-dir, else ``cache:``, else the default."""
    if no_cache:
        return None
    if cache_dir:
        return os.path.abspath(os.path.expanduser(cache_dir))
    setting = getattr(cfg, "cache", None)
    if setting is False:
        return None
    if isinstance(setting, str):
        return setting
    from .cache import default_dir

    return default_dir()


def _version(version: Optional[str]) -> Optional[str]:
    """The bundled minor version (``"1.33"``) of a --kubernetes-version or ``kubernetes-version:`` value."""
    from . import data

    if version is None:
        return None
    minor = minor_version(version)
    if minor not in data.available_versions():
        raise SettingsError(
            f"unsupported --kubernetes-version {version!r}; bundled: {', '.join(data.available_versions())}"
        )
    return minor


def _pod_security(path: Optional[str]):
    """The PodSecurityConfiguration of --pod-security-config or ``pod-security-config:``, if any."""
    if not path:
        return None
    from .podsecurity import load_admission_config

    try:
        return load_admission_config(path)
    except ValueError as exc:
        raise SettingsError(str(exc)) from None


def _namespace_labels(cfg: Optional[ConfigData], flags: Sequence[str]) -> dict:
    """The configuration's namespace labels, then --namespace-labels NS=key=value,... over them."""
    labels = dict(cfg.namespace_labels) if cfg else {}
    for text in flags:
        from .admission.nslabels import parse_flag

        try:
            ns, ns_labels = parse_flag(text)
        except ValueError as exc:
            raise SettingsError(str(exc)) from None
        labels[ns] = ns_labels
    return labels


def parse_profiles(value, fail) -> Tuple[str, ...]:
    """``profile:`` / ``--profile``: a name, a comma-separated string or a list of names."""
    if isinstance(value, str):
        value = [v.strip() for v in value.split(",") if v.strip()]
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        raise fail(f"profile must be a profile name or a list of them ({', '.join(PROFILES)})")
    for v in value:
        if v not in PROFILES:
            raise fail(f'unknown profile "{v}"{did_you_mean(v, PROFILES)}; valid: {", ".join(PROFILES)}')
    return tuple(dict.fromkeys(value))


def _pick(*candidates):
    """The first given value: flag, then configuration, then default."""
    for value in candidates:
        if value:
            return value
    return None
