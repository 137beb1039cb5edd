#!/usr/bin/env bash
# Local demo, no cloud account: generate a `course` sample, clean it, train, log to a local MLflow server
# (SQLite + proxied artifacts under .local/demo, git-ignored), score the days after the test window with the
# registered champion, monitor them and print short reports.
# Knobs: DEMO_CUSTOMERS (default 1000), DEMO_DAYS (85), DEMO_MODEL (logistic_regression), DEMO_PORT (5055).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
root=$repo/.local/demo
customers=${DEMO_CUSTOMERS:-1000}
days=${DEMO_DAYS:-85}
# Training reads days 1-72 (look-back, folds, training, delay, test window ending 2019-11-01): the days
# after it are scored.
scored_days=$(( days - 72 ))
if [ "$scored_days" -lt 1 ]; then
  echo "DEMO_DAYS=$days leaves no day after the test window (it ends on day 72): use at least 73" >&2
  exit 1
fi
model=${DEMO_MODEL:-logistic_regression}
port=${DEMO_PORT:-5055}
started=$(date +%s)
step() { echo "[demo +$(( $(date +%s) - started ))s] $*"; }

step "1/7 Python environment (jobs/.venv, pinned; a no-op when already installed)"
./scripts/setup-python.sh
export PATH="$repo/jobs/.venv/bin:$PATH"
# Quiet Spark: warnings only, so the progress lines stay readable.
export SPARK_CONF_DIR="$root/spark-conf"
mkdir -p "$SPARK_CONF_DIR" "$root/mlflow"
cat > "$SPARK_CONF_DIR/log4j2.properties" <<'PROPS'
rootLogger.level = error
rootLogger.appenderRef.stdout.ref = console
appender.console.type = Console
appender.console.name = console
appender.console.target = SYSTEM_ERR
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = %d{HH:mm:ss} %p %c{1}: %m%n
# mlflow.spark first tries to save straight to the mlflow-artifacts: URI, which Hadoop cannot write, then
# falls back to uploading through the server; Spark ML logs that expected first failure as an ERROR.
logger.mlsave.name = org.apache.spark.ml.util.Instrumentation
logger.mlsave.level = off
PROPS
rm -rf "$root/raw" "$root/clean" "$root/clean-quarantine" "$root/scores"

step "2/7 generating a course sample: $customers customers, $days days from 2019-08-22"
# Defects at 50x the real data's shares, so a small sample still shows every cleaning rule at work.
python -m fraud_jobs.generate --preset course --customers "$customers" --days "$days" --seed 1 \
  --defect-scale 50 --defect-rate malformed=0.0002 --out "$root/raw" --manifest "$root/manifest.json"

step "3/7 cleaning it with the cleaning job (rows read and dropped per rule)"
spark-submit --master 'local[2]' jobs/entrypoints/clean_job.py \
  --input "$root/raw" --output "$root/clean" --report "$root/clean-report.json"

step "4/7 starting MLflow $(python -c 'import mlflow; print(mlflow.__version__)') on 127.0.0.1:$port"
# A server left on the port would silently receive this run (another store): refuse instead.
if curl -fs "http://127.0.0.1:$port/health" > /dev/null 2>&1; then
  echo "port $port already answers (an MLflow server from an earlier run?): stop it or set DEMO_PORT" >&2
  exit 1
fi
# setsid: its own process group, so the gunicorn workers stop with it on exit.
setsid mlflow server --host 127.0.0.1 --port "$port" --workers 1 \
  --backend-store-uri "sqlite:///$root/mlflow/mlflow.db" \
  --serve-artifacts --artifacts-destination "$root/mlflow/artifacts" > "$root/mlflow/server.log" 2>&1 &
server=$!
trap 'kill -- "-$server" 2>/dev/null || true' EXIT
for _ in $(seq 120); do
  curl -fs "http://127.0.0.1:$port/health" > /dev/null && break
  kill -0 "$server" 2>/dev/null || { echo "MLflow server failed: see $root/mlflow/server.log" >&2; exit 1; }
  sleep 1
done

# Training starts 51 days in: its validation folds and the 1- and 3-day delay variants then have the
# full 30-day feature history behind them (the job warns when they do not).
# A 1,000-customer sample cannot reach the absolute gates (AUC 0.85, AP 0.50): the demo sets them to 0 so a
# champion exists to score with (the printed AUC and AP show where the sample stands against them), and
# the pipeline keeps the job's defaults (pipeline.json training.qualityGates only for such samples).
step "5/7 training $model: train 2019-10-12..18, 7-day label delay, test 2019-10-26..11-01 (absolute gates 0)"
spark-submit --master 'local[2]' jobs/entrypoints/train_job.py \
  --input "$root/clean" --train-start 2019-10-12 --train-days 7 --delay-days 7 --test-days 7 \
  --delay-sweep 1,3,7 --model "$model" --metrics-out "$root/metrics.json" --quality-report "$root/clean-report.json" \
  --mlflow-uri "http://127.0.0.1:$port" --experiment demo --register fraud-demo \
  --gate-min-auc-roc 0 --gate-min-average-precision 0

last_day=$(date -u -d "2019-08-22 + $(( days - 1 )) days" +%F)
step "6/7 scoring the $scored_days day(s) after the test window (2019-11-02..$last_day) with fraud-demo@champion"
spark-submit --master 'local[2]' jobs/entrypoints/score_job.py \
  --input "$root/clean" --output "$root/scores" --newest-days "$scored_days" --model-name fraud-demo \
  --mlflow-uri "http://127.0.0.1:$port" --report "$root/score-report.json"

# The stack's default limits (fraud-mlops:pipeline.monitoring, infra/config/pipeline-scoring.ts); labels
# arrive 7 days late, so the days up to 7 days before the newest one get realised FNR / FPR / damage.
step "7/7 monitoring the scored days: PSI against the champion's training reference, realised outcomes"
spark-submit --master 'local[2]' jobs/entrypoints/monitor_job.py \
  --scores "$root/scores" --cleaned "$root/clean" --lookback-days "$scored_days" --label-delay-days 7 \
  --max-psi 0.2 --max-fnr 0.5 --max-fpr 0.1 --mlflow-uri "http://127.0.0.1:$port" \
  --experiment demo-monitoring --report "$root/monitoring-report.json"

step "done in $(( $(date +%s) - started ))s. Metrics: $root/metrics.json; scores: $root/scores; monitoring: $root/monitoring-report.json"
cat <<EOT
Open the MLflow UI (runs, plots, the data-quality report, the registered model fraud-demo, the
experiment demo-monitoring with the per-day PSI / FNR / FPR history and its plots):
  jobs/.venv/bin/mlflow ui --port $port --backend-store-uri sqlite:///$root/mlflow/mlflow.db \\
    --artifacts-destination $root/mlflow/artifacts
  then browse http://127.0.0.1:$port
EOT
