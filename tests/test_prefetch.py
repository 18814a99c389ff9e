"""The C extension's prefetch thread (kubelint.loader.Prefetch,
csrc/_kubelint_yaml.c "Parsing ahead"): libyaml runs over the next files on
another thread and parse()/scan() take its events and facts.  Whatever the
timing (the job done, under way, or not started and taken back), the result
is exactly what parsing here gives: the same documents, positions, types,
bail-outs and findings, on every corpus file, on hostile and fuzzed text,
past the job's event bound and when a job is dropped, closed or misused."""

import os
import resource
import subprocess
import sys
import time

import pytest
from hypothesis import given, settings

from conftest import CORPUS, CORPUS_LEGACY
from kubelint import loader, parallel
from kubelint.loader import Limits, Prefetch, decode_text, load_file, parse_text
from kubelint.phases import objects_of
from test_loader_onepass import CEXT, FUZZ, HOSTILE, TIGHT, YAMLISH, _texts, same_types, snap_docs, snapshot


def _prefetcher():
    if CEXT is None or not hasattr(CEXT, "Prefetcher"):
        pytest.fail("_kubelint_yaml with its prefetch thread is not built (pip install . builds it)")
    return CEXT.Prefetcher()


def _parsed(text, limits, job=None):
    return loader._c_fast_documents(text, "t.yaml", limits, CEXT, job)


def assert_prefetched_same(texts, limits=Limits(), ahead=4):
    """Submit ``texts`` ``ahead`` at a time, as Prefetch does, and compare
    each prefetched scan and parse with the same done here."""
    pf = _prefetcher()
    try:
        jobs = []
        built = 0
        for i, text in enumerate(texts + [None] * ahead):
            if text is not None:
                jobs.append((text, pf.submit(text)))
            if i >= ahead:
                text, job = jobs.pop(0)
                assert CEXT.scan(text, job) == CEXT.scan(text)
                mine = _parsed(text, limits, job)
                here = _parsed(text, limits)
                assert snap_docs(mine) == snap_docs(here), text[:200]
                if here is not None:
                    built += 1
                    for a, b in zip(mine, here):
                        same_types(a.data, b.data)
        return built
    finally:
        pf.close()


@pytest.mark.parametrize("corpus", [CORPUS, CORPUS_LEGACY], ids=["corpus", "corpus-legacy"])
def test_prefetched_equals_parsed_here_on_every_corpus_file(corpus):
    if not corpus.is_dir():
        pytest.fail(f"shared corpus not found at {corpus}")
    texts = [text for _path, text in _texts(corpus)]
    assert len(texts) > 100
    assert assert_prefetched_same(texts) > 0.98 * len(texts)


def test_prefetched_equals_parsed_here_on_hostile_text_and_under_tight_limits():
    texts = [t for t in HOSTILE if isinstance(t, str)]
    assert_prefetched_same(texts)
    assert_prefetched_same(texts, TIGHT)
    some = [text for _, text in zip(range(300), (t for _, t in _texts(CORPUS)))]
    assert_prefetched_same(some, TIGHT, ahead=1)


@settings(max_examples=400, **FUZZ)
@given(YAMLISH)
def test_fuzz_prefetched_equals_parsed_here(text):
    assert_prefetched_same([text, text + "\n- x\n", text], ahead=2)


def test_a_long_file_streams_through_the_jobs_ring_of_chunks():
    """A job runs at most 16,384 events ahead of parse(), in a ring of 32
    chunks freed as parse() takes them: a file of 140,000 events wraps the
    ring four times.  The same documents, the same syntax error far into the
    file (None: the compose path words it), the same bail-outs after and
    long before the thread had to wait for parse()."""
    big = "- a\n" * 140_000
    limits = Limits(max_nodes=2_000_000)
    texts = [big, big + "x: [\n", "k:\n" + "  - b\n" * 140_000 + "---\nz: 1\n", "a: [\n" + big]
    assert_prefetched_same(texts, limits)
    assert _parsed(big, limits) is not None and _parsed(big + "x: [\n", limits) is None
    assert_prefetched_same([big], Limits(max_nodes=139_999))  # bails at the end
    assert_prefetched_same([big], Limits(max_nodes=100))  # bails at once: the waiting thread is stopped


def _in_a_process(code: str) -> None:
    """``code`` run by another interpreter, which must end (a hang fails, not blocks, the test run)."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, env=env)
    assert r.returncode == 0 and r.stdout.strip() == "ok", r.stderr


def test_close_and_drop_while_the_thread_waits_for_parse_to_take_events():
    """The thread waits when it is 16,384 events ahead of parse(): close(), a
    Job object dropped, and parse() giving up early all wake and stop it."""
    _in_a_process(
        """
import time, _kubelint_yaml as C
from kubelint import loader
from kubelint.loader import Limits
big = "- a\\n" * 100_000
pf = C.Prefetcher()
job = pf.submit(big)
time.sleep(0.3)  # the thread is waiting for room now
pf.close()  # stops it
assert len(loader._c_fast_documents(big, "t", Limits(), job=job)[0].data) == 100_000
pf = C.Prefetcher()
jobs = [pf.submit(big), pf.submit(big)]
time.sleep(0.3)
del jobs[0]  # the waiting job's object goes: the thread stops it and takes the next
assert len(loader._c_fast_documents(big, "t", Limits(), job=jobs[0])[0].data) == 100_000
job = pf.submit(big)
time.sleep(0.3)
assert loader._c_fast_documents(big, "t", Limits(max_nodes=10), job=job) is None  # gives up early
pf.close()
del pf, job, jobs
print("ok")
"""
    )


def test_a_job_is_used_only_for_its_own_text_and_only_once():
    pf = _prefetcher()
    try:
        a, b = "a: 1\nb: [x, y]\n", "c: {d: 2}\n"
        ja, jb = pf.submit(a), pf.submit(b)
        assert snap_docs(_parsed(a, Limits(), jb)) == snap_docs(_parsed(a, Limits()))  # another text's job: ignored
        equal = "".join(["a: 1\n", "b: [x, y]\n"])  # equal but not the same object
        assert equal == a and equal is not a
        assert snap_docs(_parsed(equal, Limits(), ja)) == snap_docs(_parsed(a, Limits()))
        assert snap_docs(_parsed(a, Limits(), ja)) == snap_docs(_parsed(a, Limits()))
        assert snap_docs(_parsed(a, Limits(), ja)) == snap_docs(_parsed(a, Limits()))  # taken: parsed here
        assert CEXT.scan(a, ja) == CEXT.scan(a) and CEXT.scan(b, "not a job") == CEXT.scan(b)
        assert pf.submit("a: \ud800\n") is None  # a lone surrogate: nothing to prefetch (parse says None)
    finally:
        pf.close()


def test_close_stops_the_thread_and_jobs_still_work_or_are_parsed_here():
    texts = [f"k{i}: [" + ", ".join(str(n) for n in range(2000)) + "]\n" for i in range(40)]
    pf = _prefetcher()
    jobs = [pf.submit(t) for t in texts]  # far more than the thread can have done
    pf.close()
    pf.close()  # twice: nothing happens
    for text, job in zip(texts, jobs):
        assert snap_docs(_parsed(text, Limits(), job)) == snap_docs(_parsed(text, Limits()))
    with pytest.raises(ValueError):
        pf.submit("a: 1\n")
    with pytest.raises(TypeError):
        _prefetcher().submit(b"a: 1\n")


def _rss():
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * resource.getpagesize()


def test_dropped_jobs_and_prefetchers_free_their_memory():
    """Jobs never used (the text took the JSON path, or failed a pre-scan),
    prefetchers closed or just dropped with jobs queued: no memory stays."""
    text = "items:\n" + "".join(f"  - name: n{i}\n    value: '{i}'\n" for i in range(20_000))  # ~0.6 MB

    def round_():
        pf = _prefetcher()
        jobs = [pf.submit(text) for _ in range(8)]
        _parsed(text, Limits(), jobs[0])
        time.sleep(0.01)
        del jobs  # under way, done or queued
        if os.getpid() % 2:
            pf.close()
        del pf  # dropped: stopped and joined

    for _ in range(3):
        round_()
    before = _rss()
    for _ in range(25):
        round_()
    assert _rss() - before < 40 << 20  # 200 jobs of 0.6 MB text and its events each, if leaked: > 400 MB


def test_prefetch_reads_in_order_and_raises_each_files_error_at_its_turn(tmp_path):
    files = []
    for i in range(7):
        p = tmp_path / f"f{i}.yaml"
        p.write_text(f"apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: c{i}}}\n")
        files.append(str(p))
    (tmp_path / "f3.yaml").write_bytes(b"\xff\xfe\x00\x00")  # UTF-32: an invalid-encoding error
    os.remove(files[5])  # gone: unreadable-file
    ahead = Prefetch.start(files, Limits())
    assert ahead is not None
    try:
        got = [objects_of(load_file(p, Limits(), ahead=ahead)) for p in files]
    finally:
        ahead.close()
    want = [objects_of(load_file(p, Limits())) for p in files]
    assert [(r.path, r.findings, len(r.objects)) for r in got] == [(r.path, r.findings, len(r.objects)) for r in want]
    assert [f.rule for f in got[3].findings] == ["invalid-encoding"]
    assert [f.rule for f in got[5].findings] == ["unreadable-file"]
    ahead = Prefetch.start(files[:2], Limits())
    try:  # a path out of order is read here, without a job
        assert objects_of(load_file(files[1], Limits(), ahead=ahead)).objects[0].name == "c1"
        assert objects_of(load_file(files[0], Limits(), ahead=ahead)).objects[0].name == "c0"
    finally:
        ahead.close()


def test_text_changed_before_parsing_is_parsed_here():
    """parse_text rewrites a few texts before parsing (a byte-order mark after
    a separator, tabs in JSON): the job of the original text is not used."""
    texts = [
        "a: 1\n---\n\ufeffb: 2\n",
        '{"apiVersion":\t"v1", "kind": "ConfigMap", "metadata": {"name": "x"}}\n',
        "---\n%YAML 1.1\na: 1\n",
        "a: 1\n<<<<<<< HEAD\n",
    ]
    pf = _prefetcher()
    try:
        for text in texts:
            job = pf.submit(text)
            assert snapshot(parse_text(text, "t.yaml", Limits(), job)) == snapshot(parse_text(text, "t.yaml"))
    finally:
        pf.close()


def test_only_a_parallel_run_of_enough_bytes_uses_the_thread(monkeypatch, tmp_path):
    started = []
    real = Prefetch.start
    monkeypatch.setattr(Prefetch, "start", classmethod(lambda cls, *a: started.append(a) or real(*a)))
    for i in range(3):
        (tmp_path / f"c{i}.yaml").write_text(f"apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: c{i}}}\n")
    entries = [(str(p), None) for p in sorted(tmp_path.iterdir())]
    parallel.load_all(None, Limits(), 2, entries=entries)
    assert not started  # below MIN_PREFETCH_BYTES
    monkeypatch.setattr(parallel, "MIN_PREFETCH_BYTES", 0)
    parallel.load_all(None, Limits(), 1, entries=entries)
    assert not started  # --jobs 1: one core
    serial = parallel.load_all(None, Limits(), 1, entries=entries)
    par = parallel.load_all(None, Limits(), 2, entries=entries)
    assert len(started) == 1
    assert [(r.path, [o.data for o in r.objects]) for r in par] == [
        (r.path, [o.data for o in r.objects]) for r in serial
    ]


def test_a_text_read_ahead_is_decoded_as_load_file_decodes_it(tmp_path):
    p = tmp_path / "u16.yaml"
    p.write_bytes("\ufeffapiVersion: v1\nkind: ConfigMap\nmetadata: {name: é}\n".encode("utf-16"))
    q = tmp_path / "plain.yaml"
    q.write_text("a: 1\n")
    ahead = Prefetch.start([str(p), str(q)], Limits())
    try:
        text, job = ahead.take(str(p))
    finally:
        ahead.close()
    assert text == decode_text(p.read_bytes()) and job is not None
