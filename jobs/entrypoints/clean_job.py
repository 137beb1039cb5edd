"""spark-submit entry of the cleaning job (arguments: see fraud_jobs.clean.cli)."""

import sys

from fraud_jobs.clean.cli import main

if __name__ == "__main__":
    sys.exit(main())
