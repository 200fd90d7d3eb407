"""The contract every component keeps, checked over every registered name of every registry
(as scikit-learn's ``parametrize_with_checks``): its `name`, one output per input in order,
empty input, score dtype and range, same seed -> same result, picklable (Ray ships
components to workers), and an unknown option is a clear `OptionError`.

`CASES` says how to build and run each component on a tiny input; `test_every_registered
name_has_a_case` fails when a registry gains a name without one, so no component skips the
contract. Model-backed components use the tiny models of tests/neural/conftest.py; those
needing a package or a system tool that is absent skip.
"""

from __future__ import annotations

import pickle
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest

from annoproj.align.base import aligners
from annoproj.align.refine import refiners
from annoproj.data.model import Alignment, Sentence, Span
from annoproj.errors import MissingDependencyError, ModelError, OptionError
from annoproj.label.base import labellers
from annoproj.project.base import MatchInstance, marker_projectors, projectors, scorers, solvers
from annoproj.translate.base import translators
from annoproj.train.base import taggers, trainers

REGISTRIES = {"aligner": aligners, "refiner": refiners, "labeller": labellers,
              "translator": translators, "trainer": trainers, "tagger": taggers,
              "scorer": scorers, "solver": solvers, "projector": projectors,
              "marker": marker_projectors}

SRC = [["Angela", "Merkel", "met", "Macron", "in", "Paris", "."],
       ["The", "European", "Parliament", "voted", "."],
       ["John", "Smith", "works", "in", "New", "York", "."]]
TGT = [["Angela", "Merkel", "traf", "Macron", "in", "Paris", "."],
       ["Das", "Europäische", "Parlament", "stimmte", "ab", "."],
       ["John", "Smith", "arbeitet", "in", "New", "York", "."]]
SPANS = [[Span(0, 2, "PER"), Span(3, 4, "PER"), Span(5, 6, "LOC")],
         [Span(1, 3, "ORG")],
         [Span(0, 2, "PER"), Span(4, 6, "LOC")]]


def diagonal(src, tgt) -> Alignment:
    n = min(len(src), len(tgt))
    return Alignment.from_pairs([(i, i) for i in range(n)], [0.9] * n)


LINKS = [diagonal(s, t) for s, t in zip(SRC, TGT)]


def instances(n: int) -> list[MatchInstance]:
    out = []
    for s, t, sp, al in list(zip(SRC, TGT, SPANS, LINKS))[:n]:
        cands = [(i, j) for i in range(len(t)) for j in range(i + 1, min(len(t), i + 3) + 1)]
        out.append(MatchInstance(
            src_tokens=s, tgt_tokens=t,
            entities=np.asarray([(x.start, x.end) for x in sp], dtype=np.int32).reshape(-1, 2),
            labels=[x.label for x in sp],
            candidates=np.asarray(cands, dtype=np.int32).reshape(-1, 2), alignment=al))
    return out


@dataclass
class Case:
    """How to build (`options`, from the tiny-model folders) and run (`run(component, n)` on
    the first n inputs, a list with one item per input) one registered component."""

    options: Callable[[dict], dict]
    run: Callable[[Any, int], list]
    needs: tuple[str, ...] = ()  # importable modules, else skip
    model: bool = False  # loads a model: the heavier checks run once

    def build(self, registry, name, models, **extra):
        for module in self.needs:
            pytest.importorskip(module)
        try:
            return registry.create(name, **self.options(models), **extra)
        except (MissingDependencyError, ModelError) as exc:
            if extra:
                raise
            pytest.skip(f"{name}: {exc}")


def _links(out: list, n: int) -> list:
    """`out` after checking each alignment: int32 links inside its sentence pair, float32
    scores in [0, 1] when scored."""
    for k, al in enumerate(out):
        assert isinstance(al, Alignment) and al.links.dtype == np.int32
        if len(al.links):
            assert al.links.min() >= 0
            assert al.links[:, 0].max() < len(SRC[k]) and al.links[:, 1].max() < len(TGT[k])
        if al.scores is not None:
            assert al.scores.dtype == np.float32 and len(al.scores) == len(al.links)
            assert np.all((al.scores >= 0) & (al.scores <= 1))
    return out


def _align(c, n):
    return _links(c.align(SRC[:n], TGT[:n]), n)


def _refine(c, n):
    return _links(c.refine(SRC[:n], TGT[:n], LINKS[:n]), n)


def _label(c, n):
    return c.label(SRC[:n])


def _translate(c, n):
    return c.translate(SRC[:n], src_lang="en", tgt_lang="de")


def _score(c, n):
    batch = instances(n)
    out = c.score(batch)
    for inst, m in zip(batch, out):
        assert m.dtype == np.float32 and m.shape == (len(inst.entities), len(inst.candidates))
        assert np.all(np.isnan(m) | ((m >= 0) & (m <= 1))), m
    return out


def _solve(c, n):
    rng = np.random.default_rng(0)
    out = []
    for inst in instances(n):
        scores = rng.random((len(inst.entities), len(inst.candidates))).astype(np.float32)
        ent, cand = c.solve(scores, inst.candidates)
        assert ent.dtype.kind == "i" and cand.dtype.kind == "i" and len(ent) == len(cand)
        out.append((ent.tolist(), cand.tolist()))
    return out


def _project(c, n):
    res = c.project(SRC[:n], TGT[:n], SPANS[:n], LINKS[:n])
    return res.spans


def _markers(c, n):
    class Echo:  # translates by copying the marked sentence: markers come back as sent
        name = "echo"

        def translate(self, sentences, *, src_lang, tgt_lang):
            return [list(s) for s in sentences]

    tokens, res = c.project_with_translation(
        [Sentence(s, sp) for s, sp in zip(SRC[:n], SPANS[:n])], Echo(), src_lang="en",
        tgt_lang="de")
    return list(zip(tokens, res.spans))


def _fit(c, n):
    if not n:  # nothing to learn from: a clear error, not an empty model
        with pytest.raises(ValueError, match="no training sentences"):
            c.fit([])
        return []
    tagger = c.fit([Sentence(s, sp) for s, sp in zip(SRC[:n] * 4, SPANS[:n] * 4)])
    return tagger.predict(SRC[:n]) if n else []


def _tagger(c, n):
    return c.predict(SRC[:n])


def _none(models):
    return {}


CASES: dict[tuple[str, str], Case] = {
    ("aligner", "eflomal"): Case(_none, _align, needs=("eflomal",)),
    ("aligner", "monolingual"): Case(_none, _align),
    ("aligner", "simalign"): Case(lambda m: {"model": str(m["bert"]), "layer": 1, "device": "cpu"},
                                  _align, needs=("torch", "transformers"), model=True),
    ("aligner", "awesome"): Case(lambda m: {"model": str(m["bert"]), "layer": 1, "device": "cpu"},
                                 _align, needs=("torch", "transformers"), model=True),
    ("refiner", "none"): Case(_none, _refine),
    ("refiner", "pivot"): Case(lambda m: {"pivots": {"es": TGT}}, _refine, needs=("eflomal",)),
    ("refiner", "backtranslation"): Case(
        lambda m: {"translator": translators.create("precomputed", sentences=SRC),
                   "src_lang": "en", "tgt_lang": "de"},
        lambda c, n: _refine(c, n) if n == 3 else [],
        needs=("eflomal",)),
    ("labeller", "gold"): Case(lambda m: {"gold": SPANS},
                               lambda c, n: c.label(SRC[:n]) if n == 3 else []),
    ("labeller", "hf"): Case(lambda m: {"model": str(m["ner"]), "device": "cpu"}, _label,
                             needs=("torch", "transformers"), model=True),
    ("labeller", "spacy"): Case(_none, _label, needs=("spacy",), model=True),
    ("labeller", "tagger"): Case(lambda m: {"model": str(m["crf"])}, _label,
                                 needs=("pycrfsuite",), model=True),
    ("translator", "precomputed"): Case(lambda m: {"sentences": TGT},
                                        lambda c, n: _translate(c, n) if n == 3 else []),
    ("translator", "hf"): Case(lambda m: {"model": str(m["marian"]), "device": "cpu",
                                          "max_length": 8}, _translate,
                               needs=("torch", "transformers"), model=True),
    ("translator", "ct2"): Case(lambda m: {"folder": str(m["ct2"]), "device": "cpu",
                                           "max_length": 8}, _translate,
                                needs=("ctranslate2", "torch", "transformers"), model=True),
    ("translator", "apertium"): Case(_none, lambda c, n: c.translate(SRC[:n], src_lang="en",
                                                                     tgt_lang="es"), model=True),
    ("trainer", "crf"): Case(lambda m: {"max_iterations": 5}, _fit, needs=("sklearn_crfsuite",)),
    ("trainer", "hf"): Case(lambda m: {"model": str(m["bert"]), "epochs": 1, "device": "cpu",
                                       "seed": 0}, _fit, needs=("torch", "transformers"),
                            model=True),
    ("scorer", "alignment"): Case(_none, _score),
    ("scorer", "string"): Case(_none, _score),
    ("scorer", "lexical"): Case(_none, _score),
    ("scorer", "memory"): Case(_none, _score),
    ("scorer", "fusion"): Case(_none, _score),
    ("scorer", "embedding"): Case(lambda m: {"model": str(m["xlmr"]), "device": "cpu"}, _score,
                                  needs=("torch", "transformers"), model=True),
    ("scorer", "ner"): Case(lambda m: {"model": str(m["ner"]), "device": "cpu"}, _score,
                            needs=("torch", "transformers"), model=True),
    ("scorer", "nmt"): Case(lambda m: {"model": str(m["marian"]), "device": "cpu",
                                       "directions": "forward"}, _score,
                            needs=("torch", "transformers"), model=True),
    ("scorer", "clip"): Case(lambda m: {"model": str(m["clip"][0]), "pretrained": str(m["clip"][1]),
                                        "device": "cpu"}, _score,
                             needs=("open_clip", "torch"), model=True),
    ("solver", "exact"): Case(_none, _solve),
    ("solver", "greedy"): Case(_none, _solve),
    ("solver", "ilp"): Case(_none, _solve, needs=("scipy",)),
    ("projector", "heuristic"): Case(_none, _project),
    ("projector", "match"): Case(_none, _project),
    ("marker", "markers"): Case(lambda m: {"style": "xml"}, _markers),
}


class TinyModels(dict):
    """Tiny model folders, built on first use (tests/neural/conftest.py builders)."""

    def __init__(self, tmp_path_factory):
        super().__init__()
        self.tmp = tmp_path_factory

    def __missing__(self, key):
        import neural.conftest as tiny  # tests/ is on sys.path (pytest prepend import mode)

        folder = self.tmp.mktemp(f"contract-{key}")
        if key == "bert":
            value = tiny.build_tiny_bert(folder)
        elif key == "xlmr":
            value = tiny.build_tiny_xlmr(folder)
        elif key == "ner":
            value = tiny.build_tiny_token_classifier(folder)
        elif key == "marian":
            value = tiny.build_tiny_marian(folder)
        elif key == "ct2":
            from annoproj.translate import convert_to_ct2

            value = convert_to_ct2(self["marian"], folder / "ct2")
        elif key == "crf":  # a model folder of `annoproj train`
            from annoproj.train.crf import CRFTrainer

            value = CRFTrainer(max_iterations=10).fit(
                [Sentence(s, sp) for s, sp in zip(SRC * 4, SPANS * 4)]).save(folder / "crf")
        elif key == "clip":
            from neural.tiny_8b import build_tiny_open_clip_files

            value = build_tiny_open_clip_files(folder)
        else:
            raise KeyError(key)
        self[key] = value
        return value


@pytest.fixture(scope="module")
def models(tmp_path_factory):
    return TinyModels(tmp_path_factory)


ALL = sorted(CASES)


def test_every_registered_name_has_a_case():
    registered = {(kind, name) for kind, reg in REGISTRIES.items() for name in reg.names()}
    covered = set(CASES) | {("tagger", name) for kind, name in CASES if kind == "trainer"}
    assert covered == registered


@pytest.mark.parametrize("kind,name", ALL)
def test_name_and_unknown_option(kind, name, models):
    registry = REGISTRIES[kind]
    assert getattr(registry.get(name), "name", None) == name
    case = CASES[kind, name]
    for module in case.needs:
        pytest.importorskip(module)
    options = {} if case.model else case.options(models)
    with pytest.raises(OptionError, match="no_such_option"):
        registry.create(name, **options, no_such_option=1)


@pytest.mark.parametrize("kind,name", ALL)
def test_lengths_order_empty_seed_and_pickle(kind, name, models):
    registry = REGISTRIES[kind]
    case = CASES[kind, name]
    if kind == "translator" and name == "apertium":
        pytest.importorskip("annoproj.translate.apertium")
    try:
        first = case.build(registry, name, models)
        assert first.name == name
        out = case.run(first, 3)
    except (MissingDependencyError, ModelError) as exc:
        pytest.skip(f"{name}: {exc}")
    assert len(out) == 3
    assert case.run(case.build(registry, name, models), 0) == []
    if kind == "trainer":
        assert getattr(registry.get(name), "name") == name
        return  # training twice is the slow part; the seed check is the trainers' own tests
    again = case.run(case.build(registry, name, models), 3)
    assert _same(out, again), f"{name}: same seed, other result"
    if case.model:
        # a loaded model holds torch and its modules: workers (Ray) get the picklable
        # (name, options) and build the component there (annoproj.pipeline.parallel)
        spec = pickle.loads(pickle.dumps((name, case.options(models))))
        assert _same(case.run(registry.create(spec[0], **spec[1]), 3), out)
        return
    copy = pickle.loads(pickle.dumps(first))
    assert _same(case.run(copy, 3), out), f"{name}: another result after pickling"


def _same(a, b) -> bool:
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return np.array_equal(np.asarray(a), np.asarray(b), equal_nan=True)
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    return a == b


def test_registry_loads_its_providers_on_first_lookup_and_checks_options():
    from annoproj.registry import Registry

    reg = Registry("thing", providers=("json",), shared_options=("device",))
    assert not reg._loaded
    reg.register("point")(lambda *, x=0: ("point", x))
    assert reg.create("point", x=2, device="cuda") == ("point", 2)  # device: dropped
    assert reg._loaded and "point" in reg and reg.names() == ["point"]
    with pytest.raises(OptionError, match=r"thing 'point' takes no option 'y'; its options: x"):
        reg.create("point", y=1)
    with pytest.raises(KeyError, match="unknown thing 'line'; known: point"):
        reg.create("line")
