"""Benchmark of the cleaning job (prints figures; not a test).

Generates N million rows with the synthetic generator, then measures, in one Spark session and in
alternation: (a) the cleaning job end to end (text in, Parquet out), (b) the ceiling: Spark's own typed
CSV read (schema given, unparseable values to null, no rules) written straight to Parquet partitioned by
tx_date, (c) a baseline that parses each line in Python (RDD map, then the same Parquet write). CPU
seconds are read from /proc for the JVM and its Python workers, so figures stay meaningful when other
work shares the machine. Then a full-scale estimate from the measured rate and the default Data Proc
cluster, read from the TypeScript sources that define it (infra/config/dataproc.ts, infra/cost/prices.ts).
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import os
import re
import shutil
import statistics
import threading
import time
from typing import Callable, Dict, List, Tuple

from pyspark.sql import Observation

from fraud_jobs.clean import rules
from fraud_jobs.clean.job import (
    DEFAULT_EPOCH,
    kept_rows,
    mark_malformed_lines,
    mark_rows,
    outcome_counts,
    read_lines,
)
from fraud_jobs.common.schemas import CLEANED_DATA_SCHEMA, PARTITION_COLUMN
from fraud_jobs.common.spark import build_spark_session

CORES = 2  # local[2]
FULL_ROWS = 1_879_794_138
FULL_TEXT_BYTES = 120_594_553_665
TARGET_JOB_OVER_CEILING = 1.3
REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
TICKS = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")


def _children(pid: int) -> List[int]:
    # A child belongs to the thread that started it: the JVM starts Python workers from other threads.
    children = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as handle:
                children += [int(child) for child in handle.read().split()]
    except OSError:
        pass
    return children


def process_tree(pid: int) -> List[int]:
    tree, todo = [], [pid]
    while todo:
        current = todo.pop()
        tree.append(current)
        todo.extend(_children(current))
    return tree


def _stat(pid: int) -> Tuple[float, int]:
    """(CPU seconds including reaped children, resident bytes) of one process; zeros if it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0, 0
    cpu = sum(int(value) for value in fields[11:15]) / TICKS
    return cpu, int(fields[21]) * PAGE


class Meter:
    """CPU seconds and peak resident memory over one phase: of the JVM, and of the JVM plus every
    process below it (the Python workers; idle ones left by an earlier phase count there too)."""

    def __init__(self, jvm_pid: int) -> None:
        self.jvm_pid = jvm_pid

    def _sample(self) -> Dict[int, Tuple[float, int]]:
        return {pid: _stat(pid) for pid in process_tree(self.jvm_pid)}

    def measure(self, action: Callable[[], object]) -> Dict[str, float]:
        before = self._sample()
        peak_jvm, peak_all, stop = [0], [0], threading.Event()

        def watch() -> None:
            while not stop.is_set():
                sample = self._sample()
                peak_jvm[0] = max(peak_jvm[0], sample.get(self.jvm_pid, (0.0, 0))[1])
                peak_all[0] = max(peak_all[0], sum(rss for _, rss in sample.values()))
                stop.wait(0.2)

        watcher = threading.Thread(target=watch, daemon=True)
        started = time.monotonic()
        watcher.start()
        action()
        wall = time.monotonic() - started
        stop.set()
        watcher.join()
        after = self._sample()
        cpu = sum(seconds - before.get(pid, (0.0, 0))[0] for pid, (seconds, _) in after.items())
        return {
            "wall_s": wall,
            "cpu_s": cpu,
            "peak_jvm_gb": peak_jvm[0] / 1e9,
            "peak_all_gb": peak_all[0] / 1e9,
        }


def generate_input(rows: int, raw_dir: str) -> int:
    from fraud_jobs.generate import generate, preset_config

    days = 60  # two 30-day files, as the real data
    # The simulator draws each customer's mean daily count uniformly in 0..4 (mean 2).
    customers = max(1, math.ceil(rows / (2 * days)))
    config = preset_config("course", seed=1, customers=customers, days=days, start=DEFAULT_EPOCH)
    return generate(config, raw_dir).data_lines


def clean_job(spark, raw_dir: str, out_dir: str) -> Callable[[], object]:
    from fraud_jobs.clean.cli import main

    return lambda: main(["--input", raw_dir, "--output", out_dir, "--report", out_dir + ".report.json"])


def typed_csv_ceiling(spark, raw_dir: str, out_dir: str) -> Callable[[], object]:
    """Spark's own typed CSV read straight to Parquet by date: what any Spark cleaner must at least do."""
    from pyspark.sql import functions as F
    from pyspark.sql.types import StringType, StructField, StructType

    fields = [
        StructField("terminal_id", StringType()) if f.name == "terminal_id" else f
        for f in CLEANED_DATA_SCHEMA
    ]
    schema = StructType(fields)

    def run() -> None:
        # Unparseable datetimes (such as 24:00:00) become null instead of failing the read.
        spark.conf.set("spark.sql.legacy.timeParserPolicy", "CORRECTED")
        frame = (
            spark.read.schema(schema)
            .option("mode", "PERMISSIVE")
            .option("comment", "#")
            .option("timestampFormat", "yyyy-MM-dd HH:mm:ss")
            .csv(raw_dir)
        )
        frame = frame.withColumn(PARTITION_COLUMN, F.to_date("tx_datetime"))
        frame.write.mode("overwrite").partitionBy(PARTITION_COLUMN).parquet(out_dir)

    return run


def python_baseline(spark, raw_dir: str, out_dir: str) -> Callable[[], object]:
    """What many course solutions do: split and validate every line in Python (no dedup here)."""
    origin = dt.datetime(DEFAULT_EPOCH.year, DEFAULT_EPOCH.month, DEFAULT_EPOCH.day)

    def parse(line: str):
        fields = line.split(",")
        if len(fields) != 9:
            return None
        try:
            tx, when, customer, terminal, amount, seconds, days, fraud, scenario = fields
            midnight = when.endswith(" 24:00:00")
            if midnight:
                at = dt.datetime.strptime(when[:10], "%Y-%m-%d") + dt.timedelta(days=1)
            else:
                at = dt.datetime.strptime(when, "%Y-%m-%d %H:%M:%S")
            row = (
                int(tx),
                at,
                int(customer),
                int(terminal),
                float(amount),
                int(seconds),
                int(days),
                int(fraud),
            )
            scenario_value = int(scenario)
        except ValueError:
            return None
        if row[2] < 0 or not 0 <= row[3] <= 999 or row[4] <= 0:
            return None
        fixed_seconds = int((at - origin).total_seconds())
        fixed_days = fixed_seconds // 86400 if midnight else row[6]
        return (*row[:5], fixed_seconds, fixed_days, row[7], scenario_value, at.date())

    def run() -> None:
        from pyspark.sql.types import DateType, StructField, StructType

        schema = StructType([*CLEANED_DATA_SCHEMA.fields, StructField(PARTITION_COLUMN, DateType())])
        lines = spark.sparkContext.textFile(raw_dir)
        parsed = lines.filter(lambda text: text and not text.startswith("#")).map(parse)
        frame = spark.createDataFrame(parsed.filter(lambda row: row is not None), schema)
        frame.write.mode("overwrite").partitionBy(PARTITION_COLUMN).parquet(out_dir)

    return run


def stage_actions(spark, raw_dir: str) -> List[Tuple[str, Callable[[], object]]]:
    """The job's steps measured separately (each re-reads the text): where the time goes."""
    lines = read_lines(spark, raw_dir)
    parsed = mark_malformed_lines(lines)

    def noop(frame):
        return lambda: frame.write.format("noop").mode("overwrite").save()

    # As in run_cleaning: the observation sits between the rules and the filter of kept rows.
    marked = mark_rows(parsed, DEFAULT_EPOCH, 999).observe(Observation("bench"), *outcome_counts())
    return [
        ("read text lines", noop(lines)),
        ("read + parse + malformed", noop(parsed)),
        ("read + parse + duplicate-id aggregation", lambda: rules.duplicate_keys(parsed).count()),
        ("read + parse (twice: not kept here) + every rule, no write", noop(kept_rows(marked))),
    ]


def directory_bytes(path: str) -> int:
    sizes = (os.path.getsize(os.path.join(root, name)) for root, _, names in os.walk(path) for name in names)
    return sum(sizes)


RUNS = (
    ("a cleaning job", clean_job),
    ("b typed CSV ceiling", typed_csv_ceiling),
    ("c python baseline", python_baseline),
)
WARMUP_ROWS = 200_000


def print_table(rows: int, results: Dict[str, Dict[str, float]]) -> None:
    header = ["wall s", "CPU s", "rows/s/core (wall)", "rows/CPU-s", "peak JVM GB", "peak all GB", "out/in"]
    print("\n" + " " * 22 + "".join(f"{title:>19}" for title in header))
    for name, fig in results.items():
        values = [
            f"{fig['wall_s']:.1f}",
            f"{fig['cpu_s']:.1f}",
            f"{rows / (fig['wall_s'] * CORES):,.0f}",
            f"{rows / fig['cpu_s']:,.0f}",
            f"{fig['peak_jvm_gb']:.2f}",
            f"{fig['peak_all_gb']:.2f}",
            f"{fig['size_ratio']:.3f}",
        ]
        print(f"{name:22}" + "".join(f"{value:>19}" for value in values))


def _ts_number(text: str, pattern: str, source: str) -> str:
    match = re.search(pattern, text, re.S)
    if not match:
        raise SystemExit(f"could not read {pattern!r} from {source}: update the benchmark's reader")
    return match.group(1)


def cluster_from_sources(repo: str = REPO) -> Dict[str, float]:
    """The default data subcluster and the prices, read from the TypeScript that defines them (one source)."""
    config_path = os.path.join(repo, "infra", "config", "dataproc.ts")
    prices_path = os.path.join(repo, "infra", "cost", "prices.ts")
    with open(config_path) as handle:
        config = handle.read()
    with open(prices_path) as handle:
        prices = handle.read()
    data = r"DATAPROC_DEFAULTS = \{.*?data: \{ preset: \"[a-z](\d+)-c(\d+)-m(\d+)\".*?hosts: (\d+) \}"
    match = re.search(data, config, re.S)
    if not match:
        raise SystemExit(f"could not read the default data subcluster from {config_path}")
    master = r"DATAPROC_DEFAULTS = \{.*?master: \{ preset: \"[a-z]\d+-c(\d+)-m(\d+)\""
    price = {
        key: float(_ts_number(prices, key + r": \{\s*rub: ([0-9.]+)", prices_path))
        for key in ("computeVcpuIceLake", "computeRamIceLake", "dataprocMarkupVcpu", "dataprocMarkupRam")
    }
    return {
        "hosts": int(match.group(4)),
        "vcpu": int(match.group(2)),
        "ram_gb": int(match.group(3)),
        "master_vcpu": int(_ts_number(config, master, config_path)),
        "master_ram_gb": int(re.search(master, config, re.S).group(2)),
        "rub_vcpu_hour": price["computeVcpuIceLake"] + price["dataprocMarkupVcpu"],
        "rub_gb_hour": price["computeRamIceLake"] + price["dataprocMarkupRam"],
    }


# Assumptions of the estimate that nothing here can measure (printed with it).
EPHEMERAL_OVERHEAD_MIN = 15  # cluster create + delete, billed [U]
EXECUTOR_CORE_SHARE = 0.75  # YARN containers get about 3 of 4 vCPU per host (node manager, OS, AM) [U]
HOST_NETWORK_GBPS = 2.0  # read bandwidth from Object Storage per host, Gbit/s [U]


def print_estimate(per_cpu_rate: float, cluster: Dict[str, float]) -> None:
    cores = cluster["hosts"] * cluster["vcpu"] * EXECUTOR_CORE_SHARE
    cpu_hours = FULL_ROWS / per_cpu_rate / 3600
    compute_h = cpu_hours / cores
    read_h = FULL_TEXT_BYTES * 8 / (cluster["hosts"] * HOST_NETWORK_GBPS * 1e9) / 3600
    wall_h = max(compute_h, read_h)
    binds = "CPU" if compute_h >= read_h else "Object Storage read throughput"
    hourly = (cluster["hosts"] * cluster["vcpu"] + cluster["master_vcpu"]) * cluster["rub_vcpu_hour"]
    hourly += (cluster["hosts"] * cluster["ram_gb"] + cluster["master_ram_gb"]) * cluster["rub_gb_hour"]
    ephemeral_h = wall_h + EPHEMERAL_OVERHEAD_MIN / 60
    print(
        f"\nfull-scale estimate: {FULL_ROWS:,} rows ({FULL_TEXT_BYTES / 1e9:.1f} GB of text) at "
        f"{per_cpu_rate:,.0f} rows per CPU-second = {cpu_hours:.1f} CPU-hours"
    )
    print(
        f"  default cluster: {cluster['hosts']} data hosts x {cluster['vcpu']} vCPU / {cluster['ram_gb']} GB "
        f"(+ master {cluster['master_vcpu']} vCPU), ~{cores:.0f} executor cores "
        f"({EXECUTOR_CORE_SHARE:.0%} of the vCPUs [U]); {hourly:.1f} RUB/hour with the Data Proc markup"
    )
    print(
        f"  compute {compute_h * 60:.0f} min; reading the text at {HOST_NETWORK_GBPS} Gbit/s per host [U] "
        f"{read_h * 60:.0f} min; binding limit: {binds}. The duplicate search shuffles 16 B per row "
        f"({FULL_ROWS * 16 / 1e9:.0f} GB), far below both."
    )
    print(f"  persistent cluster: {wall_h * 60:.0f} min wall, {wall_h * hourly:,.0f} RUB of cluster time")
    print(
        f"  ephemeral cluster: {ephemeral_h * 60:.0f} min wall with {EPHEMERAL_OVERHEAD_MIN} min "
        f"create+delete [U], {ephemeral_h * hourly:,.0f} RUB"
    )


def print_summary(rows: int, results: Dict[str, Dict[str, float]]) -> None:
    job, ceiling, base = (results[name] for name, _ in RUNS)
    print(
        f"\na/b (job over ceiling): {job['wall_s'] / ceiling['wall_s']:.2f} wall, "
        f"{job['cpu_s'] / ceiling['cpu_s']:.2f} CPU (target <= {TARGET_JOB_OVER_CEILING})"
    )
    print(
        f"c/a (Python baseline over job): {base['wall_s'] / job['wall_s']:.1f} wall, "
        f"{base['cpu_s'] / job['cpu_s']:.1f} CPU"
    )
    print(f"cleaning job: {rows / job['cpu_s']:,.0f} rows per CPU-second")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark the cleaning job against a Python baseline.")
    parser.add_argument("--rows-millions", type=float, default=10.0, help="rows to generate (default 10)")
    parser.add_argument("--workdir", default=".local/bench-clean", help="scratch directory (emptied first)")
    parser.add_argument("--driver-memory", default="4g")
    parser.add_argument("--repeats", type=int, default=1, help="alternated rounds; medians are printed")
    parser.add_argument("--no-breakdown", action="store_true", help="skip the per-stage timings")
    args = parser.parse_args(argv)
    if args.rows_millions <= 0:
        parser.error("--rows-millions must be > 0")
    if args.repeats < 1:
        parser.error("--repeats must be >= 1")
    work = os.path.abspath(args.workdir)
    shutil.rmtree(work, ignore_errors=True)
    raw = os.path.join(work, "raw")
    started = time.monotonic()
    rows = generate_input(int(args.rows_millions * 1_000_000), raw)
    input_bytes = directory_bytes(raw)
    print(f"generated {rows:,} lines, {input_bytes / 1e9:.2f} GB in {time.monotonic() - started:.1f} s")

    memory = {"spark.driver.memory": args.driver_memory}
    spark = build_spark_session("fraud-clean-bench", local=True, shuffle_partitions=4, extra_conf=memory)
    spark.sparkContext.setLogLevel("ERROR")
    meter = Meter(spark.sparkContext._jvm.ProcessHandle.current().pid())
    # Warm the JIT and the Python workers on a small sample, so neither side pays for it in its figures.
    warm = os.path.join(work, "warmup")
    generate_input(WARMUP_ROWS, os.path.join(warm, "raw"))
    for name, build in RUNS:
        build(spark, os.path.join(warm, "raw"), os.path.join(warm, name.replace(" ", "_")))()
    # Alternated rounds (a, b, c, a, b, c, ...) so a change in the machine's load hits every run alike.
    rounds: Dict[str, List[Dict[str, float]]] = {name: [] for name, _ in RUNS}
    for _ in range(args.repeats):
        for name, build in RUNS:
            out = os.path.join(work, name.replace(" ", "_"))
            shutil.rmtree(out, ignore_errors=True)
            figures = meter.measure(build(spark, raw, out))
            figures["size_ratio"] = directory_bytes(out) / input_bytes
            rounds[name].append(figures)
    results = {
        name: {key: statistics.median(r[key] for r in runs) for key in runs[0]}
        for name, runs in rounds.items()
    }
    print(f"medians of {args.repeats} alternated round(s)")
    print_table(rows, results)
    print_summary(rows, results)
    print_estimate(rows / results[RUNS[0][0]]["cpu_s"], cluster_from_sources())
    if not args.no_breakdown:
        print("\nwhere the CPU goes (each step re-reads the text):")
        for name, action in stage_actions(spark, raw):
            fig = meter.measure(action)
            rate = rows / fig["cpu_s"]
            print(f"  {name:45}{fig['wall_s']:8.1f} s wall{fig['cpu_s']:8.1f} s CPU{rate:12,.0f} rows/CPU-s")
    spark.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
