"""MLflow basic-auth credentials for the training driver, read from a JSON file in storage.

On Data Proc the file lives in the code bucket and is read through s3a with the cluster service account's
own IAM token: the password never appears in the job's spec (args, properties), which any viewer can read.
The values are put into this process's environment only (MLflow reads them per request) and never printed.
"""

from __future__ import annotations

import json
import os
from typing import Dict

from fraud_jobs.common.storage import read_text

OPTION = "--mlflow-credentials"
# JSON key -> the environment variable MLflow's client reads it from.
CREDENTIAL_ENV = {"username": "MLFLOW_TRACKING_USERNAME", "password": "MLFLOW_TRACKING_PASSWORD"}
UPLOADER = "deploy_code.py uploads it from MLFLOW_CLIENT_CREDENTIALS"
FIX = f'write {{"username": "...", "password": "..."}} there ({UPLOADER})'


class CredentialsError(Exception):
    """The credentials file is missing or malformed; the message names the option and never holds a value."""


def parse_credentials(text: str, location: str) -> Dict[str, str]:
    try:
        parsed = json.loads(text)
    except ValueError:
        # The decoder's message quotes no content, but say nothing of it anyway: the text is a secret.
        raise CredentialsError(f"{OPTION} {location} is not JSON: {FIX}") from None
    if not isinstance(parsed, dict):
        raise CredentialsError(f"{OPTION} {location} must hold a JSON object: {FIX}")
    missing = [key for key in CREDENTIAL_ENV if not isinstance(parsed.get(key), str) or not parsed[key]]
    if missing:
        raise CredentialsError(
            "{} {} lacks non-empty string key(s) {}: {}".format(OPTION, location, ", ".join(missing), FIX)
        )
    return {CREDENTIAL_ENV[key]: parsed[key] for key in CREDENTIAL_ENV}


def load_mlflow_credentials(spark, location: str) -> None:
    """Sets MLFLOW_TRACKING_USERNAME / _PASSWORD in os.environ from the file at `location`."""
    try:
        text = read_text(spark, location)
    except Exception as error:  # OSError locally; a Py4J/analysis error from Hadoop for hdfs:// and s3a://
        raise CredentialsError(
            f"{OPTION} {location} cannot be read ({type(error).__name__}): {FIX}, "
            "readable by the cluster's service account"
        ) from None
    os.environ.update(parse_credentials(text, location))
