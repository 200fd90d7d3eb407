"""Choosing the recipe of the tagger on the bundled encoder, on MasakhaNER dev.

    python benchmarks/masakhaner_hf_dev.py hau tprojection '{"recipe":"softmax"}' \\
        '{"recipe":"softmax","context":0}' '{"recipe":"crf","dims":32}' '{"recipe":"crf","dims":64}'

    python benchmarks/masakhaner_hf_dev.py hau,nya,swa,xho,yor match '{}' '{"dims":64}' \
        '{"self_train":0.5}' '{"with_english":true}'

Arguments: languages (comma separated), training sources (comma separated: tprojection,
match (the recipe chosen on dev, `misc loc + extend + drop-partial`), match+MOD[+MOD]
(the same with e5's links fused into eflomal's, `fuse`, as `--fuse-with bundled:e5-small`;
with the missed mentions completed, `complete`; keeping the partial sentences,
`keep-partial`; the matching's smallest pair score X instead of 0.5, `min-X`, which with
drop-partial leaves out the sentences of the less certain matches), zero-shot), then one
JSON object of `HFTrainer` options per configuration (`{"recipe": "plaincrf"}`: annoproj's
CRF alone), which may also hold `"self_train": C` (cross-fold self-training with the same
trainer, `annoproj.train.selftrain`, confidence >= C, 2 folds) and `"with_english": true`
(English CoNLL-2003 gold, MISC dropped, added to the training set), and `"blends": [B, ...]`
(with `"blend"` > 0: the same trained tagger decoded with each blend weight, one line each;
0 is the state CRF alone). One JSON line per
(language, configuration, source): dev F1, precision, recall, seconds. The encoder's states
come from the cache (`annoproj.train.states`) once computed.
"""

from __future__ import annotations

import json
import sys
import time

from annoproj import defaults
from annoproj.bench.common import resolve_data_dir
from annoproj.bench.masakhaner import (
    SOURCE_MAP,
    align_pairs,
    label_mapped,
    load_masakhaner,
    load_translations,
    projected_training_set,
    score_tagger,
)
from annoproj.data.io import read_conll
from annoproj.train.crf import CRFTrainer
from annoproj.train.hf import HFTrainer
from annoproj.train.selftrain import self_train_corpus


#: What may follow "match+" in a source's name: e5 links fused into eflomal's, mentions
#: completed, partial sentences kept (the recipe's other choices stay); also "min-X".
MODIFIERS = ("fuse", "complete", "keep-partial")


def main(argv: list[str]) -> None:
    import torch

    torch.set_num_threads(1)
    d = resolve_data_dir(None)
    langs, sources = argv[0].split(","), argv[1].split(",")
    configs = [json.loads(c) for c in argv[2:]]
    eng = read_conll(d / "conll2003" / "train.txt")
    english = label_mapped(eng, SOURCE_MAP)
    for lang in langs:
        dev = load_masakhaner(d / "masakhaner2" / lang / "dev.txt")
        src, tgt = load_translations(d, lang, english=eng)
        data = {}
        if "tprojection" in sources:
            data["tprojection"] = tgt
        for source in sources:
            base, *mods = source.split("+")
            if base != "match":
                continue
            min_score = [float(m[4:]) for m in mods if m.startswith("min-")]
            mods = [m for m in mods if not m.startswith("min-")]
            unknown = set(mods) - set(MODIFIERS)
            if unknown:
                raise SystemExit(f"unknown source modifiers {sorted(unknown)}; known: {MODIFIERS}")
            al = align_pairs(src, tgt, aligner=dict(defaults.ALIGNER), seed=0, name_keys=True,
                             methods=["match"], device="cpu",
                             fuse_with="bundled:e5-small" if "fuse" in mods else None)
            data[source], _ = projected_training_set(
                src, tgt, al["match"], method="match",
                options={"scorers": list(defaults.SCORERS), "solver": defaults.SOLVER,
                         **({"min_score": min_score[-1]} if min_score else {})},
                drop_partial="keep-partial" not in mods, misc="loc", extend=True,
                complete="complete" in mods)
        if "zero-shot" in sources:
            data["zero-shot"] = english
        for cfg in configs:
            opts = {k: v for k, v in cfg.items()
                    if k not in ("self_train", "with_english", "blends")}
            for name, train in data.items():
                t = time.time()
                tr = (CRFTrainer() if opts.get("recipe") == "plaincrf"
                      else HFTrainer("bundled:e5-small", device="cpu", **opts))
                added = None
                if cfg.get("self_train") is not None:
                    train, added = self_train_corpus(train, tr, folds=2,
                                                     min_confidence=float(cfg["self_train"]))
                if cfg.get("with_english"):
                    train = [*train, *english]
                tagger = tr.fit(train)
                train_s = time.time() - t
                for blend in cfg.get("blends", [None]):
                    t1 = time.time()
                    if blend is not None:  # the same two CRFs, decoded with each weight
                        tagger.blend = float(blend)
                    r = score_tagger(tagger, dev)
                    print(json.dumps({"lang": lang, "source": name, "cfg": cfg, "f1": r["f1"],
                                      "p": r["precision"], "r": r["recall"],
                                      **({} if blend is None else {"blend": blend}),
                                      **({} if added is None else {"self_trained": added}),
                                      "train_s": round(train_s, 1),
                                      "tag_s": round(time.time() - t1, 1)}), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
