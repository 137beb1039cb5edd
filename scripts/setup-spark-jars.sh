#!/usr/bin/env bash
# Downloads the hadoop-aws jars matching pyspark 3.4.4's bundled Hadoop 3.3.4 (s3a:// for local Spark)
# into .local/jars/, verifying each against the .sha1 Maven Central publishes. Idempotent: a jar already
# present with the right checksum is not fetched again.
set -euo pipefail
cd "$(dirname "$0")/.."
dest=.local/jars
maven=https://repo1.maven.org/maven2
jars=(
  "org/apache/hadoop/hadoop-aws/3.3.4/hadoop-aws-3.3.4.jar"
  "com/amazonaws/aws-java-sdk-bundle/1.12.262/aws-java-sdk-bundle-1.12.262.jar"
)
mkdir -p "$dest"
sha1_of() { sha1sum "$1" | cut -d' ' -f1; }
for path in "${jars[@]}"; do
  name=$(basename "$path")
  # The published checksum is kept next to the jar, so a repeat run needs no network.
  if [ -f "$dest/$name" ] && [ -f "$dest/$name.sha1" ] && [ "$(sha1_of "$dest/$name")" = "$(cat "$dest/$name.sha1")" ]; then
    continue
  fi
  want=$(curl -fsSL --retry 3 "$maven/$path.sha1" | cut -c1-40)
  curl -fsSL --retry 3 -o "$dest/$name.partial" "$maven/$path"
  got=$(sha1_of "$dest/$name.partial")
  if [ "$got" != "$want" ]; then
    rm -f "$dest/$name.partial"
    echo "checksum mismatch for $name: got $got, Maven Central says $want" >&2
    exit 1
  fi
  mv "$dest/$name.partial" "$dest/$name"
  echo "$want" > "$dest/$name.sha1"
  echo "downloaded $dest/$name"
done
