"""pipeline.json, rendered at deploy time by infra/orchestrator/services/pipeline-config.ts, read and checked
against its contract, pipeline.schema.json next to this file (the renderer checks the same file with ajv).

A bad file fails the DAG import with a message naming the key, before any task can touch a resource.
"""

from __future__ import annotations

import functools
import json
import os
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

CONFIG_ENV = "FRAUD_PIPELINE_CONFIG"
SCHEMA_FILE = Path(__file__).with_name("pipeline.schema.json")
RUN_PARAMS = "/$defs/runParams"
RUN_WINDOW = "/$defs/runWindow"
DELAY_SWEEP = "/$defs/delaySweepDays"


class PipelineConfigError(ValueError):
    def __init__(self, field: str, problem: str, fix: str) -> None:
        super().__init__(f"pipeline config {field}: {problem}. Fix: {fix}")
        self.field = field


@functools.lru_cache(maxsize=None)
def schema() -> Dict[str, Any]:
    return json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))


def schema_at(pointer: str) -> Dict[str, Any]:
    """The schema node at a JSON pointer such as /$defs/runWindow/properties/delayDays."""
    node: Any = schema()
    for part in pointer.split("/")[1:]:
        node = node[part]
    return node


def location_pointer(mode: str) -> str:
    """Where data and job files live in this mode: s3a:// URIs (cloud modes) or absolute paths (local)."""
    return "/$defs/localLocation" if mode == "local" else "/$defs/cloudLocation"


@functools.lru_cache(maxsize=None)
def _validator(pointer: str) -> Draft202012Validator:
    root = schema()
    target = root if not pointer else {"$defs": root["$defs"], "$ref": "#" + pointer}
    return Draft202012Validator(target, format_checker=Draft202012Validator.FORMAT_CHECKER)


def _keys(error: ValidationError) -> List[str]:
    """The dotted keys an error names; same rules as keyOf in infra/config/pipeline-contract.ts."""
    path = list(error.absolute_path)
    extra: List[List[Any]] = [[]]
    if error.validator == "required" and isinstance(error.instance, dict):
        extra = [[name] for name in error.validator_value if name not in error.instance]
    elif error.validator == "additionalProperties" and isinstance(error.instance, dict):
        known = error.schema.get("properties", {})
        extra = [[name] for name in error.instance if name not in known]
    keys = []
    for tail in extra:
        key = ""
        for part in path + tail:
            if isinstance(part, int):
                key += f"[{part}]"
            else:
                key = f"{key}.{part}" if key else str(part)
        keys.append(key)
    return keys


def contract_errors(document: Any, pointer: str = "") -> List[Tuple[str, str]]:
    """Every (key, message) the document breaks, sorted by key, one message per key."""
    by_key: Dict[str, str] = {}
    for error in _validator(pointer).iter_errors(document):
        for key in _keys(error):
            by_key.setdefault(key, error.message)
    return sorted(by_key.items())


def refusal(document: Any, pointer: str = "") -> Optional[Tuple[str, str]]:
    """(first key, problem naming the other keys) when the document breaks the contract, else None."""
    errors = contract_errors(document, pointer)
    if not errors:
        return None
    (key, message), rest = errors[0], errors[1:]
    return key, message + (" (also: {})".format(", ".join(k for k, _ in rest)) if rest else "")


def validate(config: Dict[str, Any]) -> Dict[str, Any]:
    refused = refusal(config)
    if refused:
        fix = f"re-render pipeline.json with `pulumi up`, or make it match {SCHEMA_FILE.name}"
        raise PipelineConfigError(refused[0], refused[1], fix)
    return config


def load(path: str) -> Dict[str, Any]:
    try:
        with open(path, encoding="utf-8") as handle:
            config = json.load(handle)
    except (OSError, ValueError) as error:
        raise PipelineConfigError(
            CONFIG_ENV, f"cannot read {path} ({error})", "point it at the rendered pipeline.json"
        ) from error
    return validate(config)


def load_from_env() -> Dict[str, Any]:
    path = os.environ.get(CONFIG_ENV)
    if not path:
        raise PipelineConfigError(
            CONFIG_ENV,
            "is not set",
            f"export {CONFIG_ENV}=/path/to/pipeline.json (compose sets it on the VM)",
        )
    return load(path)
