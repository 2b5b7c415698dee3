#!/usr/bin/env bash
# System packages the tests need, at pinned versions (Debian bookworm).
# redis-server: the redisstore tests run against a real server.
set -euo pipefail
REDIS_VERSIONS=("5:7.0.15-1~deb12u10" "5:7.0.15-1~deb12u7")

if command -v redis-server >/dev/null 2>&1; then
  echo "redis-server present: $(redis-server --version | head -c 60)"
  exit 0
fi
sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
# The security archive replaces point releases, so try the pinned ones in
# order; each is the same upstream 7.0.15.
for v in "${REDIS_VERSIONS[@]}"; do
  if $sudo apt-get install -y -qq --no-install-recommends "redis-server=$v" >/dev/null; then
    echo "installed redis-server $v"; exit 0
  fi
done
echo "none of the pinned redis-server versions (${REDIS_VERSIONS[*]}) could be installed" >&2
exit 1
