"""The pipeline contract in Python: the invalid documents of contract_cases.json are refused naming exactly
the keys the TypeScript side names (test/pipeline-contract.test.ts reads the same file)."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path

import pytest
from conftest import rendered_config
from fraud_pipeline_lib.config import RUN_PARAMS, PipelineConfigError, contract_errors, validate
from fraud_pipeline_lib.plan import ParamError, plan_run

CASES = json.loads((Path(__file__).with_name("contract_cases.json")).read_text())


def apply(document, case):
    document = copy.deepcopy(document)
    for dotted, value in case.get("set", {}).items():
        *parents, last = dotted.split(".")
        node = document
        for part in parents:
            node = node[part]
        node[last] = value
    for dotted in case.get("unset", []):
        *parents, last = dotted.split(".")
        node = document
        for part in parents:
            node = node[part]
        del node[last]
    return document


def base(case):
    return CASES["runParams"] if case["base"] == "runParams" else rendered_config(case["base"])


@pytest.mark.parametrize("case", CASES["cases"], ids=[case["name"] for case in CASES["cases"]])
def test_both_languages_name_the_same_keys(case):
    pointer = RUN_PARAMS if case["base"] == "runParams" else ""
    assert contract_errors(base(case), pointer) == []
    document = apply(base(case), case)
    assert [key for key, _ in contract_errors(document, pointer)] == case["keys"]
    first = case["keys"][0]
    if pointer:
        with pytest.raises(ParamError, match=re.escape(f"parameter {first}:")):
            plan_run(rendered_config("ephemeral"), document, "manual__x")
    else:
        with pytest.raises(PipelineConfigError, match=re.escape(f"pipeline config {first}:") + ".*Fix:"):
            validate(document)
