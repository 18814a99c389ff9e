"""kubelint: a Kubernetes manifest linter and static validator.

Pipeline (one module per stage, data flows one way):

    loader   files/dirs/stdin -> Documents (plain data + position shadow)
    model    Documents -> KubeObject (typed view of one Kubernetes object)
    schema   structural validation against the bundled OpenAPI-derived schemas
    apiserver  the API server's Go validation beyond the schema
    engine   rule catalogue, single-object and cross-object concept rules
    report   text / json / sarif / junit / github
"""

__version__ = "0.1.0"
