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
from fraud_jobs.clean.cli import SESSION_SETTINGS
from fraud_jobs.clean.duplicates import BUCKET_BITS, candidate_keys, held_buckets
from fraud_jobs.clean.job import (
    DEFAULT_EPOCH,
    kept_rows,
    mark_malformed_lines,
    mark_rows,
    no_duplicate_keys,
    outcome_counts,
    read_lines,
    write_cleaned,
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


def _cli_args(raw_dir: str, out_dir: str):
    from fraud_jobs.clean.cli import parser, validate

    return validate(
        parser().parse_args(["--input", raw_dir, "--output", out_dir, "--report", out_dir + ".json"])
    )


def clean_job(spark, raw_dir: str, out_dir: str) -> Callable[[], object]:
    """The cleaning as the CLI runs it (staged write, guard, publish, cleaning report), without the
    data-quality report, which is measured on its own (quality_report)."""
    from fraud_jobs.clean.job import run_cleaning
    from fraud_jobs.clean.report import build_report, report_json
    from fraud_jobs.common.storage import write_text

    def run() -> None:
        args = _cli_args(raw_dir, out_dir)
        started = time.monotonic()
        counts = run_cleaning(
            spark, args.input, args.output, args.quarantine, args.epoch, args.max_terminal_id
        )
        write_text(spark, args.report, report_json(build_report(counts, time.monotonic() - started)))

    return run


def quality_report(spark, raw_dir: str, out_dir: str) -> Callable[[], object]:
    """The CLI's data-quality step over what clean_job wrote (a second text pass plus Parquet statistics)."""
    import contextlib
    import io
    import json

    from fraud_jobs.clean.quality_run import report_quality

    def run() -> None:
        args = _cli_args(raw_dir, out_dir)
        with open(args.report) as handle:
            report = json.load(handle)
        with contextlib.redirect_stdout(io.StringIO()):
            report_quality(spark, args, report)

    return run


def _typed_csv_frame(spark, raw_dir: str):
    """Spark's typed CSV read of the raw text (schema given, unparseable values to null), with tx_date."""
    from pyspark.sql import functions as F
    from pyspark.sql.types import StringType, StructField, StructType

    fields = [
        StructField("terminal_id", StringType()) if f.name == "terminal_id" else f
        for f in CLEANED_DATA_SCHEMA
    ]
    # Unparseable datetimes (such as 24:00:00) become null instead of failing the read.
    spark.conf.set("spark.sql.legacy.timeParserPolicy", "CORRECTED")
    frame = (
        spark.read.schema(StructType(fields))
        .option("mode", "PERMISSIVE")
        .option("comment", "#")
        .option("timestampFormat", "yyyy-MM-dd HH:mm:ss")
        .csv(raw_dir)
    )
    return frame.withColumn(PARTITION_COLUMN, F.to_date("tx_datetime"))


def typed_csv_ceiling(spark, raw_dir: str, out_dir: str) -> Callable[[], object]:
    """Spark's own typed CSV read straight to Parquet by date (the layout the product reads): what any Spark
    cleaner must at least do."""
    return (
        lambda: _typed_csv_frame(spark, raw_dir)
        .write.mode("overwrite")
        .partitionBy(PARTITION_COLUMN)
        .parquet(out_dir)
    )


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


def stage_actions(spark, raw_dir: str, scratch: str) -> List[Tuple[str, Callable[[], object]]]:
    """The job's steps measured separately (each re-reads the text), and the pieces of a plan that parses
    once: where the time goes and what a different plan could save."""

    lines = read_lines(spark, raw_dir)
    parsed = mark_malformed_lines(lines)
    one_pass = os.path.join(scratch, "one_pass")

    def noop(frame):
        return lambda: frame.write.format("noop").mode("overwrite").save()

    # As in run_cleaning: lines outside the held buckets get no duplicate rule; the observation sits between
    # the rules and the filter of kept rows.
    without_copies = mark_rows(parsed, DEFAULT_EPOCH, 999, no_duplicate_keys(spark))
    marked = without_copies.observe(Observation("bench"), *outcome_counts())

    def write_one_pass() -> None:
        observation = Observation("bench_one_pass")
        write_cleaned(kept_rows(without_copies.observe(observation, *outcome_counts())), one_pass)
        observation.get  # noqa: B018 - the property waits for the observed counts

    return [
        ("read text lines", noop(lines)),
        ("read + parse + malformed", noop(parsed)),
        ("held buckets: id bits of first fields (no parse)", lambda: held_buckets(lines, None).count()),
        ("(fallback: candidate keys, every id aggregated)", lambda: candidate_keys(lines, None).count()),
        ("(two parses: parse + duplicate-id aggregation)", lambda: rules.duplicate_keys(parsed).count()),
        ("read + parse + every rule, no write", noop(kept_rows(marked))),
        ("typed CSV read alone (ceiling without write)", noop(_typed_csv_frame(spark, raw_dir))),
        ("one pass: parse + rules + the job's write", write_one_pass),
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
QUALITY = "q data-quality report"  # the CLI's second step, measured after each a


def print_table(results: Dict[str, Dict[str, float]]) -> None:
    header = [
        "rows",
        "wall s",
        "CPU s",
        "rows/CPU-s",
        "rows/s (wall)",
        "peak JVM GB",
        "peak all GB",
        "out/in",
    ]
    header.append("load 1 min")
    print("\n" + " " * 30 + "".join(f"{title:>14}" for title in header))
    for name, fig in results.items():
        values = [
            f"{fig['rows']:,.0f}",
            f"{fig['wall_s']:.1f}",
            f"{fig['cpu_s']:.1f}",
            f"{fig['rows'] / fig['cpu_s']:,.0f}",
            f"{fig['rows'] / fig['wall_s']:,.0f}",
            f"{fig['peak_jvm_gb']:.2f}",
            f"{fig['peak_all_gb']:.2f}",
            f"{fig['size_ratio']:.3f}" if "size_ratio" in fig else "-",
            f"{fig['load']:.1f}",
        ]
        print(f"{name:30}" + "".join(f"{value:>14}" for value in values))


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
        for key in (
            "computeVcpuIceLake",
            "computeRamIceLake",
            "dataprocMarkupVcpu",
            "dataprocMarkupRam",
            "diskNetworkSsd",
            "diskNetworkHdd",
        )
    }
    disk = r"{}: \{{ preset: \"[^\"]+\", diskType: \"network-(ssd|hdd)\", diskSizeGb: (\d+)"
    disks = {
        role: re.search(r"DATAPROC_DEFAULTS = \{.*?" + disk.format(role), config, re.S)
        for role in ("master", "data")
    }
    if not all(disks.values()):
        raise SystemExit(
            f"could not read the default disks from {config_path}: update the benchmark's reader"
        )
    return {
        "hosts": int(match.group(4)),
        "vcpu": int(match.group(2)),
        "ram_gb": int(match.group(3)),
        "master_vcpu": int(_ts_number(config, master, config_path)),
        "master_ram_gb": int(re.search(master, config, re.S).group(2)),
        "rub_vcpu_hour": price["computeVcpuIceLake"] + price["dataprocMarkupVcpu"],
        "rub_gb_hour": price["computeRamIceLake"] + price["dataprocMarkupRam"],
        "disk_gb": int(match.group(4)) * int(disks["data"].group(2)) + int(disks["master"].group(2)),
        "rub_disk_gb_hour": price["diskNetworkSsd" if disks["data"].group(1) == "ssd" else "diskNetworkHdd"],
    }


# Assumptions of the estimate that nothing here can measure (printed with it, marked [U]).
EPHEMERAL_OVERHEAD_MIN = 15  # cluster create + delete, billed (jobs/dags/README.md: 10-20 minutes) [U]
EXECUTOR_CORE_SHARE = 0.75  # YARN containers get about 3 of 4 vCPU per host (node manager, OS, AM) [U]
HOST_NETWORK_GBPS = 2.0  # read bandwidth from Object Storage per host, Gbit/s [U]
SHUFFLE_DISK_MB_S = 200  # local shuffle write + read per host on the 128 GB network-ssd data disk [U]
COPY_MB_S = 100  # Object Storage server-side copy, one file at a time (the publish's s3a renames) [U]
# The job's plan reads the text twice: the held buckets' pass over first fields (unparsed:
# fraud_jobs/clean/duplicates.py) and the write pass; the quality report reads it once more. The held
# buckets' map-side aggregation leaves one (bucket, lines, id bits) UnsafeRow of 32 B per 64 dense ids.
JOB_TEXT_PASSES = 2
QUALITY_TEXT_PASSES = 1
SHUFFLE_BYTES_PER_ROW = 32 / 2**BUCKET_BITS


def full_scale_estimate(
    job_rate: float, quality_rate: float, out_over_in: float, cluster: Dict[str, float]
) -> Dict[str, float]:
    """Minutes of each possible limit for the 1.88 B rows on `cluster` (pure: tested)."""
    cores = cluster["hosts"] * cluster["vcpu"] * EXECUTOR_CORE_SHARE
    read_mb_s = cluster["hosts"] * HOST_NETWORK_GBPS * 1e9 / 8 / 1e6
    output_mb = FULL_TEXT_BYTES * out_over_in / 1e6
    return {
        "cores": cores,
        "cpu_hours": FULL_ROWS / job_rate / 3600,
        "cpu_min": FULL_ROWS / job_rate / cores / 60,
        "read_min": JOB_TEXT_PASSES * FULL_TEXT_BYTES / 1e6 / read_mb_s / 60,
        "shuffle_min": FULL_ROWS
        * SHUFFLE_BYTES_PER_ROW
        * 2
        / 1e6
        / (cluster["hosts"] * SHUFFLE_DISK_MB_S)
        / 60,
        "publish_min": output_mb / COPY_MB_S / 60,
        "output_gb": output_mb / 1e3,
        "quality_min": max(
            FULL_ROWS / quality_rate / cores / 60,
            QUALITY_TEXT_PASSES * FULL_TEXT_BYTES / 1e6 / read_mb_s / 60,
        ),
    }


def cluster_rub_per_hour(cluster: Dict[str, float]) -> float:
    vcpus = cluster["hosts"] * cluster["vcpu"] + cluster["master_vcpu"]
    ram = cluster["hosts"] * cluster["ram_gb"] + cluster["master_ram_gb"]
    disks = cluster["disk_gb"] * cluster["rub_disk_gb_hour"]
    return vcpus * cluster["rub_vcpu_hour"] + ram * cluster["rub_gb_hour"] + disks


def print_estimate(
    job_rate: float, quality_rate: float, out_over_in: float, cluster: Dict[str, float]
) -> None:
    est = full_scale_estimate(job_rate, quality_rate, out_over_in, cluster)
    hourly = cluster_rub_per_hour(cluster)
    limits = {
        "CPU": est["cpu_min"],
        "Object Storage read": est["read_min"],
        "shuffle disk": est["shuffle_min"],
    }
    binds = max(limits, key=limits.get)
    # The stages overlap only partly; the binding stage's time plus the sequential publish is the estimate.
    job_min = limits[binds] + est["publish_min"]
    print(
        f"\nfull-scale estimate: {FULL_ROWS:,} rows ({FULL_TEXT_BYTES / 1e9:.1f} GB of text) at the job's "
        f"{job_rate:,.0f} rows per CPU-second = {est['cpu_hours']:.1f} CPU-hours"
    )
    print(
        f"  default cluster: {cluster['hosts']} data hosts x {cluster['vcpu']} vCPU / {cluster['ram_gb']} GB "
        f"(+ master {cluster['master_vcpu']} vCPU / {cluster['master_ram_gb']} GB), "
        f"~{est['cores']:.0f} executor cores ({EXECUTOR_CORE_SHARE:.0%} of the vCPUs [U]); "
        f"{hourly:.1f} RUB/hour with the Data Proc markup and {cluster['disk_gb']} GB of disks"
    )
    print(
        f"  CPU {est['cpu_min']:.0f} min; reading the text {JOB_TEXT_PASSES}x at {HOST_NETWORK_GBPS} "
        f"Gbit/s per host [U] {est['read_min']:.0f} min; held-bucket shuffle {SHUFFLE_BYTES_PER_ROW} B "
        "a row written and "
        f"read at {SHUFFLE_DISK_MB_S} MB/s per host [U] {est['shuffle_min']:.0f} min: binding limit {binds}"
    )
    print(
        f"  then the publish: {est['output_gb']:.0f} GB of Parquet renamed into place, on s3a a server-side "
        "copy "
        f"one file at a time at {COPY_MB_S} MB/s [U]: {est['publish_min']:.0f} min (not measured here)"
    )
    print(
        f"  the CLI's data-quality report adds ~{est['quality_min']:.0f} min "
        f"({quality_rate:,.0f} rows per CPU-second measured)"
    )
    for name, overhead in (
        ("persistent default cluster", 0),
        ("ephemeral cluster (same shape)", EPHEMERAL_OVERHEAD_MIN),
    ):
        for label, minutes in (
            ("cleaning", job_min),
            ("cleaning + quality report", job_min + est["quality_min"]),
        ):
            total = minutes + overhead
            extra = f" incl. {overhead} min create+delete [U]" if overhead else ""
            print(
                f"  {name}, {label}: {total:.0f} min wall{extra}, "
                f"{total / 60 * hourly:,.0f} RUB of cluster time"
            )


def _per_row(fig: Dict[str, float], key: str) -> float:
    return fig[key] / fig["rows"]


def print_summary(results: Dict[str, Dict[str, float]]) -> None:
    job, ceiling, base = (results[name] for name, _ in RUNS)
    print(
        f"\na/b (job over ceiling): {_per_row(job, 'wall_s') / _per_row(ceiling, 'wall_s'):.2f} wall, "
        f"{_per_row(job, 'cpu_s') / _per_row(ceiling, 'cpu_s'):.2f} CPU (target <= {TARGET_JOB_OVER_CEILING})"
    )
    subset = "" if base["rows"] == job["rows"] else f" (per row: c ran on {base['rows']:,.0f} rows)"
    print(
        f"c/a (Python baseline over job): {_per_row(base, 'wall_s') / _per_row(job, 'wall_s'):.1f} wall, "
        f"{_per_row(base, 'cpu_s') / _per_row(job, 'cpu_s'):.1f} CPU{subset}"
    )
    quality = results[QUALITY]
    print(
        f"the CLI's data-quality report adds {quality['cpu_s'] / job['cpu_s']:.2f}x the job's CPU "
        f"({QUALITY!r}; not part of a)"
    )
    print(f"cleaning job: {job['rows'] / job['cpu_s']:,.0f} rows per CPU-second")


def _measure(meter: Meter, action: Callable[[], object], rows: int) -> Dict[str, float]:
    figures = meter.measure(action)
    figures["rows"] = rows
    figures["load"] = os.getloadavg()[0]
    return figures


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark the cleaning job against a Python baseline.")
    parser.add_argument("--rows-millions", type=float, default=10.0, help="rows to generate (default 10)")
    parser.add_argument("--workdir", default=".local/bench-clean", help="scratch directory (emptied first)")
    parser.add_argument("--driver-memory", default="4g")
    parser.add_argument("--repeats", type=int, default=1, help="alternated rounds; medians are printed")
    parser.add_argument("--no-breakdown", action="store_true", help="skip the per-stage timings")
    parser.add_argument(
        "--baseline-rows-millions",
        type=float,
        help="run c (the slow Python baseline) on its own smaller input; its ratios are then per row",
    )
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

    baseline_raw, baseline_rows = raw, rows
    if args.baseline_rows_millions and args.baseline_rows_millions * 1_000_000 < rows:
        baseline_raw = os.path.join(work, "raw-baseline")
        baseline_rows = generate_input(int(args.baseline_rows_millions * 1_000_000), baseline_raw)
        print(f"c (Python baseline) runs on its own smaller input: {baseline_rows:,} lines, same generator")
    inputs = {RUNS[2][0]: (baseline_raw, baseline_rows)}

    memory = {"spark.driver.memory": args.driver_memory}
    spark = build_spark_session("fraud-clean-bench", local=True, shuffle_partitions=4, extra_conf=memory)
    spark.sparkContext.setLogLevel("ERROR")
    for key, value in SESSION_SETTINGS.items():  # as the CLI sets them
        spark.conf.set(key, value)
    meter = Meter(spark.sparkContext._jvm.ProcessHandle.current().pid())
    # Warm the JIT and the Python workers on a small sample, so neither side pays for it in its figures.
    warm = os.path.join(work, "warmup")
    generate_input(WARMUP_ROWS, os.path.join(warm, "raw"))
    for name, build in RUNS:
        build(spark, os.path.join(warm, "raw"), os.path.join(warm, name.replace(" ", "_")))()
    # Alternated rounds (a, b, c, a, b, c, ...) so a change in the machine's load hits every run alike.
    rounds: Dict[str, List[Dict[str, float]]] = {name: [] for name, _ in RUNS}
    rounds[QUALITY] = []
    print(f"load average before the rounds: {' '.join(f'{value:.1f}' for value in os.getloadavg())}")
    for _ in range(args.repeats):
        for name, build in RUNS:
            source, source_rows = inputs.get(name, (raw, rows))
            out = os.path.join(work, name.replace(" ", "_"))
            shutil.rmtree(out, ignore_errors=True)
            figures = _measure(meter, build(spark, source, out), source_rows)
            figures["size_ratio"] = directory_bytes(out) / directory_bytes(source)
            rounds[name].append(figures)
            if name == RUNS[0][0]:
                rounds[QUALITY].append(_measure(meter, quality_report(spark, source, out), source_rows))
    results = {
        name: {key: statistics.median(r[key] for r in runs) for key in runs[0]}
        for name, runs in rounds.items()
    }
    print(
        f"medians of {args.repeats} alternated round(s); "
        f"load = 1-minute load average after the run, on {CORES} cores"
    )
    print_table(results)
    if args.repeats > 1:
        for name, _ in RUNS[:2]:
            each = ", ".join(f"{r['cpu_s']:.1f} CPU / {r['wall_s']:.1f} wall" for r in rounds[name])
            print(f"  {name} by round: {each}")
    print_summary(results)
    job, quality = results[RUNS[0][0]], results[QUALITY]
    rates = (job["rows"] / job["cpu_s"], quality["rows"] / quality["cpu_s"])
    print_estimate(*rates, job["size_ratio"], cluster_from_sources())
    if not args.no_breakdown:
        print("\nwhere the CPU goes (each step re-reads the text):")
        for name, action in stage_actions(spark, raw, work):
            fig = _measure(meter, action, rows)
            rate = rows / fig["cpu_s"]
            print(
                f"  {name:48}{fig['wall_s']:8.1f} s wall{fig['cpu_s']:8.1f} s CPU{rate:12,.0f} rows/CPU-s"
                f"  load {fig['load']:.1f}"
            )
    spark.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
