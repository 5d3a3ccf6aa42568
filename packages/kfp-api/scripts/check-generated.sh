#!/bin/sh
# Fails when src/gen is not exactly what ../../proto generates today: catches hand edits, a proto
# change without `pnpm generate`, and a generator version bump that changes the output.
set -eu
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
buf lint ../../proto
buf generate ../../proto --template ../../proto/buf.gen.yaml --output "$tmp"
if ! diff -r src/gen "$tmp/src/gen"; then
  echo "src/gen differs from ../../proto: run 'pnpm --filter @swf/kfp-api generate' and commit the result" >&2
  exit 1
fi
