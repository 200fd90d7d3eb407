"""Model-backed matching scorers (ner, nmt, embedding, clip) on tiny models: formulas by
hand, agreement with the models computed directly, batching, caching, and the match
projector end to end."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("transformers")

import annoproj.project.scorers  # noqa: F401  (registers the scorers)
from annoproj.data.model import Alignment, Span
from annoproj.project.base import MatchInstance, scorers
from annoproj.project.projectors import make_projector
from annoproj.project.scorers.embedding import rescale_cosine, span_text
from annoproj.project.scorers.neural_ner import (
    parse_tagset,
    span_log_probs,
    span_scores,
)

from .tiny_8b import (
    build_tiny_mclip,
    build_tiny_open_clip_files,
    build_tiny_open_clip_hf_dir,
    on_device,
)

SRC = ["Angela", "Merkel", "met", "Emmanuel", "Macron", "in", "Paris", "."]
TGT = ["Angela", "Merkel", "traf", "Emmanuel", "Macron", "in", "Paris", "."]


def _instance(src=SRC, tgt=TGT) -> MatchInstance:
    return MatchInstance(
        src_tokens=src, tgt_tokens=tgt,
        entities=np.array([[0, 2], [3, 5], [6, 7]], np.int32), labels=["PER", "PER", "LOC"],
        candidates=np.array([[0, 1], [0, 2], [1, 2], [3, 5], [4, 5], [6, 7], [5, 7]], np.int32),
        alignment=Alignment.from_pairs([(0, 0), (1, 1)]),
    )  # fmt: skip


INST = _instance()
OTHER = _instance(src=["John", "Smith", "works", "in", "New", "York", "."] + ["x"],
                  tgt=["John", "Smith", "arbeitet", "in", "New", "York", "."] + ["y"])


def _check_shapes(out, batch):
    assert len(out) == len(batch)
    for m, inst in zip(out, batch):
        assert m.shape == (len(inst.entities), len(inst.candidates))
        assert m.dtype == np.float32 and np.all(m >= 0) and np.all(m <= 1)


# ------------------------------------------------------------------ ner: formula by hand


def test_parse_tagset_schemes():
    iob = parse_tagset({0: "O", 1: "B-PER", 2: "I-PER", 3: "B-LOC"})
    assert iob["PER"].scheme == "iob" and (iob["PER"].b, iob["PER"].i) == (1, 2)
    assert iob["LOC"].i == -1
    bioes = parse_tagset({0: "O", 1: "B-PER", 2: "I-PER", 3: "E-PER", 4: "S-PER"})
    assert bioes["PER"].scheme == "bioes" and (bioes["PER"].e, bioes["PER"].s) == (3, 4)
    bilou = parse_tagset({0: "O", 1: "U-ORG", 2: "B-ORG", 3: "L-ORG"})
    assert bilou["ORG"].scheme == "bioes" and bilou["ORG"].s == 1
    io = parse_tagset({0: "O", 1: "PER", 2: "LOC"})
    assert io["PER"].scheme == "io" and io["LOC"].i == 2


def test_span_log_probs_by_hand():
    # tags O, B-PER, I-PER over 4 words
    p = np.array([[0.1, 0.8, 0.1],
                  [0.2, 0.1, 0.7],
                  [0.5, 0.3, 0.2],
                  [0.6, 0.2, 0.2]])  # fmt: skip
    tags = parse_tagset({0: "O", 1: "B-PER", 2: "I-PER"})["PER"]
    spans = np.array([[0, 2], [0, 1], [2, 3]])
    got = span_log_probs(p, spans, tags, boundary=True)
    want = np.log([0.8 * 0.7 * (1 - 0.2), 0.8 * (1 - 0.7), 0.3 * (1 - 0.2)])
    assert np.allclose(got, want)
    got = span_log_probs(p, np.array([[2, 4]]), tags, boundary=True)  # ends the sentence
    assert np.allclose(got, np.log([0.3 * 0.2]))
    assert np.allclose(span_log_probs(p, spans, tags, boundary=False),
                       np.log([0.8 * 0.7, 0.8, 0.3]))  # fmt: skip
    # score = exp(log p / L ** alpha): alpha 1 is the geometric mean
    sc = span_scores(np.log([0.8 * 0.7]), np.array([2]), 1.0)
    assert sc[0] == pytest.approx(np.sqrt(0.56))
    sc = span_scores(np.log([0.8 * 0.7]), np.array([2]), 1.15)
    assert sc[0] == pytest.approx(0.56 ** (1 / 2**1.15))


def test_span_log_probs_bioes_and_io_by_hand():
    # O, B-X, I-X, E-X, S-X
    p = np.array([[0.0, 0.6, 0.1, 0.1, 0.2],
                  [0.1, 0.1, 0.5, 0.2, 0.1],
                  [0.1, 0.1, 0.1, 0.6, 0.1]])  # fmt: skip
    tags = parse_tagset({0: "O", 1: "B-X", 2: "I-X", 3: "E-X", 4: "S-X"})["X"]
    got = span_log_probs(p, np.array([[0, 3], [0, 2], [1, 2]]), tags)
    assert np.allclose(got, np.log([0.6 * 0.5 * 0.6, 0.6 * 0.2, 0.1]))
    q = np.array([[0.9, 0.1], [0.2, 0.8], [0.3, 0.7], [0.6, 0.4]])  # O, X
    tags = parse_tagset({0: "O", 1: "X"})["X"]
    got = span_log_probs(q, np.array([[1, 3]]), tags, boundary=True)
    assert np.allclose(got, np.log([0.8 * 0.7 * (1 - 0.1) * (1 - 0.4)]))


@pytest.fixture(scope="module")
def ner_scorer(tiny_ner):
    return scorers.create("ner", model=str(tiny_ner), **on_device())


def test_ner_scorer_matches_the_model(ner_scorer):
    out = ner_scorer.score([INST, OTHER])
    _check_shapes(out, [INST, OTHER])
    probs = ner_scorer.tag_probs([TGT])[0]
    assert probs.shape == (len(TGT), 9) and np.allclose(probs.sum(1), 1, atol=1e-4)
    tags = ner_scorer.tags["PER"]
    cands = INST.candidates.astype(np.int64)
    want = span_scores(span_log_probs(probs, cands, tags), cands[:, 1] - cands[:, 0], 1.15)
    assert np.allclose(out[0][0], want, atol=1e-4) and np.allclose(out[0][1], want, atol=1e-4)
    # the same sentence alone (no padding) gives the same distributions
    ner_scorer.clear_cache()
    assert np.allclose(ner_scorer.tag_probs([TGT])[0], probs, atol=1e-4)


def test_ner_scorer_caches_per_sentence(ner_scorer, monkeypatch):
    ner_scorer.score([INST])
    calls = []
    monkeypatch.setattr(ner_scorer, "_predict", lambda s: calls.append(s) or [])
    ner_scorer.score([INST, INST])
    assert calls == []


def test_ner_unknown_type_scores_zero_and_label_map(tiny_ner):
    inst = _instance()
    inst.labels = ["PERSON", "PER", "GPE"]
    sc = scorers.create("ner", model=str(tiny_ner), device="cpu", label_map={"GPE": "LOC"})
    with pytest.warns(RuntimeWarning, match="PERSON"):
        m = sc.score([inst])[0]
    assert np.all(m[0] == 0) and np.all(m[1] > 0) and np.all(m[2] > 0)


# ------------------------------------------------------------------ nmt


def _marian_logprobs(folder, pairs) -> list[float]:
    """-loss of each (x, y) pair computed straight with transformers: the mean log-prob."""
    from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

    tok = AutoTokenizer.from_pretrained(folder)
    model = AutoModelForSeq2SeqLM.from_pretrained(folder).eval()
    out = []
    for x, y in pairs:
        enc = tok([x], text_target=[y], return_tensors="pt")
        with torch.inference_mode():
            out.append(-float(model(**enc).loss))
    return out


def test_nmt_log_probs_by_hand_and_batching(tiny_marian):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sc = scorers.create("nmt", model=str(tiny_marian), reverse_model=str(tiny_marian),
                            **on_device(), batch_size=3)  # fmt: skip
        d = sc._dir("fwd")
        pairs = [("Angela Merkel", "Angela Merkel"), ("Paris", "Parigi"), ("New York", "Nueva York"),
                 ("Emmanuel Macron", "Macron"), ("the United Nations", "die Vereinten Nationen")]  # fmt: skip
        batched = sc.log_probs(d, pairs)
        sc.clear_cache()
        alone = np.array([sc.log_probs(d, [p])[0] for p in pairs])
        assert np.allclose(batched, alone, atol=1e-4)
        assert np.allclose(batched[:2], _marian_logprobs(tiny_marian, pairs[:2]), atol=1e-3)
        out = sc.score([INST])
    _check_shapes(out, [INST])
    e, c = span_text(SRC, INST.entities), span_text(TGT, INST.candidates)
    fwd = sc.log_probs(sc._dir("fwd"), [(a, b) for a in e for b in c]).reshape(3, -1)
    bwd = sc.log_probs(sc._dir("rev"), [(b, a) for a in e for b in c]).reshape(3, -1)
    assert np.allclose(out[0], np.exp((fwd + bwd) / 2), atol=1e-4)


def test_nmt_multilingual_normalisations(tiny_nllb, tiny_m2m):
    sc = scorers.create("nmt", model=str(tiny_nllb), src_lang="en", tgt_lang="de",
                        **on_device(), normalize="best")  # fmt: skip
    out = sc.score([INST, OTHER])
    _check_shapes(out, [INST, OTHER])
    assert np.allclose(out[0].max(axis=1), 1.0)
    # the target side is scored with the German language token
    prefix, skip = sc.models["fwd"].setup("en", "de")
    assert prefix == "" and len(skip) == 2
    m2m = scorers.create("nmt", model=str(tiny_m2m), src_lang="en", tgt_lang="de", device="cpu",
                         normalize="self", directions="forward")  # fmt: skip
    _check_shapes(m2m.score([INST]), [INST])
    calls = []
    real = m2m.models["fwd"].log_probs
    m2m.models["fwd"].log_probs = lambda *a, **k: calls.append(a) or real(*a, **k)
    m2m.score([INST])
    assert calls == []  # every pair cached


def test_nmt_errors(tiny_nllb, tiny_marian):
    with pytest.raises(ValueError, match="tgt_lang"):
        scorers.create("nmt", model=str(tiny_nllb), device="cpu")
    with pytest.raises(ValueError, match="language"):
        scorers.create("nmt", model=str(tiny_nllb), tgt_lang="xx", device="cpu")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(ValueError, match="reverse_model"):
            scorers.create("nmt", model=str(tiny_marian), device="cpu")
        with pytest.raises(ValueError, match="normalize"):
            scorers.create("nmt", model=str(tiny_marian), directions="forward", normalize="z", device="cpu")


# ------------------------------------------------------------------ embedding


def test_rescale_cosine():
    cos = np.array([-1.0, 0.0, 0.5, 1.0])
    assert np.allclose(rescale_cosine(cos, "clip"), [0, 0, 0.5, 1])
    assert np.allclose(rescale_cosine(cos, "linear"), [0, 0.5, 0.75, 1])
    with pytest.raises(ValueError):
        rescale_cosine(cos, "sigmoid")


def test_embedding_scorer_strings(tiny_xlmr, monkeypatch):
    sc = scorers.create("embedding", model=str(tiny_xlmr), **on_device(), batch_size=2)
    out = sc.score([INST, OTHER])
    _check_shapes(out, [INST, OTHER])
    assert out[0][0, 1] == pytest.approx(1.0, abs=1e-4)  # "Angela Merkel" vs itself
    vec = sc.encoder.embed(["Angela Merkel", "Paris"])
    vec /= np.linalg.norm(vec, axis=1, keepdims=True)
    assert out[0][2, 5] == pytest.approx(1.0, abs=1e-4)  # "Paris" vs "Paris"
    assert out[0][0, 5] == pytest.approx(max(0.0, float(vec[0] @ vec[1])), abs=1e-4)
    # padding does not change an embedding
    alone = sc.encoder.embed(["Paris"])[0]
    assert np.allclose(alone / np.linalg.norm(alone), vec[1], atol=1e-4)
    calls = []
    monkeypatch.setattr(sc, "_embed", lambda texts: calls.append(texts) or np.zeros((len(texts), 32)))
    sc.score([INST])
    assert calls == []  # all strings cached


def test_embedding_scorer_in_context(tiny_bert):
    sc = scorers.create("embedding", model=str(tiny_bert), context=True, layer=2, **on_device())
    out = sc.score([INST])
    _check_shapes(out, [INST])
    ws_src, ws_tgt = sc.encoder.word_states([SRC, TGT], layer=2)
    # a span is the mean of its subword states: here entity "Paris" (6..7) vs candidate 6..7
    e = ws_src.sums[6] / ws_src.counts[6]
    c = (ws_tgt.sums[5] + ws_tgt.sums[6]) / (ws_tgt.counts[5] + ws_tgt.counts[6])  # "in Paris"
    cos = e @ c / np.linalg.norm(e) / np.linalg.norm(c)
    assert out[0][2, 6] == pytest.approx(max(cos, 0.0), abs=1e-4)


# ------------------------------------------------------------------ clip


@pytest.fixture(scope="module")
def open_clip_files(tmp_path_factory):
    pytest.importorskip("open_clip")
    return build_tiny_open_clip_files(tmp_path_factory.mktemp("tiny-open-clip"))


def test_clip_scorer_open_clip_builtin_tower(open_clip_files):
    import open_clip

    cfg, ckpt = open_clip_files
    sc = scorers.create("clip", model=str(cfg), pretrained=str(ckpt), **on_device())
    assert sc.backend == "open_clip"
    out = sc.score([INST])
    _check_shapes(out, [INST])
    model = open_clip.create_model(cfg.stem, pretrained=str(ckpt)).eval()
    tok = open_clip.get_tokenizer(cfg.stem)
    with torch.inference_mode():
        f = model.encode_text(tok(["Emmanuel Macron", "Macron"])).numpy()
    f /= np.linalg.norm(f, axis=1, keepdims=True)
    assert out[0][1, 4] == pytest.approx(max(0.0, float(f[0] @ f[1])), abs=1e-3)
    assert out[0][1, 3] == pytest.approx(1.0, abs=1e-4)
    with pytest.raises(FileNotFoundError):
        scorers.create("clip", model=str(cfg), pretrained="/no/such/file.pt", device="cpu")


def test_clip_scorer_open_clip_hf_tower(tmp_path, tiny_xlmr):
    pytest.importorskip("open_clip")
    folder = build_tiny_open_clip_hf_dir(tmp_path / "oc", tiny_xlmr)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sc = scorers.create("clip", model=f"local-dir:{folder}", **on_device())
    out = sc.score([INST, OTHER])
    _check_shapes(out, [INST, OTHER])
    assert out[0][0, 1] == pytest.approx(1.0, abs=1e-4)


def test_clip_scorer_mclip(tmp_path, tiny_xlmr):
    from transformers import AutoModel, AutoTokenizer

    folder = build_tiny_mclip(tmp_path / "mclip", tiny_xlmr)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sc = scorers.create("clip", model=str(folder), **on_device())
    assert sc.backend == "mclip"
    out = sc.score([INST])
    _check_shapes(out, [INST])
    # by hand: masked mean of the encoder's last states, then the linear projection
    state = torch.load(folder / "pytorch_model.bin", weights_only=True)
    enc = AutoModel.from_pretrained(tiny_xlmr).eval()
    tok = AutoTokenizer.from_pretrained(tiny_xlmr)
    w, b = state["LinearTransformation.weight"], state["LinearTransformation.bias"]
    with torch.inference_mode():
        t = tok(["Paris", "in Paris"], padding=True, return_tensors="pt")
        h = enc(**t).last_hidden_state
        m = t["attention_mask"].unsqueeze(-1).float()
        v = ((h * m).sum(1) / m.sum(1)) @ w.T + b
    v = v.numpy() / np.linalg.norm(v.numpy(), axis=1, keepdims=True)
    assert out[0][2, 6] == pytest.approx(max(0.0, float(v[0] @ v[1])), abs=1e-3)


# ------------------------------------------------------------------ in the projector


def test_neural_scorers_in_the_match_projector(tiny_ner, tiny_nllb, tiny_xlmr):
    options = {
        "ner": {"model": str(tiny_ner), "device": "cpu"},
        "nmt": {"model": str(tiny_nllb), "tgt_lang": "de", "device": "cpu"},
        "embedding": {"model": str(tiny_xlmr), "device": "cpu"},
    }
    proj = make_projector("match", scorers=["alignment", "ner", "nmt", "embedding"],
                          scorer_options=options, min_score=0.0)  # fmt: skip
    spans = [[Span(0, 2, "PER"), Span(6, 7, "LOC")], []]
    al = [Alignment.from_pairs([(i, i) for i in range(8)]), Alignment()]
    res = proj.project([SRC, ["x"]], [TGT, ["y"]], spans, al)
    got = {(s.start, s.end, s.label) for s in res.spans[0]}
    assert got == {(0, 2, "PER"), (6, 7, "LOC")}
    assert res.spans[1] == [] and res.skipped == []


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")
def test_cuda_fp16_scores_match_cpu(tiny_xlmr, tiny_ner):
    for name, model in (("embedding", tiny_xlmr), ("ner", tiny_ner)):
        cpu = scorers.create(name, model=str(model), device="cpu").score([INST])[0]
        gpu = scorers.create(name, model=str(model), device="cuda", fp16=True).score([INST])[0]
        assert np.allclose(cpu, gpu, atol=2e-2), name
