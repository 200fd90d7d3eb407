"""Europarl NER projection benchmark: gold source entities projected onto each target language."""

from __future__ import annotations

import statistics
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from annoproj import defaults
from annoproj.align.eflomal import EflomalAligner, EflomalResult
from annoproj.align.symmetrize import symmetrize
from annoproj.bench.common import resolve_data_dir, timer
from annoproj.data.io import read_conll
from annoproj.data.model import Alignment, Sentence
from annoproj.evaluate import evaluate_spans
from annoproj.project.projectors import make_projector

LANGUAGES = ("en", "de", "es", "it")


def load_europarl(data_dir: str | Path | None, lang: str) -> list[Sentence]:
    """The 799 sentences of one Europarl NER language."""
    if lang not in LANGUAGES:
        raise ValueError(f"Europarl NER has {', '.join(LANGUAGES)}; got {lang!r}")
    path = resolve_data_dir(data_dir) / "europarl" / f"{lang}.test.conll"
    if not path.exists():
        raise FileNotFoundError(f"{path} not found: is --data-dir the shared data folder?")
    return read_conll(path)


@dataclass
class EuroparlConfig:
    """One benchmark configuration."""

    src: str = "en"
    tgts: Sequence[str] = ("de", "es", "it")
    method: str = defaults.METHOD
    scorers: Sequence[str] = defaults.SCORERS
    solver: str = defaults.SOLVER
    aligner: dict = field(default_factory=lambda: dict(defaults.ALIGNER))
    seed: int = 0
    runs: int = 1

    def projector_options(self) -> dict:
        if self.method == "match":
            return {"scorers": list(self.scorers), "solver": self.solver}
        return {}

    def label(self) -> dict:
        """The keys that name this configuration in result rows."""
        match = self.method == "match"
        return {
            "method": self.method,
            "scorers": ",".join(self.scorers) if match else None,
            "solver": self.solver if match else None,
            "symmetrize": self.aligner.get("symmetrize"),
        }


def _without(sentences: Sequence[Sentence], drop: set[str]) -> list[list]:
    return [[s for s in sent.spans if s.label not in drop] for sent in sentences]


def _align(
    src: list[Sentence], tgt: list[Sentence], aligner_opts: dict, seed: int
) -> tuple[EflomalResult, float]:
    opts = {k: v for k, v in aligner_opts.items() if k != "symmetrize"}
    aligner = EflomalAligner(seed=seed, **opts)
    with timer() as t:
        both = aligner.align_both([s.tokens for s in src], [s.tokens for s in tgt])
    return both, t[0]


def symmetrized(both: EflomalResult, src, tgt, method: str) -> list[Alignment]:
    """Symmetrise directional links of a whole corpus."""
    return [
        symmetrize(f, r, len(s.tokens), len(t.tokens), method=method)
        for f, r, s, t in zip(both.forward, both.reverse, src, tgt)
    ]


def evaluate_pair(
    config: EuroparlConfig,
    src: list[Sentence],
    tgt: list[Sentence],
    alignments: list[Alignment],
) -> dict:
    """Project twice (MISC ignored, MISC kept) and score each against the target gold."""
    projector = make_projector(config.method, **config.projector_options())
    src_tok = [s.tokens for s in src]
    tgt_tok = [s.tokens for s in tgt]
    out: dict = {}
    for suffix, drop in (("", {"MISC"}), ("_misc", set())):
        with timer() as t:
            result = projector.project(src_tok, tgt_tok, _without(src, drop), alignments)
        pred = [[p.span() for p in spans] for spans in result.spans]
        report = evaluate_spans(_without(tgt, drop), pred)
        out[f"precision{suffix}"] = report.micro.precision
        out[f"recall{suffix}"] = report.micro.recall
        out[f"f1{suffix}"] = report.micro.f1
        if not suffix:
            out["project_s"] = t[0]
            out["skipped"] = len(result.skipped)
            out["per_type"] = {k: v.f1 for k, v in report.per_type.items()}
    return out


def run_europarl(
    config: EuroparlConfig,
    *,
    data_dir: str | Path | None = None,
    on_row: Callable[[dict], None] | None = None,
) -> list[dict]:
    """One result row per target language (mean over `config.runs` seeds)."""
    src = load_europarl(data_dir, config.src)
    rows = []
    for tgt_lang in config.tgts:
        if tgt_lang == config.src:
            raise ValueError(f"source and target are both {tgt_lang!r}")
        tgt = load_europarl(data_dir, tgt_lang)
        if len(tgt) != len(src):
            raise ValueError(f"{config.src} has {len(src)} sentences but {tgt_lang} {len(tgt)}")
        runs = []
        for k in range(config.runs):
            seed = config.seed + k
            both, align_s = _align(src, tgt, config.aligner, seed)
            alignments = symmetrized(both, src, tgt, config.aligner.get("symmetrize", "reverse"))
            res = evaluate_pair(config, src, tgt, alignments)
            res["align_s"] = align_s
            runs.append(res)
        row = {"src": config.src, "tgt": tgt_lang, **config.label()}
        for key in ("precision", "recall", "f1", "precision_misc", "recall_misc", "f1_misc"):
            row[key] = round(statistics.mean(r[key] for r in runs), 4)
        row["f1_std"] = round(statistics.stdev(r["f1"] for r in runs), 4) if len(runs) > 1 else 0.0
        row["align_s"] = round(statistics.mean(r["align_s"] for r in runs), 3)
        row["project_s"] = round(statistics.mean(r["project_s"] for r in runs), 4)
        row["skipped"] = runs[0]["skipped"]
        row["runs"] = config.runs
        row["seed"] = config.seed
        row["sentences"] = len(src)
        rows.append(row)
        if on_row is not None:
            on_row(row)
    return rows


def summary_rows(rows: list[dict]) -> list[dict]:
    """`rows` plus one average row per configuration (tgt = "avg")."""
    out = list(rows)
    if len(rows) > 1:
        avg = {k: rows[0][k] for k in ("src", "method", "scorers", "solver", "symmetrize")}
        avg["tgt"] = "avg"
        for key in ("precision", "recall", "f1", "f1_misc", "align_s", "project_s"):
            avg[key] = round(statistics.mean(r[key] for r in rows), 4)
        out.append(avg)
    return out


def config_dict(config: EuroparlConfig) -> dict:
    """The configuration as plain data for result files."""
    d = asdict(config)
    d["tgts"] = list(config.tgts)
    d["scorers"] = list(config.scorers)
    return d
