"""spark-submit entry of the training job: `spark-submit jobs/entrypoints/train_job.py --help`."""

import sys

from fraud_jobs.common.spark import end_submitted_job
from fraud_jobs.train.cli import main

if __name__ == "__main__":
    # xgboost trains in a Spark barrier stage, whose timer threads would keep this JVM alive.
    sys.exit(end_submitted_job(main()))
