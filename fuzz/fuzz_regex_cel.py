"""Coverage-guided fuzz target for patterns and CEL rules (atheris; not run in CI).

Issue 13: CRD ``pattern``s, kubelint's Go-regexp checks and CEL rules come
from input.  For any pattern, value and rule:

* ``goregex`` compiles or gives Go's error (a ``GoRegexpError``, one line),
  and matching takes linear time (well under a second for these sizes);
* ``celcheck.rule_errors`` (the CRD-time checks) never raises and gives
  one-line messages;
* evaluating the rule (``cel.evaluate``, behind ``celcheck.runtime_guard``)
  never raises and ends within the guard's bounds.

Run through ``fuzz/run.sh regex_cel [SECONDS]``.
"""

import sys
import time

import atheris

with atheris.instrument_imports(include=["kubelint"]):
    from kubelint import cel, celcheck, crd, goregex

SCHEMAS = [
    {
        "type": "object",
        "properties": {
            "s": {"type": "string"},
            "n": {"type": "integer"},
            "l": {"type": "array", "items": {"type": "string"}},
            "m": {"type": "object", "additionalProperties": {"type": "string"}},
        },
    },
    {
        "type": "object",
        "properties": {
            "l": {
                "type": "array",
                "maxItems": 20,
                "items": {"type": "array", "maxItems": 20, "items": {"type": "integer"}},
            }
        },
    },
    {"type": "string", "maxLength": 50},
    {"type": "array", "items": {"type": "object", "x-kubernetes-preserve-unknown-fields": True}},
]
# CPU seconds (not wall-clock: a loaded machine must not make a "crash"): a
# regex search or a guarded CEL evaluation never gets near this
SLOW = 1.0


def _check_regex(pattern: str, value: str) -> None:
    err = goregex.error(pattern)
    if err is not None:
        assert str(err).startswith("error parsing regexp: ") and "\n" not in str(err).split(": `", 1)[0], err
        try:
            goregex.compile(pattern)
        except goregex.GoRegexpError:
            return
        raise AssertionError(f"compile accepted what error() rejected: {pattern!r}")
    rx = goregex.compile(pattern)
    start = time.process_time()
    rx.search(value)
    rx.fullmatch(value * 20)
    elapsed = time.process_time() - start
    assert elapsed < SLOW, (pattern, len(value), elapsed)


def _value(fdp, schema):
    t = schema.get("type")
    if t == "string":
        return fdp.ConsumeUnicodeNoSurrogates(60)
    if t == "array":
        return [{"x": fdp.ConsumeIntInRange(0, 9)} for _ in range(fdp.ConsumeIntInRange(0, 30))]
    n = fdp.ConsumeIntInRange(0, 40)
    return {
        "s": fdp.ConsumeUnicodeNoSurrogates(40),
        "n": fdp.ConsumeIntInRange(-5, 5),
        "l": [fdp.ConsumeUnicodeNoSurrogates(4) for _ in range(n)],
        "m": {str(i): "v" for i in range(fdp.ConsumeIntInRange(0, 10))},
    }


def _check_cel(rule: str, message_expression: str, schema: dict, value) -> None:
    spec = {"rule": rule}
    if message_expression:
        spec["messageExpression"] = message_expression
    for key, message, cost in celcheck.rule_errors(spec, schema, 1, root=False):
        assert key in ("rule", "messageExpression") and "\n" not in message and cost >= 0, (key, message)
    node = crd.compile_schema(schema)
    compiled = cel.compile_rule(spec, node)
    start = time.process_time()
    problems = cel.evaluate(compiled, value, node, ("spec",))
    elapsed = time.process_time() - start
    for p in problems:
        assert "\n" not in p.message, p
    assert elapsed < SLOW * 3, (rule, elapsed)


def TestOneInput(data: bytes) -> None:
    fdp = atheris.FuzzedDataProvider(data)
    pattern = fdp.ConsumeUnicode(fdp.ConsumeIntInRange(0, 80))
    value = fdp.ConsumeUnicode(fdp.ConsumeIntInRange(0, 400))
    _check_regex(pattern, value)
    schema = SCHEMAS[fdp.ConsumeIntInRange(0, len(SCHEMAS) - 1)]
    rule = fdp.ConsumeUnicodeNoSurrogates(fdp.ConsumeIntInRange(0, 160))
    message_expression = fdp.ConsumeUnicodeNoSurrogates(fdp.ConsumeIntInRange(0, 60))
    if cel.available():
        cel.reset_budget()
        _check_cel(rule, message_expression, schema, _value(fdp, schema))


def main() -> None:
    atheris.Setup(sys.argv, TestOneInput)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
