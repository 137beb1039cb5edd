"""Publishing a cleaning run into the dataset: a killed job loses nothing and readers never see half a run.

Spark's dynamic partition overwrite moves partitions one at a time when the job commits (on s3a each move
is a copy and a delete), so a job killed there leaves some dates new, some old and some missing, and its
`.spark-staging-*` folder. Instead (readers' side: fraud_jobs/common/cleaned_output.py):

1. prepare(): before the run reads anything, roll forward the publish a killed run left (its journal) and
   delete the staging folders of killed runs. An output holding data but no manifest was not written this
   way and is refused.
2. The job writes its kept rows under `<output>/_staging/<run>/tx_date=D/source_file=S/` with Spark's own
   commit: a kill there leaves only that hidden folder; the dataset is untouched.
3. publish(): writes the journal (files to move in, committed files to remove: every one whose raw file is
   in this run's input, and the next manifest), then carries it out. Each step can be repeated, so the
   next run's prepare() finishes a killed publish. Then the manifest is written and the journal deleted.

Every data file is tagged with the raw file it came from (in the manifest and in its name), so a re-run
over a changed raw file replaces all of that file's rows, also the ones it no longer holds, and no others.
Two runs must not write one output at the same time.
"""

from __future__ import annotations

import json
import os
import re
import time
import uuid
from typing import Dict, Iterable, List, Optional, Set
from urllib.parse import unquote

from fraud_jobs.common.cleaned_output import JOURNAL, MANIFEST, STAGING
from fraud_jobs.common.cli_args import UsageError
from fraud_jobs.common.schemas import PARTITION_COLUMN
from fraud_jobs.common.storage import hadoop_path, read_text

SOURCE_COLUMN = "source_file"
MANIFEST_FORMAT = 1
# Test-only hook: the job stops (sleeps) at this phase after creating the signal file, so a test can
# SIGKILL it at a known point. Phases: staging, held (between the two staged writes: job.py), staged,
# publishing:<moves done>, published, committed.
PAUSE_ENV = "FRAUD_CLEAN_TEST_PAUSE_AT"
PAUSE_SIGNAL_ENV = "FRAUD_CLEAN_TEST_PAUSE_SIGNAL"


def pause_point(phase: str) -> None:
    if os.environ.get(PAUSE_ENV) != phase:
        return
    with open(os.environ[PAUSE_SIGNAL_ENV], "w", encoding="utf-8") as signal_file:
        signal_file.write(phase)
    while True:  # until the test kills the process
        time.sleep(1)


def source_name(uri: str) -> str:
    """The raw file a row came from: the last part of its path, decoded (as input_file_name() spells it)."""
    return unquote(uri.rstrip("/").rsplit("/", 1)[-1])


def published_name(source: str, staged_name: str) -> str:
    """A data file's name in the dataset: Spark's (unique per run) with the raw file's name in it."""
    tag = re.sub(r"[^A-Za-z0-9._-]", "_", source)
    return "part-{}-{}".format(
        tag, staged_name[len("part-") :] if staged_name.startswith("part-") else staged_name
    )


def _visible(name: str) -> bool:
    return not name.startswith(("_", "."))


class Output:
    """The dataset root through the Hadoop FileSystem API (local paths, hdfs://, s3a://)."""

    def __init__(self, spark, location: str) -> None:
        self.spark = spark
        self.location = location.rstrip("/")
        root, self.fs = hadoop_path(spark, self.location)
        self.Path = spark.sparkContext._jvm.org.apache.hadoop.fs.Path
        self.root = self.fs.makeQualified(root)

    def path(self, relative: str):
        return self.Path(self.root, relative)

    def exists(self, relative: str) -> bool:
        return self.fs.exists(self.path(relative))

    def delete(self, relative: str) -> None:
        self.fs.delete(self.path(relative), True)

    def read_json(self, relative: str) -> Optional[dict]:
        """The JSON document, or None when it is missing or was cut short by a kill while being written."""
        if not self.exists(relative):
            return None
        try:
            return json.loads(read_text(self.spark, f"{self.location}/{relative}"))
        except (ValueError, TypeError):  # TypeError: empty (read_text of an empty object gives no row)
            return None

    def write_json(self, relative: str, document: dict) -> None:
        stream = self.fs.create(self.path(relative), True)
        try:
            stream.write(bytearray(json.dumps(document, indent=1, sort_keys=True).encode("utf-8")))
        finally:
            stream.close()

    def files(self, relative: str = "") -> List[str]:
        """Visible files below `relative` (or the root), as paths relative to the root."""
        start = self.path(relative) if relative else self.root
        if not self.fs.exists(start):
            return []
        prefix = self.root.toString().rstrip("/") + "/"
        found = []
        listing = self.fs.listFiles(start, True)
        while listing.hasNext():
            name = listing.next().getPath().toString()
            relative_name = name[len(prefix) :]
            below = relative_name[len(relative) + 1 :] if relative else relative_name
            if all(_visible(part) for part in below.split("/")):
                found.append(relative_name)
        return sorted(found)

    def move(self, source: str, target: str) -> None:
        """Renames a file; a target left by a killed move (s3a copies, then deletes) is replaced."""
        if not self.exists(source):
            return  # moved by the killed run
        if self.exists(target):
            self.delete(target)
        self.fs.mkdirs(self.path(target).getParent())
        if not self.fs.rename(self.path(source), self.path(target)):
            raise OSError(f"could not move {source} to {target} under {self.location}")


def _partition_folder(spark, column: str, value: str) -> str:
    """The folder name Spark gives a partition value (it escapes characters such as '=' and '%')."""
    utils = spark.sparkContext._jvm.org.apache.spark.sql.catalyst.catalog.ExternalCatalogUtils
    return f"{column}={utils.escapePathName(value)}"


def _partition_value(spark, folder: str) -> str:
    utils = spark.sparkContext._jvm.org.apache.spark.sql.catalyst.catalog.ExternalCatalogUtils
    return utils.unescapePathName(folder.split("=", 1)[1])


def prepare(spark, location: str) -> Dict[str, str]:
    """Finishes a killed publish, drops killed runs' staging; returns the committed files (path -> source)."""
    output = Output(spark, location)
    journal = output.read_json(JOURNAL)
    if journal is not None:
        _carry_out(output, journal)
    elif output.exists(JOURNAL):
        output.delete(JOURNAL)  # cut short while being written: no file had moved yet
    output.delete(STAGING)
    manifest = output.read_json(MANIFEST)
    if manifest is not None:
        return dict(manifest["files"])
    unknown = [name for name in output.files() if name.startswith(PARTITION_COLUMN + "=")]
    if unknown:
        raise UsageError(
            f"--output {location} holds cleaned data without {MANIFEST} (written by an older version of the "
            f"job or by something else, e.g. {unknown[0]}): clean into a new location, or delete it first"
        )
    return {}


def staging_location(location: str) -> str:
    return "{}/{}/{}".format(location.rstrip("/"), STAGING, uuid.uuid4().hex)


def publish(spark, location: str, staging: str, committed: Dict[str, str], sources: Iterable[str]) -> None:
    """Moves the staged files into the dataset, replacing every committed file of the run's raw files."""
    output = Output(spark, location)
    staging_relative = staging.rstrip("/")[len(location.rstrip("/")) + 1 :]
    replaced: Set[str] = set(sources)
    moves = []
    for staged in output.files(staging_relative):
        parts = staged[len(staging_relative) + 1 :].split("/")
        if len(parts) != 3:
            raise OSError(f"unexpected staged file {staged}: expected tx_date=D/source_file=S/part-*")
        date_part, source_part, name = parts
        source = source_name(_partition_value(spark, source_part))  # spelled as the input's names
        moves.append((staged, f"{date_part}/{published_name(source, name)}", source))
    kept = {path: source for path, source in committed.items() if source not in replaced}
    files = dict(kept, **{target: source for _, target, source in moves})
    journal = {
        "moves": [[staged, target] for staged, target, _ in moves],
        "removes": sorted(path for path in committed if path not in kept),
        "manifest": {"format": MANIFEST_FORMAT, "files": files},
    }
    output.write_json(JOURNAL, journal)
    _carry_out(output, journal)


def discard(spark, location: str, staging: str) -> None:
    """Deletes a refused run's staging (and the output folder when the run created it empty)."""
    output = Output(spark, location)
    output.delete(staging.rstrip("/")[len(location.rstrip("/")) + 1 :])
    output.delete(STAGING)
    # Never a bucket's root (no parent): only a folder the refused run itself created.
    if output.root.getParent() is not None and not output.fs.listStatus(output.root):
        output.fs.delete(output.root, True)


def replace_quarantine(spark, location: str, sources: Iterable[str]) -> None:
    """Removes the quarantined lines of the run's raw files (and what killed writes left) before the run
    appends its own: a re-cleaned raw file keeps only its current bad lines."""
    quarantine = Output(spark, location)
    if not quarantine.fs.exists(quarantine.root):
        return
    for status in quarantine.fs.listStatus(quarantine.root):
        name = status.getPath().getName()
        if name.startswith((".spark-staging-", "_temporary")):
            quarantine.fs.delete(status.getPath(), True)
    for source in sources:
        quarantine.delete(_partition_folder(spark, SOURCE_COLUMN, source))


def _carry_out(output: Output, journal: dict) -> None:
    """The journal's moves and removals, then the manifest; repeatable after a kill at any point."""
    for done, (staged, target) in enumerate(journal["moves"]):
        if done:
            pause_point(f"publishing:{done}")
        output.move(staged, target)
    for path in journal["removes"]:
        output.delete(path)
    new_files = set(journal["manifest"]["files"])
    for folder in sorted({path.rsplit("/", 1)[0] for path in journal["removes"]}):
        if not any(path.startswith(folder + "/") for path in new_files) and not output.files(folder):
            output.delete(folder)  # a date the re-cleaned raw file no longer holds
    pause_point("published")
    output.write_json(MANIFEST, journal["manifest"])
    output.delete(JOURNAL)
    output.delete(STAGING)
