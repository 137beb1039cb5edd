"""Trigger one run of an Airflow DAG and wait for it; on failure, name the failing task and show
the tail of its log (with secret-looking values masked).

Runs where the Airflow CLI runs (on the orchestrator VM through `docker compose exec`, or locally).
Before triggering it waits (bounded by --parse-timeout-seconds) until Airflow has parsed the DAG: the DAG
is in Airflow's database, its file (--dag-file, as seen here) has no import error, and Airflow parsed it
after the file last changed, so a fresh deploy never triggers a missing DAG or the previous version of it.

Idempotent: run ids are `<run-prefix>-<attempt>`. If a run with the prefix already succeeded,
nothing is triggered; if one is queued or running, it is waited on; otherwise a new attempt starts.
So re-running after a timeout waits for the same run, and a re-run after a failure retries.
The run configuration (a JSON object, no secrets) comes from stdin: the DAG's run parameters, keyed and
limited as $defs/runParams of the DAG's pipeline.schema.json. Pulumi checks it against that schema before
deploying and the DAG checks it again when the run starts; this script only passes it on.

Usage: run_pipeline.py --dag fraud_pipeline --run-prefix provision-ab12cd34 \
         --airflow "docker compose -f /opt/fraud-mlops/docker-compose.yml exec -T airflow-scheduler airflow" \
         --logs-dir /opt/fraud-mlops/logs --dag-file /opt/fraud-mlops/airflow/dags/fraud_pipeline.py \
         --timeout-seconds 3600 <<< '{"trainStart": "2019-10-12"}'
"""

from __future__ import annotations

import argparse
import json
import re
import shlex
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import List, Optional, Sequence

FINISHED = ("success", "failed")
SECRET_VALUE = re.compile(
    r"(?i)((?:secret|password|passwd|token|private[_-]?key|access[_-]?key|credential)[\w.-]*\s*[=:]\s*)(\"[^\"]*\"|'[^']*'|\S+)"
)


class PipelineError(Exception):
    pass


def mask_secrets(line: str) -> str:
    return SECRET_VALUE.sub(lambda m: m.group(1) + "***", line)


def parse_json_output(text: str):
    # The Airflow CLI may print log and warning lines (which contain brackets) before the JSON document:
    # the document is the first suffix that starts a line with [ or { and parses.
    lines = text.splitlines()
    for index, line in enumerate(lines):
        if line.lstrip().startswith(("[", "{")):
            try:
                return json.loads("\n".join(lines[index:]))
            except ValueError:
                continue
    raise PipelineError(f"Airflow CLI printed no JSON: {mask_secrets(text.strip()[-200:])!r}")


class AirflowCli:
    def __init__(self, prefix: Sequence[str]):
        self.prefix = list(prefix)

    def call(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run(self.prefix + list(args), capture_output=True, text=True)

    def run(self, *args: str) -> str:
        result = self.call(*args)
        if result.returncode != 0:
            tail = "\n".join(mask_secrets(x) for x in result.stderr.strip().splitlines()[-10:])
            raise PipelineError(f"`airflow {' '.join(args[:2])}` failed (exit {result.returncode}):\n{tail}")
        return result.stdout

    def runs(self, dag: str, run_prefix: str) -> List[dict]:
        runs = parse_json_output(self.run("dags", "list-runs", dag, "-o", "json"))
        return sorted(
            (r for r in runs if r["run_id"].startswith(run_prefix + "-")),
            key=lambda r: int(r["run_id"].rsplit("-", 1)[1]) if r["run_id"].rsplit("-", 1)[1].isdigit() else 0,
        )

    def task_states(self, dag: str, run_id: str) -> List[dict]:
        return parse_json_output(self.run("tasks", "states-for-dag-run", dag, run_id, "-o", "json"))


def parsed_time(text: Optional[str]) -> Optional[datetime]:
    if not text:
        return None
    parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def parse_problem(cli: AirflowCli, dag: str, dag_file: Optional[Path]) -> Optional[str]:
    """Why the DAG cannot be triggered yet, or None when it can."""
    # Exit status 1 means "there are import errors": the JSON list says which.
    errors = parse_json_output(cli.call("dags", "list-import-errors", "-o", "json").stdout or "[]")
    if dag_file is not None:
        errors = [e for e in errors if Path(e.get("filepath", "")).name == dag_file.name]
    if errors:
        lines = [x for x in str(errors[0].get("error", "")).strip().splitlines() if x.strip()]
        return f"import error in {errors[0].get('filepath')}: {mask_secrets(lines[-1] if lines else '?')}"
    details = cli.call("dags", "details", dag, "-o", "json")
    if details.returncode != 0:
        return "not in Airflow's database yet"
    if dag_file is not None:
        parsed = parsed_time(parse_json_output(details.stdout)[0].get("last_parsed_time"))
        changed = datetime.fromtimestamp(dag_file.stat().st_mtime, timezone.utc)
        if parsed is None or parsed < changed:
            return f"last parsed {parsed}, before its file changed ({changed})"
    return None


def wait_until_parsed(cli: AirflowCli, dag: str, dag_file: Optional[Path], timeout: float, poll: float) -> None:
    started = time.monotonic()
    while True:
        problem = parse_problem(cli, dag, dag_file)
        elapsed = time.monotonic() - started
        if problem is None:
            return
        if elapsed >= timeout:
            raise PipelineError(
                f"DAG {dag} is not ready to trigger after {timeout:.0f}s: {problem}. Fix the DAG file (see "
                "`airflow dags list-import-errors` on the VM), or raise --parse-timeout-seconds if Airflow is slow"
            )
        print(f"waiting for Airflow to parse {dag}: {problem} ({elapsed:.0f}s)", flush=True)
        time.sleep(poll)


def choose_run(existing: List[dict], run_prefix: str):
    """Returns (run_id, must_trigger)."""
    for run in existing:
        if run["state"] == "success":
            return run["run_id"], False
    for run in existing:
        if run["state"] not in FINISHED:
            return run["run_id"], False
    return f"{run_prefix}-{len(existing) + 1}", True


def log_tail(logs_dir: Path, dag: str, run_id: str, task_id: str, lines: int) -> str:
    task_dir = logs_dir / f"dag_id={dag}" / f"run_id={run_id}" / f"task_id={task_id}"
    attempts = sorted(task_dir.rglob("attempt=*.log"), key=lambda p: int(re.sub(r"\D", "", p.stem) or 0))
    if not attempts:
        return f"(no log file under {task_dir})"
    text = attempts[-1].read_text(errors="replace").splitlines()[-lines:]
    return "\n".join(mask_secrets(readable(line)) for line in text)


def readable(line: str) -> str:
    """Airflow 3 writes task logs as JSON lines: show them as `level event` plus the error, if any."""
    try:
        record = json.loads(line)
    except ValueError:
        return line
    if not isinstance(record, dict) or "event" not in record:
        return line
    text = f"{record.get('level', '')} {record['event']}".strip()
    for detail in record.get("error_detail") or []:
        if isinstance(detail, dict):
            text += f"\n  {detail.get('exc_type')}: {detail.get('exc_value')}"
    return text


def failure_report(cli: AirflowCli, args, run_id: str) -> str:
    states = cli.task_states(args.dag, run_id)
    failed = [t["task_id"] for t in states if t.get("state") == "failed"]
    if not failed:
        summary = ", ".join(f"{t['task_id']}={t.get('state')}" for t in states)
        return f"pipeline run {run_id} failed without a failed task ({summary})"
    report = [f"pipeline run {run_id} failed: task '{failed[0]}' failed"]
    if len(failed) > 1:
        report[0] += f" (also failed: {', '.join(failed[1:])})"
    report.append(f"last {args.tail_lines} lines of the log of '{failed[0]}':")
    report.append(log_tail(args.logs_dir, args.dag, run_id, failed[0], args.tail_lines))
    return "\n".join(report)


def run(args, conf: str) -> str:
    cli = AirflowCli(shlex.split(args.airflow))
    # First: even listing the runs of a DAG Airflow has not parsed yet fails.
    wait_until_parsed(cli, args.dag, args.dag_file, args.parse_timeout_seconds, args.poll_seconds)
    run_id, must_trigger = choose_run(cli.runs(args.dag, args.run_prefix), args.run_prefix)
    if must_trigger:
        cli.run("dags", "unpause", args.dag)
        cli.run("dags", "trigger", args.dag, "-r", run_id, "-c", conf)
        print(f"triggered {args.dag} run {run_id}", flush=True)
    else:
        print(f"found {args.dag} run {run_id}: waiting on it", flush=True)
    started = time.monotonic()
    state = None
    while True:
        current = [r for r in cli.runs(args.dag, args.run_prefix) if r["run_id"] == run_id]
        state = current[0]["state"] if current else "missing"
        elapsed = time.monotonic() - started
        if state in FINISHED:
            break
        if elapsed >= args.timeout_seconds:
            raise PipelineError(
                f"run {run_id} still {state} after {args.timeout_seconds}s; it goes on in Airflow. "
                "Run `pulumi up` again to wait for it, or raise pipeline.runTimeoutMinutes"
            )
        print(f"{run_id}: {state} ({elapsed:.0f}s)", flush=True)
        time.sleep(args.poll_seconds)
    if state != "success":
        raise PipelineError(failure_report(cli, args, run_id))
    tasks = ", ".join(f"{t['task_id']}={t.get('state')}" for t in cli.task_states(args.dag, run_id))
    print(f"run {run_id}: success ({tasks})")
    return run_id


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dag", required=True)
    parser.add_argument("--run-prefix", required=True, help="letters, digits, '_' and '-'")
    parser.add_argument("--airflow", required=True, help="command that runs the Airflow CLI")
    parser.add_argument("--logs-dir", type=Path, required=True, help="Airflow base log folder as seen here")
    parser.add_argument("--dag-file", type=Path, help="the DAG's file as seen here: wait until Airflow parsed it")
    # A first start parses the DAG folder within a minute; five leave room for a slow VM.
    parser.add_argument("--parse-timeout-seconds", type=float, default=300)
    parser.add_argument("--timeout-seconds", type=int, default=3600)
    parser.add_argument("--poll-seconds", type=float, default=15)
    parser.add_argument("--tail-lines", type=int, default=40)
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    if not re.fullmatch(r"[A-Za-z0-9_-]+", args.run_prefix):
        print("error: --run-prefix may only hold letters, digits, '_' and '-'", file=sys.stderr)
        return 2
    conf = sys.stdin.read().strip() or "{}"
    try:
        parsed = json.loads(conf)
    except ValueError as err:
        print(f"error: the run configuration on stdin is not JSON ({err})", file=sys.stderr)
        return 2
    if not isinstance(parsed, dict):
        print('error: the run configuration on stdin must be a JSON object such as {"trainDays": 7}', file=sys.stderr)
        return 2
    try:
        run(args, conf)
    except PipelineError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
