#!/usr/bin/env bash
# The project's test command (README and CI run exactly this): every test
# with the race detector, then the memory bound, which only a normal build
# can measure.
set -euo pipefail
cd "$(dirname "$0")/.."
go test -race -count=1 ./...
go test -count=1 -run '^TestPeakMemory' .
