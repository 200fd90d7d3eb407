"""The one alignment stage (annoproj.align.stage): what it composes, and that nothing else does."""

import ast
import pickle
from pathlib import Path

import pytest

from annoproj.align.stage import AlignConfig, StageAligner, align_corpus, encoder_fusion

ROOT = Path(__file__).resolve().parents[1]

SRC = [["the", "house", "in", "London"], ["the", "red", "house"], ["a", "cat"]] * 6
TGT = [["das", "Haus", "in", "eLondon"], ["das", "rote", "Haus"], ["eine", "Katze"]] * 6
PIV = [["la", "casa", "en", "Londres"], ["la", "casa", "roja"], ["un", "gato"]] * 6


def _pairs(links):
    return [a.pairs() for a in links]


def test_the_stage_is_eflomal_symmetrised_as_the_aligner_does():
    from annoproj.align.eflomal import EflomalAligner
    from annoproj.align.keys import NameKeyAligner

    for method, sym in (("match", "soft-union"), ("heuristic", "reverse")):
        config = AlignConfig(seed=3, method=method)
        assert config.symmetrization == sym
        direct = EflomalAligner(seed=3, symmetrize=sym).align(SRC, TGT)
        got = align_corpus(SRC, TGT, config)
        assert _pairs(got) == _pairs(direct)
        assert [a.scores is None for a in got] == [a.scores is None for a in direct]
    keyed = NameKeyAligner(EflomalAligner(seed=0, symmetrize="soft-union")).align(SRC, TGT)
    assert _pairs(align_corpus(SRC, TGT, AlignConfig(name_keys=True))) == _pairs(keyed)


def test_refinement_is_the_refiner_over_the_direct_links():
    from annoproj.align.eflomal import EflomalAligner
    from annoproj.align.refine import AlignmentCache, PivotRefiner
    from annoproj.align.symmetrize import symmetrize

    both = EflomalAligner(seed=0).align_both(SRC, TGT)
    direct = [symmetrize(f, r, len(a), len(b), method="reverse")
              for f, r, a, b in zip(both.forward, both.reverse, SRC, TGT)]
    want = PivotRefiner(pivots={"es": PIV}, aligner={"prefix_len": 4}, seed=0).refine(
        SRC, TGT, direct, directions=both)
    stats: dict = {}
    cache = AlignmentCache()
    got = align_corpus(SRC, TGT, AlignConfig(method="heuristic", refine="pivot"),
                       pivots={"es": PIV}, cache=cache, stats=stats)
    assert _pairs(got) == _pairs(want)
    assert {"align_s", "refine_s", "eflomal_runs", "combine"} <= set(stats)
    assert stats["combine"] == "confirm"
    runs = cache.runs  # another symmetrisation reuses every eflomal run of the cache
    align_corpus(SRC, TGT, AlignConfig(method="match", refine="pivot"), pivots={"es": PIV},
                 cache=cache)
    assert cache.runs == runs


def test_back_translations_given_as_sentences():
    stats: dict = {}
    got = align_corpus(SRC, TGT, AlignConfig(refine="backtranslation", combine="union"),
                       back=SRC, stats=stats)
    assert len(got) == len(SRC) and stats["target_leg"] == "aligner"


@pytest.mark.parametrize("config, data, message", [
    (dict(refine="pivot"), {}, "pivot corpora"),
    (dict(refine="backtranslation"), {}, "back-translations or a translator"),
    (dict(refine="pivot"), {"back": SRC}, "takes pivots"),
    (dict(refine="backtranslation"), {"pivots": {"es": PIV}}, "not pivots"),
])
def test_refinement_data_must_fit(config, data, message):
    with pytest.raises(ValueError, match=message):
        align_corpus(SRC, TGT, AlignConfig(**config), **data)


def test_config_errors():
    with pytest.raises(ValueError, match="unknown refinement"):
        AlignConfig(refine="pivots")
    with pytest.raises(ValueError, match="eflomal"):
        AlignConfig(aligner="simalign", refine="pivot")
    with pytest.raises(ValueError, match="eflomal"):
        AlignConfig(aligner="simalign", fuse_aligner="simalign")
    with pytest.raises(ValueError, match="use its fields"):
        AlignConfig(options={"seed": 1})
    with pytest.raises(ValueError, match="3 source but 2 target"):
        align_corpus(SRC[:3], TGT[:2])
    fuse = encoder_fusion("bundled:e5-small", device="cpu")
    assert fuse["fuse_aligner"] == "simalign"
    assert AlignConfig(**fuse).fuse_aligner_options["model"] == "bundled:e5-small"


def test_stage_aligner_pickles_and_aligns():
    aligner = pickle.loads(pickle.dumps(StageAligner(AlignConfig(seed=1), extra=(SRC, TGT))))
    assert _pairs(aligner.align(SRC, TGT)) == _pairs(
        align_corpus(SRC, TGT, AlignConfig(seed=1), extra=(SRC, TGT)))


#: Calls that make links: outside annoproj.align, only the stage makes them.
ALIGNING = {"EflomalAligner", "align_both", "symmetrize", "refine", "make_refiner",
            "PivotRefiner", "BacktranslationRefiner", "NameKeyAligner", "with_name_keys",
            "make_aligner", "align_refined", "fuse_links", "fuse_with_encoder"}


def _calls(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call):
            f = node.func
            names.add(f.attr if isinstance(f, ast.Attribute) else getattr(f, "id", ""))
    return names


def test_only_the_stage_aligns_outside_the_align_package():
    """A reviewer grepping for symmetrisation or refinement calls finds one caller outside
    annoproj.align: the stage (benchmark scripts tuning fusion weights may fuse)."""
    found = []
    for path in sorted((ROOT / "src" / "annoproj").rglob("*.py")):
        if "align" in path.relative_to(ROOT / "src" / "annoproj").parts[:1]:
            continue
        hits = _calls(path) & ALIGNING
        if hits:
            found.append(f"{path.relative_to(ROOT)}: {sorted(hits)}")
    assert not found, "\n".join(found)


def test_benchmarks_use_public_names():
    """annoproj.bench and benchmarks/*.py import no underscore name of another module."""
    private = []
    files = [*sorted((ROOT / "benchmarks").glob("*.py")),
             *sorted((ROOT / "src" / "annoproj" / "bench").rglob("*.py"))]
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("annoproj"):
                private += [f"{path.name}: {node.module}.{a.name}" for a in node.names
                            if a.name.startswith("_")]
    assert not private, "\n".join(private)


@pytest.mark.parametrize("script", sorted(p.name for p in (ROOT / "benchmarks").glob("*.py")))
def test_benchmark_scripts_import(script, monkeypatch):
    """Every benchmarks/ script imports: the public names it uses exist (a script whose
    optional stack is missing skips)."""
    import importlib.util
    import sys

    monkeypatch.syspath_prepend(str(ROOT / "benchmarks"))
    spec = importlib.util.spec_from_file_location(f"_bench_{script[:-3]}", ROOT / "benchmarks" / script)
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
    except ImportError as exc:
        if getattr(exc, "name", None) and not exc.name.startswith("annoproj") and exc.name not in (
                "masakhaner_knobs",):
            pytest.skip(f"{script} needs {exc.name}")
        raise
    finally:
        sys.modules.pop(f"_bench_{script[:-3]}", None)
