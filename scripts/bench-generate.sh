#!/usr/bin/env bash
# Generator benchmark: rows/s and peak memory (RSS) for N and 4 x N rows of the `course` preset
# with a fixed customer count, so the second run only streams more days. Flat RSS = streaming works.
# Usage: ./scripts/bench-generate.sh [N rows, default 2000000]   (CUSTOMERS=50000 by default)
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-2000000}
customers=${CUSTOMERS:-50000}
./scripts/setup-python.sh
out=$(mktemp -d "${TMPDIR:-/tmp}/bench-generate.XXXXXX")
trap 'rm -rf "$out"' EXIT
jobs/.venv/bin/python - "$rows" "$customers" "$out" <<'PY'
import os, shutil, subprocess, sys, time

rows, customers, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
per_day = customers * 1.94  # mean 2 transactions a day, 96.9 % of times kept in (0, 86400)
print(f"course preset, {customers:,} customers, default defect rates; CPU = user + sys of the generator")
print(f"{'rows':>12} {'days':>5} {'wall s':>7} {'CPU s':>6} {'rows/s wall':>12} {'rows/s CPU':>11} {'peak RSS MB':>11} {'MB written':>10}")
for target in (rows, 4 * rows):
    days = max(1, round(target / per_day))
    data = os.path.join(out, f"data-{target}")
    began = time.perf_counter()
    with open(data + ".out", "w") as stdout:
        child = subprocess.Popen(
            [sys.executable, "-m", "fraud_jobs.generate", "--preset", "course", "--customers", str(customers),
             "--days", str(days), "--out", data],
            stdout=stdout,
        )
        _, status, usage = os.wait4(child.pid, 0)  # this child's own CPU time and peak RSS
    wall = time.perf_counter() - began
    if status:
        sys.exit(f"generator failed with status {status}")
    cpu = usage.ru_utime + usage.ru_stime
    with open(data + ".out") as stdout:
        summary = stdout.read()
    lines = int(summary.split()[0])
    written = sum(os.path.getsize(os.path.join(data, f)) for f in os.listdir(data)) / 1e6
    print(f"{lines:>12,} {days:>5} {wall:>7.2f} {cpu:>6.2f} {lines / wall:>12,.0f} {lines / cpu:>11,.0f} "
          f"{usage.ru_maxrss / 1024:>11.0f} {written:>10.0f}")
    shutil.rmtree(data)
PY
