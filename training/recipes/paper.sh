#!/usr/bin/env bash
# Reproduction recipe for the paper's experiments (Wu, Li, Zhao, Xu, IEICE 2024, MSIR), on the shared
# corpora with their speaker-independent split: train on the train speakers, choose the epoch and the
# per-emotion thresholds on the val speakers, report the test speakers (never used to choose).
#
#   npm run paper                                   # full configuration → docs/experiments/paper.json,
#                                                   # docs/experiments/zeta.svg, docs/experiments.md
#   SEEDS="1 2 3" JOBS=1 npm run paper              # any variable below overrides its default
#   WAV2VEC2=public/models/wav2vec2-base-960h npm run paper   # adds the w2v branch subsets
#   DRY_RUN=1 npm run paper                         # print the plan (one line per training) and stop
#
# What it trains (every run is one plain `msir train`, its model folder and log under WORK):
# - branch subsets CR, LLD, CR+LLD (+ w2v, CR+w2v, LLD+w2v, CR+LLD+w2v when WAV2VEC2 is given), each
#   with cross-entropy ("w/o FL") and with focal loss (ζ = 1, θ = 2), one run per seed in SEEDS
#   (LLD_SEEDS for the LLD-only subset, which is cheap);
# - the ζ sweep (Fig. 5) on ZETA_BRANCHES with focal loss. Adam is invariant to a common scale of the
#   loss, so a ζ shared by all four emotions does (almost) nothing; ζ matters as the weight of one
#   emotion's loss against the others'. The sweep is therefore a cyclic design: run k gives emotion e
#   the value ZETAS[(e + k) mod |ZETAS|], so over |ZETAS| runs every emotion is trained once at every ζ
#   (per seed in LLD_SEEDS). SHARED_ZETA (a value, empty = none) adds a control run with that ζ for all
#   four emotions, to compare with the ζ = 1 focal run;
# - the functional-feature baselines in BASELINES (each deterministic, so one run; C per emotion and
#   the thresholds chosen on val):
#   `linear`      = the project's utterance functionals (65 LLDs + Δ × 10 functionals = 1300 values)
#                   → z-score → L2 logistic regression per emotion (`msir train --arch svm`);
#   `compare-svm` = the paper's ComParE baseline: ComParE 2016 functionals (6373, reimplemented over the
#                   project's LLDs) → z-score → linear SVM (`--functionals compare --classifier svm`);
#   `egemaps-svm` = the paper's eGeMAPS baseline: eGeMAPS-style functionals (66 of the 88; no formants,
#                   H1–H2, H1–A3) → z-score → linear SVM (`--functionals egemaps --classifier svm`).
# Then training/scripts/paper-results.ts gathers the models' manifests into OUT/paper.json and
# OUT/zeta.svg, prints the tables, and (when OUT is docs/experiments) regenerates docs/experiments.md.
#
# Variables: CORPORA (folders, one per line), SEEDS, LLD_SEEDS, ZETAS, ZETA_BRANCHES, SHARED_ZETA,
# EPOCHS, PATIENCE, PRESET, TRAIN_FLAGS (extra flags for every msir run, e.g. "--max-clips 8"),
# BASELINES, WAV2VEC2, JOBS (trainings at once; the wasm backend trains on one thread), NICE (niceness
# of the trainings), OUT (where the JSON and SVG go), WORK (models and logs), REUSE=1 (keep a run whose
# model folder already has a manifest: resume an interrupted run), DRY_RUN=1, PARTIAL=1 (gather what
# finished even when some runs failed).
set -euo pipefail
cd "$(dirname "$0")/../.."

SEEDS=${SEEDS-1 2}
LLD_SEEDS=${LLD_SEEDS-1 2 3}
ZETAS=${ZETAS-0.25 0.5 1 2 4}
ZETA_BRANCHES=${ZETA_BRANCHES-lld}
SHARED_ZETA=${SHARED_ZETA-4}
EPOCHS=${EPOCHS-12}
PATIENCE=${PATIENCE-4}
PRESET=${PRESET-cpu}
TRAIN_FLAGS=${TRAIN_FLAGS-}
BASELINES=${BASELINES-linear compare-svm egemaps-svm}
WAV2VEC2=${WAV2VEC2-}
JOBS=${JOBS:-2}
NICE=${NICE:-15}
OUT=${OUT:-docs/experiments}
WORK=${WORK:-.cache/recipes/paper}
CORPORA_LIST=${CORPORA:-$(printf '%s\n' "${RAVDESS:-../shared/corpora/ravdess}" "${EMODB:-../shared/corpora/emodb}")}
CORPORA=()
while IFS= read -r dir; do [ -n "$dir" ] && CORPORA+=(--corpus "$dir"); done <<<"$CORPORA_LIST"
export SEEDS LLD_SEEDS ZETAS ZETA_BRANCHES SHARED_ZETA EPOCHS PATIENCE PRESET TRAIN_FLAGS BASELINES WAV2VEC2 JOBS
msir() { nice -n "$NICE" node training/bin.mjs "$@"; }

# The plan: one line per training, tab-separated: run config group branches loss zeta seed.
plan=()
add() { plan+=("$(printf '%s\t' "$@")"); }
subsets=(cr lld cr,lld)
[ -n "$WAV2VEC2" ] && subsets+=(w2v cr,w2v lld,w2v cr,lld,w2v)
tag() { echo "${1//,/+}"; }
for b in $BASELINES; do
  case "$b" in
    linear | compare-svm | egemaps-svm) add "$b" "$b" baseline - - - 1 ;;
    *) echo "[paper] unknown baseline '$b' in BASELINES (linear, compare-svm, egemaps-svm)" >&2; exit 2 ;;
  esac
done
for br in "${subsets[@]}"; do
  seeds=$SEEDS
  [ "$br" = lld ] && seeds=$LLD_SEEDS
  for loss in ce focal; do
    for s in $seeds; do add "$(tag "$br")-$loss-s$s" "$(tag "$br")-$loss" branches "$br" "$loss" 1 "$s"; done
  done
done
read -r -a zetas <<<"$ZETAS"
nz=${#zetas[@]}
if [ "$nz" -gt 0 ]; then
  for k in $(seq 0 $((nz - 1))); do
    z=()
    for e in 0 1 2 3; do z+=("${zetas[$(((e + k) % nz))]}"); done
    zs=$(IFS=,; echo "${z[*]}")
    for s in $LLD_SEEDS; do add "zeta-$(tag "$ZETA_BRANCHES")-c$k-s$s" "zeta-$(tag "$ZETA_BRANCHES")-c$k" zeta "$ZETA_BRANCHES" focal "$zs" "$s"; done
  done
fi
if [ -n "$SHARED_ZETA" ]; then
  for s in $LLD_SEEDS; do add "$(tag "$ZETA_BRANCHES")-focal-zeta$SHARED_ZETA-s$s" "$(tag "$ZETA_BRANCHES")-focal-zeta$SHARED_ZETA" shared-zeta "$ZETA_BRANCHES" focal "$SHARED_ZETA" "$s"; done
fi

mkdir -p "$WORK" "$OUT"
printf '%s\n' "${plan[@]}" | sed 's/\t$//' >"$WORK/plan.tsv"
echo "[paper] ${#plan[@]} trainings, $JOBS at once → $WORK (plan $WORK/plan.tsv)"
if [ -n "${DRY_RUN:-}" ]; then cat "$WORK/plan.tsv"; exit 0; fi

start=$(date +%s)
# One training in the background, at most JOBS at once; its wall time goes to WORK/RUN.wall.
running=0
train() {
  local run=$1 group=$2 branches=$3 loss=$4 zeta=$5 seed=$6
  if [ -n "${REUSE:-}" ] && [ -f "$WORK/$run/manifest.json" ]; then echo "[paper] $run: reused"; return; fi
  rm -rf "${WORK:?}/$run" "$WORK/$run.wall"
  local args=("${CORPORA[@]}" --out "$WORK/$run" --name "$run" --seed "$seed")
  if [ "$group" = baseline ]; then
    args+=(--arch svm)
    case "$run" in
      compare-svm) args+=(--functionals compare --classifier svm) ;;
      egemaps-svm) args+=(--functionals egemaps --classifier svm) ;;
    esac
  else
    args+=(--branches "$branches" --loss "$loss" --preset "$PRESET" --epochs "$EPOCHS" --patience "$PATIENCE")
    [ "$loss" = focal ] && args+=(--focal-zeta "$zeta")
    [ -n "$WAV2VEC2" ] && [[ $branches == *w2v* ]] && args+=(--wav2vec2 "$WAV2VEC2")
  fi
  echo "[paper] $run → $WORK/$run (log $WORK/$run.log)"
  (
    t0=$(date +%s)
    # shellcheck disable=SC2086
    if msir train "${args[@]}" $TRAIN_FLAGS </dev/null >"$WORK/$run.log" 2>&1; then
      echo $(($(date +%s) - t0)) >"$WORK/$run.wall"
      grep -E '^(test:|baseline: val)' "$WORK/$run.log" | sed "s/^/[paper] $run: /" || true
    else
      echo "[paper] $run FAILED: see $WORK/$run.log" >&2
    fi
  ) &
  running=$((running + 1))
  if [ "$running" -ge "$JOBS" ]; then wait -n || true; running=$((running - 1)); fi
}
# Executed seed by seed (every configuration's first seed, then its second, …), so that an interrupted
# run still covers every configuration; the tables keep the plan's order.
while IFS=$'\t' read -r run _config group branches loss zeta seed; do
  train "$run" "$group" "$branches" "$loss" "$zeta" "$seed"
done < <(sort -s -t $'\t' -k7,7n "$WORK/plan.tsv")
wait
wall=$(($(date +%s) - start))
echo "[paper] trainings done in $wall s"

failed=0
while IFS=$'\t' read -r run _; do [ -f "$WORK/$run/manifest.json" ] || failed=$((failed + 1)); done <"$WORK/plan.tsv"
if [ "$failed" -gt 0 ] && [ -z "${PARTIAL:-}" ]; then
  echo "[paper] $failed run(s) failed (logs in $WORK); PARTIAL=1 REUSE=1 gathers what finished" >&2
  exit 1
fi
node --import tsx training/scripts/paper-results.ts --work "$WORK" --out "$OUT" --wall "$wall"
if [ "$(realpath "$OUT")" = "$(realpath docs/experiments)" ]; then npx tsx training/scripts/experiments-doc.ts; fi
