#!/usr/bin/env bash
# A single-process HDFS for the staging tests and benchmark (jobs/dags/README.md "HDFS staging"): Hadoop's
# MiniDFSCluster (hadoop-client-minicluster) and the distcp tool, at Hadoop 3.3.4, the version bundled
# with the jobs' pyspark 3.4.4, plus the few unshaded libraries they load, from Maven Central into
# .local/hadoop-minicluster/ (checksums verified, cached; commons-lang3 for hadoop-aws, the s3a source of
# the benchmark). Java 17 runs them.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib/maven-jars.sh
. scripts/lib/maven-jars.sh
hadoop=3.3.4
fetch_maven_jars .local/hadoop-minicluster \
  "org/apache/hadoop/hadoop-client-api/$hadoop/hadoop-client-api-$hadoop.jar" \
  "org/apache/hadoop/hadoop-client-runtime/$hadoop/hadoop-client-runtime-$hadoop.jar" \
  "org/apache/hadoop/hadoop-client-minicluster/$hadoop/hadoop-client-minicluster-$hadoop.jar" \
  "org/apache/hadoop/hadoop-distcp/$hadoop/hadoop-distcp-$hadoop.jar" \
  "org/slf4j/slf4j-api/1.7.36/slf4j-api-1.7.36.jar" \
  "org/slf4j/slf4j-reload4j/1.7.36/slf4j-reload4j-1.7.36.jar" \
  "ch/qos/reload4j/reload4j/1.2.22/reload4j-1.2.22.jar" \
  "commons-logging/commons-logging/1.1.3/commons-logging-1.1.3.jar" \
  "commons-cli/commons-cli/1.2/commons-cli-1.2.jar" \
  "org/apache/commons/commons-lang3/3.12.0/commons-lang3-3.12.0.jar" \
  "junit/junit/4.13.2/junit-4.13.2.jar" \
  "org/hamcrest/hamcrest-core/1.3/hamcrest-core-1.3.jar"
