"""``kubelint lsp``: a Language Server Protocol server over stdio.

* :mod:`kubelint.lsp.analysis` -- :class:`Workspace`: one document's findings
  with the workspace's manifests as context (editor-independent);
* :mod:`kubelint.lsp.convert`  -- findings -> LSP diagnostics (ranges to the
  end of the offending node, UTF-16 columns, rule links);
* :mod:`kubelint.lsp.actions`  -- code actions: quick fixes, suppression
  comments, "explain this rule";
* :mod:`kubelint.lsp.hover`    -- hover: field documentation from the bundled
  schemas and workspace CRDs, and ``kubelint explain`` on a finding;
* :mod:`kubelint.lsp.server`   -- the pygls server: document sync, debouncing,
  background workspace indexing, configuration.
"""
