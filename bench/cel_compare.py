"""Compare the two CEL libraries on the package index for kubelint's
x-kubernetes-validations: ``cel-python`` (module ``celpy``, pure Python)
and ``common-expression-language`` (module ``cel``, Rust bindings).

Correctness: a set of Kubernetes-style rules with the verdict cel-go (the
API server's CEL) gives; each library must compile the rule and return the
same boolean.  Kubernetes library functions (strings ext etc.) are
registered the same way for both (member-style custom functions).

Speed: compile every rule once, then evaluate each against its object N
times; the figure is the ratio of the two libraries' times in this run.

    python3 bench/cel_compare.py [N]

With ``--corpus DIR`` it also measures, in the same run, what custom
resources cost on a real tree: the whole pipeline (``runner.run``: load, every
stage, cross-object rules; not the report/masking) with and without the CRD
stage (best of 5, alternating, separate processes; the machine may be shared,
so also the CRD stage's own time inside one run), and the
CRD walker against jsonschema (a Draft 4 validator per CRD version, built
once) on every custom resource of DIR that has a CRD there.

    python3 bench/cel_compare.py 200 --corpus ../shared/corpus
"""

from __future__ import annotations

import sys
import time

# (rule, self, expected verdict from cel-go)
CASES = [
    ("self.minReplicas <= self.replicas", {"minReplicas": 1, "replicas": 3}, True),
    ("self.minReplicas <= self.replicas", {"minReplicas": 5, "replicas": 3}, False),
    ("has(self.tls) || self.port != 443", {"port": 443}, False),
    ("!has(self.a) || !has(self.b)", {"a": 1}, True),
    ("self.all(x, x.size() <= 10)", ["abc", "defghijklmnop"], False),
    ("self.name.matches('^[a-z][a-z0-9-]*$')", {"name": "web-1"}, True),
    ("self.name.matches('^[a-z][a-z0-9-]*$')", {"name": "Web"}, False),
    ("size(self.items) <= 5", {"items": [1, 2, 3]}, True),
    ("self.items.map(x, x.name).exists_one(n, n == 'a')", {"items": [{"name": "a"}, {"name": "b"}]}, True),
    ("self.items.filter(x, x.weight > 0).size() >= 1", {"items": [{"weight": 0}]}, False),
    ("self.m.all(k, k.startsWith('x-'))", {"m": {"x-a": "1", "b": "2"}}, False),
    ("'default' in self.m", {"m": {"default": 1}}, True),
    ("self.weight >= 0.5", {"weight": 1}, True),  # number field holding 1 (cel-go: cross-type numeric comparison)
    ("self.s.lowerAscii() == 'abc'", {"s": "AbC"}, True),
    ("self.s.split(',').size() == 3", {"s": "a,b,c"}, True),
    ("self.l.join('-') == 'a-b'", {"l": ["a", "b"]}, True),
    ("self.s.indexOf('b') == 1", {"s": "abc"}, True),
    ("self.s.replace('-', '_') == 'a_b'", {"s": "a-b"}, True),
    ("self.s.trim() == 'x'", {"s": " x "}, True),
    ("self.type == 'A' ? has(self.a) : !has(self.a)", {"type": "B", "a": 1}, False),
    ("int(self.port) < 65536", {"port": 8080}, True),
    ("self.x / 2 == 1", {"x": 3}, True),
    ("duration(self.d) < duration('1h')", {"d": "30m"}, True),
    ("timestamp(self.t) > timestamp('2000-01-01T00:00:00Z')", {"t": "2020-01-01T00:00:00Z"}, True),
    ("self.endpoints.all(e, e.port > 0 && e.port < 65536)", {"endpoints": [{"port": 80}, {"port": 0}]}, False),
    ("type(self) == string", "x", True),
]

FUNCS = {
    "lowerAscii": lambda s: s.lower(),
    "split": lambda s, sep: s.split(sep),
    "join": lambda l, sep="": sep.join(l),
    "indexOf": lambda s, sub: s.find(sub),
    "replace": lambda s, a, b: s.replace(a, b),
    "trim": lambda s: s.strip(),
}


def rust_lib():
    import cel

    def prep(rule):
        return cel.compile(rule)

    def run(prog, value):
        ctx = cel.Context()
        ctx.add_variable("self", value)
        for name, fn in FUNCS.items():
            ctx.add_function(name, fn)
        return prog.execute(ctx)

    return "common-expression-language (cel, Rust)", prep, run


def py_lib():
    import celpy
    from celpy import celtypes as ct

    def wrap(fn):
        def f(*args):
            r = fn(*args)
            if isinstance(r, str):
                return ct.StringType(r)
            if isinstance(r, int):
                return ct.IntType(r)
            if isinstance(r, list):
                return ct.ListType([ct.StringType(x) for x in r])
            return r

        return f

    funcs = {k: wrap(v) for k, v in FUNCS.items()}
    env = celpy.Environment()

    def prep(rule):
        return env.program(env.compile(rule), functions=funcs)

    def run(prog, value):
        return prog.evaluate({"self": celpy.json_to_cel(value)})

    return "cel-python (celpy, pure Python)", prep, run


def measure(lib, n):
    name, prep, run = lib
    ok, wrong, failed = 0, [], []
    progs = []
    t0 = time.perf_counter()
    for rule, _value, _want in CASES:
        try:
            prog = prep(rule)
        except Exception as exc:  # noqa: BLE001
            failed.append((rule, f"compile: {exc}"[:80]))
            progs.append(None)
            continue
        progs.append(prog)
    t_compile = time.perf_counter() - t0
    for (rule, value, want), prog in zip(CASES, progs):
        if prog is None:
            continue
        try:
            got = run(prog, value)
        except Exception as exc:  # noqa: BLE001
            failed.append((rule, f"eval: {exc}"[:80]))
            continue
        if bool(got) == want and isinstance(got, (bool, int)):
            ok += 1
        else:
            wrong.append((rule, got))
    good = [(p, c[1]) for p, c in zip(progs, CASES) if p is not None]
    t0 = time.perf_counter()
    for _ in range(n):
        for prog, value in good:
            try:
                run(prog, value)
            except Exception:  # noqa: BLE001
                pass
    t_eval = time.perf_counter() - t0
    return name, ok, wrong, failed, t_compile, t_eval, len(good)


_NO_CRD = """
import sys
from kubelint import runner
from kubelint.settings import Settings
build = runner.build_context
def without_crd(settings):  # the run without the CRD stage
    ctx = build(settings)
    ctx.stages = [s for s in ctx.stages if s.name != "crd"]
    ctx.prepare = [s for s in ctx.prepare if s.name != "crd"]
    ctx.stages[0].custom_kinds = None  # the schema stage asks the CRD stage about custom kinds
    return ctx
runner.build_context = without_crd
runner.run([sys.argv[1]], Settings())
"""
_WITH_CRD = _NO_CRD.replace("runner.build_context = without_crd", "pass")


def corpus_ratio(corpus: str) -> None:
    import os
    import subprocess

    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    import resource

    times = {"with": [], "without": []}
    cpu = {"with": [], "without": []}
    for _ in range(5):
        for label, code in (("without", _NO_CRD), ("with", _WITH_CRD)):
            r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
            t0 = time.perf_counter()
            subprocess.run(
                [sys.executable, "-c", code, corpus], cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
            )
            times[label].append(time.perf_counter() - t0)
            r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu[label].append(r1.ru_utime - r0.ru_utime + r1.ru_stime - r0.ru_stime)
    w, wo = min(times["with"]), min(times["without"])
    cw, cwo = min(cpu["with"]), min(cpu["without"])
    print(
        f"corpus {corpus}: kubelint check with the CRD stage {w:.2f} s wall / {cw:.2f} s CPU, without {wo:.2f} s "
        f"/ {cwo:.2f} s: "
        f"ratio {w / wo:.2f} wall, {cw / cwo:.2f} CPU"
    )
    # Inside one run: the CRD stage's share (CR validation + the CRDs' own checks).
    from kubelint import crd, runner

    spent = {"crd": 0.0}
    for meth in ("check_object", "prepare"):
        f = getattr(crd.CrdStage, meth)

        def wrapped(self, *a, _f=f, **k):
            t0 = time.perf_counter()
            try:
                return _f(self, *a, **k)
            finally:
                spent["crd"] += time.perf_counter() - t0

        setattr(crd.CrdStage, meth, wrapped)
    t0 = time.perf_counter()
    runner.run([corpus], runner.Settings())
    total = time.perf_counter() - t0
    print(
        f"one run in-process: total {total:.2f} s, CRD stage {spent['crd']:.2f} s ({spent['crd'] / total:.0%}); "
        f"ratio total/(total - CRD stage) {total / (total - spent['crd']):.2f}"
    )


def walker_vs_jsonschema(corpus: str) -> None:
    import os

    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    import jsonschema

    from kubelint import crd
    from kubelint.loader import Limits, iter_load
    from kubelint.phases import objects_of

    objs = [o for loaded in iter_load([corpus], Limits()) for o in objects_of(loaded).objects]
    stage = crd.CrdStage("1.37", None, None)
    stage.prepare(objs)
    pairs = []
    for o in objs:
        c = stage._crd_for(o)
        v = c.versions.get(o.version) if c else None
        if v is not None and v.schema:
            pairs.append((o, v))
    t0 = time.perf_counter()
    nodes = {id(v): v.node() for _, v in pairs}
    t_compile = time.perf_counter() - t0
    t0 = time.perf_counter()
    for _ in range(5):
        for o, v in pairs:
            stage._validate(o, nodes[id(v)], [])  # schema walk + metadata + CEL
    t_walk = (time.perf_counter() - t0) / 5
    t0 = time.perf_counter()
    validators = {id(v): jsonschema.Draft4Validator(v.schema) for _, v in pairs}
    t_js_compile = time.perf_counter() - t0
    t0 = time.perf_counter()
    for _ in range(5):
        for o, v in pairs:
            list(validators[id(v)].iter_errors(o.data))
    t_js = (time.perf_counter() - t0) / 5
    print(
        f"{len(pairs)} custom resources with a CRD in {corpus}, {len(nodes)} schemas: "
        f"walker compile {t_compile * 1000:.0f} ms + validate {t_walk * 1000:.0f} ms (incl. CEL and metadata); "
        f"jsonschema Draft4 build {t_js_compile * 1000:.0f} ms + validate {t_js * 1000:.0f} ms (no CEL, no list "
        "types, no pruning): "
        f"validate ratio jsonschema/walker {t_js / t_walk:.1f}x"
    )


def main():
    args = sys.argv[1:]
    if "--corpus" in args:
        i = args.index("--corpus")
        corpus = args[i + 1]
        del args[i : i + 2]
        walker_vs_jsonschema(corpus)
        corpus_ratio(corpus)
    n = int(args[0]) if args else 200
    results = [measure(lib(), n) for lib in (rust_lib, py_lib)]
    for name, ok, wrong, failed, tc, te, k in results:
        print(
            f"{name}: {ok}/{len(CASES)} correct; compile {tc * 1000:.1f} ms for {len(CASES)} rules; "
            f"{n}x{k} evaluations {te:.3f} s ({te / (n * k) * 1e6:.1f} us each)"
        )
        for rule, got in wrong:
            print(f"   wrong: {rule!r} -> {got!r}")
        for rule, why in failed:
            print(f"   failed: {rule!r}: {why}")
    (_, _, _, _, tc1, te1, k1), (_, _, _, _, tc2, te2, k2) = results
    print(
        f"ratio (cel-python / common-expression-language): compile {tc2 / tc1:.1f}x, "
        f"evaluation per rule {(te2 / k2) / (te1 / k1):.1f}x"
    )


if __name__ == "__main__":
    main()
