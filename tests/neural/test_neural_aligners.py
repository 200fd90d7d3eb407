"""Neural word aligners (SimAlign / AWESoME style): link extraction by hand, then end to
end on a BERT whose word vectors are set by hand, on tiny random encoders, and in the
Europarl benchmark."""

from __future__ import annotations

import json
import warnings

import numpy as np
import pytest

pytest.importorskip("torch")
pytest.importorskip("transformers")

from annoproj.align.base import aligners
from annoproj.align.neural import (
    AwesomeAligner,
    SimAlignAligner,
    distort,
    itermax,
    links_from_similarity,
    max_matching,
    mutual_argmax,
    softmax_links,
)

from .tiny_8b import build_hand_encoder, on_device


def _pairs(mask: np.ndarray) -> set[tuple[int, int]]:
    return {(int(i), int(j)) for i, j in zip(*np.nonzero(mask))}


# 3 x 3: s1's best target t0 is taken by s0, so only itermax's second round links it to t1
SIM3 = np.array([[0.90, 0.10, 0.00],
                 [0.75, 0.70, 0.00],
                 [0.00, 0.00, 0.90]])  # fmt: skip
# 2 x 2: the mutual argmax keeps 0-0, the best one-to-one matching crosses
SIM2 = np.array([[0.90, 0.85],
                 [0.80, 0.10]])  # fmt: skip


def test_link_extraction_by_hand():
    assert _pairs(mutual_argmax(SIM3)) == {(0, 0), (2, 2)}
    assert _pairs(itermax(SIM3)) == {(0, 0), (1, 1), (2, 2)}
    assert _pairs(itermax(SIM3, max_iter=1)) == {(0, 0), (2, 2)}
    assert _pairs(max_matching(SIM3)) == {(0, 0), (1, 1), (2, 2)}
    assert _pairs(mutual_argmax(SIM2)) == {(0, 0)}
    assert _pairs(itermax(SIM2)) == {(0, 0)}  # two words a side: one round only
    assert _pairs(max_matching(SIM2)) == {(0, 1), (1, 0)}
    # the second round scales pairs with one aligned word by alpha (0.75 * 0.9 < 0.7);
    # without that penalty s1 joins t0, already taken by s0
    assert _pairs(itermax(SIM3, alpha=1.0)) == {(0, 0), (1, 0), (2, 2)}


def test_itermax_stops_when_a_side_is_aligned_and_handles_empty():
    sim = np.eye(4)[:, :3] + 0.01
    assert _pairs(itermax(sim)) == {(0, 0), (1, 1), (2, 2)}
    for f in (mutual_argmax, itermax, max_matching):
        assert f(np.zeros((0, 3))).shape == (0, 3)
        assert f(np.zeros((2, 0))).shape == (2, 0)


def test_distortion_and_scores():
    sim = np.full((3, 3), 0.5)
    d = distort(sim, 0.5)
    assert np.allclose(np.diag(d), 0.5) and d[0, 2] == pytest.approx(0.25)
    al = links_from_similarity(SIM3, method="argmax")
    assert al.pairs() == [(0, 0), (2, 2)] and np.allclose(al.scores, [0.9, 0.9])
    al = links_from_similarity(SIM3 - 1.0, method="match", min_similarity=-0.2)
    assert al.pairs() == [(0, 0), (2, 2)] and np.allclose(al.scores, 0.0)  # clipped to [0, 1]
    with pytest.raises(ValueError, match="method"):
        links_from_similarity(SIM3, method="best")


def test_softmax_links_by_hand():
    sim = np.array([[8.0, 0.0], [0.0, 8.0], [4.0, 4.0]])
    keep, score = softmax_links(sim, threshold=0.05)
    # row 2 is split evenly: its column probabilities are tiny next to rows 0 and 1
    assert _pairs(keep) == {(0, 0), (1, 1)}
    fwd = np.exp(sim) / np.exp(sim).sum(1, keepdims=True)
    bwd = np.exp(sim) / np.exp(sim).sum(0, keepdims=True)
    assert np.allclose(score, np.sqrt(fwd * bwd))


# ------------------------------------------------------------------ hand-set encoder

S = 0.6 * SIM3  # cosines of source word i and target word j (rows stay inside the unit ball)


def _hand_vectors() -> dict[str, np.ndarray]:
    """Target words ta, tb, tc = e0, e1, e2; source word i = S[i] + a 4th component making
    it a unit vector, so cos(source i, target j) = S[i, j]. "tzq" splits into tz + ##q whose
    mean is e0 (the same as "ta"); x and y are the unit vectors of SIM2's crossed case."""
    e = np.eye(5)
    vec = {"ta": e[0], "tb": e[1], "tc": e[2]}
    for name, row in zip(("sa", "sb", "sc"), S):
        vec[name] = np.array([*row, np.sqrt(1 - row @ row), 0.0])
    vec["tz"] = e[0] + e[4]
    vec["##q"] = e[0] - e[4]
    m = 0.5 * SIM2
    for name, row in zip(("xa", "xb"), m):
        vec[name] = np.array([*row, 0.0, 0.0, np.sqrt(1 - row @ row)])
    vec["ya"], vec["yb"] = e[0], e[1]
    return vec


@pytest.fixture(scope="module")
def hand_encoder(tmp_path_factory) -> str:
    return str(build_hand_encoder(tmp_path_factory.mktemp("hand-bert"), _hand_vectors()))


SRC = [["sa", "sb", "sc"], ["xa", "xb"], ["sa", "sb", "sc"]]
TGT = [["ta", "tb", "tc"], ["ya", "yb"], ["tzq", "tb", "tc"]]


def test_simalign_similarities_are_the_hand_set_cosines(hand_encoder):
    al = SimAlignAligner(hand_encoder, layer=0, **on_device())
    sims = al.similarities(SRC, TGT)
    assert np.allclose(sims[0], S, atol=1e-4)
    assert np.allclose(sims[1], 0.5 * SIM2, atol=1e-4)
    assert np.allclose(sims[2], S, atol=1e-4)  # "tzq" = mean of tz and ##q = e0


@pytest.mark.parametrize(
    "method, links",
    [
        ("argmax", [{(0, 0), (2, 2)}, {(0, 0)}]),
        ("itermax", [{(0, 0), (1, 1), (2, 2)}, {(0, 0)}]),
        ("match", [{(0, 0), (1, 1), (2, 2)}, {(0, 1), (1, 0)}]),
    ],
)
def test_simalign_links_by_hand(hand_encoder, method, links):
    al = SimAlignAligner(hand_encoder, layer=0, method=method, **on_device(), batch_size=2)
    out = al.align(SRC, TGT)
    assert [set(a.pairs()) for a in out] == [links[0], links[1], links[0]]
    assert out[0].scores is not None
    assert np.allclose(out[0].scores, [S[i, j] for i, j in out[0].pairs()], atol=1e-4)


def test_awesome_links_by_hand(hand_encoder):
    # states are sqrt(10) * [u, -u] / |u|, so dot products are 10 * cos: a permutation of
    # unit vectors gives sharp softmaxes on the permuted diagonal
    src, tgt = [["ta", "tb", "tc"]], [["tb", "tc", "tzq"]]
    for subwords in (True, False):
        out = AwesomeAligner(hand_encoder, layer=0, subwords=subwords, **on_device()).align(src, tgt)
        assert set(out[0].pairs()) == {(0, 2), (1, 0), (2, 1)}, subwords
        # on subwords "tzq" is tz + ##q, each at 45 degrees from "ta": ta's row softmax
        # splits between them, so that link scores sqrt(0.5 * 1)
        want = [np.sqrt(0.5) if subwords else 1.0, 1.0, 1.0]
        assert np.allclose(out[0].scores, want, atol=1e-2)


def test_truncation_leaves_late_words_unlinked(hand_encoder):
    al = SimAlignAligner(hand_encoder, layer=0, method="match", **on_device(), max_length=4)
    with pytest.warns(RuntimeWarning, match="beyond the limit"):
        out = al.align([["sa", "sb", "sc"]], [["ta", "tb", "tc"]])
    # [CLS] sa sb [SEP]: sc and tc fell off
    assert set(out[0].pairs()) == {(0, 0), (1, 1)}
    assert al.truncated_words == 2


def test_empty_and_mismatched_input(hand_encoder):
    al = SimAlignAligner(hand_encoder, layer=0, **on_device())
    out = al.align([[], ["sa"]], [["ta"], []])
    assert [len(a) for a in out] == [0, 0]
    with pytest.raises(ValueError, match="source but"):
        al.align([["sa"]], [])


# ------------------------------------------------------------------ tiny random encoders


def test_batching_does_not_change_links(tiny_xlmr):
    src = [["Angela", "Merkel", "met", "Emmanuel", "Macron", "in", "Paris", "."],
           ["The", "European", "Parliament"], ["Die", "Kommission", "hat", "getagt", "."]]  # fmt: skip
    tgt = [["Merkel", "traf", "Macron", "in", "Paris", "."], ["Das", "Parlament"],
           ["The", "Commission", "met", "."]]  # fmt: skip
    al = SimAlignAligner(str(tiny_xlmr), layer=2, **on_device(), batch_size=4)
    together = al.similarities(src, tgt)
    alone = [al.similarities([s], [t])[0] for s, t in zip(src, tgt)]
    for a, b in zip(together, alone):
        assert np.allclose(a, b, atol=1e-4)
    links = al.align(src, tgt)
    assert all(len(a) > 0 for a in links)
    for a, s, t in zip(links, src, tgt):
        a.check_bounds(len(s), len(t))


def test_registry_and_errors(tiny_bert):
    al = aligners.create("simalign", model=str(tiny_bert), layer=1, device="cpu")
    assert isinstance(al, SimAlignAligner)
    assert isinstance(aligners.create("awesome", model=str(tiny_bert), layer=2, device="cpu"), AwesomeAligner)
    with pytest.raises(ValueError, match="layer 9"):
        SimAlignAligner(str(tiny_bert), layer=9, device="cpu")
    with pytest.raises(ValueError, match="method"):
        SimAlignAligner(str(tiny_bert), method="best", device="cpu")
    with pytest.raises(ImportError, match="cannot load"):
        SimAlignAligner("/nonexistent/model-folder", device="cpu")


def test_europarl_bench_with_simalign(tmp_path, tiny_bert, data_dir):
    from typer.testing import CliRunner

    from annoproj.cli.main import app
    from annoproj.data.io import read_conll, write_conll

    (tmp_path / "europarl").mkdir()
    for lang in ("en", "de"):
        sents = read_conll(data_dir / "europarl" / f"{lang}.test.conll")[:25]
        write_conll(tmp_path / "europarl" / f"{lang}.test.conll", sents)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = CliRunner().invoke(app, [
            "bench", "europarl", "--tgt", "de", "--data-dir", str(tmp_path), "--aligner", "simalign",
            "--aligner-model", str(tiny_bert), "--aligner-layer", "1", "--device", "cpu", "--json",
        ])  # fmt: skip
    assert res.exit_code == 0, res.output
    rows = [json.loads(line) for line in res.stdout.splitlines() if line.startswith("{")]
    assert len(rows) == 1 and rows[0]["aligner"] == "simalign" and rows[0]["sentences"] == 25
    assert 0.0 <= rows[0]["f1"] <= 1.0
    bad = CliRunner().invoke(app, ["bench", "europarl", "--data-dir", str(tmp_path), "--tgt", "de",
                                   "--aligner", "fastalign"])  # fmt: skip
    assert bad.exit_code == 2
    missing = CliRunner().invoke(app, ["bench", "europarl", "--data-dir", str(tmp_path), "--tgt", "de",
                                       "--aligner", "simalign", "--aligner-model", str(tmp_path / "none"),
                                       "--device", "cpu"])  # fmt: skip
    assert missing.exit_code == 4, missing.output


@pytest.mark.skipif(not __import__("torch").cuda.is_available(), reason="needs a CUDA GPU")
def test_cuda_fp16_matches_cpu(tiny_xlmr):
    src, tgt = [["Angela", "Merkel", "met", "Macron"]], [["Merkel", "traf", "Macron"]]
    cpu = SimAlignAligner(str(tiny_xlmr), layer=2, device="cpu").similarities(src, tgt)[0]
    gpu = SimAlignAligner(str(tiny_xlmr), layer=2, device="cuda", fp16=True).similarities(src, tgt)[0]
    assert np.allclose(cpu, gpu, atol=2e-2)


def test_fused_links_cached_equal_the_encoders(tiny_bert, tmp_path, monkeypatch):
    """`fuse_aligner_links(cache=True)` writes the encoder's links once and reads them back
    unchanged, without building the encoder again."""
    from annoproj.align import stage
    from annoproj.align.stage import AlignConfig, encoder_fusion, fuse_aligner_links

    monkeypatch.setenv("ANNOPROJ_LINKS", str(tmp_path))
    src = [["the", "house", "in", "London"], ["a", "red", "cat"]]
    tgt = [["das", "Haus", "in", "London"], ["eine", "rote", "Katze"]]
    config = AlignConfig(**{**encoder_fusion(str(tiny_bert), device="cpu"),
                            "fuse_aligner_options": {"model": str(tiny_bert), "layer": 1,
                                                     "method": "itermax", "device": "cpu"}})
    want = fuse_aligner_links(src, tgt, config)
    stats: dict = {}
    first = fuse_aligner_links(src, tgt, config, cache=True, stats=stats)
    assert stats == {"fuse_cached": False} and len(list(tmp_path.iterdir())) == 1

    def no_encoder(*a, **k):
        raise AssertionError("the cache should have answered")

    monkeypatch.setattr(stage, "make_stage_aligner", no_encoder)
    again = fuse_aligner_links(src, tgt, config, cache=True, stats=stats)
    assert stats == {"fuse_cached": True}
    for got in (first, again):
        assert [a.pairs() for a in got] == [a.pairs() for a in want]
        assert all(np.allclose(a.scores, b.scores) for a, b in zip(got, want))
