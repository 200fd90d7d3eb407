"""Head words that MasakhaNER's annotators put inside LOC and ORG names, read off the gold
training sets: the first words of multi-word LOC/ORG spans that start with a cased letter,
lower-cased (Hausa *jihar* in *jihar Kano*, "Kano state"; also *Gwamnatin* in *Gwamnatin
Tarayya*), seen at least MIN times inside a span and at least twice as often inside as just
before one. Words that begin multi-word names pass too (Hausa *kano*, *boko*; *new*, *south*
elsewhere): before a span they are part of the name, as a head word is.

This is knowledge of the target's annotation convention taken from in-language gold
annotation, so a run with these lists (`annoproj bench masakhaner --heads benchmarks/heads`)
is not offline projection: it measures what the convention costs.

    python benchmarks/masakhaner_heads.py --langs hau,nya,swa,xho,yor --out benchmarks/heads
"""

from __future__ import annotations

import argparse
import unicodedata
from collections import Counter
from pathlib import Path

from annoproj.bench.common import resolve_data_dir
from annoproj.bench.masakhaner import load_masakhaner

LABELS = ("LOC", "ORG")


def gold_heads(path: Path, *, min_count: int = 10) -> dict[str, tuple[int, int]]:
    """Head word -> (times first word of a multi-word LOC/ORG span, times just before one)."""
    inside: Counter[str] = Counter()
    before: Counter[str] = Counter()
    for s in load_masakhaner(path):
        for sp in s.spans:
            if sp.label not in LABELS:
                continue
            first = unicodedata.normalize("NFC", s.tokens[sp.start]).lower()
            if sp.end - sp.start > 1 and first[:1].islower():  # starts with a cased letter
                inside[first] += 1
            if sp.start > 0:
                before[unicodedata.normalize("NFC", s.tokens[sp.start - 1]).lower()] += 1
    return {w: (n, before[w]) for w, n in inside.most_common()
            if n >= min_count and n >= 2 * before[w]}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--langs", default="hau,nya,swa,xho,yor")
    ap.add_argument("--min-count", type=int, default=10)
    ap.add_argument("--data-dir", default=None)
    ap.add_argument("--out", default="benchmarks/heads")
    args = ap.parse_args()
    d = resolve_data_dir(args.data_dir)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for lang in args.langs.split(","):
        heads = gold_heads(d / "masakhaner2" / lang / "train.txt", min_count=args.min_count)
        lines = [f"# {lang}: head words inside MasakhaNER 2.0 LOC/ORG spans (gold train set;",
                 f"# benchmarks/masakhaner_heads.py --min-count {args.min_count}).",
                 "# word  # times first word of a span, times just before one"]
        lines += [f"{w}  # {n} {b}" for w, (n, b) in heads.items()]
        (out / f"{lang}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
        print(lang, len(heads), " ".join(heads))


if __name__ == "__main__":
    main()
