"""spark-submit entry of the monitoring job: `spark-submit jobs/entrypoints/monitor_job.py --help`."""

import sys

from fraud_jobs.monitor.cli import main

if __name__ == "__main__":
    sys.exit(main())
