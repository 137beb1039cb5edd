#!/usr/bin/env bash
# Downloads the hadoop-aws jars matching pyspark 3.4.4's bundled Hadoop 3.3.4 (s3a:// for local Spark)
# into .local/jars/, verifying each against the .sha1 Maven Central publishes. Idempotent: a jar already
# present with the right checksum is not fetched again.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib/maven-jars.sh
. scripts/lib/maven-jars.sh
fetch_maven_jars .local/jars \
  "org/apache/hadoop/hadoop-aws/3.3.4/hadoop-aws-3.3.4.jar" \
  "com/amazonaws/aws-java-sdk-bundle/1.12.262/aws-java-sdk-bundle-1.12.262.jar"
