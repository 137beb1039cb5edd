#!/usr/bin/env bash
# Model quality before/after (issue 16): trains each BENCH_MODELS x BENCH_FEATURE_SETS on a `course` sample
# (business view, labels 1, 3 and 7 days late) and on a `handbook` sample (the book's protocol), then prints
# AUC, AP, CP@100 and FNR at 5 % FPR per delay. Extra training options: BENCH_TRAIN_ARGS (e.g. --search).
# Data (generated once, cleaned by the cleaning job, reused): BENCH_ROOT (default .local/bench-quality),
# course: BENCH_COURSE_CUSTOMERS (2000) / BENCH_COURSE_TERMINALS (1000), 75 days from 2019-08-22;
# handbook: BENCH_HANDBOOK_CUSTOMERS (5000) / BENCH_HANDBOOK_TERMINALS (10,000), from BENCH_HANDBOOK_START
# (2018-04-01) to 2018-08-14 (the book's test week ends on 08-14; 2018-06-01 halves the rows and still leaves
# the first validation fold its full look-back (from 06-04); a second fold, --validation-folds 2, reaches
# 05-28 and gets truncated windows: the job warns). The full-preset table used SPARK_DRIVER_MEMORY=3g.
# Every BENCH_* list is read with ${VAR:-default}: an empty value means the default, not "none".
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup-python.sh
export PATH="$PWD/jobs/.venv/bin:$PATH"
root=${BENCH_ROOT:-$PWD/.local/bench-quality}
models=${BENCH_MODELS:-logistic_regression xgboost}
feature_sets=${BENCH_FEATURE_SETS:-handbook extended}
presets=${BENCH_PRESETS:-course handbook}
mkdir -p "$root"

clean_sample() { # name preset customers terminals start days
  local name=$1 preset=$2 customers=$3 terminals=$4 start=$5 days=$6
  [ -d "$root/$name-clean" ] && return 0
  rm -rf "$root/$name-raw"
  python -m fraud_jobs.generate --preset "$preset" --customers "$customers" --terminals "$terminals" \
    --start "$start" --days "$days" --seed 1 --no-defects --out "$root/$name-raw"
  # The handbook preset has 10,000 terminals: ids above the course data's 999 are valid here.
  spark-submit --master "local[2]" jobs/entrypoints/clean_job.py --input "$root/$name-raw" \
    --output "$root/$name-clean" --report "$root/$name-report.json" --max-terminal-id 9999
  rm -rf "$root/$name-raw"
}

for preset in $presets; do
  if [ "$preset" = course ]; then
    clean_sample course course "${BENCH_COURSE_CUSTOMERS:-2000}" "${BENCH_COURSE_TERMINALS:-1000}" 2019-08-22 75
    # 51 days in: the folds and the 1-day variant keep the full 30-day history (as scripts/demo.sh).
    start=2019-10-12
    # The business view's FNR at 5 % FPR per label delay (same test window, refit per delay).
    sweep=(--delay-sweep 1,3,7)
  else
    first=${BENCH_HANDBOOK_START:-2018-04-01}
    days=$(( ( $(date -d 2018-08-15 +%s) - $(date -d "$first" +%s) ) / 86400 ))
    clean_sample handbook handbook "${BENCH_HANDBOOK_CUSTOMERS:-5000}" "${BENCH_HANDBOOK_TERMINALS:-10000}" "$first" "$days"
    start=2018-07-25  # the book's protocol: train 07-25..31, test 08-08..14
    sweep=()
  fi
  for model in $models; do
    for set in $feature_sets; do
      out=$root/metrics-$preset-$model-$set${BENCH_TAG:+-$BENCH_TAG}.json
      [ -s "$out" ] && continue  # an empty file is a run killed while writing it
      started=$(date +%s)
      # shellcheck disable=SC2086
      spark-submit --master "local[2]" jobs/entrypoints/train_job.py --input "$root/$preset-clean" \
        --train-start "$start" --model "$model" --feature-set "$set" --metrics-out "$out" "${sweep[@]}" \
        ${BENCH_TRAIN_ARGS:-} > "$root/log-$preset-$model-$set${BENCH_TAG:+-$BENCH_TAG}.txt" 2>&1
      echo "$preset $model $set: $(( $(date +%s) - started )) s"
    done
  done
done

python - "$root" <<'PY'
import glob, json, os, sys

print(f"{'run':<52} {'AUC':>6} {'AP':>6} {'CP@100':>6}  FNR@5%FPR (business) d=1 / 3 / 7")
for path in sorted(glob.glob(os.path.join(sys.argv[1], "metrics-*.json"))):
    m = json.load(open(path))
    sweep = m["business"]["delay_sweep"]
    fnr = " / ".join(f"{sweep[d]['fnr_at_fpr_5pct']:.2%}" if d in sweep else "-" for d in ("1", "3", "7"))
    name = os.path.basename(path)[len("metrics-"):-len(".json")]
    print(f"{name:<52} {m['auc_roc']:6.3f} {m['average_precision']:6.3f} {m['card_precision_at_100']:6.3f}  {fnr}")
    if "search" in m:
        s = m["search"]
        print(f"  search on {s['metric']}: {len(s['trials'])} trials in {s['seconds']:.0f} s, best {s['trials'][s['best_trial']]['hyperparameters']}")
PY
