"""Count and sum over a time range before each row, in time linear in the rows.

Spark evaluates a range frame with two moving bounds (`rangeBetween(-a, -b)`) with its sliding frame,
which recomputes the aggregate over every row in the frame for every row: a terminal with 20,000 rows and
a 30-day frame of 7,500 of them cost 1.5e8 row visits (the 20 M-row training benchmark stalled there for
50 minutes), and at the real data's ~1,570 transactions per terminal a day it is out of reach. A frame
from UNBOUNDED PRECEDING is updated incrementally, so the range total is taken as the difference of two
running totals. Exact for integer values (counts, frauds, cents)."""

from __future__ import annotations

from typing import Tuple

from pyspark.sql import Column, Window, WindowSpec
from pyspark.sql import functions as F


def _frames(ordered: WindowSpec, lower: int, upper: int) -> Tuple[WindowSpec, WindowSpec]:
    """Running frames through t + upper and through t + lower - 1 (lower <= upper, in the order's units)."""
    if lower > upper:
        raise ValueError(f"empty range: lower {lower} > upper {upper}")
    return (
        ordered.rangeBetween(Window.unboundedPreceding, upper),
        ordered.rangeBetween(Window.unboundedPreceding, lower - 1),
    )


def range_count(ordered: WindowSpec, lower: int, upper: int) -> Column:
    """Rows whose order value lies in [t + lower, t + upper] (the row's peers included when upper >= 0)."""
    through_upper, before_lower = _frames(ordered, lower, upper)
    return F.count(F.lit(1)).over(through_upper) - F.count(F.lit(1)).over(before_lower)


def range_count_and_sum(ordered: WindowSpec, lower: int, upper: int, value: Column) -> Tuple[Column, Column]:
    """range_count and the sum of the integer `value` over the same range (0 when it holds no row)."""
    through_upper, before_lower = _frames(ordered, lower, upper)
    total = F.coalesce(F.sum(value).over(through_upper), F.lit(0)) - F.coalesce(
        F.sum(value).over(before_lower), F.lit(0)
    )
    return range_count(ordered, lower, upper), total
