"""`annoproj bench ablation`: configuration, parsing, and an end-to-end run with every
scorer (tiny models, 30 sentences: the figures mean nothing)."""

from __future__ import annotations

import json

import pytest

pytest.importorskip("torch")
pytest.importorskip("transformers")

from annoproj.bench.ablation import (
    AblationConfig,
    parse_models,
    parse_options,
    pivot_table,
)

from .tiny_8b import build_tiny_mclip

ROW_KEYS = {"scorers", "tgt", "f1", "precision", "recall", "seconds"}


def test_config_sets_and_options():
    cfg = AblationConfig(scorers=["alignment", "string", "nmt"], models={"nmt": "M"}, tgts=["de"],
                         device="cpu", batch_size=8)  # fmt: skip
    assert cfg.sets() == [("alignment",), ("string",), ("nmt",), ("alignment", "string", "nmt")]
    assert AblationConfig(scorers=["alignment"]).sets() == [("alignment",)]
    assert AblationConfig(scorers=["alignment", "string"], fusion=False).sets() == [("alignment",), ("string",)]
    assert cfg.scorer_options("nmt", "es") == {"model": "M", "device": "cpu", "fp16": True,
                                               "batch_size": 8, "src_lang": "en", "tgt_lang": "es"}
    assert cfg.scorer_options("alignment", "es") == {}
    with pytest.raises(ValueError, match="unknown scorer 'bleu'"):
        AblationConfig(scorers=["alignment", "bleu"])
    with pytest.raises(ValueError, match="--models is for"):
        AblationConfig(scorers=["alignment"], models={"alignment": "x"})
    with pytest.raises(ValueError, match="at least one"):
        AblationConfig(scorers=[" "])


def test_parsing():
    assert parse_models("ner=a/b, nmt=/x/y") == {"ner": "a/b", "nmt": "/x/y"}
    assert parse_models(None) == {}
    with pytest.raises(ValueError, match="scorer=model"):
        parse_models("ner")
    assert parse_options('{"nmt": {"normalize": "best"}}') == {"nmt": {"normalize": "best"}}
    with pytest.raises(ValueError):
        parse_options('{"nmt": 3}')
    with pytest.raises(ValueError, match="JSON"):
        parse_options("{nmt")


def test_pivot_table():
    rows = [
        {"scorers": "a", "tgt": "de", "f1": 0.5, "seconds": 1.0},
        {"scorers": "a", "tgt": "es", "f1": 0.7, "seconds": 2.0},
        {"scorers": "a,b", "tgt": "de", "f1": 0.9, "seconds": 3.0},
    ]
    lines = pivot_table(rows).splitlines()
    assert lines[0] == "| scorers | F1 de | F1 es | F1 avg | project s |"
    assert lines[2] == "| a | 0.500 | 0.700 | 0.600 | 3.000 |"
    assert lines[3] == "| a,b | 0.900 |  | 0.900 | 3.000 |"


def test_ablation_end_to_end(tmp_path, data_dir, tiny_ner, tiny_nllb, tiny_xlmr):
    from typer.testing import CliRunner

    from annoproj.cli.main import app

    mclip = build_tiny_mclip(tmp_path / "mclip", tiny_xlmr)
    models = f"ner={tiny_ner},nmt={tiny_nllb},embedding={tiny_xlmr},clip={mclip}"
    scorers = "alignment,string,ner,nmt,embedding,clip"
    out = tmp_path / "ablation.json"
    res = CliRunner().invoke(app, [
        "bench", "ablation", "--scorers", scorers, "--models", models, "--data-dir", str(data_dir),
        "--tgt", "de", "--limit", "30", "--device", "cpu", "--min-score", "0", "--json",
        "--out", str(out),
    ])  # fmt: skip
    assert res.exit_code == 0, res.output
    rows = [json.loads(line) for line in res.stdout.splitlines() if line.startswith("{")]
    assert [r["scorers"] for r in rows] == [*scorers.split(","), scorers]
    for r in rows:
        assert ROW_KEYS <= set(r) and r["tgt"] == "de" and r["sentences"] == 30
        assert 0.0 <= r["f1"] <= 1.0 and r["seconds"] >= 0.0
    # the word-alignment scorer alone projects something sensible even on 30 sentences
    assert rows[0]["f1"] > 0.3
    saved = json.loads(out.read_text(encoding="utf-8"))
    assert saved["benchmark"] == "ablation" and len(saved["rows"]) == len(rows)

    # a table without --json; a missing model is a dependency error (exit 4)
    res = CliRunner().invoke(app, ["bench", "ablation", "--scorers", "alignment,string",
                                   "--data-dir", str(data_dir), "--tgt", "de", "--limit", "10"])  # fmt: skip
    assert res.exit_code == 0, res.output
    assert "| alignment,string |" in res.stdout and "F1 de" in res.stdout
    res = CliRunner().invoke(app, ["bench", "ablation", "--scorers", "embedding", "--models",
                                   f"embedding={tmp_path / 'none'}", "--data-dir", str(data_dir),
                                   "--tgt", "de", "--limit", "5", "--device", "cpu"])  # fmt: skip
    assert res.exit_code == 4, res.output
    res = CliRunner().invoke(app, ["bench", "ablation", "--scorers", "alignment,bleu",
                                   "--data-dir", str(data_dir), "--tgt", "de"])  # fmt: skip
    assert res.exit_code == 2
