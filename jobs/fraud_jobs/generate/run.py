"""generate(config, out_dir): simulate day by day, inject defects, stream files, build the manifest."""

from __future__ import annotations

import datetime as dt
import os
import re
from typing import Iterable, List, Optional

from .defects import DEFECT_NAMES, inject_defects
from .manifest import Manifest
from .presets import ConfigError, GeneratorConfig, validate
from .simulator import FraudSchedule, build_profiles, simulate_day
from .writer import FILE_DAYS, RawFileWriter

_DATA_FILE = re.compile(r"^\d{4}-\d{2}-\d{2}\.txt$")


def planned_files(config: GeneratorConfig) -> List[str]:
    periods = range((config.days + FILE_DAYS - 1) // FILE_DAYS)
    return [(config.start + dt.timedelta(days=p * FILE_DAYS)).isoformat() + ".txt" for p in periods]


def check_out_dir(out_dir: str, planned: Iterable[str], manifest_path: Optional[str] = None) -> None:
    """Refuses a directory holding anything this run would not rewrite: stale data files would be
    read by the cleaning job as part of the output, other files are not ours to overwrite."""
    if os.path.exists(out_dir) and not os.path.isdir(out_dir):
        raise ConfigError(f"--out {out_dir} is a file; give a directory (it is created when missing)")
    if not os.path.isdir(out_dir):
        return
    allowed = set(planned)
    if manifest_path and os.path.dirname(os.path.abspath(manifest_path)) == os.path.abspath(out_dir):
        allowed.add(os.path.basename(manifest_path))
    foreign = sorted(
        name
        for name in os.listdir(out_dir)
        if name not in allowed and not (name.startswith(".") and name.endswith(".partial"))
    )
    if foreign:
        kind = "data files of another run" if all(_DATA_FILE.match(n) for n in foreign) else "other files"
        raise ConfigError(
            f"--out {out_dir} holds {kind} ({', '.join(foreign[:3])}{', ...' if len(foreign) > 3 else ''}); "
            "give an empty or new directory"
        )


def generate(config: GeneratorConfig, out_dir: str, manifest_path: Optional[str] = None) -> Manifest:
    """Writes the raw files into out_dir (and the manifest JSON to manifest_path when given)."""
    validate(config)
    check_out_dir(out_dir, planned_files(config), manifest_path)
    os.makedirs(out_dir, exist_ok=True)
    profiles = build_profiles(config.seed, config.customers, config.terminals, config.radius)
    schedule = FraudSchedule(
        config.seed,
        config.customers,
        config.terminals,
        config.compromised_terminals_per_day,
        config.compromised_customers_per_day,
        config.warmup,
    )
    defects = {name: [] for name in DEFECT_NAMES}
    next_id = 0
    writer = RawFileWriter(out_dir, config.start)
    try:
        for day in range(config.days):
            schedule.start_day(day)
            rows = simulate_day(profiles, schedule, config.seed, day)
            raw, at = inject_defects(
                rows, next_id, config.start, config.defect_rates, config.seed, config.terminals
            )
            lines = writer.write_day(day, raw)
            defects["malformed"] += [{"file": name, "line": line} for name, line in lines]
            for name in DEFECT_NAMES[1:]:
                defects[name] += raw.transaction_id[at[name]].tolist()
            next_id += len(raw)
    except BaseException:
        writer.abort()
        raise
    files = writer.close()
    manifest = Manifest(
        preset=config.preset,
        seed=config.seed,
        epoch=config.start.isoformat(),
        files=files,
        transactions=next_id,
        defects=defects,
        rates=dict(config.defect_rates),
    )
    if manifest_path:
        manifest.write(manifest_path)
    return manifest
