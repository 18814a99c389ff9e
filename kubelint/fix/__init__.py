"""Fixes: ``kubelint fix`` / ``kubelint check --fix`` and editor quick fixes.

* :mod:`kubelint.fix.model`    -- :class:`Edit` and :class:`Fix`, the data a
  finding carries (independent of the command line);
* :mod:`kubelint.fix.yamltext` -- locate a node by path in the text, produce
  minimal edits (ruamel.yaml renders new blocks in the file's indentation);
* :mod:`kubelint.fix.fixers`   -- one fixer per rule id (:data:`FIXERS`),
  safe or unsafe; :mod:`kubelint.fix.migrate` -- the API migrations;
* :mod:`kubelint.fix.stage`    -- plan, verify and apply (re-checking every fix);
* :mod:`kubelint.fix.files`    -- files on disk: what may be edited, atomic writes, diffs;
* :mod:`kubelint.fix.ids`      -- the rule ids that have a fixer (a check asks without loading the rest).
"""

__all__ = ["Edit", "Fix", "apply_edits"]


def __getattr__(name):  # the fix model loads with the first use, not with kubelint.fix.ids (a plain check)
    if name in __all__:
        from . import model

        return getattr(model, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
