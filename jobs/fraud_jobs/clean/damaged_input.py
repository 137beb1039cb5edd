"""Raw files that Hadoop cannot decompress (an upload cut short, a damaged byte). The codec's exception
(`EOFException: Unexpected end of input stream`, `ZipException`, ...) names no file, so when a cleaning
run fails each compressed input is read alone to find the one to upload again. Probing only after a
failure costs nothing on healthy input."""

from __future__ import annotations

from typing import Iterable, Optional

from fraud_jobs.common.cli_args import UsageError

# The suffixes Hadoop's CompressionCodecFactory decompresses by default (text input is read through it).
COMPRESSED_SUFFIXES = (".gz", ".bz2", ".deflate", ".lz4", ".snappy", ".zst")


class DamagedInputFile(UsageError):
    pass


def unreadable_compressed_file(spark, files: Iterable[str]) -> Optional[DamagedInputFile]:
    """The first compressed file that fails to decompress, as an error naming it and the fix."""
    from py4j.protocol import Py4JJavaError

    for name in sorted(files):
        if not name.lower().endswith(COMPRESSED_SUFFIXES):
            continue
        try:
            spark.read.text(name).count()
        except Py4JJavaError as error:
            cause = error.java_exception
            while cause.getCause() is not None:
                cause = cause.getCause()
            return DamagedInputFile(
                f"input file {name} cannot be decompressed ({cause.getClass().getSimpleName()}: "
                f"{cause.getMessage()}): it is a truncated or damaged compressed file; "
                "upload it again (or move it out of --input) and re-run; nothing was published"
            )
    return None
