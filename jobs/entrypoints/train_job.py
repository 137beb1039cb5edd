"""spark-submit entry of the training job: `spark-submit jobs/entrypoints/train_job.py --help`."""

import sys

from fraud_jobs.train.cli import main

if __name__ == "__main__":
    sys.exit(main())
