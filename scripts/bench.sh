#!/usr/bin/env bash
# Runs the performance benchmarks 10 times, compares SDK and baseline with
# benchstat, and regenerates BENCHMARKS.md. Takes about 10 minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$(go env GOPATH)/bin:$PATH"
command -v benchstat >/dev/null 2>&1 || go install golang.org/x/perf/cmd/benchstat@v0.0.0-20260908200009-22c9c6c9d4da

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
count=${BENCH_COUNT:-10}
go test -run '^$' -bench 'GetUsers|GetContacts|AddUser|TolerantTypes|Overhead|IdleLimiter|ConnectionReuse|PeakHeap' \
  -count "$count" . | tee "$out/raw.txt"

{
  echo "# SDK against the hand-written baseline"
  benchstat -filter '.name:(GetUsers OR GetContacts OR AddUser)' -col '/impl@(baseline sdk)' "$out/raw.txt"
  echo
  echo "# Tolerant types against plain fields"
  benchstat -filter '.name:TolerantTypes' -col '/type@(plain tolerant)' "$out/raw.txt"
  echo
  echo "# Success-path overhead, peak heap, connections"
  benchstat -filter '.name:(Overhead OR IdleLimiter OR PeakHeapGetUsers10k OR ConnectionReuse)' "$out/raw.txt"
} > "$out/stat.txt"

go run ./internal/bench/report -runs "$count" -raw "$out/raw.txt" -benchstat "$out/stat.txt" -out BENCHMARKS.md
echo "wrote BENCHMARKS.md"
