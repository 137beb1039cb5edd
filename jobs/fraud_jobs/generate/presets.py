"""Generator configuration: the `handbook` and `course` presets, overrides and their validation."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Dict, Mapping, Optional

from .defects import DEFECT_NAMES, default_rates, out_of_range_possible

PRESETS = ("handbook", "course")

# The book's reach: radius 5 among 10,000 terminals on the 100 x 100 square, i.e. pi * 5^2 = 78.5
# terminals in reach (fewer near the edges). `course` keeps that reach for any terminal count.
HANDBOOK_RADIUS = 5.0
HANDBOOK_TERMINALS = 10_000
# Course scenario-3 volume: its first file has 65,896 scenario-3 rows of 46,988,418 (0.140 %).
# A compromised customer stays 14 days and a third of its transactions become fraud, so at the
# steady state the share is k * 14 / customers / 3, hence k = 0.140 % * 3 / 14 = 3.0e-4 * customers.
COURSE_SCENARIO_3_SHARE = 65_896 / 46_988_418
COURSE_COMPROMISED_CUSTOMER_SHARE = COURSE_SCENARIO_3_SHARE * 3 / 14
_UNIX_EPOCH = dt.date(1970, 1, 1)
_MAX_DAYS = 100_000


class ConfigError(ValueError):
    """Bad generator input; the message names the option and how to fix it."""


@dataclass(frozen=True)
class GeneratorConfig:
    preset: str
    customers: int
    terminals: int
    days: int
    start: dt.date
    radius: float
    compromised_terminals_per_day: int
    compromised_customers_per_day: float
    # Compromise terminals and customers before the first day, so fraud starts at its steady rate.
    warmup: bool
    seed: int = 0
    defect_rates: Mapping[str, float] = field(default_factory=default_rates)


def course_radius(terminals: int) -> float:
    """Radius giving the book's 78.5 terminals in reach: r^2 * terminals = 5^2 * 10,000."""
    return HANDBOOK_RADIUS * math.sqrt(HANDBOOK_TERMINALS / terminals)


def preset_config(
    preset: str,
    seed: int = 0,
    customers: Optional[int] = None,
    terminals: Optional[int] = None,
    days: Optional[int] = None,
    start: Optional[dt.date] = None,
    defect_rates: Optional[Mapping[str, float]] = None,
    defect_scale: float = 1.0,
    defects: bool = True,
) -> GeneratorConfig:
    """A validated config: the preset's values, then the given overrides.

    `defect_scale` K gives each defect K times its real share (see defects.default_rates); rates given
    in `defect_rates` are injected as they are.
    """
    if preset not in PRESETS:
        raise ConfigError(f"--preset must be one of {', '.join(PRESETS)}; got {preset!r}")
    _positive("--seed", seed, allow_zero=True)
    for option, value in (("--customers", customers), ("--terminals", terminals), ("--days", days)):
        if value is not None:
            _positive(option, value)
    if preset == "handbook":
        config = GeneratorConfig(
            preset=preset,
            customers=_default(customers, 5_000),
            terminals=_default(terminals, HANDBOOK_TERMINALS),
            days=_default(days, 183),
            start=start or dt.date(2018, 4, 1),
            radius=HANDBOOK_RADIUS,
            compromised_terminals_per_day=2,
            compromised_customers_per_day=3.0,
            warmup=False,
            seed=seed,
            defect_rates=resolve_defect_rates(defect_rates or {}, defect_scale, defects),
        )
    else:
        chosen_customers = _default(customers, 10_000)
        chosen_terminals = _default(terminals, 1_000)
        config = GeneratorConfig(
            preset=preset,
            customers=chosen_customers,
            terminals=chosen_terminals,
            days=_default(days, 90),
            start=start or dt.date(2019, 8, 22),
            radius=course_radius(chosen_terminals),
            compromised_terminals_per_day=2,
            compromised_customers_per_day=chosen_customers * COURSE_COMPROMISED_CUSTOMER_SHARE,
            warmup=True,
            seed=seed,
            defect_rates=resolve_defect_rates(defect_rates or {}, defect_scale, defects),
        )
    validate(config)
    return config


def validate(config: GeneratorConfig) -> None:
    """Checks a config built by hand as well as by preset_config."""
    _positive("--customers", config.customers)
    _positive("--terminals", config.terminals)
    _positive("--days", config.days)
    _positive("--seed", config.seed, allow_zero=True)
    if config.days > _MAX_DAYS:
        raise ConfigError(f"--days must be at most {_MAX_DAYS}; got {config.days}")
    if config.start <= _UNIX_EPOCH:
        raise ConfigError(
            f"--start must be after {_UNIX_EPOCH} (wrong-origin seconds count from it); got {config.start}"
        )
    if config.compromised_terminals_per_day > config.terminals:
        raise ConfigError(
            f"--terminals must be at least {config.compromised_terminals_per_day} "
            f"(terminals compromised a day); got {config.terminals}"
        )
    if config.compromised_customers_per_day > config.customers:
        raise ConfigError(
            f"--customers must be at least {math.ceil(config.compromised_customers_per_day)} "
            f"(customers compromised a day); got {config.customers}"
        )
    if set(config.defect_rates) != set(DEFECT_NAMES):
        raise ConfigError(f"defect_rates must give a rate for each of {', '.join(DEFECT_NAMES)}")
    if config.defect_rates["terminal_out_of_range"] > 0 and not out_of_range_possible(config.terminals):
        raise ConfigError(
            f"--terminals {config.terminals} leaves no real corrupt terminal id above the simulated ids; "
            "use fewer terminals or --defect-rate terminal_out_of_range=0"
        )


def resolve_defect_rates(
    overrides: Mapping[str, float], scale: float = 1.0, enabled: bool = True
) -> Dict[str, float]:
    if not isinstance(scale, (int, float)) or not math.isfinite(scale) or scale < 0:
        raise ConfigError(f"--defect-scale must be a number >= 0; got {scale!r}")
    unknown = sorted(set(overrides) - set(DEFECT_NAMES))
    if unknown:
        raise ConfigError(f"--defect-rate: unknown defect {unknown[0]!r}; known: {', '.join(DEFECT_NAMES)}")
    if not enabled:
        if overrides:
            raise ConfigError("--no-defects cannot be combined with --defect-rate; drop one of them")
        return {name: 0.0 for name in DEFECT_NAMES}
    rates = default_rates(scale)
    for name, rate in overrides.items():
        if not isinstance(rate, (int, float)) or not 0 <= rate <= 1:
            raise ConfigError(f"--defect-rate {name}=RATE needs a RATE between 0 and 1; got {rate!r}")
        rates[name] = float(rate)
    total = sum(rates.values())
    if total > 1:
        raise ConfigError(
            f"defect rates add up to {total:.4g} but a row carries at most one defect: "
            "lower --defect-scale or the --defect-rate values so they sum to at most 1"
        )
    return rates


def _default(value: Optional[int], default: int) -> int:
    return default if value is None else value


def _positive(option: str, value: object, allow_zero: bool = False) -> None:
    minimum = 0 if allow_zero else 1
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ConfigError(f"{option} must be an integer >= {minimum}; got {value!r}")
