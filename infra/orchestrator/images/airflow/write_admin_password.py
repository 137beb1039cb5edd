"""Write the Airflow simple auth manager passwords file from AIRFLOW_ADMIN_PASSWORD (set by secrets/airflow.env)."""

import json
import os

user = os.environ["AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS"].split(",")[0].split(":")[0]
path = os.environ["AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE"]
descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
with os.fdopen(descriptor, "w") as passwords:
    json.dump({user: os.environ["AIRFLOW_ADMIN_PASSWORD"]}, passwords)
