#!/usr/bin/env bash
# Time `pathlink synth` in a release build and report wall/CPU time and peak memory.
# Usage: Benchmarks/synth.sh [PERSONS ...]   (default: 100000)
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product pathlink >/dev/null
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for persons in "${@:-100000}"; do
    /usr/bin/time -f "synth --persons $persons: wall %e s, user %U s, sys %S s, peak RSS %M KB" \
        .build/release/pathlink synth --persons "$persons" --seed 1 --output "$out/$persons" >/dev/null
    du -sh "$out/$persons" | sed 's/^/  output size: /'
done
