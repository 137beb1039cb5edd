"""spark-submit entry of the batch scoring job: `spark-submit jobs/entrypoints/score_job.py --help`."""

import sys

from fraud_jobs.score.cli import main

if __name__ == "__main__":
    sys.exit(main())
