"""The offline default configuration: what `annoproj project` and the benchmarks use unflagged.

Each value is the best measured on Europarl (docs/benchmarks.md); change them only with a
benchmark run that shows why.
"""

from __future__ import annotations

#: eflomal options (see `annoproj.align.eflomal.EflomalAligner`).
ALIGNER: dict = {"symmetrize": "reverse", "prefix_len": 4, "identical_words": True}
#: "heuristic" or "match".
METHOD = "heuristic"
#: scorers fused for the matching method, with their weights.
SCORERS: tuple[str, ...] = ("alignment", "string")
SOLVER = "exact"
