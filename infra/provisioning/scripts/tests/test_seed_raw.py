"""seed_raw against a real local S3 server holding a fake public source bucket."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from conftest import SCRIPTS, load_script

seed_raw = load_script("local/seed_raw.py")
from s3_env import (  # noqa: E402  (on sys.path after load_script)
    SINGLE_COPY_LIMIT,
    SLOWEST_COPY_BYTES_PER_SECOND,
    ConfigError,
)

COURSE = seed_raw.Source("mlops-data", "fraud-data/")
NAMES = ["2019-08-22.txt", "2019-09-21.txt", "2019-10-21.txt", "2019-11-20.txt"]


def fake_file(day: str, rows: int) -> bytes:
    header = (
        "# tranaction_id | tx_datetime | customer_id | terminal_id | tx_amount | tx_time_seconds | tx_time_days"
        " | tx_fraud | tx_fraud_scenario\n"
    )
    body = "".join(f"{i},{day} 06:51:03,{i % 7},{i % 999},70.91,24663,0,0,0\n" for i in range(rows))
    return (header + body).encode()


@pytest.fixture()
def source(s3):
    s3.create_bucket(Bucket="mlops-data")
    s3.create_bucket(Bucket="raw")
    for index, name in enumerate(NAMES):
        s3.put_object(Bucket="mlops-data", Key="fraud-data/" + name, Body=fake_file(name[:10], 1000 + index))
    return s3


def run_seed(s3, names, sources=(COURSE,), **kwargs):
    return seed_raw.seed(s3, sources, "raw", "raw/", names, log=lambda _m: None, **kwargs)


def target_state(s3):
    listing = s3.list_objects_v2(Bucket="raw").get("Contents", [])
    return {item["Key"]: (item["ETag"], item["LastModified"]) for item in listing}


def test_copies_every_file_with_identical_content(source):
    outcomes = run_seed(source, NAMES)
    assert [o.action for o in outcomes] == ["copied"] * 4
    for name in NAMES:
        copied = source.get_object(Bucket="raw", Key="raw/" + name)["Body"].read()
        original = source.get_object(Bucket="mlops-data", Key="fraud-data/" + name)["Body"].read()
        assert copied == original
        assert source.head_object(Bucket="raw", Key="raw/" + name)["Metadata"]["source-etag"]


def test_second_run_skips_same_size_and_etag_without_writing(source):
    run_seed(source, NAMES)
    before = target_state(source)
    outcomes = run_seed(source, NAMES)
    assert [o.action for o in outcomes] == ["skipped"] * 4
    assert target_state(source) == before  # nothing rewritten: same ETag and LastModified


def test_changed_or_truncated_target_is_copied_again(source):
    run_seed(source, NAMES)
    source.put_object(Bucket="raw", Key="raw/" + NAMES[1], Body=b"truncated")
    outcomes = run_seed(source, NAMES)
    assert [o.action for o in outcomes] == ["skipped", "copied", "skipped", "skipped"]
    assert source.head_object(Bucket="raw", Key="raw/" + NAMES[1])["ContentLength"] == len(
        fake_file(NAMES[1][:10], 1001)
    )


def test_recorded_source_etag_counts_as_same_when_target_etag_differs(source):
    # Buckets with server-side encryption return an ETag that is not the MD5: the recorded one decides.
    head = source.head_object(Bucket="mlops-data", Key="fraud-data/" + NAMES[0])
    target = {
        "ContentLength": head["ContentLength"],
        "ETag": '"other"',
        "Metadata": {"source-etag": head["ETag"].strip('"')},
    }
    assert seed_raw.is_same_object(head, target)
    assert not seed_raw.is_same_object(head, {**target, "Metadata": {}})
    assert not seed_raw.is_same_object(head, {**target, "ContentLength": 1})


def test_resumes_after_an_interrupted_run(source):
    class Interrupted(Exception):
        pass

    def interrupt_after_two(outcome):
        if outcome.name == NAMES[1]:
            raise Interrupted()  # as if the operator pressed Ctrl-C after the second copy

    with pytest.raises(Interrupted):
        run_seed(source, NAMES, after_each=interrupt_after_two)
    assert sorted(target_state(source)) == ["raw/" + n for n in NAMES[:2]]
    outcomes = run_seed(source, NAMES)
    assert [o.action for o in outcomes] == ["skipped", "skipped", "copied", "copied"]


def test_missing_source_fails_before_any_copy(source):
    with pytest.raises(ConfigError, match="seed.sourcePrefix"):
        run_seed(source, [NAMES[0], "2030-01-01.txt"])
    assert target_state(source) == {}


PUBLIC = [COURSE, seed_raw.Source("otus-mlops-source-data", "")]


def test_probe_seeds_from_the_first_location_that_has_the_files(source):
    # Later course years: the same files at the root of another bucket; the older location lacks them.
    source.create_bucket(Bucket="otus-mlops-source-data")
    for name in NAMES[:2]:
        body = source.get_object(Bucket="mlops-data", Key="fraud-data/" + name)["Body"].read()
        source.put_object(Bucket="otus-mlops-source-data", Key=name, Body=body)
        source.delete_object(Bucket="mlops-data", Key="fraud-data/" + name)
    log = []
    outcomes = seed_raw.seed(source, PUBLIC, "raw", "raw/", NAMES[:2], log=log.append)
    assert [o.action for o in outcomes] == ["copied", "copied"]
    assert "source: s3://otus-mlops-source-data/ has the files (location 2 of 2 probed)" in log
    assert any("from s3://otus-mlops-source-data/ to s3://raw/raw/2019-08-22.txt" in line for line in log)
    # The first location that has them wins, even when a later one has them too.
    log.clear()
    seed_raw.seed(source, PUBLIC, "raw", "raw/", NAMES[2:3], log=log.append)
    assert "source: s3://mlops-data/fraud-data/ has the files (location 1 of 2 probed)" in log


def test_probe_names_every_location_tried_and_the_settings_when_none_has_the_files(source):
    # mlops-data exists but lacks the file; the second bucket does not exist at all.
    with pytest.raises(ConfigError) as failure:
        run_seed(source, ["2030-01-01.txt"], sources=PUBLIC)
    message = str(failure.value)
    assert "s3://mlops-data/fraud-data/ (2030-01-01.txt not found)" in message
    assert "s3://otus-mlops-source-data/ (2030-01-01.txt not found)" in message
    assert "fraud-mlops:seed.sourceBucket" in message and "fraud-mlops:seed.sourcePrefix" in message
    assert target_state(source) == {}


def test_source_argument_spelling():
    assert seed_raw.parse_source("s3://otus-mlops-source-data/") == seed_raw.Source("otus-mlops-source-data", "")
    assert seed_raw.parse_source("s3://mlops-data/fraud-data/") == COURSE
    for bad in ("mlops-data/fraud-data/", "s3://", "s3://mlops-data/fraud-data"):
        with pytest.raises(Exception, match="is not s3://BUCKET/"):
            seed_raw.parse_source(bad)


def test_the_copy_client_waits_long_enough_for_a_3_gb_server_side_copy(s3_env):
    # CopyObject answers when the copy is done: the largest dataset file (3,136,657,969 B) at the slowest
    # accepted rate (10 MB/s) must fit in one read; botocore's default of 60 s would not.
    largest_dataset_file = 3_136_657_969
    read_timeout = seed_raw.copy_client()._client_config.read_timeout
    assert read_timeout >= largest_dataset_file / SLOWEST_COPY_BYTES_PER_SECOND
    assert read_timeout >= SINGLE_COPY_LIMIT / SLOWEST_COPY_BYTES_PER_SECOND


def test_cli_seeds_deletes_and_never_prints_the_secret(source, s3_env):
    script = str(SCRIPTS / "local" / "seed_raw.py")
    base = [
        sys.executable,
        script,
        "--source",
        "s3://otus-mlops-source-data/",
        "--source",
        "s3://mlops-data/fraud-data/",
    ]
    base += ["--target-bucket", "raw", "--target-prefix", "raw/", "--file", NAMES[0], "--file", NAMES[2]]
    env = {**os.environ, **s3_env}
    first = subprocess.run(base, env=env, capture_output=True, text=True, check=True)
    assert "seed done: 2 copied, 0 skipped" in first.stdout
    assert "source: s3://mlops-data/fraud-data/ has the files (location 2 of 2 probed)" in first.stdout
    second = subprocess.run(base, env=env, capture_output=True, text=True, check=True)
    assert "seed done: 0 copied, 2 skipped" in second.stdout
    deleted = subprocess.run(base + ["--delete"], env=env, capture_output=True, text=True, check=True)
    assert deleted.stdout.count("deleted s3://raw/") == 2
    assert target_state(source) == {}
    for result in (first, second, deleted):
        assert s3_env["AWS_SECRET_ACCESS_KEY"] not in result.stdout + result.stderr


def test_cli_names_missing_credentials(source):
    env = {k: v for k, v in os.environ.items() if k != "AWS_SECRET_ACCESS_KEY"}
    script = str(SCRIPTS / "local" / "seed_raw.py")
    result = subprocess.run(
        [sys.executable, script, "--source", "s3://a/", "--target-bucket", "b", "--file", "x"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2
    assert "AWS_SECRET_ACCESS_KEY" in result.stderr
