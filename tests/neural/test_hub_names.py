"""Every model-backed component loads by *model name*, not only from a folder.

The tiny models are put into a Hugging Face hub cache laid out as `huggingface_hub` writes it
(models--ORG--NAME/refs/main, snapshots/REVISION/...), and a fresh process with
HF_HUB_OFFLINE=1 and that cache builds each component from "annoproj-test/<name>": the same
code path a user's `facebook/nllb-200-distilled-600M` takes once it has been downloaded.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

pytest.importorskip("torch")
pytest.importorskip("transformers")

ORG = "annoproj-test"
REVISION = "0" * 40

SCRIPT = r"""
import json, sys, warnings
warnings.simplefilter("ignore")
import numpy as np
from annoproj.align.base import make_aligner
from annoproj.data.model import Alignment
from annoproj.label import make_labeller
import annoproj.project.scorers  # registers the scorers
from annoproj.project.base import MatchInstance, scorers
from annoproj.project.candidates import candidates
from annoproj.translate import make_translator

org, want = sys.argv[1], sys.argv[2].split(",")
src = ["Angela", "Merkel", "met", "Macron", "in", "Paris", "."]
tgt = ["Angela", "Merkel", "traf", "Macron", "in", "Paris", "."]
inst = MatchInstance(src_tokens=src, tgt_tokens=tgt,
                     entities=np.array([[0, 2], [5, 6]], dtype=np.int32), labels=["PER", "LOC"],
                     candidates=candidates(len(tgt), max_len=3),
                     alignment=Alignment.from_pairs([(i, i) for i in range(len(src))]))
out = {}
t = make_translator("hf", f"{org}/tiny-nllb", src_lang="eng", tgt_lang="hau", device="cpu",
                    max_length=6)
out["translate"] = len(t.translate([src]))
for name in ("simalign", "awesome"):
    al = make_aligner(name, model=f"{org}/tiny-bert", layer=1, device="cpu")
    out[name] = len(al.align([src], [tgt]))
out["label"] = len(make_labeller(f"{org}/tiny-ner", device="cpu").label([src]))
for kind, model in (("ner", "tiny-ner"), ("nmt", "tiny-nllb"), ("embedding", "tiny-xlmr")):
    opts = {"src_lang": "en", "tgt_lang": "de"} if kind == "nmt" else {}
    sc = scorers.create(kind, model=f"{org}/{model}", device="cpu", **opts)
    out[kind] = list(sc.score([inst])[0].shape)
if "clip" in want:
    sc = scorers.create("clip", model=f"hf-hub:{org}/tiny-clip", device="cpu")
    out["clip"] = list(sc.score([inst])[0].shape)
print(json.dumps(out))
"""


def _put_in_cache(cache: Path, name: str, folder: Path) -> None:
    """Lay `folder` out in the hub cache as model `ORG/name` at revision main."""
    repo = cache / f"models--{ORG}--{name}"
    (repo / "refs").mkdir(parents=True, exist_ok=True)
    (repo / "refs" / "main").write_text(REVISION)
    shutil.copytree(folder, repo / "snapshots" / REVISION, dirs_exist_ok=True)


def test_components_load_by_model_name(tmp_path, tiny_nllb, tiny_bert, tiny_xlmr, tiny_ner):
    cache = tmp_path / "hub"
    for name, folder in (("tiny-nllb", tiny_nllb), ("tiny-bert", tiny_bert),
                         ("tiny-xlmr", tiny_xlmr), ("tiny-ner", tiny_ner)):
        _put_in_cache(cache, name, folder)
    want = []
    try:
        import open_clip  # noqa: F401

        from .tiny_8b import build_tiny_open_clip_hf_dir

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            # the CLIP text tower is itself named by its hub name
            clip = build_tiny_open_clip_hf_dir(tmp_path / "clip", tiny_xlmr)
        cfg = json.loads((clip / "open_clip_config.json").read_text())
        text = cfg["model_cfg"]["text_cfg"]
        text["hf_model_name"] = text["hf_tokenizer_name"] = f"{ORG}/tiny-xlmr"
        (clip / "open_clip_config.json").write_text(json.dumps(cfg))
        _put_in_cache(cache, "tiny-clip", clip)
        want.append("clip")
    except ImportError:
        pass
    env = {**os.environ, "HF_HUB_CACHE": str(cache), "HF_HOME": str(tmp_path / "home"),
           "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "HF_HUB_DISABLE_TELEMETRY": "1"}
    env.pop("TRANSFORMERS_CACHE", None)
    proc = subprocess.run([sys.executable, "-c", SCRIPT, ORG, ",".join(want)], env=env,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    n_cands = out["ner"][1]
    assert out["translate"] == out["simalign"] == out["awesome"] == out["label"] == 1
    for kind in ("ner", "nmt", "embedding", *want):
        assert out[kind] == [2, n_cands], kind
