#!/usr/bin/env bash
# The project's test command (README and CI run exactly this).
set -euo pipefail
cd "$(dirname "$0")/.."
go test -race -count=1 ./...
