#!/usr/bin/env bash
# Re-run every benchmark behind docs/benchmarks.md (about 2 hours on a 2-core machine).
# Usage: benchmarks/run_all.sh [DATA_DIR]      (default ../shared/data or $ANNOPROJ_DATA)
set -euo pipefail
cd "$(dirname "$0")/.."
export ANNOPROJ_DATA="${1:-${ANNOPROJ_DATA:-../shared/data}}"
A=.venv/bin/annoproj
D=docs/benchmarks.md
R=benchmarks/results
mkdir -p "$R"

# Issue 3/4: the default (matching) and the heuristic, 3 seeds each
$A bench europarl --runs 3 --docs $D --out $R/europarl-match.json
$A bench europarl --method heuristic --runs 3 --docs $D --out $R/europarl-heuristic.json
# Issue 4: method x scorers x solver on shared alignments
.venv/bin/python benchmarks/europarl_grid.py --seeds 3 --docs $D --out $R/europarl-grid.json
# Issue 5: pivot refinement for both methods
$A bench europarl --method heuristic --refine pivot --runs 3 --docs $D --out $R/europarl-heuristic-pivot.json
$A bench europarl --refine pivot --runs 3 --docs $D --out $R/europarl-match-pivot.json
# Issue 8: the spaCy labeller, and Europarl with spaCy source labels
$A bench labeller --model spacy --docs $D --out $R/labeller-spacy.json
$A bench europarl --source-labels spacy --docs $D --out $R/europarl-spacy-labels.json
# Issue 6: translate-train on MasakhaNER 2.0
$A bench masakhaner --method heuristic,match --docs $D --out $R/masakhaner.json --plot docs/img/masakhaner.png
# the same, English MISC projected and turned into LOC where the projected data knows the words as a place
$A bench masakhaner --langs hau,nya,swa,xho,yor --misc loc --baselines "" --docs $D --out $R/masakhaner-misc-loc.json
# Issue 7: speed
$A bench speed --pairs 1000000 --docs $D --out $R/speed.json
