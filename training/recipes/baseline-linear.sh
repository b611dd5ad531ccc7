#!/usr/bin/env bash
# The project's linear baseline as a recipe: utterance functionals of the LLDs → z-score → class-balanced
# L2 logistic regression per emotion, C and thresholds chosen on val (training/baseline/train.ts).
#   bash training/recipes/baseline-linear.sh                       # → .cache/recipes/baseline-linear/model
#   msir protocol --recipe training/recipes/baseline-linear.sh --corpus A --corpus B
# CORPORA (one folder per line), OUT and WORK come from the environment, as for every recipe.
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=${OUT:-.cache/recipes/baseline-linear/model}
CORPORA_LIST=${CORPORA:-$(printf '%s\n' ../shared/corpora/ravdess ../shared/corpora/emodb)}
CORPORA=()
while IFS= read -r dir; do [ -n "$dir" ] && CORPORA+=(--corpus "$dir"); done <<<"$CORPORA_LIST"
node training/bin.mjs train --arch svm "${CORPORA[@]}" --out "$OUT" --name baseline-linear ${LINEAR_FLAGS:-} | tail -n 3
