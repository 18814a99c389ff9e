"""JUnit XML report, as GitLab (``artifacts:reports:junit``), Jenkins
(junit step) and Azure DevOps (PublishTestResults, JUnit) read it.

* one ``<testsuite>`` per input file (name = repository-relative path);
* one ``<testcase>`` per Kubernetes object of the file (name = its
  identity, e.g. ``Deployment shop/web``; classname = the file), plus a
  ``(file)`` testcase for findings that belong to no object (YAML syntax,
  decoding) or for a file without objects;
* errors and warnings make the testcase fail: one ``<failure>`` whose
  ``message`` is the first finding and whose text lists them all as
  ``path:line:col: severity [rule] message``; ``info`` findings do not
  fail a testcase and are listed in its ``<system-out>``.

The output validates against the Jenkins/Surefire JUnit XSD
(tests/data/junit-10.xsd).  Times are ``0`` so reports are reproducible.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Dict, List
from xml.sax.saxutils import escape, quoteattr

from ..findings import INFO, RANK, WARNING
from . import location

FILE_CASE = "(file)"


def _xml_text(s: str) -> str:
    # XML 1.0 cannot carry most control characters, even escaped.
    s = "".join(
        c if c in "\t\n\r" or (" " <= c <= "\ud7ff") or ("\ue000" <= c <= "\ufffd") or c > "\uffff" else "\ufffd"
        for c in str(s)
    )
    return s


def _attr(s) -> str:
    return quoteattr(_xml_text(s), {"\n": "&#10;", "\r": "&#13;", "\t": "&#9;"})


def _cases(result) -> "OrderedDict[str, OrderedDict[str, list]]":
    """file -> case name -> findings, files and objects in input order."""
    suites: "OrderedDict[str, OrderedDict[str, list]]" = OrderedDict()
    inventory: Dict[str, list] = getattr(result, "objects", None) or {}
    names: Dict[tuple, str] = {}
    for path, refs in inventory.items():
        cases = suites.setdefault(path, OrderedDict())
        counts: Dict[str, int] = {}
        for ref in refs:
            name = ref.display()
            counts[name] = counts.get(name, 0) + 1
            unique = name if counts[name] == 1 else f"{name} #{counts[name]}"
            cases.setdefault(unique, [])
            names.setdefault((path, ref), unique)
        if not refs:
            cases.setdefault(FILE_CASE, [])
    for f in result.findings:
        cases = suites.setdefault(f.file, OrderedDict())
        if f.object is None:
            name = FILE_CASE
        else:
            name = names.get((f.file, f.object)) or f.object.display()
        cases.setdefault(name, []).append(f)
    return suites


def render(result, options=None) -> str:
    root = location.repo_root()
    suites = _cases(result)
    body: List[str] = []
    total_tests = total_failures = 0
    for path, cases in suites.items():
        rel = location.display(path, root)
        failures = sum(1 for fs in cases.values() if any(RANK[f.severity] >= RANK[WARNING] for f in fs))
        total_tests += len(cases)
        total_failures += failures
        body.append(
            f'  <testsuite name={_attr(rel)} tests="{len(cases)}" failures="{failures}" errors="0" skipped="0" '
            f'time="0" file={_attr(rel)}>'
        )
        for name, fs in cases.items():
            head = f'    <testcase name={_attr(name)} classname={_attr(rel)} time="0"'
            failing = [f for f in fs if RANK[f.severity] >= RANK[WARNING]]
            infos = [f for f in fs if f.severity == INFO]
            if not failing and not infos:
                body.append(head + "/>")
                continue
            body.append(head + ">")
            if failing:
                worst = max(failing, key=lambda f: RANK[f.severity])
                first = failing[0]
                text = "\n".join(_line(f, rel) for f in failing)
                body.append(
                    f"      <failure type={_attr(worst.severity)} message={_attr(f'[{first.rule}] {first.text()}')}>"
                    f"{escape(_xml_text(text))}</failure>"
                )
            if infos:
                text = "\n".join(_line(f, rel) for f in infos)
                body.append(f"      <system-out>{escape(_xml_text(text))}</system-out>")
            body.append("    </testcase>")
        body.append("  </testsuite>")
    head = (
        f'<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<testsuites name="kubelint" tests="{total_tests}" failures="{total_failures}" errors="0" time="0">'
    )
    return "\n".join([head, *body, "</testsuites>"]) + "\n"


def _line(f, rel: str) -> str:
    return f"{rel}:{f.line}:{f.column}: {f.severity} [{f.rule}] {f.text()}"
