"""A self-contained HTML page to inspect projected spans, sentence pair by sentence pair.

The page embeds all data as one JSON blob and renders the cards lazily in the browser
(inline CSS and JS, nothing fetched from the network), so it stays fast for a few
thousand sentence pairs.
"""

from __future__ import annotations

import html
import json
import math
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path

from annoproj.data.labels import LabelMap
from annoproj.data.model import Alignment, Sentence, Span
from annoproj.report.compare import (
    EXACT,
    KINDS,
    MISSED,
    compare_projections,
    compare_spans,
    confusion_matrix,
    most_missed,
    sentence_kinds,
)
from annoproj.report.template import TEMPLATE

#: Highlight colours of the usual NER labels; other labels take the next colour of `PALETTE`.
LABEL_COLORS: dict[str, str] = {
    "PER": "#ffadad",
    "ORG": "#9bc1ff",
    "LOC": "#a8e6a3",
    "MISC": "#ffd28c",
    "DATE": "#d9b8f5",
}
PALETTE = ("#f7a8d8", "#8fe3e0", "#e6e38a", "#c9b29b", "#b5c7a0", "#f4b6a0", "#a9b8ff",
           "#d0d0d0")

#: Projected spans scoring below this count as low confidence in the summary.
LOW_CONFIDENCE = 0.5
#: Rows of the most-missed entities table.
TOP_MISSED = 20


def label_colors(labels: Sequence[str]) -> dict[str, str]:
    """A highlight colour per label: the fixed ones first, then the palette in order."""
    out: dict[str, str] = {}
    k = 0
    for label in labels:
        if label in LABEL_COLORS:
            out[label] = LABEL_COLORS[label]
        else:
            out[label] = PALETTE[k % len(PALETTE)]
            k += 1
    return out


def _projection_meta(sent: Sentence) -> tuple[list[float | None], list[int]]:
    """Per-span scores and source indices of a projected sentence.

    From its meta (the JSONL keys ``scores`` and ``sources``), else from its spans when they
    are `ProjectedSpan`s; None and -1 where unknown.
    """
    n = len(sent.spans)
    scores = sent.meta.get("scores")
    sources = sent.meta.get("sources")
    if not isinstance(scores, list) or len(scores) != n:
        scores = [getattr(sp, "score", None) for sp in sent.spans]
    if not isinstance(sources, list) or len(sources) != n:
        sources = [getattr(sp, "source", -1) for sp in sent.spans]
    clean = [None if x is None or not math.isfinite(float(x)) else float(x) for x in scores]
    return clean, [-1 if x is None else int(x) for x in sources]


def _flat_links(alignment: Alignment, n_src: int, n_tgt: int) -> tuple[list[int], int]:
    """Links as a flat [i0, j0, i1, j1, ...] list, and how many fell outside the sentence."""
    links = alignment.links
    if len(links) == 0:
        return [], 0
    ok = (links[:, 0] >= 0) & (links[:, 1] >= 0) & (links[:, 0] < n_src) & (links[:, 1] < n_tgt)
    return links[ok].reshape(-1).tolist(), int((~ok).sum())


def build_report_data(
    *,
    src: Sequence[Sentence],
    tgt: Sequence[Sentence],
    alignments: Sequence[Alignment] | None = None,
    gold: Sequence[Sentence] | None = None,
    label_map: str | Mapping[str, str | None] | LabelMap | None = None,
    indices: Sequence[int] | None = None,
    title: str = "annoproj report",
    compare: Sequence[Sentence | None] | None = None,
    names: Sequence[str] = ("A", "B"),
) -> dict:
    """The page's data: one record per sentence pair, label colours and summary counts.

    `tgt` holds the projected sentences (scores and source indices in their meta, as
    ``annoproj project -o x.jsonl`` writes them); `src`, `alignments` and `gold` are parallel
    to it. `label_map` is the one given to the projection (source indices refer to the
    mapped source spans; it is applied to gold too). `indices` numbers the pairs for display
    (default 0, 1, 2, ...).

    `compare` holds a second projection of the same pairs (None where it has no sentence),
    shown under the first one, which is then named ``names[0]`` and it ``names[1]``.
    """
    n = len(tgt)
    for name, other in (("source", src), ("alignment", alignments), ("gold", gold),
                        ("index", indices), ("second projection", compare)):
        if other is not None and len(other) != n:
            raise ValueError(f"{n} projected sentences but {len(other)} {name} entries")
    lmap = LabelMap.parse(label_map) if label_map else None
    pairs: list[dict] = []
    all_pred: list[list[Span]] = []
    all_gold: list[list[Span]] = []
    labels: set[str] = set()
    counts: Counter = Counter()
    score_sum = 0.0
    n_scored = 0
    missed: list[tuple[str, str]] = []
    seen: list[tuple[str, str]] = []
    all_b: list[list[Span] | None] = []
    all_b_gold: list[list[Span]] = []
    for k in range(n):
        s, t = src[k], tgt[k]
        # source spans, with the index each has after the label map (-1: dropped)
        src_spans = list(s.spans)
        kept_index: list[int] = []
        n_kept = 0
        for sp in src_spans:
            if lmap is None or lmap(sp.label) is not None:
                kept_index.append(n_kept)
                n_kept += 1
            else:
                kept_index.append(-1)
        mapped_to_orig = {m: i for i, m in enumerate(kept_index) if m >= 0}
        shown_src = [
            [int(sp.start), int(sp.end), sp.label if lmap is None else (lmap(sp.label) or sp.label),
             1 if kept_index[i] >= 0 else 0]
            for i, sp in enumerate(src_spans)
        ]
        scores, sources = _projection_meta(t)
        pred = [Span(int(p.start), int(p.end), p.label) for p in t.spans]
        orig_sources = [mapped_to_orig.get(x, -1) for x in sources]
        for i, x in enumerate(sources):
            if x >= 0 and (x not in mapped_to_orig
                           or shown_src[mapped_to_orig[x]][2] != pred[i].label):
                counts["label_mismatch"] += 1
        rec: dict = {"n": int(indices[k]) if indices is not None else k,
                     "id": t.id or s.id or "", "s": list(s.tokens), "t": list(t.tokens),
                     "se": shown_src}
        status: list[str] = [""] * len(pred)
        if gold is not None:
            g = gold[k]
            if len(g.tokens) != len(t.tokens):
                raise ValueError(
                    f"gold sentence {g.id or k} has {len(g.tokens)} tokens but the projected one "
                    f"{t.id or k} has {len(t.tokens)}: are the files parallel?")
            gspans = lmap.map_spans(g.spans) if lmap is not None else list(g.spans)
            status, gstatus = compare_spans(gspans, pred)
            rec["g"] = [[int(x.start), int(x.end), x.label, st] for x, st in zip(gspans, gstatus)]
            rec["k"] = sentence_kinds(status, gstatus)
            all_gold.append(gspans)
            all_pred.append(pred)
            counts.update(status)
            counts.update(st for st in gstatus if st == "missed")
            counts["disagreeing"] += bool(rec["k"])
            labels.update(x.label for x in gspans)
            rec["e"] = sum(st != EXACT for st in status) + gstatus.count(MISSED)
            seen += [(" ".join(t.tokens[x.start:x.end]), x.label) for x in gspans]
            missed += [(" ".join(t.tokens[x.start:x.end]), x.label)
                       for x, st in zip(gspans, gstatus) if st == MISSED]
        rec["te"] = [[int(p.start), int(p.end), p.label, None if sc is None else round(sc, 4), so, st]
                     for p, sc, so, st in zip(pred, scores, orig_sources, status)]
        known = [sc for sc in scores if sc is not None]
        rec["m"] = round(min(known), 4) if known else None
        have_sources = any(x >= 0 for x in sources)
        projected_from = {x for x in sources if x in mapped_to_orig}
        rec["lost"] = n_kept - len(projected_from) if have_sources or not pred else 0
        if gold is None and (have_sources or not pred):
            for i, sp in enumerate(src_spans):
                if kept_index[i] < 0:
                    continue
                key = (" ".join(s.tokens[sp.start:sp.end]), shown_src[i][2])
                seen.append(key)
                if kept_index[i] not in projected_from:
                    missed.append(key)
        if compare is not None:
            b = compare[k]
            if b is None:
                rec["b"] = None
                all_b.append(None)
            else:
                if len(b.tokens) != len(t.tokens):
                    raise ValueError(
                        f"sentence {t.id or k} has {len(t.tokens)} tokens in the first "
                        f"projection but {len(b.tokens)} in the second: are the files parallel?")
                bscores, bsources = _projection_meta(b)
                bpred = [Span(int(x.start), int(x.end), x.label) for x in b.spans]
                bstatus = [""] * len(bpred)
                if gold is not None:
                    bstatus, _ = compare_spans(all_gold[-1], bpred)
                    all_b_gold.append(bpred)
                rec["b"] = [[x.start, x.end, x.label, None if sc is None else round(sc, 4),
                             mapped_to_orig.get(so, -1), st]
                            for x, sc, so, st in zip(bpred, bscores, bsources, bstatus)]
                labels.update(x.label for x in bpred)
                all_b.append(bpred)
        if alignments is not None:
            rec["a"], bad = _flat_links(alignments[k], len(s.tokens), len(t.tokens))
            counts["links"] += len(rec["a"]) // 2
            counts["bad_links"] += bad
        labels.update(x[2] for x in shown_src)
        labels.update(p.label for p in pred)
        counts["src_entities"] += n_kept
        counts["src_ignored"] += len(src_spans) - n_kept
        counts["projected"] += len(pred)
        counts["lost"] += rec["lost"]
        counts["low"] += sum(1 for sc in known if sc < LOW_CONFIDENCE)
        counts["low_sentences"] += bool(rec["m"] is not None and rec["m"] < LOW_CONFIDENCE)
        counts["lost_sentences"] += bool(rec["lost"])
        score_sum += sum(known)
        n_scored += len(known)
        pairs.append(rec)
    fixed = list(LABEL_COLORS)
    ordered = sorted(labels, key=lambda x: (fixed.index(x) if x in fixed else len(fixed), x))
    if compare is not None:
        cmp = compare_projections([[Span(x[0], x[1], x[2]) for x in p["te"]] for p in pairs],
                                  all_b)
        for p, d in zip(pairs, cmp.pop("differ")):
            p["d"] = d
    summary: dict = {
        "sentences": n,
        "source_entities": counts["src_entities"],
        "source_ignored": counts["src_ignored"],
        "projected": counts["projected"],
        "unprojected": counts["lost"],
        "unprojected_sentences": counts["lost_sentences"],
        "mean_confidence": round(score_sum / n_scored, 4) if n_scored else None,
        "low_confidence": counts["low"],
        "low_confidence_sentences": counts["low_sentences"],
        "low_threshold": LOW_CONFIDENCE,
        "label_mismatches": counts["label_mismatch"],
    }
    if alignments is not None:
        summary["links"] = counts["links"]
        summary["links_outside"] = counts["bad_links"]
    summary["most_missed"] = most_missed(missed, seen, TOP_MISSED)
    if gold is not None:
        from annoproj.evaluate import evaluate_spans

        report = evaluate_spans(all_gold, all_pred)
        summary["gold"] = report.to_dict()
        summary["status"] = {k: counts[k] for k in (EXACT, *KINDS)}
        summary["disagreeing_sentences"] = counts["disagreeing"]
        summary["confusion"] = confusion_matrix(all_gold, all_pred, ordered)
    if compare is not None:
        summary["compare"] = {"names": [str(x) for x in names], **cmp}
        if gold is not None:
            # the sentences the second projection has, for both projections
            have = [j for j, x in enumerate(all_b) if x is not None]
            summary["compare"]["gold"] = [
                evaluate_spans([all_gold[j] for j in have],
                               [all_pred[j] for j in have]).to_dict()["micro"],
                evaluate_spans([all_gold[j] for j in have], all_b_gold).to_dict()["micro"]]
    return {"title": title, "labels": ordered, "colors": label_colors(ordered),
            "has_gold": gold is not None, "has_alignments": alignments is not None,
            "has_scores": n_scored > 0, "has_compare": compare is not None,
            "names": [str(x) for x in names], "summary": summary, "pairs": pairs}


def _script_json(data: dict) -> str:
    """JSON safe to embed in a <script> element (no '<', '>', '&' or line separators)."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


_NAMES = {"label": "wrong label"}


def _fmt(x: float | None, digits: int = 3) -> str:
    return "–" if x is None else f"{x:.{digits}f}"


def _summary_html(data: dict) -> str:
    """The summary strip above the filters (escaped HTML)."""
    s = data["summary"]
    e = html.escape
    items = [("sentence pairs", f"{s['sentences']:,}"),
             ("source entities", f"{s['source_entities']:,}"
              + (f" (+{s['source_ignored']:,} ignored)" if s["source_ignored"] else "")),
             ("projected spans", f"{s['projected']:,}"),
             ("unprojected source entities",
              f"{s['unprojected']:,} in {s['unprojected_sentences']:,} sentences")]
    if data["has_scores"]:
        items.append(("mean confidence", _fmt(s["mean_confidence"])))
        items.append((f"spans below {s['low_threshold']}",
                      f"{s['low_confidence']:,} in {s['low_confidence_sentences']:,} sentences"))
    if data["has_alignments"]:
        items.append(("alignment links", f"{s['links']:,}"))
    parts = ['<div class="sum"><div><dl class="stats">']
    parts += [f"<div><dt>{e(k)}</dt><dd>{e(v)}</dd></div>" for k, v in items]
    parts.append("</dl>")
    if "gold" in s:
        st = s["status"]
        parts.append('<p class="status-counts">projected spans vs gold: '
                     + " · ".join(f'<span class="st st-{k}">{e(_NAMES.get(k, k))}</span> {st[k]:,}'
                                  for k in st)
                     + f" · sentences with a disagreement: {s['disagreeing_sentences']:,}</p>")
    parts.append("</div>")
    if "gold" in s:
        m = s["gold"]["micro"]
        parts.append('<table class="prf"><thead><tr><th>vs gold</th><th>P</th><th>R</th>'
                     "<th>F1</th><th>gold</th><th>projected</th></tr></thead><tbody>")
        rows = [("micro", m), *sorted(s["gold"]["per_type"].items())]
        for name, r in rows:
            parts.append(
                f'<tr{" class=micro" if name == "micro" else ""}><th>{e(name)}</th>'
                f"<td>{_fmt(r['precision'])}</td><td>{_fmt(r['recall'])}</td>"
                f"<td>{_fmt(r['f1'])}</td><td>{r['support']:,}</td><td>{r['predicted']:,}</td></tr>")
        parts.append("</tbody></table>")
    parts.append("</div>")
    warn = []
    if s["label_mismatches"]:
        warn.append(f"{s['label_mismatches']:,} projected spans point at a source entity with "
                    "another label, or at none: give the report the --labels map used for "
                    "projecting.")
    if s.get("links_outside"):
        warn.append(f"{s['links_outside']:,} alignment links fall outside their sentence and "
                    "were left out: are the alignments parallel to the sentences?")
    parts += [f'<p class="warn">{e(w)}</p>' for w in warn]
    return "\n".join(parts)


def _analysis_html(data: dict) -> str:
    """The tables under the summary: A vs B, most-missed entities, label confusion (escaped)."""
    s = data["summary"]
    e = html.escape
    parts: list[str] = []
    if "compare" in s:
        c = s["compare"]
        a, b = (e(x) for x in c["names"])
        parts.append('<section id="compare-summary" class="box"><h2>'
                     f"{a} vs {b}</h2><dl class=\"stats\">")
        items = [("sentences that differ", f"{c['differing_sentences']:,}"),
                 ("spans in both", f"{c['both']:,}"),
                 (f"only in {c['names'][0]}", f"{c['only_a']:,}"),
                 (f"only in {c['names'][1]}", f"{c['only_b']:,}")]
        if c["missing_b"]:
            items.append((f"sentences {c['names'][1]} lacks", f"{c['missing_b']:,}"))
        parts += [f"<div><dt>{e(k)}</dt><dd>{e(v)}</dd></div>" for k, v in items]
        parts.append("</dl>")
        if "gold" in c:
            parts.append('<table class="prf"><thead><tr><th>vs gold (micro)</th><th>P</th>'
                         "<th>R</th><th>F1</th><th>projected</th></tr></thead><tbody>")
            for name, r in zip(c["names"], c["gold"]):
                parts.append(f"<tr><th>{e(name)}</th><td>{_fmt(r['precision'])}</td>"
                             f"<td>{_fmt(r['recall'])}</td><td>{_fmt(r['f1'])}</td>"
                             f"<td>{r['predicted']:,}</td></tr>")
            parts.append("</tbody></table>")
        parts.append("</section>")
    rows = s.get("most_missed") or []
    what = ("gold entities missed (no projected span overlaps them)" if data["has_gold"] else
            "source entities not projected")
    parts.append(f'<section id="most-missed" class="box"><h2>Most-missed entities</h2>'
                 f'<p class="note">{e(what)}, top {TOP_MISSED}</p>')
    if rows:
        parts.append('<table class="prf"><thead><tr><th>text</th><th>label</th><th>missed</th>'
                     "<th>of</th></tr></thead><tbody>")
        for r in rows:
            parts.append(f'<tr><th class="txt" dir="auto">{e(r["text"])}</th><td>{e(r["label"])}'
                         f"</td><td>{r['missed']:,}</td><td>{r['total']:,}</td></tr>")
        parts.append("</tbody></table>")
    else:
        parts.append('<p class="note">none</p>')
    parts.append("</section>")
    if "confusion" in s:
        m = s["confusion"]
        parts.append('<section id="confusion" class="box"><h2>Label confusion</h2>'
                     '<p class="note">rows: gold label, columns: projected label '
                     "(spans paired on overlap)</p>"
                     '<table class="prf conf"><thead><tr><th>gold \\ projected</th>')
        parts += [f"<th>{e(c)}</th>" for c in m["cols"]]
        parts.append("</tr></thead><tbody>")
        for i, (r, line) in enumerate(zip(m["rows"], m["counts"])):
            cells = []
            for j, (c, v) in enumerate(zip(m["cols"], line)):
                cls = "diag" if r == c else "off" if v else ""
                cells.append(f'<td{f" class={cls}" if cls else ""}>{v:,}</td>')
            parts.append(f"<tr><th>{e(r)}</th>{''.join(cells)}</tr>")
        parts.append("</tbody></table></section>")
    return '<div class="analysis">' + "\n".join(parts) + "</div>"


def render_html(data: dict) -> str:
    """The complete page for `build_report_data`'s output."""
    e = html.escape
    options = "".join(f'<option value="{e(x, quote=True)}">{e(x)}</option>'
                      for x in data["labels"])
    legend = "".join(
        f'<span class="chip" style="background:{data["colors"][x]}">{e(x)}</span>'
        for x in data["labels"])
    fill = {
        "TITLE": e(data["title"]),
        "SUMMARY": _summary_html(data),
        "ANALYSIS": _analysis_html(data),
        "LABEL_OPTIONS": options,
        "LEGEND": legend,
        "TOTAL": f"{len(data['pairs']):,}",
        "GOLD_DISABLED": "" if data["has_gold"] else " disabled",
        "COMPARE_OPTION": ('<option value="differ">where '
                           f'{e(data["names"][0])} and {e(data["names"][1])} differ</option>\n'
                           if data.get("has_compare") else ""),
        "DATA": _script_json(data),
    }
    return re.sub(r"@@([A-Z_]+)@@", lambda m: fill[m.group(1)], TEMPLATE)


def write_report(
    path: str | Path,
    *,
    src: Sequence[Sentence],
    tgt: Sequence[Sentence],
    alignments: Sequence[Alignment] | None = None,
    gold: Sequence[Sentence] | None = None,
    label_map: str | Mapping[str, str | None] | LabelMap | None = None,
    indices: Sequence[int] | None = None,
    title: str = "annoproj report",
    compare: Sequence[Sentence | None] | None = None,
    names: Sequence[str] = ("A", "B"),
) -> dict:
    """Write the inspection page of projected sentences `tgt`; returns the summary counts.

    See `build_report_data` for the arguments.
    """
    from annoproj.data.io.files import atomic_write

    data = build_report_data(src=src, tgt=tgt, alignments=alignments, gold=gold,
                             label_map=label_map, indices=indices, title=title,
                             compare=compare, names=names)
    page = render_html(data)
    with atomic_write(path) as f:
        f.write(page)
    return data["summary"]


def read_skipped(path: str | Path) -> list[int]:
    """The sentence indices listed in a ``<output>.skipped.tsv`` log of ``annoproj project``."""
    out: list[int] = []
    with open(path, encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            head = line.split("\t", 1)[0].strip()
            if lineno == 1 and head == "index" or not head:
                continue
            try:
                out.append(int(head))
            except ValueError:
                raise ValueError(f"{path}:{lineno}: expected a sentence index, got {head!r}") from None
    return out


def kept_indices(n_source: int, n_projected: int, skipped: Sequence[int] | None) -> list[int]:
    """Which source sentence each projected sentence belongs to.

    Parallel files map one to one; when projection skipped sentences, `skipped` (from the
    ``.skipped.tsv`` log) says which.
    """
    if n_projected == n_source:
        return list(range(n_source))
    if skipped is None:
        raise ValueError(
            f"the projected file has {n_projected} sentences but the source has {n_source}, and "
            "no <projected>.skipped.tsv log says which were skipped: keep the log beside the "
            "projected file, or project with --min-confidence 0")
    drop = set(skipped)
    kept = [i for i in range(n_source) if i not in drop]
    if len(kept) != n_projected:
        raise ValueError(
            f"the skipped log lists {len(drop)} sentences, which leaves {len(kept)} of "
            f"{n_source}, but the projected file has {n_projected}: do the files belong together?")
    return kept
