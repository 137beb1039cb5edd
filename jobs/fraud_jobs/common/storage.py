"""Locations the jobs read and write: local paths or Hadoop URIs (hdfs://, s3a://) through one API."""

from __future__ import annotations

import os
from urllib.parse import urlparse

# Schemes Spark reaches through Hadoop; anything without a scheme (or file:) is a local path.
LOCAL_SCHEMES = ("", "file")


def normalised(location: str) -> str:
    parsed = urlparse(location)
    if parsed.scheme in LOCAL_SCHEMES:
        return os.path.realpath(parsed.path if parsed.scheme else location)
    return location.rstrip("/")


def is_local(location: str) -> bool:
    return urlparse(location).scheme in LOCAL_SCHEMES


def hadoop_path(spark, location: str):
    path = spark.sparkContext._jvm.org.apache.hadoop.fs.Path(location)
    # The session's Hadoop configuration includes fs.* settings made with spark.conf.set, as reads see them.
    return path, path.getFileSystem(spark._jsparkSession.sessionState().newHadoopConf())


def write_text(spark, location: str, text: str) -> None:
    """A small text file (a report) at a local path or a Hadoop URI; overwritten if present."""
    if is_local(location):
        local = normalised(location)
        os.makedirs(os.path.dirname(local) or ".", exist_ok=True)
        with open(local, "w", encoding="utf-8") as handle:
            handle.write(text)
        return
    path, fs = hadoop_path(spark, location)
    stream = fs.create(path, True)
    try:
        stream.write(bytearray(text.encode("utf-8")))
    finally:
        stream.close()


def read_text(spark, location: str) -> str:
    """A small text file (a report, a credentials file) from a local path or a Hadoop URI, whole."""
    if is_local(location):
        with open(normalised(location), encoding="utf-8") as handle:
            return handle.read()
    return spark.read.text(location, wholetext=True).first()[0]
