"""Migrate MLflow's basic-auth database to the installed MLflow's schema, once, before the server starts.

`mlflow server --app-name basic-auth` migrates this database in every gunicorn worker as it starts; two
workers upgrading one database at the same time race (duplicate tables, a half-applied revision). The
compose service `mlflow-auth-migrate` runs this first and the server waits for it to succeed, so each
worker finds the schema at head and has nothing to do.

Runs MLflow's own `mlflow.server.auth db upgrade` command. The database URI (with its password) is read
from the auth config the server reads (MLFLOW_AUTH_CONFIG_PATH), never passed on a command line.
"""

import sys

from mlflow.server.auth.config import read_auth_config
from mlflow.server.auth.db.cli import upgrade


def main() -> int:
    config = read_auth_config()
    upgrade.main(["--url", config.database_uri, "--revision", "head"], standalone_mode=False)
    print("mlflow auth database: schema at head", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
