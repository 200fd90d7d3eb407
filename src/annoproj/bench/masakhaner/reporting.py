"""The MasakhaNER benchmark's result files, tables and charts."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from annoproj.bench.masakhaner.config import MasakhanerConfig
from annoproj.data.model import Sentence, Span

#: What a result file that predates a setting was run with (the setting's value then, which
#: is not always today's default: the dev-chosen recipe became the default later).
PREDATING = {"misc": "drop", "extend": False, "drop_partial": False, "trainer": "crf",
             "model": None, "hf": {}}


#: The hf tagger's PCA size before result files recorded it (its default then).
PREDATING_DIMS = 32


def _tagger_apart(settings: dict) -> dict:
    """`settings` with what the tagger ran with spelled out: the O weight under "o_weight"
    alone, not in "crf" too (files from before it was a setting of its own have it in "crf"
    if anywhere), and the hf tagger's PCA size under "dims" and blend weight under "blend"
    (files from before they were recorded: the ones given in "hf", else `PREDATING_DIMS` and
    0; None for a tagger without them), not in "hf" too."""
    crf = dict(settings.get("crf") or {})
    weight = crf.pop("o_weight", 1.0)
    out = {**settings, "crf": crf, "o_weight": settings.get("o_weight", weight)}
    for key, before in (("dims", PREDATING_DIMS), ("blend", 0.0)):
        if key not in out:
            out[key] = _predating(settings, key, before)
    if out.get("hf"):  # given or by default, they are under "dims" and "blend"
        out["hf"] = {k: v for k, v in out["hf"].items() if k not in ("dims", "blend")}
    return out


def _predating(settings: dict, key: str, before: Any) -> Any:
    """The value of the hf crf recipe's option `key` (dims, blend) that a result file which
    does not record it ran its tagger with: the one given in "hf", else `before`."""
    from annoproj.bench.masakhaner.config import DEFAULT_HF_MODEL
    from annoproj.train.hf import resolve_recipe

    if settings.get("trainer", "crf") != "hf":
        return None
    hf = dict(settings.get("hf") or {})
    model = settings.get("model") or DEFAULT_HF_MODEL
    if resolve_recipe(hf.get("recipe", "auto"), model) != "crf":
        return None
    return type(before)(hf.get(key, before))


def merge_rows(old: dict, rows: Sequence[dict], config: MasakhanerConfig,
               *, today: str) -> tuple[list[dict], dict]:
    """The rows and settings of result file `old` (as loaded) with the languages of `rows`
    replaced by `rows`: rerun some languages after a change that only they see.

    ValueError when `old` was run with other settings than `config` (languages aside);
    settings the file predates count as what they were then (`PREDATING`), else as their
    defaults. The settings record each rerun
    language with `today` under "rerun".
    """
    new = _tagger_apart(config.to_dict())
    base = {**MasakhanerConfig().to_dict(), **PREDATING}
    old_settings = _tagger_apart(dict(old.get("settings") or {}))
    differ = sorted(k for k in set(new) | set(old_settings)
                    if k not in ("langs", "rerun") and old_settings.get(k, base.get(k)) != new.get(k))
    if differ:
        raise ValueError("the result file was run with other settings: "
                         + ", ".join(f"{k} {old_settings.get(k, base.get(k))!r} there, "
                                     f"{new.get(k)!r} here" for k in differ))
    rerun = sorted({r["lang"] for r in rows})
    kept = [r for r in old.get("rows", []) if r["lang"] not in rerun]
    order = list(old_settings.get("langs") or dict.fromkeys(r["lang"] for r in kept))
    order += [lang for lang in rerun if lang not in order]
    merged = sorted([*kept, *rows], key=lambda r: order.index(r["lang"]))
    settings = {**new, "langs": order,
                "rerun": {**old_settings.get("rerun", {}), **dict.fromkeys(rerun, today)}}
    return merged, settings


def train_sources(rows: Sequence[dict]) -> list[str]:
    """The train sources of `rows` in first-seen order."""
    seen: list[str] = []
    for r in rows:
        if r["train"] not in seen:
            seen.append(r["train"])
    return seen


def pivot_rows(rows: Sequence[dict], key: str = "f1") -> list[dict]:
    """One row per language with a column per train source, plus an average row."""
    sources = train_sources(rows)
    by_lang: dict[str, dict] = {}
    for r in rows:
        by_lang.setdefault(r["lang"], {"lang": r["lang"]})[r["train"]] = r[key]
    out = list(by_lang.values())
    if len(out) > 1:
        avg: dict = {"lang": "avg"}
        for s in sources:
            vals = [r[s] for r in out if r.get(s) is not None]
            avg[s] = round(statistics.mean(vals), 4) if vals else None
        out.append(avg)
    return out


def summary_table(rows: Sequence[dict], key: str = "f1") -> str:
    """Markdown table: language x train source (`key`, F1 by default), with an average row."""
    from annoproj.bench.common import markdown_table

    columns = [("lang", "lang")] + [(s, s) for s in train_sources(rows)]
    return markdown_table(pivot_rows(rows, key), columns)


DETAIL_COLUMNS = [
    ("lang", "lang"), ("train", "train"), ("precision", "P"), ("recall", "R"), ("f1", "F1"),
    ("sentences", "sentences"), ("skipped", "skipped"), ("dropped", "dropped"),
    ("align_s", "align s"), ("refine_s", "refine s"), ("project_s", "project s"),
    ("train_s", "train s"),
]


def plot_results(rows: Sequence[dict], path: str | Path) -> Path:
    """A grouped bar chart of F1 per language and train source, written to `path`."""
    from annoproj.bench.common import bar_chart

    table = pivot_rows(rows)
    return bar_chart([r["lang"] for r in table],
                     [(s, [r.get(s) or 0.0 for r in table]) for s in train_sources(rows)],
                     path, ylabel="test F1 (PER, ORG, LOC)",
                     title="MasakhaNER 2.0 translate-train (CRF)")


def spans_of(sentences: Sequence[Sentence]) -> list[list[Span]]:
    """The spans of each sentence."""
    return [list(s.spans) for s in sentences]
