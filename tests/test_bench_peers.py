"""bench/kubeconform_schemas.py: the local schemas kubeconform is given in
the peer benchmark (bench/README.md) are named as kubeconform looks them up
and are self-contained, strict and complete. (Correctness of the bench's
set-up, not a speed measurement.)"""

import importlib.util
import json

import pytest

from conftest import ROOT, SHARED

DEFINITIONS = SHARED / "k8s" / "definitions" / "v1.37.json"


def _module():
    spec = importlib.util.spec_from_file_location("kubeconform_schemas", ROOT / "bench" / "kubeconform_schemas.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_file_names_follow_kubeconforms_kind_suffix():
    # kubeconform: "{{ .ResourceKind }}{{ .KindSuffix }}.json", the kind in lower case, then
    # "-" + the group's first label + "-" + the version (registry.schemaPath).
    name = _module().file_name
    assert name("", "v1", "Service") == "service-v1.json"
    assert name("apps", "v1", "Deployment") == "deployment-apps-v1.json"
    assert name("networking.k8s.io", "v1", "Ingress") == "ingress-networking-v1.json"
    assert name("rbac.authorization.k8s.io", "v1", "ClusterRole") == "clusterrole-rbac-v1.json"


@pytest.mark.skipif(not DEFINITIONS.is_file(), reason="shared API definitions not available")
def test_schemas_are_self_contained_and_strict(tmp_path):
    mod = _module()
    assert mod.generate(str(DEFINITIONS), str(tmp_path)) >= 300
    deployment = json.loads((tmp_path / "deployment-apps-v1.json").read_text())
    assert deployment["additionalProperties"] is False
    assert "io.k8s.api.core.v1.PodSpec" in deployment["$defs"]
    for path in (tmp_path / "customresourcedefinition-apiextensions-v1.json", tmp_path / "pod-v1.json"):
        schema = json.loads(path.read_text())
        refs = set()
        mod._refs(schema, refs)
        assert refs and refs <= set(schema["$defs"])  # every $ref resolves inside the file
    # The recursive JSONSchemaProps is kept whole, not cut at some depth.
    crd = json.loads((tmp_path / "customresourcedefinition-apiextensions-v1.json").read_text())
    props = crd["$defs"]["io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps"]
    assert "#/$defs/io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps" in json.dumps(props)
