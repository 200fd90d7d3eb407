"""Smoke tests of the scripts in benchmarks/: each one runs, in this process (runpy, as
``python benchmarks/X.py ...``), on the fake MasakhaNER data folder of
tests/test_masakhaner_bench.py, on a result file of benchmarks/results, or, where a real run
needs real models or hours, with ``--help`` (which still imports everything the script uses
from annoproj). `test_every_script_has_a_run` fails for a new script without an entry."""

from __future__ import annotations

import runpy
import sys
from pathlib import Path

import pytest

from test_masakhaner_bench import fake_data  # noqa: F401  (the fixture: languages xx, yy)

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"
RESULTS = BENCHMARKS / "results"
FAKE = "{fake}"  # replaced by the fake data folder

#: script -> its arguments: the smallest real run where one is cheap, else --help.
RUNS: dict[str, list[str]] = {
    "bundled_equivalence.py": ["--help"],  # downloads and compares bundled models
    "docs_race.py": ["--trials", "1"],  # 8 processes writing one page
    "e5_alignment.py": ["--help"],  # the e5 encoder on Europarl
    "europarl_backtranslation.py": ["--help"],  # eflomal on Europarl, several seeds
    "europarl_errors.py": [str(RESULTS / "europarl-match.json")],
    "europarl_grid.py": ["--help"],
    "europarl_pivot_oracle.py": ["--help"],
    "masakhaner_coverage.py": ["--langs", "xx", "--split", "dev", "--data-dir", FAKE],
    "masakhaner_crf.py": ["--help"],
    "masakhaner_encoders.py": ["--help"],  # the e5 encoder
    "masakhaner_heads.py": ["--help"],
    "masakhaner_hf_dev.py": ["xx", "tprojection"],  # loads the data; no config: no training
    "masakhaner_knobs.py": ["--help"],
    "masakhaner_o_weight.py": ["--help"],
    "masakhaner_variants.py": [str(RESULTS / "masakhaner-dev-misc-loc-drop-partial.json")],
    "plot_europarl.py": ["--help"],
    "reliability.py": ["--help"],  # kills runs at random for minutes
    "same_rows.py": [str(RESULTS / "europarl-match.json"), str(RESULTS / "europarl-match.json")],
    "stream_revisions.py": ["--help"],  # builds two git revisions
}


def test_every_script_has_a_run():
    assert sorted(p.name for p in BENCHMARKS.glob("*.py")) == sorted(RUNS)


@pytest.mark.parametrize("script", sorted(RUNS))
def test_script_runs(script, fake_data, monkeypatch, capsys):  # noqa: F811
    if script == "masakhaner_hf_dev.py":
        pytest.importorskip("torch")
    args = [str(fake_data) if a == FAKE else a for a in RUNS[script]]
    for a in args:
        if a.endswith(".json") and not Path(a).exists():
            pytest.skip(f"{a} is not in this checkout")
    monkeypatch.setenv("ANNOPROJ_DATA", str(fake_data))
    monkeypatch.setattr(sys, "argv", [str(BENCHMARKS / script), *args])
    monkeypatch.syspath_prepend(str(BENCHMARKS))
    try:
        runpy.run_path(str(BENCHMARKS / script), run_name="__main__")
    except SystemExit as exc:
        assert exc.code in (0, None), capsys.readouterr()
    out = capsys.readouterr().out
    if args == ["--help"]:
        assert "usage" in out.lower()
    elif script == "masakhaner_coverage.py":
        assert '"lang": "xx"' in out and "token_coverage" in out
    elif script == "docs_race.py":
        assert '"lost": 0' in out and '"failed_calls": 0' in out
    elif script == "same_rows.py":
        assert "same rows" in out
    elif script in ("europarl_errors.py", "masakhaner_variants.py"):
        assert out.count("|") > 4  # a Markdown table


def test_variants_table_gives_mean_and_spread_over_seeds(tmp_path, monkeypatch):
    """Runs with seeds 0, 1, 2: projected and baseline rows alike get " seed N", a mean and a
    sample standard deviation."""
    import json

    monkeypatch.syspath_prepend(str(BENCHMARKS))
    from masakhaner_variants import variants_table

    settings = {"misc": "loc", "drop_partial": True, "extend": True,
                "crf": {"c1": 0.1, "c2": 0.1, "max_iterations": 100, "o_weight": 0.25}}
    paths = []
    for seed, (ours, theirs) in enumerate([(0.60, 0.50), (0.62, 0.52), (0.64, 0.54)]):
        rows = [{"lang": "hau", "train": "match+misc-loc+extend+drop-partial+o-weight-0.25", "f1": ours},
                {"lang": "hau", "train": "tprojection+o-weight-0.25", "f1": theirs}]
        path = tmp_path / f"seed{seed}.json"
        path.write_text(json.dumps({"settings": {**settings, "seed": seed}, "rows": rows}))
        paths.append(str(path))
    table = variants_table(paths)
    header = table.splitlines()[0]
    assert "tprojection+o-weight-0.25 seed 2" in header
    assert "match+misc-loc+extend+drop-partial+o-weight-0.25 mean" in header
    assert "tprojection+o-weight-0.25 sd" in header
    hau = next(line for line in table.splitlines() if line.startswith("| hau"))
    assert "0.62" in hau and "0.52" in hau and "0.02" in hau


def test_variants_table_tables_an_entity_type(tmp_path, monkeypatch):
    """--metric PER: the rows' per-type F1, with mean and spread over seeds as for F1."""
    import json

    monkeypatch.syspath_prepend(str(BENCHMARKS))
    from masakhaner_variants import variants_table

    paths = []
    for seed, per in enumerate([0.70, 0.72, 0.74]):
        rows = [{"lang": "hau", "train": "tprojection", "f1": 0.5,
                 "per_type": {"PER": per, "LOC": 0.3, "ORG": 0.4}}]
        path = tmp_path / f"seed{seed}.json"
        path.write_text(json.dumps({"settings": {"seed": seed}, "rows": rows}))
        paths.append(str(path))
    table = variants_table(paths, metric="PER")
    hau = next(line for line in table.splitlines() if line.startswith("| hau"))
    assert "0.72" in hau and "0.02" in hau and "0.5" not in hau.replace("0.52", "")
