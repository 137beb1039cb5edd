"""The cleaning benchmark's full-scale estimate reads the default cluster and prices from the TypeScript."""

from __future__ import annotations

import pytest

from fraud_jobs.clean.bench import cluster_from_sources


def test_default_cluster_and_prices_come_from_the_typescript_sources():
    cluster = cluster_from_sources()
    assert (cluster["hosts"], cluster["vcpu"], cluster["ram_gb"]) == (3, 4, 16)
    assert (cluster["master_vcpu"], cluster["master_ram_gb"]) == (2, 8)
    assert cluster["rub_vcpu_hour"] == pytest.approx(1.24 + 0.124)
    assert cluster["rub_gb_hour"] == pytest.approx(0.33 + 0.033)


def test_an_unreadable_source_stops_with_a_message(tmp_path):
    (tmp_path / "infra" / "config").mkdir(parents=True)
    (tmp_path / "infra" / "cost").mkdir(parents=True)
    (tmp_path / "infra" / "config" / "dataproc.ts").write_text("export const X = 1;\n")
    (tmp_path / "infra" / "cost" / "prices.ts").write_text("")
    with pytest.raises(SystemExit, match="could not read the default data subcluster"):
        cluster_from_sources(str(tmp_path))
