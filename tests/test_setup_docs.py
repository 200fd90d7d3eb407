"""Set-up documentation (issue 28, item 10)."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_readme_says_how_to_get_annoproj_on_the_path():
    use = ROOT.joinpath("README.md").read_text(encoding="utf-8").split("## Use", 1)[1]
    assert "source .venv/bin/activate" in use.split("```bash", 2)[1]


def test_pytest_shows_skip_reasons():
    text = ROOT.joinpath("pyproject.toml").read_text(encoding="utf-8")
    assert re.search(r'addopts = "[^"]*-rs', text)


def test_seed_figures_are_said_to_repeat_on_one_machine():
    bench = ROOT.joinpath("docs", "benchmarks.md").read_text(encoding="utf-8")
    head = bench.split("\n## ", 1)[0]
    assert "on every run on one machine" in " ".join(head.split())
    assert "-march=native" in head
