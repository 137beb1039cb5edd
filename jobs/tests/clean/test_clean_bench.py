"""The cleaning benchmark's full-scale estimate reads the default cluster and prices from the TypeScript."""

from __future__ import annotations

import pytest

from fraud_jobs.clean.bench import (
    EXECUTOR_CORE_SHARE,
    FULL_ROWS,
    cluster_from_sources,
    cluster_rub_per_hour,
    full_scale_estimate,
)


def test_default_cluster_and_prices_come_from_the_typescript_sources():
    cluster = cluster_from_sources()
    assert (cluster["hosts"], cluster["vcpu"], cluster["ram_gb"]) == (3, 4, 16)
    assert (cluster["master_vcpu"], cluster["master_ram_gb"]) == (2, 8)
    assert cluster["rub_vcpu_hour"] == pytest.approx(1.24 + 0.124)
    assert cluster["rub_gb_hour"] == pytest.approx(0.33 + 0.033)
    assert (cluster["disk_gb"], cluster["rub_disk_gb_hour"]) == (3 * 128 + 40, 0.0199)
    # 14 vCPU, 56 GB of RAM, 424 GB of SSD
    assert cluster_rub_per_hour(cluster) == pytest.approx(14 * 1.364 + 56 * 0.363 + 424 * 0.0199)


def test_full_scale_estimate_divides_the_rows_by_the_measured_rate_on_the_executor_cores():
    cluster = cluster_from_sources()
    estimate = full_scale_estimate(job_rate=100_000, quality_rate=50_000, out_over_in=0.4, cluster=cluster)
    cores = 12 * EXECUTOR_CORE_SHARE
    assert estimate["cpu_min"] == pytest.approx(FULL_ROWS / 100_000 / cores / 60)
    assert estimate["quality_min"] == pytest.approx(FULL_ROWS / 50_000 / cores / 60)
    assert estimate["output_gb"] == pytest.approx(120.594553665 * 0.4)


def test_an_unreadable_source_stops_with_a_message(tmp_path):
    (tmp_path / "infra" / "config").mkdir(parents=True)
    (tmp_path / "infra" / "cost").mkdir(parents=True)
    (tmp_path / "infra" / "config" / "dataproc.ts").write_text("export const X = 1;\n")
    (tmp_path / "infra" / "cost" / "prices.ts").write_text("")
    with pytest.raises(SystemExit, match="could not read the default data subcluster"):
        cluster_from_sources(str(tmp_path))
