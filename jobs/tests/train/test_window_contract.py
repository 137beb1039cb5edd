"""The days a run needs, one definition in two languages: infra/config/run-window.ts (the deployment's config
check, which cannot call Python) must agree with the training job's own `data_window`, reached through the
job's command line as the DAG's plan calls it. The TypeScript side writes its answers with
`npx ts-node infra/config/testing/window-cases.ts FILE` (20-jobs.sh sets FRAUD_WINDOW_CASES to FILE)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from fraud_jobs.train.cli import parser, validate
from fraud_jobs.train.run import data_window

REPO = Path(__file__).resolve().parents[3]
CASES = Path(os.environ.get("FRAUD_WINDOW_CASES", REPO / ".local" / "window-cases.json"))


def _cases() -> dict:
    if not CASES.is_file():
        raise FileNotFoundError(
            f"{CASES} is missing: run "
            f"npx ts-node --transpile-only infra/config/testing/window-cases.ts {CASES}"
        )
    return json.loads(CASES.read_text())


def _job_window(tmp_path: Path, window: dict, protocol: dict):
    """data_window of the TrainingConfig the job builds from the arguments the DAG's plan passes."""
    # As the plan passes them: --delay-sweep only when the sweep is asked for.
    sweep = protocol["delaySweepDays"]
    args = parser().parse_args(
        [
            "--input", str(tmp_path),
            "--train-start", window["trainStart"],
            "--train-days", str(window["trainDays"]),
            "--delay-days", str(window["delayDays"]),
            "--test-days", str(window["testDays"]),
            "--validation-folds", str(protocol["validationFolds"]),
            *(["--delay-sweep", ",".join(str(d) for d in sweep)] if sweep else []),
            "--model", "logistic_regression",
            "--metrics-out", str(tmp_path / "metrics.json"),
        ]
    )  # fmt: skip
    first, end = data_window(validate(args))
    return first.isoformat(), end.isoformat()


def test_the_default_stack_seeds_every_day_its_run_reads(tmp_path):
    stack = _cases()["defaultStack"]
    first, end = _job_window(tmp_path, stack["params"], stack["protocol"])
    seeded = stack["seeded"]
    covered = f"[{seeded['first']}, {seeded['end']})"
    assert (
        seeded["first"] <= first and end <= seeded["end"]
    ), f"the default run reads [{first}, {end}) but the default seed covers {covered}"


def test_the_config_check_and_the_job_agree_on_every_window(tmp_path):
    cases = _cases()["cases"]
    assert len(cases) >= 100
    disagreements = []
    for case in cases:
        job = _job_window(tmp_path, case["window"], case["protocol"])
        config = (case["reads"]["first"], case["reads"]["end"])
        if job != config:
            disagreements.append((case["window"], case["protocol"], config, job))
    assert not disagreements, disagreements[:3]


@pytest.mark.parametrize("option", ["--delay-days", "--train-days", "--test-days"])
def test_the_job_refuses_zero_days_as_the_pipeline_contract_does(tmp_path, option, capsys):
    window = {"trainStart": "2020-03-01", "trainDays": 7, "delayDays": 7, "testDays": 7}
    key = {"--delay-days": "delayDays", "--train-days": "trainDays", "--test-days": "testDays"}[option]
    with pytest.raises(SystemExit):
        _job_window(tmp_path, {**window, key: 0}, {"validationFolds": 1, "delaySweepDays": [1, 3, 7]})
    assert option in capsys.readouterr().err
