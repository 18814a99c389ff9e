"""The ``helm:`` and ``kustomize:`` sections of ``.kubelint.yaml``::

    helm:
      release: web                 # default: the chart's name
      namespace: shop              # default: --namespace / namespace: / default
      values: [deploy/prod.yaml]   # values files (relative to this file)
      set: {image.tag: "1.2.3"}    # --set (a mapping, or a list of key=value)
      set-string: {build: "0123"}  # --set-string
      api-versions: [monitoring.coreos.com/v1]
      include-crds: true           # render crds/ too (default true)
      skip-tests: false            # leave out Helm test hooks
      charts:                      # per chart directory (relative to this file): the same keys
        charts/podinfo:
          namespace: podinfo
          values: [charts/podinfo/values-prod.yaml]
    kustomize:
      enable-helm: false           # kustomize build --enable-helm (helmCharts:)
      load-restrictor: rootOnly    # or none (--load-restrictor LoadRestrictionsNone)

Errors are raised through ``err(path, message)`` (a ConfigError at the
key's line), as for every other setting.
"""

from __future__ import annotations

import dataclasses
import os
import re

from ..settings import HelmSettings, KustomizeSettings
from ..suggest import did_you_mean

HELM_KEYS = ("release", "namespace", "values", "set", "set-string", "api-versions", "include-crds", "skip-tests")
KUSTOMIZE_KEYS = ("enable-helm", "load-restrictor")
_NAME = re.compile(r"^[a-z0-9]([-a-z0-9]{0,51}[a-z0-9])?$")


def _helm(value, p, err, base_dir, defaults: HelmSettings, allow_charts: bool):
    if not isinstance(value, dict):
        raise err(p, "helm must be a mapping (see docs/repositories.md)")
    out = {}
    charts = {}
    for key, v in value.items():
        kp = p + (key,)
        if key == "charts" and allow_charts:
            if not isinstance(v, dict):
                raise err(kp, "helm.charts must map chart directories to settings")
            charts = v
            continue
        if key not in HELM_KEYS:
            valid = HELM_KEYS + (("charts",) if allow_charts else ())
            raise err(kp, f'unknown helm setting "{key}"{did_you_mean(str(key), valid)}; valid: {", ".join(valid)}')
        if key in ("release", "namespace"):
            if not isinstance(v, str) or not _NAME.match(v):
                raise err(kp, f"helm {key} must be a lower-case DNS label, found {v!r}")
            out[key] = v
        elif key in ("include-crds", "skip-tests"):
            if not isinstance(v, bool):
                raise err(kp, f"helm {key} must be true or false, found {v!r}")
            out[key.replace("-", "_")] = v
        elif key in ("set", "set-string"):
            if isinstance(v, dict):
                items = [f"{k}={_scalar(x)}" for k, x in v.items()]
            elif isinstance(v, list) and all(isinstance(x, str) and "=" in x for x in v):
                items = list(v)
            else:
                raise err(kp, f"helm {key} must be a mapping of key to value, or a list of key=value")
            out[key.replace("-", "_")] = tuple(items)
        else:  # values, api-versions
            if isinstance(v, str):
                v = [v]
            if not isinstance(v, list) or not all(isinstance(x, str) for x in v):
                raise err(kp, f"helm {key} must be a list of strings")
            if key == "values":
                full = []
                for i, f in enumerate(v):
                    path = f if os.path.isabs(f) else os.path.normpath(os.path.join(base_dir, f))
                    if not os.path.isfile(path):
                        raise err(
                            kp + (i,),
                            f"helm values file {f!r} not found (paths are relative to the configuration file)",
                        )
                    full.append(path)
                out["values"] = tuple(full)
            else:
                out["api_versions"] = tuple(v)
    settings = dataclasses.replace(defaults, **out)
    per_chart = []
    for chart, cv in charts.items():
        cp = p + ("charts", chart)
        path = chart if os.path.isabs(chart) else os.path.normpath(os.path.join(base_dir, str(chart)))
        if not os.path.isfile(os.path.join(path, "Chart.yaml")):
            raise err(
                cp,
                f"helm.charts: {chart!r} is not a chart directory (no Chart.yaml; paths are relative to the "
                "configuration file)",
            )
        chart_settings, _ = _helm(cv, cp, err, base_dir, settings, False)
        per_chart.append((path, chart_settings))
    return settings, tuple(per_chart)


def _scalar(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    return "" if v is None else str(v)


def _kustomize(value, p, err) -> KustomizeSettings:
    if not isinstance(value, dict):
        raise err(p, "kustomize must be a mapping (see docs/repositories.md)")
    out = {}
    for key, v in value.items():
        kp = p + (key,)
        if key not in KUSTOMIZE_KEYS:
            raise err(
                kp,
                f'unknown kustomize setting "{key}"{did_you_mean(str(key), KUSTOMIZE_KEYS)}; '
                f"valid: {', '.join(KUSTOMIZE_KEYS)}",
            )
        if key == "enable-helm":
            if not isinstance(v, bool):
                raise err(kp, f"kustomize enable-helm must be true or false, found {v!r}")
            out["enable_helm"] = v
        else:
            if v not in ("rootOnly", "none"):
                raise err(kp, f"kustomize load-restrictor must be rootOnly or none, found {v!r}")
            out["load_restrictor"] = v
    return KustomizeSettings(**out)


def parse(section: str, value, p, err, base_dir: str, current: dict) -> dict:
    """Fill ``current`` (RenderSettings fields) from one configuration section."""
    if section == "helm":
        defaults, charts = _helm(value, p, err, base_dir, HelmSettings(), True)
        current["helm_defaults"] = defaults
        current["helm_charts"] = charts
    else:
        current["kustomize_settings"] = _kustomize(value, p, err)
    return current
