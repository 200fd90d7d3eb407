"""Bar charts of benchmark rows (`annoproj.bench.common.bar_chart` and its users)."""

from __future__ import annotations

import json
import runpy
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from annoproj.bench.europarl import config_label, plot_europarl
from annoproj.cli.main import app

ROOT = Path(__file__).resolve().parents[1]

ROWS = [{"src": "en", "tgt": t, "f1": f} for t, f in (("de", 0.92), ("es", 0.94), ("it", 0.91))]


def test_europarl_plot_is_written(tmp_path):
    pytest.importorskip("matplotlib")
    png = plot_europarl([("match", ROWS), ("other", ROWS[:2])], tmp_path / "sub" / "f1.png")
    assert png.exists() and png.read_bytes()[:4] == b"\x89PNG" and png.stat().st_size > 1000


def test_masakhaner_plot_is_written(tmp_path):
    pytest.importorskip("matplotlib")
    from annoproj.bench.masakhaner import plot_results

    rows = [{"lang": "hau", "train": "match", "f1": 0.5}, {"lang": "hau", "train": "gold", "f1": 0.7}]
    assert plot_results(rows, tmp_path / "m.png").stat().st_size > 1000


def test_config_label():
    assert config_label({"method": "match", "scorers": ["alignment", "lexical", "string"]}) == "match"
    assert config_label({
        "method": "match", "scorers": ["alignment", "lexical", "string", "embedding"],
        "fuse_aligner": "simalign", "neural_aligner": {"model": "bundled:e5-small"},
        "scorer_options": {"embedding": {"model": "bundled:use-m"}}, "refine": "pivot",
    }) == "match + fuse simalign e5-small + embedding use-m + refine pivot"
    assert config_label({"method": "heuristic", "extend": True}) == "heuristic + extend"


def test_plot_script(tmp_path, monkeypatch, capsys):
    pytest.importorskip("matplotlib")
    files = []
    for name, settings in (("a", {"method": "match"}), ("b", {"method": "heuristic"})):
        path = tmp_path / f"{name}.json"
        path.write_text(json.dumps({"benchmark": "europarl", "settings": settings, "rows": ROWS}))
        files.append(str(path))
    png = tmp_path / "e.png"
    monkeypatch.setattr(sys, "argv", ["plot_europarl.py", *files, "-o", str(png)])
    with pytest.raises(SystemExit) as exc:
        runpy.run_path(str(ROOT / "benchmarks" / "plot_europarl.py"), run_name="__main__")
    assert exc.value.code == 0 and png.stat().st_size > 1000
    assert "heuristic: average F1 0.9233" in capsys.readouterr().out


def test_plot_needs_matplotlib(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    from annoproj.errors import MissingDependencyError

    with pytest.raises(MissingDependencyError, match="annoproj\\[plot\\]"):
        plot_europarl([("match", ROWS)], tmp_path / "x.png")
    res = CliRunner().invoke(app, ["bench", "europarl", "--plot", str(tmp_path / "x.png")])
    assert res.exit_code == 4 and "annoproj[plot]" in res.output
