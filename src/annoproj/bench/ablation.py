"""Scorer ablation on Europarl: the matching projection with each scorer alone and with
the fusion of all of them, per target language.

Alignments are computed once per target language and seed (eflomal by default, or a
neural aligner); each model-backed scorer is built once and shared by the runs that use
it, caches included: the first run that uses a scorer embeds its strings, later runs (the
fusion, other seeds, the next language's English entities) reuse them, so `seconds` is
what each run added. Rows
hold `scorers`, `tgt`, `precision`, `recall`, `f1` (MISC ignored) and `seconds` (scoring
+ solving, model loading excluded; `load_s` is that run's model loading).
"""

from __future__ import annotations

import json
import statistics
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from annoproj import defaults
from annoproj.bench.common import timer
from annoproj.bench.europarl import EuroparlConfig, align_config, align_pair, load_europarl
from annoproj.data.model import Alignment, Sentence
from annoproj.evaluate import evaluate_spans
from annoproj.project.base import Scorer
from annoproj.project.projectors import make_projector

#: Scorers that load a model, and the option each takes its `--models` value as.
NEURAL = ("ner", "nmt", "embedding", "clip")
#: Scorers whose options depend on the language pair.
PAIRWISE = ("nmt",)

COLUMNS = [
    ("scorers", "scorers"), ("tgt", "tgt"), ("precision", "P"), ("recall", "R"),
    ("f1", "F1 (no MISC)"), ("seconds", "project s"), ("load_s", "load s"),
]


@dataclass
class AblationConfig:
    """What to ablate: `scorers` each alone, then (with `fusion`) all of them fused.

    models: scorer name -> model name or folder (the scorer's `model` option).
    options: scorer name -> further options (e.g. {"nmt": {"normalize": "best"}}).
    device / batch_size / fp16: passed to every model-backed scorer (unless in options).
    aligner: "eflomal" (with `eflomal` options) or "simalign" / "awesome" (with
    `neural_aligner` options). limit: use only the first N sentences. min_score: the
    matching projector's floor for chosen pairs (None: its default).
    """

    scorers: Sequence[str] = ("alignment", "string")
    models: Mapping[str, str] = field(default_factory=dict)
    options: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    src: str = "en"
    tgts: Sequence[str] = ("de", "es", "it")
    solver: str = defaults.SOLVER
    min_score: float | None = None
    fusion: bool = True
    weights: Mapping[str, float] | None = None
    device: str = "auto"
    batch_size: int | None = None
    fp16: bool = True
    aligner: str = "eflomal"
    eflomal: dict = field(default_factory=lambda: dict(defaults.ALIGNER))
    neural_aligner: dict = field(default_factory=dict)
    seed: int = 0
    runs: int = 1
    limit: int | None = None

    def __post_init__(self) -> None:
        from annoproj.project import scorers as _registered  # noqa: F401
        from annoproj.project.base import scorers as registry

        self.scorers = [s.strip() for s in self.scorers if s.strip()]
        if not self.scorers:
            raise ValueError("give at least one scorer to ablate")
        for name in [*self.scorers, *self.models, *self.options]:
            if name not in registry or name == "fusion":
                known = ", ".join(n for n in registry.names() if n != "fusion")
                raise ValueError(f"unknown scorer {name!r}; known: {known}")
        extra = set(self.models) - set(NEURAL)
        if extra:
            raise ValueError(f"--models is for {', '.join(NEURAL)}; not {', '.join(sorted(extra))}")
        if self.runs < 1:
            raise ValueError(f"runs must be >= 1, got {self.runs}")
        if self.limit is not None and self.limit < 1:
            raise ValueError(f"limit must be >= 1, got {self.limit}")

    def sets(self) -> list[tuple[str, ...]]:
        """The scorer sets to run: each scorer alone, then all together."""
        out = [(s,) for s in self.scorers]
        if self.fusion and len(self.scorers) > 1:
            out.append(tuple(self.scorers))
        return out

    def scorer_options(self, name: str, tgt: str) -> dict:
        """The options scorer `name` is built with for target language `tgt`."""
        opts = dict(self.options.get(name, {}))
        if name in NEURAL:
            if name in self.models:
                opts.setdefault("model", self.models[name])
            opts.setdefault("device", self.device)
            opts.setdefault("fp16", self.fp16)
            if self.batch_size is not None:
                opts.setdefault("batch_size", self.batch_size)
        if name == "nmt":
            opts.setdefault("src_lang", self.src)
            opts.setdefault("tgt_lang", tgt)
        return opts

    def to_dict(self) -> dict:
        d = asdict(self)
        d["scorers"] = list(self.scorers)
        d["tgts"] = list(self.tgts)
        return d


class ScorerPool:
    """Builds each (scorer, options) once and hands out the same object afterwards."""

    def __init__(self) -> None:
        self._built: dict[str, Scorer] = {}

    def get(self, name: str, options: Mapping[str, Any]) -> tuple[Scorer, float]:
        """The scorer and the seconds spent building it now (0 when reused)."""
        from annoproj.project.base import scorers as registry

        key = name + json.dumps(options, sort_keys=True, default=str)
        if key in self._built:
            return self._built[key], 0.0
        with timer() as t:
            scorer = registry.create(name, **options)
        self._built[key] = scorer
        return scorer, t[0]


def _without_misc(sentences: Sequence[Sentence]) -> list[list]:
    return [[s for s in sent.spans if s.label != "MISC"] for sent in sentences]


def _europarl_config(config: AblationConfig) -> EuroparlConfig:
    """The Europarl configuration whose alignment the ablation shares (matching links)."""
    return EuroparlConfig(method="match", aligner=dict(config.eflomal),
                          aligner_name=config.aligner, neural_aligner=dict(config.neural_aligner))


def _alignments(config: AblationConfig, neural: Any, src: list[Sentence], tgt: list[Sentence],
                seed: int) -> tuple[list[Alignment], float]:  # fmt: skip
    with timer() as t:
        links = align_pair(_europarl_config(config), src, tgt, "", seed=seed, aligner=neural)
    return links, t[0]


def run_ablation(
    config: AblationConfig,
    *,
    data_dir: str | Path | None = None,
    on_row: Callable[[dict], None] | None = None,
) -> list[dict]:
    """One row per (scorer set, target language)."""
    src_all = load_europarl(data_dir, config.src)
    src = src_all[: config.limit] if config.limit else src_all
    neural = None
    if config.aligner != "eflomal":
        from annoproj.align.stage import make_stage_aligner

        neural = make_stage_aligner(align_config(_europarl_config(config)))
    pool = ScorerPool()
    rows: list[dict] = []
    for tgt_lang in config.tgts:
        if tgt_lang == config.src:
            raise ValueError(f"source and target are both {tgt_lang!r}")
        tgt_all = load_europarl(data_dir, tgt_lang)
        if len(tgt_all) != len(src_all):
            raise ValueError(f"{config.src} has {len(src_all)} sentences but {tgt_lang} {len(tgt_all)}")
        tgt = tgt_all[: len(src)]
        runs = config.runs if neural is None else 1  # neural aligners are deterministic
        seeded = [_alignments(config, neural, src, tgt, config.seed + k) for k in range(runs)]
        gold = _without_misc(tgt)
        src_spans = _without_misc(src)
        for combo in config.sets():
            parts, load_s = [], 0.0
            for name in combo:
                scorer, seconds = pool.get(name, config.scorer_options(name, tgt_lang))
                parts.append(scorer)
                load_s += seconds
            fused = len(parts) > 1
            extra = {} if config.min_score is None else {"min_score": config.min_score}
            projector = make_projector(
                "match", scorers=parts, solver=config.solver,
                weights=dict(config.weights) if fused and config.weights else None, **extra,
            )  # fmt: skip
            reports, seconds, skipped = [], [], 0
            for alignments, _ in seeded:
                with timer() as t:
                    result = projector.project([s.tokens for s in src], [s.tokens for s in tgt],
                                               src_spans, alignments)  # fmt: skip
                pred = [[p.span() for p in spans] for spans in result.spans]
                reports.append(evaluate_spans(gold, pred).micro)
                seconds.append(t[0])
                skipped = len(result.skipped)
            f1s = [r.f1 for r in reports]
            row = {
                "scorers": ",".join(combo),
                "tgt": tgt_lang,
                "src": config.src,
                "precision": round(statistics.mean(r.precision for r in reports), 4),
                "recall": round(statistics.mean(r.recall for r in reports), 4),
                "f1": round(statistics.mean(f1s), 4),
                "f1_std": round(statistics.stdev(f1s), 4) if len(f1s) > 1 else 0.0,
                "runs": len(reports),
                "seconds": round(seconds[0], 3),
                "load_s": round(load_s, 3),
                "align_s": round(statistics.mean(a for _, a in seeded), 3),
                "aligner": config.aligner,
                "solver": config.solver,
                "skipped": skipped,
                "sentences": len(src),
            }
            if fused and config.weights:
                row["weights"] = dict(config.weights)
            rows.append(row)
            if on_row is not None:
                on_row(row)
    return rows


def parse_models(value: str | None) -> dict[str, str]:
    """"ner=M1,nmt=M2" -> {"ner": "M1", "nmt": "M2"}."""
    out: dict[str, str] = {}
    for item in (value or "").split(","):
        item = item.strip()
        if not item:
            continue
        name, sep, model = item.partition("=")
        if not sep or not name.strip() or not model.strip():
            raise ValueError(f"--models wants scorer=model pairs, comma separated; got {item!r}")
        out[name.strip()] = model.strip()
    return out


def parse_weights(value: str | None) -> dict[str, float] | None:
    """"alignment=1,embedding=0.5" -> {"alignment": 1.0, "embedding": 0.5} (None: defaults)."""
    if not value:
        return None
    out: dict[str, float] = {}
    for name, model in parse_models(value).items():
        try:
            out[name] = float(model)
        except ValueError:
            raise ValueError(f"--weights wants scorer=number pairs; got {name}={model}") from None
    return out


def parse_options(value: str | None) -> dict[str, dict]:
    """A JSON object scorer -> options, e.g. '{"nmt": {"normalize": "best"}}'."""
    if not value:
        return {}
    try:
        data = json.loads(value)
    except json.JSONDecodeError as exc:
        raise ValueError(f"--scorer-options is not valid JSON: {exc}") from exc
    if not isinstance(data, dict) or not all(isinstance(v, dict) for v in data.values()):
        raise ValueError('--scorer-options wants {"scorer": {"option": value, ...}, ...}')
    return data


def pivot_table(rows: Sequence[dict]) -> str:
    """A Markdown table: one line per scorer set, F1 per target language, the mean F1 and
    the total projection seconds."""
    from annoproj.bench.common import markdown_table

    tgts = list(dict.fromkeys(r["tgt"] for r in rows))
    table: dict[str, dict] = {}
    for r in rows:
        line = table.setdefault(r["scorers"], {"scorers": r["scorers"], "seconds": 0.0})
        line[r["tgt"]] = r["f1"]
        line["seconds"] = round(line["seconds"] + r["seconds"], 3)
    for line in table.values():
        f1s = [line[t] for t in tgts if t in line]
        line["avg"] = round(sum(f1s) / len(f1s), 4) if f1s else None
    columns = [("scorers", "scorers"), *((t, f"F1 {t}") for t in tgts), ("avg", "F1 avg"),
               ("seconds", "project s")]
    return markdown_table(list(table.values()), columns)
