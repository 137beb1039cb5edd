"""`python -m fraud_jobs.generate --preset handbook|course --out DIR ...`: see README.md in this folder."""

from __future__ import annotations

import argparse
import sys
import time
from typing import Dict, List, Optional

from fraud_jobs.common.cli_args import date_arg

from .presets import PRESETS, ConfigError, preset_config
from .run import generate


def _rate(text: str) -> tuple:
    name, sep, value = text.partition("=")
    try:
        return name, float(value) if sep else None
    except ValueError:
        pass
    raise argparse.ArgumentTypeError(f"expected NAME=RATE with RATE a number, got {text!r}")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m fraud_jobs.generate",
        description="Write synthetic raw transaction files in the course dataset's format.",
    )
    parser.add_argument("--preset", required=True, choices=PRESETS)
    parser.add_argument("--out", required=True, metavar="DIR", help="directory for the YYYY-MM-DD.txt files")
    parser.add_argument("--seed", type=int, default=0, help="same seed, same bytes (default 0)")
    parser.add_argument("--customers", type=int, metavar="N")
    parser.add_argument("--terminals", type=int, metavar="N")
    parser.add_argument("--days", type=int, metavar="N")
    parser.add_argument("--start", type=date_arg, metavar="YYYY-MM-DD", help="first day and seconds origin")
    parser.add_argument("--manifest", metavar="FILE", help="write the defect manifest JSON here")
    parser.add_argument(
        "--defect-rate",
        type=_rate,
        nargs="+",
        action="append",
        default=[],
        metavar="NAME=RATE",
        help="per-row rate of one defect (used as given, not scaled)",
    )
    parser.add_argument(
        "--defect-scale", type=float, default=1.0, metavar="K", help="multiply the default defect rates by K"
    )
    parser.add_argument(
        "--no-defects",
        action="store_true",
        help="inject no defects (amounts that round to 0.00 still occur; the manifest lists them)",
    )
    return parser


def main(argv: Optional[List[str]] = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    rates: Dict[str, float] = {}
    for name, rate in (pair for group in args.defect_rate for pair in group):
        if rate is None:
            parser.error(f"argument --defect-rate: expected NAME=RATE, got {name!r}")
        rates[name] = rate
    began = time.perf_counter()
    try:
        config = preset_config(
            args.preset,
            seed=args.seed,
            customers=args.customers,
            terminals=args.terminals,
            days=args.days,
            start=args.start,
            defect_rates=rates,
            defect_scale=args.defect_scale,
            defects=not args.no_defects,
        )
        manifest = generate(config, args.out, args.manifest)
    except ConfigError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    seconds = time.perf_counter() - began
    print(f"{manifest.summary()}; {seconds:.2f} s, {manifest.data_lines / max(seconds, 1e-9):,.0f} rows/s")
    return 0
