"""Concept rules: one module per family; every function is registered with
:func:`kubelint.engine.check` / :func:`kubelint.engine.check_all` under the
id of its catalogue entry in ``rules/``.  Modules here are imported
automatically."""
