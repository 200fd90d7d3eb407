"""The worker pool behind projection and the model-backed stages."""

import pytest

from annoproj.align.base import make_aligner
from annoproj.pipeline.parallel import Call, WorkerPool, WorkerSpec, map_chunks, run_item

SRC = [["the", "house", str(k)] for k in range(23)]
TGT = [["das", "house", str(k), "x"] for k in range(23)]
SPEC = WorkerSpec(make_aligner, Call("align", star=True), {"name": "monolingual"})


def test_call_and_run_item_reuse_the_model():
    assert Call("replace", star=True)("abc", ("b", "x")) == "axc"
    assert Call("count")("abca", "a") == 2
    first = run_item(SPEC, (SRC[:2], TGT[:2]))
    assert len(first) == 2 and (2, 2) in {tuple(x) for x in first[0].links.tolist()}
    assert run_item(SPEC, (SRC[:2], TGT[:2])) == first


@pytest.mark.parametrize("pool", [{}, {"backend": "process", "workers": 2}])
def test_map_chunks_keeps_order(pool):
    want = make_aligner("monolingual").align(SRC, TGT)
    got = map_chunks(SPEC, SRC, TGT, chunk_size=5, **pool)
    assert got == want
    seen = []
    map_chunks(SPEC, SRC, TGT, chunk_size=10, on_chunk=seen.append)
    assert seen == [10, 10, 3]


def test_pool_serves_many_calls_and_validates():
    with WorkerPool(SPEC, backend="process", workers=2, in_flight=1) as pool:
        a = list(pool.map([(SRC[:3], TGT[:3]), (SRC[3:5], TGT[3:5])]))
        b = list(pool.map([(SRC[:3], TGT[:3])]))
    assert a[0] == b[0] and len(a[1]) == 2
    with pytest.raises(ValueError, match="unknown backend"):
        WorkerPool(SPEC, backend="threads")
    with pytest.raises(ValueError, match="workers"):
        WorkerPool(SPEC, workers=0)
    with pytest.raises(ValueError, match="differ in length"):
        map_chunks(SPEC, SRC, TGT[:3])


def test_ray_pool():
    pytest.importorskip("ray")
    want = make_aligner("monolingual").align(SRC, TGT)
    assert map_chunks(SPEC, SRC, TGT, chunk_size=4, backend="ray", workers=2) == want
