#!/bin/sh
# A planted-defect corpus, written and keyed from DESIGN.md by a helper that never read the
# rule code: ~850 chat records with ~220 planted defects, tool calls, preference pairs and a
# P002 set. Generates the corpus and its key here, checks it, prints precision and recall
# per rule. The style rules (A001-A003, U001-U003) and R002 are measured elsewhere.
#   sh benchmarks/planted/run.sh
set -eu
cd "$(dirname "$0")"
python make.py > /dev/null
IGNORE=A001,A002,A003,U001,U002,U003,R002
export SFTLINT_CACHE_DIR="${SFTLINT_CACHE_DIR-}"
sftlint check data/*.jsonl --format json --exit-zero --ignore "$IGNORE" > out_main.json
(cd p002 && sftlint check ./*.jsonl --format json --exit-zero --ignore "$IGNORE" > ../out_p002.json)
python score.py
