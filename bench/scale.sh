#!/usr/bin/env bash
# Many keys on one node (issue 9), over the real multi-process topology (tests/TestSupport/Topology): a control plane
# and one data-plane node as separate processes on PostgreSQL and a RabbitMQ node of their own. SCALE_KEYS keys
# (default 1,000,000; a multiple of 1000) are issued through POST .../api-keys:batch, then it prints each figure next
# to its target: admin issuance rate, compile time and compressed size of the full snapshot, the node's full pull
# and apply, its cold start from the last-known-good file, delta apply p50/p99 (100 revocations), node RSS, and the
# node's throughput with all keys against one key in the same run (wrk -t1 -c32 -d10s, as bench/run.sh; each row
# starts once the node and the control plane are quiet, after 15 s of priming load), with each process's CPU and
# context switches per request in both rows (bench/README.md, "Scale").
# Needs root (it starts its own RabbitMQ node). Use SCALE_KEYS=100000 while iterating on a shared machine.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
keys="${SCALE_KEYS:-1000000}"

bash scripts/services.sh status >/dev/null 2>&1 || bash scripts/services.sh up >&2
if ! command -v wrk >/dev/null; then
  echo "installing wrk" >&2
  apt-get install -y -q wrk >&2 || { apt-get update -q >&2 && apt-get install -y -q wrk >&2; }
fi
mkdir -p bench/out
report="$(pwd)/bench/out/scale.txt"
rm -f "$report"

dotnet build tests/Topology.Tests -c Release -nologo -v:q >&2
IGW_SCALE_KEYS="$keys" IGW_SCALE_REPORT="$report" dotnet test tests/Topology.Tests -c Release --no-build -nologo -v:q \
  --filter "FullyQualifiedName~ScaleMeasurementTests" --logger "console;verbosity=normal" >&2

if [ ! -s "$report" ]; then
  echo "the measurement did not produce a result" >&2
  exit 1
fi
cat "$report"
