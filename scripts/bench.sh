#!/usr/bin/env bash
# Runs the performance benchmarks BENCH_COUNT times (default 6), round-robin:
# each run is one process that measures every benchmark once, SDK and
# baseline side by side, so each ratio in BENCHMARKS.md is taken within one
# run and the table shows the median over runs. Rewrites the generated part
# of BENCHMARKS.md; the prose around it is written by hand.
set -euo pipefail
cd "$(dirname "$0")/.."

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
count=${BENCH_COUNT:-6}
go test -c -o "$out/bench.test" .
for i in $(seq "$count"); do
  echo "=== bench run $i of $count"
  "$out/bench.test" -test.run '^$' -test.benchmem \
    -test.bench 'GetUsers|GetContacts|AddUser|PeakHeap|BulkJob|Paired' | grep -E '^(Benchmark|ok|FAIL|---)'
done | tee "$out/raw.txt"

go run ./internal/bench/report -raw "$out/raw.txt" -out BENCHMARKS.md
echo "wrote BENCHMARKS.md"
