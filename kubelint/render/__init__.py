"""Rendering: Helm charts and kustomize roots become checked objects.

The runner hands the :class:`kubelint.discover.Source` values of a run to
:func:`kubelint.render.stage.load`, which renders them (one ``helm template`` or ``kustomize
build`` subprocess per chart or root, ``--jobs`` of them at a time) and
returns one :class:`kubelint.phases.FileResult` per source:

* rendered: the objects of the rendered stream, parsed by the loader like
  any file under a stream name (``charts/app (helm template)``), with
  ``origin`` set to a :class:`Rendered` that knows the way back to the
  source files.  Helm objects without a namespace get the namespace Helm
  renders into; kustomize's origin annotations are removed.
* not rendered: one finding at Chart.yaml / kustomization.yaml (the tool is
  missing: what to install or which pipe to use; the tool failed: its own
  message), and no object: nothing in a chart or root is parsed as YAML.

After suppressions, :func:`kubelint.render.stage.map_findings` moves every finding of a stream
to its source file and position (see :mod:`kubelint.render.helm` and
:mod:`kubelint.render.kustomize`) and attaches a
:class:`kubelint.findings.RenderOrigin` (tool, chart or root, rendered
line) that reporters show and the JSON/SARIF outputs carry.
"""
