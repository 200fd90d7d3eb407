"""Choosing the recipe of the tagger on the bundled encoder, on MasakhaNER dev.

    python benchmarks/masakhaner_hf_dev.py hau tprojection '{"recipe":"softmax"}' \\
        '{"recipe":"softmax","context":0}' '{"recipe":"crf","dims":32}' '{"recipe":"crf","dims":64}'

Arguments: a language, training sources (comma separated: tprojection, match (the recipe
chosen on dev, `misc loc + extend + drop-partial`), zero-shot), then one JSON object of
`HFTrainer` options per configuration (`{"recipe": "plaincrf"}`: annoproj's CRF alone). One
JSON line per (configuration, source): dev F1, precision, recall, seconds. The encoder's
states come from the cache (`annoproj.train.states`) once computed.
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


def main(argv: list[str]) -> None:
    import torch

    torch.set_num_threads(1)
    d = resolve_data_dir(None)
    lang, sources, configs = argv[0], argv[1].split(","), [json.loads(c) for c in argv[2:]]
    eng = read_conll(d / "conll2003" / "train.txt")
    dev = load_masakhaner(d / "masakhaner2" / lang / "dev.txt")
    src, tgt = load_translations(d, lang, english=eng)
    data = {}
    if "tprojection" in sources:
        data["tprojection"] = tgt
    if "match" in sources:
        al = align_pairs(src, tgt, aligner=dict(defaults.ALIGNER), seed=0, name_keys=True,
                         methods=["match"])
        data["match"], _ = projected_training_set(
            src, tgt, al["match"], method="match",
            options={"scorers": list(defaults.SCORERS), "solver": defaults.SOLVER},
            drop_partial=True, misc="loc", extend=True)
    if "zero-shot" in sources:
        data["zero-shot"] = label_mapped(eng, SOURCE_MAP)
    for cfg in configs:
        for name, train in data.items():
            t = time.time()
            tr = (CRFTrainer() if cfg.get("recipe") == "plaincrf"
                  else HFTrainer("bundled:e5-small", device="cpu", **cfg))
            tagger = tr.fit(train)
            train_s = time.time() - t
            r = score_tagger(tagger, dev)
            print(json.dumps({"lang": lang, "source": name, "cfg": cfg, "f1": r["f1"],
                              "p": r["precision"], "r": r["recall"],
                              "train_s": round(train_s, 1),
                              "tag_s": round(time.time() - t - train_s, 1)}), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
