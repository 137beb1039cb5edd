"""The exploration notebook: committed without outputs, and run headless on generated demo-like data
where every figure it computes about defects equals the generator's manifest."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import nbformat
import papermill
import pytest

from fraud_jobs.clean.rules import DROP_RULES, FIXES

NOTEBOOKS = Path(__file__).resolve().parents[1]
NOTEBOOK = NOTEBOOKS / "data-exploration.ipynb"
JOBS = NOTEBOOKS.parent / "jobs"
# scripts/demo.sh's generator flags on a smaller sample; seed 1 injects every defect at least twice.
GENERATOR_ARGS = [
    "--preset", "course", "--customers", "300", "--days", "35", "--seed", "1",
    "--defect-scale", "50", "--defect-rate", "malformed=0.0002",
]  # fmt: skip


def code_cells(notebook):
    return [cell for cell in notebook.cells if cell.cell_type == "code"]


@pytest.mark.parametrize("path", sorted(NOTEBOOKS.glob("*.ipynb")), ids=lambda path: path.name)
def test_committed_notebook_has_no_outputs(path):
    notebook = nbformat.read(path, as_version=4)
    nbformat.validate(notebook)
    dirty = [i for i, cell in enumerate(code_cells(notebook)) if cell.outputs or cell.execution_count]
    assert not dirty, f"{path.name}: code cells {dirty} carry outputs; clear them before committing"
    assert "papermill" not in notebook.metadata


def test_parameters_cell_names_the_inputs():
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    tagged = [cell for cell in code_cells(notebook) if "parameters" in cell.metadata.get("tags", [])]
    assert len(tagged) == 1
    assigned = {
        target.id
        for node in ast.parse(tagged[0].source).body
        for target in node.targets  # type: ignore[attr-defined]
    }
    assert assigned == {"input_path", "spark_master", "summary_path"}


@pytest.fixture(scope="module")
def explored(tmp_path_factory):
    root = tmp_path_factory.mktemp("exploration")
    raw, manifest_path = root / "raw", root / "manifest.json"
    generate = [sys.executable, "-m", "fraud_jobs.generate", *GENERATOR_ARGS]
    subprocess.run([*generate, "--out", str(raw), "--manifest", str(manifest_path)], cwd=JOBS, check=True)
    manifest = json.loads(manifest_path.read_text())
    assert all(manifest["defects"].values()), "every defect must be injected for the counts to mean anything"
    executed_path = root / "data-exploration.executed.ipynb"
    papermill.execute_notebook(
        str(NOTEBOOK),
        str(executed_path),
        parameters={
            "input_path": str(raw),
            "spark_master": "local[2]",
            "summary_path": str(root / "summary.json"),
        },
        kernel_name="python3",
        cwd=str(NOTEBOOKS),
        progress_bar=False,
    )
    executed = nbformat.read(executed_path, as_version=4)
    summary = json.loads((root / "summary.json").read_text())
    return raw, manifest, executed, summary


def test_executed_notebook_has_no_error_cells(explored):
    _, _, executed, summary = explored
    errors = [
        cell.source.splitlines()[0]
        for cell in code_cells(executed)
        for output in cell.outputs
        if output.output_type == "error"
    ]
    assert not errors
    # The last cell prints the summary: the same figures as the file.
    last_output = "".join(output.get("text", "") for output in code_cells(executed)[-1].outputs)
    assert json.loads(last_output) == summary


def test_defect_counts_equal_the_manifest(explored):
    _, manifest, _, summary = explored
    assert summary["files"] == {entry["name"]: entry["data_lines"] for entry in manifest["files"]}
    assert summary["data_lines"] == manifest["data_lines"]
    assert summary["dropped"] == {rule: len(manifest["defects"][rule]) for rule in DROP_RULES}
    assert summary["fixed"] == {fix: len(manifest["defects"][fix]) for fix in FIXES}
    assert summary["rows_kept"] == manifest["clean_rows"]
    assert summary["missing_days"] == []


def test_fraud_by_scenario_equals_the_raw_text(explored):
    """Recounted in plain Python: one row per kept transaction id, the manifest's dropped rows left out."""
    raw, manifest, _, summary = explored
    malformed = {(item["file"], item["line"]) for item in manifest["defects"]["malformed"]}
    dropped = {tx for rule in DROP_RULES[2:] for tx in manifest["defects"][rule]}
    scenario_by_id = {}
    for entry in manifest["files"]:
        lines = (raw / entry["name"]).read_text().splitlines()
        for number, line in enumerate(lines[1:], start=2):
            if (entry["name"], number) in malformed:
                continue
            fields = line.split(",")
            if int(fields[0]) not in dropped:
                scenario_by_id.setdefault(int(fields[0]), int(fields[8]))
    fraud = {}
    for scenario in scenario_by_id.values():
        if scenario:
            fraud[str(scenario)] = fraud.get(str(scenario), 0) + 1
    assert summary["fraud_by_scenario"] == fraud
    assert summary["fraud_rate"] == pytest.approx(sum(fraud.values()) / len(scenario_by_id))
