"""Rule ids of custom-resource validation (catalogue: rules/crd.yaml; the schema
family ids are in rules/schema.yaml) and the constants naming a CRD."""

CRD_GROUP = "apiextensions.k8s.io"
CRD_KIND = "CustomResourceDefinition"
OBJECT_META = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"

UNKNOWN_FIELD = "unknown-field"
INVALID_TYPE = "invalid-type"
MISSING_REQUIRED = "missing-required-field"
INVALID_VALUE = "cr-invalid-value"
DUPLICATE_ITEM = "cr-duplicate-list-item"
RULE_FAILED = "cr-validation-rule"
RULE_SKIPPED = "cr-validation-rule-skipped"
VERSION_NOT_SERVED = "cr-version-not-served"
UNKNOWN_KIND = "cr-unknown-kind"
DEPRECATED_VERSION = "cr-deprecated-version"
CRD_INVALID = "crd-invalid"
