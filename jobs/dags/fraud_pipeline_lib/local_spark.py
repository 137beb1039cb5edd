"""`spark-submit` on the Airflow host's local Spark (mode `local`); driver output goes to the task log."""

from __future__ import annotations

import os
import subprocess
from typing import Any, Dict, List, Optional, Sequence

from airflow.sdk import BaseOperator


class LocalSparkSubmitOperator(BaseOperator):
    template_fields: Sequence[str] = ("application_args",)

    def __init__(
        self,
        *,
        spark_submit: str,
        python: str,
        master: str,
        application: str,
        application_args: Any,
        py_files: Optional[List[str]] = None,
        conf: Optional[Dict[str, str]] = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.spark_submit = spark_submit
        self.python = python
        self.master = master
        self.application = application
        self.application_args = application_args
        self.py_files = py_files or []
        self.conf = conf or {}

    def command(self) -> List[str]:
        command = [self.spark_submit, "--master", self.master, "--conf", "spark.sql.session.timeZone=UTC"]
        for key, value in sorted(self.conf.items()):
            command += ["--conf", f"{key}={value}"]
        if self.py_files:
            command += ["--py-files", ",".join(self.py_files)]
        return command + [self.application] + [str(arg) for arg in self.application_args]

    def execute(self, context: Dict[str, Any]) -> None:
        # The jobs' interpreter (with pyspark and fraud_jobs), not Airflow's, runs the driver and workers.
        env = dict(os.environ, PYSPARK_PYTHON=self.python, PYSPARK_DRIVER_PYTHON=self.python)
        command = self.command()
        self.log.info("Spark driver output: this task log (local spark-submit, master %s)", self.master)
        self.log.info("Running: %s", " ".join(command))
        with subprocess.Popen(
            command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1
        ) as process:
            assert process.stdout is not None
            for line in process.stdout:
                self.log.info("%s", line.rstrip())
            code = process.wait()
        if code != 0:
            raise RuntimeError(f"spark-submit exited with code {code}: see the driver output above")
