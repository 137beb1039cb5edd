#!/usr/bin/env bash
# fetch_maven_jars DEST PATH...: downloads each Maven Central PATH (group/artifact/version/file.jar) into
# DEST, verifying it against the .sha1 Maven Central publishes. Idempotent: a jar already present with the
# right checksum is not fetched again (the published checksum is kept next to it, so a repeat needs no network).
# Sourced by scripts/setup-*.sh.
fetch_maven_jars() {
  local dest=$1 maven=https://repo1.maven.org/maven2 path name want got
  shift
  mkdir -p "$dest"
  for path in "$@"; do
    name=$(basename "$path")
    if [ -f "$dest/$name" ] && [ -f "$dest/$name.sha1" ] && [ "$(sha1sum "$dest/$name" | cut -d' ' -f1)" = "$(cat "$dest/$name.sha1")" ]; then
      continue
    fi
    want=$(curl -fsSL --retry 3 "$maven/$path.sha1" | cut -c1-40)
    curl -fsSL --retry 3 -o "$dest/$name.partial" "$maven/$path"
    got=$(sha1sum "$dest/$name.partial" | cut -d' ' -f1)
    if [ "$got" != "$want" ]; then
      rm -f "$dest/$name.partial"
      echo "checksum mismatch for $name: got $got, Maven Central says $want" >&2
      return 1
    fi
    mv "$dest/$name.partial" "$dest/$name"
    echo "$want" > "$dest/$name.sha1"
    echo "downloaded $dest/$name"
  done
}
