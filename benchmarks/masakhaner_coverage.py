"""How many MasakhaNER words the translations' vocabulary covers, for each way of mending
their tokens (`annoproj bench masakhaner --rejoin`): the share of the evaluation set's word
tokens (and of its word types) whose lower-cased NFC form occurs among the training
translations' words.

    python benchmarks/masakhaner_coverage.py --langs hau,nya,swa,xho,yor --split dev
"""

from __future__ import annotations

import argparse
import json
import unicodedata
from collections import Counter

from annoproj.bench.common import resolve_data_dir
from annoproj.bench.masakhaner import mended, load_masakhaner, read_translated
from annoproj.translate.tokenize import REJOIN_MODES


def _key(word: str) -> str:
    return unicodedata.normalize("NFC", word).lower()


def coverage(data_dir: str | None, lang: str, split: str) -> list[dict]:
    """One row per rejoin mode: token and type coverage of `split` by the translations."""
    d = resolve_data_dir(data_dir)
    released, _ = read_translated(d, lang)
    evaluation = Counter(_key(w) for s in load_masakhaner(d / "masakhaner2" / lang / f"{split}.txt")
                         for w in s.tokens)
    rows = []
    for mode in REJOIN_MODES:
        # as the benchmark mends them: "none" glues lone marks back (--repair-tokens)
        sents = mended(released, repair_tokens=True, rejoin=mode)
        vocab = {_key(w) for s in sents for w in s.tokens}
        hit = sum(c for w, c in evaluation.items() if w in vocab)
        rows.append({"lang": lang, "split": split, "rejoin": mode,
                     "train_tokens": sum(len(s.tokens) for s in sents),
                     "token_coverage": round(hit / sum(evaluation.values()), 4),
                     "type_coverage": round(sum(w in vocab for w in evaluation) / len(evaluation), 4)})
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--langs", default="hau,nya,swa,xho,yor")
    ap.add_argument("--split", default="dev", choices=("dev", "test"))
    ap.add_argument("--data-dir", default=None)
    args = ap.parse_args()
    for lang in args.langs.split(","):
        for row in coverage(args.data_dir, lang, args.split):
            print(json.dumps(row))


if __name__ == "__main__":
    main()
