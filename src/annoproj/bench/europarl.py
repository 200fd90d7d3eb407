"""Europarl NER projection benchmark: gold source entities projected onto each target language."""

from __future__ import annotations

import statistics
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from annoproj import defaults
from annoproj.align.stage import AlignConfig, align_corpus, fuse_aligner_links, make_stage_aligner
from annoproj.bench.common import resolve_data_dir, timer
from annoproj.data.io import read_conll
from annoproj.data.model import Alignment, Sentence
from annoproj.evaluate import error_types, evaluate_spans
from annoproj.project.extend import extend_corpus
from annoproj.project.options import options_for
from annoproj.project.projectors import make_projector

LANGUAGES = ("en", "de", "es", "it")
#: How neural links join eflomal's (`--fuse-aligner`): `annoproj.defaults.FUSE`.
FUSE_DEFAULTS = {k: defaults.FUSE[k] for k in ("direct_weight", "threshold", "scored")}


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
    #: The word aligner: "eflomal" (options in `aligner`) or a neural one from
    #: `annoproj.align.neural` ("simalign", "awesome") built with `neural_aligner`
    #: options (model, layer, method, device, ...).
    aligner_name: str = "eflomal"
    neural_aligner: dict = field(default_factory=dict)
    #: Alignment refinement between alignment and projection: "none", "pivot" or
    #: "backtranslation" (`annoproj.align.refine`).
    refine: str = "none"
    #: Pivot languages (refine="pivot"); None: the Europarl languages that are neither
    #: source nor target. A pivot equal to the target of a pair is left out for that pair.
    pivots: Sequence[str] | None = None
    #: Back-translations (refine="backtranslation"): a folder of ``{tgt}-{src}.txt`` files
    #: (target sentences translated into the source language, one a line), or one file.
    backtranslations: str | None = None
    #: Back-translate on the fly instead (refine="backtranslation"): "apertium"
    #: (`annoproj.translate.apertium`, rule-based, offline; its word links serve as the
    #: back-translation -> target leg), chained through the languages of `via`.
    translator: str | None = None
    via: Sequence[str] = ()
    #: Where the back-translation -> target leg comes from: "auto" (the translator's word
    #: links when it gives them, else eflomal), "translator" or "eflomal".
    target_links: str = "auto"
    #: Options of the source <-> back-translation aligner
    #: (`annoproj.align.monolingual.MonolingualAligner`; None: the refiner's defaults).
    monolingual: dict | None = None
    #: How composed paths combine with the direct links: "auto" (the preset of
    #: `annoproj.align.refine.PRESETS` that suits the method's links) or a policy of
    #: `annoproj.align.compose.COMBINERS`; `combine_options` override its options.
    combine: str = "auto"
    combine_options: dict | None = None
    #: eflomal options of the refinement legs (None: `annoproj.align.refine.LEG_OPTIONS`).
    leg_options: dict | None = None
    #: Where the source entities come from: "gold", or a labeller spec for
    #: `annoproj.label.make_labeller` ("spacy", "spacy:<pipeline>", a HF model name or
    #: folder). Scores are always against the target gold.
    source_labels: str = "gold"
    #: The matching projection's smallest pair score; None: `defaults.min_score_for(refine)`.
    min_score: float | None = None
    #: Widen projected spans to the whole names the projected corpus knows
    #: (`annoproj.project.extend`).
    extend: bool = False
    #: A neural aligner ("simalign", "awesome", built with `neural_aligner` options) whose
    #: links join eflomal's as extra evidence (`annoproj.align.compose.fuse_links` with
    #: `fuse_options`: direct_weight, threshold, scored); None: eflomal's links alone.
    fuse_aligner: str | None = None
    fuse_options: dict = field(default_factory=lambda: dict(FUSE_DEFAULTS))
    #: Options of the matching scorers by name, e.g. {"embedding": {"model": "bundled:use-m"}}.
    scorer_options: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        from annoproj.project.projectors import check_projection

        # names are checked now, not after the first alignment
        check_projection(self.method, scorers=self.scorers, solver=self.solver)

    def pivots_for(self, tgt: str) -> list[str]:
        """The pivot languages of the pair (src, tgt)."""
        chosen = LANGUAGES if self.pivots is None else tuple(self.pivots)
        for p in chosen:
            if p not in LANGUAGES:
                raise ValueError(f"pivot {p!r} is no Europarl language ({', '.join(LANGUAGES)})")
        return [p for p in chosen if p not in (self.src, tgt)]

    def effective_min_score(self) -> float:
        """The matching projection's smallest pair score in this configuration."""
        return defaults.min_score_for(self.refine) if self.min_score is None else self.min_score

    def projector_options(self) -> dict:
        """The projector's options (`annoproj.project.options.options_for`); the matching
        ones for matching only."""
        if self.method != "match":
            return options_for(self.method)
        return options_for(self.method, scorers=self.scorers, solver=self.solver,
                           min_score=self.effective_min_score(),
                           scorer_options=self.scorer_options)

    def label(self) -> dict:
        """The keys that name this configuration in result rows."""
        match = self.method == "match"
        return {
            "method": self.method,
            "scorers": ",".join(self.scorers) if match else None,
            "solver": self.solver if match else None,
            "min_score": self.effective_min_score() if match else None,
            "symmetrize": (defaults.symmetrize_for(self.method, self.aligner.get("symmetrize"))
                           if self.aligner_name == "eflomal" else None),
            **({"aligner": self.aligner_name} if self.aligner_name != "eflomal" else {}),
            **({"fuse": self.fuse_aligner} if self.fuse_aligner else {}),
            "refine": self.refine,
            "source_labels": self.source_labels,
            "extend": self.extend,
            **({"combine": self.combine} if self.refine != "none" else {}),
            **({"translator": self.translator or "precomputed"}
               if self.refine == "backtranslation" else {}),
        }


def without_labels(sentences: Sequence[Sentence], drop: set[str]) -> list[list]:
    """The spans of each sentence but those labelled one of `drop`."""
    return [[s for s in sent.spans if s.label not in drop] for sent in sentences]


_without = without_labels


def align_config(config: EuroparlConfig, seed: int | None = None) -> AlignConfig:
    """The alignment stage's config (`annoproj.align.stage`) of `config` for eflomal's
    `seed` (default: the config's first)."""
    if config.aligner_name != "eflomal":
        if config.refine != "none":
            raise ValueError("alignment refinement works on eflomal alignments only: "
                             f"drop --refine or use --aligner eflomal (not {config.aligner_name})")
        if config.fuse_aligner is not None:
            raise ValueError("--fuse-aligner adds neural links to eflomal's: use --aligner eflomal")
        return AlignConfig(aligner=config.aligner_name, options=dict(config.neural_aligner))
    return AlignConfig(
        options={k: v for k, v in config.aligner.items() if k != "symmetrize"},
        seed=config.seed if seed is None else seed,
        symmetrize=config.aligner.get("symmetrize") or "auto", method=config.method,
        refine=config.refine, combine=config.combine, combine_options=config.combine_options,
        leg_options=config.leg_options, target_links=config.target_links,
        monolingual=config.monolingual, fuse_aligner=config.fuse_aligner,
        fuse_aligner_options=dict(config.neural_aligner), fuse_options=dict(config.fuse_options))


def refinement_data(config: EuroparlConfig, data_dir, tgt_lang: str, corpora: dict) -> dict:
    """What `align_corpus` refines the pair (src, `tgt_lang`) through: pivot corpora (the
    other Europarl languages; `corpora` caches them by language) or the back-translator."""
    if config.refine == "pivot":
        pivots = {}
        for lang in config.pivots_for(tgt_lang):
            if lang not in corpora:
                corpora[lang] = load_europarl(data_dir, lang)
            pivots[lang] = [s.tokens for s in corpora[lang]]
        if not pivots:
            raise ValueError(f"no pivot language left for {config.src}->{tgt_lang}: "
                             f"--pivots must name a language other than source and target")
        return {"pivots": pivots}
    if config.refine == "backtranslation":
        return {"translator": backtranslator(config), "src_lang": config.src,
                "tgt_lang": tgt_lang}
    if config.refine != "none":
        raise ValueError(f"unknown refinement {config.refine!r}: use none, pivot or backtranslation")
    return {}


def align_pair(config: EuroparlConfig, src: Sequence[Sentence], tgt: Sequence[Sentence],
               tgt_lang: str, *, seed: int | None = None, data_dir=None,
               corpora: dict | None = None, cache: Any = None,
               fused: Sequence[Alignment] | None = None, aligner: Any = None,
               stats: dict | None = None) -> list[Alignment]:
    """The links of one Europarl pair as `config` aligns (and refines, and fuses) them:
    `annoproj.align.stage.align_corpus` with the pair's pivots or back-translator."""
    data = refinement_data(config, data_dir, tgt_lang, {} if corpora is None else corpora)
    return align_corpus([s.tokens for s in src], [t.tokens for t in tgt],
                        align_config(config, seed), cache=cache, fused=fused, aligner=aligner,
                        stats=stats, **data)


def backtranslator(config: EuroparlConfig) -> Any:
    """The translator that back-translates the targets: Apertium, or files read."""
    if config.translator is not None:
        if config.backtranslations:
            raise ValueError("give back-translation files or a translator, not both")
        if config.translator != "apertium":
            raise ValueError(f"unknown back-translator {config.translator!r}: use apertium, "
                             "or files (--backtranslations)")
        from annoproj.translate.apertium import ApertiumTranslator

        return ApertiumTranslator(via=tuple(config.via))
    from annoproj.translate.base import PrecomputedTranslator

    if not config.backtranslations:
        raise ValueError("refine='backtranslation' needs the back-translations "
                         "(--backtranslations FOLDER with {tgt}-{src}.txt files) or a "
                         "translator (--translator apertium)")
    path = Path(config.backtranslations)
    if path.is_file() and len(config.tgts) > 1:
        raise ValueError(f"{path} is one file but there are {len(config.tgts)} targets: "
                         "give a folder with one {tgt}-{src}.txt file per target")
    return PrecomputedTranslator(path)


_backtranslator = backtranslator


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
            result = projector.project(src_tok, tgt_tok, without_labels(src, drop), alignments)
            pred = [[p.span() for p in spans] for spans in result.spans]
            if config.extend:
                pred, _ = extend_corpus(tgt_tok, pred)
        report = evaluate_spans(without_labels(tgt, drop), pred)
        out[f"precision{suffix}"] = report.micro.precision
        out[f"recall{suffix}"] = report.micro.recall
        out[f"f1{suffix}"] = report.micro.f1
        if not suffix:
            out["errors"] = error_types(without_labels(tgt, drop), pred)
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
    if config.refine == "backtranslation":  # a missing translator or pair fails now
        translator = backtranslator(config)
        for tgt_lang in config.tgts:
            if hasattr(translator, "chain"):
                translator.chain(tgt_lang, config.src)
    align_config(config)  # a refinement or fusion the aligner cannot do fails now
    labelled, label_s = source_labelled(src, config.source_labels)
    rows = []
    corpora = {config.src: src}
    align_s_of: dict[tuple[str, int], float] = {}
    caches: dict[int, Any] = {}
    neural = (make_stage_aligner(align_config(config)) if config.aligner_name != "eflomal"
              else None)
    fuser = (make_stage_aligner(align_config(config), fuse=True)
             if config.fuse_aligner is not None else None)
    neural_runs: dict[str, tuple[list[Alignment], float]] = {}
    if config.refine != "none":
        # align every direct pair first, into each seed's cache: pivot refinement reuses
        # them as legs (align_s stays the direct alignment's time, refine_s is what
        # refinement adds)
        from annoproj.align.refine import AlignmentCache

        caches = {k: AlignmentCache() for k in range(config.runs)}
        direct_only = replace(config, refine="none", fuse_aligner=None)
        for tgt_lang in config.tgts:
            corpora[tgt_lang] = _load_target(data_dir, config, tgt_lang, src)
            for k in range(config.runs):
                st: dict = {}
                align_pair(direct_only, src, corpora[tgt_lang], tgt_lang, seed=config.seed + k,
                           cache=caches[k], stats=st)
                align_s_of[(tgt_lang, k)] = st["align_s"]
    for tgt_lang in config.tgts:
        tgt = corpora.get(tgt_lang) or _load_target(data_dir, config, tgt_lang, src)
        runs = []
        for k in range(config.runs):
            seed = config.seed + k
            fused, fuse_s = None, 0.0
            if fuser is not None:  # deterministic: one neural run per target serves every seed
                if tgt_lang not in neural_runs:
                    with timer() as t:
                        links = fuse_aligner_links([s.tokens for s in src],
                                                   [s.tokens for s in tgt],
                                                   align_config(config), aligner=fuser)
                    neural_runs[tgt_lang] = (links, t[0])
                fused, fuse_s = neural_runs[tgt_lang]
            st = {}
            if neural is not None:  # deterministic: one run per target serves every seed
                if tgt_lang not in neural_runs:
                    with timer() as t:
                        links = align_pair(config, src, tgt, tgt_lang, aligner=neural)
                    neural_runs[tgt_lang] = (links, t[0])
                alignments, align_s = neural_runs[tgt_lang]
            else:
                alignments = align_pair(config, src, tgt, tgt_lang, seed=seed,
                                        data_dir=data_dir, corpora=corpora,
                                        cache=caches.get(k), fused=fused, stats=st)
                align_s = align_s_of.get((tgt_lang, k), st["align_s"])
            res = evaluate_pair(config, labelled, tgt, alignments)
            res["align_s"] = align_s
            res["fuse_s"] = fuse_s
            res["refine_s"] = st.get("refine_s", 0.0)
            res["refine_runs"] = st.get("eflomal_runs", 0)
            res["combine"] = st.get("combine", config.combine)
            res["leg_options"] = st.get("leg_options")
            res["target_leg"] = st.get("target_leg")
            res.update(link_scores(src, tgt, alignments))
            runs.append(res)
        row = {"src": config.src, "tgt": tgt_lang, **config.label()}
        for key in ("precision", "recall", "f1", "precision_misc", "recall_misc", "f1_misc"):
            row[key] = round(statistics.mean(r[key] for r in runs), 4)
        row["f1_std"] = round(statistics.stdev(r["f1"] for r in runs), 4) if len(runs) > 1 else 0.0
        row["errors"] = {k: round(statistics.mean(r["errors"][k] for r in runs), 1)
                         for k in runs[0]["errors"]}  # MISC ignored; see error_types
        row["align_s"] = round(statistics.mean(r["align_s"] for r in runs), 3)
        if config.fuse_aligner:
            row["fuse_s"] = round(runs[0]["fuse_s"], 3)
            row["fuse_options"] = dict(config.fuse_options)
        if config.refine != "none":
            row["refine_s"] = round(statistics.mean(r["refine_s"] for r in runs), 3)
            # extra eflomal runs, each as costly as the direct one: a load-free cost measure
            row["refine_runs"] = round(statistics.mean(r["refine_runs"] for r in runs), 2)
            row["combine"] = runs[0]["combine"]  # the policy "auto" chose
            row["leg_options"] = runs[0]["leg_options"]
            if config.refine == "pivot":
                row["pivots"] = ",".join(config.pivots_for(tgt_lang))
            if config.refine == "backtranslation":
                row["target_leg"] = runs[0]["target_leg"]
                if config.via:
                    row["via"] = ",".join(config.via)
        for key in ("link_precision", "link_recall"):
            row[key] = round(statistics.mean(r[key] for r in runs), 4)
        row["project_s"] = round(statistics.mean(r["project_s"] for r in runs), 4)
        row["skipped"] = runs[0]["skipped"]
        row["runs"] = config.runs
        row["seed"] = config.seed
        row["sentences"] = len(src)
        if config.source_labels != "gold":
            row["label_s"] = round(label_s, 3)
        rows.append(row)
        if on_row is not None:
            on_row(row)
    return rows


def source_labelled(src: list[Sentence], spec: str = "gold", **options) -> tuple[list[Sentence], float]:
    """`src` with its spans replaced by those of the labeller `spec` ("gold": unchanged),
    and the seconds labelling took."""
    if spec == "gold":
        return src, 0.0
    from annoproj.label import make_labeller

    labeller = make_labeller(spec, **options)
    with timer() as t:
        spans = labeller.label([s.tokens for s in src])
    return [Sentence(s.tokens, list(p), s.id, dict(s.meta)) for s, p in zip(src, spans)], t[0]


def _load_target(data_dir, config: EuroparlConfig, tgt_lang: str, src: list[Sentence]) -> list[Sentence]:
    if tgt_lang == config.src:
        raise ValueError(f"source and target are both {tgt_lang!r}")
    tgt = load_europarl(data_dir, tgt_lang)
    if len(tgt) != len(src):
        raise ValueError(f"{config.src} has {len(src)} sentences but {tgt_lang} {len(tgt)}")
    return tgt


def link_scores(src: list[Sentence], tgt: list[Sentence], alignments: list[Alignment]) -> dict:
    """Entity-link precision/recall of the alignments (MISC ignored): an alignment-quality proxy."""
    from annoproj.evaluate.alignment import entity_link_scores

    s = entity_link_scores([x.spans for x in src], [x.spans for x in tgt], alignments,
                           ignore={"MISC"})  # fmt: skip
    return {"link_precision": s.precision, "link_recall": s.recall}


def summary_rows(rows: list[dict]) -> list[dict]:
    """`rows` plus one average row per configuration (tgt = "avg")."""
    out = list(rows)
    if len(rows) > 1:
        avg = {k: rows[0][k] for k in ("src", "method", "scorers", "solver", "symmetrize")}
        avg.update({k: rows[0][k] for k in ("refine", "combine", "source_labels", "min_score",
                                            "extend", "translator") if k in rows[0]})
        avg["tgt"] = "avg"
        for key in ("precision", "recall", "f1", "f1_misc", "align_s", "project_s"):
            avg[key] = round(statistics.mean(r[key] for r in rows), 4)
        for key in ("refine_s", "refine_runs", "link_precision", "link_recall"):
            if all(key in r for r in rows):
                avg[key] = round(statistics.mean(r[key] for r in rows), 4)
        out.append(avg)
    return out


def config_dict(config: EuroparlConfig) -> dict:
    """The configuration as plain data for result files."""
    d = asdict(config)
    d["tgts"] = list(config.tgts)
    d["scorers"] = list(config.scorers)
    return d


def config_label(settings: dict) -> str:
    """A short name of a configuration (a result file's `settings`) for plot legends.

    E.g. `match`, `match + fuse simalign e5-small`, `match + embedding use-m`: only what
    differs from the defaults is named.
    """

    def model_name(model: object) -> str:
        return str(model).removeprefix("bundled:").rsplit("/", 1)[-1]

    method = settings.get("method", defaults.METHOD)
    parts = [method]
    aligner = settings.get("aligner_name") or "eflomal"
    neural = settings.get("neural_aligner") or {}
    if aligner != "eflomal":
        parts.append(f"{aligner} {model_name(neural.get('model', ''))}".strip())
    if settings.get("fuse_aligner"):
        parts.append(f"fuse {settings['fuse_aligner']} {model_name(neural.get('model', ''))}".strip())
    if method == "match":
        scorer_options = settings.get("scorer_options") or {}
        scorers = list(settings.get("scorers") or defaults.SCORERS)
        dropped = [s for s in defaults.SCORERS if s not in scorers]
        for s in scorers:
            if s not in defaults.SCORERS:
                model = (scorer_options.get(s) or {}).get("model")
                parts.append(f"{s} {model_name(model)}" if model else s)
        if dropped:
            parts.append("no " + ",".join(dropped))
        if settings.get("min_score") is not None:
            parts.append(f"min score {settings['min_score']}")
    if settings.get("refine") not in (None, "none"):
        parts.append(f"refine {settings['refine']}")
    if settings.get("extend"):
        parts.append("extend")
    if settings.get("source_labels") not in (None, "gold"):
        parts.append(f"labeller {settings['source_labels']}")
    return " + ".join(parts)


def plot_europarl(results: Sequence[tuple[str, Sequence[dict]]], path: str | Path) -> Path:
    """Bars of F1 (MISC ignored) per target language and on average, one series per result.

    `results` holds (label, rows) pairs: the rows of `run_europarl` or of a result file.
    """
    from annoproj.bench.common import bar_chart

    tgts: list[str] = []
    srcs: list[str] = []
    for _, rows in results:
        for r in rows:
            if r["tgt"] not in tgts:
                tgts.append(r["tgt"])
            if r["src"] not in srcs:
                srcs.append(r["src"])
    series = []
    for label, rows in results:
        f1 = {r["tgt"]: r["f1"] for r in rows}
        values = [f1.get(t) for t in tgts]
        known = [v for v in values if v is not None]
        series.append((label, values + [sum(known) / len(known) if known else None]))
    lows = [v for _, vs in series for v in vs if v is not None]
    low = max(0.0, (int(min(lows) * 10) - 1) / 10) if lows else 0.0
    src = ",".join(srcs)
    return bar_chart([f"{src}→{t}" for t in tgts] + ["average"], series, path,
                     ylabel="F1 (PER, ORG, LOC)", ylim=(low, 1.0), values=True,
                     legend_below=True, title="Europarl NER projection (F1, MISC ignored)")
