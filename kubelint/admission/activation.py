"""The activation of one admission evaluation: the bound CEL variables, the
policy's ``variables`` evaluated lazily, and the error texts of cel-go
(``plugin/cel/activation.go`` ``evaluationActivation.Evaluate``,
``plugin/cel/composition.go`` ``variableAccessor.Callback``).

Shared by the policy stage (:mod:`.stage`) and custom rules (:mod:`.custom`).
"""

from __future__ import annotations

import re
from typing import Dict, Optional

from . import celenv


class NotEvaluable(Exception):
    """An expression this engine cannot run (the server can): reported as
    not evaluated, never as a verdict."""


class Env:
    """The activation of one validation: the bound variables, and the
    policy's ``variables`` evaluated lazily (once, errors kept)."""

    def __init__(self, stage, policy, binding, ctx, known_ns):
        self.stage = stage
        self.policy = policy
        self.ctx = ctx
        self.known_ns = known_ns
        self.values: Dict[str, object] = {}
        self.errors: Dict[str, str] = {}
        self.unsupported: Dict[str, str] = {}
        self.bound = False
        self.nulls: Dict[str, bool] = {}

    def _variables(self, needed):
        # Variables may use earlier variables: evaluate in order up to the last needed one.
        order = [n for n, _c in self.policy.variables]
        todo = [
            i
            for i, n in enumerate(order)
            if n in needed and n not in self.values and n not in self.errors and n not in self.unsupported
        ]
        if not todo:
            return
        for i in range(max(todo) + 1):
            name, c = self.policy.variables[i]
            if name in self.values or name in self.errors or name in self.unsupported:
                continue
            try:
                res, err = self.run(c, as_variable=name)
            except NotEvaluable as exc:
                self.unsupported[name] = str(exc)
                continue
            if err is not None:
                self.errors[name] = err
            else:
                self.values[name] = res
            self.ctx.add_variable("variables", dict(self.values))

    def _null_select(self, c: celenv.Compiled) -> Optional[str]:
        """cel-go selecting a field of a null variable (params without
        paramRef, oldObject on a create, namespaceObject of a cluster-scoped
        object) fails with ``no such key: <field>``; this engine with ``no
        such overload``."""
        stripped = celenv.strip_literals(c.expression)
        for var in ("params", "oldObject", "namespaceObject"):
            if self.nulls.get(var):
                m = re.search(r"(?<![\w.])" + var + r"\s*\.\s*([A-Za-z_]\w*)", stripped)
                if m:
                    return f"no such key: {m.group(1)}"
        return None

    def run(self, c: celenv.Compiled, as_variable: Optional[str] = None):
        """(result, None) or (None, the server's error text); raises
        NotEvaluable when this engine cannot run it."""
        if c is None:
            raise NotEvaluable("has no expression")
        if c.uses_authorizer:
            raise NotEvaluable(
                "calls the authorizer, which needs the cluster's authorization (RBAC) and is not evaluable offline"
            )
        if c.unsupported:
            raise NotEvaluable(f"is not evaluated: {c.unsupported}")
        if c.error:
            return None, f"compilation error: {c.error}"
        if not self.known_ns and "namespaceObject" in celenv.strip_literals(c.expression):
            raise NotEvaluable(
                "reads namespaceObject, and the namespace is not in the input (give its labels with --namespace-labels)"
            )
        if c.depth >= 2:  # nested comprehensions: bounded before the engine runs them
            n = self.stage.largest_collection(c.splits)
            if n**c.depth > celenv.RUNTIME_COST_BUDGET:
                raise NotEvaluable(
                    f"is not evaluated: {c.depth} nested comprehensions over collections of up to {n} "
                    f"items can cost {n}^{c.depth} > {celenv.RUNTIME_COST_BUDGET:,}, the server's "
                    "budget (it stops with 'running out of cost budget')"
                )
        if c.variables_used:
            if not self.bound:
                self.ctx.add_variable("variables", {})
                self.bound = True
            self._variables(c.variables_used)
            for n in sorted(c.variables_used):
                if n in self.unsupported:
                    raise NotEvaluable(f"uses variable '{n}', which {self.unsupported[n]}")
            for n in sorted(c.variables_used):
                if n in self.errors and n not in self.values:
                    msg = f'composited variable "{n}" fails to evaluate: {self.errors[n]}'
                    if as_variable:
                        return None, msg
                    return None, f"expression '{c.expression}' resulted in error: {msg}"
        elif not self.bound:
            self.ctx.add_variable("variables", {})
            self.bound = True
        res, exc = celenv.evaluate(c, self.ctx)
        if exc is not None:
            text, certain = celenv.runtime_error_text(exc)
            if text == "no such overload":
                null = self._null_select(c)
                text, certain = (null, True) if null else (text, False)
            if not certain:
                raise NotEvaluable(f"is not evaluated: the CEL engine failed where cel-go may not ({text})")
            if as_variable:
                return None, text
            return None, f"expression '{c.expression}' resulted in error: {text}"
        return res, None
