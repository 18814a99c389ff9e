"""The API-server validators never raise on odd shapes: every conformance
case, with values swapped for odd types (the schema layer reports those;
the validators must skip them quietly)."""

from test_conformance import CASES


def test_validators_survive_odd_shapes():
    """API-server validators never raise: every case, with values swapped for
    odd types (the schema layer reports those; the validators must skip them)."""
    import copy
    import random

    import yaml

    from kubelint.apiserver.stage import ApiServerStage, validators

    stage = ApiServerStage("1.37")
    odd = [None, [], {}, 1, -1, "x", True, 1.5, [1, "a"], {"a": None}, "", 10**20, "${X}"]
    rnd = random.Random(4)

    def paths(node, p=()):
        yield p
        if isinstance(node, dict):
            for k, val in node.items():
                yield from paths(val, p + (k,))
        elif isinstance(node, list):
            for i, val in enumerate(node):
                yield from paths(val, p + (i,))

    from kubelint.model import KubeObject

    for path, _labels in CASES:
        try:
            base = yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError:
            continue
        if not isinstance(base, dict):
            continue
        candidates = [p for p in paths(base) if p]
        for _ in range(5):
            data = copy.deepcopy(base)
            for p in rnd.sample(candidates, min(3, len(candidates))):
                node = data
                try:
                    for elem in p[:-1]:
                        node = node[elem]
                    node[p[-1]] = copy.deepcopy(rnd.choice(odd))
                except (KeyError, IndexError, TypeError):
                    pass
            obj = KubeObject(data, (1, 1, None), str(path), 0)
            for fn in validators(obj.group, obj.kind):
                list(fn(obj, stage.ctx) or ())  # must not raise
