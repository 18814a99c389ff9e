"""Fixes: ``kubelint fix`` / ``kubelint check --fix`` and editor quick fixes.

* :mod:`kubelint.fix.model`    -- :class:`Edit` and :class:`Fix`, the data a
  finding carries (independent of the command line);
* :mod:`kubelint.fix.yamltext` -- locate a node by path in the text, produce
  minimal edits (ruamel.yaml renders new blocks in the file's indentation);
* :mod:`kubelint.fix.fixers`   -- one fixer per rule id (:data:`FIXERS`),
  safe or unsafe; :mod:`kubelint.fix.migrate` -- the API migrations;
* :mod:`kubelint.fix.stage`    -- plan, verify and apply (re-checking every fix);
* :mod:`kubelint.fix.files`    -- files on disk: what may be edited, atomic writes, diffs.
"""

from .model import Edit, Fix, apply_edits

__all__ = ["Edit", "Fix", "apply_edits"]
